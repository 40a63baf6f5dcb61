"""Throttling: anonymous and per-user rates from settings; 429 with Retry-After."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_rates(settings):
    """Two requests a minute for anonymous users, three for signed-in ones."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/min", "user": "3/min"},
    }


def test_anonymous_requests_over_the_rate_get_429_with_retry_after(anon, low_rates):
    statuses = [anon.get("/api/v1/commodities/").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    response = anon.get("/api/v1/calculators/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "throttled" in response.json()["detail"].lower()


def test_signed_in_users_have_their_own_rate(user_client, anon, low_rates):
    statuses = [user_client.get("/api/v1/commodities/").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    assert anon.get("/api/v1/commodities/").status_code == 200  # counted apart


def test_default_rates_come_from_the_environment_settings(settings):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]

    assert set(rates) == {"anon", "user"}

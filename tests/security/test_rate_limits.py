"""Rate limits and lockouts that a client cannot step around."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_a_minute(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "user": "3/min"},
    }


@pytest.fixture
def analyst(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return User.objects.create_user("analyst", password="right-pass-123")


@pytest.mark.parametrize("path", ["/api/v1/commodities/", "/api/v1/calculators/"])
def test_a_new_forwarded_address_on_each_request_is_still_throttled(
    three_a_minute, path
):
    client = APIClient()
    statuses = [
        client.get(path, HTTP_X_FORWARDED_FOR=f"203.0.113.{i}").status_code
        for i in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]


def test_the_token_endpoint_is_throttled_whatever_the_forwarded_address(
    three_a_minute,
):
    client = APIClient()
    statuses = [
        client.post(
            "/api/v1/token/",
            {"username": "nobody", "password": "x"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{i}",
        ).status_code
        for i in range(5)
    ]
    assert statuses[-1] == 429


def test_with_one_trusted_proxy_the_forwarded_client_address_counts(
    three_a_minute, settings
):
    settings.NUM_PROXIES = 1
    client = APIClient()
    for _ in range(3):
        assert (
            client.get(
                "/api/v1/commodities/", HTTP_X_FORWARDED_FOR="203.0.113.1"
            ).status_code
            == 200
        )
    assert (
        client.get(
            "/api/v1/commodities/", HTTP_X_FORWARDED_FOR="203.0.113.1"
        ).status_code
        == 429
    )
    # Another client behind the same proxy has its own count.
    assert (
        client.get(
            "/api/v1/commodities/", HTTP_X_FORWARDED_FOR="203.0.113.2"
        ).status_code
        == 200
    )


def test_the_login_form_locks_out_a_username_after_the_failure_limit(analyst, settings):
    settings.AXES_FAILURE_LIMIT = 5
    client = Client()
    for i in range(25):
        client.post(
            "/accounts/login/",
            {"username": "analyst", "password": f"wrong-{i}"},
            HTTP_X_FORWARDED_FOR=f"192.0.2.{i}",
            REMOTE_ADDR=f"10.0.0.{i}",
        )
    response = client.post(
        "/accounts/login/",
        {"username": "analyst", "password": "right-pass-123"},
        REMOTE_ADDR="10.0.1.1",
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "Too many failed sign-in attempts" in response.content.decode()


def test_the_login_form_locks_out_an_address_trying_many_usernames(analyst, settings):
    settings.AXES_FAILURE_LIMIT = 5
    client = Client()
    for i in range(5):
        client.post("/accounts/login/", {"username": f"user{i}", "password": "x"})
    response = client.post(
        "/accounts/login/", {"username": "analyst", "password": "right-pass-123"}
    )
    assert response.status_code == 429


def test_the_admin_login_locks_out_too(analyst, settings):
    settings.AXES_FAILURE_LIMIT = 3
    analyst.is_staff = True
    analyst.save()
    client = Client()
    for _ in range(3):
        client.post("/admin/login/", {"username": "analyst", "password": "wrong"})
    response = client.post(
        "/admin/login/", {"username": "analyst", "password": "right-pass-123"}
    )
    assert response.status_code == 429


def test_the_token_endpoint_locks_out_with_json(analyst, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = APIClient()
    statuses = [
        client.post(
            "/api/v1/token/",
            {"username": "analyst", "password": "wrong"},
            format="json",
        ).status_code
        for _ in range(3)
    ]
    assert statuses == [400, 400, 429]  # the failure that reaches the limit locks
    response = client.post(
        "/api/v1/token/",
        {"username": "analyst", "password": "right-pass-123"},
        format="json",
    )
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.json()["detail"]
    assert int(response["Retry-After"]) > 0


def test_a_success_before_the_limit_resets_the_count(analyst, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    for _ in range(2):
        client.post("/accounts/login/", {"username": "analyst", "password": "wrong"})
    ok = client.post(
        "/accounts/login/", {"username": "analyst", "password": "right-pass-123"}
    )
    assert ok.status_code == 302


def test_calculation_pages_are_throttled_like_the_api(three_a_minute):
    client = Client()
    statuses = [
        client.post(
            "/calculators/price-floor/", {}, HTTP_X_FORWARDED_FOR=f"192.0.2.{i}"
        ).status_code
        for i in range(5)
    ]
    assert statuses[:3] == [200, 200, 200]
    assert statuses[3:] == [429, 429]

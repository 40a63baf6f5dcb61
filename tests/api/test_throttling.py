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


# --- the counting (two windows, constant size) ---------------------------------------


@pytest.fixture(params=["locmem", "redis"])
def counts_in(request, settings):
    """The counting tests run on the local cache and on the machine's Redis (where
    a request is counted and the previous window read in one round trip)."""
    if request.param == "redis":
        from tests.stack_fixtures import redis_is_up

        if not redis_is_up():
            pytest.skip("no Redis on this machine")
        import uuid

        settings.CACHES = {
            "default": {
                "BACKEND": "webapp.cache.RedisCache",
                "LOCATION": "redis://127.0.0.1:6379/15",
                "KEY_PREFIX": f"throttle-test-{uuid.uuid4().hex}",
            }
        }
    from django.core.cache import cache

    yield request.param
    cache.clear()


class Clock:
    def __init__(self) -> None:
        self.now = 6000.0  # the start of a one-minute window

    def __call__(self) -> float:
        return self.now


def anonymous_request():
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    request = RequestFactory().get("/api/v1/commodities/")
    request.user = AnonymousUser()
    return request


def throttle(clock):
    from instruments.api.throttling import AnonThrottle

    t = AnonThrottle()
    t.timer = clock
    return t


def test_the_previous_window_counts_by_the_share_of_it_still_inside(
    low_rates, counts_in
):
    clock, request = Clock(), anonymous_request()
    assert [throttle(clock).allow_request(request, None) for _ in range(3)] == [
        True,
        True,
        False,
    ]
    refused = throttle(clock)
    assert not refused.allow_request(request, None)
    assert refused.wait() == 61  # the two fall out as the next minute passes
    clock.now += 60 + 15  # a quarter into the next minute: 2 × 3/4 = 1.5 still count
    assert throttle(clock).allow_request(request, None)  # 1.5 < 2
    assert not throttle(clock).allow_request(request, None)  # 1 + 1.5
    clock.now += 15  # half-way: 1 + 2 × 1/2
    assert not throttle(clock).allow_request(request, None)
    clock.now += 15  # three quarters: 1 + 2 × 1/4
    assert throttle(clock).allow_request(request, None)


def test_the_wait_given_is_enough(low_rates, counts_in):
    clock, request = Clock(), anonymous_request()
    clock.now += 40
    for _ in range(2):
        throttle(clock).allow_request(request, None)
    refused = throttle(clock)
    assert not refused.allow_request(request, None)
    clock.now += refused.wait()
    assert throttle(clock).allow_request(request, None)


def test_the_stored_count_stays_one_number_however_many_requests(settings, counts_in):
    from django.core.cache import cache

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/hour", "user": "100000/hour"},
    }
    clock, request = Clock(), anonymous_request()
    for _ in range(500):
        assert throttle(clock).allow_request(request, None)
    key = throttle(clock).get_cache_key(request, None)
    assert cache.get(f"{key}:{int(clock.now // 3600)}") == 500


def test_a_refused_request_is_not_counted(low_rates, counts_in):
    from django.core.cache import cache

    clock, request = Clock(), anonymous_request()
    for _ in range(5):
        throttle(clock).allow_request(request, None)  # two admitted, three refused
    key = throttle(clock).get_cache_key(request, None)
    assert cache.get(f"{key}:{int(clock.now // 60)}") == 2

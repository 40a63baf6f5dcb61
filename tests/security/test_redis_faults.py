"""Pages and the API keep answering when Redis is down or refuses writes (#24).

The throttle fails open, cache reads miss and writes are skipped, each with a
warning in the log (at most once a minute per process and kind)."""

from __future__ import annotations

import logging

import pytest
import redis
from django.core.cache import cache
from django.test import override_settings

from webapp import cache as webapp_cache

DOWN = {
    "default": {
        "BACKEND": "webapp.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:6399/0",  # nothing listens here
        "KEY_PREFIX": "test-faults",
    }
}
UP = {
    "default": {
        "BACKEND": "webapp.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/13",
        "KEY_PREFIX": "test-faults",
    }
}
CALCULATOR_URL = (
    "/api/v1/calculators/price-floor/?periods=2025Q1,2025Q2&reference_price=110"
    "&price_unit=USD/kg&quantity_unit=t&origin=CHN&import_price=95,120"
    "&quantity=100,120&format=json"
)
PAGES = ("/", "/calculators/price-floor/")


@pytest.fixture(autouse=True)
def _fresh_warnings():
    webapp_cache.forget_warnings()
    yield
    webapp_cache.forget_warnings()


def _get_everything(client) -> None:
    for url in (CALCULATOR_URL, *PAGES):
        response = client.get(url)
        assert response.status_code == 200, url
    # a computed calculation (a bound form) runs the throttle and the result cache
    response = client.get("/calculators/price-floor/?reference_price=120")
    assert response.status_code in (200, 400)


@pytest.mark.django_db
def test_with_redis_down_the_api_and_pages_answer_and_say_so(client, caplog):
    caplog.set_level(logging.WARNING)
    with override_settings(CACHES=DOWN):
        _get_everything(client)
        _get_everything(client)
    warnings = [r for r in caplog.records if "Redis" in r.getMessage()]
    assert warnings, "a warning in the log"
    # at most once a minute per kind: two rounds of requests, one warning each kind
    kinds = [r.getMessage() for r in warnings]
    assert len(kinds) == len(set(kinds))


@pytest.mark.django_db
def test_a_throttle_with_redis_down_fails_open_with_a_warning(client, caplog):
    caplog.set_level(logging.WARNING)
    with override_settings(CACHES=DOWN):
        response = client.get(CALCULATOR_URL)
    assert response.status_code == 200
    assert any("throttle" in r.getMessage() for r in caplog.records)


def _refuse_writes(monkeypatch) -> None:
    """Redis with maxmemory reached and noeviction: every write is refused."""
    oom = redis.exceptions.ResponseError(
        "OOM command not allowed when used memory > 'maxmemory'."
    )

    def refuse(*args, **kwargs):
        raise oom

    client_class = webapp_cache.ReusedClientRedisCacheClient
    for name in ("set", "set_many", "add", "incr", "touch"):
        monkeypatch.setattr(client_class, name, refuse)
    monkeypatch.setattr(webapp_cache.RedisCache, "_count", refuse, raising=False)
    monkeypatch.setattr(redis.commands.core.Script, "__call__", refuse)


@pytest.mark.django_db
def test_with_redis_refusing_writes_the_api_and_pages_answer(
    client, caplog, monkeypatch
):
    try:
        redis.Redis.from_url(UP["default"]["LOCATION"], socket_timeout=1).ping()
    except redis.exceptions.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    caplog.set_level(logging.WARNING)
    with override_settings(CACHES=UP):
        cache.clear()
        _refuse_writes(monkeypatch)
        _get_everything(client)
        response = client.post(
            "/api/v1/calculators/price-floor/",
            {"reference_price": 120},
            content_type="application/json",
        )
        assert response.status_code in (200, 400)
    assert any(
        "OOM" in r.getMessage() or "Redis" in r.getMessage() for r in caplog.records
    )

"""Results cached for anonymous visitors are bounded in size and kept a shorter
time (#24): CALCULATION_CACHE_ANONYMOUS_MAX_BYTES / _SECONDS."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from instruments.services import calculation

BODY: dict[str, Any] = {
    "periods": ["2025Q1", "2025Q2"],
    "reference_price": 110,
    "price_unit": "USD/kg",
    "quantity_unit": "t",
    "flows": [{"origin": "CHN", "import_price": [95, 120], "quantity": [100, 120]}],
}


@pytest.fixture
def writes(monkeypatch) -> list[tuple[str, int]]:
    """Every result the calculation cache writes: (key, timeout)."""
    seen: list[tuple[str, int]] = []
    real_set = cache.set

    def spy(key: str, value: Any, timeout: Any = None, *args: Any, **kw: Any) -> Any:
        if key.startswith(calculation.CACHE_PREFIX):
            seen.append((key, timeout))
        return real_set(key, value, timeout, *args, **kw)

    monkeypatch.setattr(calculation.cache, "set", spy)
    return seen


@pytest.fixture
def _cache_everything(settings):
    settings.CALCULATION_CACHE_MIN_SECONDS = 0
    settings.CALCULATION_CACHE_SECONDS = 86_400
    settings.CALCULATION_CACHE_ANONYMOUS_SECONDS = 3_600


@pytest.mark.django_db
@pytest.mark.usefixtures("_cache_everything")
def test_an_anonymous_result_is_kept_for_the_shorter_time(writes):
    calculation.run_calculation(slug="price-floor", data=BODY, anonymous=True)
    calculation.run_calculation(
        slug="price-floor", data={**BODY, "reference_price": 111}
    )
    assert [timeout for _, timeout in writes] == [3_600, 86_400]


@pytest.mark.django_db
@pytest.mark.usefixtures("_cache_everything")
def test_an_anonymous_result_over_the_limit_is_not_kept(settings, writes):
    settings.CALCULATION_CACHE_ANONYMOUS_MAX_BYTES = 10
    calculation.run_calculation(slug="price-floor", data=BODY, anonymous=True)
    assert writes == []
    calculation.run_calculation(slug="price-floor", data=BODY, anonymous=False)
    assert len(writes) == 1


@pytest.mark.django_db
@pytest.mark.usefixtures("_cache_everything")
def test_the_api_and_the_page_say_who_asks(client, settings, writes, django_user_model):
    settings.CALCULATION_CACHE_ANONYMOUS_MAX_BYTES = 10
    url = "/api/v1/calculators/price-floor/"
    assert client.post(url, BODY, content_type="application/json").status_code == 200
    page = "/calculators/price-floor/?reference_price=121"
    assert client.get(page).status_code in (200, 400)
    assert writes == []  # anonymous: over the (tiny) anonymous limit
    user = django_user_model.objects.create_user("analyst", password="x-y-z-123")
    client.force_login(user)
    body = {**BODY, "reference_price": 112}
    assert client.post(url, body, content_type="application/json").status_code == 200
    assert len(writes) == 1


def test_the_defaults():
    from django.conf import settings

    assert settings.CALCULATION_CACHE_ANONYMOUS_MAX_BYTES == 500_000
    assert settings.CALCULATION_CACHE_ANONYMOUS_SECONDS == 3_600

"""Fixtures for the API tests: clients for each kind of user, and stored prices."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.factories import make_series

STEWARDS = "Data stewards"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Password hashing is deliberately slow; these tests create many users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    """Throttle counts live in the cache; every test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def anon() -> APIClient:
    """A client with no login."""
    return APIClient()


@pytest.fixture
def user(db) -> User:
    """An analyst with an account and no special permissions."""
    return User.objects.create_user("analyst", password="analyst-pass-123")


@pytest.fixture
def other_user(db) -> User:
    """A second analyst, to check that scenarios stay private."""
    return User.objects.create_user("colleague", password="colleague-pass-123")


@pytest.fixture
def steward(db) -> User:
    """A member of the "Data stewards" group (created by a migration)."""
    member = User.objects.create_user("steward", password="steward-pass-123")
    group = Group.objects.get(name=STEWARDS)
    member.groups.add(group)
    return member


@pytest.fixture
def admin(db) -> User:
    """A superuser."""
    return User.objects.create_superuser("admin", "admin@example.org", "admin-pass-1")


def _client_for(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def client_for():
    """``client_for(user)``: an API client signed in as ``user`` (None: anonymous)."""
    return _client_for


@pytest.fixture
def user_client(user) -> APIClient:
    return _client_for(user)


@pytest.fixture
def steward_client(steward) -> APIClient:
    return _client_for(steward)


@pytest.fixture
def admin_client_api(admin) -> APIClient:
    return _client_for(admin)


@pytest.fixture
def stored_prices(db) -> dict[str, Any]:
    """A commodity with an annual default series in USD/t and a monthly one in USD/kg.

    Annual: 2021–2024 at 15,000, 18,000, 21,000, 17,000 USD/t (2024 estimated).
    Monthly: 2024-01..2024-06 at 16.0 … 18.5 USD/kg.
    """
    annual_prices = {2021: 15000, 2022: 18000, 2023: 21000, 2024: 17000}
    monthly_prices = [16.0, 16.5, 17.0, 17.5, 18.0, 18.5]
    same: dict[str, Any] = {
        "source": "Test source",
        "licence": "CC BY 4.0",
        "currency": "USD",
    }
    annual = make_series(
        commodity="test-nickel",
        commodity_name="Test nickel",
        commodity_fields={"hs_codes": "7502.10"},
        code="test-nickel-annual",
        name="Test nickel, annual average",
        basis="LME cash, annual average",
        unit="USD/t",
        frequency="annual",
        prices=[(dt.date(year, 1, 1), p) for year, p in annual_prices.items()],
        estimated=[dt.date(2024, 1, 1)],
        is_default=True,
        **same,
    )
    monthly = make_series(
        commodity="test-nickel",
        commodity_name="Test nickel",
        code="test-nickel-monthly",
        name="Test nickel, monthly",
        basis="LME cash, monthly average",
        unit="USD/kg",
        frequency="monthly",
        prices=[
            (dt.date(2024, month, 1), p)
            for month, p in enumerate(monthly_prices, start=1)
        ],
        **same,
    )
    commodity = annual.commodity
    return {
        "commodity": commodity,
        "annual": annual,
        "monthly": monthly,
        "annual_prices": annual_prices,
        "monthly_prices": monthly_prices,
    }


def _strict_json(content: bytes) -> Any:
    def refuse(constant: str) -> Any:
        raise ValueError(f"{constant} in a JSON response")

    return json.loads(content, parse_constant=refuse)


@pytest.fixture
def strict_json():
    """``strict_json(content)``: parse JSON, refusing NaN and Infinity (not JSON)."""
    return _strict_json

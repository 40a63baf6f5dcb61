"""Who may write what: anonymous, analyst, data steward and admin × every write endpoint;
reads with and without API_REQUIRE_LOGIN; tokens."""

from __future__ import annotations

import copy
import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from rest_framework.test import APIClient

from instruments.calculators import REGISTRY
from instruments.models import (
    ApiKey,
    Commodity,
    ParameterSchedule,
    PriceObservation,
    PriceSeries,
    Producer,
    Scenario,
)
from instruments.services import accounts
from tests.factories import (
    make_fx_rate,
    make_partner,
    make_partner_group,
    make_scenario,
)

pytestmark = pytest.mark.django_db

_counter = itertools.count(1)


def _letters(n: int) -> str:
    return chr(65 + (n // 26) % 26) + chr(65 + n % 26)


def _commodity() -> Commodity:
    n = next(_counter)
    return Commodity.objects.create(code=f"perm-{n}", name=f"Perm {n}", stage="refined")


def _series(commodity: Commodity | None = None) -> PriceSeries:
    n = next(_counter)
    return PriceSeries.objects.create(
        code=f"perm-series-{n}",
        commodity=commodity or _commodity(),
        name=f"Series {n}",
        basis="b",
        source="s",
        licence="CC BY 4.0",
        unit="USD/t",
        frequency="annual",
    )


@dataclass(frozen=True)
class Resource:
    """A writable reference endpoint: how to make an object and what to send."""

    path: str
    make: Callable[[], str]  # creates an object, returns its lookup value
    create: Callable[[], dict[str, Any]]
    patch: dict[str, Any]


RESOURCES = {
    "commodities": Resource(
        "commodities",
        lambda: _commodity().code,
        lambda: {
            "code": f"new-{next(_counter)}",
            "name": "New commodity",
            "stage": "refined",
        },
        {"notes": "edited"},
    ),
    "series": Resource(
        "series",
        lambda: _series().code,
        lambda: {
            "code": f"new-series-{next(_counter)}",
            "commodity": _commodity().code,
            "name": "New series",
            "basis": "b",
            "source": "s",
            "licence": "CC BY 4.0",
            "unit": "USD/t",
            "frequency": "annual",
        },
        {"basis": "edited"},
    ),
    "observations": Resource(
        "observations",
        lambda: str(
            PriceObservation.objects.create(
                series=_series(), period=dt.date(2024, 1, 1), price=Decimal(1)
            ).pk
        ),
        lambda: {"series": _series().code, "period": "2024-01-01", "price": 100},
        {"price": 101},
    ),
    "partners": Resource(
        "partners",
        lambda: (
            make_partner(
                iso3=f"Z{_letters(n := next(_counter))}", iso2=_letters(n), name="P"
            ).iso3
        ),
        lambda: {
            "iso3": f"Y{_letters(n := next(_counter))}",
            "iso2": _letters(n + 300),
            "name": "New economy",
        },
        {"name": "Edited"},
    ),
    "partner-groups": Resource(
        "partner-groups",
        lambda: make_partner_group(code=f"perm-group-{next(_counter)}", name="G").code,
        lambda: {"code": f"new-group-{next(_counter)}", "name": "New group"},
        {"description": "edited"},
    ),
    "producers": Resource(
        "producers",
        lambda: str(
            Producer.objects.create(
                name=f"Producer {next(_counter)}",
                commodity=_commodity(),
                stage="refined",
            ).pk
        ),
        lambda: {
            "name": f"New producer {next(_counter)}",
            "commodity": _commodity().code,
            "stage": "refined",
        },
        {"notes": "edited"},
    ),
    "fx-rates": Resource(
        "fx-rates",
        lambda: str(
            make_fx_rate(
                currency="EUR",
                period=dt.date(2000 + next(_counter) % 90, 1, 1),
                units_per_usd=Decimal("0.9"),
                source="s",
            ).pk
        ),
        lambda: {
            "currency": "GBP",
            "period": f"{1900 + next(_counter) % 90}-01-01",
            "units_per_usd": 0.8,
            "source": "s",
        },
        {"units_per_usd": 0.85},
    ),
    "parameters": Resource(
        "parameters",
        lambda: str(
            ParameterSchedule.objects.create(
                code="perm-param",
                name="P",
                year=2000 + next(_counter),
                value=Decimal(1),
                unit="share",
                source="s",
            ).pk
        ),
        lambda: {
            "code": "new-param",
            "name": "New",
            "year": 1900 + next(_counter) % 99,
            "value": 0.5,
            "unit": "share",
            "source": "s",
        },
        {"value": 0.6},
    ),
}

ROLES = ["anonymous", "user", "steward", "admin"]
MAY_WRITE_REFERENCE = {
    "anonymous": False,
    "user": False,
    "steward": True,
    "admin": True,
}


@pytest.fixture
def as_role(user, steward, admin, client_for) -> Callable[[str], APIClient]:
    users = {"anonymous": None, "user": user, "steward": steward, "admin": admin}
    return lambda role: client_for(users[role])


def denied(status: int) -> bool:
    return status in (401, 403)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(RESOURCES))
def test_reference_create(as_role, name, role):
    resource = RESOURCES[name]
    response = as_role(role).post(
        f"/api/v1/{resource.path}/", resource.create(), format="json"
    )

    if MAY_WRITE_REFERENCE[role]:
        assert response.status_code == 201, response.content
    else:
        assert denied(response.status_code)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(RESOURCES))
def test_reference_update(as_role, name, role):
    resource = RESOURCES[name]
    url = f"/api/v1/{resource.path}/{resource.make()}/"

    response = as_role(role).patch(url, resource.patch, format="json")

    if MAY_WRITE_REFERENCE[role]:
        assert response.status_code == 200, response.content
    else:
        assert denied(response.status_code)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(RESOURCES))
def test_reference_delete(as_role, name, role):
    resource = RESOURCES[name]
    url = f"/api/v1/{resource.path}/{resource.make()}/"

    response = as_role(role).delete(url)

    if MAY_WRITE_REFERENCE[role]:
        assert response.status_code == 204, response.content
    else:
        assert denied(response.status_code)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(RESOURCES))
def test_everyone_reads_reference_data(as_role, name, role):
    assert as_role(role).get(f"/api/v1/{RESOURCES[name].path}/").status_code == 200


def _example() -> dict[str, Any]:
    return copy.deepcopy(dict(REGISTRY["price-floor"].example))


@pytest.mark.parametrize("role", ROLES)
def test_everyone_runs_calculators(as_role, role):
    response = as_role(role).post(
        "/api/v1/calculators/price-floor/", _example(), format="json"
    )

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", "denied"), ("user", 201), ("steward", 201), ("admin", 201)],
)
def test_scenario_create(as_role, role, expected):
    response = as_role(role).post(
        "/api/v1/scenarios/",
        {"calculator": "price-floor", "title": "t", "inputs": _example()},
        format="json",
    )

    if expected == "denied":
        assert denied(response.status_code)
    else:
        assert response.status_code == expected


@pytest.mark.parametrize(
    ("role", "may_change"),
    [("anonymous", False), ("user", False), ("steward", False), ("admin", True)],
)
def test_changing_someone_elses_public_scenario(as_role, other_user, role, may_change):
    scenario = make_scenario(
        calculator="price-floor",
        title="theirs",
        inputs=_example(),
        owner=other_user,
        is_public=True,
    )
    client = as_role(role)
    url = f"/api/v1/scenarios/{scenario.pk}/"

    patched = client.patch(url, {"title": "mine now"}, format="json")
    deleted = client.delete(url)

    if may_change:
        assert (patched.status_code, deleted.status_code) == (200, 204)
    else:
        assert denied(patched.status_code)
        assert denied(deleted.status_code)
        assert Scenario.objects.get(pk=scenario.pk).title == "theirs"


@pytest.mark.parametrize(
    ("role", "may_change"),
    [("anonymous", False), ("user", False), ("steward", True), ("admin", True)],
)
def test_changing_a_precedent(as_role, role, may_change):
    precedent = make_scenario(
        calculator="price-floor",
        title="precedent",
        inputs=_example(),
        is_public=True,
        is_precedent=True,
    )

    response = as_role(role).patch(
        f"/api/v1/scenarios/{precedent.pk}/", {"notes": "reviewed"}, format="json"
    )

    assert response.status_code == 200 if may_change else denied(response.status_code)


def test_data_stewards_group_exists_with_reference_write_permissions(db):
    from django.contrib.auth.models import Group

    group = Group.objects.get(name="Data stewards")
    codenames = set(group.permissions.values_list("codename", flat=True))

    assert {
        "add_commodity",
        "change_priceseries",
        "delete_priceobservation",
    } <= codenames


# --- API_REQUIRE_LOGIN ---------------------------------------------------------------


def test_require_login_closes_reads_to_anonymous_users(settings, anon, user_client, db):
    settings.API_REQUIRE_LOGIN = True

    assert denied(anon.get("/api/v1/commodities/").status_code)
    assert denied(
        anon.post(
            "/api/v1/calculators/price-floor/", _example(), format="json"
        ).status_code
    )
    assert user_client.get("/api/v1/commodities/").status_code == 200
    assert (
        user_client.post(
            "/api/v1/calculators/price-floor/", _example(), format="json"
        ).status_code
        == 200
    )


# --- tokens --------------------------------------------------------------------------


def test_a_token_for_a_username_and_password_authenticates_scripts(anon, user):
    response = anon.post(
        "/api/v1/token/",
        {"username": "analyst", "password": "analyst-pass-123"},
        format="json",
    )
    assert response.status_code == 200
    token = response.json()["token"]

    script = APIClient()
    script.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    saved = script.post(
        "/api/v1/scenarios/",
        {"calculator": "price-floor", "title": "from a script", "inputs": _example()},
        format="json",
    )
    assert saved.status_code == 201
    assert Scenario.objects.get(title="from a script").owner == user


def test_asking_twice_gives_a_new_token_and_the_old_one_stops_working(anon, user):
    """Only a hash is stored, so a token cannot be shown again: a new one replaces it."""
    credentials = {"username": "analyst", "password": "analyst-pass-123"}

    first = anon.post("/api/v1/token/", credentials, format="json").json()["token"]
    second = anon.post("/api/v1/token/", credentials, format="json").json()["token"]

    assert first != second
    old = APIClient()
    old.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    assert old.get("/api/v1/token/").status_code == 401


def test_a_wrong_password_is_a_400_and_no_token(anon, user):
    response = anon.post(
        "/api/v1/token/", {"username": "analyst", "password": "wrong"}, format="json"
    )

    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert not ApiKey.objects.exists()


def test_delete_revokes_the_token(user):
    issued = accounts.issue_key(user=user)
    script = APIClient()
    script.credentials(HTTP_AUTHORIZATION=f"Token {issued.key}")

    shown = script.get("/api/v1/token/").json()
    assert "token" not in shown  # only the hash is stored
    assert shown["prefix"] == issued.key[:10]
    assert script.delete("/api/v1/token/").status_code == 204
    assert not ApiKey.objects.filter(user=user, revoked__isnull=True).exists()
    assert denied(script.get("/api/v1/token/").status_code)


def test_anonymous_users_cannot_revoke(anon, db):
    assert denied(anon.delete("/api/v1/token/").status_code)


def test_a_query_string_token_reads_when_login_is_required_but_never_writes(
    settings, anon, user, db
):
    """IMPORTDATA cannot send headers: ?token= opens reads, and only reads."""
    settings.API_REQUIRE_LOGIN = True
    key = accounts.issue_key(user=user, scope="spreadsheet").key
    csv_url = "/api/v1/calculators/price-floor/?periods=2025&reference_price=110&origin=CHN&import_price=95&quantity=1&format=csv"

    assert denied(anon.get(csv_url).status_code)
    response = anon.get(f"{csv_url}&token={key}")
    assert response.status_code == 200
    assert response.content.decode().startswith("period,origin")
    assert denied(anon.get(f"{csv_url}&token=not-a-token").status_code)
    # the same token in the query string cannot save a scenario
    write = anon.post(
        f"/api/v1/scenarios/?token={key}",
        {"calculator": "price-floor", "title": "x", "inputs": _example()},
        format="json",
    )
    assert denied(write.status_code)

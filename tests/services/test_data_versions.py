"""Table versions read once a request, and reads of stored data cached under them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from instruments import selectors
from instruments.models import Partner
from instruments.services import data_versions
from tests.factories import make_partner

pytestmark = pytest.mark.django_db

TABLES = ("partner", "partner_group")


def test_inside_read_once_each_version_is_looked_up_once():
    with data_versions.read_once(), CaptureQueriesContext(connection) as queries:
        first = data_versions.versions_by_table(names=TABLES)
        again = data_versions.versions_by_table(names=("partner",))
    assert len(queries) == 1
    assert again == {"partner": first["partner"]}
    with CaptureQueriesContext(connection) as outside:
        data_versions.versions_by_table(names=TABLES)
        data_versions.versions_by_table(names=TABLES)
    assert len(outside) == 2  # no block: every call looks them up


def test_a_write_inside_the_block_is_seen_by_the_next_lookup():
    with data_versions.read_once():
        before = data_versions.versions_by_table(names=("partner",))
        make_partner(iso3="AAA", iso2="AA", name="Aland")
        assert data_versions.versions_by_table(names=("partner",)) != before


def test_a_cached_read_runs_again_only_after_an_edit():
    calls: list[int] = []

    def read() -> dict[str, str]:
        calls.append(1)
        return selectors.get_partner_names()

    make_partner(iso3="AAA", iso2="AA", name="Aland")
    assert data_versions.cached_read(name="names", tables=("partner",), read=read) == {
        "AAA": "Aland"
    }
    assert data_versions.cached_read(name="names", tables=("partner",), read=read) == {
        "AAA": "Aland"
    }
    assert len(calls) == 1
    Partner.objects.filter(iso3="AAA").first().save()  # an edit, same data
    make_partner(iso3="BBB", iso2="BB", name="Bland")
    names = data_versions.cached_read(name="names", tables=("partner",), read=read)
    assert names == {"AAA": "Aland", "BBB": "Bland"}
    assert len(calls) == 2


def test_a_cached_read_is_kept_in_the_process_under_the_same_versions(monkeypatch):
    calls: list[int] = []

    def read() -> dict[str, str]:
        calls.append(1)
        return selectors.get_partner_names()

    make_partner(iso3="AAA", iso2="AA", name="Aland")
    data_versions.cached_read(name="names", tables=("partner",), read=read)
    shared_reads: list[str] = []
    original_get = data_versions.cache.get

    def counting_get(key: str, *args: object, **kwargs: object) -> object:
        shared_reads.append(key)
        return original_get(key, *args, **kwargs)

    monkeypatch.setattr(data_versions.cache, "get", counting_get)
    assert data_versions.cached_read(name="names", tables=("partner",), read=read) == {
        "AAA": "Aland"
    }
    assert len(calls) == 1
    assert not [k for k in shared_reads if k.startswith("dataread:")]  # no round trip
    # A save on another server: no signal here, but its history row is newer, so
    # the version (and the key) moves on and the copy is not used.
    Partner.objects.filter(iso3="AAA").update(name="Åland")  # no signal
    record = Partner.history.latest("history_id")
    record.history_id = None
    record.name = "Åland"
    record.save()
    assert data_versions.cached_read(name="names", tables=("partner",), read=read) == {
        "AAA": "Åland"
    }
    assert len(calls) == 2


def test_a_flow_origin_is_checked_against_the_partners_as_edited():
    anon = APIClient()
    body = {
        "periods": ["2025"],
        "reference_price": 110,
        "flows": [{"origin": "ZZZ", "import_price": 100, "quantity": 10}],
    }
    make_partner(iso3="AAA", iso2="AA", name="Aland")
    url = "/api/v1/calculators/price-floor/"
    refused = anon.post(url, body, format="json")
    assert refused.status_code == 400
    assert "ZZZ" in str(refused.json()["flows"])
    make_partner(iso3="ZZZ", iso2="ZZ", name="Zedland")
    response = anon.post(url, body, format="json")
    assert response.status_code == 200, response.json()


def test_a_recent_copy_answers_without_a_round_trip_until_a_write_or_its_age(
    monkeypatch,
):
    make_partner(iso3="AAA", iso2="AA", name="Aland")
    assert data_versions.recent_read(name="names") is None  # nothing read yet
    data_versions.cached_read(
        name="names", tables=("partner",), read=selectors.get_partner_names
    )
    assert data_versions.recent_read(name="names") == {"AAA": "Aland"}
    now = data_versions.time.monotonic()
    monkeypatch.setattr(
        data_versions.time,
        "monotonic",
        lambda: now + data_versions.RECENT_SECONDS + 1,
    )
    assert data_versions.recent_read(name="names") is None  # too old
    monkeypatch.undo()
    data_versions.cached_read(
        name="names", tables=("partner",), read=selectors.get_partner_names
    )
    make_partner(iso3="BBB", iso2="BB", name="Bland")  # a write here
    assert data_versions.recent_read(name="names") is None


def test_known_origins_are_accepted_from_the_recent_copy_unknown_ones_checked_now(
    settings,
):
    settings.CALCULATION_CACHE_SECONDS = 0  # the result cache's key reads versions too
    anon = APIClient()
    url = "/api/v1/calculators/price-floor/"

    def body(origin: str) -> dict[str, object]:
        return {
            "periods": ["2025"],
            "reference_price": 110,
            "flows": [{"origin": origin, "import_price": 100, "quantity": 10}],
        }

    make_partner(iso3="AAA", iso2="AA", name="Aland")
    assert anon.post(url, body("AAA"), format="json").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert anon.post(url, body("AAA"), format="json").status_code == 200
    assert not [q for q in queries if "history" in q["sql"]]  # no version lookup
    # Added on another server (no signal here): not in the copy, so read afresh.
    Partner.objects.bulk_create([Partner(iso3="ZZZ", iso2="ZZ", name="Zedland")])
    record = Partner.history.latest("history_id")
    record.history_id = None
    record.save()
    assert anon.post(url, body("ZZZ"), format="json").status_code == 200
    assert anon.post(url, body("QQQ"), format="json").status_code == 400

"""The stored baseline is built once per version of the tables it reads: requests that
vary only the floor share it, and a steward's edit rebuilds it at once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from instruments import selectors
from instruments.models import TradeFlow
from instruments.services import data_versions
from instruments.services.calculation import run_calculation
from instruments.services.stored_inputs import baseline as stored

REQUEST = {
    "commodity": "ndpr-oxide",
    "year": 2024,
    "members": ["eu-27", "USA", "JPN"],
    "uncertainty": None,
}


@pytest.fixture
def counted_reads(monkeypatch):
    """How many times the stored flows were read for a baseline."""
    calls: list[int] = []
    original = selectors.get_trade_flows

    def counting(**kwargs):
        calls.append(1)
        return original(**kwargs)

    monkeypatch.setattr(stored.selectors, "get_trade_flows", counting)
    return calls


def flow_queries(queries: CaptureQueriesContext) -> list[str]:
    table = TradeFlow._meta.db_table
    return [q["sql"] for q in queries.captured_queries if f'"{table}"' in q["sql"]]


def test_two_floors_read_the_stored_flows_once(seeded_db, counted_reads):
    first = run_calculation(slug="plurilateral", data={**REQUEST, "floor": 100.0})
    with CaptureQueriesContext(connection) as queries:
        second = run_calculation(slug="plurilateral", data={**REQUEST, "floor": 150.0})
    assert len(counted_reads) == 1
    assert flow_queries(queries) == []  # the baseline came from the cache
    assert first.inputs["markets"] == second.inputs["markets"]
    assert first.result.summary != second.result.summary  # each floor solved


def test_an_edit_of_a_trade_flow_rebuilds_the_baseline(seeded_db, counted_reads):
    run_calculation(slug="plurilateral", data={**REQUEST, "floor": 100.0})
    flow = TradeFlow.objects.filter(year=2024, importer__iso3="USA").first()
    assert flow is not None
    flow.quantity = (flow.quantity or 0) * 10 + 1000
    flow.save()
    run_calculation(slug="plurilateral", data={**REQUEST, "floor": 150.0})
    assert len(counted_reads) == 2


def test_a_bump_of_the_trade_flows_version_rebuilds_it(seeded_db, counted_reads):
    run_calculation(slug="plurilateral", data={**REQUEST, "floor": 100.0})
    data_versions.bump(name="trade_flow")
    run_calculation(slug="plurilateral", data={**REQUEST, "floor": 150.0})
    assert len(counted_reads) == 2


def test_the_caller_gets_its_own_copy(seeded_db):
    members = stored.member_economies(("eu-27", "USA"))
    kwargs = {
        "commodity": "ndpr-oxide",
        "year": 2024,
        "members": members,
        "settings": stored.MarketBaseline(),
        "price_unit": "USD/kg",
        "quantity_unit": "t",
    }
    baseline, _, echo = stored.stored_baseline(**kwargs)
    baseline.markets.clear()
    echo["notes"].append("changed")
    again, _, echo_again = stored.stored_baseline(**kwargs)
    assert again.markets
    assert "changed" not in echo_again["notes"]

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


def test_a_second_floor_reads_only_the_versions(seeded_db):
    """Members, the baseline, its price and the downstream goods all come from the
    cache: the one query left is the tables' versions, looked up once a request
    (``read_once``, as the middleware does)."""
    run_calculation(slug="plurilateral", data={**REQUEST, "floor": 100.0})
    with CaptureQueriesContext(connection) as queries, data_versions.read_once():
        run_calculation(slug="plurilateral", data={**REQUEST, "floor": 101.0})
    assert len(queries.captured_queries) <= 1, [
        q["sql"] for q in queries.captured_queries
    ]


def test_a_floor_above_the_stored_price_is_read_once(seeded_db):
    above = {**REQUEST, "floor_above_price": 0.2}
    first = run_calculation(slug="plurilateral", data=above)
    with CaptureQueriesContext(connection) as queries, data_versions.read_once():
        second = run_calculation(
            slug="plurilateral", data={**above, "uncertainty": {"draws": 10, "seed": 2}}
        )
    assert len(queries.captured_queries) <= 1
    assert (
        first.inputs["market_baseline"]["floor"]
        == (second.inputs["market_baseline"]["floor"])
    )


def test_an_edit_of_a_group_changes_the_members_at_once(seeded_db):
    from instruments.models import Partner, PartnerGroup

    before = run_calculation(
        slug="plurilateral", data={**REQUEST, "members": ["eu-27"], "floor": 100.0}
    )
    assert "DEU" in before.inputs["market_baseline"]["members"]["EU-27"]
    group = PartnerGroup.objects.get(code="eu-27")
    group.members.remove(Partner.objects.get(iso3="DEU"))  # m2m: bumps the version
    after = run_calculation(
        slug="plurilateral", data={**REQUEST, "members": ["eu-27"], "floor": 100.0}
    )
    assert "DEU" not in after.inputs["market_baseline"]["members"]["EU-27"]
    assert (
        stored.member_economies(("eu-27",))["EU-27"]
        == (after.inputs["market_baseline"]["members"]["EU-27"])
    )


def test_requests_share_the_prepared_rows_and_leave_them_unchanged(seeded_db):
    """The rows are parsed once and shared; a request with its own measures, a
    member group or uncertainty does not change what the next one gets."""
    first = run_calculation(slug="plurilateral", data={**REQUEST, "floor": 100.0})
    run_calculation(
        slug="plurilateral",
        data={**REQUEST, "floor": 90.0, "member_group": "msp"},
    )
    run_calculation(
        slug="plurilateral",
        data={**{k: v for k, v in REQUEST.items() if k != "uncertainty"}, "floor": 95},
    )
    again = run_calculation(slug="plurilateral", data={**REQUEST, "floor": 100.0})
    assert again.inputs == first.inputs
    assert again.result.summary == first.result.summary
    members = stored.member_economies(tuple(REQUEST["members"]))
    members["EU-27"].append("XXX")  # the caller's own copy
    assert "XXX" not in stored.member_economies(tuple(REQUEST["members"]))["EU-27"]

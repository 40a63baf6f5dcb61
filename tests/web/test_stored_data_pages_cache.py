"""The commodity page and the partner-group pages from the shared cache, under the
versions of the tables they show: a second visit costs (almost) no query, and a
steward's edit shows at once."""

from __future__ import annotations

import pandas as pd
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from instruments import selectors
from instruments.models import Commodity, PartnerGroup, TradeFlow

COMMODITY = "/commodities/ndpr-oxide/"


def data_queries(queries: CaptureQueriesContext) -> list[str]:
    """The queries but the request's savepoints (ATOMIC_REQUESTS)."""
    sql = [q["sql"] for q in queries.captured_queries]
    return [q for q in sql if "SAVEPOINT" not in q]


@pytest.mark.parametrize("page", [COMMODITY, "/groups/", "/groups/msp/"])
def test_a_second_visit_makes_at_most_two_queries(seeded_db, page):
    first = Client().get(page)
    assert first.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        second = Client().get(page)
    assert second.status_code == 200
    assert len(data_queries(queries)) <= 2  # the tables' versions
    assert second.content.count(b"<h1") == first.content.count(b"<h1")


def test_an_edit_of_the_commodity_shows_at_once(seeded_db):
    Client().get(COMMODITY)
    commodity = Commodity.objects.get(code="ndpr-oxide")
    commodity.name = "Renamed oxide"
    commodity.save()
    assert b"Renamed oxide" in Client().get(COMMODITY).content


def test_an_edit_of_a_trade_flow_shows_at_once(seeded_db):
    before = Client().get(COMMODITY).content
    codes = selectors.get_commodity_hs_codes("ndpr-oxide")
    latest = selectors.get_latest_trade_year("ndpr-oxide")
    flow = TradeFlow.objects.filter(
        hs_code__in=codes, year=latest, importer__iso3="USA"
    ).first()
    assert flow is not None
    flow.source = "A steward's corrected source"
    flow.value = flow.value * 1000
    flow.save()
    after = Client().get(COMMODITY).content
    assert after != before


def test_an_edit_of_a_group_shows_at_once(seeded_db):
    Client().get("/groups/")
    Client().get("/groups/msp/")
    group = PartnerGroup.objects.get(code="msp")
    group.name = "Renamed partnership"
    group.save()
    assert b"Renamed partnership" in Client().get("/groups/").content
    assert b"Renamed partnership" in Client().get("/groups/msp/").content


def test_an_unknown_commodity_is_still_a_404(seeded_db):
    assert Client().get("/commodities/no-such-thing/").status_code == 404


def test_the_overview_read_once_equals_each_market_read_on_its_own(seeded_db):
    overview = selectors.get_supply_overview("ndpr-oxide")
    assert overview is not None
    assert overview.year is not None
    for name, members in selectors.SUPPLY_MARKETS.items():
        pd.testing.assert_frame_equal(
            overview.top_exporters[name],
            selectors.get_top_exporters("ndpr-oxide", members, overview.year, limit=50),
        )
        pd.testing.assert_frame_equal(
            overview.concentration[name].reset_index(drop=True),
            selectors.get_supply_concentration("ndpr-oxide", members).reset_index(
                drop=True
            ),
        )
    pd.testing.assert_frame_equal(
        overview.unit_values, selectors.get_trade_unit_values("ndpr-oxide")
    )

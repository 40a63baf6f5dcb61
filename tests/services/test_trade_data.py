"""Trade flows and nested groups, seeded from BACI: selectors, the commodity page and
the admin, checked against the seed files themselves."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from instruments import selectors
from instruments.admin import PartnerGroupForm
from instruments.models import FxRate, Partner, PartnerGroup, TradeFlow

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
EU27 = set(
    next(
        r
        for r in csv.DictReader((SEEDS / "partner_groups.csv").open())
        if r["code"] == "eu-27"
    )["members"].split()
)


def _seed_frame() -> pd.DataFrame:
    return pd.read_csv(SEEDS / "trade_flows.csv", dtype={"hs_code": str})


def _china_share(importers: set[str], year: int = 2024) -> float:
    flows = _seed_frame()
    flows = flows[
        (flows["hs_code"] == "284690")
        & (flows["year"] == year)
        & flows["importer"].isin(importers)
        & ~flows["exporter"].isin(importers)
    ]
    return float(
        flows.loc[flows["exporter"] == "CHN", "value"].sum() / flows["value"].sum()
    )


def test_seeded_flows_are_the_file_rows(seeded_db):
    assert TradeFlow.objects.count() == len(_seed_frame()) == 46766
    assert seeded_db.counts["trade flows"] == 46766
    assert FxRate.objects.count() == 3762
    assert set(TradeFlow.objects.values_list("hs_revision", flat=True)) == {"HS92"}


def test_ndpr_oxide_resolves_to_hs_284690(seeded_db):
    assert selectors.get_commodity_hs_codes("ndpr-oxide") == ["284690"]
    assert selectors.get_commodity_hs_codes("graphite") == ["250410", "250490"]
    # no link stored: the indicative text is parsed
    assert selectors.get_commodity_hs_codes("nickel") == ["750210", "750220"]


def test_msp_includes_the_eu_member_states_through_its_subgroup(seeded_db):
    members = set(selectors.get_partner_group_members("msp"))
    assert members >= EU27
    assert {"USA", "JPN", "KOR", "AUS", "IND", "NOR", "GBR", "CAN"} <= members
    assert "POL" in members  # only through the EU
    assert "POL" not in set(selectors.get_partner_group_members("g7"))


def test_a_loop_of_groups_is_refused_and_never_hangs(seeded_db):
    msp = PartnerGroup.objects.get(code="msp")
    eu = PartnerGroup.objects.get(code="eu-27")
    with pytest.raises(ValidationError, match="inside itself"):
        eu.check_subgroups([msp])
    form = PartnerGroupForm(
        instance=eu,
        data={
            "code": "eu-27",
            "name": eu.name,
            "members": list(eu.members.values_list("pk", flat=True)),
            "subgroups": [msp.pk],
            "source": eu.source,
        },
    )
    assert not form.is_valid()
    assert "inside itself" in str(form.errors)
    eu.subgroups.add(msp)  # written behind the form's back: still resolves, once each
    assert set(selectors.get_partner_group_members("eu-27")) == set(
        selectors.get_partner_group_members("msp")
    )


def test_top_exporters_and_china_share_match_the_seed_file(seeded_db):
    overview = selectors.get_supply_overview("ndpr-oxide")
    assert overview is not None
    assert overview.year == 2024
    shares = overview.share_of("CHN")
    assert shares["EU-27"] == pytest.approx(_china_share(EU27))
    assert shares["United States"] == pytest.approx(_china_share({"USA"}))
    assert shares["Japan"] == pytest.approx(_china_share({"JPN"}))
    assert overview.top_exporters["Japan"]["origin"].iloc[0] == "CHN"
    concentration = overview.concentration["Japan"]
    assert set(concentration["year"]) == set(range(2015, 2025))
    assert ((concentration["hhi"] > 0) & (concentration["hhi"] <= 10_000)).all()


def test_flow_matrix_for_a_plurilateral_grouping(seeded_db):
    from instruments.calculators.trade_matrix import group_flow_matrix

    flows = selectors.get_trade_flows(commodity="ndpr-oxide", year=2024)
    matrix = group_flow_matrix(
        flows,
        markets={
            "eu-27": selectors.get_partner_group_members("eu-27"),
            "USA": ["USA"],
        },
        origins={"CHN": ["CHN"]},
    )
    assert list(matrix.index) == ["CHN", "ROW"]
    assert matrix.to_numpy().sum() == pytest.approx(flows["quantity"].fillna(0).sum())


def test_commodity_page_shows_chinas_share_for_ndpr_oxide(client, seeded_db):
    response = client.get(reverse("instruments:commodity", args=["ndpr-oxide"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Where the supply comes from" in html
    assert "China&#x27;s share" in html or "China's share" in html
    table = re.search(
        r'<table class="data-table" id="china-shares">(.*?)</table>', html, re.S
    )
    assert table
    share = _china_share({"JPN"})
    assert f"{share:.3f}" in table.group(1)
    for script in (
        "supply-top-data",
        "supply-concentration-data",
        "supply-unit-values-data",
    ):
        assert f'id="{script}"' in html
    top = response.context["supply_figures"][0][3]
    assert "China" in top["data"][2]["y"]  # Japan panel, exporters named in words
    assert "<td>United States</td>" in table.group(1)
    assert "Made from</dt><dd><a" in html
    assert "Rare-earth" in html.split("Made from")[1][:200]
    # Unit values beside the default price series, both in its unit (USD/kg).
    units = response.context["supply_figures"][2][3]
    assert [trace["name"] for trace in units["data"]] == [
        "Trade unit value (value ÷ tonnes)",
        "NdPr oxide, USGS annual",
    ]
    assert units["layout"]["yaxis"]["title"]["text"] == "USD/kg"
    prices = dict(zip(units["data"][1]["x"], units["data"][1]["y"], strict=True))
    history = selectors.get_price_history("ndpr-oxide")
    assert prices[2024] == pytest.approx(float(history.prices["2024"]))
    values = selectors.get_trade_unit_values("ndpr-oxide").set_index("year")
    assert "Mineral Commodity Summaries" in response.context["supply_figures"][2][4]
    unit_2024 = dict(zip(units["data"][0]["x"], units["data"][0]["y"], strict=True))
    assert unit_2024[2024] == pytest.approx(values.loc[2024, "unit_value"] / 1000, 1e-3)


def test_trade_flow_admin_lists_and_offers_published_import(
    client, admin_user, seeded_db
):
    client.force_login(admin_user)
    response = client.get(reverse("admin:instruments_tradeflow_changelist"))
    assert response.status_code == 200
    assert "Import a published file" in response.content.decode()


def test_partner_iso3_for_taiwan_carries_bacis_other_asia(seeded_db):
    assert Partner.objects.get(iso3="TWN").exports.exists()

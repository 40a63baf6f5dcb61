"""The calibrated baseline's data in the stewards' admin: lists, search, filters,
permissions, and an edit that changes the data version (so cached results go)."""

from decimal import Decimal

import pytest

from instruments.models import (
    Commodity,
    CommodityElasticity,
    CommodityProduction,
    ElasticityEstimate,
    ProductionVolume,
)
from instruments.services import data_versions

pytestmark = pytest.mark.django_db

TABLES = (
    "production_volume",
    "commodity_production",
    "elasticity_estimate",
    "commodity_elasticity",
)


@pytest.fixture
def baseline_rows(db):
    ndpr = Commodity.objects.create(
        code="test-ndpr-oxide", name="Test NdPr oxide", stage="intermediate"
    )
    ProductionVolume.objects.create(
        series="Rare earths",
        stage="mine",
        country_name="Other countries",
        year=2024,
        quantity=Decimal(1000),
        unit="metric tons, rare-earth-oxide (REO) equivalent",
        edition="MCS2026",
    )
    CommodityProduction.objects.create(
        commodity=ndpr,
        series="Rare earths",
        stage="mine",
        factor=Decimal("0.2"),
        basis="Illustrative.",
        illustrative=True,
    )
    estimate = ElasticityEstimate.objects.create(
        key="fs-supply-cobalt",
        parameter="Price elasticity of supply",
        scope="World market, Cobalt",
        low=0.21,
        high=1.0,
        source='Fally, T. and Sayre, J. (2018), "Commodity Trade Matters"',
        where_in_source="Table 1 (survey)",
    )
    item = CommodityElasticity.objects.create(
        commodity=ndpr, kind="supply", value=0.458, low=0.21, high=1.0, note="x"
    )
    item.estimates.set([estimate])
    return item


@pytest.mark.parametrize(
    "model",
    [
        "productionvolume",
        "commodityproduction",
        "elasticityestimate",
        "commodityelasticity",
    ],
)
def test_stewards_list_search_and_open_them(client, steward, baseline_rows, model):
    client.force_login(steward)
    listing = client.get(f"/admin/instruments/{model}/?q=rare")
    assert listing.status_code == 200
    assert client.get(f"/admin/instruments/{model}/add/").status_code == 200
    for permission in ("add", "change", "delete", "view"):
        assert steward.has_perm(f"instruments.{permission}_{model}")


def test_an_edit_changes_the_data_version(baseline_rows):
    before = data_versions.versions_of(names=TABLES)
    baseline_rows.value = 0.5
    baseline_rows.save()
    assert data_versions.versions_of(names=TABLES) != before
    assert baseline_rows.source == "Fally and Sayre (2018), Table 1"

"""The calibrated baseline's data in the seed: USGS world production by country,
commodity production links, published elasticity estimates and the defaults chosen
from them (seeds/README.md)."""

import csv
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from instruments.models import (
    CommodityElasticity,
    CommodityProduction,
    ElasticityEstimate,
    ProductionVolume,
)
from instruments.services.baseline_data import seed_baseline_data
from instruments.services.seed_files import SeedError

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SHARED = Path("/work/shared/data")


def test_the_seed_stores_every_row(seeded_db):
    assert ProductionVolume.objects.count() == 1620
    assert ElasticityEstimate.objects.count() == 240
    assert seeded_db.counts["production volumes"] == 1620
    assert seeded_db.counts["elasticity estimates"] == 240
    links = set(CommodityProduction.objects.values_list("commodity__code", flat=True))
    assert {
        "ndpr-oxide",
        "dysprosium-oxide",
        "lithium-carbonate",
        "cobalt",
        "nickel-ore",
        "graphite",
        "aluminum",
    } <= links
    # every commodity with defaults has all three kinds
    per = CommodityElasticity.objects.values_list("commodity__code", "kind")
    by_commodity: dict[str, set[str]] = {}
    for code, kind in per:
        by_commodity.setdefault(code, set()).add(kind)
    assert "ndpr-oxide" in by_commodity
    assert all(len(kinds) == 3 for kinds in by_commodity.values())


def test_china_rare_earths_2024_as_published(seeded_db):
    row = ProductionVolume.objects.get(
        series="Rare earths", stage="mine", country__iso3="CHN", year=2024
    )
    assert row.quantity == Decimal(270_000)
    assert row.unit == "metric tons, rare-earth-oxide (REO) equivalent"
    assert row.edition == "MCS2026"
    assert row.estimated
    if (SHARED / "world_production_usgs.csv").exists():
        with (SHARED / "world_production_usgs.csv").open(encoding="utf-8") as f:
            shared = next(
                r
                for r in csv.DictReader(f)
                if (r["commodity"], r["iso3"], r["year"])
                == ("Rare earths", "CHN", "2024")
            )
        assert Decimal(shared["quantity"]) == row.quantity
    world = ProductionVolume.objects.get(
        series="Rare earths", stage="mine", country_name="World total", year=2024
    )
    assert world.country is None


def test_ndpr_factor_and_elasticities(seeded_db):
    link = CommodityProduction.objects.get(commodity__code="ndpr-oxide")
    assert (link.series, link.stage, link.factor) == (
        "Rare earths",
        "mine",
        Decimal("0.2"),
    )
    assert link.illustrative
    assert "ILLUSTRATIVE" in link.basis
    lithium = CommodityProduction.objects.get(commodity__code="lithium-carbonate")
    assert lithium.factor == Decimal("5.323")
    assert not lithium.illustrative
    aluminium = CommodityProduction.objects.get(commodity__code="aluminum")
    assert aluminium.factor == 1000  # thousand metric tons -> tonnes
    eta = CommodityElasticity.objects.get(
        commodity__code="ndpr-oxide", kind="import_demand"
    )
    assert eta.value == pytest.approx(-0.763201)
    assert eta.low < eta.value < eta.high < 0
    assert "Hauk (2012)" in eta.note
    assert list(eta.estimates.values_list("key", flat=True)) == ["hauk-imp-284690"]
    sigma = CommodityElasticity.objects.get(
        commodity__code="ndpr-oxide", kind="substitution"
    )
    assert sigma.value == pytest.approx(1.17561)
    assert sigma.low > 0
    supply = CommodityElasticity.objects.get(
        commodity__code="ndpr-oxide", kind="supply"
    )
    assert "BORROWED" in supply.note
    assert supply.low <= supply.value <= supply.high
    for item in CommodityElasticity.objects.all():
        assert item.low <= item.value <= item.high, item


def test_seeding_again_changes_nothing(seeded_db):
    again = seed_baseline_data(root=SEEDS, user=None)
    assert set(again.values()) == {(0, 0)}


def test_a_bad_row_names_the_file_and_row(seeded_db, tmp_path):
    for name in (
        "world_production.csv",
        "commodity_production.csv",
        "elasticity_estimates.csv",
        "commodity_elasticities.csv",
    ):
        shutil.copy(SEEDS / name, tmp_path / name)
    path = tmp_path / "commodity_elasticities.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("import_demand,-", "import_demand,", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(SeedError, match=r"commodity_elasticities\.csv row 2"):
        seed_baseline_data(root=tmp_path, user=None)

"""Export controls (USGS MCS 2026 table 4) and declared stockpiles in the seed."""

import csv
from pathlib import Path

import pytest

from instruments.models import (
    Commodity,
    DeclaredStockpile,
    ExportControl,
    ExportMeasure,
    Partner,
)
from instruments.services.security_data import seed_security_data
from instruments.services.seed_files import SeedError

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SHARED = Path("/work/shared/data")


def test_the_seed_splits_usgs_rows_into_materials_with_links(seeded_db):
    assert seeded_db.counts["export controls"] == 35
    with (SEEDS / "export_controls.csv").open(encoding="utf-8") as handle:
        assert sum(1 for _ in csv.DictReader(handle)) == 35
    rare_earths = ExportControl.objects.get(country__iso3="CHN", material="Rare earths")
    assert rare_earths.measure == ExportMeasure.LICENSING_TECHNOLOGIES
    assert rare_earths.year == 2025
    assert "doi:10.5066/P1WKQ63T" in rare_earths.source
    assert rare_earths.source_url == "https://www.mofcom.gov.cn/zwgk/zcfb/index.html"
    codes = set(rare_earths.commodities.values_list("code", flat=True))
    assert {"ndpr-oxide", "dysprosium-oxide", "terbium-oxide"} <= codes
    cobalt = ExportControl.objects.get(country__iso3="COD")
    assert cobalt.measure == ExportMeasure.QUOTA
    assert cobalt.country_name == "Congo (Kinshasa)"
    # A temporary ban's trailing space in the published file is read as the same kind.
    assert ExportControl.objects.get(country__iso3="ARM").measure == (
        ExportMeasure.TEMPORARY_BAN
    )
    # Materials the app holds no commodity for are kept, unlinked.
    diamonds = ExportControl.objects.get(country__iso3="BWA")
    assert diamonds.commodities.count() == 0


def test_every_usgs_country_is_in_the_seed(seeded_db):
    if not (SHARED / "export_controls_usgs.csv").exists():
        pytest.skip("the shared copy of USGS table 4 is not on this machine")
    with (SHARED / "export_controls_usgs.csv").open(encoding="utf-8") as handle:
        published = {row["iso3"]: row for row in csv.DictReader(handle)}
    stored = set(ExportControl.objects.values_list("country__iso3", flat=True))
    assert stored == set(published)


def test_the_seed_stores_declared_stockpiles_and_flags(seeded_db):
    assert seeded_db.counts["declared stockpiles"] == 5
    jogmec = DeclaredStockpile.objects.get(country__iso3="JPN", kind="target")
    assert jogmec.days == 60
    assert jogmec.quantity_t is None
    assert jogmec.days_basis == "consumption"
    assert not jogmec.illustrative
    nds = DeclaredStockpile.objects.get(country__iso3="USA")
    assert nds.amount == "not public"


def test_seeding_twice_changes_nothing(seeded_db):
    again = seed_security_data(root=SEEDS, user=None)
    assert again == {"export controls": (0, 0), "declared stockpiles": (0, 0)}


def test_a_bad_seed_row_names_the_file_and_row(tmp_path, db):
    Partner.objects.get_or_create(iso3="CHN", defaults={"iso2": "CN", "name": "China"})
    Commodity.objects.get_or_create(
        code="gallium", defaults={"name": "Gallium", "stage": "refined"}
    )
    (tmp_path / "export_controls.csv").write_text(
        "country,material,commodities,measure,year,source\n"
        "CHN,Gallium,gallium,Export ban,2023,USGS\n"
        "CHN,Germanium,no-such-commodity,Export ban,2023,USGS\n",
        encoding="utf-8",
    )
    with pytest.raises(SeedError, match=r"(?s)export_controls.csv.*Row 3: commodities"):
        seed_security_data(root=tmp_path, user=None)
    assert not ExportControl.objects.filter(measure="export_ban", country__iso3="CHN")

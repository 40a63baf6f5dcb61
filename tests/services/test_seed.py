"""``manage.py seed``: every shared series, idempotent, fast, units the engine reads."""

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db.models import Count

from instruments.models import (
    Commodity,
    ParameterSchedule,
    Partner,
    PartnerGroup,
    PriceObservation,
    PriceSeries,
    Producer,
    Scenario,
)
from instruments.services.stewards import DATA_STEWARDS

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
REQUIRED_COMMODITIES = [
    "nickel",
    "copper",
    "aluminum",
    "lithium-carbonate",
    "cobalt",
    "graphite",
    "ndpr-oxide",
    "neodymium-oxide",
    "dysprosium-oxide",
    "terbium-oxide",
    "gallium",
    "germanium",
    "antimony",
    "tungsten",
    "manganese-ore",
    "platinum",
    "palladium",
]


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Commodity,
            PriceSeries,
            PriceObservation,
            Partner,
            PartnerGroup,
            ParameterSchedule,
            Producer,
            Scenario,
        )
    }


def test_seed_twice_gives_the_same_counts_and_no_new_history():
    call_command("seed", verbosity=0)
    first = _counts()
    history_rows = PriceObservation.history.count()
    out = StringIO()
    call_command("seed", stdout=out)
    assert _counts() == first
    assert PriceObservation.history.count() == history_rows
    assert "(0 new, 0 updated)" in out.getvalue()


def test_all_monthly_series_with_all_their_points(seeded_db):
    monthly = dict(
        PriceSeries.objects.filter(frequency="monthly")
        .annotate(n=Count("observations"))
        .values_list("code", "n")
    )
    assert len(monthly) == 12
    phosphate = "phosphate-rock-fob-north-africa-monthly-wb"
    assert monthly.pop(phosphate) == 136
    assert set(monthly.values()) == {137}
    assert PriceObservation.objects.filter(series__frequency="monthly").count() == 1643


def test_every_annual_series_is_present(seeded_db):
    annual = PriceSeries.objects.filter(frequency="annual")
    assert annual.count() == 96
    assert PriceObservation.objects.filter(series__frequency="annual").count() == 543
    assert PriceSeries.objects.filter(commodity__code="lithium-carbonate").count() == 2
    nickel_units = set(
        PriceSeries.objects.filter(
            commodity__code="nickel", frequency="annual"
        ).values_list("unit", flat=True)
    )
    assert nickel_units == {"USD/t", "USD/lb"}
    assert PriceSeries.objects.get(
        code="tungsten-concentrate-rotterdam-argus-annual-usgs"
    ).unit == ("USD/mtu")
    assert (
        PriceSeries.objects.get(code="iron-ore-cfr-china-monthly-wb").unit == "USD/dmt"
    )


def test_values_match_the_shared_files_exactly(seeded_db):
    """Spot checks against the published figures (no rounding, no conversion)."""
    nickel = PriceObservation.objects.get(
        series__code="nickel-lme-monthly-wb", period="2015-01-01"
    )
    assert str(nickel.price.normalize()) == "14849.19"
    ndpr = PriceObservation.objects.get(
        series__code="ndpr-oxide-argus-fob-annual-usgs", period="2025-01-01"
    )
    assert ndpr.price == 69
    assert ndpr.estimated
    # 93 rows end with "value marked Estimated (e) by USGS" in the shared file
    assert PriceObservation.objects.filter(estimated=True).count() == 93


def test_required_commodities_and_one_default_each(seeded_db):
    codes = set(Commodity.objects.values_list("code", flat=True))
    assert set(REQUIRED_COMMODITIES) <= codes
    with_series = Commodity.objects.filter(series__isnull=False).distinct()
    for commodity in with_series:
        assert commodity.series.filter(is_default=True).count() == 1, commodity.code
    assert PriceSeries.objects.get(is_default=True, commodity__code="nickel").code == (
        "nickel-lme-monthly-wb"
    )


def test_a_stewards_default_survives_reseeding(seeded_db):
    PriceSeries.objects.filter(commodity__code="nickel").update(is_default=False)
    PriceSeries.objects.filter(code="nickel-lme-cash-t-annual-usgs").update(
        is_default=True
    )
    call_command("seed", verbosity=0)
    assert PriceSeries.objects.get(is_default=True, commodity__code="nickel").code == (
        "nickel-lme-cash-t-annual-usgs"
    )


def test_partners_and_groups(seeded_db):
    assert Partner.objects.count() == 249
    groups = {g.code: g for g in PartnerGroup.objects.all()}
    assert groups["eu-27"].members.count() == 27
    assert set(groups["g7"].members.values_list("iso3", flat=True)) == {
        "CAN",
        "DEU",
        "FRA",
        "GBR",
        "ITA",
        "JPN",
        "USA",
    }
    assert "non-enumerated" in groups["g7"].description
    assert groups["msp"].members.filter(iso3__in=["AUS", "IND", "KOR"]).count() == 3
    assert list(groups["msp"].subgroups.values_list("code", flat=True)) == ["eu-27"]
    assert not groups["g7"].subgroups.exists()


def test_trade_flows_fx_rates_and_hs_links(seeded_db):
    from instruments.models import CommodityHsCode, FxRate, TradeFlow

    assert Commodity.objects.count() == 84
    assert TradeFlow.objects.count() == 46766
    assert CommodityHsCode.objects.count() == 28
    assert FxRate.objects.count() == 3762
    eur = FxRate.objects.get(currency="EUR", period="2022-10-01")
    assert str(eur.units_per_usd.normalize()) == "1.0149"  # parity, per USD
    ndpr = CommodityHsCode.objects.get(commodity__code="ndpr-oxide")
    assert (ndpr.hs_code, ndpr.hs_revision) == ("284690", "HS92")
    # Every HS code of the BACI file, every year 2015-2024.
    years = {
        code: set(TradeFlow.objects.filter(hs_code=code).values_list("year", flat=True))
        for code in TradeFlow.objects.values_list("hs_code", flat=True).distinct()
    }
    assert set(years) == {
        "250410", "250490", "260400", "280530", "282200", "282520",
        "283691", "284610", "284690", "760110", "810510",
    }  # fmt: skip
    assert all(found >= set(range(2015, 2025)) for found in years.values())


def test_cbam_schedules(seeded_db):
    shares = dict(
        ParameterSchedule.objects.filter(code="cbam-free-allocation-share").values_list(
            "year", "value"
        )
    )
    assert [float(shares[y]) for y in range(2026, 2035)] == [
        0.975,
        0.95,
        0.9,
        0.775,
        0.515,
        0.39,
        0.265,
        0.14,
        0.0,
    ]
    markups = dict(
        ParameterSchedule.objects.filter(code="cbam-default-markup").values_list(
            "year", "value"
        )
    )
    assert {y: float(v) for y, v in markups.items()} == {
        2026: 0.1,
        2027: 0.2,
        2028: 0.3,
    }


def test_illustrative_records_say_so(seeded_db):
    for producer in Producer.objects.all():
        assert producer.is_illustrative
        assert "Illustrative" in producer.name
        assert "ILLUSTRATIVE" in producer.notes


def test_precedent_scenarios(seeded_db):
    precedents = Scenario.objects.filter(is_precedent=True)
    assert precedents.count() == 15
    assert set(precedents.values_list("calculator", flat=True)) == {
        "price-floor",
        "standards-market",
        "price-gap-subsidy",
        "offtake",
        "plurilateral",
        "stockpile",
    }
    solar = precedents.get(title__startswith="EU minimum import price on Chinese solar")
    assert solar.calculator == "plurilateral"
    assert solar.inputs["measures"][0]["kind"] == "undertaking"
    assert solar.inputs["measures"][0]["level"] == 0.56
    mp = precedents.get(title__startswith="DoD–MP Materials")
    assert mp.inputs["strike"] == 110
    assert mp.inputs["upside_share"] == 0.3
    assert mp.inputs["design"] == "one_sided"
    assert len(mp.inputs["periods"]) == 40
    assert mp.inputs["periods"][0] == "2025Q4"
    assert all(p.is_public and p.owner is None for p in precedents)


def test_data_stewards_group_exists_after_migrate():
    """post_migrate creates the group on the test database too."""
    group = Group.objects.get(name=DATA_STEWARDS)
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert "change_priceobservation" in codenames
    assert "add_priceseries" in codenames
    assert not any(c.endswith(("_user", "_group", "_permission")) for c in codenames)
    assert "delete_scenario" not in codenames


def test_every_seed_unit_parses():
    from instruments.calculators.units import parse_price_unit

    with (SEEDS / "series.csv").open(newline="", encoding="utf-8") as handle:
        units = {row["unit"] for row in csv.DictReader(handle)}
    with (SEEDS / "producers.csv").open(newline="", encoding="utf-8") as handle:
        units |= {
            row["cost_unit"] for row in csv.DictReader(handle) if row["cost_unit"]
        }
    from instruments.models import PRICE_UNITS

    assert units <= set(PRICE_UNITS)  # the stored vocabulary (a check constraint)
    for unit in units:
        parse_price_unit(unit)  # raises InputError if the engine cannot read it


def _seeds_with(tmp_path: Path, name: str, change) -> Path:
    """A copy of seeds/ whose ``name`` has its first data row changed by ``change``."""
    import shutil

    from instruments.services.seeding import SEEDS_DIR

    root = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, root)
    with (root / name).open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    change(rows[0])
    with (root / name).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return root


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "field", "value", "message"),
    [
        (
            "commodities.csv",
            "input_commodity",
            "unobtainium",
            "commodities.csv row 2: unknown input commodity 'unobtainium'.",
        ),
        (
            "partner_groups.csv",
            "members",
            "XXX",
            "partner_groups.csv row 2: unknown ISO3 code(s) XXX.",
        ),
        (
            "parameters.csv",
            "year",
            "20x6",
            "parameters.csv row 2: '20x6' is not a year.",
        ),
    ],
)
def test_a_bad_seed_row_is_named_by_file_and_spreadsheet_row(
    tmp_path, name, field, value, message
):
    from instruments.services.seeding import SeedError, seed_database

    root = _seeds_with(tmp_path, name, lambda row: row.update({field: value}))
    with pytest.raises(SeedError) as caught:
        seed_database(seeds_dir=root)
    assert str(caught.value) == message

"""run_calculation: stored prices, unit conversion, errors; and the seeded precedents."""

import pytest

from instruments.calculators import REGISTRY
from instruments.calculators.base import InputError
from instruments.presentation.jsonify import rows_as_records
from instruments.services.calculation import run_calculation
from instruments.services.scenarios import save_scenario


def test_stored_prices_fill_periods_and_convert_units(nickel_series):
    calculation = run_calculation(
        slug="price-gap-subsidy",
        data={
            "commodity": "nickel",
            "price_unit": "USD/kg",
            "quantity_unit": "kg",
            "design": "one_sided",
            "strike": 0.115,
            "quantity": 1000,
        },
    )
    rows = calculation.result.rows
    assert list(rows["period"]) == ["2024-01", "2024-02", "2024-03"]
    assert list(rows["market_price"]) == pytest.approx([0.100, 0.110, 0.120])
    # 1000 kg at (0.115 - 0.100) and (0.115 - 0.110); nothing in March
    assert calculation.result.summary["payments_total"] == pytest.approx(15 + 5)
    stored = calculation.inputs["stored_prices"]
    assert stored["series"] == "nickel-test-monthly"
    assert stored["source_unit"] == "USD/t"
    assert (stored["first_period"], stored["last_period"], stored["count"]) == (
        "2024-01",
        "2024-03",
        3,
    )


def test_a_date_range_selects_the_stored_periods(nickel_series):
    calculation = run_calculation(
        slug="offtake",
        data={
            **REGISTRY["offtake"].example,
            "periods": None,  # typed periods would select, not be replaced
            "commodity": "nickel",
            "start": "2024-02",
            "end": "2024-03",
            "price_unit": "USD/t",
            "taken_quantity": 100,
            "contracted_quantity": 100,
        },
    )
    assert list(calculation.result.rows["period"]) == ["2024-02", "2024-03"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"commodity": "unobtainium"}, "commodity"),
        ({"commodity": "nickel", "series": "no-such-series"}, "series"),
        ({"commodity": "nickel", "price_unit": "EUR/t"}, "price_unit"),
        ({"commodity": "nickel", "price_unit": "USD/MWh"}, "price_unit"),
    ],
    ids=["unknown-commodity", "unknown-series", "other-currency", "incompatible-unit"],
)
def test_stored_price_errors_name_the_field(nickel_series, data, field):
    request = {**REGISTRY["price-gap-subsidy"].example, **data}
    request.pop("periods", None)
    with pytest.raises(InputError) as caught:
        run_calculation(slug="price-gap-subsidy", data=request)
    assert field in caught.value.errors


def test_a_calculator_without_a_market_price_refuses_a_commodity(nickel_series):
    with pytest.raises(InputError) as caught:
        run_calculation(
            slug="trade-response",
            data={**REGISTRY["trade-response"].example, "commodity": "nickel"},
        )
    assert "commodity" in caught.value.errors


def test_rows_as_records_turns_nan_into_none():
    import pandas as pd

    records = rows_as_records(pd.DataFrame({"a": [1.5, float("nan")], "b": ["x", "y"]}))
    assert records == [{"a": 1.5, "b": "x"}, {"a": None, "b": "y"}]
    assert isinstance(records[0]["a"], float)


def test_save_scenario_refuses_invalid_inputs_and_writes_nothing(db, django_user_model):
    from instruments.models import Scenario

    owner = django_user_model.objects.create_user(username="official")
    bad = {**REGISTRY["price-floor"].example, "price_unit": "USD/parsec"}
    with pytest.raises(InputError):
        save_scenario(owner=owner, calculator="price-floor", inputs=bad, title="Bad")
    assert Scenario.objects.count() == 0
    saved = save_scenario(
        owner=owner,
        calculator="price-floor",
        inputs=REGISTRY["price-floor"].example,
        title="Good",
    )
    assert saved.owner == owner
    assert not saved.is_public


def test_stored_fx_rates_convert_a_usd_series_into_euros(nickel_series):
    import datetime as dt
    from decimal import Decimal

    from tests.factories import make_fx_rate

    make_fx_rate(
        currency="EUR", period=dt.date(2024, 1, 1), units_per_usd=Decimal("0.9")
    )
    make_fx_rate(
        currency="EUR", period=dt.date(2024, 3, 1), units_per_usd=Decimal("0.8")
    )
    calculation = run_calculation(
        slug="price-gap-subsidy",
        data={
            "commodity": "nickel",
            "price_unit": "EUR/t",
            "quantity_unit": "t",
            "strike": 200,
            "quantity": 1,
        },
    )
    # January and February at 0.9 EUR/USD (the latest rate so far), March at 0.8
    assert list(calculation.result.rows["market_price"]) == pytest.approx(
        [90.0, 99.0, 96.0]
    )


def test_a_stated_fx_rate_wins_over_stored_rates(nickel_series):
    calculation = run_calculation(
        slug="price-gap-subsidy",
        data={
            "commodity": "nickel",
            "price_unit": "EUR/t",
            "quantity_unit": "t",
            "fx_rate": 0.5,
            "strike": 200,
            "quantity": 1,
        },
    )
    assert list(calculation.result.rows["market_price"]) == pytest.approx([50, 55, 60])


def test_an_fx_rate_per_period_converts_each_period(nickel_series):
    calculation = run_calculation(
        slug="price-gap-subsidy",
        data={
            "commodity": "nickel",
            "price_unit": "EUR/t",
            "quantity_unit": "t",
            "fx_rate": [0.5, 1, 2],
            "strike": 200,
            "quantity": 1,
        },
    )
    assert list(calculation.result.rows["market_price"]) == pytest.approx(
        [50, 110, 240]
    )
    with pytest.raises(InputError) as caught:
        run_calculation(
            slug="price-gap-subsidy",
            data={
                "commodity": "nickel",
                "price_unit": "EUR/t",
                "fx_rate": "0.5,1",
                "strike": 200,
                "quantity": 1,
            },
        )
    assert caught.value.errors == {"fx_rate": ["2 values given, 3 stored periods."]}


def test_a_cost_curve_floor_takes_the_stored_producers(nickel_series):
    from decimal import Decimal

    from instruments.models import Producer

    for name, cost, capacity in (
        ("Low", "8", 300),
        ("Mid", "10", 100),
        ("High", "14", 100),
    ):
        Producer.objects.create(
            name=f"Illustrative nickel producer {name}",
            commodity=nickel_series.commodity,
            stage="refined",
            capacity=Decimal(capacity),
            capacity_unit="t/yr",
            unit_cost=Decimal(cost),
            cost_unit="USD/kg",
            is_illustrative=True,
        )
    typed = run_calculation(
        slug="price-floor",
        data={
            "periods": ["2024-01", "2024-02", "2024-03"],
            "market_price": [100, 110, 120],
            "price_unit": "USD/t",
            "quantity_unit": "t",
            "reference_basis": "cost_percentile",
            "producer_costs": [8000, 10000, 14000],
            "producer_volumes": [300, 100, 100],
            "cost_percentile": 0.9,
            "cost_margin": 0.1,
            "flows": [{"origin": "CHN", "quantity": 10}],
        },
    )
    stored = run_calculation(
        slug="price-floor",
        data={
            "commodity": "nickel",
            "price_unit": "USD/t",
            "quantity_unit": "t",
            "reference_basis": "cost_percentile",
            "cost_percentile": 0.9,
            "cost_margin": 0.1,
            "flows": [{"origin": "CHN", "quantity": 10}],
        },
    )
    assert list(stored.result.rows["reference_price"]) == pytest.approx(
        list(typed.result.rows["reference_price"])
    )
    assert [p["unit_cost"] for p in stored.inputs["stored_prices"]["producers"]] == [
        8000,
        10000,
        14000,
    ]


def test_a_member_group_decides_which_flows_are_members(db):
    from tests.factories import make_partner, make_partner_group

    group = make_partner_group(code="test-zone", name="Test zone")
    for iso3, iso2, name in (("AUS", "AU", "Australia"), ("JPN", "JP", "Japan")):
        group.members.add(make_partner(iso3=iso3, iso2=iso2, name=name))
    make_partner(iso3="CHN", iso2="CN", name="China")
    data = {
        "periods": ["2025"],
        "reference_price": 110,
        "price_unit": "USD/kg",
        "quantity_unit": "t",
        "member_group": "test-zone",
        "flows": [
            {"origin": "AUS", "member": False, "import_price": 90, "quantity": 10},
            {"origin": "CHN", "member": True, "import_price": 90, "quantity": 10},
        ],
    }
    calculation = run_calculation(slug="price-floor", data=data)
    rows = calculation.result.rows.set_index("origin")
    assert bool(rows.loc["AUS", "member"]) is True  # in the group: pays nothing
    assert rows.loc["AUS", "levy"] == 0
    assert bool(rows.loc["CHN", "member"]) is False  # not in the group: pays the levy
    assert rows.loc["CHN", "levy"] == 20
    assert calculation.inputs["member_group"] == {
        "code": "test-zone",
        "members": ["AUS", "JPN"],
    }
    assert data["flows"][0]["member"] is False  # the request itself is left as given


@pytest.mark.django_db
def test_an_unknown_member_group_is_an_error_on_its_field():
    request = {**REGISTRY["trade-response"].example, "member_group": "atlantis"}
    with pytest.raises(InputError) as caught:
        run_calculation(slug="trade-response", data=request)
    assert "member_group" in caught.value.errors
    with pytest.raises(InputError) as caught:
        run_calculation(
            slug="offtake",
            data={**REGISTRY["offtake"].example, "member_group": "atlantis"},
        )
    assert "no import flows" in caught.value.errors["member_group"][0]


def test_a_standards_market_takes_the_stored_producers_as_suppliers(db):
    import datetime as dt
    from decimal import Decimal

    from instruments.models import Commodity, PriceObservation, PriceSeries, Producer

    aluminium = Commodity.objects.create(code="aluminum", name="Aluminium")
    series = PriceSeries.objects.create(
        code="aluminum-test",
        commodity=aluminium,
        name="Aluminium test",
        unit="USD/t",
        frequency="annual",
    )
    for year, price in ((2024, 2400), (2025, 2600)):
        PriceObservation.objects.create(
            series=series, period=dt.date(year, 1, 1), price=Decimal(price)
        )
    for name, intensity, capacity in (("Hydro", "2.5", 400), ("Coal", "14.5", 1000)):
        Producer.objects.create(
            name=f"Illustrative smelter {name}",
            commodity=aluminium,
            stage="refined",
            capacity=Decimal(capacity),
            capacity_unit="t/yr",
            carbon_intensity=Decimal(intensity),
            intensity_scope="scope1_2",
            traceable=name == "Hydro",
            is_illustrative=True,
        )
    calculation = run_calculation(
        slug="standards-market",
        data={
            "commodity": "aluminum",
            "price_unit": "USD/kg",
            "quantity_unit": "kg",
            "compliance_premium": 15,
            "carbon_price": 80,
            "free_intensity": 0,
            "standard": {"max_intensity": 4.0, "scope": "scope_1_2"},
        },
    )
    rows = calculation.result.rows.set_index("name")
    assert bool(rows.loc["Illustrative smelter Hydro", "compliant"]) is True
    assert bool(rows.loc["Illustrative smelter Coal", "compliant"]) is False
    # capacities in t/yr, the request in kg: converted
    assert rows.loc["Illustrative smelter Coal", "quantity"] == 1_000_000
    assert calculation.result.summary["quantity_compliant"] == 400_000
    stored = calculation.inputs["stored_prices"]["producers"]
    assert all(p["is_illustrative"] for p in stored)


def test_simulation_parameters_are_estimated_with_the_history_spacing(nickel_series):
    """The engine is told how far apart the stored points are (monthly: 1/12 year), so
    a volatility estimated from them is an annual volatility."""
    import numpy as np

    from instruments.calculators.simulation import estimate_gbm

    calculation = run_calculation(
        slug="price-gap-subsidy",
        data={
            "commodity": "nickel",
            "price_unit": "USD/t",
            "quantity_unit": "t",
            "strike": 115,
            "quantity": 1,
            "simulation": {"model": "gbm", "paths": 200, "seed": 1},
        },
    )
    simulation = calculation.inputs["simulation"]
    assert simulation["history_step_years"] == pytest.approx(1 / 12)
    expected = estimate_gbm(np.array([100.0, 110.0, 120.0]), 1 / 12).volatility
    assert calculation.result.summary["simulation_volatility"] == pytest.approx(
        expected
    )


def test_a_stewards_edit_of_the_cbam_schedule_reaches_the_calculation(db):
    from decimal import Decimal

    from instruments.models import ParameterSchedule

    for year, share in ((2026, "0.975"), (2027, "0.5")):
        ParameterSchedule.objects.create(
            code="cbam-free-allocation-share",
            name="CBAM free-allocation share",
            year=year,
            value=Decimal(share),
            unit="fraction",
        )
    request = {
        "base_price": 2500,
        "price_unit": "EUR/t",
        "quantity_unit": "t",
        "carbon_price": 80,
        "benchmark": 1.0,
        "cbam_year": 2027,
        "default_markup": 0,
        "standard": {"max_intensity": 0.0},
        "suppliers": [{"name": "A", "quantity": 1000, "intensity": 1.2}],
    }
    calculation = run_calculation(slug="standards-market", data=request)
    # 1.2 - 0.5 × 1.0 chargeable, at 80 EUR/t on 1,000 t
    assert calculation.result.summary["charge_total"] == pytest.approx(0.7 * 80 * 1000)
    assert calculation.inputs["parameter_schedules"]["free_allocation_share"] == {
        "schedule": "cbam-free-allocation-share",
        "year": 2027,
        "value": 0.5,
        "value_year": 2027,
    }
    assert "warnings" not in calculation.result.summary
    # a year beyond the stored schedule takes its last value and says so
    later = run_calculation(
        slug="standards-market", data={**request, "cbam_year": 2040}
    )
    assert (
        later.inputs["parameter_schedules"]["free_allocation_share"]["value_year"]
        == 2027
    )
    assert "ends before 2040" in later.result.summary["warnings"]
    assert "2027 value" in later.result.summary["warnings"]
    # a share typed in the request wins over the schedule
    typed = run_calculation(
        slug="standards-market", data={**request, "free_allocation_share": 0.95}
    )
    assert typed.result.summary["charge_total"] == pytest.approx(0.25 * 80 * 1000)


@pytest.mark.django_db
def test_stored_fx_never_uses_a_later_rate(nickel_series):
    """A price is converted at the rate at or before its period, never a later one
    (the old conversion back-filled: a January price took a February rate)."""
    import datetime as dt
    from decimal import Decimal

    from tests.factories import make_fx_rate

    make_fx_rate(
        currency="EUR",
        period=dt.date(2024, 2, 1),
        units_per_usd=Decimal("0.5"),
        source="test",
    )
    request = {**REGISTRY["price-gap-subsidy"].example, "commodity": "nickel"}
    request.pop("periods", None)
    with pytest.raises(InputError) as caught:
        run_calculation(
            slug="price-gap-subsidy", data={**request, "price_unit": "EUR/t"}
        )
    assert "at or before 2024-01" in str(caught.value)
    calculation = run_calculation(
        slug="price-gap-subsidy",
        data={**request, "price_unit": "EUR/t", "start": "2024-02"},
    )
    assert list(calculation.result.rows["market_price"]) == [55.0, 60.0]


def _annual_ndpr(basis: str = "Free on board China"):
    import datetime as dt

    from tests.factories import make_series

    return make_series(
        commodity="ndpr-oxide",
        commodity_name="NdPr oxide",
        code="ndpr-test-annual",
        name="NdPr oxide test series",
        unit="USD/kg",
        frequency="annual",
        prices=[(dt.date(year, 1, 1), 50 + year - 2020) for year in range(2021, 2026)],
        basis=basis,
    )


@pytest.mark.django_db
def test_typed_periods_select_stored_observations():
    """Typed periods choose the stored years; a year with no price and periods of
    another frequency are field errors, never silently replaced or re-labelled."""
    _annual_ndpr()
    request = {
        "periods": ["2022", "2024"],
        "strike": 110,
        "quantity": 250,
        "price_unit": "USD/kg",
        "quantity_unit": "t",
        "commodity": "ndpr-oxide",
    }
    calculation = run_calculation(slug="price-gap-subsidy", data=request)
    rows = calculation.result.rows
    assert list(rows["period"]) == ["2022", "2024"]
    assert list(rows["market_price"]) == [52.0, 54.0]
    with pytest.raises(InputError) as missing:
        run_calculation(
            slug="price-gap-subsidy", data={**request, "periods": ["2024", "2026"]}
        )
    assert "2026" in missing.value.errors["periods"][0]
    with pytest.raises(InputError) as quarters:
        run_calculation(
            slug="price-gap-subsidy", data={**request, "periods": ["2026Q1", "2026Q2"]}
        )
    assert "quarters" in quarters.value.errors["periods"][0]
    untyped = run_calculation(
        slug="price-gap-subsidy", data={**request, "periods": None}
    )
    assert list(untyped.result.rows["period"]) == [str(y) for y in range(2021, 2026)]


@pytest.mark.django_db
def test_a_fob_series_is_made_cif_for_the_levy_and_the_result_says_how():
    _annual_ndpr()
    request = {
        "reference_price": 60,
        "price_unit": "USD/kg",
        "quantity_unit": "t",
        "flows": [{"origin": "CHN", "quantity": 1}],
        "commodity": "ndpr-oxide",
    }
    with pytest.raises(InputError) as refused:
        run_calculation(slug="price-floor", data=request)
    assert "freight_insurance" in refused.value.errors
    calculation = run_calculation(
        slug="price-floor", data={**request, "freight_insurance": 2}
    )
    assert calculation.inputs["stored_prices"]["delivery_basis"] == "fob"
    assert calculation.inputs["market_price_basis"] == "fob"
    rows = calculation.result.rows
    assert list(rows["import_price"]) == [53.0, 54.0, 55.0, 56.0, 57.0]
    assert list(rows["levy"]) == [7.0, 6.0, 5.0, 4.0, 3.0]
    assert (
        "FOB + freight and insurance"
        in (calculation.result.summary["market_price_cif_note"])
    )
    factor = run_calculation(
        slug="price-floor", data={**request, "cif_fob_factor": 1.1}
    )
    assert factor.result.rows["import_price"].iloc[0] == pytest.approx(56.1)
    assert "FOB × 1.1" in factor.result.summary["market_price_cif_note"]


@pytest.mark.django_db
def test_an_annual_price_takes_the_mean_of_the_years_monthly_fx_rates():
    """Rates dated in 2024 average (0.8, 1.0 → 0.9); the 2025 rate is never used."""
    import datetime as dt
    from decimal import Decimal

    from tests.factories import make_fx_rate

    _annual_ndpr()
    for day, rate in ((dt.date(2024, 1, 1), "0.8"), (dt.date(2024, 7, 1), "1.0")):
        make_fx_rate(
            currency="EUR", period=day, units_per_usd=Decimal(rate), source="test"
        )
    make_fx_rate(
        currency="EUR",
        period=dt.date(2025, 1, 1),
        units_per_usd=Decimal("5"),
        source="test",
    )
    request = {
        "periods": ["2024"],
        "strike": 110,
        "quantity": 1,
        "price_unit": "EUR/kg",
        "quantity_unit": "kg",
        "commodity": "ndpr-oxide",
    }
    calculation = run_calculation(slug="price-gap-subsidy", data=request)
    assert calculation.result.rows["market_price"].iloc[0] == pytest.approx(54 * 0.9)


@pytest.mark.django_db
def test_flow_origins_must_be_stored_iso3_codes():
    from tests.factories import make_partner

    make_partner(iso3="CHN", iso2="CN", name="China")
    make_partner(iso3="AUS", iso2="AU", name="Australia")
    request = {
        "periods": ["2025"],
        "reference_price": 110,
        "flows": [
            {"origin": "China", "import_price": 90, "quantity": 1},
            {"origin": "XXX", "import_price": 90, "quantity": 1},
            {"origin": "aus", "member": True, "import_price": 90, "quantity": 1},
            {"origin": "ROW", "import_price": 90, "quantity": 1},
        ],
    }
    with pytest.raises(InputError) as info:
        run_calculation(slug="price-floor", data=request)
    flows = info.value.errors["flows"]
    assert "Did you mean CHN?" in flows[0]["origin"][0]
    assert "ISO 3166 alpha-3" in flows[1]["origin"][0]
    assert len(flows) == 2
    fixed = [{**request["flows"][0], "origin": "CHN"}, *request["flows"][2:]]
    assert run_calculation(slug="price-floor", data={**request, "flows": fixed}).result


def test_a_carbon_price_in_euros_takes_the_stored_rate_of_its_cbam_year(db):
    """Issue 10: stored H.10 rates serve every currency conversion, the carbon
    price's included: the mean of the CBAM year's months, never a later month; the
    latest month without a year; a typed rate wins; the echo names rate and period."""
    import copy
    import datetime as dt
    from decimal import Decimal

    from instruments.presentation.presenters import stored_data_sources
    from tests.factories import make_fx_rate

    for month, rate in ((1, "0.80"), (2, "1.00"), (3, "0.90")):
        make_fx_rate(
            currency="EUR",
            period=dt.date(2026, month, 1),
            units_per_usd=Decimal(rate),
        )
    make_fx_rate(
        currency="EUR", period=dt.date(2027, 1, 1), units_per_usd=Decimal("0.50")
    )
    example = copy.deepcopy(dict(REGISTRY["standards-market"].example))
    example["carbon_price_unit"] = "EUR/tCO2e"
    usd = run_calculation(
        slug="standards-market", data={**example, "carbon_price_unit": None}
    )

    latest = run_calculation(slug="standards-market", data=example)
    assert latest.inputs["carbon_price_fx_rate"] == pytest.approx(2.0)  # 2027-01
    assert latest.inputs["fx_rates"]["carbon_price_fx_rate"]["period"] == "2027-01"

    year = {**example, "cbam_year": 2026, "benchmark": 1.0}
    year.pop("free_intensity")
    in_2026 = run_calculation(slug="standards-market", data=year)
    mean = (0.8 + 1.0 + 0.9) / 3
    assert in_2026.inputs["carbon_price_fx_rate"] == pytest.approx(1 / mean)
    entry = in_2026.inputs["fx_rates"]["carbon_price_fx_rate"]
    assert (entry["unit"], entry["period"]) == ("USD per EUR", "2026")
    assert any("H.10" in line for line in stored_data_sources(in_2026.inputs))

    typed = run_calculation(
        slug="standards-market", data={**example, "carbon_price_fx_rate": 1.0}
    )
    assert "fx_rates" not in typed.inputs
    # A carbon price of 80 EUR at 1 USD per EUR is the USD example's 80 USD.
    assert typed.result.summary == pytest.approx(usd.result.summary, nan_ok=True)


@pytest.mark.django_db
def test_a_stored_price_per_mtu_of_wo3_is_converted_as_wo3_not_as_w():
    """The USGS tungsten series is per mtu of tungsten trioxide (its wording says so,
    its unit is USD/mtu): on tonnes graded 65 % W it is 65 × 231.84/183.84 mtu WO3 a
    tonne, and per mtu W 1.261 × the price, not the stored number."""
    import datetime as dt

    from tests.factories import make_series

    make_series(
        commodity="tungsten",
        commodity_name="Tungsten",
        code="tungsten-test-annual",
        name="Tungsten concentrate, test",
        unit="USD/mtu",
        frequency="annual",
        prices=[(dt.date(2024, 1, 1), 200), (dt.date(2025, 1, 1), 300)],
        basis="dollars per dry metric ton unit of tungsten trioxide",
    )
    request = {
        "strike": 100,
        "quantity": 1,
        "price_unit": "USD/t @ 65% W",
        "quantity_unit": "t",
        "commodity": "tungsten",
    }
    ratio = 231.84 / 183.84
    graded = run_calculation(slug="price-gap-subsidy", data=request)
    assert list(graded.result.rows["market_price"]) == pytest.approx(
        [200 * 65 * ratio, 300 * 65 * ratio]
    )
    assert graded.inputs["stored_prices"]["source_unit"] == "USD/mtu WO3"
    as_oxide = run_calculation(
        slug="price-gap-subsidy", data={**request, "price_unit": "USD/t @ 65% WO3"}
    )
    assert list(as_oxide.result.rows["market_price"]) == [13_000, 19_500]
    per_w = run_calculation(
        slug="price-gap-subsidy",
        data={**request, "price_unit": "USD/mtu W", "quantity_unit": "mtu W"},
    )
    assert per_w.result.rows["market_price"].iloc[0] == pytest.approx(200 * ratio)

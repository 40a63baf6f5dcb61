"""Standards-based market: CBAM examples, compliance, scope, units."""

import pytest

from instruments.calculators import standards_market
from instruments.calculators.base import InputError

RUN = standards_market.CALCULATOR.run


def test_cbam_chargeable_intensity_2026():
    """Embedded 1.2 t/t, benchmark 1.0, share 97.5 % → 0.225 t/t chargeable."""
    result = RUN(
        {
            "base_price": 600,
            "price_unit": "EUR/t",
            "carbon_price": 80,
            "benchmark": 1.0,
            "cbam_year": 2026,
            "suppliers": [{"name": "Mill", "quantity": 1, "intensity": 1.2}],
        }
    )
    assert result.rows["chargeable_intensity"].iloc[0] == pytest.approx(0.225)
    assert result.summary["free_intensity_used"] == pytest.approx(0.975)


def test_cbam_charge_without_free_allocation():
    """1,000 t × 2.2 t/t × €80, nothing free, nothing paid abroad → €176,000."""
    result = RUN(
        {
            "base_price": 600,
            "price_unit": "EUR/t",
            "carbon_price": 80,
            "suppliers": [{"name": "Mill", "quantity": 1000, "intensity": 2.2}],
        }
    )
    assert result.summary["charge_total"] == pytest.approx(176_000)


def test_same_charge_in_other_units():
    """Price per kg and quantity in kt give the same money."""
    result = RUN(
        {
            "base_price": 0.6,
            "price_unit": "EUR/kg",
            "quantity_unit": "kg",
            "carbon_price": 80,
            "suppliers": [{"name": "Mill", "quantity": 1_000_000, "intensity": 2.2}],
        }
    )
    assert result.summary["charge_total"] == pytest.approx(176_000)
    assert result.rows["carbon_charge"].iloc[0] == pytest.approx(0.176)
    assert result.summary["emissions_total"] == pytest.approx(2200)


def test_compliance_markup_origin_price_and_netbacks():
    result = RUN(standards_market.CALCULATOR.example)
    rows = result.rows.set_index("name")
    assert rows.loc["Hydro smelter", "compliant"]
    assert rows.loc["Hydro smelter", "netback"] == 2515
    assert rows.loc["Coal smelter", "intensity_effective"] == pytest.approx(16.5)
    # (16.5 − 4) × 80 − 15 × 10 = 850: the deduction on the emissions priced abroad
    assert rows.loc["Coal smelter", "carbon_charge"] == pytest.approx(850)
    # buyers pay all of the charge by default (pass-through 1)
    assert rows.loc["Coal smelter", "netback"] == pytest.approx(2500)
    assert rows.loc["Coal smelter", "buyer_cost"] == pytest.approx(2500 + 850)
    assert result.summary["compliant_share_after"] > result.summary["compliant_share"]


def test_score_and_traceability_tests():
    result = RUN(
        {
            "base_price": 100,
            "standard": {"min_score": 50, "require_traceability": True},
            "suppliers": [
                {
                    "name": "A",
                    "quantity": 1,
                    "intensity": 1,
                    "score": 60,
                    "traceable": True,
                },
                {"name": "B", "quantity": 1, "intensity": 1, "score": 60},
                {"name": "C", "quantity": 1, "intensity": 1, "traceable": True},
            ],
        }
    )
    assert list(result.rows["compliant"]) == [True, False, False]


def test_scope_mismatch_and_incompatible_intensity_are_errors():
    with pytest.raises(InputError) as info:
        RUN(
            {
                "base_price": 100,
                "intensity_unit": "tCO2e/MWh",
                "standard": {"scope": "scope_1"},
                "suppliers": [
                    {"name": "A", "quantity": 1, "intensity": 1, "scope": "scope_1_2_3"}
                ],
            }
        )
    errors = info.value.errors
    assert "scope" in errors["suppliers"][0]
    assert "intensity_unit" in errors


def test_carbon_price_in_another_currency_needs_fx():
    request = {
        "base_price": 2500,
        "price_unit": "USD/t",
        "carbon_price": 80,
        "carbon_price_unit": "EUR/tCO2e",
        "suppliers": [{"name": "A", "quantity": 10, "intensity": 2}],
    }
    with pytest.raises(InputError) as info:
        RUN(request)
    assert "carbon_price_unit" in info.value.errors
    result = RUN({**request, "carbon_price_fx_rate": 1.1})
    assert result.rows["carbon_charge"].iloc[0] == pytest.approx(2 * 80 * 1.1)


def test_fx_rate_is_the_stored_series_rate_not_the_carbon_price_rate():
    """A USD series priced in EUR/t (``fx_rate`` = 0.9 EUR per USD, a request extra)
    with a EUR carbon price: the carbon price needs no conversion and is accepted."""
    request = {
        "base_price": 2250,
        "price_unit": "EUR/t",
        "carbon_price": 80,
        "carbon_price_unit": "EUR/tCO2e",
        "fx_rate": 0.9,
        "suppliers": [{"name": "A", "quantity": 10, "intensity": 2}],
    }
    result = RUN(request)
    assert result.rows["carbon_charge"].iloc[0] == pytest.approx(2 * 80)
    converted = RUN(
        {
            **request,
            "carbon_price_unit": "USD/tCO2e",
            "carbon_price_fx_rate": 0.9,
        }
    )
    assert converted.rows["carbon_charge"].iloc[0] == pytest.approx(2 * 80 * 0.9)


def test_the_origin_deduction_is_on_the_emissions_priced_abroad():
    """Default values 10 t/t marked up 30 % = 13 t/t, €80, €20 paid abroad on the
    10 t actually priced: 13 × 80 − 10 × 20 = 840 (Art. 9), not 13 × 80 − 13 × 20."""
    data = {
        "base_price": 600,
        "price_unit": "EUR/t",
        "carbon_price": 80,
        "default_markup": 0.3,
        "suppliers": [
            {
                "name": "Mill",
                "quantity": 1,
                "intensity": 10,
                "verified": False,
                "carbon_price_paid": 20,
            }
        ],
    }
    assert RUN(data).rows["carbon_charge"].iloc[0] == pytest.approx(840)
    other = RUN({**data, "origin_deduction_basis": "effective_emissions"})
    assert other.rows["carbon_charge"].iloc[0] == pytest.approx(780)
    priced = {**data["suppliers"][0], "priced_intensity": 5}
    only_part = RUN({**data, "suppliers": [priced]})
    assert only_part.rows["carbon_charge"].iloc[0] == pytest.approx(13 * 80 - 5 * 20)


@pytest.mark.parametrize(
    ("sector", "scope"),
    [
        ("aluminium", "scope_1"),
        ("iron_steel", "scope_1"),
        ("hydrogen", "scope_1"),
        ("cement", "scope_1_2"),
        ("fertilisers", "scope_1_2"),
        (None, "scope_1_2"),
    ],
)
def test_the_scope_follows_the_cbam_sector(sector, scope):
    data = {
        "base_price": 2300,
        "price_unit": "EUR/t",
        "carbon_price": 80,
        "sector": sector,
        "suppliers": [
            {"name": "A", "quantity": 1, "intensity": 1.6, "scope": "scope_1_2"}
        ],
    }
    if scope == "scope_1_2":
        assert RUN(data).summary["scope_used"] == scope
    else:
        with pytest.raises(InputError) as info:
            RUN(data)
        assert "scope" in info.value.errors["suppliers"][0]
        direct = {**data["suppliers"][0], "scope": "scope_1"}
        assert RUN({**data, "suppliers": [direct]}).summary["scope_used"] == scope


def test_pass_through_splits_the_charge_between_buyers_and_producers():
    data = {
        "base_price": 600,
        "price_unit": "EUR/t",
        "carbon_price": 80,
        "pass_through": 0.25,
        "suppliers": [{"name": "Mill", "quantity": 1000, "intensity": 2.2}],
    }
    result = RUN(data)
    row = result.rows.iloc[0]
    assert row["netback"] == pytest.approx(600 - 0.75 * 176)
    assert row["buyer_cost"] == pytest.approx(600 + 0.25 * 176)
    assert result.summary["charge_borne_by_buyers"] == pytest.approx(44_000)
    assert result.summary["charge_borne_by_producers"] == pytest.approx(132_000)


def test_a_cbam_year_beyond_the_schedule_says_which_values_apply():
    data = {
        "base_price": 600,
        "price_unit": "EUR/t",
        "carbon_price": 80,
        "benchmark": 1.0,
        "cbam_year": 2040,
        "suppliers": [{"name": "Mill", "quantity": 1, "intensity": 1.2}],
    }
    summary = RUN(data).summary
    assert "2034" in summary["warnings"]
    assert "2028" in summary["warnings"]
    assert "warnings" not in RUN({**data, "cbam_year": 2027}).summary

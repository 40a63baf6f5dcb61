"""The stockpile calculator starting from the register of declared stockpiles: each
member market's stock from its countries' records (a group sums its countries'
tonnes), a stock that is not public or not declared counted as zero with a warning
naming the record and its source, and the records the result stands on."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from instruments.calculators import REGISTRY
from instruments.calculators.base import InputError
from instruments.models import Commodity, DeclaredStockpile, Partner
from instruments.services.calculation import run_calculation
from instruments.services.stored_inputs.fill import fill_stored_inputs

CALCULATOR = REGISTRY["stockpile"]


def stored_question(**extra) -> dict:
    """Members on the stored 2024 baseline, stocks from the register."""
    return {
        "commodity": "ndpr-oxide",
        "year": 2024,
        "members": ["eu-27", "USA", "JPN"],
        "months": 8,
        "disruption": {"origin": "CHN", "cut": 0.5, "markets": ["members"]},
        "declared_stocks": True,
        **extra,
    }


def declare(iso3: str, *, holder: str, **fields) -> DeclaredStockpile:
    stock = DeclaredStockpile.objects.create(
        country=Partner.objects.get(iso3=iso3),
        holder=holder,
        material="Rare earths",
        as_of=fields.pop("as_of", dt.date(2025, 6, 30)),
        source=fields.pop("source", f"Test register of {iso3}"),
        **fields,
    )
    stock.commodities.add(Commodity.objects.get(code="ndpr-oxide"))
    return stock


def fill(data: dict) -> tuple[dict, dict]:
    return fill_stored_inputs(calculator=CALCULATOR, data=data)


def test_a_member_takes_its_countrys_declared_days(seeded_db):
    """Japan declares a 60-day target on the rare-earth oxides (JOGMEC); the EU and
    the US declare nothing on NdPr oxide: zero, said so."""
    resolved, used = fill(stored_question())
    stocks = {row["market"]: row for row in resolved["stockpiles"]}
    assert stocks["JPN"]["days"] == pytest.approx(60)
    assert stocks["EU-27"]["stock"] == 0
    assert stocks["USA"]["stock"] == 0
    echo = used["declared_stocks"]
    japan = [r for r in echo["records"] if r["market"] == "JPN"]
    assert [r["holder"] for r in japan] == ["JOGMEC (national stockpile)"]
    assert japan[0]["as_of"] == "2023-10-26"
    assert japan[0]["counted"] is True
    assert "International Energy Agency" in japan[0]["source"]
    warnings = " ".join(echo["warnings"])
    assert "any country of EU-27" in warnings
    assert "for USA in the register" in warnings


def test_a_group_sums_its_countries_tonnes_and_not_public_is_zero_with_a_warning(
    seeded_db,
):
    declare("DEU", holder="Rohstoffagentur", quantity_t=120)
    declare("FRA", holder="OFREMI", quantity_t=80)
    declare("ITA", holder="Ministry", source="Italian decree 2025")  # not public
    # an older figure of the same holder is superseded by the newer one
    declare("DEU", holder="Rohstoffagentur", quantity_t=10, as_of=dt.date(2020, 1, 1))
    resolved, used = fill(stored_question(quantity_unit="kg"))
    eu = next(r for r in resolved["stockpiles"] if r["market"] == "EU-27")
    assert eu["stock"] == pytest.approx((120 + 80) * 1000)
    echo = used["declared_stocks"]
    eu_records = {r["country"]: r for r in echo["records"] if r["market"] == "EU-27"}
    assert set(eu_records) == {"DEU", "FRA", "ITA"}
    assert eu_records["DEU"]["quantity_t"] == 120
    italy = next(w for w in echo["warnings"] if w.startswith("ITA"))
    assert "not public" in italy
    assert "Italian decree 2025" in italy
    assert "counted as zero" in italy


def test_typed_trigger_and_costs_are_kept_and_the_amount_replaced(seeded_db):
    typed = [{"market": "JPN", "stock": 999, "trigger": 1.5, "holding_cost": 7}]
    resolved, _ = fill(stored_question(stockpiles=typed))
    japan = next(r for r in resolved["stockpiles"] if r["market"] == "JPN")
    assert japan == {"market": "JPN", "days": 60, "trigger": 1.5, "holding_cost": 7}


def test_off_the_typed_stocks_are_used(seeded_db):
    typed = [{"market": "JPN", "stock": 999}]
    resolved, used = fill(stored_question(stockpiles=typed, declared_stocks=False))
    assert resolved["stockpiles"] == typed
    assert "declared_stocks" not in used


def test_without_a_commodity_or_members_the_choice_is_a_field_error(seeded_db):
    data = copy.deepcopy(dict(CALCULATOR.example))
    data["declared_stocks"] = True
    with pytest.raises(InputError) as error:
        fill(data)
    assert "commodity" in str(error.value.errors["declared_stocks"])
    for market in data["markets"]:
        market["member"] = False
    data.update(commodity="ndpr-oxide", year=2024)
    with pytest.raises(InputError) as error:
        fill(data)
    assert "No member market" in str(error.value.errors["declared_stocks"])


def test_the_result_warns_and_cites_the_records(seeded_db):
    calculation = run_calculation(slug="stockpile", data=stored_question())
    warnings = str(calculation.result.summary["warnings"])
    assert "No stockpile of ndpr-oxide is declared for USA" in warnings
    records = calculation.inputs["declared_stocks"]["records"]
    assert {r["country"] for r in records} == {"JPN"}
    members = calculation.result.extras["members"].set_index("market")
    assert members.loc["JPN", "days_of_consumption"] == pytest.approx(60)
    assert members.loc["USA", "stock_initial"] == 0

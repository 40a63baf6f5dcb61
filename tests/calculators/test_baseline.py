"""The baseline from stored data (INSTRUMENTS.md §10), on hand-built flows."""

from __future__ import annotations

import math

import hypothesis.strategies as st
import pandas as pd
import pytest
from hypothesis import given, settings

from instruments.calculators.base import InputError
from instruments.calculators.baseline import (
    Baseline,
    Elasticities,
    Elasticity,
    build_baseline,
)

E = Elasticities(
    import_demand=Elasticity(-0.8, -1.6, -0.3, "a"),
    substitution=Elasticity(1.2, 0.5, 4.4, "b"),
    supply=Elasticity(1.0, 0.2, 2.0, "c"),
)


def flows(*rows: tuple[str, str, float, float | None]) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["exporter", "importer", "value", "quantity"]
    ).astype({"quantity": float})


# value in thousand USD; price 50 USD/kg, so 1 t = 50,000 USD = 50 kUSD
FLOWS = flows(
    ("CHN", "DEU", 500.0, 60.0),  # 10 t at the price; BACI says 60 t
    ("CHN", "FRA", 250.0, 5.0),
    ("DEU", "FRA", 100.0, 2.0),  # intra-EU: members' own trade
    ("CHN", "USA", 1000.0, 20.0),
    ("USA", "FRA", 50.0, 1.0),  # member to member
    ("BRA", "ARG", 50.0, 1.0),  # inside ROW
    ("AUS", "CHN", 200.0, None),
)
MEMBERS = {"EU-27": ["DEU", "FRA"], "USA": ["USA"]}


def build(**kw: object) -> Baseline:
    args: dict[str, object] = {
        "members": MEMBERS,
        "price": 50.0,
        "money_per_unit": 1000.0,
        "elasticities": E,
        "non_members": ["CHN"],
    }
    args.update(kw)
    return build_baseline(FLOWS, **args)  # type: ignore[arg-type]


def route(baseline: Baseline, origin: str, market: str) -> dict[str, float]:
    return next(
        f for f in baseline.flows if f["origin"] == origin and f["market"] == market
    )


def test_members_are_markets_and_origins_and_own_trade_is_no_route() -> None:
    b = build()
    codes = [m["code"] for m in b.markets]
    assert codes == ["EU-27", "USA", "CHN", "ROW"]
    # the EU-27 sells nothing outside itself here: no origin of its own
    assert [o["code"] for o in b.origins] == ["USA", "CHN", "ROW"]
    assert [m["member"] for m in b.markets] == [True, True, False, False]
    assert not any(f["origin"] == "EU-27" and f["market"] == "EU-27" for f in b.flows)
    own = b.members_own_trade.set_index(["origin", "market"])
    assert own.loc[("EU-27", "EU-27"), "value"] == 100_000.0
    assert bool(own.loc[("EU-27", "EU-27"), "within_group"])
    assert own.loc[("USA", "EU-27"), "value"] == 50_000.0
    # the member-to-member route is a route, between member origin and market
    assert route(b, "USA", "EU-27")["quantity"] == pytest.approx(1.0)


def test_values_anchor_price_equivalent_tonnes() -> None:
    b = build()
    chn_eu = route(b, "CHN", "EU-27")
    assert chn_eu["value"] == pytest.approx(750_000.0)
    assert chn_eu["quantity"] == pytest.approx(15.0)  # 750 kUSD at 50 USD/kg
    assert "price" not in chn_eu
    assert route(b, "ROW", "CHN")["quantity"] == pytest.approx(4.0)  # AUS in ROW
    non_member_imports = sum(
        f["value"]
        for f in b.flows
        if f["market"] in MEMBERS and f["origin"] not in MEMBERS
    )
    assert non_member_imports == pytest.approx(1_750_000.0)


def test_unit_values_keep_baci_tonnes_and_the_value() -> None:
    b = build(calibration="unit_values")
    chn_eu = route(b, "CHN", "EU-27")
    assert chn_eu["quantity"] == pytest.approx(65.0)
    assert chn_eu["price"] * chn_eu["quantity"] * 1000.0 == pytest.approx(750_000.0)
    # no tonnes in BACI: price-equivalent tonnes, the stored price
    assert "price" not in route(b, "ROW", "CHN")
    assert b.unit_value_warnings
    assert "CHN→EU-27" in b.unit_value_warnings[0]


def test_home_markets_from_production_less_exports() -> None:
    b = build(production={"CHN": 100.0, "USA": 0.5, "BRA": 3.0})
    # China exports 15 + 20 t (price-equivalent): 65 t at home
    assert route(b, "CHN", "CHN")["quantity"] == pytest.approx(65.0)
    # USA exports 1 t and makes 0.5: no home sales, never below zero
    assert not any(f["origin"] == "USA" and f["market"] == "USA" for f in b.flows)
    # ROW: 1 t traded inside it (BRA→ARG) and 4 t exported (AUS); BRA makes 3
    assert route(b, "ROW", "ROW")["quantity"] == pytest.approx(1.0)
    eco = b.economies.set_index("code")
    assert eco.loc["CHN", "home_sales"] == pytest.approx(65.0)


def test_the_largest_non_members_are_named_and_the_rest_is_row() -> None:
    b = build(non_members=None, named_non_members=1)
    assert [m["code"] for m in b.markets] == ["EU-27", "USA", "CHN", "ROW"]


def test_a_country_counts_once_where_its_group_is_first_named() -> None:
    b = build(members={"EU-27": ["DEU", "FRA"], "MSP": ["DEU", "USA"]})
    eco = b.economies.set_index("code")
    assert eco.loc["MSP", "countries"] == "USA"


def test_elasticities_are_the_defaults_everywhere() -> None:
    b = build()
    assert {m["import_demand_elasticity"] for m in b.markets} == {-0.8}
    assert {m["substitution_elasticity"] for m in b.markets} == {1.2}
    assert {o["supply_elasticity"] for o in b.origins} == {1.0}


def test_bad_input_is_a_field_error() -> None:
    with pytest.raises(InputError):
        build(calibration="guess")
    with pytest.raises(InputError):
        build(members={})
    with pytest.raises(ValueError, match="outside"):
        Elasticity(5.0, 0.1, 1.0)


@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(st.floats(min_value=0.001, max_value=1e6), min_size=7, max_size=7),
    price=st.floats(min_value=0.1, max_value=1e4),
)
def test_every_stored_value_is_on_a_route_or_in_own_trade(
    values: list[float], price: float
) -> None:
    frame = FLOWS.assign(value=values)
    b = build_baseline(
        frame,
        members=MEMBERS,
        price=price,
        money_per_unit=1000.0,
        elasticities=E,
        non_members=["CHN"],
    )
    on_routes = sum(f["value"] for f in b.flows)
    within = b.members_own_trade.loc[b.members_own_trade["within_group"], "value"].sum()
    assert math.isclose(on_routes + within, sum(values) * 1000.0, rel_tol=1e-9)
    assert all(f["quantity"] > 0 for f in b.flows)

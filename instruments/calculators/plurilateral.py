"""Plurilateral market model: coordinated measures of a group of countries on one
commodity, solved as one exact multi-market equilibrium (INSTRUMENTS.md §9).

The model is ``market.py``'s: markets ``v`` (importers, each with its consumers, and a
rest of the world so that trade has somewhere to go), origins ``r`` (exporters; a
market's own producers are an origin with ``domestic_market``), base quantities
``q0[r,v]`` on each route, base border prices ``π0[r]`` (or one per route), CES demand
between origins (``σ[v] > 0``) with constant import-demand elasticity ``η[v] < 0`` and
constant-elasticity supply ``ε[r] ≥ 0`` (left empty: a price taker), solved in levels
(``method="exact"``) or with GSIM's linearised equations (``method="gsim"``, duties
only). Measures in force in the base (``measures_before``) and simulated
(``measures``):

- border price ``b = max(π, U)`` (undertaking ``U``: the exporter keeps the gap);
- consumer price ``p = max(b·(1 + t) + s, F)`` (ad valorem ``t``, specific ``s``,
  floor ``F``: a variable levy the importing government collects);
- a market's own producers receive ``max(π, K)`` under a price-gap subsidy ``K``, paid
  by that market's treasury.

A measure's ``markets`` and ``origins`` are lists of codes or one of the words ``all``,
``members``, ``non_members``; word selectors never reach a market's own producers
with a border measure. Membership of a market or an exporter is its ``member`` flag or
a stored partner group (``member_group``); a market's own producers always share their
market's membership.

Money = price × quantity after converting the quantity into the price's denominator
(``units.money_factor``: a price in USD/kg on tonnes multiplies by 1,000); money is in
the currency of ``price_unit``, positive = a gain (for ``subsidy_cost``: paid by the
treasury).

Rows: one per route, the engine's columns (quantities and prices before and after,
the importing government's duty and levy revenue, the exporter's undertaking rent, the
subsidy paid on a domestic route). Summary, in the quantity unit unless stated:

- ``imports_from_non_members_before/after/change``: member markets' imports from
  non-member origins;
- ``trade_created``: change in member markets' total imports (domestic supply
  excluded); ``trade_diverted_to_members``: change in member exporters' sales into
  member markets (imports only); ``own_producers_sales_change``: change in the member
  markets' own producers' sales; ``trade_diverted_to_rest_of_world``: change in
  non-member origins' sales into non-member markets;
- ``world_price_change``: ``Σ q0·b1 / Σ q0·b0 − 1`` over foreign routes (a share);
  ``non_member_price_change``: the same over non-member origins' routes (what their
  exporters are paid at the border, rent included);
- welfare (money): per country in ``extras["countries"]`` (consumers, producers,
  government revenue, subsidy cost, exporters' rent, net, terms of trade), totals for
  the members, the non-members and the world in the summary.

``extras`` also holds ``origins`` (producer prices and supply before and after) and
``downstream`` (cost change per unit of each good); the three are the calculator's
published ``tables``: JSON keys beside ``rows``, XLSX sheets and tables on the page.

Value chain: for each downstream good with content factor ``c`` (quantity of this
commodity, in ``quantity_unit``, per unit of the good),
``cost_change_per_unit = c × Δp̄ × money factor`` where ``Δp̄ = Σ (p1 − p0)·q0 / Σ q0``
is the change in the member markets' average consumer price, weighted by base
quantities (domestic supply included), so that a shift between origins is not read as
a price change. The convention assumes the whole change in the material's price is
passed into the good's cost, with no substitution away from the material.

Source: Francois and Hall (2003), GSIM; Jammes and Olarreaga (2005), *Explaining SMART
and GSIM*, World Bank. The formulas and their checks are in ``market.py``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from instruments.calculators import market, units
from instruments.calculators.base import (
    Calculator,
    ErrorCollector,
    InputError,
    Inputs,
    Result,
    add_warning,
    iter_errors,
    spec,
)
from instruments.calculators.limits import (
    MAX_DOWNSTREAM,
    MAX_MARKETS,
    MAX_MEASURES,
    MAX_ORIGINS,
    MAX_ROUTES,
)
from instruments.calculators.plurilateral_bands import summary_bands
from instruments.calculators.plurilateral_inputs import (
    DownstreamGood,
    ElasticityRanges,
    FlowInput,
    MarketInput,
    MeasureInput,
    OriginInput,
    Uncertainty,
)
from instruments.calculators.plurilateral_outputs import (
    COLUMN_OUTPUTS,
    COLUMNS,
    COUNTRY_MONEY,
    OUTPUTS,
    ROW_MONEY,
    TABLE_OUTPUTS,
)
from instruments.calculators.series import price_unit_spec, quantity_unit_spec
from instruments.calculators.translation import gettext, gettext_noop, translatable


@dataclass(frozen=True, kw_only=True)
class PlurilateralInputs(Inputs):
    """What the plurilateral market model needs."""

    price_unit: str = price_unit_spec("USD/kg")
    quantity_unit: str = quantity_unit_spec()
    method: Literal["exact", "gsim"] = spec(
        "Method",
        default="exact",
        choice_labels={
            "exact": gettext_noop("Exact equilibrium in levels"),
            "gsim": gettext_noop("GSIM linear approximation (duties only)"),
        },
        help=gettext_noop(
            "The exact model holds for large changes; GSIM's linear equations "
            "reproduce GSIM tables and are right only for small ones."
        ),
    )
    markets: tuple[MarketInput, ...] = spec(
        "Markets",
        max_items=MAX_MARKETS,
        as_table=True,
        help="Importing markets, the members and a rest of the world (ROW) so that "
        f"trade has somewhere to go (at most {MAX_MARKETS}).",
    )
    origins: tuple[OriginInput, ...] = spec(
        "Origins",
        max_items=MAX_ORIGINS,
        as_table=True,
        help=f"Exporters and markets' own producers (at most {MAX_ORIGINS}).",
    )
    flows: tuple[FlowInput, ...] = spec(
        "Trade flows",
        max_items=MAX_ROUTES,
        as_table=True,
        help="Base-year quantity on each route from an origin to a market "
        f"(at most {MAX_ROUTES}); routes left out carry nothing.",
    )
    measures: tuple[MeasureInput, ...] = spec(
        "Measures simulated",
        default=(),
        max_items=MAX_MEASURES,
        as_table=True,
        help=gettext_noop(
            "The regime to simulate. Rates on one route add up; floors, undertakings "
            "and strikes take the highest."
        ),
    )
    measures_before: tuple[MeasureInput, ...] = spec(
        "Measures in force in the base year",
        default=(),
        max_items=MAX_MEASURES,
        as_table=True,
        help=gettext_noop(
            "Existing tariffs and other measures already in the base prices "
            "(none by default)."
        ),
    )
    downstream: tuple[DownstreamGood, ...] = spec(
        "Downstream goods",
        default=(),
        max_items=MAX_DOWNSTREAM,
        as_table=True,
        help=gettext_noop(
            "Goods made with the commodity: their cost change per unit is reported."
        ),
    )
    elasticity_ranges: ElasticityRanges | None = spec(
        "Published elasticity ranges",
        default=None,
        help=gettext_noop(
            "The defaults and their low and high bounds (stored data fills them from "
            "published estimates); with uncertainty, the elasticities left at their "
            "defaults are drawn from these ranges."
        ),
    )
    uncertainty: Uncertainty | None = spec(
        "Uncertainty",
        default=None,
        help=gettext_noop(
            "Draw the elasticities left at their defaults log-uniformly within their "
            "published ranges and report P5, P50 and P95 of each headline figure."
        ),
    )

    def validate(self, errors: ErrorCollector) -> None:
        """Cross-field rules: codes that exist, measures with their value; the
        engine's own checks are merged at the same field paths."""
        unset: set[tuple[str, int]] = set()
        for name in ("measures", "measures_before"):
            for i, m in enumerate(getattr(self, name)):
                if m.kind is None:
                    errors.add(
                        (name, i, "kind"), gettext("Choose the kind of measure.")
                    )
                    unset.add((name, i))
        try:
            build_market_problem(self)
        except InputError as exc:
            for path, message in iter_errors(exc.errors):
                if tuple(path[:2]) not in unset:  # already told to choose a kind
                    errors.add(path, message)


def _selector(codes: Sequence[str]) -> market.Selector:
    """A measure's codes as the engine's selector: a word alone, or a list."""
    cleaned = tuple(c.strip() for c in codes if c.strip())
    if len(cleaned) == 1 and cleaned[0].lower() in market.SELECTOR_WORDS:
        return cleaned[0].lower()
    return cleaned


def _measures(items: Sequence[MeasureInput]) -> tuple[market.Measure, ...]:
    return tuple(
        market.Measure(
            kind=m.kind or "ad_valorem",
            rate=m.rate,
            level=m.level,
            strike=m.strike,
            markets=_selector(m.markets),
            origins=_selector(m.origins),
        )
        for m in items
    )


def build_market_problem(inputs: PlurilateralInputs) -> market.Problem:
    """The engine's problem from the declared inputs (errors name the fields)."""
    markets = [
        market.Market(
            code=m.code.strip(),
            import_demand_elasticity=m.import_demand_elasticity,
            substitution_elasticity=m.substitution_elasticity,
            member=m.member,
        )
        for m in inputs.markets
    ]
    errors = ErrorCollector()
    for i, m in enumerate(inputs.markets):
        if m.import_demand_elasticity >= 0:
            errors.add(
                ("markets", i, "import_demand_elasticity"), gettext("Must be < 0.")
            )
    errors.raise_if_any()
    origins = [
        market.Origin(
            code=o.code.strip(),
            price=o.price,
            supply_elasticity=o.supply_elasticity,
            # A market's own producers share their market's membership.
            member=None if o.domestic_market else o.member,
            domestic_market=(o.domestic_market or "").strip() or None,
        )
        for o in inputs.origins
    ]
    flows = [
        market.Flow(
            origin=f.origin.strip(),
            market=f.market.strip(),
            quantity=f.quantity,
            price=f.price,
            home=f.home,
        )
        for f in inputs.flows
    ]
    return market.build_problem(
        markets,
        origins,
        flows,
        _measures(inputs.measures),
        _measures(inputs.measures_before),
    )


# The summary's first keys, in the order the page shows them.
OUTPUT_ORDER = (
    "imports_from_non_members_change",
    "trade_diverted_to_members",
    "trade_diverted_to_rest_of_world",
    "world_price_change",
    "non_member_price_change",
    "net_welfare_members",
    "importer_revenue_total",
)
BAND_FIGURES = (
    "imports_from_non_members_change",
    "imports_from_non_members_value_after",
    "trade_diverted_to_members",
    "trade_diverted_to_rest_of_world",
    "world_price_change",
    "non_member_price_change",
    "importer_revenue_total",
    "net_welfare_members",
    "member_price_index_change",
)


def headline_figures(
    problem: market.Problem, solution: market.MarketSolution, money: float
) -> dict[str, float]:
    """The headline figures of one solve (``BAND_FIGURES``): the summary's and each
    uncertainty draw's, computed one way."""
    at_home = (problem.domestic_market >= 0)[:, None] | market.home_routes(problem)
    foreign = ~at_home
    mm = problem.member_market[None, :]
    mo = problem.member_origin[:, None]
    q0, q1 = solution.quantity_before, solution.quantity_after
    b0, b1 = solution.border_price_before, solution.border_price_after
    p0, p1 = solution.consumer_price_before, solution.consumer_price_after
    from_non = foreign & mm & ~mo
    non_member_base = float(np.where(foreign & ~mo, q0 * b0, 0.0).sum())
    # The members' CES price index P̂ (the model's own), weighted by base spending:
    # what a buyer of the composite pays, substitution between origins included.
    spending = (p0 * q0).sum(axis=0)
    member_spending = float(spending[problem.member_market].sum())
    index_change = (
        float((spending * solution.composite_price_change)[problem.member_market].sum())
        / member_spending
        if member_spending > 0
        else math.nan
    )
    countries = solution.table_columns[1]
    members = _is_member(countries["country"], _member_countries(problem))
    engine = solution.summary
    return {
        "imports_from_non_members_change": float(np.where(from_non, q1 - q0, 0).sum()),
        "imports_from_non_members_value_after": float(
            np.where(from_non, q1 * b1, 0.0).sum()
        )
        * money,
        "trade_diverted_to_members": engine["trade_diverted_to_members"],
        "trade_diverted_to_rest_of_world": engine["trade_diverted_to_rest_of_world"],
        "world_price_change": engine["world_price_change"],
        "non_member_price_change": (
            float(np.where(foreign & ~mo, q0 * b1, 0.0).sum()) / non_member_base - 1.0
            if non_member_base > 0
            else math.nan
        ),
        "importer_revenue_total": float(np.where(foreign, (p1 - b1) * q1, 0.0).sum())
        * money,
        "net_welfare_members": float(
            np.nansum(countries["net_welfare_change"][members])  # pandas' sum
        )
        * money,
        "member_price_index_change": index_change,
    }


def compute(inputs: PlurilateralInputs) -> Result:
    """Solve the market; rows per route, summary totals, tables per country, origin
    and downstream good in ``extras``."""
    problem = build_market_problem(inputs)
    solution = market.solve(problem, inputs.method)
    money = units.money_factor(inputs.quantity_unit, inputs.price_unit)

    # The engine's columns, the money ones in money, as one frame built once.
    route_columns, country_columns = solution.table_columns
    row_data = dict(route_columns)
    for column in ROW_MONEY:
        row_data[column] = route_columns[column] * money
    row_data["value_before"] = (
        route_columns["quantity_before"] * route_columns["border_price_before"] * money
    )
    homes = {
        (problem.origin_codes[r], problem.market_codes[v])
        for r, v in zip(*np.nonzero(market.home_routes(problem)), strict=True)
    }
    row_data["home"] = [
        (o, m) in homes
        for o, m in zip(row_data["origin"], row_data["market"], strict=True)
    ]
    rows = pd.DataFrame(row_data)

    member_countries = _member_countries(problem)
    country_member = _is_member(country_columns["country"], member_countries)
    countries = pd.DataFrame(
        {
            "country": country_columns["country"],
            "member": country_member,
            **{column: country_columns[column] * money for column in COUNTRY_MONEY},
        }
    )

    at_home = (problem.domestic_market >= 0)[:, None] | market.home_routes(problem)
    foreign = ~at_home
    mm = problem.member_market[None, :]
    mo = problem.member_origin[:, None]
    q0, q1 = solution.quantity_before, solution.quantity_after
    b0 = solution.border_price_before
    p0, p1 = solution.consumer_price_before, solution.consumer_price_after
    from_non = foreign & mm & ~mo
    member_q0 = float(np.where(mm, q0, 0.0).sum())
    member_p0 = float(np.where(mm, p0 * q0, 0.0).sum())
    price_change = (
        float(np.where(mm, (p1 - p0) * q0, 0.0).sum()) / member_q0
        if member_q0 > 0
        else math.nan
    )
    figures = headline_figures(problem, solution, money)
    index_change = figures["member_price_index_change"]
    mean_member_price = member_p0 / member_q0 if member_q0 > 0 else math.nan
    engine = solution.summary
    summary: dict[str, Any] = {
        **{k: figures[k] for k in OUTPUT_ORDER if k in figures},
        "imports_from_non_members_before": float(np.where(from_non, q0, 0).sum()),
        "imports_from_non_members_after": float(np.where(from_non, q1, 0).sum()),
        "imports_before": engine["imports_before"],
        "imports_after": engine["imports_after"],
        "own_producers_sales_change": float(np.where(at_home & mm, q1 - q0, 0.0).sum()),
        "imports_from_non_members_value_before": float(
            np.where(from_non, q0 * b0, 0.0).sum()
        )
        * money,
        "imports_from_non_members_value_after": figures[
            "imports_from_non_members_value_after"
        ],
        "member_price_index_change": index_change,
        "trade_created": engine["trade_created"],
        "member_consumer_price_change": price_change,
        "member_consumer_price_change_share": (
            price_change * member_q0 / member_p0 if member_p0 > 0 else math.nan
        ),
        "net_welfare_non_members": float(
            np.nansum(countries["net_welfare_change"].to_numpy()[~country_member])
        ),
        "net_welfare_change": engine["net_welfare_change"] * money,
        "consumer_surplus_change": engine["consumer_surplus_change"] * money,
        "producer_surplus_change": engine["producer_surplus_change"] * money,
        "revenue_change": engine["revenue_change"] * money,
        "subsidy_cost": engine["subsidy_cost"] * money,
        "rent_change": engine["rent_change"] * money,
        "exporter_rent_total": float(np.nansum(row_data["exporter_rent"])),
        "method": solution.method,
        "iterations": int(engine["iterations"]),
        "max_residual": float(engine["max_residual"]),
        "currency": units.parse_price_unit(inputs.price_unit).currency,
    }
    if inputs.method == "gsim":
        add_warning(
            summary,
            translatable(
                "GSIM's linear equations: prices add tariff and price changes "
                "(p̂ = T̂ + π̂, no cross term) and welfare is their second-order "
                "approximation, so for large changes its welfare can differ from the "
                "exact model's, even in sign. Use the exact method for decisions."
            ),
        )
    extras: dict[str, Any] = {}
    if inputs.uncertainty is not None:
        if inputs.elasticity_ranges is None:
            add_warning(
                summary,
                translatable(
                    "Uncertainty needs the published elasticity ranges (stored data "
                    "gives them with a commodity and members); no ranges were drawn."
                ),
            )
        else:
            bands, failed = summary_bands(
                problem,
                method=inputs.method,
                ranges=inputs.elasticity_ranges,
                uncertainty=inputs.uncertainty,
                headline=lambda p, s: headline_figures(p, s, money),
                money=money,
                members=_member_countries(problem),
            )
            extras["summary_bands"] = bands
            if failed:
                add_warning(
                    summary,
                    translatable(
                        "{failed} of {draws} elasticity draws did not converge and are "
                        "left out of the ranges.",
                        failed=failed,
                        draws=inputs.uncertainty.draws,
                    ),
                )
    origins = pd.DataFrame(
        {
            "origin": list(problem.origin_codes),
            "member": problem.member_origin,
            "producer_price_before": solution.producer_price_before,
            "producer_price_after": solution.producer_price_after,
            "price_change": solution.price_change,
            "supply_before": solution.supply_before,
            "supply_after": solution.supply_after,
        }
    )
    costs = [
        g.content_factor * mean_member_price * index_change * money
        for g in inputs.downstream
    ]
    downstream = pd.DataFrame(
        {
            "good": [g.name for g in inputs.downstream],
            "unit": [g.unit for g in inputs.downstream],
            "content_factor": [g.content_factor for g in inputs.downstream],
            "cost_change_per_unit": costs,
            "illustrative": [g.illustrative for g in inputs.downstream],
        },
        columns=[
            "good",
            "unit",
            "content_factor",
            "cost_change_per_unit",
            "illustrative",
        ],
    )
    flagged = [g.name for g in inputs.downstream if g.illustrative]
    if flagged:
        add_warning(
            summary,
            translatable(
                "The content per unit of {goods} is illustrative, not a published "
                "figure.",
                goods=", ".join(flagged),
            ),
        )
    if inputs.downstream:
        currency = summary["currency"]
        changes = [
            translatable(
                "{good}: {cost} {currency} per {unit}",
                good=g.name,
                cost=f"{cost:+,.2f}",
                currency=currency,
                unit=g.unit,
            )
            for g, cost in zip(inputs.downstream, costs, strict=True)
        ]
        text = changes[0]
        for change in changes[1:]:
            text = translatable("{first}; {rest}", first=text, rest=change)
        summary["downstream_cost_changes"] = text
    return Result(
        summary=summary,
        rows=rows,
        extras={
            "countries": countries,
            "origins": origins,
            "downstream": downstream,
            **extras,
        },
    )


def _is_member(countries: Sequence[str], members: set[str]) -> np.ndarray:
    """Whether each country is in the group (``Series.isin``, on a list)."""
    return np.fromiter(
        (c in members for c in countries), dtype=bool, count=len(countries)
    )


def _member_countries(problem: market.Problem) -> set[str]:
    """Countries in the group: member markets, and member exporters by code."""
    members = {
        c for c, m in zip(problem.market_codes, problem.member_market, strict=True) if m
    }
    members |= {
        c
        for c, m, d in zip(
            problem.origin_codes,
            problem.member_origin,
            problem.domestic_market,
            strict=True,
        )
        if m and d < 0
    }
    return members


def _market(code: str, member: bool) -> dict[str, Any]:
    return {
        "code": code,
        "import_demand_elasticity": -0.8,
        "substitution_elasticity": 3,
        "member": member,
    }


ILLUSTRATIVE_FLOWS = (
    "The trade flows are ILLUSTRATIVE tonnes of NdPr oxide of plausible magnitude "
    "(China about 85 % of supply, its home market in ROW), not stored trade data."
)

EXAMPLE: dict[str, Any] = {
    "price_unit": "USD/kg",
    "quantity_unit": "t",
    "method": "exact",
    "markets": [
        _market("EU", True),
        _market("USA", True),
        _market("JPN", True),
        _market("ROW", False),
    ],
    "origins": [
        {"code": "CHN", "price": 55, "supply_elasticity": 1.5, "member": False},
        {"code": "AUS", "price": 55, "supply_elasticity": 0.8, "member": True},
        {"code": "OTH", "price": 55, "supply_elasticity": 1.0, "member": False},
        {
            "code": "USA-producers",
            "price": 55,
            "supply_elasticity": 0.5,
            "domestic_market": "USA",
        },
        {
            "code": "EU-producers",
            "price": 55,
            "supply_elasticity": 0.5,
            "domestic_market": "EU",
        },
    ],
    "flows": [
        {"origin": origin, "market": market_code, "quantity": quantity}
        for origin, market_code, quantity in (
            ("CHN", "EU", 4000),
            ("CHN", "USA", 2500),
            ("CHN", "JPN", 4500),
            ("CHN", "ROW", 55000),
            ("AUS", "EU", 300),
            ("AUS", "USA", 300),
            ("AUS", "JPN", 3500),
            ("AUS", "ROW", 2500),
            ("OTH", "EU", 200),
            ("OTH", "USA", 200),
            ("OTH", "JPN", 500),
            ("OTH", "ROW", 4000),
            ("USA-producers", "USA", 1500),
            ("EU-producers", "EU", 200),
        )
    ],
    "measures": [
        {
            "kind": "floor",
            "level": 110,
            "markets": "members",
            "origins": "non_members",
        }
    ],
    "downstream": [
        {"name": "EV traction motor", "content_factor": 0.0006, "unit": "motor"},
        {"name": "Direct-drive wind turbine", "content_factor": 0.18, "unit": "MW"},
    ],
}

CALCULATOR = Calculator(
    slug="plurilateral",
    title=gettext_noop("Plurilateral market model"),
    summary=(
        gettext_noop(
            "Simulate measures taken together by a group of countries — a coordinated "
            "price floor, tariffs, a price undertaking, a subsidy to their own producers — "
            "in one equilibrium of every market: how much trade is diverted to partners "
            "and to the rest of the world, how far the exporter's price falls, and who "
            "gains or loses in each country, down to the cost of the goods made with it."
        )
    ),
    precedent=(
        "The EU, the US and Japan's plurilateral initiative on critical minerals "
        "(February 2026) with border-adjusted price floors; the EU's 2013 minimum "
        "import price undertaking on Chinese solar modules. The example is a "
        "coordinated 110 USD/kg floor on NdPr oxide from non-members. "
        + ILLUSTRATIVE_FLOWS
    ),
    inputs=PlurilateralInputs,
    compute=compute,
    columns=COLUMNS,
    example=EXAMPLE,
    price_field=None,
    outputs=OUTPUTS,
    column_outputs=COLUMN_OUTPUTS,
    tables=(
        ("countries", gettext_noop("Welfare by country")),
        ("origins", gettext_noop("Prices and supply by origin")),
        ("downstream", gettext_noop("Cost of downstream goods")),
        (
            "summary_bands",
            gettext_noop("Ranges from the published elasticities (P5, P50, P95)"),
        ),
    ),
    table_outputs=TABLE_OUTPUTS,
)

"""Disruptions and stockpiles (INSTRUMENTS.md §11): if an origin withholds part of its
sales for some months, what happens to prices and supplies in each market; how large a
stock would offset it; what building and holding it costs; what pooling releases adds.

**Model.** Monthly periods, each one equilibrium of the market model (``market``, §9)
on the baseline (typed, or from stored data, §10), annual quantities ÷ 12. No private
storer arbitrages between months (each month is static).

- *Disruption* ``{origin, cut, markets, start, months}``: the origin's sales into the
  markets named are capped at ``(1 − cut)`` of their base in those months; the cap is
  met by an export-tax equivalent (an undertaking: a minimum border price), whose gap
  the exporter keeps as a scarcity rent. Its home market and other routes clear as usual.
- *Stockpiles* per market: a quantity, or ``days`` of base consumption (``Σ_r q0``,
  a year ÷ 365), or ``days_net_imports`` (imports across its border less its exports,
  ÷ 365); ``trigger`` (default 1.25), ``max_monthly_share`` of the initial stock
  (0.25), ``holding_cost`` (money per unit a year), ``capital_rate`` (a year). A
  release ``R`` is the market's composite: consumption is ``Q0·P̂^η`` and imports are
  ``q0·p̂^(−σ)·P̂^σ·(P̂^η − R/Q0)``; a month's release is at most the limit (and what is
  left) and no more than brings ``P̂`` back down to the trigger.
- *Coordination*: separate, each market releases on its own trigger; coordinated, the
  stocks are one pool releasing, within the sum of the monthly limits, into the
  stocked markets so that their price indices come down together to one level (the
  lowest trigger at the lowest), drawn from each stock in proportion to its size (and
  its sales shared the same way). Both are solved every run.
- *Build-up* ``{months}``: the stocks bought evenly before the horizon, extra demand
  in their markets; without it they are bought at the base price.
- *Costs and benefits* per stock: consumers' loss avoided (Σ months of §9's exact
  ΔCS with less without), building cost (what was paid), holding cost (each month's
  stock × (holding cost + capital rate × purchase price) ÷ 12), sales of the
  releases at the market's price, the stock left valued at the base price, and the
  consumers' loss of the build-up. Net benefit = loss avoided − build-up loss + sales
  + stock left − building − holding.

**Checks.** One market, one origin with fixed supply, base ``Q0`` a month: a cut ``s``
gives ``p0·(1 − s)^(1/η)``; a release ``R`` a month ``p0·(1 − s + R/Q0)^(1/η)``; a stock
``S`` released at ``R`` lasts ``S/R`` months; consumers' loss a month is
``E0·(P̂^(1+η) − 1)/(1+η)``. No disruption and no build-up: the base every month.

Modules: ``inputs`` and ``outputs`` (declared), ``setup`` (inputs → problem, caps,
stocks), ``month`` (one month's equilibrium), ``paths`` (month after month),
``report`` (tables), ``scenarios`` (sizes and random disruptions).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from instruments.calculators import units
from instruments.calculators.base import Calculator, Result, add_warning
from instruments.calculators.stockpile.inputs import StockpileInputs
from instruments.calculators.stockpile.month import MonthModel
from instruments.calculators.stockpile.outputs import (
    COLUMN_OUTPUTS,
    COLUMNS,
    OUTPUTS,
    TABLE_OUTPUTS,
)
from instruments.calculators.stockpile.paths import Mode, run_path
from instruments.calculators.stockpile.report import (
    SHORT,
    members_table,
    month_rows,
    shortfall,
    totals,
)
from instruments.calculators.stockpile.scenarios import (
    DEFAULT_SIZES,
    SIZE_COLUMNS,
    expectations,
    paths_asked,
    sizes_table,
)
from instruments.calculators.stockpile.setup import build_setup
from instruments.calculators.translation import gettext_noop, translatable

HOLDS = 1e-6  # a peak this close to the trigger holds it (the solve's tolerance)


def compute(inputs: StockpileInputs) -> Result:
    """Every month without stocks, with each releasing alone and with releases
    pooled; rows for the chosen one, the members' table, sizes and scenarios."""
    setup = build_setup(inputs)
    model = MonthModel(setup.problem, setup.capped, 1.0 - setup.cut)
    money = units.money_factor(inputs.quantity_unit, inputs.price_unit)
    plan, stocks = setup.plan, setup.stocks
    without = run_path(model, plan, stocks, "none")
    separate = run_path(model, plan, stocks, "separate")
    coordinated = run_path(model, plan, stocks, "coordinated")
    t_sep = totals(model, plan, stocks, separate, without, money)
    t_coord = totals(model, plan, stocks, coordinated, without, money)
    if t_coord.consumer_loss_avoided.sum() < t_sep.consumer_loss_avoided.sum():
        # A pool can always release as each member would alone: where pooling by the
        # rule avoids less (a shared stock can run out sooner), it does that instead.
        coordinated, t_coord = separate, t_sep
    chosen = coordinated if inputs.coordinated else separate
    t = t_coord if inputs.coordinated else t_sep
    rows = month_rows(model, plan, stocks, chosen, without)
    members = members_table(
        model, stocks, t, t_sep, t_coord, setup.consumption, setup.net_imports
    )
    watched = (
        stocks.market
        if stocks.market.size
        else np.flatnonzero(setup.capped.any(axis=0))
    )
    base_month = model.base_quantity[watched] / 12.0

    def months_short(path_short: np.ndarray) -> int:
        share = path_short[:, watched] / np.maximum(base_month, 1e-300)[None, :]
        return int((share > SHORT).any(axis=1).sum()) if watched.size else 0

    short_without, short_with = shortfall(model, without), shortfall(model, chosen)

    def peak(path_index: np.ndarray) -> float:
        if not watched.size or not path_index.size:
            return 0.0
        return float(path_index[:, watched].max()) - 1.0

    summary: dict[str, Any] = {
        "peak_price_change_without": peak(without.index),
        "peak_price_change_with": peak(chosen.index),
        "months_short_without": months_short(short_without),
        "months_short_with": months_short(short_with),
        "shortfall_avoided": float((short_without - short_with)[:, watched].sum()),
        "consumer_loss_avoided": float(t.consumer_loss_avoided.sum()),
        "building_cost": float(t.building_cost.sum()),
        "holding_cost": float(t.holding_cost.sum()),
        "net_benefit": float(t.net_benefit.sum()),
        "benefit_cost_ratio": t.ratio(),
        "coordination_gain": float(
            t_coord.consumer_loss_avoided.sum() - t_sep.consumer_loss_avoided.sum()
        ),
        "consumer_loss_avoided_separate": float(t_sep.consumer_loss_avoided.sum()),
        "consumer_loss_avoided_coordinated": float(t_coord.consumer_loss_avoided.sum()),
        "consumer_loss_without": float(
            -without.consumer_surplus[:, watched].sum() * money
        ),
        "shortfall_without_total": float(short_without[:, watched].sum()),
        "stock_total": float(stocks.initial.sum()),
        "release_total": float(chosen.drawn.sum()),
        "release_revenue": float(t.release_revenue.sum()),
        "residual_value": float(t.residual_value.sum()),
        "build_up_price_change": (
            float(chosen.build_index[:, watched].max()) - 1.0
            if chosen.build_index.size and watched.size
            else 0.0
        ),
        "build_up_consumer_loss": float(t.build_up_consumer_loss.sum()),
        "export_tax_equivalent": float(without.tax_equivalent.max(initial=0.0)),
        "scarcity_rent": float(without.rent.sum() * money),
        "currency": units.parse_price_unit(inputs.price_unit).currency,
    }
    extras: dict[str, Any] = {"members": members}
    sizes = tuple(inputs.sizes or ()) or (DEFAULT_SIZES if inputs.scenarios else ())
    mode: Mode = "coordinated" if inputs.coordinated else "separate"
    if sizes:
        table = sizes_table(
            setup=setup,
            model=model,
            without=without,
            sizes=sizes,
            mode=mode,
            money=money,
        )
        if inputs.scenarios is not None:
            expected = expectations(
                setup=setup,
                scenarios=inputs.scenarios,
                sizes=sizes,
                mode=mode,
                money=money,
            )
            table = pd.concat([table, expected], axis=1)
            sc = inputs.scenarios
            summary["expected_disruptions"] = sc.years * sc.annual_probability
            summary["probability_of_disruption"] = (
                1.0 - (1.0 - sc.annual_probability) ** sc.years
            )
        score = table.get("expected_net_benefit", table["net_benefit"])
        best = int(np.argmax(score.to_numpy()))
        summary["best_size"] = float(table["days"].iloc[best])
        summary["best_net_benefit"] = float(score.iloc[best])
        lowest = float(stocks.trigger.min()) if stocks.trigger.size else math.inf
        holding = table[table["peak_price_change_with"] <= lowest - 1.0 + HOLDS]
        summary["days_to_hold_trigger"] = (
            float(holding["days"].min()) if not holding.empty else math.nan
        )
        # What that size costs to build and hold, and what pooling it adds.
        smallest = (
            holding.iloc[int(np.argmin(holding["days"].to_numpy()))]
            if not holding.empty
            else None
        )
        for key in ("building_cost", "holding_cost", "coordination_gain"):
            summary[f"{key}_to_hold_trigger"] = (
                float(smallest[key]) if smallest is not None else math.nan
            )
        if holding.empty:
            add_warning(
                summary,
                translatable(
                    "No size compared holds the members' price at the trigger; try "
                    "larger sizes."
                ),
            )
        extras["sizes"] = table
    if inputs.disruption is None:
        add_warning(summary, translatable("No disruption: every month is the base."))
    return Result(summary=summary, rows=rows, extras=extras)


def _market(code: str, member: bool) -> dict[str, Any]:
    return {
        "code": code,
        "import_demand_elasticity": -0.6,
        "substitution_elasticity": 2,
        "member": member,
    }


ILLUSTRATIVE = (
    "The example's trade flows, prices and elasticities are ILLUSTRATIVE (NdPr oxide "
    "of plausible magnitude, China about 85 % of supply); with a commodity, a year "
    "and members the baseline comes from stored data."
)

EXAMPLE: dict[str, Any] = {
    "price_unit": "USD/kg",
    "quantity_unit": "t",
    "markets": [
        _market("EU", True),
        _market("USA", True),
        _market("JPN", True),
        _market("ROW", False),
    ],
    "origins": [
        {"code": "CHN", "price": 60, "supply_elasticity": 1.0, "member": False},
        {"code": "AUS", "price": 60, "supply_elasticity": 0.5, "member": True},
        {"code": "OTH", "price": 60, "supply_elasticity": 0.5, "member": False},
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
        )
    ],
    "months": 12,
    "disruption": {
        "origin": "CHN",
        "cut": 0.5,
        "markets": ["members"],
        "start": 2,
        "months": 6,
    },
    "stockpiles": [
        {"market": "EU", "days": 60, "holding_cost": 1.0, "capital_rate": 0.04},
        {"market": "USA", "days": 60, "holding_cost": 1.0, "capital_rate": 0.04},
        {"market": "JPN", "days": 60, "holding_cost": 1.0, "capital_rate": 0.04},
    ],
    "coordinated": True,
    "sizes": [0, 30, 60, 90, 120],
}

CALCULATOR = Calculator(
    slug="stockpile",
    title=gettext_noop("Disruptions and stockpiles"),
    summary=(
        gettext_noop(
            "If an exporter withholds part of its sales to some markets for some months, "
            "how high prices go and how much each market goes short; how many days of "
            "stock would hold the price down, what building and holding it costs, and "
            "what releasing stocks together adds over each releasing alone."
        )
    ),
    precedent=(
        "China's export controls on gallium and germanium (2023), graphite (2023) and "
        "rare earths (2025); JOGMEC's 60-day rare-metal stocks; the IEA's 90 days of "
        "net imports; the IEA Critical Minerals Security Programme's table-top "
        "exercises. The example halves China's NdPr oxide sales to the EU, the US "
        "and Japan for six months against 60 days of stock each. " + ILLUSTRATIVE
    ),
    inputs=StockpileInputs,
    compute=compute,
    columns=COLUMNS,
    example=EXAMPLE,
    price_field=None,
    outputs=OUTPUTS,
    column_outputs=COLUMN_OUTPUTS,
    tables=(
        ("members", gettext_noop("Members: stocks, costs and benefits")),
        ("sizes", gettext_noop("Stock sizes compared")),
    ),
    table_outputs=TABLE_OUTPUTS,
)

__all__ = [
    "CALCULATOR",
    "EXAMPLE",
    "SIZE_COLUMNS",
    "StockpileInputs",
    "compute",
    "paths_asked",
]

"""Stock sizes compared: the given disruption at each size, and, with scenarios, the
expected net benefit of each size over disruptions drawn at random.

Scenario convention: at most one disruption a year, with the same chance every year,
so ``years × annual_probability`` disruptions are expected; each starts with the
stocks full (refilled between disruptions at the base price) and lasts a drawn
number of months (triangular, rounded) with a drawn cut (uniform). A disruption's
benefit is the members' consumers' loss avoided plus the stocks' sales less their
refilling at the base price; the cost is holding the stocks every year (storage and
capital on their base value). The paths are solved at a few cuts
(``STOCKPILE_CUT_NODES``, or one when the cut is fixed) for the longest length, each
length's benefit being the sum over its first months; the draws are interpolated
between the cuts, so a run's cost does not grow with its draws.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from instruments.calculators import progress
from instruments.calculators.arrays import FloatArray
from instruments.calculators.limits import STOCKPILE_CUT_NODES
from instruments.calculators.stockpile.inputs import Scenarios
from instruments.calculators.stockpile.month import MonthModel
from instruments.calculators.stockpile.paths import Mode, Path, Plan, Stocks, run_path
from instruments.calculators.stockpile.report import totals
from instruments.calculators.stockpile.setup import DAYS_A_YEAR, Setup

DEFAULT_SIZES = (0.0, 30.0, 60.0, 90.0, 120.0, 180.0)


def sized(setup: Setup, days: float) -> Stocks:
    """Every stock at ``days`` of its market's base consumption."""
    v = setup.stocks.market
    return setup.stocks.resized(days / DAYS_A_YEAR * setup.consumption[v])


def sizes_table(
    *,
    setup: Setup,
    model: MonthModel,
    without: Path,
    sizes: Sequence[float],
    mode: Mode,
    money: float,
) -> pd.DataFrame:
    """One row per size: the given disruption with every member at that size."""
    rows = []
    other: Mode = "separate" if mode == "coordinated" else "coordinated"
    for i, days in enumerate(sizes):
        stocks = sized(setup, days)
        path = run_path(model, setup.plan, stocks, mode)
        t = totals(model, setup.plan, stocks, path, without, money)
        alt = totals(
            model,
            setup.plan,
            stocks,
            run_path(model, setup.plan, stocks, other),
            without,
            money,
        )
        pooled, alone = (t, alt) if mode == "coordinated" else (alt, t)
        rows.append(
            {
                "days": float(days),
                "stock_total": float(stocks.initial.sum()),
                "peak_price_change_with": float(t.peak_with.max(initial=0.0)),
                "consumer_loss_avoided": float(t.consumer_loss_avoided.sum()),
                "building_cost": float(t.building_cost.sum()),
                "holding_cost": float(t.holding_cost.sum()),
                "net_benefit": float(t.net_benefit.sum()),
                "peak_price_change_separate": float(alone.peak_with.max(initial=0.0)),
                "peak_price_change_coordinated": float(
                    pooled.peak_with.max(initial=0.0)
                ),
                "coordination_gain": float(
                    pooled.consumer_loss_avoided.sum()
                    - alone.consumer_loss_avoided.sum()
                ),
            }
        )
        progress.report(0.5 * (i + 1) / max(len(sizes), 1))
    return pd.DataFrame(rows, columns=list(SIZE_COLUMNS))


SIZE_COLUMNS = (
    "days",
    "stock_total",
    "peak_price_change_with",
    "consumer_loss_avoided",
    "building_cost",
    "holding_cost",
    "net_benefit",
    "peak_price_change_separate",
    "peak_price_change_coordinated",
    "coordination_gain",
)
EXPECTED_COLUMNS = (
    "expected_consumer_loss_avoided",
    "expected_release_gain",
    "expected_cost",
    "expected_net_benefit",
)


@dataclass(frozen=True)
class Draws:
    months: np.ndarray
    cut: FloatArray


def draw(scenarios: Scenarios) -> Draws:
    """The disruptions drawn: lengths (whole months) and cuts."""
    rng = np.random.default_rng(scenarios.seed)
    low, mode, high = scenarios.months
    if high > low:
        raw = rng.triangular(low, mode, high, size=scenarios.draws)
    else:
        raw = np.full(scenarios.draws, float(low))
    months = np.clip(np.rint(raw), 1, max(1, math.ceil(high))).astype(np.int64)
    c_low, c_high = scenarios.cut
    cut = (
        rng.uniform(c_low, c_high, size=scenarios.draws)
        if c_high > c_low
        else np.full(scenarios.draws, float(c_low))
    )
    return Draws(months, cut)


def cut_nodes(scenarios: Scenarios) -> FloatArray:
    low, high = scenarios.cut
    if high <= low:
        return np.array([float(low)])
    return np.linspace(low, high, STOCKPILE_CUT_NODES)


def expectations(
    *,
    setup: Setup,
    scenarios: Scenarios,
    sizes: Sequence[float],
    mode: Mode,
    money: float,
) -> pd.DataFrame:
    """Per size, the expected consumers' loss avoided, release gain, cost and net
    benefit over ``scenarios.years``."""
    drawn = draw(scenarios)
    n_months = int(drawn.months.max())
    plan = Plan(disrupted=np.ones(n_months, dtype=bool))
    nodes = cut_nodes(scenarios)
    n_s = len(sizes)
    # (nodes, sizes, months): cumulative benefit per disruption length
    consumers = np.zeros((nodes.size, n_s, n_months))
    release_gain = np.zeros((nodes.size, n_s, n_months))
    work, done = nodes.size * (n_s + 1), 0
    base_price = np.zeros(setup.problem.n_markets)
    for a, cut in enumerate(nodes):
        model = MonthModel(setup.problem, setup.capped, 1.0 - float(cut))
        base_price = np.nan_to_num(model.base_price)
        without = run_path(model, plan, setup.stocks, "none")
        done += 1
        for b, days in enumerate(sizes):
            stocks = sized(setup, days)
            v = stocks.market
            path = run_path(model, plan, stocks, mode)
            gain = (path.consumer_surplus - without.consumer_surplus)[:, v].sum(axis=1)
            refill = (path.drawn * base_price[v][None, :]).sum(axis=1)
            consumers[a, b] = np.cumsum(gain) * money
            release_gain[a, b] = np.cumsum(path.revenue.sum(axis=1) - refill) * money
            done += 1
            progress.report(0.5 + 0.5 * done / work)
    per_draw_consumers = _interpolate(consumers, nodes, drawn)
    per_draw_gain = _interpolate(release_gain, nodes, drawn)
    expected = scenarios.years * scenarios.annual_probability
    rows = []
    for b, days in enumerate(sizes):
        stocks = sized(setup, days)
        v = stocks.market
        value = stocks.initial * base_price[v]
        yearly = (
            stocks.initial * stocks.holding_cost + value * stocks.capital_rate * money
        )
        cost = scenarios.years * float(yearly.sum())
        c = expected * float(per_draw_consumers[b].mean())
        g = expected * float(per_draw_gain[b].mean())
        rows.append(
            {
                "expected_consumer_loss_avoided": c,
                "expected_release_gain": g,
                "expected_cost": cost,
                "expected_net_benefit": c + g - cost,
            }
        )
    return pd.DataFrame(rows, columns=list(EXPECTED_COLUMNS))


def _interpolate(table: FloatArray, nodes: FloatArray, drawn: Draws) -> FloatArray:
    """(sizes, draws): each draw's cumulative value at its length, interpolated
    linearly in the cut between the nodes."""
    at_length = table[:, :, drawn.months - 1]  # (nodes, sizes, draws)
    if nodes.size == 1:
        result: FloatArray = at_length[0]
        return result
    position = np.clip(
        (drawn.cut - nodes[0]) / (nodes[-1] - nodes[0]) * (nodes.size - 1),
        0,
        nodes.size - 1,
    )
    lower = np.minimum(np.floor(position).astype(np.int64), nodes.size - 2)
    weight = position - lower
    draws = np.arange(drawn.cut.size)
    low = at_length[lower, :, draws]  # (draws, sizes)
    high = at_length[lower + 1, :, draws]
    result = ((1 - weight)[:, None] * low + weight[:, None] * high).T
    return result


def paths_asked(data: Mapping[str, Any]) -> int:
    """How many paths a request's sizes (each alone and pooled) and scenarios solve, from the raw data (a
    body or a query string's values): what decides whether it runs as a job."""
    sizes = data.get("sizes")
    if isinstance(sizes, str):
        count = len([s for s in sizes.split(",") if s.strip()])
    elif isinstance(sizes, list | tuple):
        count = len(sizes)
    else:
        count = 0
    scenarios = data.get("scenarios")
    if not isinstance(scenarios, Mapping):
        return 2 * count  # each size pooled and each releasing alone
    count = count or len(DEFAULT_SIZES)
    cut = scenarios.get("cut")
    if isinstance(cut, str):
        cut = cut.split(",")
    fixed = (
        isinstance(cut, list | tuple) and len(cut) == 2 and str(cut[0]) == str(cut[1])
    )
    nodes = 1 if fixed else STOCKPILE_CUT_NODES
    return 2 * count + nodes * (count + 1)

"""From the declared inputs to the engine's pieces: the market problem, the capped
routes, the stocks (a quantity from days of consumption or of net imports) and the
horizon."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from instruments.calculators import market
from instruments.calculators.arrays import BoolArray, FloatArray
from instruments.calculators.base import ErrorCollector, InputError
from instruments.calculators.plurilateral_inputs import MeasureInput
from instruments.calculators.stockpile.inputs import StockpileInputs
from instruments.calculators.stockpile.paths import Plan, Stocks
from instruments.calculators.translation import gettext

DAYS_A_YEAR = 365.0


@dataclass(frozen=True)
class Setup:
    problem: market.Problem
    capped: BoolArray  # (R, V)
    cut: float
    stocks: Stocks
    plan: Plan
    consumption: FloatArray  # (V,) base consumption a year
    net_imports: FloatArray  # (V,) base net imports a year


def _selector(codes: Sequence[str]) -> market.Selector:
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


def build_problem(inputs: StockpileInputs) -> market.Problem:
    """The market in the base: the measures in force are both before and after."""
    errors = ErrorCollector()
    for i, m in enumerate(inputs.markets):
        if m.import_demand_elasticity >= 0:
            errors.add(
                ("markets", i, "import_demand_elasticity"), gettext("Must be < 0.")
            )
    errors.raise_if_any()
    measures = _measures(inputs.measures_before)
    return market.build_problem(
        [
            market.Market(
                code=m.code.strip(),
                import_demand_elasticity=m.import_demand_elasticity,
                substitution_elasticity=m.substitution_elasticity,
                member=m.member,
            )
            for m in inputs.markets
        ],
        [
            market.Origin(
                code=o.code.strip(),
                price=o.price,
                supply_elasticity=o.supply_elasticity,
                member=None if o.domestic_market else o.member,
                domestic_market=(o.domestic_market or "").strip() or None,
            )
            for o in inputs.origins
        ],
        [
            market.Flow(
                origin=f.origin.strip(),
                market=f.market.strip(),
                quantity=f.quantity,
                price=f.price,
                home=f.home,
            )
            for f in inputs.flows
        ],
        measures,
        measures,
    )


def net_imports(problem: market.Problem) -> FloatArray:
    """(V,) each market's imports (routes across a border) less its economy's
    exports (an origin of the same code selling abroad), a year."""
    q = problem.quantity
    at_home = (problem.domestic_market >= 0)[:, None] | market.home_routes(problem)
    origin_index = {c: r for r, c in enumerate(problem.origin_codes)}
    imports = np.where(at_home, 0.0, q).sum(axis=0)
    exports = np.zeros(problem.n_markets)
    for v, code in enumerate(problem.market_codes):
        r = origin_index.get(code)
        if r is not None and problem.domestic_market[r] < 0:
            exports[v] = float(np.where(at_home[r], 0.0, q[r]).sum())
    result: FloatArray = imports - exports
    return result


def capped_routes(
    inputs: StockpileInputs, problem: market.Problem
) -> tuple[BoolArray, float]:
    """The routes the disruption caps (foreign routes of the origin into the markets
    named) and the cut."""
    shape = (problem.n_origins, problem.n_markets)
    d = inputs.disruption
    if d is None:
        return np.zeros(shape, dtype=bool), 0.0
    origin = d.origin.strip()
    if origin not in problem.origin_codes:
        raise InputError.at(
            ("disruption", "origin"),
            gettext("{origin!r} is not an origin.").format(origin=origin),
        )
    r = problem.origin_codes.index(origin)
    if problem.domestic_market[r] >= 0:
        raise InputError.at(
            ("disruption", "origin"),
            gettext("A market's own producers sell at home only: name an exporter."),
        )
    selector = _selector(d.markets)
    errors = ErrorCollector()
    if isinstance(selector, str):
        wanted = {
            "all": np.ones(problem.n_markets, dtype=bool),
            "members": problem.member_market.copy(),
            "non_members": ~problem.member_market,
        }[selector]
    else:
        wanted = np.zeros(problem.n_markets, dtype=bool)
        for code in selector:
            if code not in problem.market_codes:
                errors.add(
                    ("disruption", "markets"),
                    gettext("{code!r} is not a market.").format(code=code),
                )
            else:
                wanted[problem.market_codes.index(code)] = True
    errors.raise_if_any()
    capped = np.zeros(shape, dtype=bool)
    capped[r] = wanted & (problem.quantity[r] > 0) & ~market.home_routes(problem)[r]
    if not capped.any():
        raise InputError.at(
            ("disruption", "markets"),
            gettext(
                "{origin} sells nothing into these markets in the base: nothing to cut."
            ).format(origin=origin),
        )
    return capped, float(d.cut)


def build_stocks(
    inputs: StockpileInputs,
    problem: market.Problem,
    consumption: FloatArray,
    imports: FloatArray,
) -> Stocks:
    """Each stock as a quantity (days are of a year's base ÷ 365)."""
    errors = ErrorCollector()
    index, initial = [], []
    for i, s in enumerate(inputs.stockpiles):
        code = s.market.strip()
        if code not in problem.market_codes:
            errors.add(
                ("stockpiles", i, "market"),
                gettext("{code!r} is not a market.").format(code=code),
            )
            continue
        v = problem.market_codes.index(code)
        if s.stock is not None:
            quantity = s.stock
        elif s.days is not None:
            quantity = s.days / DAYS_A_YEAR * float(consumption[v])
        elif s.days_net_imports is not None:
            if imports[v] <= 0:
                errors.add(
                    ("stockpiles", i, "days_net_imports"),
                    gettext(
                        "{code} is a net exporter in the base: give days of consumption."
                    ).format(code=code),
                )
                continue
            quantity = s.days_net_imports / DAYS_A_YEAR * float(imports[v])
        else:
            errors.add(("stockpiles", i, "stock"), gettext("Give the stock."))
            continue
        index.append(v)
        initial.append(quantity)
    errors.raise_if_any()
    items = inputs.stockpiles

    def column(name: str) -> FloatArray:
        return np.array([float(getattr(s, name)) for s in items], dtype=np.float64)

    return Stocks(
        market=np.array(index, dtype=np.int64),
        initial=np.array(initial, dtype=np.float64),
        trigger=column("trigger") if items else np.zeros(0),
        max_monthly_share=column("max_monthly_share") if items else np.zeros(0),
        holding_cost=column("holding_cost") if items else np.zeros(0),
        capital_rate=column("capital_rate") if items else np.zeros(0),
    )


def build_setup(inputs: StockpileInputs) -> Setup:
    problem = build_problem(inputs)
    capped, cut = capped_routes(inputs, problem)
    consumption = problem.quantity.sum(axis=0)
    imports = net_imports(problem)
    stocks = build_stocks(inputs, problem, consumption, imports)
    disrupted = np.zeros(inputs.months, dtype=bool)
    if inputs.disruption is not None:
        start = inputs.disruption.start - 1
        disrupted[start : start + inputs.disruption.months] = True
    build = inputs.build_up.months if inputs.build_up is not None else 0
    return Setup(
        problem=problem,
        capped=capped,
        cut=cut,
        stocks=stocks,
        plan=Plan(disrupted=disrupted, build_up=build),
        consumption=consumption,
        net_imports=imports,
    )

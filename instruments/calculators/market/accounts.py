"""The solution and its accounts: welfare per country, rows per route, world totals."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from instruments.calculators.arrays import FloatArray
from instruments.calculators.market.exact import Prepared, State
from instruments.calculators.market.problem import Problem

ROW_COLUMNS = (
    "origin",
    "market",
    "member_origin",
    "member_market",
    "quantity_before",
    "quantity_after",
    "border_price_before",
    "border_price_after",
    "consumer_price_before",
    "consumer_price_after",
    "importer_revenue",
    "exporter_rent",
    "quantity_change",
    "importer_revenue_before",
    "exporter_rent_before",
    "subsidy",
    "subsidy_before",
)
"""Row columns: the contract's first twelve (levels after the change), then extras."""

COUNTRY_COLUMNS = (
    "country",
    "consumer_surplus_change",
    "producer_surplus_change",
    "revenue_change",
    "subsidy_cost",
    "rent_change",
    "net_welfare_change",
    "terms_of_trade_effect",
    "terms_of_trade_imports",
    "terms_of_trade_exports",
)

Columns = dict[str, Any]
"""A table's columns by name: arrays (or lists) of one length, in column order."""

# --- the solution --------------------------------------------------------------------


@dataclass(frozen=True)
class MarketSolution:
    """The equilibrium before (the base) and after, with welfare.

    Arrays are origins × markets (routes) or per origin / market. ``rows``: one row
    per listed route (``ROW_COLUMNS``); ``countries``: welfare per country
    (``COUNTRY_COLUMNS``); ``summary``: world totals and headline figures. The two
    tables are built when first read (a caller that needs only the arrays, such as
    the price floor's trade response, is spared two DataFrames: 0.5 ms a solve).
    """

    method: str
    problem: Problem
    price_change: FloatArray  # (R,) π̂ − 1
    quantity_before: FloatArray
    quantity_after: FloatArray
    border_price_before: FloatArray
    border_price_after: FloatArray
    consumer_price_before: FloatArray
    consumer_price_after: FloatArray
    producer_price_before: FloatArray
    producer_price_after: FloatArray
    supply_before: FloatArray
    supply_after: FloatArray
    composite_price_change: FloatArray  # (V,) P̂ − 1
    consumer_surplus_change: FloatArray  # (V,)
    producer_surplus_change: FloatArray  # (R,)
    revenue_change: FloatArray  # (V,)
    subsidy_cost: FloatArray  # (V,)
    rent_change: FloatArray  # (R,)
    terms_of_trade_effect: FloatArray  # (V,)
    iterations: int
    residual: float
    build_columns: Callable[[], tuple[Columns, Columns]] = field(
        repr=False, compare=False
    )
    summary: dict[str, Any] = field(default_factory=dict)

    @functools.cached_property
    def table_columns(self) -> tuple[Columns, Columns]:
        """The columns of ``rows`` and ``countries`` as arrays, without a DataFrame
        (a caller that changes a few columns builds its own frame once; read-only)."""
        return self.build_columns()

    @functools.cached_property
    def _tables(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        rows, countries = self.table_columns
        return (
            pd.DataFrame(rows, columns=list(ROW_COLUMNS)),
            pd.DataFrame(countries, columns=list(COUNTRY_COLUMNS)),
        )

    @property
    def rows(self) -> pd.DataFrame:
        return self._tables[0]

    @property
    def countries(self) -> pd.DataFrame:
        return self._tables[1]


def assemble(
    problem: Problem,
    base: Prepared,
    method: str,
    before: State,
    price_ratio: FloatArray,
    quantity_after: FloatArray,
    border_after: FloatArray,
    consumer_after: FloatArray,
    producer_ratio: FloatArray,
    supply_after: FloatArray,
    composite: FloatArray,
    cs: FloatArray,
    ps: FloatArray,
    iterations: int,
    residual: float,
) -> MarketSolution:
    foreign = ~base.no_border  # imports: not a domestic origin's, not home sales
    q0, q1 = base.q0, quantity_after
    b0, b1 = before.border, border_after
    p0, p1 = before.consumer, consumer_after
    pi1 = base.pi0 * price_ratio[:, None]
    revenue0 = np.where(foreign, (p0 - b0) * q0, 0.0)
    revenue1 = np.where(foreign, (p1 - b1) * q1, 0.0)
    rent0 = np.where(foreign, (b0 - base.pi0) * q0, 0.0)
    rent1 = np.where(foreign, (b1 - pi1) * q1, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_price = np.where(
            base.x0 > 0, base.revenue0 / np.where(base.x0 > 0, base.x0, 1.0), np.nan
        )
    # A foreign origin's producer price: its base-quantity-weighted border price.
    producer_before = np.where(base.domestic, base.producer0, mean_price)
    if problem.price.ndim == 1:
        producer_before = np.where(base.domestic, base.producer0, problem.price)
    producer_after = producer_before * producer_ratio
    own_after = base.own_price0 * price_ratio
    subsidy0 = np.where(
        base.domestic, (base.producer0 - base.own_price0) * base.x0, 0.0
    )
    subsidy1 = np.where(base.domestic, (producer_after - own_after) * supply_after, 0.0)
    dom_idx = problem.domestic_market
    n_v = problem.n_markets
    onehot = (dom_idx[:, None] == np.arange(n_v)[None, :]).astype(np.float64)
    subsidy_cost = (subsidy1 - subsidy0) @ onehot
    revenue_change = (revenue1 - revenue0).sum(axis=0)
    rent_change = (rent1 - rent0).sum(axis=1)
    # Terms of trade: border prices paid on imports (per market), received on
    # exports (per origin), on the quantities after.
    tot = -np.where(foreign, (b1 - b0) * q1, 0.0).sum(axis=0)
    tot_exports = np.where(foreign, (b1 - b0) * q1, 0.0).sum(axis=1)

    # Countries: markets by code, foreign origins by code, domestic origins by market.
    origin_country = [
        problem.market_codes[d] if d >= 0 else c
        for c, d in zip(problem.origin_codes, dom_idx, strict=True)
    ]
    names = list(dict.fromkeys([*problem.market_codes, *origin_country]))
    where = {c: i for i, c in enumerate(names)}
    to_m = np.zeros((n_v, len(names)))
    to_m[np.arange(n_v), [where[c] for c in problem.market_codes]] = 1.0
    to_o = np.zeros((problem.n_origins, len(names)))
    to_o[np.arange(problem.n_origins), [where[c] for c in origin_country]] = 1.0
    country_cs, country_ps = cs @ to_m, ps @ to_o
    country_rev, country_sub = revenue_change @ to_m, subsidy_cost @ to_m
    country_rent, country_tot = rent_change @ to_o, tot @ to_m
    country_tot_exports = tot_exports @ to_o
    net = country_cs + country_ps + country_rev - country_sub + country_rent

    def build_columns() -> tuple[Columns, Columns]:
        countries = {
            "country": names,
            "consumer_surplus_change": country_cs,
            "producer_surplus_change": country_ps,
            "revenue_change": country_rev,
            "subsidy_cost": country_sub,
            "rent_change": country_rent,
            "net_welfare_change": net,
            "terms_of_trade_effect": country_tot + country_tot_exports,
            "terms_of_trade_imports": country_tot,
            "terms_of_trade_exports": country_tot_exports,
        }

        routes = problem.routes if problem.routes is not None else q0 > 0
        r_idx, v_idx = np.nonzero(routes)
        pick = (r_idx, v_idx)
        subsidy_route0 = np.where(base.dom_route, subsidy0[:, None], 0.0)
        subsidy_route1 = np.where(base.dom_route, subsidy1[:, None], 0.0)
        rows = {
            "origin": np.asarray(problem.origin_codes, dtype=object)[r_idx],
            "market": np.asarray(problem.market_codes, dtype=object)[v_idx],
            "member_origin": problem.member_origin[r_idx],
            "member_market": problem.member_market[v_idx],
            "quantity_before": q0[pick],
            "quantity_after": q1[pick],
            "border_price_before": b0[pick],
            "border_price_after": b1[pick],
            "consumer_price_before": p0[pick],
            "consumer_price_after": p1[pick],
            "importer_revenue": revenue1[pick],
            "exporter_rent": rent1[pick],
            "quantity_change": (q1 - q0)[pick],
            "importer_revenue_before": revenue0[pick],
            "exporter_rent_before": rent0[pick],
            "subsidy": subsidy_route1[pick],
            "subsidy_before": subsidy_route0[pick],
        }
        return rows, countries

    mm, mo = problem.member_market[None, :], problem.member_origin[:, None]
    change = np.where(foreign, q1 - q0, 0.0)
    world_base = float(np.where(foreign, q0 * b0, 0.0).sum())
    summary: dict[str, Any] = {
        "method": method,
        "consumer_surplus_change": float(cs.sum()),
        "producer_surplus_change": float(ps.sum()),
        "revenue_change": float(revenue_change.sum()),
        "subsidy_cost": float(subsidy_cost.sum()),
        "rent_change": float(rent_change.sum()),
        "net_welfare_change": float(net.sum()),
        "imports_before": float(np.where(foreign, q0, 0.0).sum()),
        "imports_after": float(np.where(foreign, q1, 0.0).sum()),
        "trade_created": float(np.where(mm, change, 0.0).sum()),
        "trade_diverted_to_members": float(np.where(mm & mo, change, 0.0).sum()),
        "trade_diverted_to_rest_of_world": float(
            np.where(~mm & ~mo, change, 0.0).sum()
        ),
        "world_price_change": (
            float(np.where(foreign, q0 * b1, 0.0).sum()) / world_base - 1.0
            if world_base > 0
            else math.nan
        ),
        "iterations": iterations,
        "max_residual": residual,
    }
    return MarketSolution(
        method=method,
        problem=problem,
        price_change=price_ratio - 1.0,
        quantity_before=q0,
        quantity_after=q1,
        border_price_before=b0,
        border_price_after=b1,
        consumer_price_before=p0,
        consumer_price_after=p1,
        producer_price_before=producer_before,
        producer_price_after=producer_after,
        supply_before=base.x0,
        supply_after=supply_after,
        composite_price_change=composite - 1.0,
        consumer_surplus_change=cs,
        producer_surplus_change=ps,
        revenue_change=revenue_change,
        subsidy_cost=subsidy_cost,
        rent_change=rent_change,
        terms_of_trade_effect=tot,
        iterations=iterations,
        residual=residual,
        build_columns=build_columns,
        summary=summary,
    )

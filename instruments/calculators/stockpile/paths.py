"""Month after month: the stocks built, held and released through a disruption, with no
stocks, with each member releasing on its own, and with the members' stocks pooled.

Quantities here are per month (the month's annual rates ÷ 12); money is price ×
quantity in the request's units (the caller applies the money factor).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from instruments.calculators.arrays import BoolArray, FloatArray, IntArray
from instruments.calculators.stockpile.month import Month, MonthModel, Release

Mode = Literal["none", "separate", "coordinated"]
MONTHS_A_YEAR = 12.0
EMPTY = 1e-9  # a stock with this share of its initial size left is empty


@dataclass(frozen=True)
class Stocks:
    """The stockpiles, one per stocked market (K of them)."""

    market: IntArray  # (K,) market index
    initial: FloatArray  # (K,) quantity
    trigger: FloatArray  # (K,) price index ratio
    max_monthly_share: FloatArray  # (K,)
    holding_cost: FloatArray  # (K,) money per unit per year
    capital_rate: FloatArray  # (K,) a year

    @property
    def limit(self) -> FloatArray:
        """The most each may release in a month."""
        limit: FloatArray = self.max_monthly_share * self.initial
        return limit

    def resized(self, initial: FloatArray) -> Stocks:
        return Stocks(
            self.market,
            initial,
            self.trigger,
            self.max_monthly_share,
            self.holding_cost,
            self.capital_rate,
        )


@dataclass(frozen=True)
class Plan:
    """The horizon: which months are disrupted, and the build-up before it."""

    disrupted: BoolArray  # (M,)
    build_up: int = 0

    @property
    def months(self) -> int:
        return int(self.disrupted.size)


@dataclass(frozen=True)
class Path:
    """One path through the horizon (M months, V markets, K stocks)."""

    index: FloatArray  # (M, V)
    consumption: FloatArray  # (M, V) a month
    consumer_surplus: FloatArray  # (M, V) ΔCS a month
    release: FloatArray  # (M, V) a month, by market released into
    drawn: FloatArray  # (M, K) a month, from each stock
    stock_left: FloatArray  # (M, K) at the end of the month
    revenue: FloatArray  # (M, K) the stock's sales, a month
    rent: FloatArray  # (M,) the restricting origin's scarcity rent a month
    tax_equivalent: FloatArray  # (M,)
    build_index: FloatArray  # (B, V)
    build_surplus: FloatArray  # (B, V) ΔCS a month while stocks are bought
    build_cost: FloatArray  # (K,) what the stocks cost to buy


def run_path(model: MonthModel, plan: Plan, stocks: Stocks, mode: Mode) -> Path:
    """The horizon month by month under ``mode``."""
    n_v, n_k, n_m = model.problem.n_markets, stocks.initial.size, plan.months
    has_stock = mode != "none" and n_k > 0
    left = stocks.initial.copy() if has_stock else np.zeros(n_k)
    stocked = np.zeros(n_v, dtype=bool)
    stocked[stocks.market] = True
    base_price = np.nan_to_num(model.base_price)
    out = {
        name: np.zeros((n_m, n_v))
        for name in ("index", "consumption", "surplus", "release")
    }
    drawn, stock_left, revenue = (np.zeros((n_m, n_k)) for _ in range(3))
    rent, tax = np.zeros(n_m), np.zeros(n_m)
    no_purchase = np.zeros(n_v)
    for t in range(n_m):
        rule = None
        if has_stock and plan.disrupted[t]:
            rule = _rule(stocks, left, stocked, n_v, pooled=mode == "coordinated")
        month = model.month(
            disrupted=bool(plan.disrupted[t]), purchases=no_purchase, release=rule
        )
        released = month.release / MONTHS_A_YEAR
        if mode == "coordinated" and n_k:
            total = float(released.sum())
            weights = stocks.initial / max(float(stocks.initial.sum()), 1e-300)
            take = np.minimum(total * weights, left)
            value = float((released * month.index * base_price).sum())
            revenue[t] = value * weights
        else:
            take = np.minimum(released[stocks.market], left)
            revenue[t] = take * month.index[stocks.market] * base_price[stocks.market]
        left = np.maximum(left - take, 0.0)
        left = np.where(left <= EMPTY * stocks.initial, 0.0, left)
        drawn[t], stock_left[t] = take, left
        out["index"][t] = month.index
        out["consumption"][t] = month.consumption / MONTHS_A_YEAR
        out["surplus"][t] = month.consumer_surplus / MONTHS_A_YEAR
        out["release"][t] = released
        rent[t], tax[t] = month.rent / MONTHS_A_YEAR, month.tax_equivalent
    build_index, build_surplus, build_cost = _build_up(model, plan, stocks, has_stock)
    return Path(
        out["index"],
        out["consumption"],
        out["surplus"],
        out["release"],
        drawn,
        stock_left,
        revenue,
        rent,
        tax,
        build_index,
        build_surplus,
        build_cost,
    )


def _rule(
    stocks: Stocks, left: FloatArray, stocked: BoolArray, n_v: int, *, pooled: bool
) -> Release:
    """This month's release rule at annual rates, from what is left."""
    available_k = np.minimum(stocks.limit, left) * MONTHS_A_YEAR
    available = np.zeros(n_v)
    available[stocks.market] = available_k
    target = np.full(n_v, np.inf)
    target[stocks.market] = stocks.trigger
    if pooled:
        total = float(available_k.sum())
        return Release(
            pooled=True,
            stocked=stocked & (total > 0),
            target=target,
            available=available,
            total=float(np.round(total, 9)),
            floor=float(stocks.trigger.min()),
        )
    return Release(pooled=False, stocked=stocked, target=target, available=available)


def _build_up(
    model: MonthModel, plan: Plan, stocks: Stocks, has_stock: bool
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The build-up months' price indices and ΔCS (all alike: the stocks bought
    evenly), and each stock's purchase cost; without a build-up the stocks are
    bought at the base price."""
    n_v, n_b = model.problem.n_markets, plan.build_up
    base_price = np.nan_to_num(model.base_price)
    if not has_stock:
        return np.ones((n_b, n_v)), np.zeros((n_b, n_v)), np.zeros(stocks.initial.size)
    if n_b == 0:
        return (
            np.ones((0, n_v)),
            np.zeros((0, n_v)),
            stocks.initial * base_price[stocks.market],
        )
    purchases = np.zeros(n_v)
    np.add.at(purchases, stocks.market, stocks.initial / n_b * MONTHS_A_YEAR)
    month: Month = model.month(disrupted=False, purchases=purchases, release=None)
    index = np.tile(month.index, (n_b, 1))
    surplus = np.tile(month.consumer_surplus / MONTHS_A_YEAR, (n_b, 1))
    cost = stocks.initial * month.index[stocks.market] * base_price[stocks.market]
    return index, surplus, cost


def holding_costs(path: Path, stocks: Stocks, plan: Plan, money: float) -> FloatArray:
    """(K,) money for storage and capital over the build-up and the horizon: each
    month's stock at its end × (holding cost + capital rate × purchase price) ÷ 12
    (the holding cost is money per quantity unit already; the price is converted
    by ``money``, the quantity-to-price-unit factor)."""
    unit_price = np.where(
        stocks.initial > 0, path.build_cost / np.maximum(stocks.initial, 1e-300), 0.0
    )
    per_unit_month = (
        stocks.holding_cost + stocks.capital_rate * unit_price * money
    ) / 12.0
    n_b = plan.build_up
    building = stocks.initial[None, :] * (np.arange(1, n_b + 1)[:, None] / max(n_b, 1))
    held = building.sum(axis=0) + path.stock_left.sum(axis=0)
    costs: FloatArray = held * per_unit_month
    return costs

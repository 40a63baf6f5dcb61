"""The paths as tables: rows per month and market, the members' costs and benefits,
and the summary's totals (INSTRUMENTS.md §11's names first)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from instruments.calculators.arrays import FloatArray
from instruments.calculators.stockpile.month import MonthModel
from instruments.calculators.stockpile.paths import (
    Path,
    Plan,
    Stocks,
    holding_costs,
)

SHORT = 1e-6  # a month is short when consumption is this share below base, or more
DAYS_A_YEAR = 365.0


@dataclass(frozen=True)
class Totals:
    """Per stock (K,), money in money (the factor applied)."""

    consumer_loss_avoided: FloatArray
    building_cost: FloatArray
    holding_cost: FloatArray
    release_revenue: FloatArray
    residual_value: FloatArray
    build_up_consumer_loss: FloatArray
    peak_with: FloatArray
    peak_without: FloatArray
    shortfall_with: FloatArray
    shortfall_without: FloatArray

    @property
    def net_benefit(self) -> FloatArray:
        net: FloatArray = (
            self.consumer_loss_avoided
            - self.build_up_consumer_loss
            + self.release_revenue
            + self.residual_value
            - self.building_cost
            - self.holding_cost
        )
        return net

    def ratio(self) -> float:
        cost = float(self.building_cost.sum() + self.holding_cost.sum())
        gain = float(
            self.consumer_loss_avoided.sum()
            - self.build_up_consumer_loss.sum()
            + self.release_revenue.sum()
            + self.residual_value.sum()
        )
        return gain / cost if cost > 0 else math.nan


def shortfall(model: MonthModel, path: Path) -> FloatArray:
    """(M, V) base consumption less consumption, a month, never below 0."""
    base = model.base_quantity / 12.0
    short: FloatArray = np.maximum(base[None, :] - path.consumption, 0.0)
    return short


def totals(
    model: MonthModel,
    plan: Plan,
    stocks: Stocks,
    path: Path,
    without: Path,
    money: float,
) -> Totals:
    """Each stock's costs and benefits on ``path`` against ``without``."""
    v = stocks.market
    base_price = np.nan_to_num(model.base_price)[v]
    gain = (path.consumer_surplus - without.consumer_surplus)[:, v].sum(axis=0)
    short_with, short_without = shortfall(model, path), shortfall(model, without)
    return Totals(
        consumer_loss_avoided=gain * money,
        building_cost=path.build_cost * money,
        holding_cost=holding_costs(path, stocks, plan, money),
        release_revenue=path.revenue.sum(axis=0) * money,
        residual_value=(path.stock_left[-1] if path.stock_left.size else stocks.initial)
        * base_price
        * money,
        build_up_consumer_loss=-path.build_surplus[:, v].sum(axis=0) * money,
        peak_with=path.index[:, v].max(axis=0, initial=1.0) - 1.0,
        peak_without=without.index[:, v].max(axis=0, initial=1.0) - 1.0,
        shortfall_with=short_with[:, v].sum(axis=0),
        shortfall_without=short_without[:, v].sum(axis=0),
    )


def month_rows(
    model: MonthModel, plan: Plan, stocks: Stocks, path: Path, without: Path
) -> pd.DataFrame:
    """One row per month and market, the build-up's months first (numbered up to
    0), then the horizon's from 1."""
    problem = model.problem
    codes = list(problem.market_codes)
    n_v, n_m, n_b = len(codes), plan.months, plan.build_up
    price0 = model.base_price
    base_month = model.base_quantity / 12.0
    stocked = np.zeros(n_v, dtype=bool)
    stocked[stocks.market] = True
    left = np.zeros((n_m, n_v))
    if stocks.initial.size:
        np.add.at(left.T, stocks.market, path.stock_left.T)
    bought = np.zeros((n_b, n_v))
    if n_b and stocks.initial.size:
        share = np.arange(1, n_b + 1)[:, None] / n_b
        np.add.at(bought.T, stocks.market, (share * stocks.initial[None, :]).T)
    purchase = np.zeros(n_v)
    if n_b and stocks.initial.size:
        np.add.at(purchase, stocks.market, stocks.initial / n_b)
    build_consumption = (
        base_month[None, :]
        * path.build_index ** problem.import_demand_elasticity[None, :]
    )
    index_with = np.vstack([path.build_index, path.index])
    index_without = np.vstack([np.ones((n_b, n_v)), without.index])
    cons_with = np.vstack([build_consumption, path.consumption])
    cons_without = np.vstack([np.tile(base_month, (n_b, 1)), without.consumption])
    months = np.arange(-n_b + 1, n_m + 1)
    frame = pd.DataFrame(
        {
            "month": np.repeat(months, n_v),
            "market": codes * (n_b + n_m),
            "price_without": (index_without * price0).ravel(),
            "price_with": (index_with * price0).ravel(),
            "consumption_without": cons_without.ravel(),
            "consumption_with": cons_with.ravel(),
            "shortfall_without": np.maximum(base_month - cons_without, 0.0).ravel(),
            "shortfall_with": np.maximum(base_month - cons_with, 0.0).ravel(),
            "release": np.vstack([np.zeros((n_b, n_v)), path.release]).ravel(),
            "stock_left": np.vstack([bought, left]).ravel(),
            "phase": np.repeat(np.where(months <= 0, "build-up", "horizon"), n_v),
            "disrupted": np.repeat(
                np.concatenate([np.zeros(n_b, dtype=bool), plan.disrupted]), n_v
            ),
            "member": np.tile(stocked, n_b + n_m),
            "price_change_without": (index_without - 1.0).ravel(),
            "price_change_with": (index_with - 1.0).ravel(),
            "purchase": np.vstack(
                [np.tile(purchase, (n_b, 1)), np.zeros((n_m, n_v))]
            ).ravel(),
        }
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        base_rows = np.tile(base_month, n_b + n_m)
        frame["shortfall_share_without"] = np.where(
            base_rows > 0, frame["shortfall_without"] / base_rows, 0.0
        )
        frame["shortfall_share_with"] = np.where(
            base_rows > 0, frame["shortfall_with"] / base_rows, 0.0
        )
    return frame


def members_table(
    model: MonthModel,
    stocks: Stocks,
    chosen: Totals,
    separate: Totals,
    coordinated: Totals,
    consumption: FloatArray,
    net_imports: FloatArray,
) -> pd.DataFrame:
    """One row per stocked market (the §11 names first)."""
    v = stocks.market
    with np.errstate(invalid="ignore", divide="ignore"):
        days_cons = np.where(
            consumption[v] > 0, stocks.initial / consumption[v] * DAYS_A_YEAR, np.nan
        )
        days_net = np.where(
            net_imports[v] > 0, stocks.initial / net_imports[v] * DAYS_A_YEAR, np.nan
        )
    return pd.DataFrame(
        {
            "market": [model.problem.market_codes[i] for i in v],
            "stock_initial": stocks.initial,
            "days_of_consumption": days_cons,
            "days_of_net_imports": days_net,
            "building_cost": chosen.building_cost,
            "holding_cost": chosen.holding_cost,
            "consumer_loss_avoided": chosen.consumer_loss_avoided,
            "net_benefit": chosen.net_benefit,
            "peak_price_change_without": chosen.peak_without,
            "peak_price_change_with": chosen.peak_with,
            "shortfall_without": chosen.shortfall_without,
            "shortfall_with": chosen.shortfall_with,
            "release_revenue": chosen.release_revenue,
            "residual_value": chosen.residual_value,
            "build_up_consumer_loss": chosen.build_up_consumer_loss,
            "consumer_loss_avoided_separate": separate.consumer_loss_avoided,
            "consumer_loss_avoided_coordinated": coordinated.consumer_loss_avoided,
            "coordination_gain": coordinated.consumer_loss_avoided
            - separate.consumer_loss_avoided,
        }
    )

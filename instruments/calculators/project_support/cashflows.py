"""A project's yearly cash flows after tax on many price paths at once (§12).

Timing: construction years ``1..C`` pay capex at each year's end; operating years
``C+1..C+L`` earn at each year's end; everything is discounted to the start of year 1,
``df_t = (1 + r)^(−t)``. Per operating year ``j`` (arrays of shape (paths, L)), with the
benchmark price ``P``, volume ``v_j = capacity × ramp_j`` and ``m`` the money factor of
the units (a price in USD/kg on tonnes: 1,000):

- revenue ``R = s·P·v·m`` (``s`` the realised share), plus any taxable support ``S``;
- operating cost ``O = c·v·m + F``;
- depreciation ``D = capex / L`` (straight line over the life, on the gross capex: a
  grant neither reduces it nor is taxed);
- tax ``τ·(R + S − O − D)``, negative when that is a loss: a loss is a credit used
  against the sponsor's other income (no carry-forward), which keeps the cash flow
  linear in price and the closed forms of §12 exact;
- cash flow after tax ``CF = (1 − τ)(R + S − O) + τ·D``.

NPV and IRR are the project's, before financing. Debt is ``share × capex × (1 − g)``
(``g`` a capex grant), drawn at the end of construction and repaid as a flat annuity
``A = B·i / (1 − (1 + i)^(−n))`` (``B/n`` when ``i = 0``) over ``n`` years from the first
operating year; ``DSCR_j = CF_j / A`` for ``j = 1..n`` and each path's minimum DSCR is
the lowest of those.

IRR: the rate where the path's NPV is 0, by bisection on every path at once between
−99 % and 1,000 % a year; a path whose NPV is negative even at −99 % has IRR −∞, one
still positive at 1,000 % +∞ (so percentiles over paths stay defined).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from instruments.calculators.base import FloatArray

IRR_LOW = -0.99
IRR_HIGH = 10.0
BISECTIONS = 64


@dataclass(frozen=True)
class Plan:
    """Everything about the project that is the same on every price path."""

    construction: int
    life: int
    labels: tuple[str, ...]
    capex: FloatArray
    """Capex by construction year, shape (C,)."""
    volume: FloatArray
    """Units produced by operating year, shape (L,)."""
    money: float
    realised_share: float
    unit_opex: float
    fixed_opex: float
    tax_rate: float
    discount_rate: float
    public_discount_rate: float
    debt_share: float
    debt_rate: float
    debt_tenor: int
    cut: FloatArray
    """Price multiplier of the dominant supplier's price war by operating year."""

    @property
    def years(self) -> int:
        return self.construction + self.life

    @property
    def depreciation(self) -> float:
        return float(self.capex.sum()) / self.life

    def discount(self, rate: float) -> FloatArray:
        """``(1 + rate)^(−t)`` for t = 1..C+L (end of each year)."""
        return np.power(1.0 + rate, -np.arange(1, self.years + 1, dtype=np.float64))

    @property
    def project_discount(self) -> FloatArray:
        return self.discount(self.discount_rate)

    @property
    def public_discount(self) -> FloatArray:
        return self.discount(self.public_discount_rate)

    @property
    def has_debt(self) -> bool:
        return self.debt_share > 0

    def debt_amount(self, grant: float | FloatArray = 0.0) -> float | FloatArray:
        """Debt drawn at the end of construction."""
        return self.debt_share * float(self.capex.sum()) * (1.0 - np.asarray(grant))


def npv_tolerance(plan: Plan) -> float:
    """An NPV this close to 0 is 0 (rounding in sums of discounted flows)."""
    return 1e-9 * max(float(plan.capex.sum()), 1.0)


def npv_positive(plan: Plan, values: FloatArray) -> FloatArray:
    """Whether each path's NPV is ≥ 0 (within ``npv_tolerance``)."""
    return np.asarray(values >= -npv_tolerance(plan))


def annuity(
    principal: float | FloatArray, rate: float | FloatArray, years: int
) -> FloatArray:
    """The flat yearly payment repaying ``principal`` over ``years`` at ``rate``."""
    principal = np.asarray(principal, dtype=np.float64)
    rate = np.asarray(rate, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(
            np.abs(rate) < 1e-12,
            1.0 / years,
            rate / -np.expm1(-years * np.log1p(rate)),
        )
    return np.asarray(principal * factor, dtype=np.float64)


@dataclass(frozen=True)
class Flows:
    """A project's cash flows on every path (with any support)."""

    revenue: FloatArray
    """(paths, L): the market revenue plus any taxable support."""
    operating_cost: FloatArray
    """(L,)."""
    tax: FloatArray
    """(paths, L)."""
    operating_cash_flow: FloatArray
    """(paths, L): after tax."""
    capex: FloatArray
    """(paths or 1, C): net of any grant."""

    def cash_flows(self) -> FloatArray:
        """(paths, C+L): −capex then the operating cash flows."""
        n = self.operating_cash_flow.shape[0]
        capex = np.broadcast_to(self.capex, (n, self.capex.shape[-1]))
        return np.concatenate([-capex, self.operating_cash_flow], axis=1)


def flows(
    plan: Plan,
    prices: FloatArray,
    support: FloatArray | None = None,
    revenue_price: FloatArray | None = None,
    grant: float | FloatArray = 0.0,
) -> Flows:
    """Cash flows on benchmark ``prices`` (paths, L).

    ``support``: taxable support per unit of volume (paths, L), e.g. ``max(K − P, 0)``;
    ``revenue_price``: the price the project realises per unit when a contract replaces
    ``s·P`` (default ``s·P``); ``grant``: the share of capex a grant pays (scalar or
    one per path), untaxed.
    """
    per_unit = plan.realised_share * prices if revenue_price is None else revenue_price
    if support is not None:
        per_unit = per_unit + support
    revenue = per_unit * (plan.volume * plan.money)
    operating_cost = plan.unit_opex * plan.volume * plan.money + plan.fixed_opex
    taxable = revenue - operating_cost - plan.depreciation
    tax = plan.tax_rate * taxable
    cash = revenue - operating_cost - tax
    g = np.reshape(np.asarray(grant, dtype=np.float64), (-1, 1))
    return Flows(
        revenue=revenue,
        operating_cost=operating_cost,
        tax=tax,
        operating_cash_flow=cash,
        capex=plan.capex * (1.0 - g),
    )


def npv(plan: Plan, result: Flows, rate: float | None = None) -> FloatArray:
    """Each path's NPV at ``rate`` (default the sponsor's), to the start of year 1."""
    df = plan.project_discount if rate is None else plan.discount(rate)
    c = plan.construction
    capex_pv = result.capex @ df[:c]
    return np.asarray(result.operating_cash_flow @ df[c:] - capex_pv, dtype=np.float64)


def debt_service(
    plan: Plan, grant: float | FloatArray = 0.0, rate: float | FloatArray | None = None
) -> FloatArray:
    """The yearly annuity (per path when ``grant`` or ``rate`` is an array)."""
    return annuity(
        plan.debt_amount(grant),
        plan.debt_rate if rate is None else rate,
        plan.debt_tenor,
    )


def min_dscr(
    plan: Plan,
    result: Flows,
    grant: float | FloatArray = 0.0,
    rate: float | FloatArray | None = None,
) -> FloatArray:
    """Each path's lowest DSCR over the debt's tenor (NaN without debt)."""
    n = result.operating_cash_flow.shape[0]
    if not plan.has_debt:
        return np.full(n, math.nan)
    service = np.reshape(debt_service(plan, grant, rate), (-1, 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        # a grant of all capex leaves no debt: nothing to cover
        cover = np.where(
            service > 0,
            result.operating_cash_flow[:, : plan.debt_tenor] / service,
            np.inf,
        )
    return np.asarray(cover.min(axis=1), dtype=np.float64)


def irr(plan: Plan, result: Flows) -> FloatArray:
    """Each path's IRR by bisection (see module doc for paths without a root)."""
    cash = result.cash_flows()
    t = np.arange(1, plan.years + 1, dtype=np.float64)

    def value(rate: FloatArray) -> FloatArray:
        return np.asarray(
            (cash * np.power(1.0 + rate[:, None], -t)).sum(axis=1), dtype=np.float64
        )

    n = cash.shape[0]
    low = np.full(n, IRR_LOW)
    high = np.full(n, IRR_HIGH)
    at_low = value(low)
    at_high = value(high)
    for _ in range(BISECTIONS):
        middle = 0.5 * (low + high)
        above = value(middle) > 0  # NPV falls with the rate for a project's flows
        low = np.where(above, middle, low)
        high = np.where(above, high, middle)
    rates = 0.5 * (low + high)
    rates = np.where(at_low < 0, -np.inf, rates)
    rates = np.where(at_high > 0, np.inf, rates)
    return np.asarray(rates, dtype=np.float64)


def percentile(values: FloatArray, q: float) -> float:
    """A percentile over paths (linear interpolation); NaN when undefined."""
    kept = values[~np.isnan(values)]
    if kept.size == 0:
        return math.nan
    with np.errstate(invalid="ignore"):
        result = float(np.quantile(kept, q))
    return result if math.isfinite(result) else math.nan


def reached_by(values: FloatArray, share: float) -> float:
    """The highest value that at least ``share`` of the paths reach or exceed: the
    ``(n − m + 1)``-th smallest with ``m = ⌈share·n⌉`` (the P10 of the minimum DSCR is
    ``reached_by(dscr, 0.9)``, so that "P10 ≥ 1.3" means "9 paths in 10 at 1.3 or
    above" exactly, whatever the number of paths). NaN when undefined."""
    if values.size == 0 or bool(np.isnan(values).any()):
        return math.nan
    n = values.size
    m = min(max(math.ceil(share * n - 1e-9), 1), n)
    result = float(np.partition(values, n - m)[n - m])
    return result if math.isfinite(result) else math.nan

"""Solving a problem: ``solve`` (exact or GSIM, with welfare and tables), ``clear`` (the
exact clearing alone) and ``solve_single_market`` (one importing market)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from instruments.calculators.arrays import FloatArray
from instruments.calculators.errors import InputError
from instruments.calculators.market.accounts import MarketSolution, assemble
from instruments.calculators.market.exact import (
    Prepared,
    State,
    prepare,
    solve_exact,
    state_at,
)
from instruments.calculators.market.gsim import solve_linear
from instruments.calculators.market.problem import Method, Problem, Regime
from instruments.calculators.translation import gettext


def solve(
    problem: Problem,
    method: Method = "exact",
    *,
    tolerance: float = 1e-9,
    max_iterations: int = 100,
) -> MarketSolution:
    """Solve the market after the change; ``method`` "exact" (levels) or "gsim"."""
    base = prepare(problem)
    unknown = np.isfinite(base.eps) & (base.x0 > 0)
    # The base: before any demand shift (a stock's purchases or release).
    before = state_at(
        dataclasses.replace(base, shift=None),
        problem.before,
        np.zeros(problem.n_origins),
    )
    if method == "exact":
        z, iterations, residual, after = _clear(
            base, problem.after, tolerance, max_iterations
        )
        quantity_after, border_after, consumer_after = (
            after.quantity,
            after.border,
            after.consumer,
        )
        producer_ratio = after.producer_ratio
        supply_after = after.supply
        log_p = after.log_composite
        eps = base.eps
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            ps = np.where(
                np.isfinite(eps),
                base.revenue0
                * (producer_ratio ** (1.0 + np.where(np.isfinite(eps), eps, 0.0)) - 1.0)
                / (1.0 + np.where(np.isfinite(eps), eps, 0.0)),
                0.0,
            )
        composite = np.exp(log_p)
        one_plus = 1.0 + base.eta
        unit = np.abs(one_plus) < 1e-12
        cs = np.where(
            unit,
            -base.e0 * log_p,
            -base.e0 * np.expm1(one_plus * log_p) / np.where(unit, 1.0, one_plus),
        )
        price_ratio = np.exp(z)
    elif method == "gsim":
        if not (problem.after.is_linear and problem.before.is_linear):
            raise InputError.at(
                ("method",),
                gettext(
                    "GSIM's linear equations take ad valorem and specific duties only; "
                    "use the exact method for floors, undertakings and subsidies."
                ),
            )
        (
            price_ratio,
            quantity_after,
            consumer_after,
            composite_hat,
        ) = solve_linear(base, problem.before, problem.after, unknown)
        iterations, residual = 1, 0.0
        border_after = base.pi0 * price_ratio[:, None]
        producer_ratio = price_ratio
        pi_hat = price_ratio - 1.0
        finite = np.isfinite(base.eps)
        eps0 = np.where(finite, base.eps, 0.0)
        supply_after = np.where(
            finite, base.x0 * (1.0 + eps0 * pi_hat), quantity_after.sum(axis=1)
        )
        ps = np.where(finite, base.revenue0 * (pi_hat + 0.5 * eps0 * pi_hat**2), 0.0)
        cs = -base.e0 * (composite_hat + 0.5 * base.eta * composite_hat**2)
        composite = 1.0 + composite_hat
    else:
        raise InputError.at(
            ("method",),
            gettext("{method!r} is not one of: exact, gsim.").format(method=method),
        )
    return assemble(
        problem,
        base,
        method,
        before,
        price_ratio,
        quantity_after,
        border_after,
        consumer_after,
        producer_ratio,
        supply_after,
        composite,
        cs,
        ps,
        iterations,
        residual,
    )


@dataclass(frozen=True)
class Cleared:
    """Quantities and prices after the change (origins × markets), without the
    welfare accounts, for a caller that needs no more (the price floor's response)."""

    quantity: FloatArray
    border_price: FloatArray
    consumer_price: FloatArray
    iterations: int
    residual: float


def clear(
    problem: Problem, *, tolerance: float = 1e-9, max_iterations: int = 100
) -> Cleared:
    """The exact market clearing of ``solve``, without its welfare and tables."""
    base = prepare(problem)
    _, iterations, residual, after = _clear(
        base, problem.after, tolerance, max_iterations
    )
    return Cleared(after.quantity, after.border, after.consumer, iterations, residual)


def _clear(
    base: Prepared, regime: Regime, tolerance: float, max_iterations: int
) -> tuple[FloatArray, int, float, State]:
    """Log price ratios ``z``, iterations, residual and the state at the answer."""
    unknown = np.isfinite(base.eps) & (base.x0 > 0)
    # Trial points far from the answer may overflow; the answer is checked.
    with np.errstate(all="ignore"):
        z, iterations, residual = solve_exact(
            base, regime, unknown, tolerance, max_iterations
        )
    return z, iterations, residual, state_at(base, regime, z)


# --- one importing market ------------------------------------------------------------


def solve_single_market(
    quantities: npt.ArrayLike,
    prices: npt.ArrayLike,
    member: npt.ArrayLike,
    *,
    import_demand_elasticity: float,
    substitution_elasticity: float,
    supply_elasticity: float | npt.ArrayLike | None = None,
    tariff_before: npt.ArrayLike = 0.0,
    tariff_after: npt.ArrayLike = 0.0,
    floor_before: npt.ArrayLike = 0.0,
    floor_after: npt.ArrayLike = 0.0,
    floor_cap_ad_valorem: float | npt.ArrayLike | None = None,
    floor_cap_specific: float | npt.ArrayLike | None = None,
    rest_of_world_share: float | npt.ArrayLike | None = None,
    origins: Sequence[str] | None = None,
    market: str = "IMPORTER",
    method: Method = "exact",
    tolerance: float = 1e-9,
    max_iterations: int = 100,
) -> MarketSolution:
    """One importing market with one origin per flow (the price-floor and
    trade-response calculators' case).

    ``quantities``, ``prices``, ``member``, tariffs, floors and the floors' levy caps
    (None: no cap; the same caps before and after) are per flow;
    ``supply_elasticity`` None or ``inf`` is a price taker. With
    ``rest_of_world_share`` s (per flow or one number, 0 ≤ s < 1) each origin also
    sells ``q·s/(1 − s)`` to a market ``ROW`` with the same elasticities and no
    measures, so finite-ε supply can go there; without it origins supply only this
    market.
    """
    q = np.atleast_1d(np.asarray(quantities, dtype=np.float64))
    n = q.size
    price = np.broadcast_to(np.asarray(prices, dtype=np.float64), (n,)).copy()
    eps_in = np.inf if supply_elasticity is None else supply_elasticity
    eps = np.broadcast_to(np.asarray(eps_in, dtype=np.float64), (n,)).copy()
    codes = (
        tuple(origins) if origins is not None else tuple(f"flow {i}" for i in range(n))
    )
    if len(codes) != n:
        raise InputError.at(("origins",), gettext("Give {n} origin codes.").format(n=n))
    market_codes: tuple[str, ...] = (market,)
    matrix = q[:, None]
    member_market = np.array([True])

    def route(x: npt.ArrayLike) -> FloatArray:
        return np.broadcast_to(np.asarray(x, dtype=np.float64), (n,))[:, None]

    cols = [
        route(tariff_before),
        route(tariff_after),
        route(floor_before),
        route(floor_after),
        route(np.inf if floor_cap_ad_valorem is None else floor_cap_ad_valorem),
        route(np.inf if floor_cap_specific is None else floor_cap_specific),
    ]
    if rest_of_world_share is not None:
        share = np.broadcast_to(np.asarray(rest_of_world_share, dtype=np.float64), (n,))
        if not ((share >= 0) & (share < 1)).all():
            raise InputError.at(("rest_of_world_share",), gettext("Must be in [0, 1)."))
        matrix = np.column_stack([q, q * share / (1.0 - share)])
        market_codes = (market, "ROW")
        member_market = np.array([True, False])
        cols = [
            np.column_stack([c, np.full(n, np.inf if i >= 4 else 0.0)])
            for i, c in enumerate(cols)
        ]
    n_v = len(market_codes)
    capped = floor_cap_ad_valorem is not None or floor_cap_specific is not None
    caps: dict[str, Any] = (
        {"floor_cap_ad_valorem": cols[4], "floor_cap_specific": cols[5]}
        if capped
        else {}
    )
    problem = Problem(
        market_codes=market_codes,
        import_demand_elasticity=np.full(n_v, float(import_demand_elasticity)),
        substitution_elasticity=np.full(n_v, float(substitution_elasticity)),
        member_market=member_market,
        origin_codes=codes,
        price=price,
        supply_elasticity=np.where(eps >= 99.0, np.inf, eps),  # ≥ 99: WITS's infinite
        member_origin=np.broadcast_to(np.asarray(member, dtype=bool), (n,)).copy(),
        domestic_market=np.full(n, -1, dtype=np.int64),
        quantity=matrix,
        before=Regime.of(n, n_v, ad_valorem=cols[0], floor=cols[2], **caps),
        after=Regime.of(n, n_v, ad_valorem=cols[1], floor=cols[3], **caps),
    )
    return solve(problem, method, tolerance=tolerance, max_iterations=max_iterations)

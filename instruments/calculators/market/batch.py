"""Many equilibria of one market at once: the same routes, prices and measures, with
elasticities that differ from draw to draw (the uncertainty of INSTRUMENTS.md §10).

Every array gains a leading axis of draws ``D``: the base (quantities, prices, shares,
spending) is shared, η and σ are (D, V) and ε (D, R). One damped Newton iteration
clears every draw together (batched linear solves, a per-draw backtracking step); a
draw it does not clear is returned unconverged, for the one-at-a-time solver. Only
problems without a market's own producers (no domestic origins, no price-gap
subsidy, no demand shift) take this path; the stored baseline's never have them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from instruments.calculators.arrays import BoolArray, FloatArray
from instruments.calculators.market.exact import (
    LOG_BOUND,
    SIGMA_ONE,
    Prepared,
    prices_at,
)
from instruments.calculators.market.problem import Problem


def batchable(problem: Problem) -> bool:
    """No domestic origin and no price-gap subsidy: the batched equations hold."""
    return bool(
        (np.asarray(problem.domestic_market) < 0).all()
        and not problem.after.strike.any()
        and not problem.before.strike.any()
        and (problem.demand_shift is None or not np.asarray(problem.demand_shift).any())
    )


@dataclass(frozen=True)
class BatchState:
    """Route arrays (D, R, V), market arrays (D, V), origin arrays (D, R)."""

    border: FloatArray
    consumer: FloatArray
    quantity: FloatArray
    log_composite: FloatArray
    supply: FloatArray
    residual: FloatArray  # (D, R) excess demand ÷ base supply
    price_ratio: FloatArray  # (D, R) π̂


def _state(
    base: Prepared,
    problem: Problem,
    z: FloatArray,
    eta: FloatArray,
    sigma: FloatArray,
    eps: FloatArray,
) -> tuple[BatchState, FloatArray, FloatArray]:
    """The state at ``z`` (D, R), with θ and ∂ln p/∂ln π̂ for the Jacobian."""
    border, consumer, d = prices_at(base, problem.after, z)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_ratio = np.where(base.q0 > 0, np.log(consumer / base.p0), 0.0)
    one_minus = 1.0 - sigma  # (D, V)
    geometric = np.abs(one_minus) < SIGMA_ONE
    safe = np.where(geometric, 1.0, one_minus)
    a = safe[:, None, :] * log_ratio  # (D, R, V)
    weighted = np.where(base.w > 0, a, -np.inf)
    top = np.max(weighted, axis=1)
    top = np.where(np.isfinite(top), top, 0.0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        log_s = np.log((base.w * np.exp(a - top[:, None, :])).sum(axis=1)) + top
    trade = base.e0 > 0
    log_s = np.where(trade, log_s, 0.0)
    geo = (base.w * log_ratio).sum(axis=1)
    log_p = np.where(trade, np.where(geometric, geo, log_s / safe), 0.0)
    with np.errstate(over="ignore", invalid="ignore"):
        theta = np.where(
            geometric[:, None, :], base.w, base.w * np.exp(a - log_s[:, None, :])
        )
        exponent = (
            -sigma[:, None, :] * log_ratio
            + (sigma + eta)[:, None, :] * (log_p[:, None, :])
        )
        quantity = np.where(base.q0 > 0, base.q0 * np.exp(exponent), 0.0)
        finite = np.isfinite(eps)
        supply = np.where(
            finite,
            base.x0 * np.exp(z * np.where(finite, eps, 0.0)),
            quantity.sum(axis=2),
        )
        x0 = np.where(base.x0 > 0, base.x0, 1.0)
        residual = (quantity.sum(axis=2) - supply) / x0
    state = BatchState(border, consumer, quantity, log_p, supply, residual, np.exp(z))
    return state, theta, d


def _jacobian(
    base: Prepared,
    state: BatchState,
    theta: FloatArray,
    d: FloatArray,
    eta: FloatArray,
    sigma: FloatArray,
    eps: FloatArray,
) -> FloatArray:
    """∂ residual / ∂ ln π̂, (D, R, R): the one-at-a-time solver's, per draw."""
    q = state.quantity
    td = theta * d
    cross = np.einsum("drv,dsv->drs", q * (sigma + eta)[:, None, :], td)
    own = (q * sigma[:, None, :] * d).sum(axis=2)
    diag = own + np.where(np.isfinite(eps), eps, 0.0) * state.supply
    jac = cross - diag[:, :, None] * np.eye(q.shape[1])[None, :, :]
    x0 = np.where(base.x0 > 0, base.x0, 1.0)
    scaled: FloatArray = jac / x0[None, :, None]
    return scaled


def clear_draws(
    base: Prepared,
    problem: Problem,
    eta: FloatArray,
    sigma: FloatArray,
    eps: FloatArray,
    *,
    tolerance: float = 1e-9,
    max_iterations: int = 100,
) -> tuple[BatchState, BoolArray]:
    """Clear every draw's market; (the states, which draws converged)."""
    n_draws, n_r = eps.shape
    unknown = np.isfinite(eps) & (base.x0 > 0)[None, :]
    z = np.zeros((n_draws, n_r))
    state, theta, d = _state(base, problem, z, eta, sigma, eps)
    norm = np.max(np.abs(np.where(unknown, state.residual, 0.0)), axis=1, initial=0.0)
    eye = np.eye(n_r)[None, :, :]
    for _ in range(max_iterations):
        active = norm > 1e-3 * tolerance
        if not active.any():
            break
        jac = _jacobian(base, state, theta, d, eta, sigma, eps)
        # Known prices (price takers) stay put: an identity row, no residual.
        jac = np.where(unknown[:, :, None] & unknown[:, None, :], jac, 0.0)
        jac = np.where(unknown[:, :, None], jac, eye)
        rhs = np.where(unknown, -state.residual, 0.0)
        with np.errstate(all="ignore"):
            try:
                step = np.linalg.solve(jac, rhs[:, :, None])[:, :, 0]
            except np.linalg.LinAlgError:
                break  # a singular draw: the one-at-a-time solver takes over
        step = np.where(np.isfinite(step) & active[:, None], step, 0.0)
        biggest = np.max(np.abs(step), axis=1, initial=0.0)
        step *= np.where(biggest > 2.0, 2.0 / np.maximum(biggest, 1e-300), 1.0)[:, None]
        lam = np.ones(n_draws)
        accepted = ~active
        for _ in range(20):
            trial = np.clip(z + lam[:, None] * step, -LOG_BOUND, LOG_BOUND)
            t_state = _state(base, problem, trial, eta, sigma, eps)[0]
            t_norm = np.max(
                np.abs(np.where(unknown, t_state.residual, 0.0)), axis=1, initial=0.0
            )
            better = (
                ~accepted & np.isfinite(t_norm) & (t_norm < (1 - 1e-4 * lam) * norm)
            )
            z = np.where(better[:, None], trial, z)
            norm = np.where(better, t_norm, norm)
            accepted |= better
            if accepted.all():
                break
            lam = np.where(accepted, lam, lam * 0.5)
        if not (accepted & active).any():
            break
        state, theta, d = _state(base, problem, z, eta, sigma, eps)
    return state, norm <= tolerance

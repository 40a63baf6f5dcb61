"""The exact solver: prices and demand at given border prices, and the Newton iteration
(with sweeps, a line search and a fallback) that clears every market."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize

from instruments.calculators.arrays import BoolArray, FloatArray
from instruments.calculators.market.problem import (
    EquilibriumError,
    Problem,
    Regime,
    home_routes,
)
from instruments.calculators.translation import gettext

SIGMA_ONE = 1e-9  # |1 − σ| below this: the geometric-mean limit
LOG_BOUND = 60.0  # |ln π̂| beyond this (a factor 1e26) is no equilibrium worth reporting


# --- prices and demand ---------------------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    """Arrays fixed through a solve."""

    q0: FloatArray
    pi0: FloatArray  # (R, V) route base prices
    eta: FloatArray
    sigma: FloatArray
    eps: FloatArray
    domestic: BoolArray  # (R,)
    dom_route: BoolArray  # (R, V): the domestic origin's own route
    p0: FloatArray
    w: FloatArray
    e0: FloatArray
    x0: FloatArray
    own_price0: FloatArray  # (R,) base price of a domestic origin on its route
    producer0: FloatArray  # (R,) base producer price (domestic: max(π0, K0))
    revenue0: FloatArray  # (R,) base producer revenue
    # (R, V): routes with no border: a domestic origin's, and an economy's sales at
    # home (origin and market of one code, as the stored baseline builds them)
    no_border: BoolArray
    # (V,) extra demand for each market's composite, a share of its base quantity
    # (``Problem.demand_shift``); None: none
    shift: FloatArray | None = None


@dataclass(frozen=True)
class State:
    border: FloatArray
    consumer: FloatArray
    quantity: FloatArray
    log_composite: FloatArray
    theta: FloatArray
    dlogp: FloatArray  # ∂ ln p / ∂ ln π̂[r], per route
    producer_ratio: FloatArray  # p̂_producer per origin
    dlog_producer: FloatArray  # ∂ ln p_producer / ∂ ln π̂
    supply: FloatArray
    demand_slope: FloatArray | None = None  # (V,) ∂ ln q / ∂ ln P̂ + σ, with a shift


def prices_at(
    base: Prepared, regime: Regime, z: FloatArray, *, surrogate: bool = False
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Border price, consumer price and ∂ln p/∂ln π̂ at ``π = π0·e^z``.

    With ``surrogate`` the derivative ignores binding floors and undertakings (the
    slope of the duty-paid price underneath): a Newton direction out of a flat region.
    ``z`` is (R,) or, for many draws at once, (D, R).
    """
    pi = base.pi0 * np.exp(z)[..., None]
    border = np.maximum(pi, regime.undertaking)
    pre = border * (1.0 + regime.ad_valorem) + regime.specific
    consumer = np.maximum(pre, regime.floor)
    caps = regime.caps
    with np.errstate(invalid="ignore", divide="ignore"):
        if surrogate:
            duty_paid = pi * (1.0 + regime.ad_valorem)
            d = duty_paid / (duty_paid + regime.specific)
        elif caps is None:
            d = np.where(
                (pre >= regime.floor) & (pi >= regime.undertaking),
                border * (1.0 + regime.ad_valorem) / pre,
                0.0,
            )
        if caps is not None:
            # A capped levy: min(gap, c·b, C); the price's slope follows whichever
            # binds (the floor: flat; the ad valorem cap: (1 + t + c)·b; the specific
            # cap or no levy: (1 + t)·b), all times the undertaking's kink.
            cap_av, cap_s = caps
            gap = np.maximum(regime.floor - pre, 0.0)
            by_share = cap_av * border
            levy = np.minimum(np.minimum(gap, by_share), cap_s)
            consumer = pre + levy
            if not surrogate:
                slope = np.where(
                    levy <= 0.0,
                    1.0 + regime.ad_valorem,
                    np.where(
                        levy >= gap,
                        0.0,
                        np.where(
                            by_share <= cap_s,
                            1.0 + regime.ad_valorem + cap_av,
                            1.0 + regime.ad_valorem,
                        ),
                    ),
                )
                d = np.where(pi >= regime.undertaking, border * slope / consumer, 0.0)
    dom = base.no_border
    return (
        np.where(dom, pi, border),
        np.where(dom, pi, consumer),
        np.where(dom, 1.0, np.nan_to_num(d)),
    )


def prepare(problem: Problem) -> Prepared:
    n_r, n_v = problem.n_origins, problem.n_markets
    q0 = np.asarray(problem.quantity, dtype=np.float64)
    pi0 = np.array(
        np.broadcast_to(
            problem.price if problem.price.ndim == 2 else problem.price[:, None],
            (n_r, n_v),
        ),
        dtype=np.float64,
    )
    dom_idx = np.asarray(problem.domestic_market)
    domestic = dom_idx >= 0
    dom_route = domestic[:, None] & (np.arange(n_v)[None, :] == dom_idx[:, None])
    no_border = domestic[:, None] | home_routes(problem)
    x0 = q0.sum(axis=1)
    own_price0 = np.where(domestic, (pi0 * dom_route).sum(axis=1), 1.0)
    strike0 = problem.before.strike
    producer0 = np.where(domestic, np.maximum(own_price0, strike0), 1.0)
    provisional = Prepared(
        q0,
        pi0,
        problem.import_demand_elasticity,
        problem.substitution_elasticity,
        problem.supply_elasticity,
        domestic,
        dom_route,
        pi0,
        q0,
        np.ones(n_v),
        x0,
        own_price0,
        producer0,
        np.zeros(n_r),
        no_border,
    )
    _, p0, _ = prices_at(provisional, problem.before, np.zeros(n_r))
    value0 = p0 * q0
    e0 = value0.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        w = np.where(e0 > 0, value0 / np.where(e0 > 0, e0, 1.0), 0.0)
    revenue0 = np.where(domestic, producer0 * x0, (pi0 * q0).sum(axis=1))
    return Prepared(
        q0,
        pi0,
        provisional.eta,
        provisional.sigma,
        provisional.eps,
        domestic,
        dom_route,
        p0,
        w,
        e0,
        x0,
        own_price0,
        producer0,
        revenue0,
        no_border,
        _shift(problem),
    )


SHIFT_FLOOR = 1e-12  # imports' factor 1 + shift·P̂^(−η) never below this


def _shift(problem: Problem) -> FloatArray | None:
    """The problem's demand shift, or None when there is none."""
    shift = problem.demand_shift
    if shift is None:
        return None
    shift = np.asarray(shift, dtype=np.float64)
    if shift.shape != (problem.n_markets,) or not np.isfinite(shift).all():
        raise EquilibriumError(
            gettext("The demand shift must be one finite number a market.")
        )
    return shift if shift.any() else None


def shift_factor(
    shift: FloatArray | None, eta: FloatArray, log_p: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Imports' factor ``max(1 + shift·P̂^(−η), floor)`` per market and the slope
    ``∂ ln q / ∂ ln P̂ − σ`` it gives (``η`` without a shift)."""
    if shift is None:
        return np.ones_like(log_p), np.broadcast_to(eta, log_p.shape)
    with np.errstate(over="ignore"):
        raw = 1.0 + shift * np.exp(-eta * log_p)
    factor = np.maximum(raw, SHIFT_FLOOR)
    slope = np.where(raw > SHIFT_FLOOR, eta / factor, 0.0)
    return factor, slope


def _composite(base: Prepared, log_ratio: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``ln P̂`` per market and current shares θ, from ``ln p̂`` per route."""
    one_minus = 1.0 - base.sigma
    geometric = np.abs(one_minus) < SIGMA_ONE
    safe = np.where(geometric, 1.0, one_minus)
    a = safe[None, :] * log_ratio
    log_s = _log_sum_exp(np.where(base.w > 0, a, -np.inf), base.w)
    trade = base.e0 > 0
    log_s = np.where(trade, log_s, 0.0)
    ces = log_s / safe
    geo = (base.w * log_ratio).sum(axis=0)
    unchanged = ((log_ratio == 0) | (base.w == 0)).all(axis=0)  # the base exactly
    log_p = np.where(trade & ~unchanged, np.where(geometric, geo, ces), 0.0)
    theta = np.where(geometric[None, :], base.w, base.w * np.exp(a - log_s[None, :]))
    return log_p, theta


def _log_sum_exp(a: FloatArray, weights: FloatArray) -> FloatArray:
    """``ln Σ_r w[r] e^a[r]`` per column (``-inf`` for a column of no weight), shifted
    by the column's largest term: ``scipy.special.logsumexp(a, axis=0, b=w)``
    without its array-API dispatch (a fifth of a small solve's time)."""
    top: FloatArray = np.max(a, axis=0)
    top = np.where(np.isfinite(top), top, 0.0)
    with np.errstate(divide="ignore"):
        total: FloatArray = np.log((weights * np.exp(a - top[None, :])).sum(axis=0))
    return total + top


def state_at(
    base: Prepared, regime: Regime, z: FloatArray, *, surrogate: bool = False
) -> State:
    border, consumer, d = prices_at(base, regime, z, surrogate=surrogate)
    log_ratio = np.log(consumer / base.p0)
    log_p, theta = _composite(base, log_ratio)
    exponent = (
        -base.sigma[None, :] * log_ratio
        + (base.sigma + base.eta)[None, :] * (log_p[None, :])
    )
    factor, slope = shift_factor(base.shift, base.eta, log_p)
    quantity = np.where(base.q0 > 0, base.q0 * np.exp(exponent) * factor[None, :], 0.0)
    own = base.own_price0 * np.exp(z)
    producer = np.where(base.domestic, np.maximum(own, regime.strike), own)
    producer_ratio = np.where(base.domestic, producer / base.producer0, np.exp(z))
    binding = base.domestic & (own < regime.strike) & (not surrogate)
    dlog_producer = np.where(binding, 0.0, 1.0)
    finite = np.isfinite(base.eps)
    with np.errstate(over="ignore", invalid="ignore"):
        supply = np.where(
            finite,
            base.x0 * producer_ratio ** np.where(finite, base.eps, 0.0),
            quantity.sum(axis=1),
        )
    return State(
        border,
        consumer,
        quantity,
        log_p,
        theta,
        d,
        producer_ratio,
        dlog_producer,
        supply,
        None if base.shift is None else base.sigma + slope,
    )


def _residual_jacobian(
    base: Prepared,
    regime: Regime,
    z: FloatArray,
    unknown: BoolArray,
    *,
    surrogate: bool = False,
) -> tuple[FloatArray, FloatArray]:
    """Excess demand ``(Σ_v q − X)/X0`` and its Jacobian in ``ln π̂``, unknowns only."""
    st = state_at(base, regime, z, surrogate=surrogate)
    q = st.quantity
    x0 = base.x0[unknown]
    g = (q.sum(axis=1) - st.supply)[unknown] / x0
    td = st.theta * st.dlogp
    slope = base.sigma + base.eta if st.demand_slope is None else st.demand_slope
    cross = (q * slope[None, :]) @ td.T
    own = (q * base.sigma[None, :] * st.dlogp).sum(axis=1)
    eps = np.where(np.isfinite(base.eps), base.eps, 0.0)
    diag = own + eps * st.supply * st.dlog_producer
    jac = cross - np.diag(diag)
    jac = jac[np.ix_(unknown, unknown)] / x0[:, None]
    return g, jac


def solve_exact(
    base: Prepared,
    regime: Regime,
    unknown: BoolArray,
    tolerance: float,
    max_iterations: int,
    start: FloatArray | None = None,
) -> tuple[FloatArray, int, float]:
    """``ln π̂`` that clears every market, from ``start`` (default: the base)."""
    n = int(unknown.sum())
    z = np.zeros(base.x0.shape)
    if n == 0:
        return z, 0, 0.0

    def full(y: FloatArray) -> FloatArray:
        out = np.zeros(base.x0.shape)
        out[unknown] = y
        return out

    y = np.zeros(n) if start is None else np.asarray(start, dtype=np.float64)[unknown]
    y, norm, iterations = _newton(base, regime, unknown, y, tolerance, max_iterations)
    if norm > tolerance:
        # Kinks can trap Newton; each origin's own market, others' prices held, has
        # excess demand falling in its own price, so sweeps of 1-D root finds get
        # close, and Newton then polishes.
        y = _sweeps(base, regime, unknown, y, tolerance)
        y, norm, more = _newton(base, regime, unknown, y, tolerance, max_iterations)
        iterations += more
    if norm > tolerance:
        y, norm, more = _fallback(base, regime, unknown, y, tolerance, max_iterations)
        iterations += more
    if not norm <= tolerance:
        raise EquilibriumError(
            gettext(
                "The market model did not converge: the largest market-clearing gap is {norm:.3g} of an origin's base supply after {iterations} iterations (tolerance {tolerance:g}). Check for origins with fixed supply whose every sale is held at a floor or undertaking, specific duties above what buyers pay, or extreme measures."
            ).format(norm=norm, iterations=iterations, tolerance=tolerance)
        )
    return full(y), iterations, norm


def _newton(
    base: Prepared,
    regime: Regime,
    unknown: BoolArray,
    y: FloatArray,
    tolerance: float,
    max_iterations: int,
) -> tuple[FloatArray, float, int]:
    """Damped Newton: one-sided derivatives at kinks, a capped step and backtracking."""
    n = int(unknown.sum())

    def full(v: FloatArray) -> FloatArray:
        out = np.zeros(base.x0.shape)
        out[unknown] = v
        return out

    g, jac = _residual_jacobian(base, regime, full(y), unknown)
    norm = float(np.max(np.abs(g), initial=0.0)) if n else 0.0
    iterations = 0
    while norm > 1e-3 * tolerance and iterations < max_iterations:
        iterations += 1
        found = _line_search(base, regime, unknown, y, g, jac, norm)
        if found is None:
            # A flat piece (a binding floor with fixed supply): step along the slope
            # underneath the kink instead.
            smooth = _residual_jacobian(base, regime, full(y), unknown, surrogate=True)[
                1
            ]
            found = _line_search(base, regime, unknown, y, g, smooth, norm)
        if found is None:
            break
        y, g, jac, norm = found
    return y, norm, iterations


def _sweeps(
    base: Prepared,
    regime: Regime,
    unknown: BoolArray,
    y: FloatArray,
    tolerance: float,
    max_sweeps: int = 200,
) -> FloatArray:
    """Gauss–Seidel: clear each origin's market in turn by a bracketed 1-D root find
    in its own log price, the others held, until the largest gap is small."""
    index = np.flatnonzero(unknown)
    y = y.copy()

    def gaps(v: FloatArray) -> FloatArray:
        z = np.zeros(base.x0.shape)
        z[unknown] = v
        with np.errstate(all="ignore"):
            return _residual_jacobian(base, regime, z, unknown)[0]

    for _ in range(max_sweeps):
        for k in range(len(index)):

            def own(value: float, k: int = k) -> float:
                trial = y.copy()
                trial[k] = value
                return float(gaps(trial)[k])

            lo, hi = -LOG_BOUND, LOG_BOUND
            f_lo, f_hi = own(lo), own(hi)
            if not (np.isfinite(f_lo) and np.isfinite(f_hi)) or f_lo * f_hi > 0:
                continue  # no sign change: this origin cannot clear on its own
            y[k] = optimize.brentq(own, lo, hi, xtol=1e-15, rtol=1e-15, maxiter=200)
        if float(np.max(np.abs(gaps(y)), initial=0.0)) <= 1e-2 * tolerance:
            break
    return y


def _line_search(
    base: Prepared,
    regime: Regime,
    unknown: BoolArray,
    y: FloatArray,
    g: FloatArray,
    jac: FloatArray,
    norm: float,
) -> tuple[FloatArray, FloatArray, FloatArray, float] | None:
    """A capped Newton step with backtracking on ``max |g|``; None if none helps."""
    with np.errstate(all="ignore"):
        try:
            step = np.linalg.solve(jac, -g)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(jac, -g, rcond=None)[0]
    if not np.isfinite(step).all():
        return None
    biggest = float(np.max(np.abs(step)))
    if biggest > 2.0:  # at most a factor e² in any price per step
        step *= 2.0 / biggest
    lam = 1.0
    while lam > 1e-6:
        trial = np.clip(y + lam * step, -LOG_BOUND, LOG_BOUND)
        z = np.zeros(base.x0.shape)
        z[unknown] = trial
        with np.errstate(all="ignore"):
            g_new, jac_new = _residual_jacobian(base, regime, z, unknown)
        new_norm = float(np.max(np.abs(g_new)))
        if np.isfinite(new_norm) and new_norm < (1.0 - 1e-4 * lam) * norm:
            return trial, g_new, jac_new, new_norm
        lam *= 0.5
    return None


def _fallback(
    base: Prepared,
    regime: Regime,
    unknown: BoolArray,
    y0: FloatArray,
    tolerance: float,
    max_iterations: int,
) -> tuple[FloatArray, float, int]:
    """scipy's hybr, then lm, from the best point so far; returns the best found."""

    def full(y: FloatArray) -> FloatArray:
        out = np.zeros(base.x0.shape)
        out[unknown] = y
        return out

    def fun(y: FloatArray) -> FloatArray:
        return _residual_jacobian(base, regime, full(y), unknown)[0]

    def jac(y: FloatArray) -> FloatArray:
        return _residual_jacobian(base, regime, full(y), unknown)[1]

    best, best_norm, calls = y0, float(np.max(np.abs(fun(y0)))), 0
    for method, options in (
        ("hybr", {"maxfev": 20 * max_iterations, "xtol": 1e-14}),
        ("lm", {"maxiter": 20 * max_iterations, "xtol": 1e-14, "ftol": 1e-15}),
    ):
        with np.errstate(all="ignore"):
            result = optimize.root(fun, best, jac=jac, method=method, options=options)
        calls += int(getattr(result, "nfev", 0))
        candidate = np.asarray(result.x, dtype=np.float64)
        norm = float(np.max(np.abs(fun(candidate))))
        if np.isfinite(norm) and norm < best_norm:
            best, best_norm = candidate, norm
        if best_norm <= tolerance:
            break
    return best, best_norm, calls

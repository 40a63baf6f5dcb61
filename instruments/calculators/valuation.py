"""Black-76 option values, strips over settlement dates and the zero-cost cap.

Black (1976), on a forward ``F`` with volatility ``σ`` (a fraction a year), continuously
compounded rate ``r`` and time to settlement ``T`` in years:

    d1 = (ln(F/K) + σ²T/2) / (σ√T),   d2 = d1 − σ√T
    call = e^{−rT} (F·N(d1) − K·N(d2))
    put  = e^{−rT} (K·N(−d2) − F·N(−d1))

Values are per unit of the underlying, in the price's unit. At ``T = 0`` or ``σ = 0``
the option is worth its discounted intrinsic value. Put–call parity holds:
``call − put = e^{−rT}(F − K)``. Black–Scholes on spot ``S`` is Black-76 with
``F = S·e^{rT}`` (no dividends).

A *floor* is a strip of puts over the settlement dates and a *cap* a strip of calls
(each settlement an option, optionally weighted by its quantity); the producer's
*collar* (long floor, short cap) is worth floor − cap. ``zero_cost_cap`` finds the cap
strike whose call strip is worth the floor's put strip (Brent's method), NaN when no
cap can pay for the floor (the floor is worth nothing, or more than the discounted
forward).

Source: Hull, *Options, Futures and Other Derivatives*, ch. 18 (Black's model) and the
worked examples in INSTRUMENTS.md §8.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from scipy.special import ndtr

from instruments.calculators.base import FloatArray

ArrayLike = float | npt.ArrayLike


def _d1_d2(
    forward: FloatArray, strike: FloatArray, sigma_sqrt_t: FloatArray
) -> tuple[FloatArray, FloatArray]:
    with np.errstate(all="ignore"):
        d1 = (np.log(forward / strike) + 0.5 * sigma_sqrt_t**2) / sigma_sqrt_t
    return d1, d1 - sigma_sqrt_t


def black76(
    forward: ArrayLike,
    strike: ArrayLike,
    volatility: ArrayLike,
    rate: ArrayLike,
    years: ArrayLike,
) -> tuple[FloatArray, FloatArray]:
    """(call, put) values, broadcasting every argument; arrays of floats."""
    f, k, v, r, t = np.broadcast_arrays(
        *(
            np.asarray(a, dtype=np.float64)
            for a in (forward, strike, volatility, rate, years)
        )
    )
    discount = np.exp(-r * t)
    sigma_sqrt_t = v * np.sqrt(np.maximum(t, 0.0))
    live = (sigma_sqrt_t > 0) & (f > 0) & (k > 0)
    d1, d2 = _d1_d2(
        np.where(live, f, 1.0),
        np.where(live, k, 1.0),
        np.where(live, sigma_sqrt_t, 1.0),
    )
    call_live = discount * (f * ndtr(d1) - k * ndtr(d2))
    put_live = discount * (k * ndtr(-d2) - f * ndtr(-d1))
    call = np.where(live, call_live, discount * np.maximum(f - k, 0.0))
    put = np.where(live, put_live, discount * np.maximum(k - f, 0.0))
    return call, put


def black76_call(
    forward: ArrayLike,
    strike: ArrayLike,
    volatility: ArrayLike,
    rate: ArrayLike,
    years: ArrayLike,
) -> FloatArray:
    """Black-76 call value(s)."""
    return black76(forward, strike, volatility, rate, years)[0]


def black76_put(
    forward: ArrayLike,
    strike: ArrayLike,
    volatility: ArrayLike,
    rate: ArrayLike,
    years: ArrayLike,
) -> FloatArray:
    """Black-76 put value(s)."""
    return black76(forward, strike, volatility, rate, years)[1]


def floor_value(
    forward: ArrayLike,
    strike: ArrayLike,
    volatility: float,
    rate: float,
    years: ArrayLike,
    weights: ArrayLike = 1.0,
) -> float:
    """A floor: the strip of puts over the settlement ``years``, weighted (quantities)."""
    return _weighted_sum(black76_put(forward, strike, volatility, rate, years), weights)


def cap_value(
    forward: ArrayLike,
    strike: ArrayLike,
    volatility: float,
    rate: float,
    years: ArrayLike,
    weights: ArrayLike = 1.0,
) -> float:
    """A cap: the strip of calls over the settlement ``years``, weighted."""
    return _weighted_sum(
        black76_call(forward, strike, volatility, rate, years), weights
    )


def _weighted_sum(values: ArrayLike, weights: ArrayLike) -> float:
    """A strip of options priced per unit, summed with its quantities as weights."""
    return float(np.sum(np.asarray(values) * np.asarray(weights, dtype=np.float64)))


def zero_cost_cap(
    forward: ArrayLike,
    floor: ArrayLike,
    volatility: float,
    rate: float,
    years: ArrayLike,
    weights: ArrayLike = 1.0,
) -> float:
    """The cap strike whose call strip is worth the put strip at ``floor``; NaN if none.

    One cap strike for every settlement (the usual collar). The call strip falls from
    the discounted forwards (strike 0) to 0, so a root exists exactly when the floor is
    worth less than the discounted forwards.
    """
    f = np.asarray(forward, dtype=np.float64)
    target = floor_value(f, floor, volatility, rate, years, weights)
    if target <= 0:
        return math.nan  # a worthless floor: no cap strike is defined
    ceiling = cap_value(f, 0.0, volatility, rate, years, weights)
    if target >= ceiling:
        return math.nan

    from scipy.optimize import brentq  # imported here: scipy.optimize loads slowly

    def gap(strike: float) -> float:
        return cap_value(f, strike, volatility, rate, years, weights) - target

    high = float(np.max(f)) * 2.0 + float(np.max(floor))
    for _ in range(200):  # the call strip vanishes for a high enough strike
        if gap(high) <= 0:
            break
        high *= 2.0
    else:
        return math.nan
    return float(brentq(gap, 1e-12, high, xtol=1e-10, rtol=1e-12))

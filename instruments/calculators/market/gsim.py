"""GSIM's linearised method (Francois & Hall 2003): one linear solve for the export
price changes, and the published 4 × 4 example it reproduces."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from instruments.calculators.arrays import BoolArray, FloatArray
from instruments.calculators.market.exact import Prepared
from instruments.calculators.market.problem import Problem, Regime


def solve_linear(
    base: Prepared, before: Regime, after: Regime, unknown: BoolArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """GSIM's linear system in ``π̂``; returns π ratio, quantities, prices, ΔP/P."""
    pi0 = base.pi0
    pre0 = pi0 * (1.0 + before.ad_valorem) + before.specific
    pre1 = pi0 * (1.0 + after.ad_valorem) + after.specific
    dom = base.no_border
    d = np.where(dom, 1.0, pi0 * (1.0 + before.ad_valorem) / pre0)
    shift = np.where(dom, 0.0, (pre1 - pre0) / pre0)  # p̂ at unchanged π
    theta, sig, eta = base.w, base.sigma, base.eta
    q0 = base.q0
    # q̂ = −σ(shift + d·π̂_r) + (σ+η)Σ_s θ_s(shift_s + d_s·π̂_s)
    comp_shift = (theta * shift).sum(axis=0)
    const = (q0 * (-sig * shift + (sig + eta) * comp_shift)).sum(axis=1)
    cross = (q0 * (sig + eta)) @ (theta * d).T
    own = (q0 * sig * d).sum(axis=1)
    eps = np.where(np.isfinite(base.eps), base.eps, 0.0)
    matrix = cross - np.diag(own + eps * base.x0)
    pi_hat = np.zeros(base.x0.shape)
    if unknown.any():
        sub = matrix[np.ix_(unknown, unknown)]
        pi_hat[unknown] = np.linalg.solve(sub, -const[unknown])
    p_hat = shift + d * pi_hat[:, None]
    composite_hat = (theta * p_hat).sum(axis=0)
    q_hat = -sig * p_hat + (sig + eta) * composite_hat
    pi1 = pi0 * (1.0 + pi_hat[:, None])
    # Prices in levels at the new π (GSIM's revenue is t1·π1·q1), quantities linear.
    consumer = np.where(dom, pi1, pi1 * (1.0 + after.ad_valorem) + after.specific)
    return 1.0 + pi_hat, q0 * (1.0 + q_hat), consumer, composite_hat


# --- the published 4 × 4 example (Francois & Hall) -------------------------------------


def _read_only(array: FloatArray) -> FloatArray:
    array.flags.writeable = False
    return array


EXAMPLE_CODES = ("US", "JP", "EU", "RW")
EXAMPLE_TRADE = _read_only(
    np.array(
        [
            [0, 50, 200, 300],
            [500, 0, 150, 200],
            [300, 100, 200, 200],
            [50, 100, 110, 20],
        ],
        dtype=np.float64,
    )
)
"""Base trade values, origins (rows) × markets (columns), in ``EXAMPLE_CODES`` order."""

EXAMPLE_POWERS = _read_only(
    np.array(
        [
            [1.00, 1.21, 1.41, 1.22],
            [1.37, 1.00, 1.31, 1.23],
            [1.32, 1.36, 1.00, 1.18],
            [1.57, 1.41, 1.25, 1.15],
        ],
        dtype=np.float64,
    )
)
"""Base tariff powers (1 + ad valorem rate)."""


def _without_us_eu_tariffs(powers: FloatArray) -> FloatArray:
    fta = powers.copy()
    fta[0, 2] = fta[2, 0] = 1.0
    return _read_only(fta)


EXAMPLE_FTA_POWERS = _without_us_eu_tariffs(EXAMPLE_POWERS)
"""The powers after a US–EU free-trade agreement: their mutual tariffs are removed."""

EXAMPLE_PUBLISHED = _read_only(np.array([7.92, -3.16, 4.80, -1.84]) / 100)
"""The export price changes GSIM publishes for the FTA (US, JP, EU, RW)."""


def example_problem(after_powers: npt.ArrayLike = EXAMPLE_FTA_POWERS) -> Problem:
    """GSIM's example: η = −1.25, σ = 5, ε = 1.5 everywhere, the US and EU members."""
    member = np.array([True, False, True, False])
    return Problem(
        market_codes=EXAMPLE_CODES,
        import_demand_elasticity=np.full(4, -1.25),
        substitution_elasticity=np.full(4, 5.0),
        member_market=member,
        origin_codes=EXAMPLE_CODES,
        price=np.ones(4),
        supply_elasticity=np.full(4, 1.5),
        member_origin=member,
        domestic_market=np.full(4, -1, dtype=np.int64),
        quantity=EXAMPLE_TRADE,
        before=Regime.of(4, 4, ad_valorem=EXAMPLE_POWERS - 1),
        after=Regime.of(4, 4, ad_valorem=np.asarray(after_powers) - 1),
    )

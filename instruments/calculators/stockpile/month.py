"""One month of the stockpile model: an equilibrium of the market model (§9) with the
disruption's cap on an origin's sales and the stocks' purchases or releases (§11).

A month is solved at annual rates (the base's quantities; a month's quantities are
those ÷ 12, and prices are the same). The cap on a route is met by an export-tax
equivalent: an undertaking ``U`` on the capped routes (a minimum border price whose
gap the exporter keeps, the scarcity rent), found so that each capped route carries
``(1 − cut)`` of its base (or less, where buyers want less at the origin's own
price). A release ``R`` (or a purchase) is extra supply (demand) of the market's
composite: the market model's ``demand_shift`` of ``−R / Q0``.

The unknowns (the log undertakings and the releases) are found by a coordinate-wise
secant iteration on top of the market model's solve, each coordinate started from its
analytic slope and kept in its bounds; a month that does not converge raises
``EquilibriumError``. Identical months are solved once (``MonthModel`` caches them).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from instruments.calculators.arrays import BoolArray, FloatArray
from instruments.calculators.market import EquilibriumError, Problem, Regime, exact
from instruments.calculators.translation import gettext

TOLERANCE = 1e-8  # on log quantities (caps) and log price indices (releases)
MAX_ROUNDS = 100
MAX_SOLVES = 2_000  # equilibria one month may take before it is given up
SOLVER_TOLERANCE = 1e-11  # the market model's clearing, tighter than the rounds'
NOT_BINDING = 1e-9  # an undertaking this far below the origin's price binds nothing


@dataclass(frozen=True)
class Equilibrium:
    """What a month needs of one equilibrium."""

    quantity: FloatArray  # (R, V)
    border: FloatArray  # (R, V)
    price_change: FloatArray  # (R,) π̂ − 1
    log_index: FloatArray  # (V,) ln P̂
    consumer_surplus: FloatArray  # (V,) ΔCS


@dataclass(frozen=True)
class Month:
    """One month's equilibrium, at annual rates; arrays per market (V) unless said."""

    index: FloatArray  # P̂: the consumer price index as a ratio to base
    consumption: FloatArray  # Q0·P̂^η: consumption of the composite (quantity a year)
    consumer_surplus: FloatArray  # ΔCS against the base (price × quantity a year)
    release: FloatArray  # released into each market (quantity a year)
    rent: float  # the restricting origin's scarcity rent (price × quantity a year)
    tax_equivalent: float  # the largest export-tax equivalent on a capped route


@dataclass(frozen=True)
class Release:
    """How stocks release this month: ``separate`` (each stocked market on its own
    trigger, up to what it has) or pooled (every stocked market brought down
    together to one level ≥ ``floor``, within ``total``)."""

    pooled: bool
    stocked: BoolArray  # (V,)
    target: FloatArray  # (V,) triggers (separate); ignored when pooled
    available: FloatArray  # (V,) separate: what each market may release (a year)
    total: float = 0.0  # pooled: what the pool may release (a year)
    floor: float = 1.0  # pooled: the lowest trigger

    def key(self) -> tuple[object, ...]:
        if self.pooled:
            return ("pool", self.total, self.floor, tuple(self.stocked))
        return (
            "separate",
            tuple(np.round(self.available, 12)),
            tuple(self.target),
            tuple(self.stocked),
        )


class MonthModel:
    """The base problem, the capped routes and the months solved so far."""

    def __init__(self, problem: Problem, capped: BoolArray, cap_share: float) -> None:
        self.problem = problem
        self.capped = capped & (problem.quantity > 0)
        self.cap = np.where(self.capped, problem.quantity * cap_share, 0.0)
        self.base_quantity: FloatArray = problem.quantity.sum(axis=0)
        price = problem.price
        n_r, n_v = problem.n_origins, problem.n_markets
        self.route_price0: FloatArray = np.array(
            np.broadcast_to(price if price.ndim == 2 else price[:, None], (n_r, n_v)),
            dtype=np.float64,
        )
        prepared = exact.prepare(problem)
        self.base_consumer_price: FloatArray = prepared.p0
        spending = (prepared.p0 * problem.quantity).sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            self.base_price: FloatArray = np.where(
                self.base_quantity > 0, spending / self.base_quantity, np.nan
            )
            self.share: FloatArray = np.where(
                spending > 0,
                prepared.p0 * problem.quantity / spending,
                0.0,
            )
        self._cache: dict[tuple[object, ...], Month] = {}
        self._undertaking: FloatArray = np.zeros((n_r, n_v))
        self._z: FloatArray | None = None
        self._solves = 0

    # --- one equilibrium -----------------------------------------------------------

    def equilibrium(self, extra: FloatArray, undertaking: FloatArray) -> Equilibrium:
        """The market with ``extra`` composite demand a year per market (purchases
        > 0, releases < 0) and undertakings on the capped routes, solved by the
        market model's exact solver from the last answer."""
        problem = self.problem
        self._solves += 1
        if self._solves > MAX_SOLVES:
            raise EquilibriumError(
                gettext(
                    "A month took more than {MAX_SOLVES:,} equilibria without settling: check the disruption and the stocks (extreme elasticities or cuts)."
                ).format(MAX_SOLVES=MAX_SOLVES)
            )
        with np.errstate(invalid="ignore", divide="ignore"):
            shift = np.where(self.base_quantity > 0, extra / self.base_quantity, 0.0)
        before: Regime = problem.before
        after = dataclasses.replace(
            before, undertaking=np.maximum(before.undertaking, undertaking)
        )
        changed = Problem(**{**problem.__dict__, "after": after, "demand_shift": shift})
        base = exact.prepare(changed)
        unknown = np.isfinite(base.eps) & (base.x0 > 0)
        with np.errstate(all="ignore"):
            try:
                z, _, _ = exact.solve_exact(
                    base, after, unknown, SOLVER_TOLERANCE, 100, start=self._z
                )
            except EquilibriumError:
                z, _, _ = exact.solve_exact(base, after, unknown, SOLVER_TOLERANCE, 100)
        self._z = z
        state = exact.state_at(base, after, z)
        log_p = state.log_composite
        one_plus = 1.0 + base.eta
        unit = np.abs(one_plus) < 1e-12
        cs = np.where(
            unit,
            -base.e0 * log_p,
            -base.e0 * np.expm1(one_plus * log_p) / np.where(unit, 1.0, one_plus),
        )
        return Equilibrium(
            quantity=state.quantity,
            border=state.border,
            price_change=np.expm1(z),
            log_index=log_p,
            consumer_surplus=cs,
        )

    # --- a month ---------------------------------------------------------------------

    def month(
        self, *, disrupted: bool, purchases: FloatArray, release: Release | None
    ) -> Month:
        """The month's equilibrium (cached): the cap met when ``disrupted``, the
        purchases bought and the stocks released by ``release``'s rule."""
        key = (
            disrupted,
            tuple(np.round(purchases, 12)),
            None if release is None else release.key(),
        )
        found = self._cache.get(key)
        if found is None:
            self._solves = 0
            found = self._solve(disrupted, purchases, release)
            self._cache[key] = found
        return found

    def _solve(
        self, disrupted: bool, purchases: FloatArray, rule: Release | None
    ) -> Month:
        n_v = self.problem.n_markets
        zero = np.zeros(n_v)
        if rule is None or not rule.stocked.any():
            return self._settle(disrupted, purchases, zero, zero)
        if not rule.pooled:
            return self._settle(disrupted, purchases, rule.target, rule.available)
        target = np.where(rule.stocked, rule.floor, np.inf)
        unlimited = np.where(rule.stocked, np.inf, 0.0)
        return self._settle(
            disrupted, purchases, target, unlimited, pool=(rule.total, rule.floor)
        )

    def _settle(
        self,
        disrupted: bool,
        purchases: FloatArray,
        target: FloatArray,
        available: FloatArray,
        pool: tuple[float, float] | None = None,
    ) -> Month:
        """Each market's release at ``min(available, what brings its index down to
        target)``: coordinate-wise secant steps on the releases, the caps met at
        every step (``_capped``). With ``pool`` (total, floor) the targets are one
        level ``L ≥ floor``, moved with the releases so that they add up to no
        more than the total (and to it, where ``L`` is above the floor)."""
        eta = self.problem.import_demand_elasticity
        releasing = np.isfinite(target) & (available > 0)
        release = np.zeros(self.problem.n_markets)
        log_target = np.log(np.where(releasing, target, 1.0))
        log_floor = float(log_target[releasing].min()) if pool else 0.0
        log_level = log_floor
        p_target = log_target.copy()
        prev: tuple[FloatArray, FloatArray] | None = None
        for _round in range(MAX_ROUNDS):
            month, undertaking = self._capped(disrupted, purchases, release)
            log_index = np.log(month.index)
            if pool is not None:
                log_target = np.where(releasing, log_level, 0.0)
            g = np.where(releasing, log_index - log_target, 0.0)
            done = (
                (np.abs(g) <= TOLERANCE)
                | ((g < 0) & (release <= 0))
                | ((g > 0) & (release >= available))
                | ~releasing
            )
            excess = 0.0
            if pool is not None:
                total = pool[0]
                excess = float(release.sum()) - total
                # A pool's total is met to a relative tolerance of the larger of the
                # total and its markets' consumption (a pool nearly empty is done).
                scale = max(total, float(month.consumption[releasing].sum()))
                pool_done = abs(excess) <= TOLERANCE * max(scale, 1e-300) or (
                    excess < 0 and log_level <= log_floor
                )
            else:
                pool_done = True
            if done.all() and pool_done:
                if disrupted:
                    self._undertaking = undertaking
                return month
            # d ln P̂ / dR: a secant where the last step moved, else the analytic
            # slope of the composite demand alone (1 / (|η|·consumption)).
            analytic = 1.0 / np.maximum(np.abs(eta) * month.consumption, 1e-300)
            slope = analytic
            if prev is not None:
                p_release, p_g = prev
                dr = release - p_release
                with np.errstate(invalid="ignore", divide="ignore"):
                    secant = -(g - p_g + (log_target - p_target)) / dr
                ok = (
                    (np.abs(dr) > 1e-12 * np.maximum(month.consumption, 1.0))
                    & np.isfinite(secant)
                    & (secant > 0)
                )
                slope = np.where(
                    ok, np.clip(secant, analytic / 1e3, analytic * 1e3), analytic
                )
            prev = (release.copy(), g)
            p_target = log_target.copy()
            stepped = np.clip(release + g / slope, 0.0, available)
            if pool is not None:
                # Move the level so that the stepped releases add up to the total.
                total = pool[0]
                moving = releasing & ((stepped > 0) | (g > 0))
                reach = float((1.0 / slope)[moving].sum())
                over = float(stepped.sum()) - total
                if reach > 0 and (over > 0 or log_level > log_floor):
                    new_level = max(log_floor, log_level + over / reach)
                    stepped = np.clip(
                        stepped - (new_level - log_level) / slope, 0.0, available
                    )
                    log_level = new_level
                release = np.where(releasing, stepped, release)
            else:
                release = np.where(releasing & ~done, stepped, release)
        raise EquilibriumError(
            gettext(
                "The month did not settle: the stocks' release is still off after {MAX_ROUNDS} rounds."
            ).format(MAX_ROUNDS=MAX_ROUNDS)
        )

    def _capped(
        self, disrupted: bool, purchases: FloatArray, release: FloatArray
    ) -> tuple[Month, FloatArray]:
        """The equilibrium with ``release`` and the caps met: the undertaking on
        each capped route by secant steps on its log (from the last month's)."""
        problem = self.problem
        capped = self.capped if disrupted else np.zeros_like(self.capped)
        eta, sigma = problem.import_demand_elasticity, problem.substitution_elasticity
        log_cap = np.log(np.where(capped, self.cap, 1.0))
        log_u = np.where(capped, np.log(self.route_price0), -np.inf)
        known = capped & (self._undertaking > 0)
        log_u = np.where(known, np.log(np.where(known, self._undertaking, 1.0)), log_u)
        analytic = sigma[None, :] * (1 - self.share) + np.abs(eta)[None, :] * self.share
        analytic = np.maximum(analytic, 0.05)
        prev: tuple[FloatArray, FloatArray] | None = None
        for _round in range(MAX_ROUNDS):
            undertaking = np.where(capped, np.exp(log_u), 0.0)
            solution = self.equilibrium(purchases - release, undertaking)
            q = solution.quantity
            pi = self.route_price0 * (1.0 + solution.price_change)[:, None]
            log_pi = np.log(pi)
            f = np.where(capped, np.log(np.maximum(q, 1e-300)) - log_cap, 0.0)
            binding = log_u > log_pi + math.log1p(-NOT_BINDING)
            done = (np.abs(f) <= TOLERANCE) | ((f < 0) & ~binding) | ~capped
            if done.all():
                log_index = solution.log_index
                rent = np.where(capped, (solution.border - pi) * q, 0.0)
                tax = np.where(capped, solution.border / pi - 1.0, 0.0)
                month = Month(
                    index=np.exp(log_index),
                    consumption=self.base_quantity * np.exp(eta * log_index),
                    consumer_surplus=solution.consumer_surplus,
                    release=release.copy(),
                    rent=float(rent.sum()),
                    tax_equivalent=float(tax.max(initial=0.0)),
                )
                return month, undertaking
            x = np.maximum(log_u, log_pi)
            slope = analytic
            if prev is not None:
                p_x, p_f = prev
                dx = np.where(capped, x - p_x, 0.0)
                with np.errstate(invalid="ignore", divide="ignore"):
                    secant = -(f - p_f) / dx
                ok = (np.abs(dx) > 1e-12) & np.isfinite(secant) & (secant > 0)
                slope = np.where(
                    ok, np.clip(secant, analytic / 50, analytic * 50), analytic
                )
            prev = (x, f)
            log_u = np.where(capped & ~done, x + np.clip(f / slope, -2.0, 2.0), log_u)
        raise EquilibriumError(
            gettext(
                "The month did not settle: the disruption's cap is still off after {MAX_ROUNDS} rounds."
            ).format(MAX_ROUNDS=MAX_ROUNDS)
        )

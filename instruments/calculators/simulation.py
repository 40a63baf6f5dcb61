"""Simulated price paths (GBM and Schwartz one-factor) and their estimation from history.

Models, with ``S`` the price (any unit), ``x = ln S``, ``Δ`` a step in years, ``Z`` a
standard normal draw, rates and volatilities per year:

- **GBM** ``dS = μ S dt + σ S dW``, exact step
  ``x' = x + (μ − σ²/2)Δ + σ√Δ·Z``;
- **Schwartz (1997) one-factor** ``dS = κ(μ − ln S) S dt + σ S dW``, exact
  log-Ornstein–Uhlenbeck step
  ``x' = x·e^{−κΔ} + α(1 − e^{−κΔ}) + σ·sqrt((1 − e^{−2κΔ})/(2κ))·Z``, ``α = μ − σ²/(2κ)``.
  ``long_run_price`` is the **long-run median** of the price, ``e^α``: in the long run
  ``ln S ~ N(α, σ²/(2κ))``, so the median is ``e^α`` and the mean
  ``e^{α + σ²/(4κ)}``; ``μ = α + σ²/(2κ)`` follows (taking the typed level as ``e^μ``
  would put the long-run median ``e^{−σ²/(2κ)}`` below it, 6–18 % for usual
  parameters).

Steps may differ in length (one step per period: a month is 1/12, a quarter 0.25). The
recursions are evaluated without a loop over steps: GBM by a cumulative sum; Schwartz
as ``y_t = A_t (y_0 + Σ_{j≤t} s_j Z_j / A_j)`` with ``y = x − α`` and ``A_t = e^{−κ t}``,
in blocks of at most 30/κ years so that ``1/A`` stays far from overflow (the only loop
is over those blocks: one block unless κ × horizon exceeds 30).

Closed form for one settlement date (the yardstick of ``tests/calculators/test_simulation.py``): ``ln S_T ~ N(m, s²)`` with
GBM ``m = x0 + (μ − σ²/2)T``, ``s² = σ²T``; Schwartz ``m = x0·e^{−κT} + α(1 − e^{−κT})``,
``s² = σ²(1 − e^{−2κT})/(2κ)``; then
``E[(K − S_T)+] = K·Φ((ln K − m)/s) − e^{m + s²/2}·Φ((ln K − m − s²)/s)``.

Estimation from a price history observed every ``Δ`` years (all prices > 0):

- GBM from log returns ``r``: ``σ̂ = sd(r)/√Δ``, ``μ̂ = mean(r)/Δ + σ̂²/2``;
- Schwartz by OLS of the AR(1) ``x_{t+1} = c + b·x_t + e``: ``κ̂ = −ln b / Δ`` (needs
  0 < b < 1), ``α̂ = c/(1 − b)`` (long-run median ``e^α̂``),
  ``σ̂ = sd(e)·sqrt(2κ̂/(1 − b²))``.

Each estimate comes with its standard error (``fit_model`` returns a ``Fit``): GBM
``se(σ̂) = σ̂/√(2(n − 1))`` and ``se(μ̂) = σ̂/√(nΔ)`` for ``n`` returns; Schwartz by
the delta method on the OLS covariance ``s²(X'X)⁻¹`` of ``(c, b)`` (``σ̂`` also through
``sd(e)``, whose standard error is ``sd(e)/√(2(n − 2))``). Below ``MIN_HISTORY``
prices (GBM 20, Schwartz 30) or when a standard error exceeds its estimate, the fit
carries a warning: five annual points give a volatility and a mean reversion that are
mostly noise. A parameter given by the user is used as given (no standard error).

Randomness comes only from ``numpy.random.default_rng(seed)``. Paths are generated in
chunks of ``limits.SIMULATION_CHUNK`` normal draws (paths per chunk = chunk // steps):
memory is about 8 bytes × chunk × the few arrays alive at once (≈ 40 MB), whatever the
number of paths. The same seed and chunk size give the same paths.

The path runner (``run_paths``) sends every chunk through an instrument's settlement
function (prices (paths, steps) → money per row (paths, rows)) and keeps what a fiscal
risk needs: each path's total and present value, the rows' means over paths, the
per-row fan (P5/P50/P95 of price, net cost and cumulative net cost, on the first
``limits.FAN_PATHS`` paths), each year's mean and P95 and each path's worst year (its
largest yearly net cost), on all paths, and a 50-bin histogram of the totals.
Percentiles are selections (``np.partition`` inside ``np.quantile``) on contiguous
rows, never a sort of every column of every path. After each chunk it reports the
share of paths done (``progress.report``), which a job shows as its progress bar.

Source: Schwartz, E. S. (1997), "The Stochastic Behavior of Commodity Prices",
*Journal of Finance* 52(3), model 1; Glasserman (2003), *Monte Carlo Methods in
Financial Engineering*, §3.3.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from instruments.calculators import progress
from instruments.calculators.base import (
    BoolArray,
    ErrorCollector,
    FloatArray,
    InputError,
    IntArray,
)
from instruments.calculators.limits import FAN_PATHS, FAN_SAMPLE, SIMULATION_CHUNK
from instruments.calculators.translation import (
    gettext,
    gettext_noop,
    listed,
    translatable,
)

_BLOCK_DECAY = 30.0


@dataclass(frozen=True)
class GBM:
    """Geometric Brownian motion: drift μ and volatility σ per year."""

    drift: float
    volatility: float


@dataclass(frozen=True)
class Schwartz:
    """Schwartz one-factor: mean reversion κ, long-run median price e^α, volatility σ."""

    mean_reversion: float
    long_run_price: float
    volatility: float

    @property
    def alpha(self) -> float:
        """α = ln(long-run median) = μ − σ²/(2κ), the long-run mean of ln S."""
        return math.log(self.long_run_price)

    @property
    def long_run_mean(self) -> float:
        """The long-run mean price, ``e^{α + σ²/(4κ)}``."""
        return math.exp(self.alpha + self.volatility**2 / (4.0 * self.mean_reversion))


Model = GBM | Schwartz


def simulate_log_prices(
    model: Model,
    start_price: float,
    step_years: FloatArray,
    normals: FloatArray,
) -> FloatArray:
    """Log prices at the end of each step, shape ``normals.shape`` = (paths, steps).

    ``normals`` (standard normal draws) is overwritten and returned, to save memory.
    """
    dt = np.asarray(step_years, dtype=np.float64)
    x0 = math.log(start_price)
    z = normals
    if isinstance(model, GBM):
        z *= model.volatility * np.sqrt(dt)
        z += (model.drift - 0.5 * model.volatility**2) * dt
        np.cumsum(z, axis=1, out=z)
        z += x0
        return z
    kappa, alpha = model.mean_reversion, model.alpha
    shock = model.volatility * np.sqrt(-np.expm1(-2.0 * kappa * dt) / (2.0 * kappa))
    elapsed = np.cumsum(dt)
    block_of = np.floor(kappa * elapsed / _BLOCK_DECAY).astype(np.int64)
    starts = np.flatnonzero(np.diff(block_of, prepend=-1))
    ends = np.append(starts[1:], dt.size)
    y0: FloatArray | float = x0 - alpha
    for first, last in zip(starts, ends, strict=True):  # blocks, not steps (see above)
        origin = elapsed[first - 1] if first > 0 else 0.0
        log_a = -kappa * (elapsed[first:last] - origin)  # ln A_t within the block
        block = z[:, first:last]
        block *= shock[first:last] * np.exp(-log_a)
        np.cumsum(block, axis=1, out=block)
        block += np.reshape(y0, (-1, 1))
        block *= np.exp(log_a)
        y0 = block[:, -1].copy()
    z += alpha
    return z


def iter_price_paths(
    model: Model,
    start_price: float,
    step_years: FloatArray,
    paths: int,
    seed: int | None,
    chunk: int = SIMULATION_CHUNK,
) -> Iterator[FloatArray]:
    """Price paths in chunks of shape (≤ chunk // steps paths, steps)."""
    rng = np.random.default_rng(seed)
    steps = len(step_years)
    per_chunk = max(1, chunk // max(steps, 1))
    done = 0
    while done < paths:
        n = min(per_chunk, paths - done)
        log_prices = simulate_log_prices(
            model, start_price, step_years, rng.standard_normal((n, steps))
        )
        yield np.exp(log_prices, out=log_prices)
        done += n


MIN_HISTORY = {"gbm": 20, "schwartz": 30}
"""Fewest prices of a history below which an estimate carries a warning."""


@dataclass(frozen=True)
class Fit:
    """A model with the parameters used, which were estimated and how precisely."""

    model: Model
    points: int
    """Prices in the history the estimates come from (0 when nothing was estimated)."""
    standard_errors: dict[str, float]
    """Standard error of each estimated parameter (given ones are absent)."""
    warnings: tuple[str, ...] = ()
    """``translatable`` sentences (``add_warning`` keeps them translatable)."""


def estimate_gbm(
    history: Sequence[float] | FloatArray,
    step_years: float,
    path: Sequence[str | int] = ("simulation", "price_history"),
) -> GBM:
    """GBM drift and volatility from the log returns of a history (see module doc)."""
    return _estimate_gbm(history, step_years, path)[0]


def _estimate_gbm(
    history: Sequence[float] | FloatArray,
    step_years: float,
    path: Sequence[str | int],
) -> tuple[GBM, dict[str, float]]:
    x = _log_history(history, 3, path)
    returns = np.diff(x)
    n = returns.size
    volatility = float(np.std(returns, ddof=1)) / math.sqrt(step_years)
    drift = float(np.mean(returns)) / step_years + 0.5 * volatility**2
    errors = {
        "volatility": volatility / math.sqrt(2.0 * (n - 1)),
        "drift": volatility / math.sqrt(n * step_years),
    }
    return GBM(drift=drift, volatility=volatility), errors


def estimate_schwartz(
    history: Sequence[float] | FloatArray,
    step_years: float,
    path: Sequence[str | int] = ("simulation", "price_history"),
) -> Schwartz:
    """Schwartz parameters by OLS on the AR(1) of log prices (see module doc)."""
    return _estimate_schwartz(history, step_years, path)[0]


def _estimate_schwartz(
    history: Sequence[float] | FloatArray,
    step_years: float,
    path: Sequence[str | int],
) -> tuple[Schwartz, dict[str, float]]:
    x = _log_history(history, 4, path)
    before, after = x[:-1], x[1:]
    spread = before - before.mean()
    variance = float(spread @ spread)
    if variance <= 0:
        raise InputError.at(
            path, gettext("The price history is flat; nothing to estimate from.")
        )
    b = float(spread @ (after - after.mean())) / variance
    if not 0.0 < b < 1.0:
        raise InputError.at(
            path,
            gettext(
                "The history shows no mean reversion (AR(1) coefficient {b:.3f}, it must be between 0 and 1); use the GBM model or give the mean reversion."
            ).format(b=b),
        )
    c = float(after.mean()) - b * float(before.mean())
    residuals = after - c - b * before
    n = residuals.size
    residual_sd = math.sqrt(float(residuals @ residuals) / (n - 2))
    kappa = -math.log(b) / step_years
    alpha = c / (1.0 - b)

    def sigma_of(slope: float) -> float:
        return math.sqrt(-2.0 * math.log(slope) / (step_years * (1.0 - slope * slope)))

    volatility = residual_sd * sigma_of(b)
    # OLS covariance of (c, b): s²·(X'X)⁻¹ with X = [1, x_t]
    var_b = residual_sd**2 / variance
    mean_x = float(before.mean())
    var_c = residual_sd**2 * (1.0 / n + mean_x**2 / variance)
    cov_cb = -(residual_sd**2) * mean_x / variance
    d_c, d_b = 1.0 / (1.0 - b), c / (1.0 - b) ** 2
    se_alpha = math.sqrt(
        max(d_c**2 * var_c + d_b**2 * var_b + 2 * d_c * d_b * cov_cb, 0.0)
    )
    h = 1e-6 * min(b, 1.0 - b)
    d_sigma = (sigma_of(b + h) - sigma_of(b - h)) / (2.0 * h)
    se_sigma = math.sqrt(
        (sigma_of(b) * residual_sd / math.sqrt(2.0 * (n - 2))) ** 2
        + (residual_sd * d_sigma) ** 2 * var_b
    )
    long_run = math.exp(alpha)
    errors = {
        "mean_reversion": math.sqrt(var_b) / (b * step_years),
        "long_run_price": long_run * se_alpha,
        "volatility": se_sigma,
    }
    model = Schwartz(
        mean_reversion=kappa, long_run_price=long_run, volatility=volatility
    )
    return model, errors


def _log_history(
    history: Sequence[float] | FloatArray, minimum: int, path: Sequence[str | int]
) -> FloatArray:
    prices = np.asarray(history, dtype=np.float64).reshape(-1)
    if prices.size < minimum:
        raise InputError.at(
            path,
            gettext(
                "At least {minimum} prices are needed to estimate; {size} given."
            ).format(minimum=minimum, size=prices.size),
        )
    if not np.all(np.isfinite(prices)) or np.any(prices <= 0):
        raise InputError.at(
            path, gettext("Every price of the history must be a number above 0.")
        )
    return np.log(prices)


_PARAMETER_WORDS = {
    "drift": gettext_noop("drift"),
    "volatility": gettext_noop("volatility"),
    "mean_reversion": gettext_noop("mean reversion"),
    "long_run_price": gettext_noop("long-run price"),
}


def _words(names: Sequence[str]) -> Any:
    """'a', 'a and b', 'a, b and c', each word said in the reader's language."""
    return listed([translatable(_PARAMETER_WORDS[name]) for name in names])


def fit_model(
    kind: Literal["gbm", "schwartz"],
    step_years: float,
    history: FloatArray | None = None,
    *,
    drift: float | None = None,
    volatility: float | None = None,
    mean_reversion: float | None = None,
    long_run_price: float | None = None,
    path: Sequence[str | int] = ("simulation", "price_history"),
) -> Fit:
    """The model with the parameters given, the others estimated from ``history``
    (prices every ``step_years``); ``history`` is needed only when one is missing.
    The ``Fit`` reports the estimates' standard errors, the number of points and a
    warning when the history is short (``MIN_HISTORY``) or an estimate imprecise."""
    given = {
        "drift": drift,
        "volatility": volatility,
        "mean_reversion": mean_reversion,
        "long_run_price": long_run_price,
    }
    names = (
        ("drift", "volatility")
        if kind == "gbm"
        else ("mean_reversion", "long_run_price", "volatility")
    )
    missing = [name for name in names if given[name] is None]
    values: dict[str, float] = {}
    errors: dict[str, float] = {}
    points = 0
    if missing:
        assert history is not None
        points = int(np.asarray(history).size)
        fitted: Model
        if kind == "gbm":
            fitted, all_errors = _estimate_gbm(history, step_years, path)
        else:
            fitted, all_errors = _estimate_schwartz(history, step_years, path)
        for name in missing:
            values[name] = float(getattr(fitted, name))
            errors[name] = all_errors[name]
    for name in names:
        if name not in values:
            value = given[name]
            assert value is not None
            values[name] = value
    warnings: list[str] = []
    if missing and points < MIN_HISTORY[kind]:
        warnings.append(
            translatable(
                gettext_noop(
                    "The {parameters} is estimated from only {points} prices (at least "
                    "{minimum} are advised for the {model} model); give it yourself "
                    "if you can."
                )
                if len(missing) == 1
                else gettext_noop(
                    "The {parameters} are estimated from only {points} prices (at "
                    "least {minimum} are advised for the {model} model); give them "
                    "yourself if you can."
                ),
                parameters=_words(missing),
                points=points,
                minimum=MIN_HISTORY[kind],
                model="GBM" if kind == "gbm" else "Schwartz",
            )
        )
    imprecise = [
        name
        for name in missing
        if name != "drift" and errors[name] >= abs(values[name])
    ]
    if imprecise:
        warnings.append(
            translatable(
                gettext_noop(
                    "The estimated {parameters} has a standard error as large as the "
                    "estimate: it is not identified by this history."
                )
                if len(imprecise) == 1
                else gettext_noop(
                    "The estimated {parameters} have standard errors as large as the "
                    "estimate: it is not identified by this history."
                ),
                parameters=_words(imprecise),
            )
        )
    model: Model = (
        GBM(drift=values["drift"], volatility=values["volatility"])
        if kind == "gbm"
        else Schwartz(
            mean_reversion=values["mean_reversion"],
            long_run_price=values["long_run_price"],
            volatility=values["volatility"],
        )
    )
    return Fit(
        model=model, points=points, standard_errors=errors, warnings=tuple(warnings)
    )


def fan(sample: FloatArray) -> FloatArray:
    """P5, P50, P95 over paths (axis 0) of a (paths, rows) sample, shape (3, rows).

    The sample is transposed first so that each row's values are contiguous: numpy's
    partition along a strided axis is several times slower.
    """
    return np.quantile(np.ascontiguousarray(sample.T), [0.05, 0.5, 0.95], axis=1)


@dataclass(frozen=True)
class PathRun:
    """What ``run_paths`` keeps of the simulated paths."""

    totals: FloatArray
    """Each path's total net cost (sum over rows)."""
    npvs: FloatArray
    """Each path's net cost discounted with the rows' discount factors."""
    any_payment: BoolArray
    """Per path: whether any row has a positive payment."""
    exhausted: BoolArray
    """Per path: the settlement function's ``exhausted`` flag."""
    worst_year: FloatArray
    """Per path: the net cost of its worst year (the largest yearly net cost)."""
    means: dict[str, FloatArray]
    """Per row, the mean over paths of each name in ``mean_of``."""
    fan: pd.DataFrame
    """Per row: period, price_p5/p50/p95, net_cost_…, cumulative_net_cost_…."""
    annual: pd.DataFrame
    """Per year: year, net_cost_mean, net_cost_p95 (on all paths)."""
    histogram: pd.DataFrame
    """50 bins of the totals: bin_start, bin_end, count."""


def run_paths(
    model: Model,
    start_price: float,
    step_years: FloatArray,
    paths: int,
    seed: int | None,
    settle: Callable[[FloatArray], Mapping[str, Any]],
    *,
    row_labels: Sequence[str],
    discount: FloatArray,
    year_starts: IntArray,
    year_labels: Sequence[str],
    mean_of: Sequence[str],
) -> PathRun:
    """Simulate ``paths`` price paths chunk by chunk and settle each chunk.

        ``settle`` maps prices of shape (n, steps) to arrays of shape (n, rows) named
        ``market_price``, ``payment``, ``net_cost`` and those in ``mean_of``, plus
        ``exhausted`` of shape (n,). ``year_starts`` opens each year's rows, named by
    ``year_labels``.
    """
    rows = len(row_labels)
    fan_paths = min(paths, max(1, FAN_SAMPLE // max(rows, 1)))
    totals = np.empty(paths)
    npvs = np.empty(paths)
    any_payment = np.empty(paths, dtype=bool)
    exhausted = np.empty(paths, dtype=bool)
    annual = np.empty((paths, len(year_starts)))
    sums = {name: np.zeros(rows) for name in mean_of}
    fan_price: list[FloatArray] = []
    fan_cost: list[FloatArray] = []
    kept = done = 0
    for prices in iter_price_paths(model, start_price, step_years, paths, seed):
        flows = settle(prices)
        n = prices.shape[0]
        net = flows["net_cost"]
        totals[done : done + n] = net.sum(axis=-1)
        npvs[done : done + n] = net @ discount
        any_payment[done : done + n] = (flows["payment"] > 0).any(axis=-1)
        exhausted[done : done + n] = flows["exhausted"]
        annual[done : done + n] = np.add.reduceat(net, year_starts, axis=-1)
        for name in sums:
            sums[name] += flows[name].sum(axis=0)
        if kept < fan_paths:
            take = min(n, fan_paths - kept)
            fan_price.append(flows["market_price"][:take])
            fan_cost.append(net[:take])
            kept += take
        done += n
        progress.report(done / paths)
    price_fan = fan(np.concatenate(fan_price)[:FAN_PATHS])
    cost_sample = np.concatenate(fan_cost)
    cost_fan = fan(cost_sample[:FAN_PATHS])
    cumulative_fan = fan(np.cumsum(cost_sample[:FAN_PATHS], axis=-1))
    # "A bad year", on all paths: each path's worst year, and each year's mean and P95.
    worst_year = annual.max(axis=-1)
    counts, edges = np.histogram(totals, bins=50, range=_histogram_range(totals))
    return PathRun(
        totals=totals,
        npvs=npvs,
        any_payment=any_payment,
        exhausted=exhausted,
        worst_year=worst_year,
        means={name: total / paths for name, total in sums.items()},
        fan=pd.DataFrame(
            {
                "period": list(row_labels),
                "price_p5": price_fan[0],
                "price_p50": price_fan[1],
                "price_p95": price_fan[2],
                "net_cost_p5": cost_fan[0],
                "net_cost_p50": cost_fan[1],
                "net_cost_p95": cost_fan[2],
                "cumulative_net_cost_p5": cumulative_fan[0],
                "cumulative_net_cost_p50": cumulative_fan[1],
                "cumulative_net_cost_p95": cumulative_fan[2],
            }
        ),
        annual=pd.DataFrame(
            {
                "year": list(year_labels),
                "net_cost_mean": annual.mean(axis=0),
                "net_cost_p95": np.quantile(annual, 0.95, axis=0),
            }
        ),
        histogram=pd.DataFrame(
            {"bin_start": edges[:-1], "bin_end": edges[1:], "count": counts}
        ),
    )


def _histogram_range(values: FloatArray) -> tuple[float, float]:
    """The values' range, widened when it is too narrow for 50 bins: totals that are
    equal but for rounding (every path paying the budget cap) have no usable range."""
    low, high = float(values.min()), float(values.max())
    floor = 1e-6 * max(abs(low), abs(high), 1.0)
    if high - low < floor:
        middle = 0.5 * (low + high)
        return middle - floor, middle + floor
    return low, high


def check_price_model(
    simulation: Any,
    history: Any,
    here: tuple[str | int, ...],
    errors: ErrorCollector,
) -> None:
    """A simulation's start price and model parameters, each given or estimable from
    ``history`` (the price history it starts from, if any); errors under ``here``."""
    if simulation.start_price is None and history is None:
        errors.add(
            (*here, "start_price"),
            gettext("Give a start price, or a price history to start from."),
        )
    needed = (
        ("drift", "volatility")
        if simulation.model == "gbm"
        else ("mean_reversion", "long_run_price", "volatility")
    )
    missing = [name for name in needed if getattr(simulation, name) is None]
    if missing and history is None:
        errors.add(
            (*here, missing[0]),
            (
                gettext("Give {fields}, or a price history to estimate it from.")
                if len(missing) == 1
                else gettext("Give {fields}, or a price history to estimate them from.")
            ).format(fields=gettext(" and ").join(missing)),
        )

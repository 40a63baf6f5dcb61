"""The price-gap subsidy's declared inputs (the contract, its settlement, indexation,
simulation and guarantee valuation) and their cross-field validation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from instruments.calculators.base import (
    ErrorCollector,
    InputError,
    Inputs,
    Series,
    spec,
)
from instruments.calculators.limits import (
    MAX_HISTORY,
    MAX_PATH_STEPS,
    MAX_PATHS,
    MAX_PERIODS,
    MAX_STEPS,
)
from instruments.calculators.periods import (
    group_periods,
)
from instruments.calculators.series import (
    discount_rate_spec,
    market_price_vat_spec,
    periods_spec,
    price_unit_spec,
    quantity_unit_spec,
)
from instruments.calculators.simulation import check_price_model
from instruments.calculators.translation import gettext, gettext_noop

DESIGN_LABELS = {
    "one_sided": gettext_noop(
        "One-sided top-up (government pays when the price is below the strike)"
    ),
    "two_sided": gettext_noop(
        "Two-sided contract for difference (producer pays back above the strike)"
    ),
    "double_auction": gettext_noop(
        "Double auction (buy at the purchase price, resell at the market)"
    ),
}


@dataclass(frozen=True, kw_only=True)
class Settlement:
    """How often payments settle and on which average."""

    every: Literal["quarter", "year"] = spec(
        "Settle every",
        default="quarter",
        help=gettext_noop(
            "Payments are worked out for each quarter or year instead of each period."
        ),
    )
    basis: Literal["average_price", "average_gap"] = spec(
        "Settlement basis",
        default="average_price",
        help=gettext_noop(
            "Pay the gap between the strike and the average price of the group, or "
            "the average of each period's gap. They differ: a floor of 110 on prices 100, "
            "90 and 130 pays 3.33 or 10.00 per unit."
        ),
        choice_labels={
            "average_price": gettext_noop("Gap on the average price"),
            "average_gap": gettext_noop("Average of the periods' gaps"),
        },
    )


@dataclass(frozen=True, kw_only=True)
class Indexation:
    """Indexation of the strike to an index (CPI) or a yearly escalation rate."""

    index: Series | None = spec(
        "Index values",
        default=None,
        min_value=0.0,
        exclusive_min=True,
        help=gettext_noop(
            "An index such as CPI, one value per period (or one for all). The strike "
            "is multiplied by index ÷ base."
        ),
    )
    base: float = spec(
        "Index base",
        default=100.0,
        min_value=0.0,
        exclusive_min=True,
        help=gettext_noop(
            "The index value in the year the strike is quoted in (e.g. 2012 = 100)."
        ),
    )
    escalation: float | None = spec(
        "Yearly escalation",
        unit="fraction a year",
        default=None,
        min_value=-0.5,
        max_value=1.0,
        help=gettext_noop(
            "Instead of an index: the strike grows by this rate each year (0.02 = 2 %)."
        ),
    )


@dataclass(frozen=True, kw_only=True)
class SubsidySimulation:
    """Simulated market prices for the fiscal risk of the subsidy."""

    model: Literal["gbm", "schwartz"] = spec(
        "Price model",
        default="gbm",
        help=gettext_noop(
            "GBM: prices drift and wander without pull. Schwartz: prices are pulled "
            "back toward a long-run level."
        ),
        choice_labels={
            "gbm": gettext_noop("Geometric Brownian motion"),
            "schwartz": gettext_noop("Mean-reverting (Schwartz one-factor)"),
        },
    )
    start_price: float | None = spec(
        "Start price",
        unit="price unit",
        default=None,
        min_value=0.0,
        exclusive_min=True,
        help=gettext_noop(
            "The price today, from which paths start. Defaults to the last price of "
            "the history."
        ),
    )
    drift: float | None = spec(
        "Drift",
        unit="fraction a year",
        default=None,
        min_value=-2.0,
        max_value=2.0,
        help=gettext_noop(
            "GBM: expected yearly growth of the price (0.02 = 2 %). Estimated from "
            "the history when left out."
        ),
    )
    volatility: float | None = spec(
        "Volatility",
        unit="fraction a year",
        default=None,
        min_value=0.0,
        max_value=3.0,
        help=gettext_noop(
            "Yearly standard deviation of log price changes (0.35 = 35 %). Estimated "
            "from the history when left out."
        ),
    )
    mean_reversion: float | None = spec(
        "Mean reversion speed",
        unit="per year",
        default=None,
        min_value=0.0,
        exclusive_min=True,
        max_value=50.0,
        help=gettext_noop(
            # xgettext:no-python-format (a percentage, not a placeholder)
            "Schwartz: how fast prices return toward the long-run level (1.0 closes "
            "about 63 % of the gap in a year)."
        ),
    )
    long_run_price: float | None = spec(
        "Long-run price",
        unit="price unit",
        default=None,
        min_value=0.0,
        exclusive_min=True,
        help=gettext_noop(
            "Schwartz: the long-run median price, the level prices are pulled "
            "toward (e^α; the long-run mean is e^(α + σ²/(4κ)), a little higher)."
        ),
    )
    paths: int = spec(
        "Number of paths",
        default=10_000,
        min_value=1,
        max_value=MAX_PATHS,
        help=f"How many price paths to simulate (at most {MAX_PATHS:,}).",
    )
    seed: int = spec(
        "Random seed",
        default=1,
        min_value=0,
        help=gettext_noop(
            "The same seed gives the same paths, so results can be reproduced."
        ),
    )
    steps: int | None = spec(
        "Steps",
        default=None,
        min_value=1,
        max_value=MAX_STEPS,
        help=gettext_noop("When no periods are given: how many steps to simulate."),
    )
    step_years: float | None = spec(
        "Step length",
        unit="years",
        default=None,
        min_value=0.0,
        exclusive_min=True,
        max_value=10.0,
        help=gettext_noop(
            "When no periods are given: the length of one step (a month is 1/12)."
        ),
    )
    price_history: Series | None = spec(
        "Price history",
        unit="price unit",
        default=None,
        min_value=0.0,
        exclusive_min=True,
        max_items=MAX_HISTORY,
        per_period=False,
        help=gettext_noop(
            "Past prices, oldest first, used to estimate the parameters left out."
        ),
    )
    history_step_years: float | None = spec(
        "History interval",
        unit="years",
        default=None,
        min_value=0.0,
        exclusive_min=True,
        max_value=10.0,
        help=gettext_noop(
            "Time between two prices of the history (a month is 1/12). Defaults to "
            "the length of one period."
        ),
    )


@dataclass(frozen=True, kw_only=True)
class GuaranteeValuation:
    """Market value of the guarantee with Black-76 on a forward curve."""

    forward: Series = spec(
        "Forward price",
        unit="price unit",
        min_value=0.0,
        help=gettext_noop(
            "The forward (futures) price for each period, or one for all."
        ),
    )
    volatility: float = spec(
        "Volatility",
        unit="fraction a year",
        min_value=0.0,
        max_value=3.0,
        help=gettext_noop("Implied volatility of the price (0.35 = 35 %)."),
    )
    rate: float = spec(
        "Interest rate",
        unit="fraction a year",
        default=0.0,
        min_value=-0.1,
        max_value=1.0,
        help=gettext_noop("Risk-free rate, continuously compounded, for discounting."),
    )
    settlement_years: tuple[float, ...] | None = spec(
        "Settlement times",
        unit="years",
        default=None,
        min_value=0.0,
        max_items=MAX_PERIODS,
        per_period=True,
        help=gettext_noop(
            "Years from today to each settlement; defaults to the end of each period."
        ),
    )


@dataclass(frozen=True, kw_only=True)
class PriceGapSubsidyInputs(Inputs):
    """What a price-gap subsidy needs."""

    periods: tuple[str, ...] | None = periods_spec(optional=True)
    design: Literal["one_sided", "two_sided", "double_auction"] = spec(
        "Design",
        default="one_sided",
        choice_labels=DESIGN_LABELS,
        help=gettext_noop(
            "One-sided pays only when the market is below the strike; two-sided also "
            "recovers money when the market is above it."
        ),
    )
    strike: Series = spec(
        "Strike (floor) price",
        unit="price unit",
        min_value=0.0,
        help=gettext_noop(
            "The guaranteed price (floor, strike or contract price), in base-year "
            "terms when indexed."
        ),
    )
    market_price: Series | None = spec(
        "Market reference price",
        unit="price unit",
        default=None,
        min_value=0.0,
        help=gettext_noop("The market price each period. Leave out to simulate it."),
    )
    market_price_vat: float | None = market_price_vat_spec()
    quantity: Series = spec(
        "Eligible quantity",
        unit="quantity unit",
        min_value=0.0,
        help=gettext_noop(
            "Quantity sold or stockpiled that the guarantee covers, per period."
        ),
    )
    volume_cap: Series | None = spec(
        "Volume cap",
        unit="quantity unit",
        default=None,
        min_value=0.0,
        help=gettext_noop("Most quantity covered in a period; more is not paid for."),
    )
    price_unit: str = price_unit_spec("USD/kg")
    quantity_unit: str = quantity_unit_spec()
    upside_share: float = spec(
        "Upside share",
        unit="fraction",
        default=0.0,
        min_value=0.0,
        max_value=1.0,
        help=gettext_noop(
            "Share of the market price above the threshold that the government "
            "receives (0.3 = 30 %)."
        ),
    )
    upside_threshold: Series | None = spec(
        "Upside threshold",
        unit="price unit",
        default=None,
        min_value=0.0,
        help=gettext_noop(
            "Price above which upside is shared; defaults to the strike."
        ),
    )
    upside_from: str | None = spec(
        "Upside shared from",
        default=None,
        help=gettext_noop(
            "First period in which upside is shared; defaults to the first period."
        ),
    )
    indexation: Indexation | None = spec(
        "Indexation",
        default=None,
        help=gettext_noop("Index the strike to CPI or a yearly rate."),
    )
    budget_cap: float | None = spec(
        "Budget cap",
        unit="money",
        default=None,
        min_value=0.0,
        help=gettext_noop(
            "Most the government pays out per year (or in total), in the price's "
            "currency."
        ),
    )
    budget_every: Literal["year", "total"] = spec(
        "Budget applies",
        default="year",
        choice_labels={
            "year": gettext_noop("Each year"),
            "total": gettext_noop("Over the whole programme"),
        },
    )
    budget_rule: Literal["pro_rata", "carry_forward"] = spec(
        "Over budget",
        default="pro_rata",
        choice_labels={
            "pro_rata": gettext_noop("Scale all payments down (pro rata)"),
            "carry_forward": gettext_noop("Pay in order; carry the rest forward"),
        },
        help=gettext_noop("What happens to claims above the budget."),
    )
    settlement: Settlement | None = spec(
        "Settlement",
        default=None,
        help=gettext_noop("Settle on quarters or years of periods."),
    )
    discount_rate: float = discount_rate_spec()
    simulation: SubsidySimulation | None = spec(
        "Price simulation",
        default=None,
        help=gettext_noop("Simulate prices to see the fiscal risk."),
    )
    valuation: GuaranteeValuation | None = spec(
        "Market value",
        default=None,
        help=gettext_noop("Value the guarantee as a strip of options."),
    )

    def n_periods(self) -> int | None:
        """The periods, or without them the simulation's steps."""
        if self.periods is not None:
            return len(self.periods)
        return None if self.simulation is None else self.simulation.steps

    def validate(self, errors: ErrorCollector) -> None:
        """Cross-field rules (bounds, lengths and units are checked by the base)."""
        _validate(self, errors)


# --- validation ---------------------------------------------------------------------


def _validate(inputs: PriceGapSubsidyInputs, errors: ErrorCollector) -> None:
    simulation = inputs.simulation
    labels: tuple[str, ...] | None = inputs.periods
    if labels is None and simulation is not None:
        if simulation.steps is None or simulation.step_years is None:
            errors.add(
                ("periods",),
                gettext("Give the periods, or the simulation's steps and step length."),
            )
    elif labels is None:
        errors.add(("periods",), gettext("This field is required."))
    if inputs.market_price is None and simulation is None:
        errors.add(
            ("market_price",),
            gettext("Give the market price, or a simulation to generate it."),
        )
    if inputs.design != "one_sided" and inputs.upside_share > 0:
        errors.add(
            ("upside_share",),
            gettext(
                "A two-sided contract (or double auction) already pays back everything "
                "above the strike; it has no separate upside share. Set the upside share "
                "to 0 or choose the one-sided design."
            ),
        )
    if inputs.upside_from is not None:
        if labels is None:
            errors.add(("upside_from",), gettext("Needs the periods."))
        elif inputs.upside_from not in labels:
            errors.add(
                ("upside_from",),
                gettext("{upside_from!r} is not one of the periods.").format(
                    upside_from=inputs.upside_from
                ),
            )
    if inputs.indexation is not None:
        index = inputs.indexation
        if (index.index is None) == (index.escalation is None):
            errors.add(
                ("indexation", "index"),
                gettext("Give either an index or an escalation rate."),
            )
    if inputs.settlement is not None:
        if labels is None:
            errors.add(
                ("settlement", "every"), gettext("Settlement groups need the periods.")
            )
        elif not errors.has(("periods",)):
            try:
                group_periods(labels, inputs.settlement.every)
            except InputError as exc:
                errors.merge(exc)
    if simulation is not None:
        _validate_simulation(simulation, inputs.n_periods(), errors)


def _validate_simulation(
    simulation: SubsidySimulation, n: int | None, errors: ErrorCollector
) -> None:
    here = ("simulation",)
    if n is not None and simulation.paths * n > MAX_PATH_STEPS:
        errors.add(
            (*here, "paths"),
            gettext(
                "{paths:,} paths × {n:,} steps = {paths2:,} exceeds the limit of {MAX_PATH_STEPS:,} per request; use fewer paths."
            ).format(
                paths=simulation.paths,
                n=n,
                paths2=simulation.paths * n,
                MAX_PATH_STEPS=MAX_PATH_STEPS,
            ),
        )
    check_price_model(simulation, simulation.price_history, here, errors)

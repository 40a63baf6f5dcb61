"""The project-support calculator's declared inputs (INSTRUMENTS.md §12): the project,
its price (simulated or typed), the dominant supplier's price war, the support
instruments and the bankability target, with their cross-field validation."""

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
from instruments.calculators.limits import MAX_HISTORY, MAX_PERIODS
from instruments.calculators.translation import gettext_noop
from instruments.calculators.units import money_factor

MAX_PROJECT_PATHS = 100_000
"""Simulated price paths per request."""

MAX_PROJECT_PATH_YEARS = 4_000_000
"""Paths × project years per request: every path is held in memory at once (the solver
evaluates all of them at each step), about 32 MB per array."""

MAX_YEARS = 60
"""Longest construction or operating life."""

STAGES = ("mine", "refinery", "processing", "recycling")

STAGE_LABELS = {
    "mine": "Mine",
    "refinery": "Refinery (separation, smelting)",
    "processing": "Processing (metal, alloy, magnet, precursor)",
    "recycling": "Recycling",
}

SupportKind = Literal[
    "price_floor",
    "two_sided_cfd",
    "offtake_fixed",
    "offtake_collar",
    "capex_grant",
    "concessional_loan",
]

SUPPORT_KINDS: tuple[SupportKind, ...] = (
    "price_floor",
    "two_sided_cfd",
    "offtake_fixed",
    "offtake_collar",
    "capex_grant",
    "concessional_loan",
)

SUPPORT_LABELS = {
    "price_floor": "Price floor (one-sided top-up)",
    "two_sided_cfd": "Two-sided contract for difference",
    "offtake_fixed": "Offtake at a fixed price",
    "offtake_collar": "Offtake with a collar (floor and cap)",
    "capex_grant": "Capital grant (share of capex)",
    "concessional_loan": "Concessional loan (rate on the debt)",
}


METRIC_LABELS = {
    "probability_npv_positive": "Probability that NPV ≥ 0",
    "p10_min_dscr": "Minimum DSCR in 9 paths of 10 (P10)",
    "p50_irr": "Median IRR",
}

Metric = Literal["probability_npv_positive", "p10_min_dscr", "p50_irr"]


@dataclass(frozen=True, kw_only=True)
class Debt:
    """Debt: a share of capex drawn when construction ends, repaid as a flat annuity."""

    share: float = spec(
        "Debt share of capex",
        unit="fraction",
        default=0.6,
        min_value=0.0,
        max_value=1.0,
        help=gettext_noop(
            "Share of capex (after any grant) financed with debt (0.6 = 60 %)."
        ),
    )
    rate: float = spec(
        "Interest rate",
        unit="fraction a year",
        default=0.07,
        min_value=0.0,
        max_value=1.0,
        help=gettext_noop("The lenders' rate without support (0.07 = 7 % a year)."),
    )
    tenor_years: int = spec(
        "Tenor",
        unit="years",
        default=10,
        min_value=1,
        max_value=MAX_YEARS,
        help=gettext_noop(
            "Years of repayment from the first operating year (flat annuity)."
        ),
    )


@dataclass(frozen=True, kw_only=True)
class Project:
    """A mine, refinery, processing plant or recycler (§12's project fields)."""

    name: str = spec("Project name", default="Project")
    stage: Literal["mine", "refinery", "processing", "recycling"] = spec(
        "Stage", default="refinery", choice_labels=STAGE_LABELS
    )
    country: str = spec(
        "Country", default="", help=gettext_noop("Where the project is.")
    )
    commodity: str | None = spec(
        "Commodity",
        default=None,
        help=gettext_noop(
            "What it sells (a stored commodity code such as ndpr-oxide); optional "
            "when the price is typed."
        ),
    )
    capacity: float = spec(
        "Capacity",
        unit="quantity unit a year",
        min_value=0.0,
        exclusive_min=True,
        help=gettext_noop("Nameplate output a year, in the quantity unit."),
    )
    ramp_up: tuple[float, ...] | None = spec(
        "Ramp-up",
        unit="fraction",
        default=None,
        min_value=0.0,
        max_value=1.5,
        max_items=MAX_YEARS,
        help=gettext_noop(
            "Share of capacity produced in each operating year, first year first "
            "(0.4, 0.7, 0.9); later years run at full capacity."
        ),
    )
    capex: Series = spec(
        "Capex",
        unit="money",
        min_value=0.0,
        max_items=MAX_YEARS,
        per_period=False,
        help=gettext_noop(
            "Capital cost in the price's currency: one total (spread evenly over the "
            "construction years) or one amount per construction year."
        ),
    )
    construction_years: int = spec(
        "Construction years",
        unit="years",
        default=2,
        min_value=1,
        max_value=MAX_YEARS,
        help=gettext_noop("Capex is paid at the end of each construction year."),
    )
    life_years: int = spec(
        "Operating life",
        unit="years",
        default=20,
        min_value=1,
        max_value=MAX_YEARS,
        help=gettext_noop("Years of operation after construction."),
    )
    unit_opex: float = spec(
        "Operating cost per unit",
        unit="price unit",
        default=0.0,
        min_value=0.0,
        help=gettext_noop(
            "Cash cost per unit produced (feed, reagents, energy), in the price unit."
        ),
    )
    fixed_opex: float = spec(
        "Fixed operating cost",
        unit="money",
        default=0.0,
        min_value=0.0,
        help=gettext_noop("Cash cost a year whatever the output (staff, maintenance)."),
    )
    realised_share: float = spec(
        "Realised share of the benchmark price",
        unit="fraction",
        default=1.0,
        min_value=0.0,
        max_value=1.5,
        help=gettext_noop(
            "What the project gets per unit as a share of the benchmark price "
            "(payability, discounts, premiums): 0.9 = 90 %."
        ),
    )
    tax_rate: float = spec(
        "Tax rate",
        unit="fraction",
        default=0.25,
        min_value=0.0,
        max_value=0.9,
        help=gettext_noop(
            "Corporate income tax on operating profit after straight-line "
            "depreciation of capex over the life."
        ),
    )
    discount_rate: float = spec(
        "Sponsor's discount rate",
        unit="fraction a year",
        default=0.08,
        min_value=-0.5,
        max_value=1.0,
        help=gettext_noop(
            "The sponsor's hurdle rate for the project's NPV (0.08 = 8 %)."
        ),
    )
    debt: Debt | None = spec(
        "Debt",
        default=None,
        help=gettext_noop("Leave out for an all-equity project (no DSCR)."),
    )
    price_unit: str | None = spec(
        "Price unit of this project",
        default=None,
        help=gettext_noop(
            "The unit its unit cost is in (as the register gives it); when given it "
            "replaces the request's price unit."
        ),
    )
    quantity_unit: str | None = spec(
        "Quantity unit of this project",
        default=None,
        help=gettext_noop(
            "The unit its capacity is in; when given it replaces the request's."
        ),
    )


@dataclass(frozen=True, kw_only=True)
class ProjectSimulation:
    """§5's simulated benchmark prices, one step a year from the start of year 1."""

    model: Literal["gbm", "schwartz"] = spec(
        "Price model",
        default="gbm",
        choice_labels={
            "gbm": gettext_noop("Geometric Brownian motion"),
            "schwartz": gettext_noop("Mean-reverting (Schwartz one-factor)"),
        },
        help=gettext_noop(
            "GBM: prices drift and wander without pull. Schwartz: prices are pulled "
            "back toward a long-run level."
        ),
    )
    start_price: float | None = spec(
        "Start price",
        unit="price unit",
        default=None,
        min_value=0.0,
        exclusive_min=True,
        help=gettext_noop(
            "The price today. Defaults to the last price of the history."
        ),
    )
    drift: float | None = spec(
        "Drift",
        unit="fraction a year",
        default=None,
        min_value=-2.0,
        max_value=2.0,
        help=gettext_noop(
            "GBM: expected yearly growth (0.02 = 2 %). Estimated from the history "
            "when left out."
        ),
    )
    volatility: float | None = spec(
        "Volatility",
        unit="fraction a year",
        default=None,
        min_value=0.0,
        max_value=3.0,
        help=gettext_noop(
            "Yearly standard deviation of log price changes (0.35 = 35 %)."
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
            "Schwartz: how fast prices return toward the long-run level."
        ),
    )
    long_run_price: float | None = spec(
        "Long-run price",
        unit="price unit",
        default=None,
        min_value=0.0,
        exclusive_min=True,
        help=gettext_noop("Schwartz: the long-run median price."),
    )
    paths: int = spec(
        "Number of paths",
        default=2_000,
        min_value=1,
        max_value=MAX_PROJECT_PATHS,
        help=f"How many price paths to simulate (at most {MAX_PROJECT_PATHS:,}).",
    )
    seed: int = spec(
        "Random seed",
        default=1,
        min_value=0,
        help=gettext_noop("The same seed gives the same paths."),
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
            "Past prices, oldest first, to estimate the parameters left out."
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
            "Years between two prices of the history (a month is 1/12); defaults to 1."
        ),
    )


@dataclass(frozen=True, kw_only=True)
class StrategicResponse:
    """The dominant supplier's price war against new capacity, as a scenario."""

    cut: float = spec(
        "Price cut",
        unit="fraction",
        min_value=0.0,
        max_value=1.0,
        exclusive_max=True,
        # xgettext:no-python-format
        help=gettext_noop("Every path is lowered by this share (0.4 = 40 % lower) ..."),
    )
    years: int = spec(
        "Years of the price war",
        unit="years",
        default=2,
        min_value=1,
        max_value=MAX_YEARS,
        help=gettext_noop("... for this many years from first production."),
    )


@dataclass(frozen=True, kw_only=True)
class Support:
    """One support instrument, at a given level or solved for the lowest level that
    makes the project bankable."""

    kind: SupportKind = spec("Instrument", choice_labels=SUPPORT_LABELS)
    level: float | None = spec(
        "Level",
        default=None,
        min_value=0.0,
        help=gettext_noop(
            "Floor, strike or offtake price (price unit), the collar's floor, the "
            "grant's share of capex (fraction) or the loan's rate (fraction a year). "
            "Leave empty to solve for it."
        ),
    )
    solve: bool = spec(
        "Solve for the level",
        default=False,
        help=gettext_noop(
            "Find the lowest level (for a loan: the highest rate) that meets the "
            "bankability target."
        ),
    )
    share: float = spec(
        "Share of output taken",
        unit="fraction",
        default=1.0,
        min_value=0.0,
        max_value=1.0,
        help=gettext_noop("Offtakes: the share of output the buyer takes (1 = all)."),
    )
    cap: float | None = spec(
        "Collar cap",
        unit="price unit",
        default=None,
        min_value=0.0,
        help=gettext_noop("Offtake with a collar: the cap price (none: no cap)."),
    )
    max_level: float | None = spec(
        "Highest level searched",
        default=None,
        min_value=0.0,
        help=gettext_noop(
            # xgettext:no-python-format
            "Upper bound of the search (default: 10 × the highest simulated price; "
            "a grant 100 % of capex; a loan the lenders' rate)."
        ),
    )


@dataclass(frozen=True, kw_only=True)
class BankabilityTarget:
    """What bankable means: NPV ≥ 0 on a share of paths, a P10 DSCR or a median IRR."""

    metric: Metric = spec(
        "Bankability metric",
        default="probability_npv_positive",
        choice_labels=METRIC_LABELS,
    )
    target: float = spec(
        "Target",
        default=0.9,
        min_value=-1.0,
        max_value=100.0,
        help=gettext_noop(
            "The share of paths with NPV ≥ 0 (0.9 = 9 paths in 10), the P10 of the "
            "minimum DSCR (1.3) or the median IRR (0.12 = 12 %)."
        ),
    )


@dataclass(frozen=True, kw_only=True)
class ProjectSupportInputs(Inputs):
    """What the project-support calculator needs."""

    project: Project = spec("Project", help=gettext_noop("The project (§12's fields)."))
    price_unit: str = spec(
        "Price unit",
        default="USD/kg",
        help=gettext_noop(
            "Currency per quantity of the benchmark price, e.g. USD/kg, USD/t."
        ),
    )
    quantity_unit: str = spec(
        "Quantity unit",
        default="t",
        help=gettext_noop("Unit of the capacity, e.g. t or kg."),
    )
    start_year: int | None = spec(
        "First construction year",
        default=None,
        min_value=1900,
        max_value=2200,
        help=gettext_noop(
            "Calendar year of construction year 1, for the row labels (optional)."
        ),
    )
    price_path: Series | None = spec(
        "Benchmark price by operating year",
        unit="price unit",
        default=None,
        min_value=0.0,
        max_items=MAX_YEARS,
        per_period=False,
        help=gettext_noop(
            "A typed path: one price for every operating year, or one a year. "
            "Leave out to simulate."
        ),
    )
    simulation: ProjectSimulation | None = spec(
        "Price simulation",
        default=None,
        help=gettext_noop(
            "Simulated benchmark prices (GBM or Schwartz), estimated from the "
            "commodity's stored history unless given."
        ),
    )
    periods: tuple[str, ...] | None = spec(
        "Periods of the price history",
        default=None,
        max_items=MAX_HISTORY,
        help=gettext_noop(
            "Filled with the stored series' periods when a commodity is named."
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
            "Past benchmark prices, oldest first (filled from the stored series when "
            "a commodity is named): the simulation starts from the last one and "
            "estimates what is not given from them."
        ),
    )
    strategic_response: StrategicResponse | None = spec(
        "Price war by the dominant supplier",
        default=None,
        help=gettext_noop(
            "Lower every path for the first years of production (rare earths after "
            "2011)."
        ),
    )
    support: tuple[Support, ...] | None = spec(
        "Support instruments",
        default=None,
        max_items=12,
        as_table=True,
        help=gettext_noop(
            "Each at a level or solved. Leave out to solve every instrument."
        ),
    )
    bankability: BankabilityTarget | None = spec(
        "Bankability target",
        default=None,
        help=gettext_noop("Default: NPV ≥ 0 on 9 paths in 10."),
    )
    public_discount_rate: float = spec(
        "Public discount rate",
        unit="fraction a year",
        default=0.03,
        min_value=-0.5,
        max_value=1.0,
        help=gettext_noop(
            "The state's rate for the present value of its cost (0.03 = 3 %)."
        ),
    )

    def n_periods(self) -> int | None:
        """No per-period fields: a project runs on its own years."""
        return None

    def validate(self, errors: ErrorCollector) -> None:
        """Cross-field rules (bounds and units are checked by the base)."""
        _validate(self, errors)


def _validate(inputs: ProjectSupportInputs, errors: ErrorCollector) -> None:
    project = inputs.project
    if project.price_unit or project.quantity_unit:
        try:
            money_factor(
                project.quantity_unit or inputs.quantity_unit,
                project.price_unit or inputs.price_unit,
            )
        except InputError as exc:
            errors.merge(exc, ("project",))
    construction, life = project.construction_years, project.life_years
    capex = inputs.project.capex
    if isinstance(capex, tuple) and len(capex) not in (1, construction):
        errors.add(
            ("project", "capex"),
            f"{len(capex)} amounts given, {construction} construction years: give "
            "one total or one amount per construction year.",
        )
    if project.ramp_up is not None and len(project.ramp_up) > life:
        errors.add(
            ("project", "ramp_up"),
            f"{len(project.ramp_up)} ramp-up shares for {life} operating years.",
        )
    if project.debt is not None and project.debt.tenor_years > life:
        errors.add(
            ("project", "debt", "tenor_years"),
            f"The debt must be repaid within the {life} operating years.",
        )
    path = inputs.price_path
    if isinstance(path, tuple) and len(path) not in (1, life):
        errors.add(
            ("price_path",),
            f"{len(path)} prices given, {life} operating years: give one price, or "
            "one per operating year.",
        )
    _validate_price_source(inputs, errors)
    if inputs.periods is not None and inputs.price_history is not None:
        history = inputs.price_history
        count = len(history) if isinstance(history, tuple) else 1
        if count != len(inputs.periods):
            errors.add(
                ("price_history",),
                f"{count} prices given, {len(inputs.periods)} history periods.",
            )
    if len(inputs.periods or ()) > MAX_PERIODS * 20:
        errors.add(("periods",), "Too many history periods.")
    response = inputs.strategic_response
    if response is not None and response.years > life:
        errors.add(
            ("strategic_response", "years"),
            f"The price war cannot outlast the {life} operating years.",
        )
    for i, support in enumerate(inputs.support or ()):
        _validate_support(inputs, support, i, errors)
    target = inputs.bankability
    if target is not None:
        _validate_target(target, errors)


def _validate_price_source(
    inputs: ProjectSupportInputs, errors: ErrorCollector
) -> None:
    simulation = inputs.simulation
    if inputs.price_path is not None:
        if simulation is not None:
            errors.add(
                ("price_path",),
                "Give a typed price path or a simulation, not both.",
            )
        return
    history = inputs.price_history
    if simulation is None:
        if history is None:
            errors.add(
                ("price_path",),
                "Give a price path, a simulation, or name a commodity whose stored "
                "prices the simulation is estimated from.",
            )
        return
    years = inputs.project.construction_years + inputs.project.life_years
    if simulation.paths * years > MAX_PROJECT_PATH_YEARS:
        errors.add(
            ("simulation", "paths"),
            f"{simulation.paths:,} paths × {years} years = {simulation.paths * years:,}"
            f" exceeds the limit of {MAX_PROJECT_PATH_YEARS:,} per request; use fewer "
            "paths.",
        )
    history = (
        simulation.price_history if simulation.price_history is not None else (history)
    )
    if simulation.start_price is None and history is None:
        errors.add(
            ("simulation", "start_price"),
            "Give a start price, or a price history to start from.",
        )
    needed = (
        ("drift", "volatility")
        if simulation.model == "gbm"
        else ("mean_reversion", "long_run_price", "volatility")
    )
    missing = [name for name in needed if getattr(simulation, name) is None]
    if missing and history is None:
        errors.add(
            ("simulation", missing[0]),
            f"Give {' and '.join(missing)}, or a price history to estimate "
            f"{'it' if len(missing) == 1 else 'them'} from.",
        )


def _validate_support(
    inputs: ProjectSupportInputs, support: Support, i: int, errors: ErrorCollector
) -> None:
    here = ("support", i)
    if support.solve == (support.level is not None):
        errors.add(
            (*here, "level"),
            "Give a level, or ask to solve for it (one of the two).",
        )
    if (
        support.kind == "capex_grant"
        and support.level is not None
        and support.level > 1.0
    ):
        errors.add(
            (*here, "level"),
            "A grant is a share of capex, at most 1. Shares are decimals: did you "
            f"mean {support.level / 100:g}?",
        )
    if support.kind == "concessional_loan":
        debt = inputs.project.debt
        if debt is None or debt.share == 0:
            errors.add(
                (*here, "kind"),
                "A concessional loan needs the project's debt (a share above 0).",
            )
        elif support.level is not None and support.level > 1.0:
            errors.add(
                (*here, "level"),
                f"A rate is a decimal: did you mean {support.level / 100:g}?",
            )
    if support.kind == "offtake_collar":
        if (
            support.cap is not None
            and support.level is not None
            and support.cap < support.level
        ):
            errors.add((*here, "cap"), "The cap must be at least the collar's floor.")
    elif support.cap is not None:
        errors.add((*here, "cap"), "Only an offtake with a collar has a cap.")


def _validate_target(target: BankabilityTarget, errors: ErrorCollector) -> None:
    here = ("bankability", "target")
    if target.metric == "probability_npv_positive" and not 0 < target.target <= 1:
        errors.add(
            here,
            "A probability between 0 and 1 (0.9 = 9 paths in 10). Shares are decimals.",
        )
    elif target.metric == "p50_irr" and not -0.99 < target.target <= 2.0:
        errors.add(here, "An IRR as a decimal (0.12 = 12 %), between −0.99 and 2.")
    elif target.metric == "p10_min_dscr" and not 0 < target.target <= 20:
        errors.add(here, "A cover ratio such as 1.3, above 0 and at most 20.")

"""The stockpile calculator's inputs (INSTRUMENTS.md §11): the market model's baseline
(§9, §10) plus the horizon, the disruption, the stockpiles, coordination, the build-up,
the scenarios and the sizes. Declared once: the form, the API and its schema are built
from them."""

from __future__ import annotations

from dataclasses import dataclass

from instruments.calculators.base import ErrorCollector, Inputs, spec
from instruments.calculators.limits import (
    MAX_MARKETS,
    MAX_MEASURES,
    MAX_ORIGINS,
    MAX_ROUTES,
    MAX_STOCKPILE_DRAWS,
    MAX_STOCKPILE_MONTHS,
    MAX_STOCKPILE_SIZES,
)
from instruments.calculators.plurilateral_inputs import (
    SELECTOR_HELP,
    ElasticityRanges,
    FlowInput,
    MarketInput,
    MeasureInput,
    OriginInput,
)
from instruments.calculators.series import price_unit_spec, quantity_unit_spec
from instruments.calculators.translation import gettext, gettext_noop


@dataclass(frozen=True, kw_only=True)
class DisruptionInput:
    """An origin's sales into some markets capped for some months."""

    origin: str = spec(
        "Restricting origin",
        help=gettext_noop("Code of the origin whose sales are cut (CHN)."),
    )
    cut: float = spec(
        "Cut",
        unit="fraction",
        min_value=0.0,
        max_value=1.0,
        exclusive_max=True,
        help=gettext_noop(
            "Share of its base sales into the markets named that it withholds "
            "(0.5 = half)."
        ),
    )
    markets: tuple[str, ...] = spec(
        "Into markets",
        default=("members",),
        help=f"Markets whose imports from the origin are capped. {SELECTOR_HELP}",
    )
    start: int = spec(
        "First month",
        default=1,
        min_value=1,
        help=gettext_noop("Month of the horizon it starts in."),
    )
    months: int = spec(
        "Months", default=6, min_value=1, help=gettext_noop("How many months it lasts.")
    )


@dataclass(frozen=True, kw_only=True)
class StockpileInput:
    """One market's stockpile: give a quantity, or days of consumption or of net
    imports."""

    market: str = spec("Market", help=gettext_noop("Code of a market above."))
    stock: float | None = spec(
        "Stock",
        unit="quantity unit",
        default=None,
        min_value=0.0,
        help=gettext_noop("The stock as a quantity."),
    )
    days: float | None = spec(
        "Days of consumption",
        unit="days",
        default=None,
        min_value=0.0,
        max_value=3650.0,
        help=gettext_noop(
            "The stock as days of the market's base consumption (JOGMEC: 60)."
        ),
    )
    days_net_imports: float | None = spec(
        "Days of net imports",
        unit="days",
        default=None,
        min_value=0.0,
        max_value=3650.0,
        help=gettext_noop(
            "The stock as days of the market's base net imports (IEA oil: 90)."
        ),
    )
    trigger: float = spec(
        "Release trigger",
        default=1.25,
        min_value=1.0,
        max_value=100.0,
        help=gettext_noop(
            "Release when the market's price index passes this ratio to base "
            "(1.25: 25 % above), and no more than brings it back down to it."
        ),
    )
    max_monthly_share: float = spec(
        "Most released in a month",
        unit="fraction",
        default=0.25,
        min_value=0.0,
        max_value=1.0,
        exclusive_min=True,
        help=gettext_noop(
            "Share of the initial stock that may be released in one month."
        ),
    )
    holding_cost: float = spec(
        "Holding cost",
        unit="money per unit a year",
        default=0.0,
        min_value=0.0,
        help=gettext_noop(
            "Storage and handling, in the price unit's currency per quantity unit "
            "a year."
        ),
    )
    capital_rate: float = spec(
        "Capital cost",
        unit="fraction a year",
        default=0.0,
        min_value=0.0,
        max_value=1.0,
        help=gettext_noop(
            "Yearly cost of the money tied up in the stock (0.04 = 4 %)."
        ),
    )


@dataclass(frozen=True, kw_only=True)
class BuildUp:
    """The stocks bought evenly over some months before the horizon."""

    months: int = spec(
        "Build-up months",
        min_value=1,
        max_value=MAX_STOCKPILE_MONTHS,
        help=gettext_noop(
            "The purchases are extra demand in the stocked markets in these months."
        ),
    )


@dataclass(frozen=True, kw_only=True)
class Scenarios:
    """Disruptions drawn at random: how often, how long and how deep."""

    draws: int = spec(
        "Draws",
        default=1000,
        min_value=1,
        max_value=MAX_STOCKPILE_DRAWS,
        help=gettext_noop(
            "Disruptions drawn (length and depth); same seed, same draws."
        ),
    )
    annual_probability: float = spec(
        "Chance of a disruption in a year",
        unit="fraction",
        min_value=0.0,
        max_value=1.0,
        help=gettext_noop(
            "At most one disruption a year, each year alike (0.1 = once a decade)."
        ),
    )
    months: tuple[float, ...] = spec(
        "Length in months: least, most likely, most",
        default=(3.0, 6.0, 12.0),
        help=gettext_noop("A triangular distribution, rounded to whole months."),
    )
    cut: tuple[float, ...] = spec(
        "Cut: least, most",
        unit="fraction",
        default=(0.3, 0.7),
        help=gettext_noop("A uniform distribution of the share withheld."),
    )
    years: int = spec(
        "Years",
        default=10,
        min_value=1,
        max_value=50,
        help=gettext_noop("How long stocks are held."),
    )
    seed: int = spec(
        "Seed", default=1, min_value=0, help=gettext_noop("Same seed, same draws.")
    )


@dataclass(frozen=True, kw_only=True)
class StockpileInputs(Inputs):
    """What the stockpile model needs."""

    price_unit: str = price_unit_spec("USD/kg")
    quantity_unit: str = quantity_unit_spec()
    markets: tuple[MarketInput, ...] = spec(
        "Markets",
        max_items=MAX_MARKETS,
        as_table=True,
        help=gettext_noop(
            "Importing markets, the members (those with stocks) and a rest of the "
            "world (ROW)."
        ),
    )
    origins: tuple[OriginInput, ...] = spec(
        "Origins",
        max_items=MAX_ORIGINS,
        as_table=True,
        help=gettext_noop("Exporters and markets' own producers."),
    )
    flows: tuple[FlowInput, ...] = spec(
        "Trade flows",
        max_items=MAX_ROUTES,
        as_table=True,
        help=gettext_noop(
            "Base-year quantity on each route (a year; a month is a twelfth)."
        ),
    )
    measures_before: tuple[MeasureInput, ...] = spec(
        "Measures in force",
        default=(),
        max_items=MAX_MEASURES,
        as_table=True,
        help=gettext_noop(
            "Tariffs and other measures in the base prices, in force throughout."
        ),
    )
    elasticity_ranges: ElasticityRanges | None = spec(
        "Published elasticity ranges",
        default=None,
        help=gettext_noop(
            "Where the elasticities come from (stored data fills them); cited."
        ),
    )
    months: int = spec(
        "Horizon",
        unit="months",
        default=12,
        min_value=1,
        max_value=MAX_STOCKPILE_MONTHS,
        help=gettext_noop("Months simulated, each one equilibrium."),
    )
    disruption: DisruptionInput | None = spec(
        "Disruption",
        default=None,
        help=gettext_noop(
            "An origin's sales into some markets capped; none: the base every month."
        ),
    )
    stockpiles: tuple[StockpileInput, ...] = spec(
        "Stockpiles",
        default=(),
        max_items=MAX_MARKETS,
        as_table=True,
        help=gettext_noop("One per market holding a stock: the members."),
    )
    coordinated: bool = spec(
        "Coordinated releases",
        default=True,
        help=gettext_noop(
            "Pool the members' stocks and release them together (the rows show "
            "this choice; the summary reports both)."
        ),
    )
    build_up: BuildUp | None = spec(
        "Build-up",
        default=None,
        help=gettext_noop(
            "Buy the stocks over some months before the horizon; none: they are "
            "bought at the base price."
        ),
    )
    scenarios: Scenarios | None = spec(
        "Disruption scenarios",
        default=None,
        help=gettext_noop("Expected net benefit of each size over random disruptions."),
    )
    sizes: tuple[float, ...] | None = spec(
        "Stock sizes to compare",
        unit="days",
        default=None,
        max_items=MAX_STOCKPILE_SIZES,
        help=gettext_noop(
            "Days of consumption for every member (e.g. 0, 30, 60, 90): the "
            "net-benefit curve and the smallest size that holds the price at the trigger."
        ),
    )

    def validate(self, errors: ErrorCollector) -> None:
        """Cross-field rules that need no model (the model's own checks come with
        the calculation, at their fields)."""
        markets = {m.code.strip() for m in self.markets}
        seen: set[str] = set()
        for i, s in enumerate(self.stockpiles):
            code = s.market.strip()
            if code not in markets:
                errors.add(
                    ("stockpiles", i, "market"),
                    gettext("{code!r} is not a market.").format(code=code),
                )
            if code in seen:
                errors.add(
                    ("stockpiles", i, "market"),
                    gettext("{code!r} has two stocks.").format(code=code),
                )
            seen.add(code)
            given = [
                n
                for n in ("stock", "days", "days_net_imports")
                if getattr(s, n) is not None
            ]
            if len(given) != 1:
                errors.add(
                    ("stockpiles", i, "stock"),
                    gettext(
                        "Give the stock as one of: a quantity, days of consumption or "
                        "days of net imports."
                    ),
                )
        if self.disruption is not None:
            d = self.disruption
            if d.origin.strip() not in {o.code.strip() for o in self.origins}:
                errors.add(
                    ("disruption", "origin"),
                    gettext("{origin!r} is not an origin.").format(origin=d.origin),
                )
            if d.start > self.months:
                errors.add(
                    ("disruption", "start"),
                    gettext("Starts after the horizon of {months} months.").format(
                        months=self.months
                    ),
                )
        if self.scenarios is not None:
            sc = self.scenarios
            m = sc.months
            if len(m) != 3 or not (1 <= m[0] <= m[1] <= m[2] <= MAX_STOCKPILE_MONTHS):
                errors.add(
                    ("scenarios", "months"),
                    gettext(
                        "Give three lengths in months, least ≤ most likely ≤ most, between 1 and {limit}."
                    ).format(limit=MAX_STOCKPILE_MONTHS),
                )
            c = sc.cut
            if len(c) != 2 or not (0 <= c[0] <= c[1] < 1):
                errors.add(
                    ("scenarios", "cut"),
                    gettext("Give two shares, least ≤ most, from 0 to below 1."),
                )
            if not self.stockpiles:
                errors.add(
                    ("stockpiles",), gettext("Scenarios need at least one stockpile.")
                )
            if self.disruption is None:
                errors.add(
                    ("disruption",),
                    gettext(
                        "Scenarios draw the disruption's length and depth: name its "
                        "origin and markets."
                    ),
                )
        if self.sizes and not self.stockpiles:
            errors.add(
                ("stockpiles",), gettext("Sizes apply to the stockpiles: give one.")
            )
        if any(d < 0 or d > 3650 for d in self.sizes or ()):
            errors.add(("sizes",), gettext("Days from 0 to 3,650."))

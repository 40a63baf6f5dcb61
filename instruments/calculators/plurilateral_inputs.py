"""The plurilateral calculator's rows of inputs: markets, origins, flows, measures and
downstream goods, and the uncertainty of the elasticities. Declared once: the form, the
API and its schema are built from them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from instruments.calculators.base import spec
from instruments.calculators.elasticities import (
    demand_elasticity_spec,
    substitution_elasticity_spec,
    supply_elasticity_spec,
)
from instruments.calculators.limits import MAX_DRAWS
from instruments.calculators.translation import gettext_noop

SELECTOR_HELP = (
    "Codes separated by commas (EU, USA), or one of the words all, members, "
    "non_members."
)


@dataclass(frozen=True, kw_only=True)
class MarketInput:
    """An importing market: a country's (or a group's) consumers."""

    code: str = spec(
        "Market",
        help=gettext_noop("Code of the importing country or group (ISO3, EU, ROW)."),
    )
    import_demand_elasticity: float = demand_elasticity_spec()
    substitution_elasticity: float = substitution_elasticity_spec(
        default=3.0, exclusive_min=True
    )
    member: bool = spec(
        "Member",
        default=False,
        help=gettext_noop("Whether this market is in the plurilateral group."),
    )


@dataclass(frozen=True, kw_only=True)
class OriginInput:
    """An exporter, or a market's own producers."""

    code: str = spec(
        "Origin",
        help=gettext_noop(
            "Code of the exporting country (ISO3), or a name for a market's own "
            "producers (USA-producers)."
        ),
    )
    price: float = spec(
        "Price before",
        unit="price unit",
        min_value=0.0,
        exclusive_min=True,
        help=gettext_noop(
            "Border price the origin is paid in the base, before duties."
        ),
    )
    supply_elasticity: float | None = supply_elasticity_spec(
        "Supply elasticity",
        max_value=50.0,
        help="How much the origin supplies more when paid 1 % more (0: fixed "
        "supply). Leave empty for a price taker that sells any quantity at its price.",
    )
    member: bool = spec(
        "Member",
        default=False,
        help=gettext_noop(
            "Whether the exporter is in the plurilateral group. A market's own "
            "producers take their market's membership."
        ),
    )
    domestic_market: str | None = spec(
        "Own producers of market",
        default=None,
        help=gettext_noop(
            "For a market's own producers: the market's code. They sell only there, "
            "with no border. Leave empty for an exporter."
        ),
    )


@dataclass(frozen=True, kw_only=True)
class FlowInput:
    """The base quantity on one route."""

    origin: str = spec("Origin", help=gettext_noop("Code of an origin above."))
    market: str = spec("Market", help=gettext_noop("Code of a market above."))
    quantity: float = spec(
        "Quantity before",
        unit="quantity unit",
        min_value=0.0,
        help=gettext_noop("Quantity shipped on this route in the base year."),
    )
    price: float | None = spec(
        "Route price",
        unit="price unit",
        default=None,
        min_value=0.0,
        exclusive_min=True,
        help=gettext_noop(
            "Border price on this route, when it differs from the origin's price."
        ),
    )
    home: bool = spec(
        "Sales at home",
        default=False,
        help=gettext_noop(
            "An economy's sales in its own market (origin and market of one code): "
            "no border, so no border measure applies and they are not imports."
        ),
    )


MeasureKind = Literal[
    "ad_valorem", "specific", "floor", "undertaking", "price_gap_subsidy"
]
MEASURE_KINDS: tuple[str, ...] = get_args(MeasureKind)
"""The measure kinds (one enum in the OpenAPI schema, wherever measures appear)."""
MEASURE_LABELS = {
    "ad_valorem": gettext_noop("Ad valorem tariff (rate)"),
    "specific": gettext_noop("Specific duty (level)"),
    "floor": gettext_noop("Price floor, variable levy (level)"),
    "undertaking": gettext_noop("Price undertaking, minimum border price (level)"),
    "price_gap_subsidy": gettext_noop("Price-gap subsidy to own producers (strike)"),
}


@dataclass(frozen=True, kw_only=True)
class MeasureInput:
    """One measure on a set of routes."""

    kind: MeasureKind | None = spec(
        "Measure",
        default=None,
        choice_labels=MEASURE_LABELS,
        help=gettext_noop(
            "A floor's levy goes to the importing government; an undertaking's gap "
            "stays with the exporter; a price-gap subsidy is paid to own producers."
        ),
    )
    rate: float | None = spec(
        "Rate",
        unit="fraction",
        default=None,
        min_value=-1.0,
        exclusive_min=True,
        max_value=10.0,
        help=gettext_noop("For an ad valorem tariff (0.25 = 25 %)."),
    )
    level: float | None = spec(
        "Level",
        unit="price unit",
        default=None,
        min_value=0.0,
        help=gettext_noop("For a specific duty, a floor or an undertaking."),
    )
    strike: float | None = spec(
        "Strike",
        unit="price unit",
        default=None,
        min_value=0.0,
        help=gettext_noop("For a price-gap subsidy: producers receive at least this."),
    )
    markets: tuple[str, ...] = spec(
        "Markets", default=("all",), help=f"Markets it applies in. {SELECTOR_HELP}"
    )
    origins: tuple[str, ...] = spec(
        "Origins", default=("all",), help=f"Origins it applies to. {SELECTOR_HELP}"
    )


@dataclass(frozen=True, kw_only=True)
class DownstreamGood:
    """A good made with the commodity, whose cost change is reported."""

    name: str = spec(
        "Good", help=gettext_noop("e.g. EV traction motor, wind turbine (per MW).")
    )
    content_factor: float = spec(
        "Content per unit",
        unit="quantity unit",
        min_value=0.0,
        exclusive_min=True,
        help=gettext_noop("Quantity of this commodity in one unit of the good."),
    )
    unit: str = spec(
        "Unit of the good", default="unit", help=gettext_noop("e.g. motor, MW.")
    )
    illustrative: bool = spec(
        "Illustrative content",
        default=False,
        help=gettext_noop(
            "The content per unit is an illustrative figure, not a published one: "
            "the result says so."
        ),
    )


@dataclass(frozen=True, kw_only=True)
class ElasticityRange:
    """A published default with its low and high bounds, and where it comes from."""

    value: float = spec(
        "Default", help=gettext_noop("The value used where none is typed.")
    )
    low: float = spec("Low", help=gettext_noop("Lower bound of the published range."))
    high: float = spec("High", help=gettext_noop("Upper bound of the published range."))
    source: str = spec(
        "Source", default="", help=gettext_noop("Where the numbers are published.")
    )


@dataclass(frozen=True, kw_only=True)
class ElasticityRanges:
    """The published ranges of the three elasticities (stored data fills them)."""

    import_demand_elasticity: ElasticityRange = spec(
        "Import demand elasticity",
        help=gettext_noop("Negative numbers: value, low and high."),
    )
    substitution_elasticity: ElasticityRange = spec("Substitution elasticity")
    supply_elasticity: ElasticityRange = spec("Supply elasticity")


@dataclass(frozen=True, kw_only=True)
class Uncertainty:
    """Draws of the elasticities left at their defaults."""

    draws: int = spec(
        "Draws",
        default=200,
        min_value=10,
        max_value=MAX_DRAWS,
        help=gettext_noop(
            "How many sets of elasticities to draw, each solved as its own market."
        ),
    )
    seed: int = spec(
        "Seed", default=1, min_value=0, help=gettext_noop("Same seed, same draws.")
    )

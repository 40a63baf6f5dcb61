"""The request extras: fields a request may carry besides a calculator's own inputs.

They name stored data instead of typed values: a commodity's price series (with its
range and exchange rate), a partner group that decides which flows are members, and a
project of the register (§12).
They are declared here once, as dataclasses with ``spec`` metadata like the inputs, and
every adapter loops over ``request_extras(calculator)``: the HTML form, the API
serializer and OpenAPI schema, the GET query string, and the stored-inputs service that
replaces them by values before the calculator parses the request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from instruments.calculators.base import (
    Calculator,
    FieldSpec,
    Series,
    describe,
    spec,
)
from instruments.calculators.translation import gettext_noop


@dataclass(frozen=True)
class StoredPrices:
    """Periods and market prices taken from a stored series (calculators with a
    ``price_field``)."""

    commodity: str | None = spec(
        "Commodity",
        default=None,
        help=(
            gettext_noop(
                "Take the periods and prices from this commodity's stored price series "
                "(see /api/v1/commodities/) instead of typed values; prices are converted "
                "into price_unit."
            )
        ),
    )
    series: str | None = spec(
        "Price series",
        default=None,
        help=gettext_noop(
            "Code of the stored series to use (default: the commodity's default series)."
        ),
    )
    start: str | None = spec(
        "From",
        default=None,
        help=gettext_noop(
            "First period to take (2024, 2024Q1, 2024-01 or an ISO date), inclusive."
        ),
    )
    end: str | None = spec(
        "To",
        default=None,
        help=gettext_noop(
            "Last period to take, inclusive; left out, the latest stored price."
        ),
    )
    fx_rate: Series | None = spec(
        "Exchange rate for the stored series",
        unit="request currency per series currency",
        default=None,
        min_value=0.0,
        exclusive_min=True,
        help=(
            gettext_noop(
                "Units of the request's currency per unit of the stored series' currency, "
                "when they differ (e.g. 0.92 for EUR per USD): one number, or one per "
                "stored period. Left out, the stored exchange rates are used."
            )
        ),
    )


@dataclass(frozen=True)
class MemberSelection:
    """Which flows are members, decided by a stored partner group (calculators with
    import flows that carry a ``member`` flag, or markets and origins with a ``code``
    and a ``member`` flag)."""

    member_group: str | None = spec(
        "Members of the preferential zone",
        default=None,
        help=(
            gettext_noop(
                "Code of a stored partner group (see /api/v1/partner-groups/, e.g. msp, "
                "eu-27, g7): a flow is then a member exactly when its origin (ISO 3166 "
                "alpha-3) is in the group, whatever its own member flag says. In the "
                "market model, markets and origins whose code is an ISO3 code are "
                "members exactly when in the group; ROW never is; other codes (EU) keep "
                "their own flag."
            )
        ),
    )


@dataclass(frozen=True)
class StoredFlows:
    """Import flows by origin taken from the stored bilateral trade data (calculators
    with import flows by origin, and the plurilateral flow matrix)."""

    commodity: str | None = spec(
        "Commodity",
        default=None,
        help=(
            gettext_noop(
                "The commodity whose stored trade flows to take (its HS codes); with "
                "stored prices it also names the price series."
            )
        ),
    )
    year: int | None = spec(
        "Trade year",
        default=None,
        min_value=1995,
        max_value=2100,
        help=(
            gettext_noop(
                "Take the import flows from the stored bilateral trade data (CEPII BACI) "
                "of this year instead of typed ones: by origin into the importing market, "
                "or, for the plurilateral calculator, the origin × market matrix with "
                "every other country in ROW."
            )
        ),
    )
    importer: str | None = spec(
        "Importing market",
        default=None,
        help=(
            gettext_noop(
                "With a trade year: the importer whose imports are taken, an ISO 3166 "
                "alpha-3 code (USA, JPN) or a partner group (eu-27: imports from outside "
                "the EU only)."
            )
        ),
    )


@dataclass(frozen=True)
class MarketBaseline:
    """The market model's whole baseline from stored data in one step (INSTRUMENTS.md
    §10): members, commodity and year; the markets, origins and routes come from the
    stored flows, production and elasticities (calculators with a flow matrix)."""

    members: tuple[str, ...] = spec(
        "Members acting together",
        default=(),
        help=(
            gettext_noop(
                "ISO 3166 alpha-3 codes and partner-group codes (eu-27, msp), e.g. "
                "eu-27, USA, JPN. With a commodity and a trade year, every member is a "
                "market and an origin, the largest non-members are named and every other "
                "economy is in ROW; the typed markets, origins and flows are replaced."
            )
        ),
    )
    floor: float | None = spec(
        "Floor",
        unit="price unit",
        default=None,
        min_value=0.0,
        exclusive_min=True,
        help=(
            gettext_noop(
                "A price floor (variable levy) on members' imports from non-members, in "
                "the price unit; or give it as a share above a stored price below."
            )
        ),
    )
    floor_above_price: float | None = spec(
        "Floor above the stored price",
        unit="fraction",
        default=None,
        min_value=-0.99,
        max_value=100.0,
        help=gettext_noop(
            "The floor as a share above the commodity's stored price (0.2 = 20 %)."
        ),
    )
    floor_price_year: int | None = spec(
        "Of the stored price of year",
        default=None,
        min_value=1900,
        max_value=2100,
        help=gettext_noop(
            "The year of the stored price the floor is set above (default: the "
            "trade year)."
        ),
    )
    calibration: Literal["price_equivalent", "unit_values"] = spec(
        "Quantities",
        default="price_equivalent",
        choice_labels={
            "price_equivalent": gettext_noop(
                "Price-equivalent tonnes (stored value ÷ stored price)"
            ),
            "unit_values": gettext_noop("BACI tonnes at BACI unit values"),
        },
        help=(
            gettext_noop(
                "Trade value is the anchor either way; price-equivalent tonnes price every "
                "route at the commodity's stored price, BACI tonnes keep each route's own "
                "unit value."
            )
        ),
    )
    non_members: tuple[str, ...] = spec(
        "Non-members named",
        default=(),
        help=(
            gettext_noop(
                "ISO3 codes of the non-members to show as markets and origins of their "
                "own (default: the six largest by exports and production); the rest "
                "are in ROW."
            )
        ),
    )


@dataclass(frozen=True)
class StoredProject:
    """A project from the register (calculators with a ``project`` group)."""

    stored_project: str | None = spec(
        "Stored project",
        default=None,
        help=(
            gettext_noop(
                "Start from a project of the register (see /api/v1/projects/): its "
                "stage, capacity, costs, debt and units replace the typed project, and "
                "without a typed price its commodity's stored prices are used."
            )
        ),
    )


@dataclass(frozen=True)
class DeclaredStocks:
    """The members' stocks from the register of declared stockpiles (calculators with
    stockpiles per market: ``stockpile``)."""

    declared_stocks: bool = spec(
        "Start from the declared stockpiles",
        default=False,
        help=(
            gettext_noop(
                "Fill each member market's stock from the stockpiles its countries "
                "declare for the commodity (see /api/v1/declared-stockpiles/): a "
                "group such as EU-27 sums its countries' tonnes; a stock that is not "
                "public or not declared counts as zero, and the result says so. The "
                "typed release trigger and costs of a member's stock are kept."
            )
        ),
    )


def project_field(calculator: Calculator) -> str | None:
    """The calculator's ``project`` group (§12), or None."""
    for fs in describe(calculator.inputs):
        if fs.kind == "group" and fs.name == "project":
            return fs.name
    return None


BASELINE_FIELDS: tuple[str, ...] = tuple(fs.name for fs in describe(MarketBaseline))
STORED_PROJECT_FIELDS: tuple[str, ...] = tuple(
    fs.name for fs in describe(StoredProject)
)
STORED_PRICE_FIELDS: tuple[str, ...] = tuple(fs.name for fs in describe(StoredPrices))
STORED_FLOW_FIELDS: tuple[str, ...] = tuple(fs.name for fs in describe(StoredFlows))
DECLARED_STOCK_FIELDS: tuple[str, ...] = tuple(
    fs.name for fs in describe(DeclaredStocks)
)
ALL_EXTRA_FIELDS: frozenset[str] = frozenset(
    fs.name
    for cls in (
        StoredPrices,
        MemberSelection,
        StoredFlows,
        MarketBaseline,
        StoredProject,
        DeclaredStocks,
    )
    for fs in describe(cls)
)


def find_rows_field(calculator: Calculator, *columns: str) -> str | None:
    """The calculator's repeatable group (flows, suppliers) whose rows have all of
    ``columns``, or None."""
    for fs in describe(calculator.inputs):
        if fs.kind == "groups" and set(columns) <= {c.name for c in fs.children}:
            return fs.name
    return None


def member_flows_field(calculator: Calculator) -> str | None:
    """The import flows: rows with an ``origin`` and a ``member`` flag."""
    return find_rows_field(calculator, "origin", "member")


def member_code_fields(calculator: Calculator) -> tuple[str, ...]:
    """The repeatable groups whose rows have a ``code`` and a ``member`` flag: the
    markets and origins of a market model."""
    return tuple(
        fs.name
        for fs in describe(calculator.inputs)
        if fs.kind == "groups" and {"code", "member"} <= {c.name for c in fs.children}
    )


def matrix_flows_field(calculator: Calculator) -> str | None:
    """Flows on routes: rows with an ``origin``, a ``market`` and a ``quantity``."""
    return find_rows_field(calculator, "origin", "market", "quantity")


def stockpiles_field(calculator: Calculator) -> str | None:
    """Stocks per market: rows with a ``market``, a ``stock`` and ``days``."""
    return find_rows_field(calculator, "market", "stock", "days")


def request_extras(calculator: Calculator) -> tuple[FieldSpec, ...]:
    """The extras that apply to ``calculator``, in the order the adapters show them
    (a name declared by two blocks, ``commodity``, appears once)."""
    extras: list[FieldSpec] = []
    if project_field(calculator):
        extras.extend(describe(StoredProject))
    if calculator.price_field:
        extras.extend(describe(StoredPrices))
    if member_flows_field(calculator):
        extras.extend(describe(StoredFlows))
    elif matrix_flows_field(calculator):  # the markets are named: no importer
        extras.extend(fs for fs in describe(StoredFlows) if fs.name != "importer")
        extras.extend(describe(MarketBaseline))
    if member_flows_field(calculator) or member_code_fields(calculator):
        extras.extend(describe(MemberSelection))
    if stockpiles_field(calculator):
        extras.extend(describe(DeclaredStocks))
    unique = {fs.name: fs for fs in reversed(extras)}  # the first declaration wins
    return tuple(unique[name] for name in dict.fromkeys(fs.name for fs in extras))


def split_extras(
    calculator: Calculator, data: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the calculator's own data, the extras given), extras with a value only."""
    names = {fs.name for fs in request_extras(calculator)}
    own = {k: v for k, v in data.items() if k not in ALL_EXTRA_FIELDS}
    extras = {k: v for k, v in data.items() if k in names and v not in (None, "")}
    return own, extras

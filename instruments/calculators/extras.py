"""The request extras: fields a request may carry besides a calculator's own inputs.

They name stored data instead of typed values: a commodity's price series (with its
range and exchange rate) and a partner group that decides which flows are members.
They are declared here once, as dataclasses with ``spec`` metadata like the inputs, and
every adapter loops over ``request_extras(calculator)``: the HTML form, the API
serializer and OpenAPI schema, the GET query string, and the stored-inputs service that
replaces them by values before the calculator parses the request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from instruments.calculators.base import (
    Calculator,
    FieldSpec,
    Series,
    describe,
    spec,
)


@dataclass(frozen=True)
class StoredPrices:
    """Periods and market prices taken from a stored series (calculators with a
    ``price_field``)."""

    commodity: str | None = spec(
        "Commodity",
        default=None,
        help=(
            "Take the periods and prices from this commodity's stored price series "
            "(see /api/v1/commodities/) instead of typed values; prices are converted "
            "into price_unit."
        ),
    )
    series: str | None = spec(
        "Price series",
        default=None,
        help="Code of the stored series to use (default: the commodity's default series).",
    )
    start: str | None = spec(
        "From",
        default=None,
        help="First period to take (2024, 2024Q1, 2024-01 or an ISO date), inclusive.",
    )
    end: str | None = spec(
        "To",
        default=None,
        help="Last period to take, inclusive; left out, the latest stored price.",
    )
    fx_rate: Series | None = spec(
        "Exchange rate for the stored series",
        unit="request currency per series currency",
        default=None,
        min_value=0.0,
        exclusive_min=True,
        help=(
            "Units of the request's currency per unit of the stored series' currency, "
            "when they differ (e.g. 0.92 for EUR per USD): one number, or one per "
            "stored period. Left out, the stored exchange rates are used."
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
            "Code of a stored partner group (see /api/v1/partner-groups/, e.g. msp, "
            "eu-27, g7): a flow is then a member exactly when its origin (ISO 3166 "
            "alpha-3) is in the group, whatever its own member flag says. In the "
            "market model, markets and origins whose code is an ISO3 code are "
            "members exactly when in the group; ROW never is; other codes (EU) keep "
            "their own flag."
        ),
    )


STORED_PRICE_FIELDS: tuple[str, ...] = tuple(fs.name for fs in describe(StoredPrices))
ALL_EXTRA_FIELDS: frozenset[str] = frozenset(
    fs.name for cls in (StoredPrices, MemberSelection) for fs in describe(cls)
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


def request_extras(calculator: Calculator) -> tuple[FieldSpec, ...]:
    """The extras that apply to ``calculator``, in the order the adapters show them."""
    extras: list[FieldSpec] = []
    if calculator.price_field:
        extras.extend(describe(StoredPrices))
    if member_flows_field(calculator) or member_code_fields(calculator):
        extras.extend(describe(MemberSelection))
    return tuple(extras)


def split_extras(
    calculator: Calculator, data: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the calculator's own data, the extras given), extras with a value only."""
    names = {fs.name for fs in request_extras(calculator)}
    own = {k: v for k, v in data.items() if k not in ALL_EXTRA_FIELDS}
    extras = {k: v for k, v in data.items() if k in names and v not in (None, "")}
    return own, extras

"""The market model's baseline from stored data (INSTRUMENTS.md §10). Pure: pandas in,
plain records out, no Django.

From one year's bilateral flows of a commodity's HS codes (CEPII BACI: value in
thousand USD and tonnes per exporter → importer), world production by country (USGS)
and the commodity's stored price, build the markets, origins and routes of §9:

- **Members are markets and origins.** Each member (a country, or a group whose
  countries count once, where the group is first named) is one market and one origin.
  Flows inside one member group (Germany → France in the EU-27) are the members' own
  trade: reported, never a route. Flows between two members (USA → JPN) are routes
  between member origins and member markets, never levied as non-member imports.
- **The largest non-members** (by exports plus production) are markets and origins of
  their own; every other economy is in ``ROW``, always a market and an origin, with its
  own supply elasticity. Trade between two economies of ``ROW`` stays on the
  ``ROW → ROW`` route.
- **Trade value is the anchor.** A route's base value equals the stored value. In
  price-equivalent tonnes (the default) a route carries ``value ÷ price`` at the
  stored price; with ``calibration="unit_values"`` it carries BACI's tonnes at BACI's
  unit value (a route without tonnes falls back to price-equivalent tonnes).
- **Home markets.** An economy's production (in the commodity's tonnes) less what it
  exports is sold at home, on the route from it to itself (no border; not below 0), so
  its supply elasticity applies to its whole output.
- **Elasticities** are the commodity's published defaults, one of each kind for every
  market and origin, with their low and high bounds kept for the uncertainty draws.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from instruments.calculators.base import InputError
from instruments.calculators.trade_matrix import ROW, label_economies
from instruments.calculators.translation import gettext, translatable

Calibration = Literal["price_equivalent", "unit_values"]
CALIBRATIONS: tuple[Calibration, ...] = ("price_equivalent", "unit_values")

# A route's unit value this many times above or below the stored price is reported.
UNIT_VALUE_TOLERANCE = 2.0
# Non-member economies named on their own, the largest first; the rest are in ROW.
DEFAULT_NAMED_NON_MEMBERS = 6


@dataclass(frozen=True)
class Elasticity:
    """A published default with its range (the bounds of the uncertainty draws)."""

    value: float
    low: float
    high: float
    source: str = ""

    def __post_init__(self) -> None:
        lo, hi = sorted((self.low, self.high))
        if not (lo <= self.value <= hi):
            raise ValueError(
                gettext("{value} is outside [{lo}, {hi}].").format(
                    value=self.value, lo=lo, hi=hi
                )
            )


@dataclass(frozen=True)
class Elasticities:
    """The commodity's defaults: import demand (< 0), substitution (> 0), supply."""

    import_demand: Elasticity
    substitution: Elasticity
    supply: Elasticity

    def as_dict(self) -> dict[str, dict[str, Any]]:
        return {
            name: {
                "value": e.value,
                "low": e.low,
                "high": e.high,
                "source": e.source,
            }
            for name, e in (
                ("import_demand_elasticity", self.import_demand),
                ("substitution_elasticity", self.substitution),
                ("supply_elasticity", self.supply),
            )
        }


@dataclass(frozen=True)
class Baseline:
    """Records for the market model, and what a reader needs to trust them."""

    markets: list[dict[str, Any]]
    origins: list[dict[str, Any]]
    flows: list[dict[str, Any]]
    economies: pd.DataFrame
    members_own_trade: pd.DataFrame
    unit_value_warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _labels(
    flows: pd.DataFrame,
    members: Mapping[str, Collection[str]],
    production: Mapping[str, float],
    price: float,
    money_per_unit: float,
    named: int,
    non_members: Sequence[str] | None,
) -> dict[str, set[str]]:
    """Members first (a country counts once, where first named), then the named
    non-members, each a set of ISO3 codes."""
    groups: dict[str, set[str]] = {}
    seen: set[str] = set()
    for name, codes in members.items():
        own = {str(c).upper() for c in codes} - seen
        if own:
            groups[str(name)] = own
            seen |= own
    if non_members is None:
        exports = (
            flows.assign(value=pd.to_numeric(flows["value"], errors="coerce"))
            .groupby(flows["exporter"].astype(str).str.upper())["value"]
            .sum()
            * 1000.0
        )
        output = pd.Series(
            {
                str(k).upper(): float(v) * price * money_per_unit
                for k, v in production.items()
            },
            dtype=float,
        )
        size = exports.add(output, fill_value=0.0).drop(
            labels=[c for c in seen if c in exports.index or c in output.index],
            errors="ignore",
        )
        size = size[size > 0].sort_values(ascending=False, kind="stable")
        non_members = [str(c) for c in size.index[:named]]
    for code in non_members:
        code = str(code).upper()
        if code not in seen and code != ROW:
            groups[code] = {code}
            seen.add(code)
    return groups


def build_baseline(
    flows: pd.DataFrame,
    *,
    members: Mapping[str, Collection[str]],
    price: float,
    money_per_unit: float,
    elasticities: Elasticities,
    production: Mapping[str, float] | None = None,
    calibration: Calibration = "price_equivalent",
    non_members: Sequence[str] | None = None,
    named_non_members: int = DEFAULT_NAMED_NON_MEMBERS,
    names: Mapping[str, str] | None = None,
    unit_per_tonne: float = 1.0,
) -> Baseline:
    """The baseline of one commodity and year.

    ``flows``: ``exporter, importer`` (ISO3), ``value`` (thousand USD), ``quantity``
    (tonnes, NaN where unknown). ``members``: each member's name and its ISO3 codes.
    ``price``: the stored price in the price unit (USD per ...), and
    ``money_per_unit`` the money (USD) of one quantity unit at a price of 1 (1,000 for
    USD/kg on tonnes). ``production``: ISO3 (or ``ROW`` for unlisted countries) →
    output in the quantity unit; ``unit_per_tonne``: quantity units in a tonne (BACI
    weighs in tonnes). ``non_members``: the non-members to name (default:
    the largest ``named_non_members`` by exports plus production).
    """
    if calibration not in CALIBRATIONS:
        raise InputError.at(
            ("calibration",),
            gettext("Choose one of: {choices}.").format(
                choices=", ".join(CALIBRATIONS)
            ),
        )
    if not (np.isfinite(price) and price > 0):
        raise InputError.at(("commodity",), gettext("The stored price must be > 0."))
    if not members:
        raise InputError.at(("members",), gettext("Name at least one member."))
    production = {str(k).upper(): float(v) for k, v in (production or {}).items()}
    unit_money = price * money_per_unit  # USD of one quantity unit at the price
    groups = _labels(
        flows,
        members,
        production,
        price,
        money_per_unit,
        named_non_members,
        non_members,
    )
    member_names = [str(m) for m in members if str(m) in groups]
    codes = [*groups, ROW]

    frame = pd.DataFrame(
        {
            "origin": label_economies(flows["exporter"], groups).to_numpy(),
            "market": label_economies(flows["importer"], groups).to_numpy(),
            "value": pd.to_numeric(flows["value"], errors="coerce")
            .fillna(0.0)
            .to_numpy(dtype=float)
            * 1000.0,
            "tonnes": pd.to_numeric(flows["quantity"], errors="coerce").to_numpy(
                dtype=float
            ),
        }
    )
    frame = frame[frame["value"] > 0]
    inside = (frame["origin"] == frame["market"]) & (frame["origin"] != ROW)
    own_trade = (
        frame[
            inside
            | (frame["origin"].isin(member_names) & frame["market"].isin(member_names))
        ]
        .groupby(["origin", "market"], sort=False)
        .agg(value=("value", "sum"), tonnes=("tonnes", lambda t: t.sum(min_count=1)))
        .reset_index()
    )
    own_trade["quantity"] = own_trade["value"] / unit_money
    own_trade["within_group"] = own_trade["origin"] == own_trade["market"]
    trade = frame[~inside]

    if calibration == "unit_values":
        weighed = trade["tonnes"].fillna(0.0) > 0
        per_route = trade.assign(
            weighed_value=trade["value"].where(weighed, 0.0),
            weighed_tonnes=trade["tonnes"].where(weighed, 0.0),
            other_value=trade["value"].where(~weighed, 0.0),
        )
    else:
        per_route = trade.assign(
            weighed_value=0.0, weighed_tonnes=0.0, other_value=trade["value"]
        )
    routes = (
        per_route.groupby(["origin", "market"], sort=False)
        .agg(
            value=("value", "sum"),
            tonnes=("tonnes", lambda t: t.sum(min_count=1)),
            weighed_value=("weighed_value", "sum"),
            weighed_tonnes=("weighed_tonnes", "sum"),
            other_value=("other_value", "sum"),
        )
        .reset_index()
    )
    # BACI's tonnes where they weigh a flow (unit values), else value ÷ price.
    routes["quantity"] = (
        routes["weighed_tonnes"] * unit_per_tonne + routes["other_value"] / unit_money
    )

    warnings = _unit_value_warnings(routes, price, money_per_unit * unit_per_tonne)

    exports = (
        routes[routes["origin"] != routes["market"]].groupby("origin")["quantity"].sum()
    )
    row_internal = routes[(routes["origin"] == ROW) & (routes["market"] == ROW)][
        "quantity"
    ].sum()
    produced = {code: np.nan for code in codes}
    for iso, amount in production.items():
        label = next(
            (name for name, members_ in groups.items() if iso in members_), ROW
        )
        produced[label] = np.nansum([produced[label], amount])
    home = {}
    for code in codes:
        out = float(exports.get(code, 0.0)) + (row_internal if code == ROW else 0.0)
        made = produced[code]
        home[code] = max(float(made) - out, 0.0) if np.isfinite(made) else 0.0

    records: list[dict[str, Any]] = []
    route: dict[Any, Any]
    for route in routes.to_dict("records"):
        quantity = float(route["quantity"])
        if quantity <= 0:
            continue
        value = float(route["value"])
        inside_row = route["origin"] == ROW and route["market"] == ROW
        if inside_row:
            # ROW's home sales ride on its internal route: no measure reaches either
            value += home[ROW] * unit_money
            quantity += home[ROW]
            home[ROW] = 0.0
        record: dict[str, Any] = {
            "origin": route["origin"],
            "market": route["market"],
            "quantity": quantity,
        }
        if inside_row:
            record["home"] = True
        if calibration == "unit_values" and float(route["weighed_tonnes"]) > 0:
            record["price"] = value / (quantity * money_per_unit)
        record["value"] = value
        records.append(record)
    for code in codes:
        if home[code] > 0:
            records.append(
                {
                    "origin": code,
                    "market": code,
                    "quantity": home[code],
                    "home": True,
                    "value": home[code] * unit_money,
                }
            )

    sold = pd.Series(0.0, index=codes)
    bought = pd.Series(0.0, index=codes)
    for r in records:
        sold[r["origin"]] += r["quantity"]
        bought[r["market"]] += r["quantity"]
    kept = [c for c in codes if sold[c] > 0 or bought[c] > 0]
    notes: list[str] = []
    dropped = [c for c in codes if c not in kept]
    if dropped:
        notes.append(
            translatable(
                "{codes}: no trade or production of this commodity in the year, left "
                "out.",
                codes=", ".join(dropped),
            )
        )
    eta, sigma, eps = (
        elasticities.import_demand,
        elasticities.substitution,
        elasticities.supply,
    )
    member_set = set(member_names)
    markets = [
        {
            "code": c,
            "import_demand_elasticity": eta.value,
            "substitution_elasticity": sigma.value,
            "member": c in member_set,
        }
        for c in kept
        if bought[c] > 0
    ]
    origins = [
        {
            "code": c,
            "price": price,
            "supply_elasticity": eps.value,
            "member": c in member_set,
        }
        for c in kept
        if sold[c] > 0
    ]
    names = names or {}
    economies = pd.DataFrame(
        {
            "code": kept,
            "name": [names.get(c, c) for c in kept],
            "member": [c in member_set for c in kept],
            "countries": [
                ", ".join(sorted(groups[c])) if c in groups else "every other economy"
                for c in kept
            ],
            "production": [produced[c] for c in kept],
            "exports": [
                float(exports.get(c, 0.0)) + (row_internal if c == ROW else 0.0)
                for c in kept
            ],
            "imports": [
                float(
                    routes[(routes["market"] == c) & (routes["origin"] != c)][
                        "quantity"
                    ].sum()
                )
                for c in kept
            ],
            "home_sales": [
                sum(
                    r["quantity"]
                    for r in records
                    if r["origin"] == c and r["market"] == c
                )
                - (row_internal if c == ROW else 0.0)
                for c in kept
            ],
        }
    )
    if not production:
        notes.append(
            translatable(
                "No production by country is stored for this commodity: supply is the "
                "exports alone, with no home markets."
            )
        )
    return Baseline(
        markets=markets,
        origins=origins,
        flows=records,
        economies=economies,
        members_own_trade=own_trade[
            ["origin", "market", "value", "tonnes", "quantity", "within_group"]
        ],
        unit_value_warnings=warnings,
        notes=notes,
    )


def _unit_value_warnings(
    routes: pd.DataFrame, price: float, money_per_tonne: float
) -> list[str]:
    """Routes whose BACI unit value departs from the stored price by more than the
    tolerance, the largest by value first (at most five named)."""
    weighed = routes[routes["tonnes"].fillna(0.0) > 0]
    if weighed.empty:
        return []
    unit_value = weighed["value"] / (weighed["tonnes"] * money_per_tonne)
    ratio = unit_value / price
    off = weighed.assign(unit_value=unit_value, ratio=ratio)[
        (ratio > UNIT_VALUE_TOLERANCE) | (ratio < 1.0 / UNIT_VALUE_TOLERANCE)
    ].sort_values("value", ascending=False)
    if off.empty:
        return []
    named: Any = ""
    for r in off.head(5).itertuples(index=False):
        route = translatable(
            "{origin}→{market} {value} ({ratio}× the price)",
            origin=r.origin,
            market=r.market,
            value=f"{r.unit_value:.3g}",
            ratio=f"{r.ratio:.2g}",
        )
        named = (
            translatable("{first}; {rest}", first=named, rest=route) if named else route
        )
    share = off["value"].sum() / routes["value"].sum()
    return [
        translatable(
            "{count} route(s), {share} of the trade value, have unit values more than "
            "{tolerance}× away from the stored price of {price}: {routes}.",
            count=len(off),
            share=f"{share:.0%}",
            tolerance=f"{UNIT_VALUE_TOLERANCE:g}",
            price=f"{price:.4g}",
            routes=named,
        )
    ]

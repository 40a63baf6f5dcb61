"""The market model's whole baseline from stored data, in one step (INSTRUMENTS.md §10).

With ``members``, a ``commodity`` and a trade ``year``, the markets, origins and routes
of the plurilateral model are built from the stored CEPII BACI flows of the
commodity's HS codes, its stored price of the year, world production by country
(USGS) and its published elasticities (``calculators/baseline.py`` does the
arithmetic); a ``floor`` (a level, or a share above a stored price) becomes the one
measure on members' imports from non-members. The echo names every source, the HS
codes and their scope, the price used and the warnings, and the summary carries
them in one line (``data_basis``).
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext

from instruments import selectors
from instruments.calculators.base import (
    Calculator,
    InputError,
    Result,
    add_warning,
    describe,
    parse_rows,
)
from instruments.calculators.baseline import (
    Baseline,
    Elasticities,
    Elasticity,
    build_baseline,
)
from instruments.calculators.extras import MarketBaseline
from instruments.calculators.trade_matrix import ROW
from instruments.calculators.translation import joined, translatable
from instruments.calculators.units import (
    convert_price,
    money_factor,
    parse_price_unit,
    quantity_factor,
)
from instruments.presentation.jsonify import rows_as_records
from instruments.presentation.presenters import baseline_sources
from instruments.services import table_versions
from instruments.services.stored_inputs.request import StoredRequest

DEFAULT_DRAWS = 100

# What ``stored_baseline`` reads (the catalogue's BASELINE_TABLES but the producers,
# which only the price series' suppliers read): its result is kept in the shared cache
# under their versions, so a steward's edit of any of them rebuilds it.
BASELINE_READS = (
    "commodity",
    "price_series",
    "source_edition",
    "series_edition",
    "price_observation",
    "fx_rate",
    "commodity_hs_code",
    "trade_flow",
    "partner",
    "partner_group",
    "production_volume",
    "commodity_production",
    "elasticity_estimate",
    "commodity_elasticity",
)

MEMBER_READS = ("partner", "partner_group")
# What a stored price reads (``stored_price``).
PRICE_READS = (
    "commodity",
    "price_series",
    "source_edition",
    "series_edition",
    "price_observation",
    "fx_rate",
)

# Used only where no estimate is published for the commodity; the result says so.
GENERIC_ELASTICITIES = Elasticities(
    import_demand=Elasticity(-1.0, -2.0, -0.3, "no published estimate: generic range"),
    substitution=Elasticity(3.0, 1.0, 8.0, "no published estimate: generic range"),
    supply=Elasticity(1.0, 0.2, 2.0, "no published estimate: generic range"),
)


def member_economies(codes: tuple[str, ...]) -> dict[str, list[str]]:
    """Each member's market code and ISO3 codes: a partner group (eu-27) is one
    member named by its code in capitals, an ISO3 code a member of its own. Kept in
    the shared cache under the partner tables' versions (a request's own copy)."""
    found = table_versions.cached_read(
        name=f"member-economies:{tuple(str(code) for code in codes)!r}",
        tables=MEMBER_READS,
        read=lambda: _resolve_members(codes),
    )
    return {name: list(economies) for name, economies in found.items()}


def _resolve_members(codes: tuple[str, ...]) -> dict[str, list[str]]:
    members: dict[str, list[str]] = {}
    for raw in codes:
        code = str(raw).strip()
        if not code:
            continue
        economies = sorted(selectors.resolve_economies([code], field="members"))
        name = code.upper()
        if name == ROW:
            raise InputError.at(("members",), gettext("ROW cannot be a member."))
        members[name] = economies
    if not members:
        raise InputError.at(("members",), gettext("Name at least one member."))
    return members


def stored_price(
    *, commodity: str, year: int, price_unit: str, field: str
) -> tuple[float, dict[str, Any]]:
    """The commodity's stored price of ``year`` (the mean of its periods in that
    year) in ``price_unit``, and what was used: kept in the shared cache under the
    price tables' versions (the caller's own copy of what was used)."""
    value, used = table_versions.cached_read(
        name=f"stored-price:{(commodity, year, price_unit, field)!r}",
        tables=PRICE_READS,
        read=lambda: _read_stored_price(
            commodity=commodity, year=year, price_unit=price_unit, field=field
        ),
    )
    return value, dict(used)


def _read_stored_price(
    *, commodity: str, year: int, price_unit: str, field: str
) -> tuple[float, dict[str, Any]]:
    history = selectors.get_price_history(commodity, start=str(year), end=str(year))
    if history.prices.empty:
        raise InputError.at(
            (field,),
            gettext(
                "No stored price of '{commodity}' in {year}; choose another year."
            ).format(commodity=commodity, year=year),
        )
    if history.currency != parse_price_unit(price_unit).currency:
        raise InputError.at(
            ("price_unit",),
            gettext(
                "Stored flows are valued in {currency}: use a {currency} price unit."
            ).format(currency=history.currency),
        )
    value = float(convert_price(float(history.prices.mean()), history.unit, price_unit))
    return value, {
        "series": history.series,
        "series_name": history.series_name,
        "year": year,
        "value": value,
        "unit": price_unit,
        "basis": history.basis,
        "estimated": bool(history.estimated.any()),
        "citation": history.citation or history.source,
    }


def floor_level(
    settings: MarketBaseline, *, commodity: str, year: int, price_unit: str
) -> tuple[float | None, dict[str, Any] | None]:
    """The floor as typed, or a share above a stored price."""
    if settings.floor is not None and settings.floor_above_price is not None:
        raise InputError.at(
            ("floor_above_price",),
            gettext(
                "Give the floor as a level or as a share above a stored price, not both."
            ),
        )
    if settings.floor is not None:
        return settings.floor, None
    if settings.floor_above_price is None:
        if settings.floor_price_year is not None:
            raise InputError.at(
                ("floor_above_price",),
                gettext("Give the share above that year's price."),
            )
        return None, None
    price_year = settings.floor_price_year or year
    price, used = stored_price(
        commodity=commodity,
        year=price_year,
        price_unit=price_unit,
        field="floor_price_year",
    )
    level = price * (1.0 + settings.floor_above_price)
    return level, {
        "level": level,
        "above_price": settings.floor_above_price,
        "price": used,
    }


def stored_baseline(
    *,
    commodity: str,
    year: int,
    members: dict[str, list[str]],
    settings: MarketBaseline,
    price_unit: str,
    quantity_unit: str,
) -> tuple[Baseline, Elasticities, dict[str, Any]]:
    """The baseline of ``commodity`` in ``year`` for ``members``, its elasticities,
    and the echo of everything it stands on: built once per version of the tables it
    reads (``BASELINE_READS``) and kept in the shared cache, so requests that vary
    only the floor share it. The caller gets its own copy to change."""
    key = repr(
        (
            commodity,
            year,
            [(name, list(codes)) for name, codes in members.items()],  # order counts
            settings.calibration,
            tuple(settings.non_members),
            price_unit,
            quantity_unit,
        )
    )
    built = table_versions.cached_read(
        name=f"stored-baseline:{key}",
        tables=BASELINE_READS,
        read=lambda: _build_stored_baseline(
            commodity=commodity,
            year=year,
            members=members,
            settings=settings,
            price_unit=price_unit,
            quantity_unit=quantity_unit,
        ),
    )
    return copy.deepcopy(built)


def _build_stored_baseline(
    *,
    commodity: str,
    year: int,
    members: dict[str, list[str]],
    settings: MarketBaseline,
    price_unit: str,
    quantity_unit: str,
) -> tuple[Baseline, Elasticities, dict[str, Any]]:
    flows = selectors.get_trade_flows(commodity=commodity, year=year)
    if flows.empty:
        latest = selectors.get_latest_trade_year(commodity)
        hint = f" The latest stored year is {latest}." if latest else ""
        raise InputError.at(
            ("year",),
            gettext(
                "No trade flows are stored for '{commodity}' in {year}.{hint}"
            ).format(commodity=commodity, year=year, hint=hint),
        )
    price, price_used = stored_price(
        commodity=commodity, year=year, price_unit=price_unit, field="year"
    )
    production = selectors.get_production_by_country(commodity, year)
    published = selectors.get_elasticity_defaults(commodity)
    elasticities = published or GENERIC_ELASTICITIES
    names = selectors.get_partner_names()
    baseline = build_baseline(
        flows,
        members=members,
        price=price,
        money_per_unit=money_factor(quantity_unit, price_unit),
        unit_per_tonne=1.0 / quantity_factor("t", f"USD/{quantity_unit}"),
        elasticities=elasticities,
        production=production.quantities if production else None,
        calibration=settings.calibration,
        non_members=[c.upper() for c in settings.non_members] or None,
        names={**names, **{code: code for code in members}},
    )
    hs_notes = selectors.get_hs_code_notes(commodity)
    hs_codes = sorted({str(code) for code in flows["hs_code"]})
    echo = {
        "commodity": commodity,
        "commodity_name": selectors.get_commodity_name(commodity),
        "year": year,
        "members": members,
        "hs_codes": hs_codes,
        "hs_scope": {code: hs_notes.get(code, "") for code in hs_codes},
        "trade_source": "; ".join(sorted({str(s) for s in flows["source"] if s})),
        "price": price_used,
        "calibration": settings.calibration,
        "production": (
            {
                "year": production.year,
                "series": production.series,
                "basis": production.basis,
                "citation": production.citation,
                "illustrative": production.illustrative,
            }
            if production
            else None
        ),
        "elasticities": {
            **elasticities.as_dict(),
            "published": published is not None,
        },
        "economies": rows_as_records(baseline.economies),
        "members_own_trade": rows_as_records(baseline.members_own_trade),
        "unit_value_warnings": baseline.unit_value_warnings,
        "notes": baseline.notes,
    }
    return baseline, elasticities, echo


# Part of the cache key: a change of PreparedBaseline's fields changes it, so that no
# server unpickles another version's value.
PREPARED_VERSION = 2


@dataclass(frozen=True)
class PreparedBaseline:
    """A request's stored baseline as the calculator takes it: the markets, origins,
    routes (without their values) and elasticity ranges, and the echo."""

    markets: list[dict[str, Any]]
    origins: list[dict[str, Any]]
    flows: list[dict[str, Any]]
    elasticity_ranges: dict[str, Any]
    echo: dict[str, Any]
    # This process's rows parsed as a calculator's dataclasses, by (class, field).
    parsed: dict[tuple[type, str], tuple[Any, ...]] = dataclasses.field(
        default_factory=dict, compare=False, repr=False
    )

    def rows_for(self, calculator: Calculator, name: str) -> Any:
        """The rows ``name`` (markets, origins or flows) as ``calculator``'s
        dataclasses, parsed once per process: ``parse`` takes them as they are. The
        plain rows where the calculator declares no such group or they do not
        parse (``parse`` then reports the errors at their fields)."""
        rows = getattr(self, name)
        group = next(
            (
                fs.group_type
                for fs in describe(calculator.inputs)
                if fs.name == name and fs.kind == "groups"
            ),
            None,
        )
        if group is None:
            return rows
        key = (group, name)
        if key not in self.parsed:
            try:
                self.parsed[key] = parse_rows(group, rows, (name,))
            except InputError:
                return rows
        return self.parsed[key]


def prepared_baseline(
    *,
    commodity: str,
    year: int,
    members: tuple[str, ...],
    settings: MarketBaseline,
    price_unit: str,
    quantity_unit: str,
) -> PreparedBaseline:
    """The baseline a request names (its members as typed), ready for the
    calculator: built once per version of the tables it reads and kept in the
    shared cache, so that a request varying only the measures costs no read, no
    grouping and no copy. Shared between requests: treat it as read-only."""
    key = repr(
        (
            commodity,
            year,
            tuple(str(code) for code in members),
            settings.calibration,
            tuple(settings.non_members),
            price_unit,
            quantity_unit,
        )
    )
    return table_versions.cached_read(
        name=f"prepared-baseline:{PREPARED_VERSION}:{key}",
        tables=BASELINE_READS,
        read=lambda: _prepare_baseline(
            commodity=commodity,
            year=year,
            members=member_economies(members),
            settings=settings,
            price_unit=price_unit,
            quantity_unit=quantity_unit,
        ),
    )


def _prepare_baseline(
    *,
    commodity: str,
    year: int,
    members: dict[str, list[str]],
    settings: MarketBaseline,
    price_unit: str,
    quantity_unit: str,
) -> PreparedBaseline:
    baseline, elasticities, echo = stored_baseline(
        commodity=commodity,
        year=year,
        members=members,
        settings=settings,
        price_unit=price_unit,
        quantity_unit=quantity_unit,
    )
    return PreparedBaseline(
        markets=baseline.markets,
        origins=baseline.origins,
        flows=[{k: v for k, v in f.items() if k != "value"} for f in baseline.flows],
        elasticity_ranges=elasticities.as_dict(),
        echo=echo,
    )


def fill_baseline(request: StoredRequest) -> dict[str, Any] | None:
    """Fill markets, origins, flows, measures and elasticity ranges from stored data
    when members are named; what was used, or None."""
    settings = request.extras.baseline
    if not settings.members:
        for name in ("floor", "floor_above_price", "non_members"):
            if getattr(settings, name) not in (None, ()):
                raise InputError.at(
                    ("members",),
                    gettext("Name the members that '{name}' applies to.").format(
                        name=name
                    ),
                )
        return None
    given = request.extras.flows
    if given.commodity is None:
        raise InputError.at(("commodity",), gettext("Name the commodity."))
    if given.year is None:
        raise InputError.at(("year",), gettext("Give the trade year of the baseline."))
    resolved = request.resolved
    price_unit = str(resolved.get("price_unit") or "USD/kg")
    prepared = prepared_baseline(
        commodity=given.commodity,
        year=given.year,
        members=settings.members,
        settings=settings,
        price_unit=price_unit,
        quantity_unit=str(resolved.get("quantity_unit") or "t"),
    )
    echo = prepared.echo
    level, floor_used = floor_level(
        settings, commodity=given.commodity, year=given.year, price_unit=price_unit
    )
    # Shared with the cache and other requests: read, never changed (the echo is
    # only read). The rows go as the calculator's dataclasses, parsed once, unless a
    # member group is to set their membership (``members.apply_member_group``).
    for name in ("markets", "origins", "flows"):
        resolved[name] = (
            getattr(prepared, name)
            if "member_group" in request.given
            else prepared.rows_for(request.calculator, name)
        )
    declared = {fs.name for fs in describe(request.calculator.inputs)}
    if level is not None and "measures" not in declared:
        raise InputError.at(
            ("floor",),
            gettext("The {title} calculator takes no floor.").format(
                title=request.calculator.title
            ),
        )
    if level is not None:
        resolved["measures"] = [
            {
                "kind": "floor",
                "level": level,
                "markets": ["members"],
                "origins": ["non_members"],
            }
        ]
    resolved["elasticity_ranges"] = prepared.elasticity_ranges
    if "uncertainty" in declared and "uncertainty" not in request.data:
        # ranges by default; null turns them off
        resolved["uncertainty"] = {"draws": DEFAULT_DRAWS, "seed": 1}
    return {**echo, "floor": floor_used}


def world_market(
    *, commodity: str, year: int, importer: str, price_unit: str, quantity_unit: str
) -> tuple[dict[str, Any], float, dict[str, Any]]:
    """The importer's whole market for the price floor's exact response: the same
    baseline as the plurilateral calculator's with the importer as the only member
    (``trade_response.world``), the stored price used, and the echo."""
    members = member_economies((importer,))
    baseline, _, echo = stored_baseline(
        commodity=commodity,
        year=year,
        members=members,
        settings=MarketBaseline(),
        price_unit=price_unit,
        quantity_unit=quantity_unit,
    )
    world = {
        "importer": next(iter(members)),
        "markets": baseline.markets,
        "origins": baseline.origins,
        "flows": [{k: v for k, v in f.items() if k != "value"} for f in baseline.flows],
    }
    return world, float(echo["price"]["value"]), echo


def data_basis(echo: Mapping[str, Any]) -> str:
    """One line naming what a stored-data baseline stands on (the sources' lines),
    said in each reader's language when it is shown."""
    return joined(*baseline_sources(echo))


def baseline_notes(*, used: Mapping[str, Any], result: Result) -> None:
    """Put what the baseline stands on and its warnings into the summary."""
    flows = used.get("stored_flows") or {}
    echo = used.get("market_baseline") or flows.get("market_baseline")
    if not echo:
        return
    result.summary["data_basis"] = data_basis(echo)
    for message in [*echo["unit_value_warnings"], *echo["notes"]]:
        add_warning(result.summary, message)
    production = echo["production"]
    if production and production["illustrative"]:
        add_warning(
            result.summary,
            translatable(
                "Home markets rest on an illustrative conversion: {basis}",
                basis=production["basis"],
            ),
        )
    if not echo["elasticities"]["published"]:
        add_warning(
            result.summary,
            translatable(
                "No published elasticities are stored for this commodity: generic "
                "ranges are used."
            ),
        )

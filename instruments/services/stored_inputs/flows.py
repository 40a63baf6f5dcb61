"""Stored bilateral trade flows -> a calculator's import flows.

With ``year`` (and ``commodity``), the price floor and the trade response take their
flows by origin into ``importer`` from the stored CEPII BACI data, and the plurilateral
calculator takes its origin × market matrix, every other country in ``ROW``. The echo
says which flows, year and source were used.

Conventions (stated on the methodology page): BACI quantities are tonnes a year; a
price floor on quarterly or monthly periods takes the year's tonnes spread evenly over
its periods (a quarter: a quarter of the year); the trade response's imports are
values at world prices in USD; flows among a group's own members (intra-EU trade)
are left out of its imports.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from django.utils.translation import gettext

from instruments import selectors
from instruments.calculators import trade_matrix
from instruments.calculators.base import Calculator, InputError, describe
from instruments.calculators.extras import (
    StoredFlows,
    find_rows_field,
    matrix_flows_field,
    member_flows_field,
)
from instruments.calculators.limits import MAX_FLOWS
from instruments.calculators.periods import period_bounds
from instruments.calculators.units import money_factor, quantity_factor
from instruments.services.stored_inputs.baseline import world_market
from instruments.services.stored_inputs.request import StoredRequest

# Share of a year in one period, by the period's kind.
_YEAR_SHARE = {"year": 1.0, "quarter": 0.25, "month": 1 / 12}

# Market codes that name a stored partner group under another spelling.
_GROUP_ALIASES = {"EU": "eu-27", "EU27": "eu-27", "EU-27": "eu-27"}


def fill_stored_flows(
    *, calculator: Calculator, resolved: dict[str, Any], given: StoredFlows
) -> dict[str, Any] | None:
    """Replace the typed flows of ``resolved`` by stored ones; what was used, or None
    when no trade year is given."""
    if given.year is None:
        if given.importer is not None:
            raise InputError.at(
                ("year",), gettext("Give the trade year of the flows to take.")
            )
        takes_goods = find_rows_field(calculator, "name", "content_factor")
        if given.commodity is not None and not (calculator.price_field or takes_goods):
            raise InputError.at(
                ("commodity",),
                gettext(
                    "The {title} calculator takes no market price: with a commodity, give a trade year (and an importer) to take its stored flows, or remove 'commodity'."
                ).format(title=calculator.title),
            )
        return None
    if given.commodity is None:
        raise InputError.at(
            ("commodity",),
            gettext("Name the commodity whose stored trade flows to take."),
        )
    flows = selectors.get_trade_flows(commodity=given.commodity, year=given.year)
    if flows.empty:
        latest = selectors.get_latest_trade_year(given.commodity)
        hint = f" The latest stored year is {latest}." if latest else ""
        raise InputError.at(
            ("year",),
            gettext(
                "No trade flows are stored for '{commodity}' in {year}.{hint}"
            ).format(commodity=given.commodity, year=given.year, hint=hint),
        )
    echo: dict[str, Any] = {
        "commodity": given.commodity,
        "commodity_name": selectors.get_commodity_name(given.commodity),
        "year": given.year,
        "hs_codes": sorted({str(code) for code in flows["hs_code"]}),
        "source": _sources(flows),
    }
    matrix_field = matrix_flows_field(calculator)
    if matrix_field is not None:
        return echo | _fill_matrix(resolved, matrix_field, flows)
    flows_field = member_flows_field(calculator)
    if flows_field is None:
        return None
    if given.importer is None:
        raise InputError.at(
            ("importer",),
            gettext(
                "Name the importing market (an ISO3 code such as USA, or a partner group "
                "such as eu-27) whose imports to take."
            ),
        )
    importers = selectors.resolve_economies([given.importer], field="importer")
    by_origin = trade_matrix.group_flows_by_origin(flows, importers=importers)
    if by_origin.empty:
        raise InputError.at(
            ("importer",),
            gettext(
                "No imports of '{commodity}' into {importer} are stored for {year}."
            ).format(
                commodity=given.commodity, importer=given.importer, year=given.year
            ),
        )
    echo["importer"] = given.importer
    echo["importer_name"] = selectors.get_economy_name(given.importer)
    if "imports" in _row_fields(calculator, flows_field):
        rows = _value_rows(by_origin)
        echo["imports_unit"] = "USD at world prices (BACI value)"
    elif _exact_response(resolved):
        # One model, one answer: the importer's whole market, as the plurilateral
        # calculator builds it, in its price-equivalent tonnes.
        quantity_unit = str(resolved.get("quantity_unit") or "t")
        price_unit = str(resolved.get("price_unit") or "USD/kg")
        world, price, world_echo = world_market(
            commodity=given.commodity,
            year=given.year,
            importer=given.importer,
            price_unit=price_unit,
            quantity_unit=quantity_unit,
        )
        resolved["trade_response"] = {**resolved["trade_response"], "world": world}
        money = money_factor(quantity_unit, price_unit)
        share = _period_share(resolved.get("periods"))
        frame = _top(by_origin[by_origin["value"] > 0], "value")
        rows = [
            {"origin": str(o), "quantity": float(v) * 1000.0 / (price * money) * share}
            for o, v in zip(frame["origin"], frame["value"], strict=True)
        ]
        echo["quantity_unit"] = f"{quantity_unit} (price-equivalent: value ÷ price)"
        echo["market_baseline"] = world_echo
    else:
        rows = _quantity_rows(by_origin, resolved)
        echo["quantity_unit"] = str(resolved.get("quantity_unit") or "t")
    template = _template(resolved.get(flows_field))
    resolved[flows_field] = [{**template, **row} for row in rows]
    echo["flows"] = rows
    return echo


def _exact_response(resolved: Mapping[str, Any]) -> bool:
    """A trade response by the exact market model (the default method)."""
    response = resolved.get("trade_response")
    return isinstance(response, Mapping) and response.get("method", "exact") == "exact"


def _row_fields(calculator: Calculator, field: str) -> set[str]:
    spec = next(fs for fs in describe(calculator.inputs) if fs.name == field)
    return {child.name for child in spec.children}


def _sources(flows: pd.DataFrame) -> str:
    return "; ".join(sorted({str(s) for s in flows["source"] if str(s)}))


def _template(typed: Any) -> dict[str, Any]:
    """A typed first flow lends its other one-number fields (tariffs, an import
    price) to every stored origin; origin, quantities and member flags come from the
    data, and per-period values typed for one origin are not copied to the others
    (an import price left out is the market price)."""
    if isinstance(typed, list) and typed and isinstance(typed[0], Mapping):
        return {
            k: v
            for k, v in typed[0].items()
            if k not in ("origin", "quantity", "imports", "member")
            and not isinstance(v, list | tuple)
            and not (isinstance(v, str) and "," in v)
        }
    return {}


def _top(by_origin: pd.DataFrame, column: str) -> pd.DataFrame:
    """At most MAX_FLOWS origins: the largest, the rest summed as ROW."""
    frame = by_origin.sort_values(column, ascending=False)
    if len(frame) <= MAX_FLOWS:
        return frame
    head, tail = frame.iloc[: MAX_FLOWS - 1], frame.iloc[MAX_FLOWS - 1 :]
    rest = pd.DataFrame(
        {
            "origin": [trade_matrix.ROW],
            "value": [tail["value"].sum()],
            "quantity": [tail["quantity"].sum(min_count=1)],
        }
    )
    return pd.concat([head, rest], ignore_index=True)


def _value_rows(by_origin: pd.DataFrame) -> list[dict[str, Any]]:
    frame = _top(by_origin[by_origin["value"] > 0], "value")
    return [
        {"origin": str(origin), "imports": float(value) * 1000.0}
        for origin, value in zip(frame["origin"], frame["value"], strict=True)
    ]


def _quantity_rows(
    by_origin: pd.DataFrame, resolved: Mapping[str, Any]
) -> list[dict[str, Any]]:
    weighed = by_origin[by_origin["quantity"].fillna(0) > 0]
    if weighed.empty:
        raise InputError.at(
            ("year",), gettext("The stored flows of that year report no tonnes.")
        )
    frame = _top(weighed, "quantity")
    factor = quantity_factor("t", f"USD/{resolved.get('quantity_unit') or 't'}")
    share = _period_share(resolved.get("periods"))
    return [
        {"origin": str(origin), "quantity": float(tonnes) * factor * share}
        for origin, tonnes in zip(frame["origin"], frame["quantity"], strict=True)
    ]


def _period_share(periods: Any) -> float:
    """The share of a year in one period (annual flows spread evenly)."""
    labels = periods if isinstance(periods, list | tuple) else []
    if isinstance(periods, str):
        labels = [p for p in periods.split(",") if p.strip()]
    if not labels:
        raise InputError.at(
            ("periods",), gettext("Give the periods (or a commodity's stored prices).")
        )
    try:
        kinds = {period_bounds(str(label))[0] for label in labels}
    except ValueError:
        return 1.0  # the calculator reports the bad label at its field
    if len(kinds) != 1 or next(iter(kinds)) not in _YEAR_SHARE:
        raise InputError.at(
            ("periods",),
            gettext(
                "Stored annual flows need periods of one kind: years, quarters or months."
            ),
        )
    return _YEAR_SHARE[next(iter(kinds))]


def _fill_matrix(
    resolved: dict[str, Any], field: str, flows: pd.DataFrame
) -> dict[str, Any]:
    """The plurilateral flow matrix: the named markets and foreign origins (ISO3 codes
    or partner groups), every other country in ROW; domestic producers' typed flows
    stay."""
    markets = [m for m in resolved.get("markets") or [] if isinstance(m, Mapping)]
    origins = [o for o in resolved.get("origins") or [] if isinstance(o, Mapping)]
    market_map = _economies([str(m.get("code", "")) for m in markets], field="markets")
    foreign = [o for o in origins if not o.get("domestic_market")]
    origin_map = _economies([str(o.get("code", "")) for o in foreign], field="origins")
    matrix = trade_matrix.group_flow_matrix(
        flows, markets=market_map, origins=origin_map, drop_internal=True
    )
    factor = quantity_factor("t", f"USD/{resolved.get('quantity_unit') or 't'}")
    market_codes = {str(m.get("code")) for m in markets}
    stored_rows = [
        {"origin": str(origin), "market": str(market), "quantity": float(q) * factor}
        for origin, row in matrix.iterrows()
        for market, q in row.items()
        if q > 0 and str(market) in market_codes
    ]
    echo: dict[str, Any] = {}
    if any(r["origin"] == trade_matrix.ROW for r in stored_rows) and not any(
        str(o.get("code")) == trade_matrix.ROW for o in origins
    ):
        prices = [p for o in foreign if (p := _as_float(o.get("price"))) is not None]
        price = sorted(prices)[len(prices) // 2] if prices else None
        if price is None:
            raise InputError.at(
                ("origins",),
                gettext("Give each foreign origin a price (for the ROW origin)."),
            )
        resolved["origins"] = [*origins, {"code": trade_matrix.ROW, "price": price}]
        echo["row_origin_added"] = {"code": trade_matrix.ROW, "price": price}
    domestic = {str(o.get("code")) for o in origins if o.get("domestic_market")}
    typed = [
        f
        for f in resolved.get(field) or []
        if isinstance(f, Mapping) and str(f.get("origin")) in domestic
    ]
    resolved[field] = [*stored_rows, *typed]
    echo["flows"] = stored_rows
    echo["quantity_unit"] = str(resolved.get("quantity_unit") or "t")
    return echo


def _economies(codes: list[str], *, field: str) -> dict[str, list[str]]:
    """Each named code's ISO3 members; ROW and codes that are neither a country nor a
    group (a label such as OTH) take no stored flows of their own."""
    out: dict[str, list[str]] = {}
    for code in codes:
        if code in ("", trade_matrix.ROW):
            continue
        lookup = _GROUP_ALIASES.get(code.upper(), code)
        try:
            out[code] = sorted(selectors.resolve_economies([lookup], field=field))
        except InputError:
            continue
    return out


def _as_float(value: Any) -> float | None:
    """A typed price as a number (a form sends text such as "55"), else None."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def fill_flows(request: StoredRequest) -> dict[str, Any] | None:
    if request.extras.baseline.members:
        return None  # the whole baseline is stored data (``baseline.py``)
    return fill_stored_flows(
        calculator=request.calculator,
        resolved=request.resolved,
        given=request.extras.flows,
    )

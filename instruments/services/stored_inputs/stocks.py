"""The members' stocks from the register of declared stockpiles (INSTRUMENTS.md §11).

With ``declared_stocks`` and a ``commodity``, each member market's stock is filled
from the stocks its countries declare for the commodity: a market named by an ISO3
code takes its country's records, a partner group (EU-27) sums its countries'. Per
country and holder the newest stock held is taken, else the newest target. Tonnes
are converted into the request's quantity unit; a figure in days becomes the stock's
days of consumption (or of net imports) for a market of one country, and cannot be
summed into a group's (it is not counted, and the result says so). A stock that is
not public, or a country that declares none, counts as zero, with a warning naming
the record and its source: never a silent zero. The typed stock of a member (its
trigger, release limit and costs) keeps everything but its amount.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from instruments import selectors
from instruments.calculators.base import InputError, Result, add_warning
from instruments.calculators.extras import stockpiles_field
from instruments.calculators.units import quantity_factor
from instruments.services.stored_inputs.request import StoredRequest

AMOUNTS = ("stock", "days", "days_net_imports")
FIELD = ("declared_stocks",)


def _value(row: Any, name: str) -> Any:
    return row.get(name) if isinstance(row, Mapping) else getattr(row, name, None)


def member_markets(resolved: Mapping[str, Any]) -> list[str]:
    """The codes of the markets flagged as members (typed, or from the baseline)."""
    markets = resolved.get("markets")
    if not isinstance(markets, Sequence) or isinstance(markets, str):
        return []
    codes = [
        str(_value(market, "code") or "").strip()
        for market in markets
        if _value(market, "member") in (True, "true", "True", 1)
    ]
    return [code for code in codes if code]


def chosen_records(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per country and holder, the newest stock held, else the newest target
    (``records`` come newest first)."""
    chosen: dict[tuple[str, str], dict[str, Any]] = {}
    for record in records:
        key = (record["country"], record["holder"])
        kept = chosen.get(key)
        if kept is None or (kept["kind"] != "holding" and record["kind"] == "holding"):
            chosen[key] = record
    return list(chosen.values())


def _record_name(record: Mapping[str, Any]) -> str:
    kind = " (target)" if record["kind"] == "target" else ""
    return (
        f"{record['country']}: {record['holder']}, {record['material']}{kind}, "
        f"as of {record['as_of']}"
    )


def market_stock(
    *,
    code: str,
    economies: list[str],
    records: list[dict[str, Any]],
    commodity: str,
    unit_per_tonne: float,
) -> tuple[dict[str, float], list[dict[str, Any]], list[str]]:
    """One member market's amount (``stock``, ``days`` or ``days_net_imports``),
    the records it stands on (each marked ``counted``) and the warnings."""
    group = len(economies) > 1 or economies != [code.upper()]
    mine = chosen_records([r for r in records if r["country"] in economies])
    warnings: list[str] = []
    missing = sorted(set(economies) - {r["country"] for r in mine})
    if missing and not mine:
        where = "any country of " + code if group else code
        warnings.append(
            f"No stockpile of {commodity} is declared for {where} in the register: "
            f"its stock is taken as zero."
        )
    elif missing:
        warnings.append(
            f"No stockpile of {commodity} is declared for {', '.join(missing)} "
            f"(in {code}): counted as zero."
        )
    tonnes = [r for r in mine if r["quantity_t"] is not None]
    days = [r for r in mine if r["quantity_t"] is None and r["days"] is not None]
    used: list[dict[str, Any]] = []
    amount: dict[str, float] = {}
    if tonnes or group or not days:
        amount["stock"] = sum(r["quantity_t"] for r in tonnes) * unit_per_tonne
        counted = tonnes
    else:
        basis = days[0]["days_basis"] if days else "consumption"
        counted = [r for r in days if r["days_basis"] == basis]
        name = "days" if basis == "consumption" else "days_net_imports"
        amount[name] = float(sum(r["days"] for r in counted))
    for record in mine:
        is_counted = record in counted
        used.append({**record, "market": code, "counted": is_counted})
        source = f"Source: {record['source']}"
        if record["quantity_t"] is None and record["days"] is None:
            warnings.append(
                f"{_record_name(record)}: the amount is not public, counted as zero "
                f"in {code}'s stock. {source}."
            )
        elif not is_counted:
            warnings.append(
                f"{_record_name(record)}: {record['amount']} cannot be added to "
                f"{code}'s stock in {'tonnes' if group or tonnes else 'days'}: not "
                f"counted. {source}."
            )
        elif record["illustrative"]:
            warnings.append(
                f"{_record_name(record)}: an illustrative figure, not a published "
                f"one. {source}."
            )
    return amount, used, warnings


def fill_declared_stocks(request: StoredRequest) -> dict[str, Any] | None:
    """Fill each member market's stock from the register of declared stockpiles
    when ``declared_stocks`` is set; what was used (the records, the stocks and the
    warnings), or None."""
    field = stockpiles_field(request.calculator)
    if field is None or not request.extras.stocks.declared_stocks:
        return None
    commodity = request.extras.flows.commodity
    if not commodity:
        raise InputError.at(
            FIELD, "Name the commodity whose declared stockpiles to start from."
        )
    resolved = request.resolved
    codes = member_markets(resolved)
    if not codes:
        raise InputError.at(
            FIELD,
            "No member market to fill: name the members (or tick 'member' on the "
            "markets that hold stocks).",
        )
    economies: dict[str, list[str]] = {}
    warnings: list[str] = []
    for code in codes:
        try:
            economies[code] = sorted(selectors.resolve_economies([code], field=field))
        except InputError:
            warnings.append(
                f"Market {code} is neither a stored country nor a partner group: its "
                "stock is not taken from the register."
            )
    wanted = sorted({iso3 for found in economies.values() for iso3 in found})
    records = selectors.get_declared_stockpiles(commodity, countries=wanted)
    unit_per_tonne = quantity_factor("t", f"USD/{resolved.get('quantity_unit') or 't'}")
    typed = resolved.get(field)
    rows = [dict(r) for r in typed if isinstance(r, Mapping)] if typed else []
    by_market = {str(r.get("market", "")).strip(): r for r in rows}
    used: list[dict[str, Any]] = []
    stocks: dict[str, dict[str, float]] = {}
    for code, found in economies.items():
        amount, records_used, notes = market_stock(
            code=code,
            economies=found,
            records=records,
            commodity=commodity,
            unit_per_tonne=unit_per_tonne,
        )
        row = by_market.get(code)
        if row is None:
            row = {"market": code}
            rows.append(row)
        for name in AMOUNTS:
            row.pop(name, None)
        row.update(amount)
        stocks[code] = amount
        used += records_used
        warnings += notes
    resolved[field] = rows
    return {
        "commodity": commodity,
        "stocks": stocks,
        "records": [_jsonable(r) for r in used],
        "warnings": warnings,
    }


def _jsonable(record: Mapping[str, Any]) -> dict[str, Any]:
    keep = (
        "market",
        "country",
        "country_name",
        "holder",
        "material",
        "kind",
        "amount",
        "quantity_t",
        "days",
        "days_basis",
        "as_of",
        "source",
        "source_url",
        "illustrative",
        "counted",
    )
    out = {k: record.get(k) for k in keep}
    out["as_of"] = str(out["as_of"])
    return out


def declared_stock_notes(*, used: Mapping[str, Any], result: Result) -> None:
    """Put the declared stocks' warnings into the summary."""
    echo = used.get("declared_stocks")
    if isinstance(echo, Mapping):
        for message in echo.get("warnings") or ():
            add_warning(result.summary, message)

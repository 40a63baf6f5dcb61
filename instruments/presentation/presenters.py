"""What pages show, built from a calculator's registry record and a result: headline
figures with labels in the result's own units, comparison tables, inputs in plain
words, the headline in sentences and the comparison of instruments (each instrument's
own words from its module in ``presentation.instruments``; shared figures and words in
``presentation.text``). Pure: no Django, no ORM; views call these and render.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from instruments.calculators.base import (
    Calculator,
    FieldSpec,
    Output,
    describe,
    to_data,
)
from instruments.calculators.extras import request_extras
from instruments.calculators.numbers import is_number
from instruments.calculators.text import shorten
from instruments.calculators.translation import gettext, gettext_noop
from instruments.presentation.charts.base import result_units
from instruments.presentation.instruments import presentation_of
from instruments.presentation.sources import (  # results name their sources here
    baseline_sources,
    cited_source,
    elasticity_sources,
    short_citation,
    sources_of,
    stored_data_sources,
    vintage_of,
)
from instruments.presentation.text import (
    SummaryItem,
    format_figure,
    format_headline,
    format_percent,
    format_quantity,
    money_text,
    percent_help,
    period_span,
)
from instruments.presentation.text import (  # pages name the commodity through here
    commodity_name as commodity_name,
)

__all__ = [
    "baseline_sources",
    "cited_source",
    "elasticity_sources",
    "format_figure",
    "format_headline",
    "format_percent",
    "percent_help",
    "short_citation",
    "sources_of",
    "stored_data_sources",
    "vintage_of",
]

HEADLINE_MIN = 4
"""The headline shows at least this many figures (declared headlines first)."""

# --- headline and other summary figures ---------------------------------------------


def unit_text(output: Output, inputs: Mapping[str, Any]) -> str:
    """The unit an output is read in, for this result's inputs."""
    units = result_units(inputs)
    return {
        "money": units["money"],
        "price": units["price"],
        "quantity": units["quantity"],
        "share": "%",
        "years": "years",
    }.get(output.unit, "")


def column_headings(
    outputs: Sequence[Output], columns: Sequence[str], inputs: Mapping[str, Any]
) -> list[tuple[str, str]]:
    """(column, heading) for a table on the page: the declared label with the
    result's unit (``Quantity before (t)``), else the column name in words. Shares
    read as percentages (``percent_records`` multiplies them), as they are typed."""
    declared = {o.key: o for o in outputs}
    headings = []
    for column in columns:
        output = declared.get(column)
        if output is None:
            headings.append((column, column.replace("_", " ").strip().capitalize()))
            continue
        unit = "%" if output.unit == "share" else unit_text(output, inputs)
        headings.append((column, f"{output.label} ({unit})" if unit else output.label))
    return headings


def _basis_words(inputs: Mapping[str, Any]) -> str:
    """How the market price's basis reads: a stored FOB series taken as it is is
    said to be FOB, never "CIF as given"."""
    stored = inputs.get("stored_prices")
    if isinstance(stored, Mapping) and stored.get("delivery_basis") == "fob":
        return (
            "FOB, as the stored series gives it (no freight or insurance added: "
            "choose the FOB basis to add them)"
        )
    return "CIF as given"


def percent_records(
    outputs: Sequence[Output], records: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Table records with the share columns in per cent (0.12 → 12), as their
    headings say (``column_headings``); the downloads keep the fractions."""
    shares = {o.key for o in outputs if o.unit == "share"}
    if not shares:
        return [dict(r) for r in records]
    return [
        {
            k: (v * 100.0 if k in shares and is_number(v) else v)
            for k, v in record.items()
        }
        for record in records
    ]


def summary_items(
    calculator: Calculator,
    summary: Mapping[str, Any],
    inputs: Mapping[str, Any],
    *,
    bands: pd.DataFrame | None = None,
) -> tuple[list[SummaryItem], list[SummaryItem]]:
    """(headline, more): the summary figures, the declared headline ones first; a
    figure with uncertainty ``bands`` (P5, P50, P95 per figure) shows its P5–P95."""
    ranges: dict[str, tuple[float, float]] = (
        {}
        if bands is None
        else {
            str(f): (float(lo), float(hi))
            for f, lo, hi in zip(
                bands["figure"], bands["p5"], bands["p95"], strict=True
            )
        }
    )
    items = []
    for key, value in summary.items():
        output = calculator.output(key) or Output(
            key, key.replace("_", " ").capitalize()
        )
        name = gettext(output.label)
        if isinstance(summary.get(f"{key}_period"), str):  # e.g. the bad year's year
            name = f"{name}, {summary[f'{key}_period']}"
        display = format_headline(value)
        if key.endswith("cif_note") and value == "CIF as given":
            display = _basis_words(inputs)
        if output.unit == "share" and is_number(value):
            display = format_figure(value * 100) if math.isfinite(value) else "—"
            display = display if display == "—" else f"{display} %"
        unit = "" if output.unit == "share" else unit_text(output, inputs)
        if (
            output.unit == "money"
            and is_number(value)
            and value < 0
            and "cost" in output.label.lower()
        ):
            display += gettext(" (a gain)")  # a negative cost, in words
        if key in ranges:
            low, high = ranges[key]
            scale = 100.0 if output.unit == "share" else 1.0
            display += (
                f" (P5–P95: {format_headline(low * scale)} to "
                f"{format_headline(high * scale)})"
            )
        items.append(SummaryItem(key, name, unit, value, display))
    order = list(calculator.headline_keys)
    headline = sorted(
        (i for i in items if i.key in order and i.display != "—"),
        key=lambda i: order.index(i.key),
    )
    if len(headline) < HEADLINE_MIN:
        headline += [
            i
            for i in items
            if i not in headline and is_number(i.value) and i.display != "—"
        ][: HEADLINE_MIN - len(headline)]
    return headline, [i for i in items if i not in headline]


# --- comparing scenarios ------------------------------------------------------------


@dataclass(frozen=True)
class ComparedRun:
    """One column of a comparison: a title, and its summary and inputs (None when the
    scenario no longer runs)."""

    title: str
    summary: Mapping[str, Any] | None
    inputs: Mapping[str, Any] | None


def comparison_summary_table(
    calculator: Calculator, runs: Sequence[ComparedRun]
) -> list[dict[str, Any]]:
    """Summary figures side by side, headline rows first. Where the scenarios are in
    different units the unit moves from the label to each value, so that no figure
    is read in another scenario's currency."""
    rows: dict[str, dict[str, Any]] = {}
    for column, run in enumerate(runs):
        if run.summary is None or run.inputs is None:
            continue
        headline, more = summary_items(calculator, run.summary, run.inputs)
        for item in headline + more:
            row = rows.setdefault(
                item.key,
                {
                    "key": item.key,
                    "name": item.name,
                    "units": [None] * len(runs),
                    "displays": ["—"] * len(runs),
                    "head": False,
                },
            )
            row["units"][column] = item.unit
            row["displays"][column] = item.display
            row["head"] = row["head"] or item in headline
    table = []
    for row in rows.values():
        units = {u for u in row["units"] if u is not None}
        if len(units) > 1:
            label = row["name"]
            values = [
                f"{d} {u}" if u and d != "—" else d
                for d, u in zip(row["displays"], row["units"], strict=True)
            ]
        else:
            unit = next(iter(units), "")
            label = f"{row['name']} ({unit})" if unit else row["name"]
            values = row["displays"]
        table.append(
            {"key": row["key"], "label": label, "values": values, "head": row["head"]}
        )
    return sorted(table, key=lambda row: not row["head"])


def comparison_input_table(
    calculator: Calculator, inputs: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Inputs side by side in plain words, the rows that differ marked."""
    flats = [dict(plain_inputs(calculator, one)) for one in inputs]
    keys = list(dict.fromkeys(k for flat in flats for k in flat))
    return [
        {
            "key": key,
            "values": [flat.get(key, "—") for flat in flats],
            "differs": len({flat.get(key, "—") for flat in flats}) > 1,
        }
        for key in keys
    ]


# --- inputs in plain words ------------------------------------------------------------


def plain_inputs(
    calculator: Calculator, inputs: Mapping[str, Any]
) -> list[tuple[str, str]]:
    """The inputs given, as (label in officials' words, value) pairs: "Flows 2 ›
    Import price (USD/kg)" rather than ``flows.1.import_price``. Fields the
    declaration does not know keep their own name."""
    units = result_units(inputs)
    specs = (*describe(calculator.inputs), *request_extras(calculator))
    return _plain(specs, inputs, (), units)


def _plain(
    specs: Sequence[FieldSpec],
    data: Any,
    trail: tuple[str, ...],
    units: Mapping[str, str],
) -> list[tuple[str, str]]:
    if not isinstance(data, Mapping):
        return []
    by_name = {fs.name: fs for fs in specs}
    pairs: list[tuple[str, str]] = []
    for name, value in data.items():
        fs = by_name.get(name)
        label = (
            gettext(fs.label) if fs is not None else name.replace("_", " ").capitalize()
        )
        if fs is not None and fs.kind == "group" and isinstance(value, Mapping):
            pairs += _plain(fs.children, value, (*trail, label), units)
        elif fs is not None and fs.kind == "groups" and isinstance(value, list):
            for i, item in enumerate(value, start=1):
                pairs += _plain(fs.children, item, (*trail, f"{label} {i}"), units)
        else:
            unit = _field_unit(fs, units)
            text = " › ".join((*trail, f"{label} ({unit})" if unit else label))
            pairs.append((text, _plain_value(value, percent=_is_rate(fs))))
    return pairs


PERCENT_UNITS = {"fraction": "%", "fraction a year": "% a year"}
"""Shares and rates are decimals in the API (0.25) and percentages on the pages (25
%), as the official typed them: inputs in words say 25 %."""


def _is_rate(fs: FieldSpec | None) -> bool:
    return fs is not None and fs.unit in PERCENT_UNITS


def _field_unit(fs: FieldSpec | None, units: Mapping[str, str]) -> str:
    if fs is None or not fs.unit:
        return ""
    if fs.unit in PERCENT_UNITS:
        return PERCENT_UNITS[fs.unit]
    return {
        "price unit": units["price"],
        "quantity unit": units["quantity"],
        "money": units["money"],
        "currency": units["money"],
    }.get(fs.unit, fs.unit)


def _plain_value(value: Any, *, percent: bool = False) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_plain_value(v, percent=percent) for v in value)
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {_plain_value(v)}" for k, v in value.items())
    if percent and is_number(value):
        # 0.9 typed as 90 on the form: shown as 90 (the label says %)
        return format_figure(round(float(value) * 100.0, 10), plain=True)
    return format_figure(value, plain=True)


# --- what this means: headline figures in sentences -------------------------------------
#
# An instrument with its own words says them in its module's ``sentences``; the rest
# read out their declared headline figures.


def headline_sentences(
    calculator: Calculator,
    result: Any,
    inputs: Mapping[str, Any],
    names: Mapping[str, str] | None = None,
) -> list[str]:
    """The headline figures of a result as sentences an official can quote.

    ``result`` is the calculator's ``Result`` (summary and rows); ``inputs`` its
    normalised inputs (with ``stored_prices`` when stored prices were used);
    ``names`` (ISO3 code → name) puts countries in words.
    """
    headline, _ = summary_items(calculator, result.summary, inputs)
    special = presentation_of(calculator).sentences(
        result, inputs, headline, names or {}
    )
    return special or [_sentence(item, result) for item in headline[:4]]


def _sentence(item: SummaryItem, result: Any) -> str:
    span = period_span(result.rows)
    if item.unit and item.display != "—" and item.unit.isupper():
        figure = money_text(item.value, item.unit)
    else:
        figure = f"{item.display} {item.unit}".strip()
    over = (
        gettext(" over {span}").format(span=span)
        if span and item.unit.isupper()
        else ""
    )
    return f"{item.name}: {figure}{over}."


# --- sensitivity: inputs named as officials read them -----------------------------------

NOT_SWEPT = frozenset({"seed", "paths", "steps", "history_step_years", "year"})
"""Numeric inputs a sensitivity never varies: they are settings, not assumptions."""


_ROW_NAMES = ("name", "code", "market", "origin", "country", "good", "importer", "id")
"""Fields that name one row of a repeated group in words ("EU" for markets.0)."""


def path_label(
    calculator: Calculator,
    path: str,
    inputs: Mapping[str, Any],
    data: Mapping[str, Any] | None = None,
) -> str:
    """``markets.0.demand_elasticity`` as "EU › Demand elasticity" (the row's own
    name from ``data``, the request; "Markets 1 › …" when the row has none)."""
    units = result_units(inputs)
    specs: Sequence[FieldSpec] = (
        *describe(calculator.inputs),
        *request_extras(calculator),
    )
    words: list[str] = []
    spec: FieldSpec | None = None
    node: Any = data
    for step in path.split("."):
        if step.isdigit():
            node = (
                node[int(step)]
                if isinstance(node, list) and int(step) < len(node)
                else None
            )
            name = _row_name(node)
            if words:
                words[-1] = name or f"{words[-1]} {int(step) + 1}"
            continue
        node = node.get(step) if isinstance(node, Mapping) else None
        spec = next((fs for fs in specs if fs.name == step), None)
        words.append(
            gettext(spec.label) if spec else step.replace("_", " ").capitalize()
        )
        specs = spec.children if spec else ()
    unit = _field_unit(spec, units)
    if unit:
        words[-1] = f"{words[-1]} ({unit})"
    return " › ".join(words)


def _row_name(row: Any) -> str:
    if not isinstance(row, Mapping):
        return ""
    for key in _ROW_NAMES:
        value = row.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def sweepable_paths(
    paths: Sequence[str],
    base: Mapping[str, Any] | None = None,
    used: Mapping[str, Any] | None = None,
) -> list[str]:
    """The numeric inputs worth varying (settings such as the seed left out), and,
    given the request ``base`` and the inputs ``used`` (stored data filled in), not
    the typed values stored data replaced (flows from BACI, prices from a series)."""
    kept = [p for p in paths if p.split(".")[-1] not in NOT_SWEPT]
    if base is None or used is None:
        return kept
    return [p for p in kept if not _replaced(p, base, used)]


def _replaced(path: str, base: Mapping[str, Any], used: Mapping[str, Any]) -> bool:
    typed, taken = _at(base, path), _at(used, path)
    if taken is _MISSING:
        return False  # an extra the calculator does not echo (e.g. the floor level)
    if typed == taken:
        return False
    if isinstance(taken, list) and not isinstance(typed, list):
        return any(v != typed for v in taken)
    return True


_MISSING = object()


def _at(data: Any, path: str) -> Any:
    node = data
    for step in path.split("."):
        if isinstance(node, list) and step.isdigit() and int(step) < len(node):
            node = node[int(step)]
        elif isinstance(node, Mapping) and step in node:
            node = node[step]
        else:
            return _MISSING
    return node


_FIRST_IN_TORNADO = (
    "floor",
    "reference_price",
    "strike",
    "level",
    "elasticity",
    "price",
)
"""Inputs the tornado moves first: the policy's level, then the elasticities."""


def tornado_order(paths: Sequence[str], price_field: str = "") -> list[str]:
    """The inputs in the order the tornado takes them: the calculator's price
    field, the floor level and the other policy levels, the elasticities, the rest."""

    def rank(path: str) -> int:
        if path == price_field:
            return 0
        leaf = path.split(".")[-1]
        for i, word in enumerate(_FIRST_IN_TORNADO, start=1):
            if word in leaf:
                return i
        return len(_FIRST_IN_TORNADO) + 1

    return sorted(paths, key=rank)


# --- comparing instruments on one commodity ---------------------------------------------


def commodity_code(inputs: Mapping[str, Any], request: Mapping[str, Any]) -> str:
    """The code of the commodity a result is about ("" when it names none): what the
    request named, else the stored prices' or flows' commodity."""
    for source in (request, inputs):
        code = source.get("commodity")
        if isinstance(code, str) and code:
            return code
    for key in ("stored_prices", "stored_flows", "market_baseline"):
        stored = inputs.get(key)
        if isinstance(stored, Mapping) and isinstance(stored.get("commodity"), str):
            return str(stored["commodity"])
    return ""


_MASS_IN_TONNES = {"kg": 1e-3, "t": 1.0, "tonne": 1.0, "kt": 1e3, "Mt": 1e6}


@dataclass(frozen=True)
class InstrumentColumn:
    """One scenario in the comparison of instruments: who pays, how much, when, risk."""

    title: str
    instrument: str
    who_pays: str
    figure: str
    total: str
    quantity: str
    per_tonne: str
    when: str
    risk: str
    total_value: float | None


def instrument_column(
    title: str, calculator: Calculator, result: Any, inputs: Mapping[str, Any]
) -> InstrumentColumn:
    """The comparison's column for one scenario, from its registry record and result."""
    summary, rows = result.summary, result.rows
    units = result_units(inputs)
    headline, _ = summary_items(calculator, summary, inputs)
    money = next(
        (
            i
            for i in headline
            if (o := calculator.output(i.key))
            and o.unit == "money"
            and is_number(i.value)
        ),
        None,
    )
    who_pays, risk = presentation_of(calculator).who_pays(summary, units)
    if not risk and is_number(summary.get("p95")):
        risk = gettext("1-in-20 bad case: {amount}").format(
            amount=money_text(summary["p95"], units["money"])
        )
    quantity = summary.get("quantity_total")
    if not is_number(quantity):
        for column in ("taken_quantity", "quantity"):
            if column in rows:
                quantity = float(rows[column].sum())
                break
    factor = _MASS_IN_TONNES.get(units["quantity"])
    per_tonne = "—"
    if money is not None and is_number(quantity) and quantity and factor:
        per_tonne = (
            f"{format_figure(money.value / (quantity * factor))} {units['money']}/t"
        )
    return InstrumentColumn(
        title=title,
        instrument=gettext(calculator.title),
        who_pays=who_pays,
        figure=money.name if money else "—",
        total=money_text(money.value, units["money"]) if money else "—",
        quantity=format_quantity(quantity, units["quantity"])
        if is_number(quantity)
        else "—",
        per_tonne=per_tonne,
        when=period_span(rows) or "—",
        risk=risk or gettext("Fixed inputs: no price risk simulated."),
        total_value=float(money.value) if money else None,
    )


def instrument_comparison_table(columns: Sequence[InstrumentColumn]) -> list[list[str]]:
    """Rows of the comparison of instruments: a header, then one row per question."""
    fields = (
        (gettext_noop("Instrument"), "instrument"),
        (gettext_noop("Who pays"), "who_pays"),
        (gettext_noop("Figure"), "figure"),
        (gettext_noop("How much, in total"), "total"),
        # volumes differ (55,025 t against 5,000 t): per tonne covered compares
        (gettext_noop("Quantity covered"), "quantity"),
        (gettext_noop("How much, per tonne covered"), "per_tonne"),
        (gettext_noop("When"), "when"),
        (gettext_noop("With what risk"), "risk"),
    )
    return [
        ["", *(c.title for c in columns)],
        *(
            [gettext(label), *(str(getattr(c, name)) for c in columns)]
            for label, name in fields
        ),
    ]


# --- settings carried over: what differs from the declaration's defaults ----------------


@dataclass(frozen=True)
class Chip:
    """A setting that differs from its declared default, shown beside the headline."""

    path: str
    label: str
    value: str


def carried_over_settings(
    calculator: Calculator, request: Mapping[str, Any]
) -> list[Chip]:
    """The optional inputs of a request whose value differs from their declared
    default (a levy cap, a trade response, a discount rate, a valuation): the settings
    that change the answer and are easy to miss when a precedent was loaded."""
    chips = []
    for fs in describe(calculator.inputs):
        if fs.required or fs.name not in request or fs.kind not in _SETTING_KINDS:
            continue
        value = request[fs.name]
        default = _default_data(fs.default)
        if value is None or value == default:
            continue
        if fs.kind == "group" and isinstance(value, Mapping):
            changed = _changed_children(fs, value)
            if not changed:
                continue
            text = "; ".join(f"{label} {v}" for label, v in changed[:3])
        elif fs.kind == "groups":
            continue
        else:
            text = _setting_text(fs, value)
        chips.append(Chip(fs.name, fs.label, text))
    return chips


_SETTING_KINDS = frozenset({"number", "integer", "choice", "boolean", "group"})
"""Kinds of input that are settings (series, periods and units are the data)."""


def _default_data(default: Any) -> Any:
    if dataclasses.is_dataclass(default) and not isinstance(default, type):
        return to_data(default)
    return default


def _changed_children(fs: FieldSpec, value: Mapping[str, Any]) -> list[tuple[str, str]]:
    changed = []
    for child in fs.children:
        if child.name not in value or child.kind not in _SETTING_KINDS - {"group"}:
            continue
        if (
            value[child.name] != _default_data(child.default)
            and value[child.name] is not None
        ):
            changed.append(
                (child.label.lower(), _setting_text(child, value[child.name]))
            )
    return changed


def _setting_text(fs: FieldSpec, value: Any) -> str:
    if fs.choice_labels and isinstance(value, str) and value in fs.choice_labels:
        return str(fs.choice_labels[value])
    if fs.unit.startswith("fraction") and is_number(value):
        return format_percent(value)
    text = _plain_value(value)
    return shorten(text, 40)

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
from instruments.presentation.columns import COLUMN_WORDS
from instruments.presentation.instruments import presentation_of
from instruments.presentation.numbers import signed_figures_in
from instruments.presentation.sources import (  # results name their sources here
    baseline_sources,
    cited_source,
    elasticity_sources,
    short_citation,
    sources_of,
    stored_data_sources,
    vintage_of,
)
from instruments.presentation.sweeps import (  # the sensitivity page names inputs here
    NOT_SWEPT as NOT_SWEPT,
)
from instruments.presentation.sweeps import (  # the template tags read it here
    PERCENT_UNITS as PERCENT_UNITS,
)
from instruments.presentation.sweeps import (
    field_unit,
    is_rate,
)
from instruments.presentation.sweeps import (
    path_label as path_label,
)
from instruments.presentation.sweeps import (
    sweepable_paths as sweepable_paths,
)
from instruments.presentation.sweeps import (
    tornado_order as tornado_order,
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
    text_value,
)
from instruments.presentation.text import (  # pages name the commodity through here
    commodity_name as commodity_name,
)
from instruments.presentation.words import choice_words, value_words

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
        "years": gettext("years"),
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
            # undeclared: its name in words, translated when the catalogue has them
            words = COLUMN_WORDS.get(column) or column.replace("_", " ").strip()
            words = words.capitalize()
            headings.append((column, gettext(words) if words else words))
            continue
        unit = "%" if output.unit == "share" else unit_text(output, inputs)
        label = gettext(output.label)
        headings.append((column, f"{label} ({unit})" if unit else label))
    return headings


def _basis_words(inputs: Mapping[str, Any]) -> str:
    """How the market price's basis reads: a stored FOB series taken as it is is
    said to be FOB, never "CIF as given"."""
    stored = inputs.get("stored_prices")
    if isinstance(stored, Mapping) and stored.get("delivery_basis") == "fob":
        return gettext(
            "FOB, as the stored series gives it (no freight or insurance added: "
            "choose the FOB basis to add them)"
        )
    return gettext("CIF as given")


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
    choices = choice_words(calculator)
    for key, value in summary.items():
        output = calculator.output(key) or Output(
            key, key.replace("_", " ").capitalize()
        )
        name = gettext(output.label)
        if isinstance(summary.get(f"{key}_period"), str):  # e.g. the bad year's year
            name = f"{name}, {summary[f'{key}_period']}"
        display = format_headline(value)
        if isinstance(value, str):
            display = signed_figures_in(text_value(value_words(value, choices)))
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
            display += gettext(" (P5–P95: {low} to {high})").format(
                low=format_headline(low * scale), high=format_headline(high * scale)
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
            unit = field_unit(fs, units)
            text = " › ".join((*trail, f"{label} ({unit})" if unit else label))
            pairs.append((text, _plain_value(value, percent=is_rate(fs))))
    return pairs


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
    if span and item.unit.isupper():
        return gettext("{figure_name}: {figure} over {span}.").format(
            figure_name=item.name, figure=figure, span=span
        )
    return gettext("{figure_name}: {figure}.").format(
        figure_name=item.name, figure=figure
    )


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
        chips.append(Chip(fs.name, gettext(fs.label), text))
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
                (
                    _lower_first(gettext(child.label)),
                    _setting_text(child, value[child.name]),
                )
            )
    return changed


def _setting_text(fs: FieldSpec, value: Any) -> str:
    if fs.choice_labels and isinstance(value, str) and value in fs.choice_labels:
        return gettext(str(fs.choice_labels[value]))
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if fs.unit.startswith("fraction") and is_number(value):
        return format_percent(value)
    text = _plain_value(value)
    return shorten(text, 40)


def _lower_first(text: str) -> str:
    """ "Import demand elasticity" as it reads inside a chip: "import demand
    elasticity" (a name such as "EU" keeps its capitals)."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]

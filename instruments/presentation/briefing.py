"""What a minister's brief says, in reading order: page one (the question in one
sentence naming the measure, its level and its members; four headline figures with
units, ranges and sources; one chart), then the detail (what this means, every chart,
the full table, every input that differs from its default, the data vintage and
sources).

Built from presenters (sentences, plain-word inputs, headline figures), ``policies``
(the policy in one phrase) and charts (the page's figures). Generic over the registry:
a new calculator gets a brief and a slide pack with no code of its own.
``briefing_pdf`` lays a brief out as A4 PDF, ``slides`` as a PowerPoint deck. No
Django here: views pass the addresses and the deployment's settings in.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from instruments.calculators.base import Calculator, Result, describe, to_data
from instruments.calculators.extras import request_extras
from instruments.calculators.numbers import is_number
from instruments.calculators.translation import active_language, gettext
from instruments.presentation import presenters
from instruments.presentation.charts.results import build_result_figures
from instruments.presentation.jsonify import rows_as_records
from instruments.presentation.numbers import signed_figures_in
from instruments.presentation.policies import join_words, policy_phrase, short_commodity
from instruments.presentation.presenters import (
    short_citation,
    sources_of,
    vintage_of,
)
from instruments.presentation.text import format_figure, format_headline, period_span

KEY_FIGURES = 4
"""Headline figures on page one."""
MAX_TABLE_ROWS = 200
"""Rows of the table in a brief (the CSV and XLSX downloads have them all)."""

BRIEF_FIGURES: dict[str, tuple[str, ...]] = {
    # The money and the trade officials brief on, before the declared headline order.
    "plurilateral": (
        "imports_from_non_members_change",
        "importer_revenue_total",
        "non_member_price_change",
        "net_welfare_members",
    ),
}


@dataclass(frozen=True)
class Deployment:
    """What the deployment's settings put on every brief: the classification or
    draft line, and the issuing body's name."""

    classification: str = "DRAFT"
    issuer: str = "Critical-minerals trade instruments"


@dataclass(frozen=True)
class BriefingChart:
    title: str
    description: str
    figure: Mapping[str, Any]
    source: str
    units: str = ""


@dataclass(frozen=True)
class KeyFigure:
    """A page-one figure: ``value`` in ``unit``, its P5–P95 ``range`` ("" without
    uncertainty draws) and what it was calculated from."""

    name: str
    unit: str
    value: str
    range: str
    source: str

    @property
    def value_with_unit(self) -> str:
        """``USD 73.3 million``, ``-1,061 t``, ``-1.18 %``."""
        if not self.unit or self.value == "—":
            return self.value
        if self.unit.isalpha() and self.unit.isupper():
            return f"{self.unit} {self.value}"
        return f"{self.value} {self.unit}"

    @property
    def range_with_unit(self) -> str:
        """``USD 55.7 million to 74.3 million``; "" without a range."""
        if not self.range:
            return ""
        if self.unit.isalpha() and self.unit.isupper():
            return f"{self.unit} {self.range}"
        return f"{self.range} {self.unit}".strip()


@dataclass
class Briefing:
    """What a brief says, in reading order."""

    title: str
    question: str
    vintage: str
    sentences: list[str]
    inputs: list[tuple[str, str]]
    headline: list[tuple[str, str]]
    charts: list[BriefingChart]
    table_title: str
    table: list[list[str]]
    sources: list[str]
    methodology_url: str
    notes: str = ""
    date: dt.date = field(default_factory=lambda: dt.datetime.now(dt.UTC).date())
    sections: list[tuple[str, list[str]]] = field(default_factory=list)
    key_figures: list[KeyFigure] = field(default_factory=list)
    deployment: Deployment = field(default_factory=Deployment)
    basis: str = ""
    """What the figures were calculated from, in a few words."""
    caveats: list[str] = field(default_factory=list)
    """The result's own warnings and notes, in full."""


def source_line(basis: str) -> str:
    """``Source: Calculated on …``."""
    return gettext("Source: {basis}").format(basis=basis)


def units_and_source(chart: BriefingChart, briefing: Briefing) -> str:
    """``Units: Price (USD/kg). Source: Calculated on …``."""
    if not chart.units:
        return source_line(briefing.basis)
    return gettext("Units: {units}. Source: {basis}").format(
        units=chart.units, basis=briefing.basis
    )


# --- the question ------------------------------------------------------------------------


def question_of(
    calculator: Calculator,
    inputs: Mapping[str, Any],
    rows: Any,
    names: Mapping[str, str] | None = None,
) -> str:
    """The question the brief answers, in one sentence naming the policy."""
    span = period_span(rows)
    policy = policy_phrase(calculator, inputs, names or {})
    if span:
        return gettext(
            "What would {policy} mean in money and trade over {span}, and who would pay?"
        ).format(policy=policy, span=span)
    return gettext(
        "What would {policy} mean in money and trade, and who would pay?"
    ).format(policy=policy)


MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def date_text(date: dt.date) -> str:
    """``07 December 2026``, ``07 décembre 2026``, ``2026年12月7日``: the month's name
    from Django's own catalogue (looked up by a variable, so not extracted again)."""
    language = active_language().lower()
    if language.startswith("ja"):
        return f"{date.year}年{date.month}月{date.day}日"
    month = MONTHS[date.month - 1]
    if not language.startswith("en"):
        month = gettext(month).lower()
    return f"{date:%d} {month} {date.year}"


# --- one result --------------------------------------------------------------------------


def briefing_for_calculation(
    calculator: Calculator,
    result: Result,
    inputs: Mapping[str, Any],
    *,
    title: str,
    methodology_url: str,
    notes: str = "",
    names: Mapping[str, str] | None = None,
    request: Mapping[str, Any] | None = None,
    deployment: Deployment | None = None,
) -> Briefing:
    """``inputs`` the normalised inputs, ``request`` the data as given (what the
    official chose: the inputs list shows those that differ from their defaults);
    ``names`` (ISO3 code → name) puts countries in words, as on the page."""
    bands = result.extras.get("summary_bands")
    headline, more = presenters.summary_items(
        calculator, result.summary, inputs, bands=bands
    )
    basis = calculation_basis(inputs)
    figures = build_result_figures(calculator, result, inputs)
    source_line = "; ".join(sources_of(inputs))
    return Briefing(
        title=title,
        question=question_of(calculator, inputs, result.rows, names),
        vintage=vintage_of(inputs),
        sentences=presenters.headline_sentences(calculator, result, inputs, names),
        inputs=non_default_inputs(calculator, request or inputs, inputs),
        headline=[
            (_label(item.name, item.unit), item.display)
            for item in headline + more
            if is_number(item.value) and item.display != "—"
        ],
        caveats=[
            signed_figures_in(_shown(result.summary[key]))
            for key in ("warnings", "downstream_cost_changes")
            if isinstance(result.summary.get(key), str) and result.summary[key]
        ],
        key_figures=key_figures(calculator, result, inputs, basis),
        charts=[
            BriefingChart(
                f["title"],
                f["description"],
                f["figure"],
                source_line,
                chart_units(f["figure"]),
            )
            for f in figures
        ],
        table_title=gettext("The table"),
        table=full_table(calculator, result, inputs),
        sources=sources_of(inputs),
        methodology_url=methodology_url,
        notes=notes,
        deployment=deployment or Deployment(),
        basis=basis,
    )


def _label(name: str, unit: str) -> str:
    """A summary figure's label in the reader's language, with its unit."""
    name = gettext(name)  # looked up again when already said in it: unchanged
    return f"{name} ({unit})" if unit else name


def _shown(text: Any) -> str:
    """A result's warning or note in the reader's language: sentences that know how
    to say themselves again (``translated``), else the text through the catalogue."""
    translated = getattr(text, "translated", None)
    return str(translated() if callable(translated) else gettext(str(text)))


def key_figures(
    calculator: Calculator,
    result: Result,
    inputs: Mapping[str, Any],
    basis: str,
) -> list[KeyFigure]:
    """The four figures of page one, with units, P5–P95 ranges where the result has
    uncertainty bands, and what they were calculated from."""
    items, more = presenters.summary_items(calculator, result.summary, inputs)
    by_key = {i.key: i for i in items + more}
    chosen = [by_key[k] for k in BRIEF_FIGURES.get(calculator.slug, ()) if k in by_key]
    chosen += [i for i in items if i not in chosen]
    chosen = [i for i in chosen if i.display != "—"][:KEY_FIGURES]
    ranges = _ranges(result.extras.get("summary_bands"))
    out = []
    for item in chosen:
        output = calculator.output(item.key)
        share = output is not None and output.unit == "share"
        unit = "%" if share else item.unit
        scale = 100.0 if share else 1.0
        value = (
            _number_text(item.value, scale) if is_number(item.value) else item.display
        )
        low_high = ranges.get(item.key)
        spread = (
            gettext("{low} to {high}").format(
                low=_number_text(low_high[0], scale),
                high=_number_text(low_high[1], scale),
            )
            if low_high
            else ""
        )
        # The label in the reader's language (looked up again when already said in it).
        out.append(KeyFigure(gettext(item.name), unit, value, spread, basis))
    return out


def _ranges(bands: Any) -> dict[str, tuple[float, float]]:
    if not isinstance(bands, pd.DataFrame) or bands.empty:
        return {}
    return {
        str(f): (float(lo), float(hi))
        for f, lo, hi in zip(bands["figure"], bands["p5"], bands["p95"], strict=True)
    }


def _number_text(value: Any, scale: float = 1.0) -> str:
    number = float(value) * scale
    return format_headline(number) if math.isfinite(number) else "—"


def calculation_basis(inputs: Mapping[str, Any]) -> str:
    """What the figures were calculated from, in a few words: "Calculated on CEPII
    BACI 2024 trade flows, the 2024 price (U.S. Geological Survey, 2026), …"."""
    parts: list[str] = []
    stored = inputs.get("stored_prices")
    if isinstance(stored, Mapping):
        parts.append(
            gettext("{series} prices ({citation})").format(
                series=stored.get("series_name") or gettext("stored"),
                citation=short_citation(presenters.cited_source(stored)),
            )
        )
    flows = inputs.get("stored_flows")
    if isinstance(flows, Mapping) and flows.get("source"):
        parts.append(_trade_flows(str(flows["source"]), flows.get("year")))
    baseline = inputs.get("market_baseline")
    if isinstance(baseline, Mapping):
        parts.append(
            _trade_flows(str(baseline.get("trade_source") or ""), baseline.get("year"))
        )
        price = baseline.get("price")
        if isinstance(price, Mapping):
            parts.append(
                gettext("the {year} price ({citation})").format(
                    year=price.get("year"),
                    citation=short_citation(str(price.get("citation"))),
                )
            )
        if isinstance(baseline.get("production"), Mapping):
            parts.append(gettext("production by country"))
        if baseline.get("elasticities"):
            parts.append(gettext("published elasticities"))
    if not parts:
        return gettext("Calculated from the inputs as typed (no stored data).")
    return gettext("Calculated on {data}.").format(data=join_words(parts))


def _trade_flows(source: str, year: Any) -> str:
    return gettext("{source} {year} trade flows").format(
        source=short_citation(source), year=year
    )


def chart_units(figure: Mapping[str, Any]) -> str:
    """The units a chart is read in: its axes' titles ("Quantity (t)")."""
    layout = figure.get("layout") or {}
    titles = []
    for key in sorted(layout):
        if key.startswith(("xaxis", "yaxis")) and isinstance(layout[key], Mapping):
            title = layout[key].get("title")
            text = title.get("text") if isinstance(title, Mapping) else title
            if text and "(" in str(text):  # "Price (USD/kg)", not "Market"
                titles.append(str(text))
    return "; ".join(dict.fromkeys(titles))


# --- inputs: those that differ from their defaults, all of them ----------------------------

UNIT_FIELDS = ("price_unit", "quantity_unit", "currency")


def non_default_inputs(
    calculator: Calculator,
    request: Mapping[str, Any],
    inputs: Mapping[str, Any] | None = None,
) -> list[tuple[str, str]]:
    """Every input the request gives whose value differs from its declared default,
    by name and in officials' words, with no cut: a brief states the whole policy.
    On a stored baseline, the elasticities it chose are listed with their ranges and
    sources (markets, origins and routes are the stored data, in the sources)."""
    specs = {
        fs.name: fs
        for fs in (*describe(calculator.inputs), *request_extras(calculator))
    }
    chosen: dict[str, Any] = {}
    for name, value in request.items():
        if name.startswith("stored_") or value is None:
            continue
        if isinstance(value, list | tuple | str) and not value:
            continue
        fs = specs.get(name)
        if fs is not None and not fs.required and value == _default(fs.default):
            continue
        chosen[name] = value
    # The units are read from the whole request (a price unit at its default still
    # names the unit of every price); a unit field left at its default is not listed.
    units = {
        k: request[k]
        for k in UNIT_FIELDS
        if k in request and k not in chosen and isinstance(request[k], str)
    }
    pairs = presenters.plain_inputs(calculator, {**units, **chosen})[len(units) :]
    pairs = [(label, value) for label, value in pairs if value not in ("", "None", "—")]
    baseline = (inputs or {}).get("market_baseline")
    ranges = (inputs or {}).get("elasticity_ranges")
    if isinstance(baseline, Mapping) and isinstance(ranges, Mapping):
        for name, entry in ranges.items():
            if isinstance(entry, Mapping) and name not in request:
                # "Supply elasticity": the words of the inputs' own labels, so the
                # catalogue has them (looked up by a variable, not extracted again).
                label = gettext(name.replace("_", " ").capitalize())
                pairs.append(
                    (
                        gettext("{label} (stored default)").format(label=label),
                        gettext("{value} (range {low} to {high}; {source})").format(
                            value=format_figure(entry.get("value")),
                            low=format_figure(entry.get("low")),
                            high=format_figure(entry.get("high")),
                            source=entry.get("source"),
                        ),
                    )
                )
    return pairs


def _default(default: Any) -> Any:
    if dataclasses.is_dataclass(default) and not isinstance(default, type):
        return to_data(default)
    if isinstance(default, tuple):
        return list(default)
    return default


# --- the table -----------------------------------------------------------------------------


def full_table(
    calculator: Calculator, result: Result, inputs: Mapping[str, Any]
) -> list[list[str]]:
    """The rows with every column that holds a value, headed with their units (up to
    ``MAX_TABLE_ROWS`` rows)."""
    records = rows_as_records(result.rows)
    columns = [
        c
        for c in (calculator.columns or result.rows.columns)
        if c in result.rows.columns and any(r.get(c) is not None for r in records)
    ]
    columns += [
        c
        for c in result.rows.columns
        if c not in columns and any(r.get(c) is not None for r in records)
    ]
    # Columns that are zero on every row (a subsidy no measure pays) say nothing.
    columns = [
        c
        for c in columns
        if not all(is_number(r.get(c)) and r.get(c) == 0 for r in records)
    ]
    if not columns:
        return []
    headings = dict(presenters.column_headings(calculator.outputs, columns, inputs))
    header = [headings.get(c, c) for c in columns]
    body = [
        [format_figure(r.get(c)) for c in columns] for r in records[:MAX_TABLE_ROWS]
    ]
    return [header, *body]


# --- comparisons ---------------------------------------------------------------------------


def briefing_for_comparison(
    title: str,
    question: str,
    runs: Sequence[tuple[str, Calculator, Result, Mapping[str, Any]]],
    table: list[list[str]],
    figure: Mapping[str, Any] | None,
    *,
    methodology_url: str,
    names: Mapping[str, str] | None = None,
    deployment: Deployment | None = None,
) -> Briefing:
    """Several results side by side: the comparison table, one chart, and each
    scenario's policy and sentences (countries in words with ``names``)."""
    sections = [
        (
            name,
            [
                gettext("The policy: {policy}.").format(
                    policy=policy_phrase(calculator, inputs, names or {})
                ),
                *presenters.headline_sentences(calculator, result, inputs, names),
            ],
        )
        for name, calculator, result, inputs in runs
    ]
    sources = list(dict.fromkeys(s for *_, inputs in runs for s in sources_of(inputs)))
    vintages = list(dict.fromkeys(vintage_of(inputs) for *_, inputs in runs))
    chart = (
        [
            BriefingChart(
                str(figure.get("title", "")),
                "",
                figure["figure"],
                "; ".join(sources),
                chart_units(figure["figure"]),
            )
        ]
        if figure
        else []
    )
    commodities = {short_commodity(i) for *_, i in runs} - {""}
    return Briefing(
        title=title,
        question=question,
        vintage=" ".join(vintages),
        sentences=[],
        inputs=[],
        headline=[],
        charts=chart,
        table_title=gettext("Side by side"),
        table=table,
        sources=sources,
        methodology_url=methodology_url,
        sections=sections,
        deployment=deployment or Deployment(),
        basis=_comparison_basis(runs, commodities),
    )


def _comparison_basis(runs: Sequence[Any], commodities: set[str]) -> str:
    basis = "; ".join(dict.fromkeys(calculation_basis(i) for *_, i in runs))
    if not commodities:
        return basis
    # Translators: the leading space joins it to the sentence before.
    return basis + gettext(" Commodities: {commodities}.").format(
        commodities=gettext(", ").join(sorted(commodities))
    )

"""Hover labels written by the one formatter (``presentation.numbers``), whatever drew
the chart: at most 4 significant figures, k, M, bn (kt, GW for units with multiples),
never an exponent, in the reader's number format.

Plotly formats a hover label's numbers itself (``%{y:,.0f}`` reads "117,735,664";
an unformatted ``%{y}`` "0.000991534"). ``readable_hover`` writes each number a
trace's hover label shows as text beforehand, into the trace's ``customdata``, and
points the hover template at it (``%{customdata[0]}``): the text the chart's author
wrote around the numbers (units, words) is kept; a trace with no template gets one
naming the value with the unit of its axis (the series name and the category, date
or year are Plotly's own). ``to_plain`` applies it to every figure.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go

from instruments.presentation.numbers import (
    MINUS,
    format_figure,
    format_percent,
    format_quantity,
)

TRACES = ("scatter", "scattergl", "bar", "heatmap")
"""The trace types whose hover labels are rewritten (a histogram's or a box's label
shows figures Plotly computes: only their axes' ``hoverformat`` applies)."""

_PLACEHOLDER = re.compile(
    r"%\{(?P<var>[a-z]+)(?P<index>\[\d+\])?(?::(?P<spec>[^}]*))?\}"
    r"(?P<unit> (?:t|Wh|W)(?![\w/]))?"
)
"""``%{y:,.0f}``, ``%{customdata[1]}``, and a unit with multiples right after it
(`` t``: the figure then reads in kt, Mt)."""

_UNIT_IN_TITLE = re.compile(r"\(([^()]*)\)\s*$")
_SCALING = ("t", "W", "Wh")

Formatter = Callable[[Any], str]


def readable_hover(figure: go.Figure) -> go.Figure:
    """Every number of every hover label as the one formatter writes it."""
    hovermode = figure.layout.hovermode or "closest"
    for trace in figure.data:
        if trace.type not in TRACES or trace.hoverinfo in ("skip", "none"):
            continue
        _readable_text(trace)
        template = trace.hovertemplate
        if isinstance(template, list | tuple):
            continue  # a template per point: its author's own
        preset: list[list[Any]] = []
        if not template:
            template, preset = _default_template(figure, trace, hovermode)
        _rewrite(trace, str(template), preset)
    _hover_formats(figure)
    return figure


def _rewrite(trace: Any, template: str, preset: list[list[Any]]) -> None:
    """Each numeric placeholder of ``template`` pointed at a column of ``customdata``
    holding its values as text (``preset`` columns first: already text)."""
    columns: list[list[Any]] = list(preset)
    keys: dict[tuple[str, str, str, str], int] = {}
    heatmap = trace.type == "heatmap"

    def replace(match: re.Match[str]) -> str:
        var, index = match["var"], match["index"] or ""
        spec, unit = match["spec"] or "", (match["unit"] or "").strip()
        values = _variable(trace, var, index)
        if values is None and var == "customdata" and trace.customdata is not None:
            # text the author put there (a name): carried over, as the column moves
            values, spec, unit = _customdata_column(trace, index), "text", ""
        if values is None or (heatmap and var in ("x", "y")):
            return match[0]
        if var == _position(trace) and _are_years(values):
            return match[0]  # a year: 2025, not 2,025
        key = (var, index, spec, unit)
        if key not in keys:
            keys[key] = len(columns)
            if spec == "text":
                columns.append(["" if v is None else str(v) for v in values])
            else:
                columns.append(_map(values, _formatter(spec, unit)))
        return f"%{{customdata[{keys[key]}]}}"

    rewritten = _PLACEHOLDER.sub(replace, template)
    if columns:
        trace.customdata = _transpose(columns, nested=heatmap)
    trace.hovertemplate = rewritten


# --- what a placeholder stands for ----------------------------------------------------


def _variable(trace: Any, var: str, index: str) -> Any:
    """The numeric values ``%{var[index]}`` reads (a list, a list of rows for a heat
    map's z), or None when they are not numbers (categories, dates, text)."""
    if var == "customdata":
        data = trace.customdata
        if data is None:
            return None
        rows = list(data)
        if index:
            i = int(index[1:-1])
            rows = [
                row[i]
                if isinstance(row, Sequence | np.ndarray) and i < len(row)
                else None
                for row in rows
            ]
        return rows if _numeric(rows) else None
    if var not in ("x", "y", "z") or trace[var] is None:
        return None
    values = list(trace[var])
    if var == "z" and values and isinstance(values[0], Sequence | np.ndarray):
        return values if _numeric([v for row in values for v in row]) else None
    return values if _numeric(values) else None


def _customdata_column(trace: Any, index: str) -> list[Any]:
    rows = list(trace.customdata)
    if not index:
        return rows
    i = int(index[1:-1])
    return [
        row[i] if isinstance(row, Sequence | np.ndarray) and i < len(row) else None
        for row in rows
    ]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool | np.bool_
    )


def _numeric(values: Sequence[Any]) -> bool:
    present = [v for v in values if v is not None]
    return bool(present) and all(_is_number(v) for v in present)


def _are_years(values: Sequence[Any]) -> bool:
    present = [float(v) for v in values if _is_number(v) and math.isfinite(float(v))]
    return bool(present) and all(v.is_integer() and 1800 <= v <= 2200 for v in present)


def _position(trace: Any) -> str:
    """The variable that places a point (the category, the date, the year)."""
    return (
        "y" if trace.type in ("bar", "histogram") and trace.orientation == "h" else "x"
    )


def _value_variable(trace: Any) -> str:
    if trace.type == "heatmap":
        return "z"
    return "x" if _position(trace) == "y" else "y"


def _axis(figure: go.Figure, trace: Any, letter: str) -> Any:
    name = trace[f"{letter}axis"] or letter
    return getattr(figure.layout, f"{letter}axis{name[1:]}", None)


def _axis_unit(figure: go.Figure, trace: Any, letter: str) -> str:
    axis = _axis(figure, trace, letter)
    title = (axis.title.text or "") if axis is not None else ""
    match = _UNIT_IN_TITLE.search(title)
    unit = match.group(1).strip() if match else ""
    # "each scenario's own currency" is no unit to write after a figure
    return unit if unit and " " not in unit and len(unit) <= 12 else ""


def _formatter(spec: str, unit: str) -> Formatter:
    """``.0%`` as a share (90 %), a unit with multiples in its multiple (kt, GW),
    anything else by ``format_figure``."""
    if spec.endswith("%"):
        return format_percent
    if unit:
        return lambda v: format_quantity(v, unit)
    return format_figure


# --- a template where the author wrote none ------------------------------------------


def _default_template(
    figure: go.Figure, trace: Any, hovermode: str
) -> tuple[str, list[list[Any]]]:
    """The value with its axis's unit; the category, date or year first unless the
    unified hover label already heads with it; the series name is Plotly's own. With
    it, the columns of ``customdata`` it reads already written."""
    if trace.type == "heatmap":
        return "%{y} · %{x}: %{z}<extra></extra>", []
    value = _value_variable(trace)
    position = _position(trace)
    unit = _axis_unit(figure, trace, value)
    axis = _axis(figure, trace, value)
    preset: list[list[Any]] = []
    if trace.type == "bar" and trace.base is not None:
        preset = _bar_ends(trace, value, unit)
        text = "%{customdata[1]} (%{customdata[0]})"
    elif axis is not None and str(axis.tickformat or "").endswith("%"):
        text = f"%{{{value}:.0%}}"
    else:
        text = f"%{{{value}}}" + (f" {unit}" if unit else "")
    if hovermode != f"{position} unified":
        position_unit = _axis_unit(figure, trace, position)
        head = f"%{{{position}}}" + (f" {position_unit}" if position_unit else "")
        text = f"{head}: {text}"
    return text, preset


def _bar_ends(trace: Any, value: str, unit: str) -> list[list[Any]]:
    """A bar drawn from ``base`` (a tornado's): the columns of its change and of the
    figure it ends at."""
    lengths = list(trace[value] if trace[value] is not None else [])
    base = trace.base
    bases = (
        list(base) if isinstance(base, Sequence | np.ndarray) else [base] * len(lengths)
    )
    changes, ends = [], []
    for length, start in zip(lengths, bases, strict=False):
        ok = _is_number(length) and _is_number(start)
        changes.append(_signed(length, unit))
        ends.append(_with_unit(float(start) + float(length) if ok else None, unit))
    return [changes, ends]


def _signed(value: Any, unit: str) -> str:
    text = _with_unit(value, unit)
    if _is_number(value) and float(value) > 0 and text != "0":
        return "+" + text
    return text if not text.startswith("-") else MINUS + text[1:]


def _with_unit(value: Any, unit: str) -> str:
    if value is None or not _is_number(value) or not math.isfinite(float(value)):
        return "—"
    if unit in _SCALING:
        return format_quantity(float(value), unit)
    return f"{format_figure(float(value))} {unit}".strip()


# --- the rest ------------------------------------------------------------------------


def _readable_text(trace: Any) -> None:
    """Numbers given as a trace's ``text`` (drawn on bars, shown in the label; Plotly
    keeps them as strings of all their digits) read as the formatter writes them."""
    text = getattr(trace, "text", None)
    if text is None or isinstance(text, str):
        return
    values = list(text)
    if values and all(v is None or _RAW_NUMBER.fullmatch(str(v)) for v in values):
        trace.text = [None if v is None else format_figure(float(v)) for v in values]


_RAW_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")


def _map(values: Sequence[Any], formatter: Formatter) -> list[Any]:
    def one(value: Any) -> str:
        if value is None or (_is_number(value) and not math.isfinite(float(value))):
            return "—"
        return formatter(float(value))

    return [
        [one(v) for v in row] if isinstance(row, Sequence | np.ndarray) else one(row)
        for row in values
    ]


def _transpose(columns: list[list[Any]], *, nested: bool) -> list[Any]:
    """Columns of formatted values as Plotly's ``customdata``: a row per point (a
    row per cell for a heat map)."""
    if nested:
        return [
            [[column[r][c] for column in columns] for c in range(len(columns[0][r]))]
            for r in range(len(columns[0]))
        ]
    length = max(len(column) for column in columns)
    return [
        [column[i] if i < len(column) else "" for column in columns]
        for i in range(length)
    ]


def _hover_formats(figure: go.Figure) -> None:
    """A numeric axis's value heading a unified hover label (a sweep's input value)
    with at most 4 significant figures and no exponent (years as years)."""
    skip: set[str] = set()
    seen: set[str] = set()
    for trace in figure.data:
        for letter in ("x", "y"):
            name = f"{letter}axis{(trace[f'{letter}axis'] or letter)[1:]}"
            seen.add(name)
            values = trace[letter] if trace.type != "heatmap" else None
            values = list(values) if values is not None else []
            if trace.type == "heatmap" or not _numeric(values) or _are_years(values):
                skip.add(name)
    for name in sorted(seen - skip):
        axis = getattr(figure.layout, name, None)
        if axis is None or axis.type in ("category", "date", "multicategory", "log"):
            continue
        if not axis.hoverformat and not axis.tickformat:
            axis.hoverformat = ",.4~r"

"""What makes every chart legible, whatever drew it: at most ``MAX_SERIES`` named
series (the rest as "others"), distinct colours, axes that read in k, M, bn (and kt,
GW for units with multiples) written by the one formatter (``presentation.numbers``),
in the reader's number format. ``to_plain`` applies ``readable_axes`` to every figure.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from instruments.calculators.translation import gettext_noop
from instruments.presentation.numbers import format_percent, nice_ticks, tick_text

MAX_SERIES = 8
"""At most this many named series in a legend (or bars on a category axis); the rest
are drawn together as "others"."""

OTHERS = gettext_noop("Others")  # a sentinel in the data; shown through gettext


def top_keys(
    values: pd.Series | Mapping[Any, float], limit: int = MAX_SERIES - 1
) -> list[Any]:
    """The ``limit`` keys of the largest values (absolute, in their first order when
    there are no more than ``limit + 1``: then "others" would stand for one key)."""
    series = pd.Series(values, dtype=float).fillna(0.0)
    if len(series) <= limit + 1:
        return list(series.index)
    kept = set(series.abs().sort_values(ascending=False, kind="stable").index[:limit])
    return [key for key in series.index if key in kept]


def group_others(labels: Iterable[Any], kept: Sequence[Any]) -> list[str]:
    """Each label as itself if kept, else ``OTHERS``."""
    keep = {str(k) for k in kept}
    return [str(label) if str(label) in keep else OTHERS for label in labels]


# --- axes ------------------------------------------------------------------------------

_UNIT_IN_TITLE = re.compile(r"\(([^()]*)\)\s*$")


def _values(trace: Any, key: str) -> np.ndarray:
    raw = trace[key]
    if raw is None:
        return np.array([], dtype=float)
    try:
        return np.asarray(pd.to_numeric(pd.Series(list(raw)), errors="coerce"), float)
    except (TypeError, ValueError):
        return np.array([], dtype=float)


def _axis_extent(
    figure: go.Figure, letter: str, name: str
) -> tuple[float, float] | None:
    """The smallest and largest value drawn on axis ``name`` (``y``, ``y2``, ``x``…),
    stacked bars summed as Plotly stacks them; None for a category or date axis."""
    lows: list[float] = []
    highs: list[float] = []
    stacked = figure.layout.barmode in ("stack", "relative")
    positive: dict[Any, float] = {}
    negative: dict[Any, float] = {}
    for trace in figure.data:
        axis = trace[f"{letter}axis"]
        if (axis or letter) != name:
            continue
        horizontal = trace.type == "bar" and trace.orientation == "h"
        value_letter = "x" if horizontal else "y"
        if letter != value_letter:
            values = _values(trace, letter)
            if values.size == 0 or np.isnan(values).all():
                return None  # categories
            finite = values[np.isfinite(values)]
            if np.all(
                (finite == np.round(finite)) & (finite >= 1800) & (finite <= 2200)
            ):
                return None  # years: Plotly's own ticks (2020, not 2,020)
            lows.append(float(finite.min()))
            highs.append(float(finite.max()))
            continue
        values = _values(trace, letter)
        if trace.type == "bar":
            base = _values(trace, "base") if trace.base is not None else np.zeros(0)
            if base.size == values.size and base.size:
                ends = np.concatenate([base, base + values])
                finite = ends[np.isfinite(ends)]
                if finite.size:
                    lows.append(float(finite.min()))
                    highs.append(float(finite.max()))
                continue
            lows.append(0.0)
            highs.append(0.0)
            if stacked:
                other = "y" if horizontal else "x"
                keys = list(trace[other]) if trace[other] is not None else []
                for i, v in enumerate(values):
                    if not math.isfinite(v):
                        continue
                    key = keys[i] if i < len(keys) else i
                    bucket = positive if v >= 0 else negative
                    bucket[(axis, key)] = bucket.get((axis, key), 0.0) + float(v)
                continue
        finite = values[np.isfinite(values)]
        if finite.size:
            lows.append(float(finite.min()))
            highs.append(float(finite.max()))
    lows += list(negative.values())
    highs += list(positive.values())
    if not lows:
        return None
    return min(lows), max(highs)


def readable_axes(figure: go.Figure) -> go.Figure:
    """Ticks of every numeric axis written by the one formatter (k, M, bn; a unit
    with multiples moved to the multiple in the axis title: t → kt, W → GW), never
    an exponent, never more than 4 significant figures."""
    if any(trace.type not in ("scatter", "bar", "scattergl") for trace in figure.data):
        return figure
    layout = figure.layout
    for letter in ("x", "y"):
        names = {f"{letter}{suffix}" for suffix in ("", *map(str, range(2, 10)))}
        for name in sorted(names):
            key = f"{letter}axis{name[1:]}"
            axis = getattr(layout, key, None)
            if axis is None or axis.type in ("category", "date", "log"):
                continue
            extent = _axis_extent(figure, letter, name)
            if extent is None:
                continue
            title = axis.title.text or ""
            match = _UNIT_IN_TITLE.search(title)
            unit = match.group(1) if match else ""
            ticks = nice_ticks(*extent)
            if not ticks:
                continue
            labels, shown_unit = tick_text(ticks, unit)
            if str(axis.tickformat or "").endswith("%"):  # shares: 25 %, not 0.25
                labels, shown_unit = [format_percent(t) for t in ticks], unit
            update: dict[str, Any] = {
                "tickmode": "array",
                "tickvals": ticks,
                "ticktext": labels,
            }
            if match and shown_unit != unit:
                update["title_text"] = _UNIT_IN_TITLE.sub(f"({shown_unit})", title)
            figure.update_layout({key: update})
    return figure


def distinct_colours(figure: go.Figure, palette: Sequence[str]) -> go.Figure:
    """No two legend entries of one chart share a colour: a trace shown in the
    legend whose colour another legend entry already has gets the next unused one."""
    used: set[str] = set()
    for trace in figure.data:
        if trace.showlegend is False:
            continue
        colour = _colour(trace)
        if colour is None:
            continue
        if colour in used:
            free = next((c for c in palette if c not in used), None)
            if free is None:
                continue
            _set_colour(trace, free)
            colour = free
        used.add(colour)
    return figure


def _colour(trace: Any) -> str | None:
    if trace.type == "bar":
        colour = trace.marker.color
    elif trace.type in ("scatter", "scattergl"):
        colour = trace.line.color if "lines" in (trace.mode or "lines") else None
        colour = colour or trace.marker.color
    else:
        return None
    return colour if isinstance(colour, str) else None


def _set_colour(trace: Any, colour: str) -> None:
    if trace.type == "bar":
        trace.marker.color = colour
    else:
        trace.line.color = colour
        if isinstance(trace.marker.color, str):
            trace.marker.color = colour

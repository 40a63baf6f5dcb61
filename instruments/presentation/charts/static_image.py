"""Static images of the page charts, for the PDF briefing: a figure dict (as
``to_plain`` makes it) drawn again with matplotlib, so that no browser and no network
are needed on the server.

Only what the project's charts use is drawn: scatter lines and markers (with
``fill="tonexty"`` bands), bars (grouped, stacked, horizontal), histograms and heat
maps (the plurilateral trade matrix, with its cell labels), on the axes the layout
places by their domains. Anything else is left out, never guessed.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib
import numpy as np

matplotlib.use("Agg")  # no display on the server

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter

from instruments.presentation import fonts
from instruments.presentation.numbers import tick_text

_DASHES = {"dash": "--", "dot": ":", "dashdot": "-.", "longdash": "--", "solid": "-"}


def render_png(
    figure: Mapping[str, Any], *, width_in: float = 7.0, height_in: float | None = None
) -> bytes:
    """The figure as a PNG (200 dpi), legend below the plot, axis titles kept."""
    layout = figure.get("layout") or {}
    traces = [t for t in figure.get("data") or [] if t.get("visible", True) is True]
    axes_ids = _axes_of(traces)
    n_rows = len({_y_domain(layout, y) for _, y in axes_ids}) or 1
    height = height_in or min(1.9 + 1.2 * n_rows, 5.0)  # the legend goes below
    families = list(
        fonts.chart_font_families()
    )  # Japanese glyphs fall back to IPAexGothic
    with plt.rc_context({"font.family": families, "font.size": 8}):
        fig = plt.figure(figsize=(width_in, height), dpi=200)
        try:
            axes = _place_axes(fig, layout, axes_ids, bottom=min(0.25, 0.6 / height))
            handles: dict[str, Any] = {}
            _draw(traces, layout, axes, handles)
            _ticks_as_on_the_page(layout, axes)
            _subplot_titles(layout, axes)
            if handles:
                labels = [_wrapped(label) for label in handles]
                wide = any(len(label) > 38 for label in handles)
                fig.legend(
                    list(handles.values()),
                    labels,
                    loc="upper center",
                    bbox_to_anchor=(0.5, 0.0),
                    ncol=1 if wide else min(len(handles), 3),
                    frameon=False,
                    fontsize=7,
                )
            buffer = io.BytesIO()
            # "tight": the legend below the plot is never cut off at the edges
            fig.savefig(buffer, format="png", bbox_inches="tight", pad_inches=0.08)
        finally:
            plt.close(fig)
    return buffer.getvalue()


def _axes_of(traces: Sequence[Mapping[str, Any]]) -> list[tuple[str, str]]:
    found = [(str(t.get("xaxis", "x")), str(t.get("yaxis", "y"))) for t in traces]
    return list(dict.fromkeys(found)) or [("x", "y")]


def _axis_key(axis_id: str) -> str:
    """``x2`` -> ``xaxis2``."""
    return f"{axis_id[0]}axis{axis_id[1:]}"


def _domain(layout: Mapping[str, Any], axis_id: str) -> tuple[float, float]:
    axis = layout.get(_axis_key(axis_id)) or {}
    domain = axis.get("domain") or [0.0, 1.0]
    return float(domain[0]), float(domain[1])


def _y_domain(layout: Mapping[str, Any], y: str) -> tuple[float, float]:
    return _domain(layout, y)


def _place_axes(
    fig: Any,
    layout: Mapping[str, Any],
    axes_ids: Sequence[tuple[str, str]],
    *,
    bottom: float,
    top: float = 0.97,
) -> dict[tuple[str, str], Axes]:
    """One matplotlib axes per plotly (x, y) pair, where the layout's domains put it,
    inside margins that leave room for tick labels and the legend below."""
    left, right = 0.12, 0.98
    placed: dict[tuple[str, str], Axes] = {}
    shared: dict[str, Axes] = {}
    for x, y in axes_ids:
        x0, x1 = _domain(layout, x)
        y0, y1 = _domain(layout, y)
        gap = 0.035 if y0 > 0 else 0.0
        rect = (
            left + (right - left) * x0,
            bottom + (top - bottom) * y0 + gap,
            (right - left) * (x1 - x0),
            (top - bottom) * (y1 - y0) - gap,
        )
        ax = fig.add_axes(rect, sharex=shared.get(x))
        shared.setdefault(x, ax)
        yaxis = layout.get(_axis_key(y)) or {}
        xaxis = layout.get(_axis_key(x)) or {}
        ax.set_ylabel(_title(yaxis), fontsize=7.5)
        ax.set_xlabel(_title(xaxis), fontsize=7.5)
        ax.grid(True, color="#dddddd", linewidth=0.5)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.yaxis.set_major_formatter(FuncFormatter(_tick))
        placed[(x, y)] = ax
    return placed


def _tick(value: float, _: Any) -> str:
    """Tick labels as on the page (the one formatter): 12.5 M, never 1.25e+07."""
    labels, _unit = tick_text([float(value)])
    return labels[0]


def _wrapped(label: str, width: int = 60) -> str:
    return "\n".join(textwrap.wrap(label, width)) or label


def _ticks_as_on_the_page(
    layout: Mapping[str, Any], axes: Mapping[tuple[str, str], Axes]
) -> None:
    """The page's own tick values and labels (``legible.readable_axes``: k, M, bn;
    kt, GW) where the layout gives them."""
    for (x_id, y_id), ax in axes.items():
        for axis_id, setter in ((y_id, "y"), (x_id, "x")):
            axis = layout.get(_axis_key(axis_id)) or {}
            values, texts = axis.get("tickvals"), axis.get("ticktext")
            if not values or not texts or len(values) != len(texts):
                continue
            if setter == "y":
                low, high = ax.get_ylim()
                ax.set_yticks([float(v) for v in values], [str(t) for t in texts])
                ax.set_ylim(min(low, min(values)), max(high, max(values)))
            else:
                low, high = ax.get_xlim()
                ax.set_xticks([float(v) for v in values], [str(t) for t in texts])
                ax.set_xlim(min(low, min(values)), max(high, max(values)))


def _subplot_titles(
    layout: Mapping[str, Any], axes: Mapping[tuple[str, str], Axes]
) -> None:
    """Subplot titles (the page's annotations just above a panel: "Before", "After")
    as each panel's title; other annotations are left out."""
    for note in layout.get("annotations") or []:
        if not isinstance(note, Mapping) or not note.get("text"):
            continue
        if note.get("xref") != "paper" or note.get("yref") != "paper":
            continue
        y, x = _number(note.get("y")), _number(note.get("x"))
        for (x_id, y_id), ax in axes.items():
            x0, x1 = _domain(layout, x_id)
            _, y1 = _domain(layout, y_id)
            if abs(y - y1) < 0.06 and x0 - 0.01 <= x <= x1 + 0.01:
                ax.set_title(str(note["text"]), fontsize=8)
                break


def _title(axis: Mapping[str, Any]) -> str:
    title = axis.get("title")
    if isinstance(title, Mapping):
        return str(title.get("text") or "")
    return str(title or "")


def _categories(traces: Sequence[Mapping[str, Any]]) -> dict[str, list[str]]:
    """The category labels of each x axis, in order of appearance."""
    categories: dict[str, list[str]] = {}
    for trace in traces:
        if trace.get("orientation") == "h":
            continue
        x_id = str(trace.get("xaxis", "x"))
        for v in trace.get("x") or []:
            if isinstance(v, str):
                cats = categories.setdefault(x_id, [])
                if v not in cats:
                    cats.append(v)
    return categories


def _draw_scatter(
    ax: Axes,
    trace: Mapping[str, Any],
    xs: list[float],
    ys: list[float],
    colour: Any,
    under: tuple[list[float], list[float]] | None,
) -> Any:
    """A line or markers (filled down to ``under``, the trace before, for tonexty);
    the artist for the legend, or None."""
    mode = str(trace.get("mode") or "lines")
    line = trace.get("line") or {}
    style = _DASHES.get(str(line.get("dash") or "solid"), "-")
    width = float(line.get("width") or 1.5) * 0.6
    fill = trace.get("fill")
    if fill == "tonexty" and under is not None and len(under[0]) == len(xs):
        ax.fill_between(
            xs,
            under[1],
            ys,
            color=_mpl_colour(trace.get("fillcolor") or colour),
            alpha=0.3,
            linewidth=0,
        )
    if "lines" in mode and not (fill and width == 0):
        (artist,) = ax.plot(
            xs,
            ys,
            linestyle=style,
            color=colour,
            linewidth=width,
            marker="o" if "markers" in mode else None,
            markersize=2.5,
        )
        return artist
    if "markers" in mode:
        (artist,) = ax.plot(
            xs, ys, linestyle="", marker="o", markersize=3, color=colour
        )
        return artist
    return None


def _draw_bar(
    ax: Axes,
    xs: list[float],
    ys: list[float],
    colour: Any,
    *,
    key: tuple[str, str],
    place: tuple[int, int],
    stacked: bool,
    stacks: dict[tuple[str, str, int, bool], float],
) -> Any:
    """Vertical bars: stacked on what is already there, or side by side at ``place``
    (this trace's index among ``place[1]`` on the same axes)."""
    width = 0.8
    if stacked:
        bottoms = []
        for i, (x, y) in enumerate(zip(xs, ys, strict=False)):
            slot = (key[0], key[1], round(x) if x == x else i, y >= 0)
            bottoms.append(stacks.get(slot, 0.0))
            stacks[slot] = stacks.get(slot, 0.0) + (y if y == y else 0.0)
        return ax.bar(xs, ys, width=width, bottom=bottoms, color=colour)
    index, count = place
    share = width / max(count, 1)
    offset = -width / 2 + share * (index + 0.5)
    return ax.bar([x + offset for x in xs], ys, width=share, color=colour)


def _draw(
    traces: Sequence[Mapping[str, Any]],
    layout: Mapping[str, Any],
    axes: Mapping[tuple[str, str], Axes],
    handles: dict[str, Any],
) -> None:
    categories = _categories(traces)
    stacks: dict[tuple[str, str, int, bool], float] = {}
    previous: dict[tuple[str, str], tuple[list[float], list[float]]] = {}
    bar_traces = [t for t in traces if t.get("type") == "bar"]
    stacked = str(layout.get("barmode") or "group") in ("stack", "relative")
    for trace in traces:
        key = (str(trace.get("xaxis", "x")), str(trace.get("yaxis", "y")))
        ax = axes[key]
        kind = trace.get("type", "scatter")
        name = str(trace.get("name") or "")
        colour = _colour(trace)
        label = name if trace.get("showlegend", True) is not False and name else ""
        if kind == "bar" and trace.get("orientation") == "h":
            _draw_hbar(ax, trace, colour, label, handles)
            continue
        if kind == "heatmap":
            y_axis = layout.get(_axis_key(key[1])) or {}
            _draw_heatmap(ax, trace, labels=y_axis.get("showticklabels") is not False)
            continue
        xs = _positions(trace.get("x") or [], categories.get(key[0]))
        ys = [_number(v) for v in trace.get("y") or []]
        artist: Any = None
        if kind in ("scatter", "scattergl"):
            artist = _draw_scatter(ax, trace, xs, ys, colour, previous.get(key))
            previous[key] = (xs, ys)
        elif kind == "bar":
            group = [t for t in bar_traces if _same_axes(t, key)]
            artist = _draw_bar(
                ax,
                xs,
                ys,
                colour,
                key=key,
                place=(group.index(trace), len(group)),
                stacked=stacked,
                stacks=stacks,
            )
        elif kind == "histogram":
            values = [_number(v) for v in trace.get("x") or []]
            artist = ax.hist([v for v in values if v == v], bins=40, color=colour)[2]
        if label and artist is not None:
            handles.setdefault(label, artist)
    # Stacked panels over the same categories share the lowest panel's tick labels.
    lowest: dict[Any, Axes] = {}

    def column(x_id: str, ax: Axes) -> Any:
        box = ax.get_position()
        return (
            round(box.x0, 3),
            round(box.width, 3),
            tuple(categories.get(x_id) or ()),
        )

    for (x_id, _), ax in axes.items():
        key = column(x_id, ax)
        if key not in lowest or ax.get_position().y0 < lowest[key].get_position().y0:
            lowest[key] = ax
    # Panels over the same categories line up: one x range for the column.
    spans: dict[Any, tuple[float, float]] = {}
    for (x_id, _), ax in axes.items():
        if categories.get(x_id):
            low, high = ax.get_xlim()
            key = column(x_id, ax)
            was = spans.get(key, (low, high))
            spans[key] = (min(was[0], low), max(was[1], high))
    for (x_id, _), ax in axes.items():
        if categories.get(x_id):
            ax.set_xlim(*spans[column(x_id, ax)])
    for (x_id, _), ax in axes.items():
        if ax is not lowest[column(x_id, ax)] and categories.get(x_id):
            ax.tick_params(labelbottom=False)
        shown = categories.get(x_id)
        if shown:
            cats = shown
            step = max(1, len(cats) // 12)
            ticks = list(range(0, len(cats), step))
            ax.set_xticks(ticks)
            ax.set_xticklabels(
                [cats[i] for i in ticks], rotation=45 if len(cats) > 6 else 0
            )


def _draw_hbar(
    ax: Axes,
    trace: Mapping[str, Any],
    colour: str,
    label: str,
    handles: dict[str, Any],
) -> None:
    names = [str(v) for v in trace.get("y") or []]
    values = [_number(v) for v in trace.get("x") or []]
    base = trace.get("base")
    bases = base if isinstance(base, list) else [base or 0.0] * len(values)
    artist = ax.barh(
        range(len(names)), values, left=[_number(b) for b in bases], color=colour
    )
    ax.set_yticks(range(len(names)))
    ax.set_yticklabels(names)
    if label:
        handles.setdefault(label, artist)


def _draw_heatmap(ax: Axes, trace: Mapping[str, Any], *, labels: bool) -> None:
    """Cells in the trace's colour scale (first row on top, as the page's reversed
    axis shows it), with its cell labels; an empty cell stays blank. ``labels``:
    the rows' names (off on a panel that shares the one beside it)."""
    values = np.array(
        [[_number(v) for v in row] for row in trace.get("z") or []], dtype=float
    )
    if values.size == 0:
        return
    scale = trace.get("colorscale")
    cmap = scale if isinstance(scale, str) and scale in plt.colormaps() else "Blues"
    top = _number(trace.get("zmax"))
    top = top if top == top else float(np.nanmax(values, initial=1.0))
    ax.imshow(
        np.ma.masked_invalid(values),
        cmap=cmap,
        vmin=_number(trace.get("zmin")) if trace.get("zmin") is not None else None,
        vmax=top,
        aspect="auto",
        interpolation="nearest",
    )
    rows = [str(v) for v in trace.get("y") or range(values.shape[0])]
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels(rows if labels else [], fontsize=6)
    ax.set_ylabel("")  # the rows' names say what they are; a title would be cut off
    ax.grid(False)
    for i, cells in enumerate(trace.get("text") or []):
        for j, text in enumerate(cells or []):
            if text and i < values.shape[0] and j < values.shape[1]:
                dark = values[i, j] > 0.6 * top
                ax.text(
                    j,
                    i,
                    str(text),
                    ha="center",
                    va="center",
                    fontsize=5.5,
                    color="white" if dark else "black",
                )


def _same_axes(trace: Mapping[str, Any], key: tuple[str, str]) -> bool:
    return (str(trace.get("xaxis", "x")), str(trace.get("yaxis", "y"))) == key


def _positions(values: Sequence[Any], categories: Sequence[str] | None) -> list[float]:
    if categories:
        return [
            float(categories.index(v)) if v in categories else float("nan")
            for v in values
        ]
    return [_number(v) for v in values]


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def _colour(trace: Mapping[str, Any]) -> Any:
    for part in ("marker", "line"):
        spec = trace.get(part) or {}
        colour = spec.get("color") if isinstance(spec, Mapping) else None
        if isinstance(colour, str):
            return _mpl_colour(colour)
    return "#0072B2"


def _mpl_colour(colour: Any) -> Any:
    """Plotly's ``rgba(0,114,178,0.5)`` as matplotlib's 0–1 tuple; others as given."""
    if isinstance(colour, str) and colour.startswith("rgb"):
        parts = [float(p) for p in colour[colour.index("(") + 1 : -1].split(",")]
        rgb = [p / 255 for p in parts[:3]]
        return (*rgb, parts[3] if len(parts) > 3 else 1.0)
    return colour

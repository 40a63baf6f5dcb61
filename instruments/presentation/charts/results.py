"""The charts of one calculation, and the chart overlaying the scenarios being
compared, each drawn by the instrument's own module (``presentation.instruments``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from instruments.calculators.base import Calculator, Result
from instruments.calculators.translation import gettext, gettext_noop
from instruments.presentation.charts.base import PALETTE, result_units, style, to_plain
from instruments.presentation.instruments import presentation_of


def build_result_figures(
    calculator: Calculator, result: Result, inputs: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """The charts of one calculation: ``[{"id", "script_id", "title", "description",
    "figure"}]``, each figure a JSON-ready Plotly dict."""
    if result.rows.empty and not result.extras:
        return []
    units = result_units(inputs)
    charts = []
    for chart_id, title, description, figure in presentation_of(
        calculator
    ).build_figures(result, units):
        charts.append(
            {
                "id": f"chart-{chart_id}",
                "script_id": f"chart-{chart_id}-data",
                "title": title,
                "description": description,
                "figure": to_plain(figure),
            }
        )
    return charts


def build_comparison_figure(
    calculator: Calculator, runs: Sequence[tuple[str, Result, Mapping[str, Any]]]
) -> dict[str, Any] | None:
    """One chart overlaying the scenarios being compared, or None with no runs."""
    if not runs:
        return None
    spec = presentation_of(calculator).COMPARISON
    currencies = [result_units(inputs)[spec.unit] for _, _, inputs in runs]
    # Different currencies (or units) are never added up on one axis unlabelled.
    mixed = len(set(currencies)) > 1
    figure = go.Figure()
    for i, (name, result, _) in enumerate(runs):
        rows = result.rows
        if spec.x not in rows or spec.y not in rows:
            continue
        values = rows.groupby(spec.x, sort=False)[spec.y].sum()
        if spec.cumulative:
            values = values.cumsum()
        colour = PALETTE[i % len(PALETTE)]
        x = [str(v) for v in values.index]
        label = f"{name} ({currencies[i]})" if mixed else name
        if spec.kind == "bar":
            figure.add_bar(x=x, y=values.to_numpy(), name=label, marker_color=colour)
        else:
            figure.add_scatter(
                x=x,
                y=values.to_numpy(),
                name=label,
                mode="lines+markers",
                line={"color": colour, "width": 2.5},
            )
    own = (
        gettext("each scenario's own currency")
        if spec.unit == "money"
        else gettext("each scenario's own unit")
    )
    title = gettext(spec.title)
    style(
        figure,
        x_title=gettext(_AXIS_WORDS.get(spec.x, spec.x.replace("_", " ").capitalize())),
        y_title=f"{title} ({own if mixed else currencies[0]})",
    )
    figure.update_layout(barmode="group")
    return {
        "id": "chart-compare",
        "script_id": "chart-compare-data",
        "title": gettext("{figure}, scenario by scenario").format(figure=title),
        "description": "",
        "figure": to_plain(figure),
    }


_AXIS_WORDS = {
    "period": gettext_noop("Period"),
    "origin": gettext_noop("Origin"),
    "name": gettext_noop("Name"),
    "month": gettext_noop("Month"),
}
"""The x axis of a comparison of scenarios, in words."""

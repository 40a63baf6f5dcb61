"""Plotly figure builders: a result or a price history in, a JSON-ready figure dict out.

One module per instrument, named like the calculator's module (``price-floor`` ->
``charts/price_floor.py``), each with ``build_figures(result, units)`` and the
``COMPARISON`` it overlays; ``base`` holds what they share and ``prices`` the price
histories. No Django here. Pages pass the dict to the template with json_script and
draw it with Plotly.newPlot from the project's own static plotly.min.js.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from types import ModuleType
from typing import Any

import plotly.graph_objects as go

from instruments.calculators.base import Calculator, Result
from instruments.presentation.charts.base import PALETTE, result_units, style, to_plain


def instrument_module(calculator: Calculator) -> ModuleType:
    """The chart module of a calculator: same name as its calculator module."""
    return importlib.import_module(
        f"instruments.presentation.charts.{calculator.slug.replace('-', '_')}"
    )


def build_result_figures(
    calculator: Calculator, result: Result, inputs: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """The charts of one calculation: ``[{"id", "script_id", "title", "description",
    "figure"}]``, each figure a JSON-ready Plotly dict."""
    if result.rows.empty and not result.extras:
        return []
    units = result_units(inputs)
    charts = []
    for chart_id, title, description, figure in instrument_module(
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
    spec = instrument_module(calculator).COMPARISON
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
    own = "currency" if spec.unit == "money" else "unit"
    y_unit = f"each scenario's own {own}" if mixed else currencies[0]
    style(
        figure,
        x_title=spec.x.replace("_", " ").capitalize(),
        y_title=f"{spec.title} ({y_unit})",
    )
    figure.update_layout(barmode="group")
    return {
        "id": "chart-compare",
        "script_id": "chart-compare-data",
        "title": f"{spec.title}, scenario by scenario",
        "description": "",
        "figure": to_plain(figure),
    }

"""Every chart is legible: at most 8 named series (the rest as "others"), distinct
colours in a legend, the floor drawn over the origins and labelled, heat maps with
labelled cells and axes, and axis ticks written by the one formatter."""

from __future__ import annotations

import re

import pandas as pd
import plotly.graph_objects as go
import pytest

from instruments.calculators import REGISTRY
from instruments.calculators.base import parse, to_data
from instruments.presentation.charts import results as charts
from instruments.presentation.charts.base import to_plain
from instruments.presentation.charts.legible import MAX_SERIES

ORIGINS = [f"C{i:02d}" for i in range(18)]


def price_floor_on_many_origins() -> tuple[dict, dict]:
    calculator = REGISTRY["price-floor"]
    request = {
        "periods": ["2024", "2025"],
        "reference_price": 66,
        "price_unit": "USD/kg",
        "quantity_unit": "t",
        "flows": [
            {
                "origin": code,
                "import_price": [40 + i, 70 + i],
                "quantity": [10.0 * (i + 1), 12.0 * (i + 1)],
                "member": i % 5 == 0,
            }
            for i, code in enumerate(ORIGINS)
        ],
    }
    result = calculator.run(request)
    inputs = to_data(parse(calculator.inputs, request))
    return charts.build_result_figures(calculator, result, inputs)[0], inputs


def legend_entries(figure: dict) -> list[dict]:
    return [t for t in figure["data"] if t.get("showlegend", True) is not False]


def colour(trace: dict) -> str:
    if trace["type"] == "bar":
        return trace["marker"]["color"]
    return trace.get("line", {}).get("color") or trace["marker"]["color"]


def test_a_floor_on_eighteen_origins_names_the_largest_and_others() -> None:
    chart, _ = price_floor_on_many_origins()
    figure = chart["figure"]
    entries = legend_entries(figure)
    names = [t["name"] for t in entries]
    # the floor, at most 7 origins by import value and "Other origins"
    assert len(entries) <= MAX_SERIES + 1
    assert "Floor (reference price)" in names
    assert any(name.startswith("Other origins") for name in names)
    # the largest origins by value are named (C17 has the largest price and quantity)
    assert any(name.startswith("C17") for name in names)
    assert not any(name.startswith("C01 ") for name in names)
    colours = [colour(t) for t in entries]
    assert len(set(colours)) == len(colours), colours


def test_the_floor_is_drawn_last_and_labelled() -> None:
    chart, _ = price_floor_on_many_origins()
    figure = chart["figure"]
    price_traces = [t for t in figure["data"] if t.get("yaxis", "y") == "y"]
    assert price_traces[-1]["name"] == "Floor (reference price)"
    assert price_traces[-1]["line"]["width"] >= 3
    labels = [a["text"] for a in figure["layout"].get("annotations", [])]
    assert "Floor 66" in labels


def test_revenue_axis_reads_in_k_m_bn() -> None:
    figure = go.Figure(go.Bar(x=["a", "b"], y=[1.2e9, 2.309491114e9]))
    figure.update_yaxes(title_text="Levy revenue (USD)")
    plain = to_plain(figure)
    ticks = plain["layout"]["yaxis"]["ticktext"]
    assert ticks[-1].endswith(" bn")
    assert all(not re.search(r"\d{4}", t) and "e" not in t for t in ticks)


def test_watts_axis_reads_in_gigawatts() -> None:
    figure = go.Figure(go.Scatter(x=["2024", "2025"], y=[1.1e9, 2309491114.0]))
    figure.update_xaxes(type="category")
    figure.update_yaxes(title_text="Quantity (W)")
    plain = to_plain(figure)
    assert plain["layout"]["yaxis"]["title"]["text"] == "Quantity (GW)"
    assert "2.5" in plain["layout"]["yaxis"]["ticktext"]


def test_repeated_colours_in_a_legend_are_replaced() -> None:
    figure = go.Figure()
    for name in ("a", "b"):
        figure.add_scatter(x=[1, 2], y=[1, 2], name=name, line={"color": "#0072B2"})
    plain = to_plain(figure)
    assert len({t["line"]["color"] for t in plain["data"]}) == 2


@pytest.fixture
def plurilateral_chart_on_many_origins() -> list[dict]:
    calculator = REGISTRY["plurilateral"]
    request = dict(calculator.example)
    result = calculator.run(request)
    rows = result.rows
    # eighteen more non-member origins, each selling a little into every market
    extra = []
    for i, code in enumerate(ORIGINS):
        for market in rows["market"].unique():
            row = rows.iloc[0].copy()
            row["origin"] = code
            row["market"] = market
            row["member_origin"] = False
            row["quantity_before"] = 10.0 + i
            row["quantity_after"] = 9.0 + i
            extra.append(row)
    result = type(result)(
        summary=result.summary,
        rows=pd.concat([rows, pd.DataFrame(extra)], ignore_index=True),
        extras=result.extras,
    )
    inputs = to_data(parse(calculator.inputs, request))
    return charts.build_result_figures(calculator, result, inputs)


def test_trade_heat_map_names_at_most_eight_origins_with_labelled_cells(
    plurilateral_chart_on_many_origins: list[dict],
) -> None:
    matrix = next(
        c for c in plurilateral_chart_on_many_origins if c["id"] == "chart-trade-matrix"
    )["figure"]
    heatmaps = [t for t in matrix["data"] if t["type"] == "heatmap"]
    assert [t["name"] for t in heatmaps] == ["Before", "After"]
    for trace in heatmaps:
        assert len(trace["y"]) <= MAX_SERIES
        assert "Others" in trace["y"]
        cells = [c for row in trace["text"] for c in row if c]
        assert cells
        assert all("e" not in c for c in cells)
    layout = matrix["layout"]
    titles = [a["text"] for a in layout["annotations"]]
    assert any(t.startswith("Before") for t in titles)
    assert any(t.startswith("After") for t in titles)
    assert layout["xaxis2"]["title"]["text"].startswith("Market")
    assert layout["yaxis"]["title"]["text"].startswith("Origin")


def test_diversion_names_at_most_eight_origins(
    plurilateral_chart_on_many_origins: list[dict],
) -> None:
    diversion = next(
        c for c in plurilateral_chart_on_many_origins if c["id"] == "chart-diversion"
    )["figure"]
    assert all(len(t["x"]) <= MAX_SERIES for t in diversion["data"])

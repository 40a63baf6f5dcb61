"""Hover labels read figures as the one formatter writes them: the chart's own words
and units kept, each number from ``customdata`` (≤ 4 significant figures, k, M, bn,
kt, never an exponent), years, categories and dates as they are, in the reader's
number format."""

from __future__ import annotations

import plotly.graph_objects as go

from instruments.calculators.numbers import NumberFormat
from instruments.presentation.charts.base import to_plain
from instruments.presentation.charts.hover import readable_hover
from instruments.presentation.charts.sensitivity import build_tornado_figure
from instruments.presentation.numbers import number_format_in_use

FRENCH = NumberFormat(decimal=",", thousands="\u202f", name="French", code="fr")


def only_trace(figure: go.Figure) -> dict:
    return to_plain(figure)["data"][0]


def test_an_authors_template_keeps_its_words_and_reads_the_figure() -> None:
    figure = go.Figure(
        go.Bar(
            x=["2025", "2026"],
            y=[117_735_664.0, 0.000991534],
            customdata=[15.0, 5.0],
            hovertemplate="%{x}: %{y:,.0f} USD (levy %{customdata:,.2f} USD/kg)",
        )
    )
    trace = only_trace(figure)
    assert trace["hovertemplate"] == (
        "%{x}: %{customdata[0]} USD (levy %{customdata[1]} USD/kg)"
    )
    assert trace["customdata"] == [["117.7 M", "15"], ["< 0.01", "5"]]


def test_a_trace_without_template_gets_its_axis_unit_in_a_multiple() -> None:
    figure = go.Figure(go.Scatter(x=["2025", "2026"], y=[55_030.0, 1_175.0]))
    figure.update_layout(hovermode="x unified", yaxis_title_text="Stock (t)")
    trace = only_trace(figure)
    # the unified label heads with the period; the series name is Plotly's own
    assert trace["hovertemplate"] == "%{customdata[0]}"
    assert trace["customdata"] == [["55.03 kt"], ["1,175 t"]]


def test_closest_hover_names_the_category_and_numeric_x_is_formatted() -> None:
    figure = go.Figure(go.Scatter(x=[0.5, 1_250_000.0], y=[1.059e-06, 2.5]))
    figure.update_layout(
        hovermode="closest", xaxis_title_text="Level (USD)", yaxis_title_text="Cost"
    )
    trace = only_trace(figure)
    assert trace["hovertemplate"] == "%{customdata[0]} USD: %{customdata[1]}"
    assert trace["customdata"] == [["0.5", "< 0.01"], ["1.25 M", "2.5"]]


def test_years_stay_years() -> None:
    figure = go.Figure(
        go.Scatter(x=[2025, 2026], y=[1.5, 2.5], hovertemplate="%{x}: %{y}")
    )
    trace = only_trace(figure)
    assert trace["hovertemplate"] == "%{x}: %{customdata[0]}"
    layout = to_plain(figure)["layout"]
    assert "hoverformat" not in layout.get("xaxis", {})


def test_a_heat_map_cell_reads_its_figure() -> None:
    figure = go.Figure(
        go.Heatmap(z=[[12_345.6, None], [0.5, 3.0]], x=["EU", "USA"], y=["CHN", "AUS"])
    )
    trace = only_trace(figure)
    assert trace["hovertemplate"] == "%{y} · %{x}: %{customdata[0]}<extra></extra>"
    assert trace["customdata"][0] == [["12,350"], ["—"]]
    assert trace["customdata"][1] == [["0.5"], ["3"]]


def test_a_tornado_bar_reads_where_it_ends_and_by_how_much() -> None:
    rows = [
        {"input": "Floor", "low": 90e6, "base": 100e6, "high": 117_735_664.0},
    ]
    figure = build_tornado_figure(rows, label="Revenue (USD)", change=0.1)
    higher = to_plain(figure)["data"][1]
    assert higher["hovertemplate"] == "%{customdata[1]} (%{customdata[0]})"
    assert higher["customdata"] == [["+17.74 M USD", "117.7 M USD"]]


def test_numbers_drawn_as_text_are_formatted() -> None:
    figure = go.Figure(go.Bar(x=["a"], y=[1234.5678], text=[1234.5678]))
    assert only_trace(figure)["text"] == ["1,235"]


def test_shares_on_an_axis_read_as_percentages() -> None:
    figure = go.Figure(go.Scatter(x=["a", "b"], y=[0.0, 1.0]))
    figure.update_yaxes(tickformat=".0%")
    layout = to_plain(figure)["layout"]
    assert layout["yaxis"]["ticktext"][-1] == "100 %"
    assert "%{y:.0%}" not in only_trace(figure)["hovertemplate"]


def test_a_french_reader_reads_french_figures() -> None:
    figure = go.Figure(
        go.Bar(x=["2025"], y=[-171_735_664.0], hovertemplate="%{y:,.0f} USD")
    )
    with number_format_in_use(FRENCH):
        plain = to_plain(figure)
    assert plain["data"][0]["customdata"] == [["−171,7 M"]]
    assert plain["layout"]["separators"] == ",\u202f"


def test_labels_plotly_computes_itself_are_left_alone() -> None:
    figure = go.Figure(go.Histogram(x=[1.0, 2.0, 2.5]))
    figure.add_scatter(x=["a"], y=[1.0], hoverinfo="skip")
    readable_hover(figure)
    assert figure.data[0].hovertemplate is None
    assert figure.data[1].hovertemplate is None


def test_names_the_author_kept_in_customdata_move_with_their_column() -> None:
    figure = go.Figure(
        go.Bar(
            x=["a", "b"],
            y=[1_500_000.0, 2.0],
            customdata=[["China", 0.25], ["Chile", 0.5]],
            hovertemplate="%{customdata[0]}: %{y:,.0f} t (%{customdata[1]:.0%})",
        )
    )
    trace = only_trace(figure)
    assert trace["hovertemplate"] == (
        "%{customdata[0]}: %{customdata[1]} (%{customdata[2]})"
    )
    assert trace["customdata"][0] == ["China", "1.5 Mt", "25 %"]

"""Chart builders: the expected traces, axis titles with units, JSON-safe data."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from instruments.calculators import REGISTRY
from instruments.calculators.base import Result, to_data
from instruments.presentation.charts import results as charts


def run_example(slug: str) -> tuple[Result, dict]:
    calculator = REGISTRY[slug]
    result = calculator.run(calculator.example)
    from instruments.calculators.base import parse

    inputs = to_data(parse(calculator.inputs, calculator.example))
    return result, inputs


def trace_names(figure: dict) -> list[str]:
    return [trace.get("name", "") for trace in figure["data"]]


def axis_titles(figure: dict) -> list[str]:
    layout = figure["layout"]
    return [
        layout[key]["title"]["text"]
        for key in sorted(layout)
        if key.startswith(("xaxis", "yaxis"))
        and layout[key].get("title", {}).get("text")
    ]


@pytest.mark.parametrize("slug", sorted(REGISTRY))
def test_every_calculator_has_a_json_safe_chart(slug: str) -> None:
    result, inputs = run_example(slug)
    built = charts.build_result_figures(REGISTRY[slug], result, inputs)
    assert built
    for chart in built:
        json.dumps(chart["figure"], allow_nan=False)  # json_script needs strict JSON
        assert chart["figure"]["data"], chart["id"]
        assert chart["script_id"] == f"{chart['id']}-data"
        assert len(axis_titles(chart["figure"])) >= 2, chart["id"]


def test_price_floor_chart_has_floor_prices_and_revenue() -> None:
    result, inputs = run_example("price-floor")
    figure = charts.build_result_figures(REGISTRY["price-floor"], result, inputs)[0][
        "figure"
    ]
    names = trace_names(figure)
    assert "Floor (reference price)" in names
    assert any(name.endswith("import price") for name in names)
    assert any(name.endswith("levy revenue") for name in names)
    unit = inputs["price_unit"]
    titles = axis_titles(figure)
    assert f"Price ({unit})" in titles
    assert f"Levy revenue ({unit.split('/')[0]})" in titles


def test_trade_response_chart_has_creation_and_diversion_by_origin() -> None:
    result, inputs = run_example("trade-response")
    built = charts.build_result_figures(REGISTRY["trade-response"], result, inputs)
    names = trace_names(built[0]["figure"])
    assert {"Trade creation", "Trade diversion", "Net change"} <= set(names)
    assert built[0]["figure"]["data"][0]["x"] == list(result.rows["origin"])


def test_standards_market_chart_splits_compliant_and_not() -> None:
    result, inputs = run_example("standards-market")
    figure = charts.build_result_figures(REGISTRY["standards-market"], result, inputs)[
        0
    ]
    names = trace_names(figure["figure"])
    assert "Netback: compliant" in names
    assert "Netback: not compliant" in names
    assert any(name.startswith("Carbon charge") for name in names)
    assert f"Per unit ({inputs['price_unit']})" in axis_titles(figure["figure"])


def test_price_gap_subsidy_has_strike_fan_and_distribution() -> None:
    result, inputs = run_example("price-gap-subsidy")
    built = {
        c["id"]: c["figure"]
        for c in charts.build_result_figures(
            REGISTRY["price-gap-subsidy"], result, inputs
        )
    }
    assert set(built) == {
        "chart-strike",
        "chart-fan",
        "chart-bad-year",
        "chart-distribution",
    }
    assert {
        "Strike",
        "Market price",
        "Payments to producers",
        "Cumulative net cost",
    } <= set(trace_names(built["chart-strike"]))
    assert {"P5", "P50 (median)", "P95"} <= set(trace_names(built["chart-fan"]))
    bad_year = built["chart-bad-year"]
    assert trace_names(bad_year) == ["Expected", "Bad year (1 in 20)"]
    assert max(bad_year["data"][1]["y"]) <= result.summary["p95_worst_year"]
    assert "Net cost in the year (USD)" in axis_titles(bad_year)
    counts = built["chart-distribution"]["data"][0]["y"]
    assert sum(counts) == inputs["simulation"]["paths"]
    assert "Total net cost over the horizon (USD)" in axis_titles(
        built["chart-distribution"]
    )


def test_price_gap_subsidy_without_simulation_has_only_the_strike_chart() -> None:
    calculator = REGISTRY["price-gap-subsidy"]
    data = {**calculator.example, "simulation": None}
    result = calculator.run(data)
    built = charts.build_result_figures(REGISTRY["price-gap-subsidy"], result, data)
    assert [c["id"] for c in built] == ["chart-strike"]


def test_offtake_chart_has_contract_market_payments_and_savings() -> None:
    result, inputs = run_example("offtake")
    figure = charts.build_result_figures(REGISTRY["offtake"], result, inputs)[0][
        "figure"
    ]
    names = trace_names(figure)
    assert {"Market price", "Contract price", "Payments to the producer"} <= set(names)
    assert any(name.startswith("Buyer's saving") for name in names)


def test_nan_becomes_null() -> None:
    rows = pd.DataFrame(
        {
            "origin": ["A", "B"],
            "trade_creation": [1.0, float("nan")],
            "trade_diversion": [0.0, 0.0],
        }
    )
    built = charts.build_result_figures(
        REGISTRY["trade-response"], Result(summary={}, rows=rows), {}
    )
    assert built[0]["figure"]["data"][0]["y"][1] is None


def test_comparison_overlays_one_trace_per_scenario() -> None:
    result, inputs = run_example("price-gap-subsidy")
    figure = charts.build_comparison_figure(
        REGISTRY["price-gap-subsidy"], [("A", result, inputs), ("B", result, inputs)]
    )
    assert figure is not None
    assert trace_names(figure["figure"]) == ["A", "B"]
    assert "Cumulative net cost (USD)" in axis_titles(figure["figure"])


def test_comparing_scenarios_in_different_currencies_labels_each_one() -> None:
    result, inputs = run_example("price-gap-subsidy")
    in_pounds = {**inputs, "price_unit": "GBP/MWh"}
    figure = charts.build_comparison_figure(
        REGISTRY["price-gap-subsidy"], [("A", result, inputs), ("B", result, in_pounds)]
    )
    assert figure is not None
    assert trace_names(figure["figure"]) == ["A (USD)", "B (GBP)"]
    assert "Cumulative net cost (each scenario's own currency)" in axis_titles(
        figure["figure"]
    )


def test_a_us_cent_price_unit_puts_chart_money_in_dollars() -> None:
    """The one price-unit parser: "USc/lb" totals are in USD on the charts too."""
    from instruments.presentation.charts.base import result_units

    units = result_units({"price_unit": "USc/lb", "quantity_unit": "lb"})
    assert units == {"price": "USc/lb", "quantity": "lb", "money": "USD"}
    assert result_units({"price_unit": "US cents/lb"})["money"] == "USD"

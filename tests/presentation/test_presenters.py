"""Presenters: what pages show, built from the registry's declared outputs."""

from __future__ import annotations

import re

from instruments.calculators import REGISTRY
from instruments.calculators.base import parse, to_data
from instruments.presentation.presenters import (
    ComparedRun,
    comparison_summary_table,
    format_headline,
    plain_inputs,
    summary_items,
)


def example(slug: str) -> tuple[dict, dict]:
    calculator = REGISTRY[slug]
    result = calculator.run(calculator.example)
    return result.summary, to_data(parse(calculator.inputs, calculator.example))


def test_labels_carry_the_results_own_units_from_the_declaration() -> None:
    summary, inputs = example("price-floor")
    headline, more = summary_items(REGISTRY["price-floor"], summary, inputs)
    items = {i.key: i for i in headline + more}
    assert items["revenue_total"].label == "Levy revenue (USD)"
    assert items["levy_weighted"].label == "Average levy on non-members (USD/kg)"
    assert items["quantity_total"].label == "Quantity imported (t)"
    assert items["ave_weighted"].display.endswith(" %")
    assert headline[0].key == "revenue_total", "declared headlines come first"


def test_a_us_cent_price_gives_money_in_dollars() -> None:
    summary, inputs = example("price-floor")
    inputs = {**inputs, "price_unit": "USc/lb"}
    headline, _ = summary_items(REGISTRY["price-floor"], summary, inputs)
    revenue = next(i for i in headline if i.key == "revenue_total")
    assert revenue.unit == "USD"


def test_comparison_moves_units_beside_values_when_currencies_differ() -> None:
    summary, inputs = example("price-gap-subsidy")
    calculator = REGISTRY["price-gap-subsidy"]
    same = comparison_summary_table(
        calculator,
        [ComparedRun("A", summary, inputs), ComparedRun("B", summary, inputs)],
    )
    net = next(r for r in same if r["key"] == "net_cost_total")
    assert net["label"] == "Net cost to government (USD)"
    pounds = {**inputs, "price_unit": "GBP/MWh"}
    mixed = comparison_summary_table(
        calculator,
        [ComparedRun("A", summary, inputs), ComparedRun("B", summary, pounds)],
    )
    net = next(r for r in mixed if r["key"] == "net_cost_total")
    assert net["label"] == "Net cost to government"
    assert net["values"][0].endswith(" USD")
    assert net["values"][1].endswith(" GBP")
    assert format_headline(18_500_000.0) == "18.5 million"


def test_inputs_in_plain_words() -> None:
    calculator = REGISTRY["price-floor"]
    pairs = dict(plain_inputs(calculator, dict(calculator.example)))
    assert any(" 1 › " in k for k in pairs), pairs
    assert not any("_" in k for k in pairs), "field names leaked into plain words"


def test_plurilateral_sentences_name_countries_and_answer_the_question():
    from instruments.calculators import REGISTRY
    from instruments.presentation.presenters import headline_sentences

    calculator = REGISTRY["plurilateral"]
    result = calculator.run(calculator.example)
    names = {"CHN": "China", "AUS": "Australia", "USA": "United States"}
    sentences = headline_sentences(calculator, result, dict(calculator.example), names)
    change = result.summary["imports_from_non_members_change"]
    assert sentences[0].startswith("Members' imports from non-members fall by ")
    assert f"{abs(change):,.0f} t" in sentences[0]
    assert sentences[1].startswith("China's sales to the members fall by")
    assert "the price it is paid falls by" in sentences[1]
    assert "USA-producers" not in " ".join(sentences)
    welfare = next(s for s in sentences if s.startswith("Net welfare"))
    # signs in words: "a gain of", "a loss of", never "USD −114 million"
    assert re.search(r"United States, a (gain|loss) of USD ", welfare)
    assert "the rest of the world, a gain of USD " in welfare
    assert "\u2212" not in welfare
    assert sentences[-1].startswith("Cost change of goods made with it: EV traction")

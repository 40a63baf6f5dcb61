"""Shares read as the official typed them: a field typed as 90 % shows 90 %, never
0.9, in the inputs in words, the settings chips and the help beside the field."""

from __future__ import annotations

from instruments.calculators import REGISTRY
from instruments.presentation import presenters
from instruments.presentation.text import percent_help


def test_a_share_in_the_inputs_reads_as_a_percentage() -> None:
    offtake = REGISTRY["offtake"]
    pairs = dict(presenters.plain_inputs(offtake, dict(offtake.example)))
    label = next(k for k in pairs if k.startswith("Minimum take"))
    assert label == "Minimum take (%)"
    assert pairs[label] == "90"


def test_help_beside_a_percentage_field_gives_the_percentage() -> None:
    assert percent_help("Levy cap (0.25 = 25 %).") == "Levy cap (25 %)."
    assert percent_help("Buyer pays (0.5 = half).") == "Buyer pays (50 = half)."
    assert percent_help("No example here.") == "No example here."


def test_negative_cost_reads_as_a_gain() -> None:
    calculator = REGISTRY["price-gap-subsidy"]
    headline, more = presenters.summary_items(
        calculator, {"net_cost_total": -17_800_000.0}, {"price_unit": "USD/kg"}
    )
    item = next(i for i in (*headline, *more) if i.key == "net_cost_total")
    assert item.display == "\u221217.8 million (a gain)"

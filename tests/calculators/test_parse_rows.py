"""``parse_rows``: a repeatable group's rows parsed once (a stored baseline's, shared by
many requests), then taken by ``parse`` as they are."""

from __future__ import annotations

from typing import Any

import pytest

from instruments.calculators import REGISTRY
from instruments.calculators.base import InputError, parse, parse_rows, to_data
from instruments.calculators.plurilateral_inputs import FlowInput, MarketInput

EXAMPLE = REGISTRY["plurilateral"].example


def test_built_rows_give_the_same_inputs_as_plain_ones() -> None:
    plain: Any = parse(REGISTRY["plurilateral"].inputs, EXAMPLE)
    built = {
        **EXAMPLE,
        "markets": parse_rows(MarketInput, EXAMPLE["markets"], ("markets",)),
        "flows": parse_rows(FlowInput, EXAMPLE["flows"], ("flows",)),
    }
    again: Any = parse(REGISTRY["plurilateral"].inputs, built)
    assert again == plain
    assert to_data(again) == to_data(plain)
    assert again.markets is built["markets"] or again.markets == built["markets"]


def test_parse_rows_reports_every_bad_row_at_its_path() -> None:
    rows = [
        {"code": "EU", "import_demand_elasticity": "x"},
        {"code": "USA"},
        {"code": "ROW", "import_demand_elasticity": float("nan")},
    ]
    with pytest.raises(InputError) as caught:
        parse_rows(MarketInput, rows, ("markets",))
    errors = caught.value.errors["markets"]
    assert errors[0]["import_demand_elasticity"]
    assert 1 not in errors or not errors[1]
    assert errors[2]["import_demand_elasticity"]


def test_built_rows_still_count_against_the_limit_and_the_cross_checks() -> None:
    markets = parse_rows(MarketInput, EXAMPLE["markets"], ("markets",))
    flows = [{**EXAMPLE["flows"][0], "market": "NOWHERE"}]
    with pytest.raises(InputError) as caught:
        parse(
            REGISTRY["plurilateral"].inputs,
            {**EXAMPLE, "markets": markets, "flows": flows},
        )
    assert "flows" in caught.value.errors

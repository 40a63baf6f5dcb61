"""The GET query-string convention: arrays comma-separated, dotted blocks, flat flows."""

from dataclasses import dataclass
from typing import Literal

import pandas as pd

from instruments.api.querystring import decode_query, encode_query
from instruments.calculators.base import (
    Calculator,
    Result,
    Series,
    describe,
    parse,
    spec,
    to_data,
)


@dataclass(frozen=True)
class _Flow:
    origin: str = spec("Origin")
    member: bool = spec("Member", default=False)
    import_price: Series = spec("Import price", default=0.0)


@dataclass(frozen=True)
class _Pricing:
    method: Literal["fixed", "collar"] = spec("Method", default="fixed")
    floor: float | None = spec("Floor", default=None)


@dataclass(frozen=True)
class _Inputs:
    periods: tuple[str, ...] = spec("Periods")
    reference_price: Series = spec("Floor")
    pricing: _Pricing = spec("Pricing", default=_Pricing())
    flows: tuple[_Flow, ...] = spec("Flows", default=())


CALC = Calculator(
    slug="toy",
    title="Toy",
    summary="",
    precedent="",
    inputs=_Inputs,
    compute=lambda inputs: Result({}, pd.DataFrame()),
    columns=(),
    example={},
)


def test_a_flattened_flow_becomes_one_non_member_flow():
    data = decode_query(
        CALC,
        [
            ("periods", "2025Q1,2025Q2"),
            ("reference_price", "110"),
            ("origin", "CHN"),
            ("import_price", "95,105"),
            ("format", "csv"),
        ],
    )
    inputs = parse(_Inputs, data)
    assert inputs.periods == ("2025Q1", "2025Q2")
    assert inputs.flows == (
        _Flow(origin="CHN", member=False, import_price=(95.0, 105.0)),
    )


def test_dotted_names_fill_nested_blocks_and_indexed_flows():
    data = decode_query(
        CALC,
        [
            ("periods", "2025"),
            ("reference_price", "1"),
            ("pricing.method", "collar"),
            ("pricing.floor", "1000"),
            ("flows.1.origin", "AUS"),
            ("flows.1.member", "true"),
            ("flows.0.origin", "CHN"),
        ],
    )
    inputs = parse(_Inputs, data)
    assert inputs.pricing == _Pricing(method="collar", floor=1000.0)
    assert [f.origin for f in inputs.flows] == ["CHN", "AUS"]
    assert inputs.flows[1].member is True


def test_encode_then_decode_round_trips_the_inputs():
    body = {
        "periods": ["2025Q1", "2025Q2"],
        "reference_price": [110, 111.5],
        "pricing": {"method": "collar", "floor": None},
        "flows": [
            {"origin": "CHN", "member": False, "import_price": [95, 105]},
            {"origin": "AUS", "member": True, "import_price": 100},
        ],
    }
    query = encode_query(CALC, body)
    assert "pricing.floor" not in query  # None values are left out
    from urllib.parse import parse_qsl

    decoded = decode_query(CALC, parse_qsl(query))
    assert to_data(parse(_Inputs, decoded)) == to_data(parse(_Inputs, body))


def test_a_single_flow_is_flattened_for_spreadsheets():
    query = encode_query(
        CALC,
        {"periods": ["2025"], "reference_price": 5, "flows": [{"origin": "CHN"}]},
    )
    assert query == "periods=2025&reference_price=5&origin=CHN"
    assert [f.name for f in describe(_Inputs)][-1] == "flows"


def test_lists_typed_with_spaces_give_a_clean_url():
    query = encode_query(CALC, {"periods": "2025Q1, 2025Q2", "reference_price": "1, 2"})
    assert query == "periods=2025Q1,2025Q2&reference_price=1,2"

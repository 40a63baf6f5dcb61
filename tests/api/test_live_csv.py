"""pandas reads a calculator's CSV straight from a running server, as an analyst would."""

from __future__ import annotations

import copy

import pandas as pd
import pytest

from instruments.api.querystring import encode_query
from instruments.calculators import REGISTRY
from instruments.presentation.jsonify import rows_as_records


@pytest.mark.django_db(transaction=True)
def test_pandas_read_csv_on_a_live_server_gets_the_price_floor_rows(live_server):
    calculator = REGISTRY["price-floor"]
    example = copy.deepcopy(dict(calculator.example))
    url = (
        f"{live_server.url}/api/v1/calculators/price-floor/"
        f"?{encode_query(calculator, example)}&format=csv"
    )

    table = pd.read_csv(url)

    expected = pd.DataFrame(rows_as_records(calculator.run(example).rows))
    assert list(table.columns[: len(calculator.columns)]) == list(calculator.columns)
    assert len(table) == len(expected)
    for column in ("levy", "revenue", "landed_price"):
        if column in expected:
            assert table[column].tolist() == pytest.approx(
                expected[column].astype(float).tolist(), nan_ok=True
            )

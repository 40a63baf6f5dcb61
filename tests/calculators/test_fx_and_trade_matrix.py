"""Pure helpers: FX rates per calculation period, flow matrices, concentration."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from instruments.calculators import fx, trade_matrix


def _monthly(values: dict[str, float]) -> pd.Series:
    return pd.Series(
        list(values.values()), index=pd.to_datetime([f"{k}-01" for k in values])
    )


def test_a_2020_period_never_uses_a_2021_rate():
    rates = _monthly({"2019-12": 0.90, "2021-01": 0.80, "2021-02": 0.70})
    got = fx.rates_for_periods(rates, ["2020", "2020Q4", "2020-06", "2021"])
    assert got[0] == pytest.approx(0.90)  # no 2020 month stored: the latest before
    assert got[1] == pytest.approx(0.90)
    assert got[2] == pytest.approx(0.90)
    assert got[3] == pytest.approx(0.75)  # 2021: mean of its stored months


def test_quarter_is_the_mean_of_its_three_months_and_year_of_twelve():
    months = {f"2024-{m:02d}": float(m) for m in range(1, 13)}
    got = fx.rates_for_periods(_monthly(months), ["2024Q1", "2024Q4", "2024", "2024H2"])
    assert list(got) == pytest.approx([2.0, 11.0, 6.5, 9.5])


def test_before_any_rate_is_nan_and_usd_is_one():
    got = fx.rates_for_periods(_monthly({"2024-05": 1.1}), ["2024-04", "2024-05-17"])
    assert math.isnan(got[0])
    assert got[1] == pytest.approx(1.1)
    assert list(fx.rates_for_periods(pd.Series(dtype=float), ["2024"])) == [1.0]


def test_bad_label_is_refused():
    with pytest.raises(ValueError, match="not a period"):
        fx.period_month_span("2024-W01")


FLOWS = pd.DataFrame(
    {
        "year": [2024] * 6,
        "exporter": ["CHN", "CHN", "MMR", "DEU", "USA", "AUS"],
        "importer": ["DEU", "USA", "CHN", "FRA", "JPN", "JPN"],
        "value": [100.0, 50.0, 80.0, 10.0, 5.0, 20.0],
        "quantity": [10.0, 5.0, 8.0, 1.0, np.nan, 2.0],
    }
)
EU = {"DEU", "FRA"}


def test_matrix_groups_markets_and_origins_with_the_rest_in_row():
    matrix = trade_matrix.group_flow_matrix(
        FLOWS, markets={"eu-27": EU, "USA": {"USA"}}, origins={"CHN": {"CHN"}}
    )
    assert list(matrix.index) == ["CHN", "ROW"]
    assert list(matrix.columns) == ["eu-27", "USA", "ROW"]
    assert matrix.loc["CHN", "eu-27"] == 10.0
    assert matrix.loc["CHN", "USA"] == 5.0
    assert matrix.loc["ROW", "eu-27"] == 1.0  # DEU -> FRA
    assert matrix.loc["ROW", "ROW"] == 8.0 + 2.0  # MMR -> CHN, AUS -> JPN; USA->JPN NaN
    assert matrix.to_numpy().sum() == pytest.approx(FLOWS["quantity"].sum())


def test_matrix_can_drop_flows_inside_one_group():
    matrix = trade_matrix.group_flow_matrix(
        FLOWS, markets={"eu-27": EU}, drop_internal=True
    )
    assert matrix.loc["eu-27", "eu-27"] == 0.0


def test_by_origin_leaves_out_trade_among_the_importers():
    got = trade_matrix.group_flows_by_origin(FLOWS, importers=EU)
    assert list(got["origin"]) == ["CHN"]
    assert got["quantity"].iloc[0] == 10.0


def test_concentration_hhi_and_top_share():
    got = trade_matrix.supply_concentration(FLOWS[FLOWS["importer"] == "JPN"])
    row = got.iloc[0]
    assert row["top_exporter"] == "AUS"
    assert row["top_share"] == pytest.approx(0.8)
    assert row["hhi"] == pytest.approx(80.0**2 + 20.0**2)


def test_unit_values_use_only_flows_with_a_weight():
    got = trade_matrix.unit_values(FLOWS)
    # USA -> JPN has no quantity: its 5 kUSD is left out
    assert got["unit_value"].iloc[0] == pytest.approx((265.0 - 5.0) * 1000 / 26.0)

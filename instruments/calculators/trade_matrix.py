"""Country-level trade flows grouped into the markets and origins a calculator names,
and the concentration of supply. Pure: pandas in, pandas out, no Django.

A flow table has one row per exporter → importer flow with columns ``exporter``,
``importer`` (ISO 3166-1 alpha-3), ``value`` (thousand USD) and ``quantity`` (tonnes,
NaN where the source has none), and optionally ``year`` and ``hs_code``.

Markets and origins are named groups of economies: ``{"eu-27": {"AUT", ...},
"USA": {"USA"}}`` (the selectors resolve a partner-group code to its members). An
economy belongs to the first name that lists it; every economy no name lists falls
into ``ROW`` (rest of the world).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import numpy as np
import pandas as pd

from instruments.calculators.base import InputError
from instruments.calculators.units import convert_price

ROW = "ROW"
FLOW_COLUMNS = ["exporter", "importer", "value", "quantity"]


def label_economies(
    codes: pd.Series, groups: Mapping[str, Collection[str]], *, rest: str = ROW
) -> pd.Series:
    """Each ISO3 code's group name (the first group that lists it), else ``rest``."""
    lookup: dict[str, str] = {}
    for name, members in groups.items():
        for code in members:
            lookup.setdefault(str(code).upper(), str(name))
    return codes.astype(str).str.upper().map(lookup).fillna(rest).astype(object)


def group_flow_matrix(
    flows: pd.DataFrame,
    *,
    markets: Mapping[str, Collection[str]],
    origins: Mapping[str, Collection[str]] | None = None,
    column: str = "quantity",
    drop_internal: bool = False,
) -> pd.DataFrame:
    """The flows summed into an origin × market matrix of ``column`` (tonnes by
    default).

    Rows are the origins in the order named, then ``ROW``; columns the markets in the
    order named, then ``ROW``. ``origins`` defaults to ``markets`` (a plurilateral
    club's members both export and import). With ``drop_internal``, flows inside one
    named group (Germany → France within ``eu-27``) are left out; flows inside ``ROW``
    are always kept, as they are trade between different economies. Missing
    quantities count as 0 in the sums.
    """
    origins = markets if origins is None else origins
    origin_names = [*map(str, origins), ROW]
    market_names = [*map(str, markets), ROW]
    if flows.empty:
        return pd.DataFrame(
            0.0,
            index=pd.Index(origin_names, name="origin"),
            columns=pd.Index(market_names, name="market"),
        )
    frame = pd.DataFrame(
        {
            "origin": label_economies(flows["exporter"], origins).to_numpy(),
            "market": label_economies(flows["importer"], markets).to_numpy(),
            "amount": pd.to_numeric(flows[column], errors="coerce")
            .fillna(0.0)
            .to_numpy(dtype=float),
        }
    )
    if drop_internal:
        internal = (frame["origin"] == frame["market"]) & (frame["origin"] != ROW)
        frame = frame[~internal]
    matrix = frame.pivot_table(
        index="origin", columns="market", values="amount", aggfunc="sum", fill_value=0.0
    )
    matrix = matrix.reindex(index=origin_names, columns=market_names, fill_value=0.0)
    matrix.index.name, matrix.columns.name = "origin", "market"
    return matrix.astype("float64")


def group_flows_by_origin(
    flows: pd.DataFrame,
    *,
    importers: Collection[str],
    origins: Mapping[str, Collection[str]] | None = None,
    drop_internal: bool = True,
) -> pd.DataFrame:
    """Imports into ``importers`` (one economy or a group's members) by origin:
    columns ``origin, value, quantity``, largest value first.

    Each exporter is its own origin unless ``origins`` groups it (then unlisted
    exporters fall into ``ROW``). With ``drop_internal`` (the default) flows among the
    importers themselves are left out, so an EU-27 market counts only extra-EU
    imports. ``quantity`` is NaN for an origin none of whose flows has a quantity.
    """
    wanted = {str(code).upper() for code in importers}
    frame = flows[flows["importer"].astype(str).str.upper().isin(wanted)]
    if drop_internal:
        frame = frame[~frame["exporter"].astype(str).str.upper().isin(wanted)]
    if origins is None:
        labels = frame["exporter"].astype(str).str.upper()
    else:
        labels = label_economies(frame["exporter"], origins)
    grouped = (
        pd.DataFrame(
            {
                "origin": labels.to_numpy(),
                "value": pd.to_numeric(frame["value"]).to_numpy(dtype=float),
                "quantity": pd.to_numeric(frame["quantity"], errors="coerce").to_numpy(
                    dtype=float
                ),
            }
        )
        .groupby("origin", sort=False)
        .agg(
            value=("value", "sum"), quantity=("quantity", lambda q: q.sum(min_count=1))
        )
        .reset_index()
    )
    return grouped.sort_values(
        ["value", "origin"], ascending=[False, True], ignore_index=True
    )


def supply_concentration(flows: pd.DataFrame) -> pd.DataFrame:
    """Per year, how concentrated the exporters' value shares are.

    Columns: ``year, total_value`` (thousand USD), ``n_exporters``, ``hhi`` (the
    Herfindahl–Hirschman index on value shares in per cent, 0–10,000: 10,000 is a
    single supplier), ``top_exporter`` and ``top_share`` (its share of value, 0–1).
    ``flows`` needs ``year, exporter, value``; a year with no value has NaN shares.
    """
    columns = ["year", "total_value", "n_exporters", "hhi", "top_exporter", "top_share"]
    if flows.empty:
        return pd.DataFrame(columns=columns)
    by_exporter = (
        flows.assign(value=pd.to_numeric(flows["value"]).astype(float))
        .groupby(["year", "exporter"])["value"]
        .sum()
        .reset_index()
    )
    totals = by_exporter.groupby("year")["value"].transform("sum")
    with np.errstate(invalid="ignore", divide="ignore"):
        by_exporter["share"] = by_exporter["value"] / totals.where(totals > 0)
    by_exporter = by_exporter.sort_values(
        ["year", "share", "exporter"], ascending=[True, False, True]
    )
    top = by_exporter.groupby("year", as_index=False).first()
    summary = by_exporter.groupby("year").agg(
        total_value=("value", "sum"),
        n_exporters=("exporter", "nunique"),
        hhi=("share", lambda s: float(np.square(s * 100.0).sum(min_count=1))),
    )
    result = summary.reset_index().merge(
        top[["year", "exporter", "share"]].rename(
            columns={"exporter": "top_exporter", "share": "top_share"}
        ),
        on="year",
    )
    result["year"] = result["year"].astype(int)
    return result[columns].reset_index(drop=True)


def unit_values(flows: pd.DataFrame) -> pd.DataFrame:
    """Per year, value ÷ tonnes over the flows that have a quantity, in USD per tonne.

    Columns ``year, value, quantity, unit_value``: ``value`` (thousand USD) and
    ``quantity`` (tonnes) count only flows with a positive quantity, so a flow without
    weight does not inflate the unit value. NaN where no flow has a quantity.
    """
    columns = ["year", "value", "quantity", "unit_value"]
    if flows.empty:
        return pd.DataFrame(columns=columns)
    quantity = pd.to_numeric(flows["quantity"], errors="coerce")
    weighed = flows.assign(
        value=pd.to_numeric(flows["value"]).astype(float), quantity=quantity
    )[quantity > 0]
    years = sorted({int(y) for y in flows["year"]})
    sums = (
        weighed.groupby("year")[["value", "quantity"]]
        .sum()
        .reindex(years)
        .rename_axis("year")
        .reset_index()
    )
    sums["unit_value"] = sums["value"] * 1000.0 / sums["quantity"]
    sums["year"] = sums["year"].astype(int)
    return sums[columns]


__all__ = [
    "ROW",
    "group_flow_matrix",
    "group_flows_by_origin",
    "label_economies",
    "supply_concentration",
    "unit_values",
]


def unit_values_beside_prices(
    values: pd.DataFrame, prices: pd.Series, price_unit: str
) -> tuple[pd.DataFrame, pd.Series, str]:
    """Unit values (USD/t) and a stored price series made comparable: the unit values
    converted into the series' unit and the series averaged by year (its index the
    period labels, ``2024`` or ``2024-03``). When the series is in another currency
    (no conversion without a rate), the unit values stay in USD/t and no series."""
    try:
        factor = float(convert_price(1.0, "USD/t", price_unit))
    except InputError:
        return values, pd.Series(dtype=float), "USD/t"
    converted = values.assign(unit_value=values["unit_value"] * factor)
    labels = pd.Index([str(label)[:4] for label in prices.index])
    yearly = prices.astype(float).groupby(labels).mean()
    yearly.index = yearly.index.astype(int)
    return converted, yearly, price_unit

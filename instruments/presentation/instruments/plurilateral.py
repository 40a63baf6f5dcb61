"""The plurilateral market model as pages show it: the trade matrix before and after,
prices by market, welfare by country and where non-members' sales went, in charts and in
sentences, and who pays."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from instruments.calculators.base import Result
from instruments.calculators.translation import gettext, gettext_noop
from instruments.presentation.charts.base import (
    FLOOR_COLOUR,
    PALETTE,
    Chart,
    Comparison,
    result_units,
    style,
)
from instruments.presentation.charts.legible import (
    MAX_SERIES,
    OTHERS,
    group_others,
    top_keys,
)
from instruments.presentation.text import (
    SummaryItem,
    change_words,
    country_name,
    format_figure,
    is_number,
    money_text,
    of_commodity,
    signed_words,
)

# --- figures -------------------------------------------------------------------------

WELFARE_PARTS = (
    ("consumer_surplus_change", gettext_noop("Consumers")),
    ("producer_surplus_change", gettext_noop("Producers")),
    ("government", gettext_noop("Government: revenue − subsidy")),
    ("rent_change", gettext_noop("Exporters' undertaking rent")),
)


def build_figures(result: Result, units: dict[str, str]) -> list[Chart]:
    rows = result.rows
    charts: list[Chart] = []
    if {"origin", "market", "quantity_before", "quantity_after"} <= set(rows.columns):
        charts.append(_trade_matrix(rows, units))
        charts.append(_diversion(rows, units))
    if {"consumer_price_before", "border_price_before"} <= set(rows.columns):
        charts.append(_prices(rows, units))
    countries = result.extras.get("countries")
    if isinstance(countries, pd.DataFrame) and not countries.empty:
        charts.append(_welfare(countries, units))
    return charts


def _origins_capped(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows with the origins beyond the largest (by quantity before or after) as
    one "others" origin per market, so that no chart names more than
    ``MAX_SERIES`` origins."""
    if rows["origin"].nunique() <= MAX_SERIES:
        return rows
    size = rows[["quantity_before", "quantity_after"]].abs().max(axis=1)
    kept = top_keys(size.groupby(rows["origin"].astype(str), sort=False).sum())
    grouped = rows.assign(origin=group_others(rows["origin"].astype(str), kept))
    sums = [
        c
        for c in grouped.columns
        if c.startswith("quantity") and pd.api.types.is_numeric_dtype(grouped[c])
    ]
    keys = ["origin", "market"] + [
        c for c in ("member_market",) if c in grouped.columns
    ]
    rest = grouped[grouped["origin"] == OTHERS]
    summed = rest.groupby(keys, sort=False)[sums].sum().reset_index()
    if "member_origin" in grouped:
        summed["member_origin"] = False
    capped = pd.concat(
        [grouped[grouped["origin"] != OTHERS], summed], ignore_index=True
    )
    capped["origin"] = capped["origin"].replace(OTHERS, gettext(OTHERS))
    return capped


def _trade_matrix(rows: pd.DataFrame, units: dict[str, str]) -> Chart:
    rows = _origins_capped(rows)
    origins = list(dict.fromkeys(rows["origin"].astype(str)))
    markets = list(dict.fromkeys(rows["market"].astype(str)))
    # Before above After, each the page's full width: side by side, the cells were
    # too narrow to read at a phone's width. Every cell carries its figure, so no
    # colour scale is needed.
    figure = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.12,
        subplot_titles=(
            gettext("Before the measure ({unit})").format(unit=units["quantity"]),
            gettext("After the measure ({unit})").format(unit=units["quantity"]),
        ),
    )
    top = float(rows[["quantity_before", "quantity_after"]].to_numpy().max())
    for row, column in ((1, "quantity_before"), (2, "quantity_after")):
        matrix = (
            rows.pivot_table(
                index="origin", columns="market", values=column, aggfunc="sum"
            )
            .reindex(index=origins, columns=markets)
            .to_numpy(dtype=float)
        )
        figure.add_heatmap(
            z=matrix,
            x=markets,
            y=origins,
            zmin=0,
            zmax=top if top > 0 else 1,
            colorscale="Blues",
            showscale=False,
            text=np.where(np.isnan(matrix), "", np.vectorize(_fmt)(matrix)),
            texttemplate="%{text}",
            textfont={"size": 11},
            name=gettext("Before") if row == 1 else gettext("After"),
            hovertemplate=(
                # the figure and its unit formatted together (kt, not "k t")
                f"%{{y}} → %{{x}}: %{{z}} {units['quantity']}<extra></extra>"
            ),
            row=row,
            col=1,
        )
    style(figure, x_title="", y_title="", height=200 + 2 * 34 * len(origins))
    figure.update_layout(hovermode="closest", margin={"t": 40})
    figure.update_xaxes(type="category", side="bottom")
    figure.update_xaxes(title_text=gettext("Market (importer)"), row=2, col=1)
    figure.update_yaxes(autorange="reversed", type="category", automargin=True)
    figure.update_yaxes(title_text=gettext("Origin (exporter)"), row=1, col=1)
    figure.update_yaxes(title_text=gettext("Origin (exporter)"), row=2, col=1)
    return (
        "trade-matrix",
        gettext("Trade by origin and market, before and after"),
        gettext(
            "Quantity on each route ({unit}): before the measure above, after it "
            "below; empty cells carry no trade."
        ).format(unit=units["quantity"]),
        figure,
    )


def _fmt(value: float) -> str:
    return "" if not np.isfinite(value) else format_figure(value)


def _diversion(rows: pd.DataFrame, units: dict[str, str]) -> Chart:
    rows = _origins_capped(rows)
    origins = list(dict.fromkeys(rows["origin"].astype(str)))
    change = rows["quantity_after"] - rows["quantity_before"]
    figure = go.Figure()
    for i, (flag, label) in enumerate(
        (
            (True, gettext("Into member markets")),
            (False, gettext("Into non-member markets")),
        )
    ):
        part = change[rows["member_market"] == flag].groupby(rows["origin"]).sum()
        figure.add_bar(
            x=origins,
            y=part.reindex(origins, fill_value=0.0).to_numpy(),
            name=label,
            marker_color=PALETTE[i],
            hovertemplate=f"%{{y:,.0f}} {units['quantity']}",
        )
    net = change.groupby(rows["origin"]).sum().reindex(origins, fill_value=0.0)
    figure.add_scatter(
        x=origins,
        y=net.to_numpy(),
        name=gettext("Net change in sales"),
        mode="markers",
        marker={"color": FLOOR_COLOUR, "symbol": "diamond", "size": 11},
        hovertemplate=f"%{{y:,.0f}} {units['quantity']}",
    )
    style(
        figure,
        x_title=gettext("Origin"),
        y_title=gettext("Change in quantity sold ({unit})").format(
            unit=units["quantity"]
        ),
    )
    figure.update_layout(barmode="relative", margin={"t": 60})
    return (
        "diversion",
        gettext("Where each origin's sales went"),
        gettext(
            "Change in each origin's sales into member and non-member markets: a "
            "non-member pushed out of member markets sells more to the rest of the "
            "world."
        ),
        figure,
    )


def _weighted(rows: pd.DataFrame, column: str) -> pd.Series:
    """Base-quantity-weighted mean of a price column by market."""
    weight = rows["quantity_before"]
    total = weight.groupby(rows["market"], sort=False).sum()
    value = (rows[column] * weight).groupby(rows["market"], sort=False).sum()
    return (value / total.replace(0.0, np.nan)).astype(float)


def _prices(rows: pd.DataFrame, units: dict[str, str]) -> Chart:
    figure = go.Figure()
    series = (
        ("border_price_before", gettext("Border price before"), PALETTE[5]),
        ("border_price_after", gettext("Border price after"), PALETTE[0]),
        ("consumer_price_before", gettext("Consumer price before"), PALETTE[4]),
        ("consumer_price_after", gettext("Consumer price after"), PALETTE[1]),
    )
    for column, label, colour in series:
        values = _weighted(rows, column)
        figure.add_bar(
            x=[str(m) for m in values.index],
            y=values.to_numpy(),
            name=label,
            marker_color=colour,
            hovertemplate=f"%{{y:,.2f}} {units['price']}",
        )
    style(
        figure,
        x_title=gettext("Market"),
        y_title=gettext("Price ({unit})").format(unit=units["price"]),
    )
    figure.update_layout(barmode="group")
    return (
        "prices",
        gettext("Border and consumer prices by market, before and after"),
        gettext(
            "Averages over each market's origins, weighted by base quantities. The "
            "border price is what exporters are paid; the consumer price adds duties "
            "and levies."
        ),
        figure,
    )


def _countries_capped(data: pd.DataFrame) -> pd.DataFrame:
    """Members, then the other countries that gain or lose most, ``MAX_SERIES`` in
    all; the rest summed as "others"."""
    if len(data) <= MAX_SERIES:
        return data
    member = (
        data["member"].astype(bool)
        if "member" in data
        else pd.Series(False, index=data.index)
    )
    size = data["net_welfare_change"].abs().where(~member, np.inf)
    kept = set(top_keys(size.set_axis(data["country"].astype(str))))
    keep = data["country"].astype(str).isin(kept)
    rest = data[~keep]
    numeric = [c for c in data.columns if pd.api.types.is_numeric_dtype(data[c])]
    numeric = [c for c in numeric if c != "member"]
    others = rest[numeric].sum().to_frame().T
    others["country"] = gettext(OTHERS)
    if "member" in data:
        others["member"] = False
    return pd.concat([data[keep], others], ignore_index=True)


def _welfare(countries: pd.DataFrame, units: dict[str, str]) -> Chart:
    data = _countries_capped(countries.copy())
    data["government"] = data["revenue_change"] - data["subsidy_cost"]
    labels = [
        gettext("{country} (member)").format(country=c) if bool(m) else str(c)
        for c, m in zip(
            data["country"],
            data["member"] if "member" in data else [False] * len(data),
            strict=True,
        )
    ]
    money = units["money"]
    figure = go.Figure()
    for i, (column, label) in enumerate(WELFARE_PARTS):
        figure.add_bar(
            x=labels,
            y=data[column].to_numpy(dtype=float),
            name=gettext(label),
            marker_color=PALETTE[i],
            hovertemplate=f"%{{y:,.0f}} {money}",
        )
    figure.add_scatter(
        x=labels,
        y=data["net_welfare_change"].to_numpy(dtype=float),
        name=gettext("Net welfare change"),
        mode="markers",
        marker={"color": FLOOR_COLOUR, "symbol": "diamond", "size": 12},
        hovertemplate=f"%{{y:,.0f}} {money}",
    )
    style(
        figure,
        x_title=gettext("Country"),
        y_title=gettext("Welfare change ({unit})").format(unit=money),
    )
    figure.update_layout(barmode="relative")
    return (
        "welfare",
        gettext("Who gains and who loses, country by country"),
        gettext(
            "Consumers, producers, the government's duty and levy revenue net of "
            "subsidies paid, and exporters' undertaking rent; the diamond is the net "
            "change."
        ),
        figure,
    )


COMPARISON = Comparison(
    "origin",
    "quantity_after",
    "bar",
    cumulative=False,
    title=gettext_noop("Quantity sold after, by origin"),
    unit="quantity",
)
"""What a comparison of scenarios overlays."""


# --- what this means -----------------------------------------------------------------


def sentences(
    result: Result,
    inputs: Mapping[str, Any],
    headline: Sequence[SummaryItem],
    names: Mapping[str, str],
) -> list[str]:
    """How far members' imports from non-members fall, what the largest non-member
    exporter loses and where its sales go, its price, who gains and loses, and the
    cost of the goods made with it."""
    summary, rows = result.summary, result.rows
    countries = result.extras.get("countries")
    origins = result.extras.get("origins")
    change = summary.get("imports_from_non_members_change")
    before = summary.get("imports_from_non_members_before")
    if not is_number(change) or rows is None or rows.empty:
        return []
    units = result_units(inputs)
    money, quantity = units["money"], units["quantity"]
    share = f" ({format_figure(abs(change / before) * 100)} %)" if before else ""
    sentences = [
        gettext("Members' imports{commodity} from non-members {change}{share}.").format(
            commodity=of_commodity(inputs),
            change=change_words(change, quantity),
            share=share,
        )
    ]
    into = rows["member_market"].astype(bool)
    outside = ~rows["member_origin"].astype(bool)
    base = rows[into & outside].groupby("origin")["quantity_before"].sum()
    if not base.empty and base.max() > 0:
        code = str(base.idxmax())
        name = country_name(code, names)
        mine = rows["origin"] == code
        lost = float(rows.loc[mine & into, "quantity_change"].sum())
        elsewhere = float(rows.loc[mine & ~into, "quantity_change"].sum())
        parts = [
            gettext("{country}'s sales to the members {change}").format(
                country=name, change=change_words(lost, quantity)
            )
        ]
        if elsewhere:
            parts.append(
                gettext("its sales to other markets {change}").format(
                    change=change_words(elsewhere, quantity)
                )
            )
        if origins is not None and code in set(origins["origin"]):
            moved = float(origins.set_index("origin").loc[code, "price_change"])
            if math.isfinite(moved) and abs(moved) > 1e-12:
                parts.append(
                    (
                        gettext("the price it is paid falls by {percent} %")
                        if moved < 0
                        else gettext("the price it is paid rises by {percent} %")
                    ).format(percent=format_figure(abs(moved) * 100))
                )
        sentences.append(gettext("{parts}.").format(parts="; ".join(parts)))
    diverted = summary.get("trade_diverted_to_members")
    own = summary.get("own_producers_sales_change")
    gains = [
        gettext(_SELL_WORDS[who, v > 0]).format(
            quantity=format_figure(abs(v)), unit=quantity
        )
        for who, v in (("partners", diverted), ("own", own))
        if is_number(v) and math.isfinite(v) and v
    ]
    if gains:
        sentences.append(
            gettext("In the members' markets, {changes}.").format(
                changes=gettext(" and ").join(gains)
            )
        )
    if countries is not None and not countries.empty:
        net = countries.set_index("country")["net_welfare_change"].astype(float)
        members = summary.get("net_welfare_members")
        welfare = [
            gettext("{country}, {change}").format(
                country=country_name(str(c), names), change=signed_words(v, money)
            )
            for c, v in net.sort_values().items()
            if math.isfinite(v) and abs(v) >= 0.5
        ]
        if welfare:
            sentences.append(
                gettext(
                    "Net welfare change by country: {countries} (members together "
                    "{change})."
                ).format(
                    countries="; ".join(welfare), change=signed_words(members, money)
                )
            )
    downstream = result.extras.get("downstream")
    if downstream is not None and not downstream.empty:
        goods = [
            gettext("{good} {amount} per {unit}").format(
                good=g["good"],
                amount=money_text(g["cost_change_per_unit"], money),
                unit=g["unit"],
            )
            for _, g in downstream.iterrows()
            if is_number(g["cost_change_per_unit"])
            and math.isfinite(g["cost_change_per_unit"])
        ]
        if goods:
            sentences.append(
                gettext("Cost change of goods made with it: {goods}.").format(
                    goods="; ".join(goods)
                )
            )
    return sentences


# --- who pays ------------------------------------------------------------------------


def who_pays(summary: Mapping[str, Any], units: Mapping[str, str]) -> tuple[str, str]:
    return (
        gettext(
            "Members' importers pay duties and levies; non-member exporters lose rent."
        ),
        gettext(
            "Depends on the elasticities: trade diverts to members and the rest of the "
            "world."
        ),
    )


_SELL_WORDS = {
    ("partners", True): gettext_noop("partner exporters sell {quantity} {unit} more"),
    ("partners", False): gettext_noop("partner exporters sell {quantity} {unit} less"),
    ("own", True): gettext_noop("their own producers sell {quantity} {unit} more"),
    ("own", False): gettext_noop("their own producers sell {quantity} {unit} less"),
}

"""Project support as pages show it: the project's NPV distribution without and with
each instrument, the cost of each instrument against the bankability target, the cash
flows by year, the answer in sentences, and who pays."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from instruments.calculators.base import Result
from instruments.calculators.translation import gettext, gettext_noop
from instruments.presentation.charts.base import (
    FLOOR_COLOUR,
    PALETTE,
    Chart,
    Comparison,
    style,
)
from instruments.presentation.text import (
    SummaryItem,
    format_figure,
    is_number,
    money_text,
)

KIND_WORDS = {
    "price_floor": gettext_noop("a price floor"),
    "two_sided_cfd": gettext_noop("a two-sided contract for difference"),
    "offtake_fixed": gettext_noop("an offtake at a fixed price"),
    "offtake_collar": gettext_noop("an offtake with a collar"),
    "capex_grant": gettext_noop("a capital grant"),
    "concessional_loan": gettext_noop("a concessional loan"),
    "without_support": gettext_noop("without support"),
}

KIND_TITLES = {
    "without_support": gettext_noop("Without support"),
    "price_floor": gettext_noop("Price floor"),
    "two_sided_cfd": gettext_noop("Two-sided CfD"),
    "offtake_fixed": gettext_noop("Offtake, fixed price"),
    "offtake_collar": gettext_noop("Offtake, collar"),
    "capex_grant": gettext_noop("Capital grant"),
    "concessional_loan": gettext_noop("Concessional loan"),
}

METRIC_WORDS = {
    "probability_npv_positive": gettext_noop("NPV ≥ 0 on {share} of price paths"),
    "p10_min_dscr": gettext_noop(
        "a minimum DSCR of at least {target} on 9 paths in 10"
    ),
    "p50_irr": gettext_noop("a median IRR of at least {target_pct}"),
}


def _title(name: str) -> str:
    base = name.rsplit("_", 1)
    if name in KIND_TITLES:
        return gettext(KIND_TITLES[name])
    if len(base) == 2 and base[1].isdigit() and base[0] in KIND_TITLES:
        return f"{gettext(KIND_TITLES[base[0]])} ({base[1]})"
    return name


def _kind_words(kind: Any) -> str:
    """ "a capital grant": an instrument's kind inside a sentence."""
    return gettext(KIND_WORDS[str(kind)]) if str(kind) in KIND_WORDS else str(kind)


def _table(result: Result, key: str) -> pd.DataFrame | None:
    table = result.extras.get(key)
    if isinstance(table, pd.DataFrame) and not table.empty:
        return table
    if isinstance(table, list) and table:
        return pd.DataFrame(table)
    return None


# --- figures -------------------------------------------------------------------------


def build_figures(result: Result, units: dict[str, str]) -> list[Chart]:
    money = units["money"]
    charts: list[Chart] = []
    quantiles = _table(result, "npv_quantiles")
    if quantiles is not None:
        charts.append(
            (
                "npv-distribution",
                gettext(
                    "The project's NPV across price paths, without and with each "
                    "instrument"
                ),
                gettext(
                    "Each line gives, for a share of the price paths (up the side), "
                    "the NPV they stay below (along the bottom); the project is "
                    "bankable where a line crosses zero low enough."
                ),
                _npv_figure(quantiles, money),
            )
        )
    curve = _table(result, "cost_against_target")
    if curve is not None:
        charts.append(
            (
                "cost-against-target",
                gettext(
                    "What each instrument costs the state against the share of paths "
                    "that meet the target"
                ),
                gettext(
                    "Each line runs from no support to past the level that meets the "
                    "target; the dashed line marks the share the target asks for. The "
                    "cheapest instrument crosses it lowest."
                ),
                _cost_figure(curve, result.summary, money),
            )
        )
    if not result.rows.empty:
        charts.append(
            (
                "cash-flows",
                gettext("The project's cash flows by year, without support"),
                gettext(
                    "Bars: revenue, operating cost, tax and capex (means over paths); "
                    "the line is the cash flow after tax, with the band from the 5th "
                    "to the 95th percentile."
                ),
                _cash_flow_figure(result.rows, money),
            )
        )
    return charts


def _npv_figure(quantiles: pd.DataFrame, money: str) -> go.Figure:
    figure = go.Figure()
    share = quantiles["quantile"]
    names = [c for c in quantiles.columns if c != "quantile"]
    for i, name in enumerate(names):
        colour = FLOOR_COLOUR if name == "without_support" else PALETTE[i % 7]
        figure.add_scatter(
            x=quantiles[name],
            y=share,
            name=_title(str(name)),
            mode="lines",
            line={
                "color": colour,
                "width": 3 if name == "without_support" else 2,
                "dash": "dash" if name == "without_support" else "solid",
            },
            hovertemplate=f"%{{y:.0%}} of paths below %{{x:,.0f}} {money}",
        )
    figure.add_vline(x=0.0, line={"color": "#888888", "width": 1})
    style(
        figure,
        x_title=gettext("NPV ({unit})").format(unit=money),
        y_title=gettext("Share of price paths"),
    )
    figure.update_xaxes(type="linear")
    figure.update_yaxes(tickformat=".0%")
    figure.update_layout(hovermode="closest")
    return figure


def _cost_figure(
    curve: pd.DataFrame, summary: Mapping[str, Any], money: str
) -> go.Figure:
    figure = go.Figure()
    for i, (kind, part) in enumerate(curve.groupby("kind", sort=False)):
        figure.add_scatter(
            x=part["share_meeting"],
            y=part["expected_cost"],
            customdata=part[["level", "p95_cost"]].to_numpy(),
            name=_title(str(kind)),
            mode="lines+markers",
            line={"color": PALETTE[(i + 1) % 7]},
            hovertemplate=(
                "level %{customdata[0]:,.4g}: %{x:.0%} of paths meet it; expected "
                f"cost %{{y:,.0f}} {money}, P95 %{{customdata[1]:,.0f}} {money}"
            ),
        )
    share = summary.get("target_share_of_paths")
    if is_number(share):
        figure.add_vline(
            x=float(share),
            line={"color": FLOOR_COLOUR, "dash": "dash", "width": 2},
            annotation_text=gettext("Target"),
            # Inside the plot, at the bottom: the legend sits above it at any width.
            annotation_position="bottom right",
        )
    style(
        figure,
        x_title=gettext("Share of price paths meeting the criterion"),
        y_title=gettext("Expected cost to the state, present value ({unit})").format(
            unit=money
        ),
    )
    figure.update_xaxes(type="linear", tickformat=".0%")
    figure.update_layout(hovermode="closest")
    return figure


def _cash_flow_figure(rows: pd.DataFrame, money: str) -> go.Figure:
    figure = go.Figure()
    years = rows["period"].astype(str)
    for column, label, colour, sign in (
        ("revenue", gettext("Revenue"), PALETTE[2], 1.0),
        ("operating_cost", gettext("Operating cost"), PALETTE[1], -1.0),
        ("tax", gettext("Tax"), PALETTE[3], -1.0),
        ("capex", gettext("Capex"), PALETTE[6], -1.0),
    ):
        if column in rows:
            figure.add_bar(
                x=years,
                y=sign * rows[column],
                name=label,
                marker_color=colour,
                hovertemplate=f"%{{x}}: %{{y:,.0f}} {money}<extra>{label}</extra>",
            )
    if {"cash_flow_p5", "cash_flow_p95"} <= set(rows.columns):
        figure.add_scatter(
            x=years,
            y=rows["cash_flow_p95"],
            name=gettext("Cash flow, P95"),
            mode="lines",
            line={"color": "rgba(0,114,178,0.5)", "width": 1},
        )
        figure.add_scatter(
            x=years,
            y=rows["cash_flow_p5"],
            name=gettext("Cash flow, P5"),
            mode="lines",
            fill="tonexty",
            fillcolor="rgba(0,114,178,0.15)",
            line={"color": "rgba(0,114,178,0.5)", "width": 1},
        )
    figure.add_scatter(
        x=years,
        y=rows["cash_flow"],
        name=gettext("Cash flow after tax (mean)"),
        mode="lines+markers",
        line={"color": PALETTE[0], "width": 3},
    )
    style(
        figure,
        x_title=gettext("Year"),
        y_title=gettext("Money ({unit})").format(unit=money),
    )
    figure.update_layout(barmode="relative")
    return figure


COMPARISON = Comparison(
    "period",
    "cash_flow",
    "line",
    cumulative=True,
    title=gettext_noop("Cumulative cash flow after tax, without support"),
)
"""What a comparison of scenarios overlays."""


# --- what this means -----------------------------------------------------------------


def _target_words(summary: Mapping[str, Any]) -> str:
    metric = str(summary.get("target_metric") or "probability_npv_positive")
    target = summary.get("target")
    share = summary.get("target_share_of_paths")
    template = gettext(METRIC_WORDS.get(metric, gettext_noop("the target")))
    return template.format(
        share=f"{share:.0%}" if is_number(share) else "—",
        target=format_figure(target),
        target_pct=f"{target:.1%}" if is_number(target) else "—",
    )


def _level_words(kind: str, level: Any, price: str) -> str:
    if not is_number(level) or not math.isfinite(level):
        return ""
    if kind == "capex_grant":
        return gettext("{share} of capex").format(share=f"{level:.0%}")
    if kind == "concessional_loan":
        return gettext("a rate of {rate}").format(rate=f"{level:.2%}")
    return f"{format_figure(level)} {price}"


def sentences(
    result: Result,
    inputs: Mapping[str, Any],
    headline: Sequence[SummaryItem],
    names: Mapping[str, str],
) -> list[str]:
    summary = result.summary
    project = (
        inputs.get("project") if isinstance(inputs.get("project"), Mapping) else {}
    )
    assert isinstance(project, Mapping)
    price = str(inputs.get("price_unit") or gettext("price unit"))
    money = str(summary.get("currency") or "")
    name = str(project.get("name") or gettext("The project"))
    probability = summary.get("probability_npv_positive")
    if not is_number(probability):
        return []
    war = ""
    cut = summary.get("strategic_cut")
    if is_number(cut) and cut > 0:
        war = gettext(
            ", with a {cut} price war for {years} years from first production"
        ).format(cut=f"{cut:.0%}", years=summary.get("strategic_years"))
    text = gettext(
        "Without support, {project} has NPV ≥ 0 on {share} of price paths{price_war} "
        "(median NPV {npv} at the sponsor's rate). Bankable here means {target}."
    ).format(
        project=name,
        share=f"{probability:.0%}",
        price_war=war,
        npv=money_text(summary.get("npv_p50"), money),
        target=_target_words(summary),
    )
    out = [text]
    table = _table(result, "support")
    if table is not None:
        parts = []
        for row in table.to_dict("records"):
            kind = str(row.get("kind"))
            words = _level_words(kind, row.get("level"), price)
            if row.get("meets_target") and words:
                parts.append(
                    gettext(
                        "{instrument} at {level} (expected cost {expected}, "
                        "{bad_case} in a 1-in-20 bad case)"
                    ).format(
                        instrument=_kind_words(kind),
                        level=words,
                        expected=money_text(row.get("expected_cost"), money),
                        bad_case=money_text(row.get("p95_cost"), money),
                    )
                )
        if parts:
            out.append(
                gettext("It becomes bankable with {options}.").format(
                    options=gettext("; or ").join(parts)
                )
            )
        missing = [
            _kind_words(row.get("kind"))
            for row in table.to_dict("records")
            if not row.get("meets_target")
        ]
        if missing:
            out.append(
                gettext(
                    "No level within bounds makes it bankable with {kinds}."
                ).format(kinds=", ".join(missing))
            )
    cheapest = summary.get("cheapest_instrument")
    if cheapest:
        out.append(
            gettext(
                "The cheapest for the treasury in expectation is {instrument}, at "
                "{amount} in present value at the public discount rate of {rate}."
            ).format(
                instrument=_kind_words(cheapest),
                amount=money_text(summary.get("cheapest_expected_cost"), money),
                rate=format_figure(
                    100 * float(summary.get("public_discount_rate") or 0)
                )
                + " %",
            )
        )
    return out


# --- who pays ------------------------------------------------------------------------


def who_pays(summary: Mapping[str, Any], units: Mapping[str, str]) -> tuple[str, str]:
    cheapest = summary.get("cheapest_instrument")
    risk = gettext(
        "The state carries the price risk the instrument takes from the project."
    )
    cost = summary.get("cheapest_p95_cost")
    if cheapest and is_number(cost):
        risk = gettext("With {instrument}, a 1-in-20 bad case costs {amount}.").format(
            instrument=_kind_words(cheapest), amount=money_text(cost, units["money"])
        )
    return (
        gettext("The treasury pays the project (or a buyer takes its output)."),
        risk,
    )

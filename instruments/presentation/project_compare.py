"""The same project under each support instrument, as the comparison page shows it:
a row per instrument (the level solved for the target, the share of paths with NPV ≥
0, the state's expected and P95 cost, and that cost per tonne of capacity-year), a
chart of the two costs, and sentences saying which costs least in expectation and in
a bad case."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from instruments.calculators.numbers import is_number
from instruments.calculators.translation import gettext, gettext_noop
from instruments.presentation.charts.base import FLOOR_COLOUR, PALETTE, style
from instruments.presentation.text import format_figure, money_text

INSTRUMENT_NAMES = {
    "price_floor": gettext_noop("Price floor (one-sided CfD)"),
    "two_sided_cfd": gettext_noop("Two-sided CfD"),
    "offtake_fixed": gettext_noop("Fixed-price offtake"),
    "offtake_collar": gettext_noop("Offtake collar"),
    "capex_grant": gettext_noop("Capital grant"),
    "concessional_loan": gettext_noop("Concessional loan"),
}

TONNES = {"t": 1.0, "kg": 0.001}
"""Tonnes in one quantity unit: costs per unit of capacity-year are shown per tonne."""


def instrument_name(kind: str) -> str:
    return gettext(INSTRUMENT_NAMES[kind]) if kind in INSTRUMENT_NAMES else kind


def _number(value: Any) -> float | None:
    return float(value) if is_number(value) and math.isfinite(value) else None


def level_text(kind: str, level: Any, price_unit: str) -> str:
    """An instrument's level in its own unit: a price, a share of capex, a rate."""
    number = _number(level)
    if number is None:
        return "—"
    if kind == "capex_grant":
        # xgettext:no-python-format
        return gettext("{share} % of capex").format(share=format_figure(100 * number))
    if kind == "concessional_loan":
        # xgettext:no-python-format
        return gettext("{rate} % a year").format(rate=format_figure(100 * number))
    return f"{format_figure(number)} {price_unit}"


def comparison_rows(
    support: Sequence[Mapping[str, Any]], quantity_unit: str, price_unit: str
) -> list[dict[str, Any]]:
    """A row per instrument, figures as numbers and as shown; the cost per unit of
    capacity-year becomes per tonne where the quantity unit is a mass."""
    tonnes = TONNES.get(quantity_unit)
    rows = []
    for row in support:
        kind = str(row.get("kind"))
        per_unit = _number(row.get("cost_per_unit_capacity_year"))
        per_tonne = None if per_unit is None or tonnes is None else per_unit / tonnes
        meets = bool(row.get("meets_target"))
        rows.append(
            {
                "kind": kind,
                "name": instrument_name(kind),
                "level": _number(row.get("level")),
                "level_text": level_text(kind, row.get("level"), price_unit),
                "probability_npv_positive": _number(
                    row.get("probability_npv_positive")
                ),
                "expected_cost": _number(row.get("expected_cost")) if meets else None,
                "p95_cost": _number(row.get("p95_cost")) if meets else None,
                "cost_per_tonne": per_tonne if meets else None,
                "cost_per_unit": per_unit if meets else None,
                "meets_target": meets,
                "note": str(row.get("note") or ""),
            }
        )
    for row in rows:
        probability = row["probability_npv_positive"]
        row["probability_text"] = "—" if probability is None else f"{probability:.0%}"
        per = row["cost_per_tonne"] if tonnes is not None else row["cost_per_unit"]
        for key, value in (
            ("expected_text", row["expected_cost"]),
            ("p95_text", row["p95_cost"]),
            ("per_capacity_text", per),
        ):
            row[key] = "—" if value is None else format_figure(value)
    return rows


def _cheapest(rows: Sequence[Mapping[str, Any]], key: str) -> Mapping[str, Any] | None:
    costed = [r for r in rows if r["meets_target"] and r[key] is not None]
    return min(costed, key=lambda r: r[key], default=None)


def cheapest_kinds(rows: Sequence[Mapping[str, Any]]) -> tuple[str, str]:
    """The instrument costing least in expectation and in a bad case ("" if none)."""
    expected, bad = _cheapest(rows, "expected_cost"), _cheapest(rows, "p95_cost")
    return (
        str(expected["kind"]) if expected else "",
        str(bad["kind"]) if bad else "",
    )


def sentences(
    rows: Sequence[Mapping[str, Any]],
    summary: Mapping[str, Any],
    project_name: str,
    money: str,
) -> list[str]:
    """Which instrument costs the state least, in expectation and in a bad case."""
    out: list[str] = []
    probability = _number(summary.get("probability_npv_positive"))
    share = _number(summary.get("target_share_of_paths"))
    if probability is not None:
        out.append(
            gettext(
                "Without support, {project} has NPV ≥ 0 on {probability} of price "
                "paths; every instrument below is solved for the same target."
            ).format(project=project_name, probability=f"{probability:.0%}")
        )
        if share is not None and probability >= share:
            out.append(
                gettext("It meets the target without support: no instrument is needed.")
            )
    expected, bad = _cheapest(rows, "expected_cost"), _cheapest(rows, "p95_cost")
    if expected is None or bad is None:
        out.append(gettext("No instrument makes the project bankable within bounds."))
        return out
    out.append(
        gettext(
            "In expectation, {instrument} at {level} costs the state least: "
            "{cost} in present value."
        ).format(
            instrument=expected["name"],
            level=expected["level_text"],
            cost=money_text(expected["expected_cost"], money),
        )
    )
    if bad["kind"] == expected["kind"]:
        out.append(
            gettext(
                "It also costs least in a bad case (1 path in 20 costs more): {cost}."
            ).format(cost=money_text(bad["p95_cost"], money))
        )
    else:
        out.append(
            gettext(
                "In a bad case (1 path in 20 costs more), {instrument} costs least: "
                "{cost}, against {other} with {cheapest}."
            ).format(
                instrument=bad["name"],
                cost=money_text(bad["p95_cost"], money),
                other=money_text(expected["p95_cost"], money),
                cheapest=expected["name"],
            )
        )
    failing = [r["name"] for r in rows if not r["meets_target"]]
    if failing:
        out.append(
            gettext("No level within bounds makes it bankable with: {names}.").format(
                names=", ".join(failing)
            )
        )
    return out


def figure(rows: Sequence[Mapping[str, Any]], money: str) -> go.Figure:
    """The expected and P95 cost to the state of each instrument meeting the target."""
    shown = [r for r in rows if r["meets_target"] and r["expected_cost"] is not None]
    names = [str(r["name"]) for r in shown]
    fig = go.Figure()
    fig.add_bar(
        x=names,
        y=[r["expected_cost"] for r in shown],
        name=gettext("Expected cost"),
        marker={"color": PALETTE[0]},
        hovertemplate=f"%{{x}}: %{{y:,.0f}} {money}<extra></extra>",
    )
    fig.add_bar(
        x=names,
        y=[r["p95_cost"] for r in shown],
        name=gettext("Cost in a bad case (P95)"),
        marker={"color": FLOOR_COLOUR},
        hovertemplate=f"%{{x}}: %{{y:,.0f}} {money}<extra></extra>",
    )
    style(
        fig,
        x_title=gettext("Instrument, at the level that meets the target"),
        y_title=gettext("Cost to the state, present value ({money})").format(
            money=money
        ),
    )
    fig.update_layout(barmode="group")
    return fig

"""Charts of the border-adjusted price floor."""

from __future__ import annotations

from instruments.calculators.base import Result
from instruments.presentation.charts.base import (
    FLOOR_COLOUR,
    PALETTE,
    Chart,
    Comparison,
    period_x,
    two_panel,
)


def build_figures(result: Result, units: dict[str, str]) -> list[Chart]:
    rows = result.rows
    x = period_x(rows)
    figure = two_panel(
        f"Price ({units['price']})", f"Levy revenue ({units['money']})", "Period"
    )
    origins = list(dict.fromkeys(rows["origin"])) if "origin" in rows else [None]
    floor = rows.drop_duplicates(x)
    if "reference_price" in rows:
        figure.add_scatter(
            x=floor[x].astype(str),
            y=floor["reference_price"],
            name="Floor (reference price)",
            mode="lines",
            line={"color": FLOOR_COLOUR, "width": 3, "dash": "dash"},
            row=1,
            col=1,
        )
    for i, origin in enumerate(origins):
        flow = rows if origin is None else rows[rows["origin"] == origin]
        colour = PALETTE[i % len(PALETTE)]
        member = bool(flow["member"].iloc[0]) if "member" in flow else False
        label = f"{origin} ({'member' if member else 'non-member'})"
        figure.add_scatter(
            x=flow[x].astype(str),
            y=flow["import_price"],
            name=f"{label}: import price",
            mode="lines+markers",
            line={"color": colour},
            legendgroup=str(origin),
            row=1,
            col=1,
        )
        if not member and "landed_price" in flow:
            figure.add_scatter(
                x=flow[x].astype(str),
                y=flow["landed_price"],
                name=f"{label}: landed price with levy",
                mode="lines",
                line={"color": colour, "dash": "dot"},
                legendgroup=str(origin),
                row=1,
                col=1,
            )
        if "revenue" in flow:
            figure.add_bar(
                x=flow[x].astype(str),
                y=flow["revenue"],
                name=f"{origin}: levy revenue",
                marker_color=colour,
                legendgroup=str(origin),
                customdata=flow.get("levy"),
                hovertemplate=(
                    f"%{{y:,.0f}} {units['money']}"
                    + (
                        f" (levy %{{customdata:,.2f}} {units['price']})"
                        if "levy" in flow
                        else ""
                    )
                ),
                row=2,
                col=1,
            )
    figure.update_layout(barmode="stack")
    return [
        (
            "price-floor",
            "Import prices against the floor, and the levy it raises",
            "Top: each origin's import price, the floor and, for non-members, the landed "
            "price once the levy is paid. Bottom: levy revenue by origin in each period.",
            figure,
        )
    ]


COMPARISON = Comparison(
    "period", "revenue", "line", cumulative=False, title="Levy revenue per period"
)
"""What a comparison of scenarios overlays."""

"""Trade response: partial-equilibrium trade creation and diversion, SMART-style.

One importing market with import flows ``k`` by origin, import value ``M_k`` at world
prices, tariffs ``t0_k`` before and ``t1_k`` after (ad valorem, fractions), import-demand
elasticity ``η < 0``, export-supply elasticity ``ε > 0`` (absent or ≥ 99: infinitely
elastic, the WITS default) and substitution elasticity ``σ > 0`` (WITS default 1.5):

- trade creation ``TC_k = M_k·η·(t1_k − t0_k) / ((1 + t0_k)·(1 − η/ε))`` (the last
  factor is 1 when ``ε`` is infinite);
- world-price change with finite ``ε``: ``η/(ε − η)·(t1 − t0)/(1 + t0)``, the
  first-order form of ``η/(ε − η)·Δln(1 + t)`` that SMART uses (20 % on a zero
  tariff with η = −1.5, ε = 3: −6.67 %);
- trade diversion between members ``m`` and non-members ``n``: with block tariffs
  taken as import-weighted means of ``(1 + t1)/(1 + t0)``,
  ``δ = [(1+t1_m)/(1+t0_m)] / [(1+t1_n)/(1+t0_n)] − 1``, ``E = −σ·δ``,
  ``TD_m = M_m·M_n·E / (M_m + M_n + M_m·E)``, bounded by ``[−M_m, M_n]`` (a block
  cannot lose more than it had); non-members lose ``TD_m``; within a block it is shared
  in proportion to the flows' imports; it is 0 when either block is empty;
- imports after ``M_k + TC_k + TD_k``; tariff revenue ``Σ t0·M`` before and
  ``Σ t1·(M + TC + TD)`` after;
- consumer welfare ``½·|Δt|·|TC|`` per flow, a gain (positive) when tariffs fall and a
  deadweight loss (negative) when they rise.

Units: imports are values at world prices in any one money unit (e.g. USD million); all
money outputs are in that unit. Signs: creation and diversion are changes in imports
(negative = fewer imports).

Source: Jammes & Olarreaga (2005), *Explaining SMART and GSIM*, World Bank; WITS SMART
documentation (Laird & Yeats 1986 formulas). The core, ``respond``, works on arrays with
the flows on the last axis, so price-floor and standards-market reuse it per period.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from instruments.calculators.base import (
    BoolArray,
    Calculator,
    ErrorCollector,
    FloatArray,
    Inputs,
    Output,
    Result,
    spec,
)
from instruments.calculators.limits import MAX_FLOWS

INFINITE_SUPPLY = 99.0
"""Export-supply elasticities at or above this are treated as infinite (WITS)."""

DEMAND_HELP = (
    "How much imports fall when their price rises by 1 %: a negative number "
    "(−1.5 means imports fall 1.5 %)."
)
SUPPLY_HELP = (
    "How much exporters supply more when they are paid 1 % more. Leave empty (or 99 "
    "and above) for unlimited supply at the world price, the usual assumption."
)
SUBSTITUTION_HELP = (
    "How readily buyers switch between origins when their relative price changes "
    "(1.5 is the usual default)."
)


def respond(
    imports: FloatArray,
    tariff_before: FloatArray,
    tariff_after: FloatArray,
    member: BoolArray,
    *,
    demand_elasticity: float,
    supply_elasticity: float | None,
    substitution_elasticity: float,
) -> dict[str, FloatArray]:
    """Creation, diversion, imports after and world-price change, flows on the last axis.

    All arrays broadcast to the shape of ``imports`` (``(..., flows)``); ``member`` is one
    flag per flow.
    """
    m = np.asarray(imports, dtype=np.float64)
    t0 = np.broadcast_to(np.asarray(tariff_before, dtype=np.float64), m.shape)
    t1 = np.broadcast_to(np.asarray(tariff_after, dtype=np.float64), m.shape)
    eta = demand_elasticity
    finite = supply_elasticity is not None and supply_elasticity < INFINITE_SUPPLY
    relative = (t1 - t0) / (1.0 + t0)
    if finite:
        assert supply_elasticity is not None
        creation = m * eta * relative / (1.0 - eta / supply_elasticity)
        world_price = eta / (supply_elasticity - eta) * relative
    else:
        creation = m * eta * relative
        world_price = np.zeros_like(m)
    is_member = np.broadcast_to(np.asarray(member, dtype=bool), m.shape)
    ratio = (1.0 + t1) / (1.0 + t0)
    m_members = np.where(is_member, m, 0.0).sum(axis=-1, keepdims=True)
    m_others = np.where(is_member, 0.0, m).sum(axis=-1, keepdims=True)
    both = (m_members > 0) & (m_others > 0)
    with np.errstate(all="ignore"):
        r_members = (
            np.where(is_member, m * ratio, 0.0).sum(-1, keepdims=True) / m_members
        )
        r_others = np.where(is_member, 0.0, m * ratio).sum(-1, keepdims=True) / m_others
        delta = np.where(both, r_members / r_others - 1.0, 0.0)
        e = -substitution_elasticity * delta
        denominator = m_members + m_others + m_members * e
        diverted = np.where(
            both & (denominator > 0),
            m_members * m_others * e / np.where(denominator > 0, denominator, 1.0),
            np.where(both, -m_members, 0.0),  # E < −1: members lose everything
        )
        diverted = np.clip(diverted, -m_members, m_others)
        diversion = np.where(
            is_member,
            diverted * np.where(both, m / m_members, 0.0),
            -diverted * np.where(both, m / m_others, 0.0),
        )
    after = m + creation + diversion
    welfare = -np.sign(t1 - t0) * 0.5 * np.abs(t1 - t0) * np.abs(creation)
    return {
        "trade_creation": creation,
        "trade_diversion": diversion,
        "imports_after": after,
        "world_price_change": world_price,
        "welfare_change": welfare,
        "relative_price_change": np.broadcast_to(delta, m.shape),
    }


@dataclass(frozen=True, kw_only=True)
class TradeFlow:
    """Imports from one origin."""

    origin: str = spec("Origin", help="Country or group the imports come from.")
    member: bool = spec(
        "Member",
        default=False,
        help="Whether the origin is in the preferential zone (members form one block).",
    )
    imports: float = spec(
        "Imports",
        unit="money",
        min_value=0.0,
        help="Value of imports from this origin at world prices (e.g. USD million).",
    )
    tariff_before: float = spec(
        "Tariff before",
        unit="fraction",
        default=0.0,
        min_value=0.0,
        max_value=10.0,
        help="Ad valorem tariff today (0.10 = 10 %).",
    )
    tariff_after: float = spec(
        "Tariff after",
        unit="fraction",
        default=0.0,
        min_value=0.0,
        max_value=10.0,
        help="Ad valorem tariff under the policy (0.10 = 10 %).",
    )


@dataclass(frozen=True, kw_only=True)
class Elasticities:
    """The three elasticities of the SMART model, declared once for every calculator
    with a trade response."""

    import_demand_elasticity: float = spec(
        "Import demand elasticity", min_value=-20.0, max_value=0.0, help=DEMAND_HELP
    )
    export_supply_elasticity: float | None = spec(
        "Export supply elasticity",
        default=None,
        min_value=0.0,
        exclusive_min=True,
        help=SUPPLY_HELP,
    )
    substitution_elasticity: float = spec(
        "Substitution elasticity",
        default=1.5,
        min_value=0.0,
        max_value=50.0,
        help=SUBSTITUTION_HELP,
    )


@dataclass(frozen=True, kw_only=True)
class TradeResponseInputs(Elasticities, Inputs):
    """What the trade-response calculator needs."""

    flows: tuple[TradeFlow, ...] = spec(
        "Import flows",
        max_items=MAX_FLOWS,
        help=f"One entry per origin (at most {MAX_FLOWS}).",
    )

    def validate(self, errors: ErrorCollector) -> None:
        """Cross-field rules (bounds are checked by the base)."""
        if not self.flows:
            errors.add(("flows",), "Give at least one import flow.")


COLUMN_OUTPUTS = (
    Output("origin", "Origin", "text", help="Country or group the imports come from."),
    Output(
        "member", "Member", help="True when the origin is in the preferential zone."
    ),
    Output("imports", "Imports before", "money", help="Imports at world prices."),
    Output("tariff_before", "Tariff before", "share", help="Ad valorem tariff today."),
    Output("tariff_after", "Tariff after", "share", help="Tariff under the policy."),
    Output(
        "trade_creation",
        "Trade created",
        "money",
        help="Change in imports from the tariff change itself.",
    ),
    Output(
        "trade_diversion",
        "Trade diverted",
        "money",
        help="Imports shifted between members and others (positive = gained).",
    ),
    Output("imports_after", "Imports after", "money", help="Imports + TC + TD."),
    Output(
        "tariff_revenue_before",
        "Tariff revenue before",
        "money",
        help="Tariff before × imports before.",
    ),
    Output(
        "tariff_revenue_after",
        "Tariff revenue after",
        "money",
        help="Tariff after × imports after.",
    ),
    Output(
        "welfare_change",
        "Consumer welfare change",
        "money",
        help="½·|Δt|·|TC|: a gain when tariffs fall, a loss when they rise.",
    ),
    Output(
        "world_price_change",
        "World price change",
        "share",
        help="Relative change of the world price (0 with unlimited export supply).",
    ),
)
COLUMNS = tuple(o.key for o in COLUMN_OUTPUTS)

OUTPUTS = (
    Output(
        "trade_creation_total",
        "Trade created",
        "money",
        headline=True,
        help="New imports created by the tariff change, all origins.",
    ),
    Output(
        "trade_diversion_to_members",
        "Trade diverted to members",
        "money",
        headline=True,
        help="Imports shifted from non-members to members.",
    ),
    Output(
        "tariff_revenue_change",
        "Change in tariff revenue",
        "money",
        headline=True,
        help="Tariff revenue after minus before.",
    ),
    Output(
        "welfare_change_total",
        "Consumer welfare change",
        "money",
        headline=True,
        help="Sum of the flows' welfare changes.",
    ),
    Output("imports_before", "Imports before", "money"),
    Output("imports_after_total", "Imports after", "money"),
    Output("tariff_revenue_before", "Tariff revenue before", "money"),
    Output("tariff_revenue_after", "Tariff revenue after", "money"),
    Output("relative_price_change", "Members' price relative to others", "share"),
    Output("world_price_change", "World price change, import-weighted", "share"),
    Output("member_share_before", "Members' share of imports before", "share"),
    Output("member_share_after", "Members' share of imports after", "share"),
)


def compute(inputs: TradeResponseInputs) -> Result:
    """Rows per origin and totals."""
    flows = inputs.flows
    imports = np.array([f.imports for f in flows], dtype=np.float64)
    t0 = np.array([f.tariff_before for f in flows], dtype=np.float64)
    t1 = np.array([f.tariff_after for f in flows], dtype=np.float64)
    member = np.array([f.member for f in flows], dtype=bool)
    out = respond(
        imports,
        t0,
        t1,
        member,
        demand_elasticity=inputs.import_demand_elasticity,
        supply_elasticity=inputs.export_supply_elasticity,
        substitution_elasticity=inputs.substitution_elasticity,
    )
    rows = pd.DataFrame(
        {
            "origin": [f.origin for f in flows],
            "member": member,
            "imports": imports,
            "tariff_before": t0,
            "tariff_after": t1,
            "trade_creation": out["trade_creation"],
            "trade_diversion": out["trade_diversion"],
            "imports_after": out["imports_after"],
            "tariff_revenue_before": t0 * imports,
            "tariff_revenue_after": t1 * out["imports_after"],
            "welfare_change": out["welfare_change"],
            "world_price_change": out["world_price_change"],
        },
        columns=list(COLUMNS),
    )
    total_before = float(imports.sum())
    total_after = float(out["imports_after"].sum())
    members_after = float(out["imports_after"][member].sum())
    summary: dict[str, Any] = {
        "imports_before": total_before,
        "imports_after_total": total_after,
        "trade_creation_total": float(out["trade_creation"].sum()),
        "trade_diversion_to_members": float(out["trade_diversion"][member].sum()),
        "tariff_revenue_before": float(rows["tariff_revenue_before"].sum()),
        "tariff_revenue_after": float(rows["tariff_revenue_after"].sum()),
        "welfare_change_total": float(out["welfare_change"].sum()),
        "relative_price_change": float(out["relative_price_change"][0]),
        "world_price_change": (
            float(out["world_price_change"] @ imports / total_before)
            if total_before > 0
            else math.nan
        ),
        "member_share_before": (
            float(imports[member].sum() / total_before)
            if total_before > 0
            else math.nan
        ),
        "member_share_after": members_after / total_after
        if total_after > 0
        else math.nan,
    }
    summary["tariff_revenue_change"] = (
        summary["tariff_revenue_after"] - summary["tariff_revenue_before"]
    )
    return Result(summary=summary, rows=rows)


EXAMPLE: dict[str, Any] = {
    "import_demand_elasticity": -1.5,
    "export_supply_elasticity": None,
    "substitution_elasticity": 1.5,
    "flows": [
        {
            "origin": "AUS",
            "member": True,
            "imports": 200,
            "tariff_before": 0.10,
            "tariff_after": 0.0,
        },
        {
            "origin": "ROW",
            "member": False,
            "imports": 800,
            "tariff_before": 0.10,
            "tariff_after": 0.10,
        },
    ],
}

CALCULATOR = Calculator(
    slug="trade-response",
    title="Trade response",
    summary=(
        "Estimate how imports react when tariffs change: new trade created by lower "
        "prices and trade diverted between members and others. Shows tariff revenue "
        "before and after and the change in consumer welfare."
    ),
    precedent=(
        "The World Bank's WITS-SMART partial-equilibrium model, used to assess tariff "
        "cuts in preferential trade agreements."
    ),
    inputs=TradeResponseInputs,
    compute=compute,
    columns=COLUMNS,
    example=EXAMPLE,
    price_field=None,
    outputs=OUTPUTS,
    column_outputs=COLUMN_OUTPUTS,
)

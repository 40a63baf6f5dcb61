"""Trade response: how imports from each origin react when tariffs change.

One importing market with import flows ``k`` by origin, import value ``M_k`` at world
prices, tariffs ``t0_k`` before and ``t1_k`` after (ad valorem, fractions), import-demand
elasticity ``η < 0``, export-supply elasticity ``ε > 0`` (absent or ≥ 99: infinitely
elastic, the WITS default) and substitution elasticity ``σ > 0`` (WITS default 1.5).
Imports are values at base world prices: each flow is a quantity at a base price of 1,
so ``imports_after`` is the new volume at base world prices and ``import_value_after``
the same at the new world prices.

``method`` (INSTRUMENTS.md §9):

- ``"exact"`` (the default): the market model of ``market.py`` with one importing
  market and one origin per flow, solved in levels (CES demand, constant-elasticity
  supply). Consumer price ``p̂_k = π̂_k·(1 + t1_k)/(1 + t0_k)``; imports
  ``q_k = M_k·p̂_k^(−σ)·P̂^(σ+η)``, never below zero. Trade created is the flow's
  own-price response ``M_k·(p̂_k^η − 1)`` (SMART's ``TC`` to first order), trade
  diverted the rest of the change (substitution between origins, SMART's ``TD`` to
  first order). With ``rest_of_world_share`` ``s`` each origin also sells
  ``M_k·s/(1 − s)`` to a rest of the world with the same elasticities and no tariff
  change, so a finite-ε exporter's sales have somewhere to go; without it (the
  default, as in SMART) the origins sell only to this market.
- ``"smart"``: WITS-SMART's linear formulas (Laird & Yeats), for replicating WITS:
  ``TC_k = M_k·η·(t1 − t0)/((1 + t0)·(1 − η/ε))`` (the factor is 1 when ε is
  infinite), world price change ``η/(ε − η)·(t1 − t0)/(1 + t0)`` (20 % on a zero
  tariff with η = −1.5, ε = 3: −6.67 %); diversion between members ``m`` and
  non-members ``n`` with block tariffs taken as import-weighted means of
  ``(1 + t1)/(1 + t0)``: ``δ = [(1+t1_m)/(1+t0_m)] / [(1+t1_n)/(1+t0_n)] − 1``,
  ``E = −σ·δ``, ``TD_m = M_m·M_n·E / (M_m + M_n + M_m·E)``, bounded by
  ``[−M_m, M_n]``, shared within a block in proportion to imports, 0 when a block is
  empty. Imports after ``M + TC + TD`` are clipped at zero (a large tariff rise makes
  the linear answer negative); ``TC`` is then reduced so that ``TC + TD = −M``, and
  ``clipped_flows`` and ``note`` say so. The linear world price change is kept at or
  above −100 %.
- ``"gsim"``: the market model's GSIM linearised equations (Francois & Hall), for
  replicating GSIM tables; imports clipped at zero as for SMART, creation is
  ``M_k·η·(p̂_k − 1)``, diversion the rest.

Revenue: ``Σ t0·M`` before and ``Σ t1·π̂·M_after`` after (at the new world price).
Welfare of the importing country, per flow, positive = gain: consumers' surplus change
plus the change in tariff revenue (terms-of-trade gains included when ε is finite).
Exact: the consumers' part of flow ``k`` is ``−∫ q_k dp_k`` along the path
``p_k(s) = p0_k·(p1_k/p0_k)^s`` (Gauss–Legendre), which adds up over the flows to the
model's exact ``ΔCS = −E0·(P̂^(1+η) − 1)/(1+η)``. SMART and GSIM: the trapezoid
``−(p1 − p0)·(M + M_after)/2``. With ε infinite and no diversion, SMART's welfare is
``½·(t0 + t1)·ΔM``, the Harberger trapezoid: from a zero tariff it is the familiar
triangle ``−½·|Δt|·|TC|`` (0 → 20 % on 1,000 with η −1.5: −30), but from ``t0 > 0``
the revenue already collected on the lost imports counts too (10 % → 30 %:
``½·0.4·(−272.7) = −54.5``, not ``−½·0.2·272.7 = −27.3``).

Units: imports are values at world prices in any one money unit (e.g. USD million); all
money outputs are in that unit. Signs: creation and diversion are changes in imports
(negative = fewer imports).

Source: Jammes & Olarreaga (2005), *Explaining SMART and GSIM*, World Bank; WITS SMART
documentation (Laird & Yeats 1986 formulas); Francois & Hall (2003) for GSIM. The SMART
core, ``respond``, works on arrays with the flows on the last axis.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import special

from instruments.calculators import market
from instruments.calculators.base import (
    BoolArray,
    Calculator,
    ErrorCollector,
    FloatArray,
    InputError,
    Inputs,
    Result,
    spec,
)
from instruments.calculators.elasticities import Elasticities
from instruments.calculators.limits import MAX_FLOWS
from instruments.calculators.trade_response_outputs import (
    COLUMN_OUTPUTS,
    COLUMNS,
    OUTPUTS,
)
from instruments.calculators.translation import (
    gettext,
    gettext_noop,
    joined,
    translatable,
)

INFINITE_SUPPLY = 99.0
"""Export-supply elasticities at or above this are treated as infinite (WITS)."""


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
    """SMART's linear answer, flows on the last axis, imports clipped at zero.

    All arrays broadcast to the shape of ``imports`` (``(..., flows)``); ``member`` is one
    flag per flow. Returns creation, diversion, imports after (≥ 0) and ``clipped``
    (where the linear answer fell below zero), the world and consumer price changes,
    revenue after and the importer's welfare change (trapezoid, see the module).
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
        # The linear price can fall below −100 % for huge changes: a price is ≥ 0.
        world_price = np.maximum(eta / (supply_elasticity - eta) * relative, -1.0)
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
    linear = m + creation + diversion
    clipped = linear < 0
    after = np.maximum(linear, 0.0)
    creation = after - m - diversion
    consumer_before = 1.0 + t0
    consumer_after = (1.0 + world_price) * (1.0 + t1)
    revenue_after = t1 * (1.0 + world_price) * after
    consumers = -(consumer_after - consumer_before) * (m + after) / 2.0
    welfare = consumers + revenue_after - t0 * m
    return {
        "trade_creation": creation,
        "trade_diversion": diversion,
        "imports_after": after,
        "clipped": clipped,
        "world_price_change": world_price,
        "consumer_price_change": consumer_after / consumer_before - 1.0,
        "tariff_revenue_after": revenue_after,
        "consumer_surplus_change": consumers,
        "welfare_change": welfare,
        "relative_price_change": np.broadcast_to(delta, m.shape),
    }


@dataclass(frozen=True, kw_only=True)
class TradeFlow:
    """Imports from one origin."""

    origin: str = spec(
        "Origin", help=gettext_noop("Country or group the imports come from.")
    )
    member: bool = spec(
        "Member",
        default=False,
        help=gettext_noop(
            "Whether the origin is in the preferential zone (members form one block)."
        ),
    )
    imports: float = spec(
        "Imports",
        unit="money",
        min_value=0.0,
        help=gettext_noop(
            "Value of imports from this origin at world prices (e.g. USD million)."
        ),
    )
    tariff_before: float = spec(
        "Tariff before",
        unit="fraction",
        default=0.0,
        min_value=0.0,
        max_value=10.0,
        help=gettext_noop("Ad valorem tariff today (0.10 = 10 %)."),
    )
    tariff_after: float = spec(
        "Tariff after",
        unit="fraction",
        default=0.0,
        min_value=0.0,
        max_value=10.0,
        help=gettext_noop("Ad valorem tariff under the policy (0.10 = 10 %)."),
    )


METHOD_LABELS = {
    "exact": gettext_noop("Exact market model (default)"),
    "smart": gettext_noop("SMART linear formulas (to replicate WITS)"),
    "gsim": gettext_noop("GSIM linear equations (to replicate GSIM tables)"),
}
METHODS = tuple(METHOD_LABELS)
"""The trade-response methods; price-floor and standards-market take the first two."""
EXACT_OR_SMART = METHODS[:2]
METHOD_HELP = (
    "The exact model is right for large changes too; SMART's and GSIM's linear "
    "formulas are first-order approximations, kept to replicate WITS and GSIM."
)


MAX_CURRENCY_TEXT = 40
"""Characters of the currency's name (a label, not a code)."""


@dataclass(frozen=True, kw_only=True)
class TradeResponseInputs(Elasticities, Inputs):
    """What the trade-response calculator needs."""

    flows: tuple[TradeFlow, ...] = spec(
        "Import flows",
        max_items=MAX_FLOWS,
        help=f"One entry per origin (at most {MAX_FLOWS}).",
    )
    method: Literal["exact", "smart", "gsim"] = spec(
        "Method", default="exact", choice_labels=METHOD_LABELS, help=METHOD_HELP
    )
    rest_of_world_share: float | None = spec(
        "Origins' sales elsewhere",
        unit="fraction",
        default=None,
        min_value=0.0,
        max_value=0.99,
        help=gettext_noop(
            "Share of each origin's sales that go to the rest of the world (0.8 = "
            "80 %), so an exporter with limited supply can sell there instead. Empty: "
            "origins sell only to this market, as in SMART."
        ),
    )
    currency: str = spec(
        "Currency of the import values",
        default="USD million",
        help=gettext_noop(
            "What the import values are counted in, e.g. 'USD million' or 'EUR "
            "thousand': the unit of every money figure of the result."
        ),
    )

    def validate(self, errors: ErrorCollector) -> None:
        """Cross-field rules (bounds are checked by the base)."""
        if not self.flows:
            errors.add(("flows",), gettext("Give at least one import flow."))
        if not self.currency.strip() or len(self.currency) > MAX_CURRENCY_TEXT:
            errors.add(
                ("currency",),
                gettext(
                    "Name the currency in 1 to {MAX_CURRENCY_TEXT} characters, e.g. 'USD million'."
                ).format(MAX_CURRENCY_TEXT=MAX_CURRENCY_TEXT),
            )
        if self.method == "smart" and self.rest_of_world_share is not None:
            errors.add(
                ("rest_of_world_share",),
                gettext(
                    "SMART has no rest of the world; use the exact or GSIM method."
                ),
            )


_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(32)


def consumer_surplus_by_origin(
    imports: FloatArray,
    price_before: FloatArray,
    price_after: FloatArray,
    *,
    demand_elasticity: float,
    substitution_elasticity: float,
) -> FloatArray:
    """Each origin's share of the exact CES consumers' surplus change, ``−∫ q_k dp_k``.

    Along ``p_k(s) = p0_k·(p1_k/p0_k)^s`` with ``q_k = M_k·p̂_k^(−σ)·P̂^(σ+η)``; the
    shares add up to ``−E0·(P̂^(1+η) − 1)/(1+η)`` (Shephard: ``Σ q_k dp_k = Q dP``), by
    32-point Gauss–Legendre quadrature of a smooth integrand.
    """
    m = np.asarray(imports, dtype=np.float64)
    p0 = np.asarray(price_before, dtype=np.float64)
    log_ratio = np.log(np.asarray(price_after, dtype=np.float64) / p0)
    value0 = p0 * m
    e0 = float(value0.sum())
    if e0 <= 0:
        return np.zeros_like(m)
    w = value0 / e0
    s = (_NODES + 1.0) / 2.0
    path = s[:, None] * log_ratio[None, :]
    sigma, eta = substitution_elasticity, demand_elasticity
    if abs(1.0 - sigma) < 1e-9:
        log_p = path @ w
    else:
        log_p = special.logsumexp((1.0 - sigma) * path, b=w, axis=1) / (1.0 - sigma)
    q = m * np.exp(-sigma * path + (sigma + eta) * log_p[:, None])
    integrand = q * p0 * np.exp(path) * log_ratio  # q·dp/ds
    return np.asarray(-(_WEIGHTS[:, None] / 2.0 * integrand).sum(axis=0))


@dataclass(frozen=True)
class Response:
    """One method's answer per flow (arrays over flows)."""

    creation: FloatArray
    diversion: FloatArray
    after: FloatArray
    clipped: BoolArray
    world_price: FloatArray
    consumer_price: FloatArray
    revenue_after: FloatArray
    consumers: FloatArray
    relative_price_change: float


def respond_by_method(
    imports: FloatArray,
    tariff_before: FloatArray,
    tariff_after: FloatArray,
    member: BoolArray,
    *,
    method: str,
    demand_elasticity: float,
    supply_elasticity: float | None,
    substitution_elasticity: float,
    rest_of_world_share: float | None = None,
) -> Response:
    """Trade response of one importing market by ``method``: exact, smart or gsim."""
    m = np.asarray(imports, dtype=np.float64)
    t0 = np.broadcast_to(np.asarray(tariff_before, dtype=np.float64), m.shape)
    t1 = np.broadcast_to(np.asarray(tariff_after, dtype=np.float64), m.shape)
    if method == "smart":
        out = respond(
            m,
            t0,
            t1,
            member,
            demand_elasticity=demand_elasticity,
            supply_elasticity=supply_elasticity,
            substitution_elasticity=substitution_elasticity,
        )
        return Response(
            out["trade_creation"],
            out["trade_diversion"],
            out["imports_after"],
            np.asarray(out["clipped"], dtype=bool),
            out["world_price_change"],
            out["consumer_price_change"],
            out["tariff_revenue_after"],
            out["consumer_surplus_change"],
            float(out["relative_price_change"][0]),
        )
    if method not in ("exact", "gsim"):
        raise InputError.at(
            ("method",),
            gettext("{method!r} is not one of: exact, smart, gsim.").format(
                method=method
            ),
        )
    solution = market.solve_single_market(
        m,
        1.0,
        member,
        import_demand_elasticity=demand_elasticity,
        substitution_elasticity=substitution_elasticity,
        supply_elasticity=supply_elasticity,
        tariff_before=t0,
        tariff_after=t1,
        rest_of_world_share=rest_of_world_share,
        method="gsim" if method == "gsim" else "exact",
    )
    linear = solution.quantity_after[:, 0]
    border = solution.border_price_after[:, 0]
    p0 = solution.consumer_price_before[:, 0]
    p1 = solution.consumer_price_after[:, 0]
    if method == "gsim":  # GSIM's linear price, like SMART's, is kept ≥ 0
        border = np.maximum(border, 0.0)
        p1 = border * (1.0 + t1)
    ratio = p1 / p0
    eta = demand_elasticity
    clipped = linear < 0
    after = np.maximum(linear, 0.0)
    if method == "exact":
        creation = m * (ratio**eta - 1.0)
        diversion = after - m - creation
        consumers = consumer_surplus_by_origin(
            m,
            p0,
            p1,
            demand_elasticity=eta,
            substitution_elasticity=substitution_elasticity,
        )
    else:
        diversion = linear - m - m * eta * (ratio - 1.0)
        creation = after - m - diversion
        consumers = -(p1 - p0) * (m + after) / 2.0
    is_member = np.asarray(member, dtype=bool)
    both = is_member.any() and (~is_member).any() and m.sum() > 0

    def block(mask: BoolArray) -> float:
        return float((m * ratio)[mask].sum() / m[mask].sum())

    non_member_block = (
        block(~is_member) if both and m[~is_member].sum() > 0 else float("nan")
    )
    relative = (
        block(is_member) / non_member_block - 1.0
        if both and m[is_member].sum() > 0 and non_member_block > 0
        else 0.0
    )
    return Response(
        creation,
        diversion,
        after,
        clipped,
        border - 1.0,
        ratio - 1.0,
        (p1 - border) * after,
        consumers,
        relative,
    )


def compute(inputs: TradeResponseInputs) -> Result:
    """Rows per origin and totals."""
    flows = inputs.flows
    imports = np.array([f.imports for f in flows], dtype=np.float64)
    t0 = np.array([f.tariff_before for f in flows], dtype=np.float64)
    t1 = np.array([f.tariff_after for f in flows], dtype=np.float64)
    member = np.array([f.member for f in flows], dtype=bool)
    out = respond_by_method(
        imports,
        t0,
        t1,
        member,
        method=inputs.method,
        demand_elasticity=inputs.import_demand_elasticity,
        supply_elasticity=inputs.export_supply_elasticity,
        substitution_elasticity=inputs.substitution_elasticity,
        rest_of_world_share=inputs.rest_of_world_share,
    )
    revenue_before = t0 * imports
    welfare = out.consumers + out.revenue_after - revenue_before
    rows = pd.DataFrame(
        {
            "origin": [f.origin for f in flows],
            "member": member,
            "imports": imports,
            "tariff_before": t0,
            "tariff_after": t1,
            "trade_creation": out.creation,
            "trade_diversion": out.diversion,
            "imports_after": out.after,
            "tariff_revenue_before": revenue_before,
            "tariff_revenue_after": out.revenue_after,
            "welfare_change": welfare,
            "world_price_change": out.world_price,
            "consumer_price_change": out.consumer_price,
            "import_value_after": out.after * (1.0 + out.world_price),
            "clipped": out.clipped,
        },
        columns=list(COLUMNS),
    )
    total_before = float(imports.sum())
    total_after = float(out.after.sum())
    members_after = float(out.after[member].sum())
    clipped = [f.origin for f, c in zip(flows, out.clipped, strict=True) if c]
    note = translatable(
        "{method}; imports never go below zero.",
        method=translatable(METHOD_LABELS[inputs.method]),
    )
    if clipped:
        note = joined(
            note,
            translatable(
                "The linear answer fell below zero for {count} flow(s) ({origins}): "
                "their imports after are set to 0 and the trade created to minus what "
                "is left.",
                count=len(clipped),
                origins=", ".join(clipped),
            ),
        )
    summary: dict[str, Any] = {
        "imports_before": total_before,
        "imports_after_total": total_after,
        "trade_creation_total": float(out.creation.sum()),
        "trade_diversion_to_members": float(out.diversion[member].sum()),
        "tariff_revenue_before": float(revenue_before.sum()),
        "tariff_revenue_after": float(out.revenue_after.sum()),
        "welfare_change_total": float(welfare.sum()),
        "consumer_surplus_change": float(out.consumers.sum()),
        "relative_price_change": out.relative_price_change,
        "world_price_change": (
            float(out.world_price @ imports / total_before)
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
        "method": inputs.method,
        "clipped_flows": len(clipped),
        "note": note,
    }
    summary["tariff_revenue_change"] = (
        summary["tariff_revenue_after"] - summary["tariff_revenue_before"]
    )
    return Result(summary=summary, rows=rows)


# σ 3 > |η| 1.5: in the exact (CES) model a preference diverts trade from the others
# only when origins substitute more readily than total imports respond.
EXAMPLE: dict[str, Any] = {
    "method": "exact",
    "import_demand_elasticity": -1.5,
    "export_supply_elasticity": None,
    "substitution_elasticity": 3.0,
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
    title=gettext_noop("Trade response"),
    summary=(
        gettext_noop(
            "Estimate how imports react when tariffs change: new trade created by lower "
            "prices and trade diverted between members and others. Shows tariff revenue "
            "before and after and the change in consumer welfare."
        )
    ),
    precedent=(
        gettext_noop(
            "The World Bank's WITS-SMART partial-equilibrium model, used to assess tariff "
            "cuts in preferential trade agreements."
        )
    ),
    inputs=TradeResponseInputs,
    compute=compute,
    columns=COLUMNS,
    example=EXAMPLE,
    price_field=None,
    outputs=OUTPUTS,
    column_outputs=COLUMN_OUTPUTS,
)

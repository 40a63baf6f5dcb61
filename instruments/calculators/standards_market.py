"""Standards-based market: compliant supply earns a premium, the rest pays a carbon charge.

Formulas (INSTRUMENTS.md §4), per supplier with quantity ``Q``, carbon intensity ``I``
(tCO2e per unit of product, in ``intensity_unit``), audit score, traceability flag and a
carbon price already paid at origin ``c0`` (per tCO2e):

- effective intensity ``I_eff = I·(1 + default_markup)`` when the intensity is a
  default value rather than a verified one (CBAM: 10 % in 2026, 20 % in 2027, 30 % from
  2028, used when ``cbam_year`` is given and no mark-up is);
- compliance: ``I_eff ≤ max_intensity`` (inclusive) and ``score ≥ min_score`` (a
  supplier without a score fails a score test) and, if required, traceable; a standard
  that sets no test certifies nobody, so all supply pays the charge (CBAM). A supplier
  whose intensity covers another scope than the standard's is an input error, not a
  silent comparison;
- free intensity ``F`` = ``free_intensity``, or ``free_allocation_share × benchmark``
  (CBAM: 97.5 % in 2026 … 0 % from 2034, used when ``cbam_year`` is given);
- carbon charge per unit on non-compliant supply
  ``max(0, max(0, I_eff − F)·carbon_price − I_p·c0)``, never below zero, where the
  deduction for the carbon price paid at origin is taken on ``I_p``, the emissions
  actually priced abroad (``priced_intensity``, by default the intensity as reported,
  before any mark-up: Reg. 2023/956 Art. 9); ``origin_deduction_basis:
  "effective_emissions"`` takes it on ``I_eff`` instead (the marked-up value);
- scope: the standard's own, else the sector's CBAM scope (direct emissions only for
  aluminium, iron and steel, hydrogen and electricity; direct and indirect for cement
  and fertilisers: Art. 7 and Annex II), else scopes 1 and 2;
- pass-through share ``θ`` (``pass_through``, default 1): producer netback
  ``base_price + compliance_premium`` when compliant, else ``base_price − (1 − θ)·
  charge``; buyer's landed cost ``base_price + premium`` or ``base_price + θ·charge``;
  the charges split into ``charge_borne_by_buyers`` (θ) and
  ``charge_borne_by_producers`` (1 − θ);
- a ``cbam_year`` beyond the published tables (share 2034, mark-up 2028) takes their
  last values (0 % and 30 %: phased out, and "from 2028") and says so in
  ``warnings``;
- totals: premium paid, charges collected, emissions, quantity-weighted netbacks.
- optional re-sourcing: the buyer's mark-up over the base price (premium or charge)
  as an ad-valorem price wedge in the trade response (``trade_response.
  respond_by_method``: the exact market model by default, SMART's linear formulas
  with ``method: "smart"``, clipped at zero), compliant suppliers as the member
  block; ``quantity_after`` scales each supplier's quantity and is never negative.

Units: prices, premium and charges in ``price_unit``; ``carbon_price`` and ``c0`` in
``carbon_price_unit`` (default the price currency per tCO2e), converted with
``carbon_price_fx_rate`` (price currency per carbon-price currency; left empty, the
service takes the stored H.10 rates: the mean over ``cbam_year``'s months, else the
latest stored month; the request's ``fx_rate`` is only ever the stored price series'
rate); money in the currency of
``price_unit``; emissions in tCO2e.

Source: Regulation (EU) 2023/956 (CBAM) Art. 7, 9 and 31 and Implementing Regulation
(EU) 2025/2621 on default-value mark-ups; IRMA Standard for Responsible Mining;
Fastmarkets low-carbon aluminium premium; LME sustainability thresholds.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from instruments.calculators import units
from instruments.calculators.base import (
    Calculator,
    Result,
    add_warning,
)
from instruments.calculators.standards_market_inputs import (
    CBAM_DEFAULT_MARKUP,
    CBAM_FREE_ALLOCATION_SHARE,
    DEFAULT_SCOPE,
    SCOPE_LABELS,
    SECTOR_LABELS,
    SECTOR_SCOPE,
    Scope,
    Sector,
    Standard,
    StandardsMarketInputs,
    StandardsTradeResponse,
    Supplier,
    carbon_price_factor,
    cbam_default_markup,
    cbam_free_allocation_share,
    standard_scope,
)
from instruments.calculators.standards_market_outputs import (
    COLUMN_OUTPUTS,
    COLUMNS,
    OUTPUTS,
)
from instruments.calculators.trade_response import respond_by_method
from instruments.calculators.translation import gettext_noop, listed, translatable


def compute(inputs: StandardsMarketInputs) -> Result:
    """Compliance, charges and netbacks per supplier, and totals."""
    suppliers, standard = inputs.suppliers, inputs.standard
    money = units.money_factor(inputs.quantity_unit, inputs.price_unit)
    per_unit = units.intensity_factor(inputs.intensity_unit, inputs.price_unit)
    to_quantity = units.quantity_factor(inputs.quantity_unit, inputs.price_unit)
    carbon_factor = carbon_price_factor(inputs)
    year = inputs.cbam_year
    markup = (
        inputs.default_markup
        if inputs.default_markup is not None
        else (cbam_default_markup(year) if year is not None else 0.0)
    )
    if inputs.free_intensity is not None:
        free = inputs.free_intensity
    elif inputs.benchmark is not None and (
        inputs.free_allocation_share is not None or year is not None
    ):
        share = inputs.free_allocation_share
        if share is None:
            assert year is not None
            share = cbam_free_allocation_share(year)
        free = share * inputs.benchmark
    else:
        free = 0.0

    quantity = np.array([s.quantity for s in suppliers], dtype=np.float64)
    intensity = np.array([s.intensity for s in suppliers], dtype=np.float64)
    verified = np.array([s.verified for s in suppliers], dtype=bool)
    traceable = np.array([s.traceable for s in suppliers], dtype=bool)
    score = np.array(
        [math.nan if s.score is None else s.score for s in suppliers], dtype=np.float64
    )
    paid = np.array([s.carbon_price_paid for s in suppliers], dtype=np.float64)
    effective = np.where(verified, intensity, intensity * (1.0 + markup))
    if inputs.origin_deduction_basis == "priced_emissions":
        priced = np.array(
            [
                s.intensity if s.priced_intensity is None else s.priced_intensity
                for s in suppliers
            ],
            dtype=np.float64,
        )
    else:
        priced = effective
    # a standard that sets no test certifies nobody: all supply pays the charge (CBAM)
    tested = (
        standard.max_intensity is not None
        or standard.min_score is not None
        or standard.require_traceability
    )
    compliant = np.full(len(suppliers), tested, dtype=bool)
    if standard.max_intensity is not None:
        compliant &= effective <= standard.max_intensity
    if standard.min_score is not None:
        compliant &= np.nan_to_num(score, nan=-math.inf) >= standard.min_score
    if standard.require_traceability:
        compliant &= traceable
    chargeable = np.maximum(effective - free, 0.0)
    raw_charge = (
        (chargeable * inputs.carbon_price - priced * paid) * per_unit * carbon_factor
    )
    charge = np.where(compliant, 0.0, np.maximum(raw_charge, 0.0))
    premium = np.where(compliant, inputs.compliance_premium, 0.0)
    base = inputs.base_price
    passed = inputs.pass_through
    netback = np.where(compliant, base + premium, base - (1.0 - passed) * charge)
    buyer_cost = np.where(compliant, base + premium, base + passed * charge)
    emissions = effective * per_unit * quantity * to_quantity
    premium_total = premium * quantity * money
    charge_total = charge * quantity * money

    quantity_after = np.full_like(quantity, math.nan)
    summary_after: dict[str, Any] = {}
    response = inputs.trade_response
    if response is not None and base > 0:
        value = base * quantity
        out = respond_by_method(
            value,
            np.zeros_like(value),
            buyer_cost / base - 1.0,
            compliant,
            method=response.method,
            demand_elasticity=response.import_demand_elasticity,
            supply_elasticity=response.export_supply_elasticity,
            substitution_elasticity=response.substitution_elasticity,
        )
        with np.errstate(all="ignore"):
            quantity_after = np.where(value > 0, quantity * out.after / value, 0.0)
        total_after = float(quantity_after.sum())
        summary_after = {
            "quantity_total_after": total_after,
            "compliant_share_after": (
                float(quantity_after[compliant].sum()) / total_after
                if total_after > 0
                else math.nan
            ),
        }

    rows = pd.DataFrame(
        {
            "name": [s.name for s in suppliers],
            "compliant": compliant,
            "intensity": intensity,
            "intensity_effective": effective,
            "chargeable_intensity": chargeable,
            "carbon_charge": charge,
            "netback": netback,
            "buyer_cost": buyer_cost,
            "quantity": quantity,
            "premium_total": premium_total,
            "charge_total": charge_total,
            "emissions": emissions,
            "quantity_after": quantity_after,
        },
        columns=list(COLUMNS),
    )
    total = float(quantity.sum())
    q_in = float(quantity[compliant].sum())
    q_out = total - q_in

    def weighted(values: np.ndarray, mask: np.ndarray, weight: float) -> float:
        return (
            float((values * quantity)[mask].sum()) / weight if weight > 0 else math.nan
        )

    summary: dict[str, Any] = {
        "quantity_total": total,
        "quantity_compliant": q_in,
        "compliant_share": q_in / total if total > 0 else math.nan,
        "premium_total": float(premium_total.sum()),
        "charge_total": float(charge_total.sum()),
        "netback_compliant": weighted(netback, compliant, q_in),
        "netback_non_compliant": weighted(netback, ~compliant, q_out),
        "buyer_cost_weighted": weighted(buyer_cost, np.ones_like(compliant), total),
        "emissions_total": float(emissions.sum()),
        "emissions_compliant": float(emissions[compliant].sum()),
        "free_intensity_used": free,
        "default_markup_used": markup,
        "charge_borne_by_buyers": float(charge_total.sum()) * passed,
        "charge_borne_by_producers": float(charge_total.sum()) * (1.0 - passed),
        "scope_used": standard_scope(inputs),
        "currency": units.parse_price_unit(inputs.price_unit).currency,
        **summary_after,
    }
    if year is not None:
        _warn_beyond_schedule(summary, inputs, year)
    return Result(summary=summary, rows=rows)


def _warn_beyond_schedule(
    summary: dict[str, Any], inputs: StandardsMarketInputs, year: int
) -> None:
    """Say which year's published value a CBAM year beyond the tables used."""
    taken = []
    last_share = max(CBAM_FREE_ALLOCATION_SHARE)
    if (
        inputs.free_allocation_share is None
        and inputs.free_intensity is None
        and year > last_share
    ):
        taken.append(
            translatable(
                "the free-allocation share of {year} ({share})",
                year=last_share,
                share=f"{cbam_free_allocation_share(year):.1%}",
            )
        )
    last_markup = max(CBAM_DEFAULT_MARKUP)
    if inputs.default_markup is None and year > last_markup:
        taken.append(
            translatable(
                "the default-value mark-up of {year} ({markup})",
                year=last_markup,
                markup=f"{cbam_default_markup(year):.0%}",
            )
        )
    if taken:
        add_warning(
            summary,
            translatable(
                "CBAM year {year} is beyond the published schedule: {values} apply.",
                year=year,
                values=listed(taken),
            ),
        )


EXAMPLE: dict[str, Any] = {
    "base_price": 2500,
    "price_unit": "USD/t",
    "quantity_unit": "t",
    "intensity_unit": "tCO2e/t",
    "compliance_premium": 15,
    "carbon_price": 80,
    "free_intensity": 4.0,
    "default_markup": 0.1,
    "standard": {
        "max_intensity": 4.0,
        "min_score": None,
        "require_traceability": False,
    },
    "suppliers": [
        {"name": "Hydro smelter", "quantity": 100, "intensity": 3.5, "verified": True},
        {"name": "Gas smelter", "quantity": 250, "intensity": 8.0, "verified": True},
        {
            "name": "Coal smelter",
            "quantity": 400,
            "intensity": 15.0,
            "verified": False,
            "carbon_price_paid": 10,
        },
    ],
    "trade_response": {
        "import_demand_elasticity": -1.0,
        "substitution_elasticity": 2.0,
    },
}
"""Low-carbon aluminium: Fastmarkets' ≤ 4 tCO2e/t threshold with a $15/t premium."""

CALCULATOR = Calculator(
    slug="standards-market",
    title=gettext_noop("Standards-based market"),
    summary=(
        gettext_noop(
            "Supply that meets a verifiable standard (carbon intensity, audit score, "
            "traceability) earns a premium; supply that does not pays a carbon charge. "
            "See who complies, what they net and what the market collects."
        )
    ),
    precedent=(
        gettext_noop(
            "The EU Carbon Border Adjustment Mechanism (definitive from 2026) and "
            "low-carbon metal premia such as Fastmarkets' low-carbon aluminium (≤ 4 "
            "tCO2e/t)."
        )
    ),
    inputs=StandardsMarketInputs,
    compute=compute,
    columns=COLUMNS,
    example=EXAMPLE,
    price_field="base_price",
    price_field_scalar=True,
    outputs=OUTPUTS,
    column_outputs=COLUMN_OUTPUTS,
)

__all__ = [
    "CALCULATOR",
    "CBAM_DEFAULT_MARKUP",
    "CBAM_FREE_ALLOCATION_SHARE",
    "DEFAULT_SCOPE",
    "EXAMPLE",
    "SCOPE_LABELS",
    "SECTOR_LABELS",
    "SECTOR_SCOPE",
    "Scope",
    "Sector",
    "Standard",
    "StandardsMarketInputs",
    "StandardsTradeResponse",
    "Supplier",
    "cbam_default_markup",
    "cbam_free_allocation_share",
    "compute",
    "standard_scope",
]

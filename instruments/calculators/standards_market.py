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
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from instruments.calculators import units
from instruments.calculators.base import (
    Calculator,
    ErrorCollector,
    InputError,
    Inputs,
    Result,
    add_warning,
    spec,
)
from instruments.calculators.elasticities import Elasticities
from instruments.calculators.limits import MAX_SUPPLIERS
from instruments.calculators.series import (
    attempt,
    price_unit_spec,
)
from instruments.calculators.standards_market_outputs import (
    COLUMN_OUTPUTS,
    COLUMNS,
    OUTPUTS,
)
from instruments.calculators.trade_response import (
    METHOD_HELP,
    METHOD_LABELS,
    respond_by_method,
)
from instruments.calculators.translation import gettext_noop, listed, translatable

Scope = Literal["scope_1", "scope_1_2", "scope_1_2_3"]
SCOPE_LABELS = {
    "scope_1": gettext_noop("Direct emissions (scope 1)"),
    "scope_1_2": gettext_noop("Direct and electricity (scopes 1 and 2)"),
    "scope_1_2_3": gettext_noop("Full value chain (scopes 1, 2 and 3)"),
}

Sector = Literal[
    "aluminium", "iron_steel", "hydrogen", "electricity", "cement", "fertilisers"
]
SECTOR_LABELS = {
    "aluminium": gettext_noop("Aluminium"),
    "iron_steel": gettext_noop("Iron and steel"),
    "hydrogen": gettext_noop("Hydrogen"),
    "electricity": gettext_noop("Electricity"),
    "cement": gettext_noop("Cement"),
    "fertilisers": gettext_noop("Fertilisers"),
}
SECTOR_SCOPE: dict[str, Scope] = {
    "aluminium": "scope_1",
    "iron_steel": "scope_1",
    "hydrogen": "scope_1",
    "electricity": "scope_1",
    "cement": "scope_1_2",
    "fertilisers": "scope_1_2",
}
"""The emissions CBAM counts by sector (Reg. 2023/956 Art. 7 and Annex II): direct
emissions only for aluminium, iron and steel, hydrogen and electricity; direct and
indirect (electricity) emissions for cement and fertilisers."""

DEFAULT_SCOPE: Scope = "scope_1_2"
"""The standard's scope when neither it nor a sector is given."""

CBAM_FREE_ALLOCATION_SHARE = {
    2025: 1.0,
    2026: 0.975,
    2027: 0.95,
    2028: 0.90,
    2029: 0.775,
    2030: 0.515,
    2031: 0.39,
    2032: 0.265,
    2033: 0.14,
    2034: 0.0,
}
"""CBAM free-allocation share by year (Regulation (EU) 2023/956, Art. 31); 0 after 2034."""

CBAM_DEFAULT_MARKUP = {2026: 0.10, 2027: 0.20, 2028: 0.30}
"""CBAM mark-up on default values by year; 30 % from 2028 on."""


def cbam_free_allocation_share(year: int) -> float:
    """The CBAM free-allocation share for ``year`` (1 before 2026, 0 from 2034)."""
    if year < 2026:
        return 1.0
    return CBAM_FREE_ALLOCATION_SHARE.get(year, 0.0)


def cbam_default_markup(year: int) -> float:
    """The CBAM mark-up on default values for ``year`` (0 before 2026, 30 % from 2028)."""
    if year < 2026:
        return 0.0
    return CBAM_DEFAULT_MARKUP.get(year, 0.30)


@dataclass(frozen=True, kw_only=True)
class Standard:
    """The standard that compliant supply meets."""

    max_intensity: float | None = spec(
        "Highest carbon intensity",
        unit="intensity unit",
        default=None,
        min_value=0.0,
        help=gettext_noop(
            "Supply at or below this carbon intensity complies (e.g. 4 tCO2e/t for "
            "low-carbon aluminium)."
        ),
    )
    min_score: float | None = spec(
        "Lowest audit score",
        default=None,
        help=gettext_noop(
            "Supply needs at least this audit score (e.g. IRMA 50); leave empty for "
            "no audit test."
        ),
    )
    require_traceability: bool = spec(
        "Traceability required",
        default=False,
        help=gettext_noop("Supply must be traceable to the mine to comply."),
    )
    scope: Scope | None = spec(
        "Emission scope",
        default=None,
        choice_labels=SCOPE_LABELS,
        help=gettext_noop(
            "Which emissions the intensity threshold counts. Empty: the sector's CBAM "
            "scope (direct only for aluminium, iron and steel, hydrogen and electricity; "
            "direct and indirect for cement and fertilisers), or scopes 1 and 2 without a "
            "sector."
        ),
    )


@dataclass(frozen=True, kw_only=True)
class Supplier:
    """A producer or lot."""

    name: str = spec("Supplier", help=gettext_noop("Producer, mine or lot."))
    quantity: float = spec(
        "Quantity",
        unit="quantity unit",
        min_value=0.0,
        help=gettext_noop("Quantity supplied."),
    )
    intensity: float = spec(
        "Carbon intensity",
        unit="intensity unit",
        min_value=0.0,
        help=gettext_noop("Emissions per unit of product."),
    )
    scope: Scope | None = spec(
        "Emission scope",
        default=None,
        choice_labels=SCOPE_LABELS,
        help=gettext_noop(
            "Which emissions the intensity counts; empty means the standard's."
        ),
    )
    score: float | None = spec(
        "Audit score",
        default=None,
        help=gettext_noop("Score from an audit such as IRMA, if any."),
    )
    traceable: bool = spec(
        "Traceable",
        default=False,
        help=gettext_noop("Whether the supply can be traced to the mine."),
    )
    verified: bool = spec(
        "Verified intensity",
        default=True,
        help=gettext_noop(
            "Unticked: the intensity is a default value and is marked up."
        ),
    )
    carbon_price_paid: float = spec(
        "Carbon price paid at origin",
        unit="carbon price unit",
        default=0.0,
        min_value=0.0,
        help=gettext_noop(
            "Carbon price already paid in the country of production, per tCO2e."
        ),
    )
    priced_intensity: float | None = spec(
        "Emissions priced at origin",
        unit="intensity unit",
        default=None,
        min_value=0.0,
        help=gettext_noop(
            "Emissions per unit on which the carbon price at origin was actually "
            "paid; defaults to the intensity as reported (before any mark-up)."
        ),
    )


@dataclass(frozen=True, kw_only=True)
class StandardsTradeResponse(Elasticities):
    """Elasticities to see buyers re-source toward compliant supply."""

    method: Literal["exact", "smart"] = spec(
        "Method",
        default="exact",
        choice_labels={k: METHOD_LABELS[k] for k in ("exact", "smart")},
        help=METHOD_HELP,
    )


@dataclass(frozen=True, kw_only=True)
class StandardsMarketInputs(Inputs):
    """What a standards-based market needs."""

    base_price: float = spec(
        "Base price",
        unit="price unit",
        min_value=0.0,
        help=gettext_noop("Market price of the product before premium or charge."),
    )
    price_unit: str = price_unit_spec("USD/t")
    quantity_unit: str = spec(
        "Quantity unit",
        default="t",
        help=gettext_noop("Unit of the suppliers' quantities."),
    )
    intensity_unit: str = spec(
        "Intensity unit",
        default="tCO2e/t",
        help=gettext_noop("Emissions per quantity of product, e.g. tCO2e/t."),
    )
    compliance_premium: float = spec(
        "Compliance premium",
        unit="price unit",
        default=0.0,
        min_value=0.0,
        help=gettext_noop(
            "Extra paid per unit for compliant supply (e.g. $15/t low-carbon premium)."
        ),
    )
    carbon_price: float = spec(
        "Carbon price",
        unit="carbon price unit",
        default=0.0,
        min_value=0.0,
        help=gettext_noop("Price per tonne of CO2e charged on non-compliant supply."),
    )
    carbon_price_unit: str | None = spec(
        "Carbon price unit",
        default=None,
        help=gettext_noop("E.g. EUR/tCO2e; defaults to the price currency per tCO2e."),
    )
    carbon_price_fx_rate: float | None = spec(
        "Carbon price exchange rate",
        default=None,
        min_value=0.0,
        exclusive_min=True,
        help=gettext_noop(
            "Units of the price currency per unit of the carbon price's currency, "
            "when they differ (e.g. 1.08 USD per EUR). Left empty, the stored H.10 rates "
            "are used: the mean of the CBAM year's months, else the latest month."
        ),
    )
    free_intensity: float | None = spec(
        "Free intensity",
        unit="intensity unit",
        default=None,
        min_value=0.0,
        help=gettext_noop(
            "Emissions per unit that are not charged (e.g. the free-allocation "
            "benchmark share)."
        ),
    )
    free_allocation_share: float | None = spec(
        "Free-allocation share",
        unit="fraction",
        default=None,
        min_value=0.0,
        max_value=1.0,
        help=gettext_noop("Share of the benchmark that is free (CBAM 2026: 0.975)."),
    )
    benchmark: float | None = spec(
        "Benchmark intensity",
        unit="intensity unit",
        default=None,
        min_value=0.0,
        help=gettext_noop("The free-allocation benchmark, per unit of product."),
    )
    cbam_year: int | None = spec(
        "CBAM year",
        default=None,
        min_value=2026,
        max_value=2050,
        help=gettext_noop(
            "Fill the free-allocation share and default mark-up from the CBAM "
            "schedule for this year."
        ),
    )
    default_markup: float | None = spec(
        "Mark-up on default values",
        unit="fraction",
        default=None,
        min_value=0.0,
        max_value=5.0,
        help=gettext_noop(
            "Unverified intensities are raised by this share (0.1 = 10 %)."
        ),
    )
    sector: Sector | None = spec(
        "CBAM sector",
        default=None,
        choice_labels=SECTOR_LABELS,
        help=gettext_noop(
            "Sets the emission scope the standard counts when it names none."
        ),
    )
    origin_deduction_basis: Literal["priced_emissions", "effective_emissions"] = spec(
        "Deduction for a carbon price paid at origin",
        default="priced_emissions",
        choice_labels={
            "priced_emissions": gettext_noop(
                "On the emissions actually priced at origin (Art. 9)"
            ),
            "effective_emissions": gettext_noop(
                "On the effective (marked-up) emissions"
            ),
        },
        help=gettext_noop(
            "CBAM (Reg. 2023/956 Art. 9) deducts the carbon price effectively paid "
            "on the embedded emissions priced abroad, not on marked-up default values."
        ),
    )
    pass_through: float = spec(
        "Share of the charge passed to buyers",
        unit="fraction",
        default=1.0,
        min_value=0.0,
        max_value=1.0,
        help=gettext_noop(
            "Buyers pay this share of the carbon charge in a higher price; producers "
            "absorb the rest in a lower netback (1 = buyers pay all of it)."
        ),
    )
    standard: Standard = spec(
        "Standard",
        default=Standard(),
        help=gettext_noop("What compliant supply must meet."),
    )
    suppliers: tuple[Supplier, ...] = spec(
        "Suppliers", max_items=MAX_SUPPLIERS, help=f"At most {MAX_SUPPLIERS:,}."
    )
    trade_response: StandardsTradeResponse | None = spec(
        "Re-sourcing",
        default=None,
        help=gettext_noop(
            "Add elasticities to see buyers shift toward compliant supply."
        ),
    )

    def validate(self, errors: ErrorCollector) -> None:
        """Cross-field rules (bounds and units are checked by the base)."""
        _validate(self, errors)


def _validate(inputs: StandardsMarketInputs, errors: ErrorCollector) -> None:
    if not inputs.suppliers:
        errors.add(("suppliers",), "Give at least one supplier.")
    attempt(
        errors, lambda: units.intensity_factor(inputs.intensity_unit, inputs.price_unit)
    )
    attempt(errors, lambda: _carbon_price_factor(inputs))
    if inputs.free_intensity is not None and (
        inputs.free_allocation_share is not None or inputs.cbam_year is not None
    ):
        errors.add(
            ("free_intensity",),
            "Give a free intensity, or a free-allocation share (or CBAM year) with a "
            "benchmark, not both.",
        )
    if (
        inputs.free_allocation_share is not None or inputs.cbam_year is not None
    ) and inputs.benchmark is None:
        errors.add(("benchmark",), "Needed with a free-allocation share or CBAM year.")
    scope = standard_scope(inputs)
    for i, supplier in enumerate(inputs.suppliers):
        if supplier.scope is not None and supplier.scope != scope:
            errors.add(
                ("suppliers", i, "scope"),
                f"Intensity is for {SCOPE_LABELS[supplier.scope].lower()} but the "
                f"standard counts {SCOPE_LABELS[scope].lower()}.",
            )


def standard_scope(inputs: StandardsMarketInputs) -> Scope:
    """The scope the standard counts: its own, else the sector's, else scopes 1+2."""
    if inputs.standard.scope is not None:
        return inputs.standard.scope
    if inputs.sector is not None:
        return SECTOR_SCOPE[inputs.sector]
    return DEFAULT_SCOPE


def _carbon_price_factor(inputs: StandardsMarketInputs) -> float:
    """Price-currency units (as in ``price_unit``) per one carbon-price unit."""
    price = units.parse_price_unit(inputs.price_unit)
    own = f"{price.currency}/tCO2e"
    source = inputs.carbon_price_unit or own
    carbon = units.parse_price_unit(source, ("carbon_price_unit",))
    if carbon.dimension != "emissions":
        raise InputError.at(
            ("carbon_price_unit",),
            "A carbon price is per tonne of CO2e, e.g. EUR/tCO2e.",
        )
    return (
        float(
            units.convert_price(
                1.0,
                source,
                own,
                fx_rate=inputs.carbon_price_fx_rate,
                path=("carbon_price_unit",),
            )
        )
        / price.scale
    )


def compute(inputs: StandardsMarketInputs) -> Result:
    """Compliance, charges and netbacks per supplier, and totals."""
    suppliers, standard = inputs.suppliers, inputs.standard
    money = units.money_factor(inputs.quantity_unit, inputs.price_unit)
    per_unit = units.intensity_factor(inputs.intensity_unit, inputs.price_unit)
    to_quantity = units.quantity_factor(inputs.quantity_unit, inputs.price_unit)
    carbon_factor = _carbon_price_factor(inputs)
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

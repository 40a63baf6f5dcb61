"""The standards-based market's declared inputs (the standard, the suppliers, the
CBAM schedule and the re-sourcing), the emission scopes and sectors, and their
cross-field validation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from instruments.calculators import units
from instruments.calculators.base import (
    ErrorCollector,
    InputError,
    Inputs,
    spec,
)
from instruments.calculators.elasticities import Elasticities
from instruments.calculators.limits import MAX_SUPPLIERS
from instruments.calculators.series import (
    attempt,
    price_unit_spec,
)
from instruments.calculators.trade_response import (
    METHOD_HELP,
    METHOD_LABELS,
)
from instruments.calculators.translation import gettext, gettext_noop

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
        errors.add(("suppliers",), gettext("Give at least one supplier."))
    attempt(
        errors, lambda: units.intensity_factor(inputs.intensity_unit, inputs.price_unit)
    )
    attempt(errors, lambda: carbon_price_factor(inputs))
    if inputs.free_intensity is not None and (
        inputs.free_allocation_share is not None or inputs.cbam_year is not None
    ):
        errors.add(
            ("free_intensity",),
            gettext(
                "Give a free intensity, or a free-allocation share (or CBAM year) with a "
                "benchmark, not both."
            ),
        )
    if (
        inputs.free_allocation_share is not None or inputs.cbam_year is not None
    ) and inputs.benchmark is None:
        errors.add(
            ("benchmark",), gettext("Needed with a free-allocation share or CBAM year.")
        )
    scope = standard_scope(inputs)
    for i, supplier in enumerate(inputs.suppliers):
        if supplier.scope is not None and supplier.scope != scope:
            errors.add(
                ("suppliers", i, "scope"),
                gettext(
                    "Intensity is for {given} but the standard counts {counted}."
                ).format(
                    given=gettext(SCOPE_LABELS[supplier.scope]).lower(),
                    counted=gettext(SCOPE_LABELS[scope]).lower(),
                ),
            )


def standard_scope(inputs: StandardsMarketInputs) -> Scope:
    """The scope the standard counts: its own, else the sector's, else scopes 1+2."""
    if inputs.standard.scope is not None:
        return inputs.standard.scope
    if inputs.sector is not None:
        return SECTOR_SCOPE[inputs.sector]
    return DEFAULT_SCOPE


def carbon_price_factor(inputs: StandardsMarketInputs) -> float:
    """Price-currency units (as in ``price_unit``) per one carbon-price unit."""
    price = units.parse_price_unit(inputs.price_unit)
    own = f"{price.currency}/tCO2e"
    source = inputs.carbon_price_unit or own
    carbon = units.parse_price_unit(source, ("carbon_price_unit",))
    if carbon.dimension != "emissions":
        raise InputError.at(
            ("carbon_price_unit",),
            gettext("A carbon price is per tonne of CO2e, e.g. EUR/tCO2e."),
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

"""The standards-market calculator's declared outputs: summary figures and row columns, with units."""

from __future__ import annotations

from instruments.calculators.base import (
    WARNINGS_OUTPUT,
    Output,
)

COLUMN_OUTPUTS = (
    Output("name", "Supplier", "text", help="Producer, mine or lot."),
    Output("compliant", "Compliant", help="True when the supplier meets the standard."),
    Output("intensity", "Carbon intensity", help="As given, in the intensity unit."),
    Output(
        "intensity_effective",
        "Effective carbon intensity",
        help="Intensity after any mark-up on default values, in the intensity unit.",
    ),
    Output(
        "chargeable_intensity",
        "Chargeable intensity",
        help="Effective intensity above the free intensity, in the intensity unit.",
    ),
    Output(
        "carbon_charge",
        "Carbon charge per unit",
        "price",
        help="Charge on non-compliant supply, net of carbon price paid at origin.",
    ),
    Output(
        "netback",
        "Producer netback",
        "price",
        help="Base price plus premium, or minus the charge if producers absorb it.",
    ),
    Output(
        "buyer_cost",
        "Buyer's landed cost",
        "price",
        help="Base price plus premium, or plus the charge if buyers pay it.",
    ),
    Output("quantity", "Quantity", "quantity", help="Quantity supplied."),
    Output("premium_total", "Premium paid", "money", help="Premium × quantity."),
    Output("charge_total", "Carbon charges", "money", help="Charge × quantity."),
    Output("emissions", "Emissions (tCO2e)", help="Effective intensity × quantity."),
    Output(
        "quantity_after",
        "Quantity after re-sourcing",
        "quantity",
        help="Quantity once buyers re-source; null without elasticities.",
    ),
)
COLUMNS = tuple(o.key for o in COLUMN_OUTPUTS)

OUTPUTS = (
    Output(
        "compliant_share",
        "Compliant share of supply",
        "share",
        headline=True,
        help="Quantity that meets the standard ÷ all quantity.",
    ),
    Output(
        "premium_total",
        "Premium paid to compliant supply",
        "money",
        headline=True,
        help="Compliance premium × compliant quantity.",
    ),
    Output(
        "charge_total",
        "Carbon charges collected",
        "money",
        headline=True,
        help="Carbon charge × non-compliant quantity.",
    ),
    Output(
        "netback_compliant",
        "Average netback, compliant",
        "price",
        headline=True,
        help="Producers' netback, weighted by compliant quantities.",
    ),
    Output(
        "netback_non_compliant",
        "Average netback, non-compliant",
        "price",
        headline=True,
        help="Producers' netback after the charge, weighted by non-compliant "
        "quantities.",
    ),
    Output("quantity_total", "Quantity supplied", "quantity"),
    Output("quantity_compliant", "Compliant quantity", "quantity"),
    Output("buyer_cost_weighted", "Average landed cost to buyers", "price"),
    Output("emissions_total", "Emissions (tCO2e)"),
    Output("emissions_compliant", "Emissions of compliant supply (tCO2e)"),
    Output(
        "free_intensity_used",
        "Free intensity used",
        help="Emissions per unit not charged, in the intensity unit.",
    ),
    Output("default_markup_used", "Mark-up on default values used", "share"),
    Output(
        "charge_borne_by_buyers",
        "Carbon charges passed to buyers",
        "money",
        help="Charges × the pass-through share.",
    ),
    Output(
        "charge_borne_by_producers",
        "Carbon charges absorbed by producers",
        "money",
        help="Charges × (1 − the pass-through share).",
    ),
    Output("scope_used", "Emission scope counted", "text"),
    Output("currency", "Currency", "text", help="Currency of the money figures."),
    Output("quantity_total_after", "Quantity after re-sourcing", "quantity"),
    Output("compliant_share_after", "Compliant share after re-sourcing", "share"),
    WARNINGS_OUTPUT,
)

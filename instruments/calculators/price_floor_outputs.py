"""The price floor's declared outputs: summary figures and row columns, with units."""

from __future__ import annotations

from typing import Any

from instruments.calculators.base import (
    DATA_BASIS_OUTPUT,
    WARNINGS_OUTPUT,
    Output,
    add_warning,
)
from instruments.calculators.translation import gettext_noop, translatable

COLUMN_OUTPUTS = (
    Output("period", "Period", "text", help="The period label."),
    Output("origin", "Origin", "text", help="Country or group the imports come from."),
    Output(
        "member", "Member", help="True when the origin is in the preferential zone."
    ),
    Output("import_price", "Import price (CIF)", "price", help="Price at the border."),
    Output("reference_price", "Reference price (floor)", "price", help="The floor."),
    Output("levy", "Levy", "price", help="Levy per unit; 0 for members."),
    Output(
        "ad_valorem_equivalent",
        "Ad valorem equivalent",
        "share",
        help="Levy ÷ import price; null when the import price is 0.",
    ),
    Output("landed_price", "Landed price", "price", help="Import price plus levy."),
    Output("quantity", "Quantity imported", "quantity", help="Quantity imported."),
    Output("revenue", "Levy revenue", "money", help="Levy × quantity."),
    Output(
        "quantity_after",
        "Quantity after the levy",
        "quantity",
        help="Quantity imported once trade responds; null without a trade response.",
    ),
    Output(
        "revenue_after",
        "Levy revenue at the new volumes",
        "money",
        help="Levy after × quantity after; null without a trade response.",
    ),
    Output(
        "levy_after",
        "Levy after the trade response",
        "price",
        help="Levy per unit at the new import price (it grows when exporters cut "
        "their price); null without a trade response.",
    ),
    Output(
        "import_price_after",
        "Import price after the trade response",
        "price",
        help="CIF price once exporters respond (unchanged with unlimited supply).",
    ),
    Output(
        "tariff_plus_levy",
        "Tariff plus levy, ad valorem",
        "share",
        help="The existing tariff plus the levy's ad valorem equivalent (members: 0), "
        "to compare with the WTO bound rate.",
    ),
)
COLUMNS = tuple(o.key for o in COLUMN_OUTPUTS)

OUTPUTS = (
    Output(
        "revenue_total",
        "Levy revenue",
        "money",
        headline=True,
        help="Levy collected on non-members' imports over all periods.",
    ),
    Output(
        "revenue_total_after",
        "Levy revenue at the new volumes",
        "money",
        headline=True,
        help="Levy revenue once imports respond to the levy (with a trade response).",
    ),
    Output(
        "levy_weighted",
        "Average levy on non-members",
        "price",
        headline=True,
        help="Levy per unit, weighted by non-members' quantities.",
    ),
    Output(
        "ave_weighted",
        "Ad valorem equivalent, trade-weighted",
        "share",
        headline=True,
        help="Levy collected ÷ value of non-members' imports.",
    ),
    Output(
        "landed_price_weighted",
        "Average landed price",
        "price",
        headline=True,
        help="Import price plus levy, weighted by all quantities.",
    ),
    Output(
        "revenue_npv",
        "Present value of levy revenue",
        "money",
        headline=True,
        help="Levy revenue discounted at the discount rate, end of period.",
    ),
    Output("quantity_total", "Quantity imported", "quantity"),
    Output("quantity_non_member", "Quantity from non-members", "quantity"),
    Output("import_price_weighted", "Average import price", "price"),
    Output("reference_price_mean", "Average reference price", "price"),
    Output("periods_with_levy", "Periods with a levy", "count"),
    Output("reference_basis", "Basis of the reference price", "text"),
    Output("reference_basis_note", "How the floor was set", "text"),
    Output(
        "market_price_cif_note",
        "How the market price was made CIF",
        "text",
        help="CIF as given, or FOB plus freight and insurance, or FOB × a factor.",
    ),
    Output("currency", "Currency", "text", help="Currency of the money figures."),
    Output("quantity_total_after", "Quantity imported after the levy", "quantity"),
    Output("member_quantity_change", "Change in imports from members", "quantity"),
    Output(
        "non_member_quantity_change", "Change in imports from non-members", "quantity"
    ),
    Output(
        "world_price_change",
        "Change in import prices after the levy",
        "share",
        help="Base-quantity-weighted import price after ÷ before − 1.",
    ),
    Output("trade_response_method", "Trade-response method", "text"),
    Output(
        "bound_rate_exceeded_periods",
        "Periods above the WTO bound rate",
        "count",
        help="Periods in which a non-member flow's tariff plus levy (ad valorem) "
        "exceeds the bound rate.",
    ),
    Output(
        "bound_rate_exceeded_in",
        "Periods above the bound rate",
        "text",
        help="Their labels, comma-separated (empty when none).",
    ),
    Output(
        "tariff_plus_levy_max",
        "Highest tariff plus levy, ad valorem",
        "share",
    ),
    Output(
        "clipped_rows",
        "Rows clipped at zero",
        "count",
        help="Rows where SMART's linear answer fell below zero imports.",
    ),
    WARNINGS_OUTPUT,
    DATA_BASIS_OUTPUT,
)


TRAILING_ENDS = (
    gettext_noop("including the current one"),
    gettext_noop("ending {lag} period before the current one"),
    gettext_noop("ending {lag} periods before the current one"),
)
"""How a trailing average ends: with the current period, or ``lag`` before it."""


COST_NOTES = (
    gettext_noop(
        "{times}{percentile} point of the unit-cost curve of {count} producers "
        "({point} {unit}) plus {margin} margin"
    ),
    gettext_noop(
        "{times}{percentile} point of the output-weighted unit-cost curve of "
        "{count} producers ({point} {unit}) plus {margin} margin"
    ),
)
"""How a floor set on producers' costs was set: unweighted, output-weighted."""


def add_result_warnings(
    summary: dict[str, Any], basis: str, trailing_lag: int, periods: int
) -> None:
    """The warnings of a price-floor result: rows SMART clipped at zero, first periods
    with no trailing average to stand on (each said in the reader's language)."""
    if summary.get("clipped_rows"):
        # SMART's linear answer can fall below zero; say where it was clipped.
        add_warning(
            summary,
            translatable(
                "SMART's linear formulas gave imports below zero in {rows} row(s); "
                "they are clipped at zero. The exact method has no such limit.",
                rows=summary["clipped_rows"],
            ),
        )
    if basis == "trailing_average" and trailing_lag > 0:
        first = min(trailing_lag, periods)
        message = (
            gettext_noop("The first {first} periods have no market price")
            if first > 1
            else gettext_noop("The first {first} period has no market price")
        )
        earlier = (
            gettext_noop(
                "{first_periods} {lag} periods earlier: the first trailing average "
                "stands in for the floor."
            )
            if trailing_lag > 1
            else gettext_noop(
                "{first_periods} {lag} period earlier: the first trailing average "
                "stands in for the floor."
            )
        )
        add_warning(
            summary,
            translatable(
                earlier,
                first_periods=translatable(message, first=first),
                lag=trailing_lag,
            ),
        )

"""The offtake calculator's declared outputs: summary figures and row columns, with units."""

from __future__ import annotations

from instruments.calculators.base import (
    WARNINGS_OUTPUT,
    Output,
)

COLUMN_OUTPUTS = (
    Output("period", "Period", "text", help="The period label."),
    Output("market_price", "Market price", "price", help="Spot or index price, net."),
    Output("contract_price", "Contract price", "price", help="Price under the deal."),
    Output("contracted_quantity", "Contracted quantity", "quantity", help="Committed."),
    Output("taken_quantity", "Quantity taken", "quantity", help="Actually taken."),
    Output(
        "payment",
        "Payment to the producer",
        "money",
        help="Contract price × quantity taken, plus take-or-pay.",
    ),
    Output("spot_cost", "Cost at spot", "money", help="Market price × quantity taken."),
    Output(
        "buyer_saving",
        "Buyer's saving against spot",
        "money",
        help="Spot cost minus payment (negative = a premium for security of supply).",
    ),
    Output(
        "shortfall",
        "Shortfall below minimum take",
        "quantity",
        help="Minimum take minus quantity taken, when positive.",
    ),
    Output(
        "take_or_pay_payment",
        "Take-or-pay payment",
        "money",
        help="Shortfall × share paid × shortfall price.",
    ),
    Output(
        "producer_revenue",
        "Producer revenue under the contract",
        "money",
        help="Payment plus the untaken contracted volume sold at spot.",
    ),
    Output(
        "producer_revenue_spot",
        "Producer revenue at spot",
        "money",
        help="Contracted volume × market price.",
    ),
    Output(
        "prepayment_recouped",
        "Prepayment recouped",
        "money",
        help="Withheld from the payment to repay the prepayment.",
    ),
    Output(
        "stream_quantity",
        "Quantity delivered to the stream",
        "quantity",
        help="Stream share × production.",
    ),
    Output(
        "stream_payment",
        "Stream holder's payment",
        "money",
        help="Share of spot paid × market price × stream quantity.",
    ),
    Output(
        "discount_factor",
        "Discount factor",
        help="(1 + rate)^(−t) at the end of the period.",
    ),
)
COLUMNS = tuple(o.key for o in COLUMN_OUTPUTS)

OUTPUTS = (
    Output(
        "buyer_saving_total",
        "Buyer's saving against spot",
        "money",
        headline=True,
        help="Spot cost minus payments (negative = the premium paid for security).",
    ),
    Output(
        "payment_total",
        "Payments to the producer",
        "money",
        headline=True,
        help="Contract payments plus take-or-pay, all periods.",
    ),
    Output(
        "spot_cost_total",
        "Cost of the same at spot",
        "money",
        headline=True,
        help="The quantities taken, bought at the market price.",
    ),
    Output(
        "take_or_pay_total",
        "Take-or-pay payments",
        "money",
        headline=True,
        help="Paid for shortfalls below the minimum take.",
    ),
    Output(
        "npv_buyer_saving",
        "Present value of the saving",
        "money",
        headline=True,
        help="The buyer's saving discounted at the discount rate, end of period.",
    ),
    Output(
        "collar_value",
        "Collar value to the producer per unit",
        "price",
        headline=True,
        help="Black-76 floor value minus cap value, per unit.",
    ),
    Output("shortfall_total", "Shortfall below minimum take", "quantity"),
    Output("npv_payment", "Present value of payments", "money"),
    Output("npv_spot_cost", "Present value of spot cost", "money"),
    Output("producer_revenue_total", "Producer revenue under the contract", "money"),
    Output("producer_revenue_spot_total", "Producer revenue at spot", "money"),
    Output("npv_producer_revenue", "Present value of producer revenue", "money"),
    Output(
        "producer_revenue_cv",
        "Producer revenue variability, contract",
        "share",
        help="Coefficient of variation (standard deviation ÷ mean) across periods.",
    ),
    Output("producer_revenue_cv_spot", "Producer revenue variability, spot", "share"),
    Output("contract_price_mean", "Average contract price", "price"),
    Output("market_price_mean", "Average market price", "price"),
    Output("currency", "Currency", "text", help="Currency of the money figures."),
    Output("prepayment", "Prepayment", "money"),
    Output("prepayment_recouped_total", "Prepayment recouped", "money"),
    Output("prepayment_outstanding", "Prepayment not yet recouped", "money"),
    Output(
        "prepayment_npv_to_buyer",
        "Present value of the prepayment to the buyer",
        "money",
    ),
    Output(
        "streaming_producer_npv", "Present value of the stream to the producer", "money"
    ),
    Output(
        "streaming_holder_npv", "Present value of the stream to its holder", "money"
    ),
    Output("streaming_quantity_total", "Quantity delivered to the stream", "quantity"),
    Output("floor_value", "Floor value per unit", "price"),
    Output("cap_value", "Cap value per unit", "price"),
    Output(
        "zero_cost_cap",
        "Cap that makes the collar free",
        "price",
        help="One cap strike for every settlement; null when no cap above the floor "
        "makes the collar free (see the warnings).",
    ),
    Output(
        "floor_value_total",
        "Floor value for the contracted quantity",
        "money",
        help="The strip of puts over the settlements × each period's contracted "
        "quantity.",
    ),
    Output("cap_value_total", "Cap value for the contracted quantity", "money"),
    Output(
        "collar_value_total",
        "Collar value to the producer for the contracted quantity",
        "money",
    ),
    WARNINGS_OUTPUT,
)

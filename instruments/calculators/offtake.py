"""Offtake agreement: a buyer commits to take volumes from a producer at a contract price.

Formulas (INSTRUMENTS.md §6), per period ``t`` with market price ``P_t``:

- contract price: ``fixed`` (``price``); ``index`` ``P·(1 − d)`` or ``P − d_amount``
  (never below 0); ``collar`` ``min(max(x, floor), cap)`` (either bound may be absent)
  where the discount is applied after the collar, or before it when
  ``discount_before_collar``;
- take-or-pay: ``shortfall = max(0, min_take_share·contracted − taken)``, paid at
  ``shortfall_share × shortfall_price`` (default: the contract price);
- ``payment = contract_price·taken + take_or_pay`` (buyer → producer);
  ``spot_cost = P·taken``; ``buyer_saving = spot_cost − payment`` (negative = the
  premium paid for security of supply);
- producer revenue under the contract = payment + the untaken contracted volume sold
  at spot, against ``P·contracted`` at spot without it; its volatility is the
  coefficient of variation (standard deviation ÷ mean) across periods;
- NPVs at ``discount_rate``, end-of-period discounting (``periods.discount_factors``);
- valuation (Black-76 on forwards ``F_t``, volatility ``σ``, rate ``r``), a strip over
  the contract's settlements, one per period at ``T_t`` (``settlement_years``, or the
  periods' ends from the start of the first period, or ``expiry_years`` for the first
  with the later ones following the periods): ``floor_value`` = ``Σ put(F_t, floor_t,
  T_t)·Q_t / ΣQ_t`` per unit of the contracted quantity ``Q_t``, ``cap_value`` the
  same with calls at the cap, ``collar_value`` = floor − cap (the producer's view),
  and each × ``ΣQ_t`` (money) for the contract in total; ``zero_cost_cap`` = the one
  cap strike making the collar strip worth zero given the floors, reported only when
  it lies above the floor (else NaN with a warning: no cap above the floor makes the
  collar free); a warning too when the average forward is more than 1.5 times above
  or below the request's average market price;
- prepayment ``A`` paid by the buyer up front, recouped by withholding
  ``recoup_share`` of each period's payment until repaid (no interest):
  ``recouped_t = min(A, Σ_{s≤t} share·payment_s) − min(A, Σ_{s<t} share·payment_s)``;
- streaming: a deposit ``D`` against ``stream_share`` of production delivered at
  ``price_share`` of spot; producer NPV = ``D − Σ DF·(1 − price_share)·P·delivered``.

Units and signs: prices in ``price_unit``, quantities in ``quantity_unit``, money in the
currency of ``price_unit``; payments from the buyer are positive.

Source: DoD–MP Materials 10-year magnet offtake (2025); Hull, *Options, Futures and
Other Derivatives* (Black's model, caps and floors); streaming terms as in Wheaton and
Franco-Nevada agreements.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from instruments.calculators import units, valuation
from instruments.calculators.base import (
    Calculator,
    ErrorCollector,
    FloatArray,
    Inputs,
    Result,
    Series,
    add_warning,
    spec,
)
from instruments.calculators.limits import MAX_PERIODS
from instruments.calculators.offtake_outputs import COLUMN_OUTPUTS, COLUMNS, OUTPUTS
from instruments.calculators.periods import Periods, discount_factors, parse_periods
from instruments.calculators.series import (
    as_array,
    discount_rate_spec,
    market_price_vat_spec,
    net_market_prices,
    periods_spec,
    price_unit_spec,
    quantity_unit_spec,
)
from instruments.calculators.translation import gettext, gettext_noop, translatable


@dataclass(frozen=True, kw_only=True)
class OfftakePricing:
    """How the contract price is set."""

    method: Literal["fixed", "index", "collar"] = spec(
        "Pricing",
        default="index",
        choice_labels={
            "fixed": gettext_noop("Fixed price"),
            "index": gettext_noop("Market index less a discount"),
            "collar": gettext_noop("Market index within a floor and a cap"),
        },
    )
    price: Series | None = spec(
        "Fixed price",
        unit="price unit",
        default=None,
        min_value=0.0,
        help=gettext_noop("For fixed pricing: the price, per period or one for all."),
    )
    discount: float = spec(
        "Discount",
        unit="fraction",
        default=0.0,
        min_value=0.0,
        max_value=1.0,
        help=gettext_noop("Share taken off the market index (0.05 = 5 %)."),
    )
    discount_amount: float | None = spec(
        "Discount per unit",
        unit="price unit",
        default=None,
        min_value=0.0,
        help=gettext_noop(
            "Instead of a share: an amount taken off the index per unit."
        ),
    )
    floor: Series | None = spec(
        "Floor",
        unit="price unit",
        default=None,
        min_value=0.0,
        help=gettext_noop("Lowest price paid."),
    )
    cap: Series | None = spec(
        "Cap",
        unit="price unit",
        default=None,
        min_value=0.0,
        help=gettext_noop("Highest price paid."),
    )
    discount_before_collar: bool = spec(
        "Discount before the collar",
        default=False,
        help=gettext_noop(
            "Apply the discount first, then the floor and cap (otherwise the reverse)."
        ),
    )


@dataclass(frozen=True, kw_only=True)
class OfftakeValuation:
    """Black-76 value of the price floor and cap, a strip over the settlements."""

    forward: Series = spec(
        "Forward price",
        unit="price unit",
        min_value=0.0,
        exclusive_min=True,
        help=gettext_noop(
            "Forward price for each period's settlement, or one for all."
        ),
    )
    volatility: float = spec(
        "Volatility",
        unit="fraction a year",
        min_value=0.0,
        max_value=3.0,
        help=gettext_noop("Implied volatility (0.45 = 45 %)."),
    )
    rate: float = spec(
        "Interest rate",
        unit="fraction a year",
        default=0.0,
        min_value=-0.1,
        max_value=1.0,
        help=gettext_noop("Risk-free rate, continuously compounded."),
    )
    expiry_years: float | None = spec(
        "Time to the first settlement",
        unit="years",
        default=None,
        min_value=0.0,
        max_value=50.0,
        help=gettext_noop(
            "Years until the first period is settled; later periods settle as the "
            "periods run. Defaults to the end of the first period."
        ),
    )
    settlement_years: tuple[float, ...] | None = spec(
        "Settlement times",
        unit="years",
        default=None,
        min_value=0.0,
        max_items=MAX_PERIODS,
        per_period=True,
        help=gettext_noop(
            "Years from today to each period's settlement; defaults to the periods' "
            "ends."
        ),
    )


@dataclass(frozen=True, kw_only=True)
class Prepayment:
    """Money advanced by the buyer, recouped from deliveries."""

    amount: float = spec(
        "Prepayment",
        unit="money",
        min_value=0.0,
        help=gettext_noop("Paid to the producer up front."),
    )
    recoup_share: float = spec(
        "Share withheld",
        unit="fraction",
        default=0.2,
        min_value=0.0,
        exclusive_min=True,
        max_value=1.0,
        help=gettext_noop(
            "Share of each payment withheld until the prepayment is repaid."
        ),
    )


@dataclass(frozen=True, kw_only=True)
class Streaming:
    """A deposit against a share of production at a share of spot."""

    deposit: float = spec(
        "Deposit",
        unit="money",
        min_value=0.0,
        help=gettext_noop("Paid to the producer up front."),
    )
    stream_share: float = spec(
        "Share of production",
        unit="fraction",
        min_value=0.0,
        max_value=1.0,
        help=gettext_noop(
            "Share of production delivered to the stream holder (0.2 = 20 %)."
        ),
    )
    price_share: float = spec(
        "Share of spot paid",
        unit="fraction",
        default=0.2,
        min_value=0.0,
        max_value=1.0,
        help=gettext_noop(
            "The stream holder pays this share of the spot price on delivery."
        ),
    )
    production: Series | None = spec(
        "Production",
        unit="quantity unit",
        default=None,
        min_value=0.0,
        help=gettext_noop(
            "Producer's output per period; defaults to the contracted quantity."
        ),
    )


@dataclass(frozen=True, kw_only=True)
class OfftakeInputs(Inputs):
    """What an offtake agreement needs."""

    periods: tuple[str, ...] = periods_spec()
    market_price: Series = spec(
        "Market price",
        unit="price unit",
        min_value=0.0,
        help=gettext_noop("Spot or index price per period."),
    )
    market_price_vat: float | None = market_price_vat_spec()
    price_unit: str = price_unit_spec("USD/t")
    quantity_unit: str = quantity_unit_spec()
    pricing: OfftakePricing = spec(
        "Contract pricing", help=gettext_noop("How the price is set.")
    )
    contracted_quantity: Series = spec(
        "Contracted quantity",
        unit="quantity unit",
        min_value=0.0,
        help=gettext_noop("Quantity the buyer commits to take each period."),
    )
    taken_quantity: Series | None = spec(
        "Quantity taken",
        unit="quantity unit",
        default=None,
        min_value=0.0,
        help=gettext_noop(
            "Quantity actually taken; defaults to the contracted quantity."
        ),
    )
    min_take_share: float = spec(
        "Minimum take",
        unit="fraction",
        default=0.0,
        min_value=0.0,
        max_value=1.0,
        help=gettext_noop(
            "Share of the contracted quantity the buyer must pay for even if not "
            "taken (0.9 = 90 %)."
        ),
    )
    shortfall_price: Series | None = spec(
        "Shortfall price",
        unit="price unit",
        default=None,
        min_value=0.0,
        help=gettext_noop(
            "Price applied to the shortfall; defaults to the contract price."
        ),
    )
    shortfall_share: float = spec(
        "Share of shortfall paid",
        unit="fraction",
        default=1.0,
        min_value=0.0,
        max_value=1.0,
        help=gettext_noop("Share of the shortfall price the buyer pays (0.5 = half)."),
    )
    discount_rate: float = discount_rate_spec()
    valuation: OfftakeValuation | None = spec(
        "Option values",
        default=None,
        help=gettext_noop("Value the floor and cap with Black-76."),
    )
    prepayment: Prepayment | None = spec(
        "Prepayment",
        default=None,
        help=gettext_noop("Money advanced and recouped from deliveries."),
    )
    streaming: Streaming | None = spec(
        "Streaming",
        default=None,
        help=gettext_noop("A deposit against a share of production."),
    )

    def validate(self, errors: ErrorCollector) -> None:
        """Cross-field rules (bounds, lengths and units are checked by the base)."""
        pricing, n = self.pricing, len(self.periods)
        if pricing.method == "fixed" and pricing.price is None:
            errors.add(("pricing", "price"), gettext("Required for fixed pricing."))
        if pricing.method == "collar":
            if pricing.floor is None and pricing.cap is None:
                errors.add(
                    ("pricing", "floor"), gettext("Give a floor, a cap or both.")
                )
            elif (
                pricing.floor is not None
                and pricing.cap is not None
                and not errors.has(("pricing", "floor"))
                and not errors.has(("pricing", "cap"))
                and np.any(as_array(pricing.floor, n) > as_array(pricing.cap, n))
            ):
                errors.add(
                    ("pricing", "cap"), gettext("The cap must not be below the floor.")
                )
        if pricing.discount_amount is not None and pricing.discount > 0:
            errors.add(
                ("pricing", "discount_amount"),
                gettext("Give a discount share or an amount, not both."),
            )


def contract_prices(pricing: OfftakePricing, market: FloatArray) -> FloatArray:
    """The contract price per period for market prices ``market``."""
    n = market.shape[-1]
    if pricing.method == "fixed":
        assert pricing.price is not None
        return np.broadcast_to(as_array(pricing.price, n), market.shape).copy()

    def discounted(x: FloatArray) -> FloatArray:
        if pricing.discount_amount is not None:
            return np.maximum(x - pricing.discount_amount, 0.0)
        return x * (1.0 - pricing.discount)

    if pricing.method == "index":
        return discounted(market)
    low = -np.inf if pricing.floor is None else as_array(pricing.floor, n)
    high = np.inf if pricing.cap is None else as_array(pricing.cap, n)
    if pricing.discount_before_collar:
        return np.clip(discounted(market), low, high)
    return discounted(np.clip(market, low, high))


def _cv(values: FloatArray) -> float:
    """Coefficient of variation (std ÷ mean); NaN for fewer than 2 values or mean 0."""
    mean = float(values.mean()) if values.size else math.nan
    if values.size < 2 or mean == 0 or not math.isfinite(mean):
        return math.nan
    return float(values.std()) / abs(mean)


def compute(inputs: OfftakeInputs) -> Result:
    """Cash flows per period, NPVs, revenue volatility and option values."""
    periods = parse_periods(inputs.periods)
    n = len(periods.labels)
    money = units.money_factor(inputs.quantity_unit, inputs.price_unit)
    market = net_market_prices(inputs.market_price, n, inputs.market_price_vat)
    price = contract_prices(inputs.pricing, market)
    contracted = as_array(inputs.contracted_quantity, n)
    taken = (
        contracted
        if inputs.taken_quantity is None
        else as_array(inputs.taken_quantity, n)
    )
    shortfall = np.maximum(inputs.min_take_share * contracted - taken, 0.0)
    shortfall_price = (
        price if inputs.shortfall_price is None else as_array(inputs.shortfall_price, n)
    )
    take_or_pay = shortfall * inputs.shortfall_share * shortfall_price * money
    payment = price * taken * money + take_or_pay
    spot_cost = market * taken * money
    saving = spot_cost - payment
    producer = payment + market * np.maximum(contracted - taken, 0.0) * money
    producer_spot = market * contracted * money
    discount = discount_factors(periods.labels, inputs.discount_rate)

    recouped = np.zeros(n)
    summary_extra: dict[str, Any] = {}
    if inputs.prepayment is not None:
        amount = inputs.prepayment.amount
        withheld = np.minimum(
            np.cumsum(inputs.prepayment.recoup_share * payment), amount
        )
        recouped = np.diff(withheld, prepend=0.0)
        summary_extra.update(
            {
                "prepayment": amount,
                "prepayment_recouped_total": float(recouped.sum()),
                "prepayment_outstanding": amount - float(recouped.sum()),
                "prepayment_npv_to_buyer": float(recouped @ discount) - amount,
            }
        )
    stream_quantity = np.zeros(n)
    stream_payment = np.zeros(n)
    if inputs.streaming is not None:
        stream = inputs.streaming
        production = (
            contracted if stream.production is None else as_array(stream.production, n)
        )
        stream_quantity = stream.stream_share * production
        stream_payment = stream.price_share * market * stream_quantity * money
        forgone = (1.0 - stream.price_share) * market * stream_quantity * money
        producer_npv = stream.deposit - float(forgone @ discount)
        summary_extra.update(
            {
                "streaming_producer_npv": producer_npv,
                "streaming_holder_npv": -producer_npv,
                "streaming_quantity_total": float(stream_quantity.sum()),
            }
        )

    rows = pd.DataFrame(
        {
            "period": list(periods.labels),
            "market_price": market,
            "contract_price": price,
            "contracted_quantity": contracted,
            "taken_quantity": taken,
            "payment": payment,
            "spot_cost": spot_cost,
            "buyer_saving": saving,
            "shortfall": shortfall,
            "take_or_pay_payment": take_or_pay,
            "producer_revenue": producer,
            "producer_revenue_spot": producer_spot,
            "prepayment_recouped": recouped,
            "stream_quantity": stream_quantity,
            "stream_payment": stream_payment,
            "discount_factor": discount,
        },
        columns=list(COLUMNS),
    )
    producer_cash = producer - recouped
    summary: dict[str, Any] = {
        "payment_total": float(payment.sum()),
        "spot_cost_total": float(spot_cost.sum()),
        "buyer_saving_total": float(saving.sum()),
        "take_or_pay_total": float(take_or_pay.sum()),
        "shortfall_total": float(shortfall.sum()),
        "npv_payment": float(payment @ discount),
        "npv_spot_cost": float(spot_cost @ discount),
        "npv_buyer_saving": float(saving @ discount),
        "producer_revenue_total": float(producer.sum()),
        "producer_revenue_spot_total": float(producer_spot.sum()),
        "npv_producer_revenue": float(producer_cash @ discount)
        + (inputs.prepayment.amount if inputs.prepayment is not None else 0.0),
        "producer_revenue_cv": _cv(producer),
        "producer_revenue_cv_spot": _cv(producer_spot),
        "contract_price_mean": float(price.mean()),
        "market_price_mean": float(market.mean()),
        "currency": units.parse_price_unit(inputs.price_unit).currency,
        **summary_extra,
    }
    if inputs.valuation is not None:
        summary.update(
            value_collar(
                inputs.pricing, inputs.valuation, periods, contracted, money, market
            )
        )
    return Result(summary=summary, rows=rows)


FORWARD_FAR = 1.5
"""A forward more than this factor above or below the request's average market price
draws a warning (a forward left at an example's value, say)."""


def value_collar(
    pricing: OfftakePricing,
    block: OfftakeValuation,
    periods: Periods,
    quantity: FloatArray,
    money: float,
    market: FloatArray,
) -> dict[str, Any]:
    """Floor, cap and collar values as strips over the periods' settlements: per
    unit (weighted by the contracted quantity) and in total; the zero-cost cap."""
    n = len(periods.labels)
    if block.settlement_years is not None:
        years = as_array(block.settlement_years, n)
    elif block.expiry_years is not None:
        years = block.expiry_years + (periods.end - periods.end[0])
    else:
        years = periods.end
    forward = as_array(block.forward, n)
    floor = None if pricing.floor is None else as_array(pricing.floor, n)
    cap = None if pricing.cap is None else as_array(pricing.cap, n)
    total_q = float(quantity.sum())
    weights = quantity / total_q if total_q > 0 else np.full(n, 1.0 / n)
    args = (block.volatility, block.rate, years)
    floor_value = (
        0.0 if floor is None else valuation.floor_value(forward, floor, *args, weights)
    )
    cap_value = (
        0.0 if cap is None else valuation.cap_value(forward, cap, *args, weights)
    )
    total = total_q * money
    out: dict[str, Any] = {
        "floor_value": floor_value,
        "cap_value": cap_value,
        "collar_value": floor_value - cap_value,
        "floor_value_total": floor_value * total,
        "cap_value_total": cap_value * total,
        "collar_value_total": (floor_value - cap_value) * total,
        "zero_cost_cap": math.nan,
    }
    if floor is not None:
        highest = float(floor.max())
        zero = valuation.zero_cost_cap(forward, floor, *args, weights)
        at_floor = valuation.cap_value(forward, highest, *args, weights)
        if math.isnan(zero) or zero < highest or at_floor < floor_value:
            add_warning(
                out,
                translatable(
                    "No cap above the floor makes the collar free: the floor's puts "
                    "are worth {puts} per unit, more than calls struck at the floor "
                    "({calls}).",
                    puts=_readable(floor_value),
                    calls=_readable(at_floor),
                ),
            )
        else:
            out["zero_cost_cap"] = zero
    mean_market = float(market.mean()) if market.size else math.nan
    mean_forward = float(forward.mean())
    if mean_market > 0 and not (
        1 / FORWARD_FAR <= mean_forward / mean_market <= FORWARD_FAR
    ):
        add_warning(
            out,
            translatable(
                "The valuation forward ({forward} on average) is far from the market "
                "prices of this request ({market} on average): check that it is in "
                "the same unit and up to date.",
                forward=_readable(mean_forward),
                market=_readable(mean_market),
            ),
        )
    return out


def _readable(value: float) -> str:
    """A figure for a warning: 12,230 rather than 1.223e+04."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.4g}"


EXAMPLE: dict[str, Any] = {
    "periods": ["2026", "2027", "2028", "2029"],
    "market_price": [1500, 900, 2600, 1800],
    "price_unit": "USD/t",
    "quantity_unit": "t",
    "pricing": {"method": "collar", "floor": 1000, "cap": 2200, "discount": 0.0},
    "contracted_quantity": 150000,
    "taken_quantity": [150000, 120000, 150000, 150000],
    "min_take_share": 0.9,
    "shortfall_price": 1500,
    "shortfall_share": 0.5,
    "discount_rate": 0.08,
    "valuation": {
        "forward": 1500,
        "volatility": 0.45,
        "rate": 0.04,
        "expiry_years": 1.0,
    },
}

CALCULATOR = Calculator(
    slug="offtake",
    title=gettext_noop("Offtake agreement"),
    summary=(
        gettext_noop(
            "A buyer commits to take a producer's output for years at a fixed, indexed or "
            "collared price. See payments, the saving or premium against spot, take-or-pay "
            "charges and how much steadier the producer's revenue becomes."
        )
    ),
    precedent=(
        gettext_noop(
            # xgettext:no-python-format (a percentage, not a placeholder)
            "DoD–MP Materials (July 2025): 100 % offtake of a 10,000 t/yr magnet plant for "
            "10 years; prepayment and streaming deals that finance new mines."
        )
    ),
    inputs=OfftakeInputs,
    compute=compute,
    columns=COLUMNS,
    example=EXAMPLE,
    price_field="market_price",
    outputs=OUTPUTS,
    column_outputs=COLUMN_OUTPUTS,
)

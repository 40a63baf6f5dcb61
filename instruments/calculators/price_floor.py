"""Border-adjusted price floor: a variable levy that lifts non-members' imports to a
reference price, with caps, members, ad-valorem equivalents, revenue and trade response.

Formulas (INSTRUMENTS.md §2), per period ``t`` and import flow ``k`` with CIF import
price ``P`` and quantity ``Q``:

- reference price ``R_t`` (the floor) = ``reference_factor`` × a basis:
  ``fixed`` (a number or series; the EU cereals duty is 1.55 × €101.31/t),
  ``trailing_average`` (mean of the market price over the ``trailing_periods`` periods
  ending ``trailing_lag`` periods before ``t``: with the default lag of 1 the periods
  before ``t``, so the floor is known in advance; lag 0 includes ``t``; the first
  periods average what there is, and the first ``lag`` periods, with no earlier
  price, take the first average, with a warning), or
  ``cost_percentile`` (the ``cost_percentile`` point of the producers' unit-cost
  curve, weighted by their volumes when given, × (1 + ``cost_margin``));
- levy per unit for non-members ``L = min(max(0, R − P), cap_av·P, cap_specific)``
  (caps optional); members pay nothing; with ``levy_cap_applies_to:
  "tariff_plus_levy"`` the ad valorem cap bounds the existing tariff ``τ``
  (``applied_tariff``, else the trade response's ``tariff_before``, else 0) plus the
  levy: ``L ≤ max(0, cap_av − τ)·P``;
- WTO check: with a ``bound_rate`` ``b``, ``tariff_plus_levy = τ + L/P`` per row
  (non-members; members 0) and the periods where it exceeds ``b`` are listed
  (``bound_rate_exceeded_in``, ``bound_rate_exceeded_periods``);
- optional re-fixing threshold ``h``: the levy applied changes only when the computed
  levy moves more than ``h`` from the levy in force (as in the EU cereals regime);
- landed price ``P + L``; ad-valorem equivalent ``AVE = L/P`` (NaN when ``P = 0``);
- revenue ``L·Q`` × unit factor, by row, period, flow and in total; volume-weighted
  landed price; revenue NPV at ``discount_rate`` (end-of-period discounting);
- optional trade response (``trade_response.method``):
  ``"exact"`` (the default) solves the market model (``market.py``, INSTRUMENTS.md §9)
  each period with one importing market and one origin per flow, the floor as a true
  variable levy on non-members (members exempt): consumer price
  ``p = max(pre, min(F, pre + cap_av·b, pre + cap_specific))`` with
  ``pre = b·(1 + tariff_before)`` at the new border price ``b`` (so a tariff already
  applied counts toward the floor: the levy tops the duty-paid price up to it; with a
  re-fixing threshold the levy in force is a fixed amount within the period, a
  specific duty on top of the tariff). Quantities never go below zero; with a finite
  supply elasticity the exporters' price falls and the variable levy grows to keep
  buyers at the floor. ``levy_after = p − b·(1 + tariff_before)``,
  ``revenue_after = levy_after·quantity_after`` (≥ 0). ``"smart"`` feeds the AVE as an
  ad valorem tariff change (from ``tariff_before``) to SMART's linear formulas
  (``trade_response.respond``) with import values ``P·Q``: ``quantity_after =
  Q·(imports after / imports before)``, clipped at zero, and
  ``levy_after = AVE·P·(1 + world price change)`` (SMART knows no variable levy).

Units and signs: prices and caps in ``price_unit``, quantities in ``quantity_unit``;
revenue (money the government receives) is positive, in the currency of ``price_unit``.
A flow without ``import_price`` uses the request's ``market_price``, on a CIF basis: a
``market_price_basis: "fob"`` price (a stored FOB series, such as NdPr oxide FOB China)
is made CIF by ``freight_insurance`` (added per unit) or ``cif_fob_factor``
(multiplied), one of which is then required; ``market_price_cif_note`` says which.

Source: INSTRUMENTS.md §2; Commission Regulation (EU) 642/2010 and Implementing
Regulation (EU) 2017/1517 (cereals import duties); WTO on ad-valorem equivalents; USTR
request for comments on price-floor bases (February 2026).
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
    FloatArray,
    Inputs,
    Result,
    Series,
    spec,
)
from instruments.calculators.limits import MAX_FLOWS, MAX_PERIODS, MAX_PRODUCERS
from instruments.calculators.periods import discount_factors, parse_periods
from instruments.calculators.price_floor_checks import check_inputs
from instruments.calculators.price_floor_outputs import (
    COLUMN_OUTPUTS,
    COLUMNS,
    COST_NOTES,
    OUTPUTS,
    TRAILING_ENDS,
    add_result_warnings,
)
from instruments.calculators.price_floor_response import (
    FloorTradeResponse,
    respond_exact,
    respond_smart,
    respond_world,
)
from instruments.calculators.series import (
    as_array,
    discount_rate_spec,
    market_price_vat_spec,
    net_market_prices,
    periods_spec,
    price_unit_spec,
    quantity_unit_spec,
)
from instruments.calculators.translation import gettext_noop, translatable

BASIS_LABELS = {
    "fixed": gettext_noop("A fixed price or series"),
    "trailing_average": gettext_noop("Trailing average of the market price"),
    "cost_percentile": gettext_noop(
        "Percentile of producers' unit costs plus a margin"
    ),
}


@dataclass(frozen=True, kw_only=True)
class FloorFlow:
    """Imports from one origin."""

    origin: str = spec(
        "Origin", help=gettext_noop("Country or group the imports come from.")
    )
    member: bool = spec(
        "Member",
        default=False,
        help=gettext_noop("Members of the preferential zone pay no levy."),
    )
    import_price: Series | None = spec(
        "Import price (CIF)",
        unit="price unit",
        default=None,
        min_value=0.0,
        help=gettext_noop(
            "Price at the border, per period or one for all. Defaults to the market "
            "price."
        ),
    )
    quantity: Series = spec(
        "Quantity imported",
        unit="quantity unit",
        min_value=0.0,
        help=gettext_noop(
            "Quantity imported from this origin, per period or one for all."
        ),
    )


@dataclass(frozen=True, kw_only=True)
class PriceFloorInputs(Inputs):
    """What a border-adjusted price floor needs."""

    periods: tuple[str, ...] = periods_spec()
    price_unit: str = price_unit_spec("USD/kg")
    quantity_unit: str = quantity_unit_spec()
    reference_basis: Literal["fixed", "trailing_average", "cost_percentile"] = spec(
        "Basis of the reference price",
        default="fixed",
        choice_labels=BASIS_LABELS,
        help=gettext_noop(
            "How the floor is set: a number, an average of past market prices, or "
            "producers' costs."
        ),
    )
    reference_price: Series | None = spec(
        "Reference price (floor)",
        unit="price unit",
        default=None,
        min_value=0.0,
        help=gettext_noop(
            "The floor, for the fixed basis: one number or one per period."
        ),
    )
    reference_factor: float = spec(
        "Reference multiplier",
        default=1.0,
        min_value=0.0,
        exclusive_min=True,
        max_value=10.0,
        help=gettext_noop(
            "Multiplies the basis (the EU cereals duty uses 1.55 × the intervention "
            "price)."
        ),
    )
    market_price: Series | None = spec(
        "Market price",
        unit="price unit",
        default=None,
        min_value=0.0,
        help=gettext_noop(
            "Market price per period: the import price of flows that give none, and "
            "the basis of a trailing average."
        ),
    )
    market_price_vat: float | None = market_price_vat_spec()
    market_price_basis: Literal["cif", "fob"] = spec(
        "Delivery basis of the market price",
        default="cif",
        choice_labels={
            "cif": gettext_noop("CIF (cost, insurance and freight to the border)"),
            "fob": gettext_noop("FOB (free on board at origin)"),
        },
        help=gettext_noop(
            "The levy is on the CIF price: a FOB market price is brought to CIF with "
            "a freight-and-insurance add-on or a CIF/FOB factor. Filled from a stored "
            "series' basis."
        ),
    )
    freight_insurance: Series | None = spec(
        "Freight and insurance",
        unit="price unit",
        default=None,
        min_value=0.0,
        help=gettext_noop("For a FOB market price: added per unit to make it CIF."),
    )
    cif_fob_factor: float | None = spec(
        "CIF/FOB factor",
        default=None,
        min_value=1.0,
        max_value=3.0,
        help=gettext_noop(
            "For a FOB market price, instead of an add-on: CIF = FOB × this factor "
            "(e.g. 1.1)."
        ),
    )
    trailing_periods: int = spec(
        "Trailing periods",
        default=4,
        min_value=1,
        max_value=MAX_PERIODS,
        help=gettext_noop("How many periods the trailing average covers."),
    )
    trailing_lag: int = spec(
        "Trailing-average lag",
        unit="periods",
        default=1,
        min_value=0,
        max_value=MAX_PERIODS,
        help=gettext_noop(
            "How many periods before the current one the average ends: 1 averages "
            "the periods before it (the floor is known in advance), 0 includes the "
            "current period."
        ),
    )
    producer_costs: tuple[float, ...] | None = spec(
        "Producers' unit costs",
        unit="price unit",
        default=None,
        min_value=0.0,
        max_items=MAX_PRODUCERS,
        help=gettext_noop(
            "Unit production costs of market-economy producers, for the cost basis."
        ),
    )
    producer_volumes: tuple[float, ...] | None = spec(
        "Producers' volumes",
        unit="quantity unit",
        default=None,
        min_value=0.0,
        max_items=MAX_PRODUCERS,
        help=gettext_noop(
            "Each producer's output, to weight the cost curve; equal weights if empty."
        ),
    )
    cost_percentile: float = spec(
        "Cost-curve percentile",
        unit="fraction",
        default=0.5,
        min_value=0.0,
        max_value=1.0,
        help=gettext_noop(
            # xgettext:no-python-format (a percentage, not a placeholder)
            "Point on the cost curve (0.9 = the cost below which 90 % of output is "
            "produced)."
        ),
    )
    cost_margin: float = spec(
        "Margin over cost",
        unit="fraction",
        default=0.0,
        min_value=-0.5,
        max_value=5.0,
        help=gettext_noop("Added to the cost percentile (0.1 = 10 %)."),
    )
    levy_cap_ad_valorem: float | None = spec(
        "Levy cap (share of price)",
        unit="fraction",
        default=None,
        min_value=0.0,
        help=gettext_noop(
            "The levy never exceeds this share of the import price (0.25 = 25 %)."
        ),
    )
    levy_cap_applies_to: Literal["levy", "tariff_plus_levy"] = spec(
        "The ad valorem cap applies to",
        default="levy",
        choice_labels={
            "levy": gettext_noop("The levy alone"),
            "tariff_plus_levy": gettext_noop("The existing tariff plus the levy"),
        },
        help=gettext_noop(
            "With 'tariff plus levy' the levy is cut so that tariff + levy stays "
            "within the cap's share of the import price."
        ),
    )
    applied_tariff: float | None = spec(
        "Existing ad valorem tariff",
        unit="fraction",
        default=None,
        min_value=0.0,
        help=gettext_noop(
            "The tariff already applied to the imports (0.05 = 5 %); defaults to the "
            "trade response's tariff, else 0."
        ),
    )
    bound_rate: float | None = spec(
        "WTO bound rate",
        unit="fraction",
        default=None,
        min_value=0.0,
        help=gettext_noop(
            "The bound ad valorem rate: the result lists the periods where the "
            "existing tariff plus the levy's ad valorem equivalent exceeds it."
        ),
    )
    levy_cap_specific: float | None = spec(
        "Levy cap (per unit)",
        unit="price unit",
        default=None,
        min_value=0.0,
        help=gettext_noop(
            "The levy never exceeds this amount per unit (e.g. the bound duty)."
        ),
    )
    refix_threshold: float | None = spec(
        "Re-fixing threshold",
        unit="price unit",
        default=None,
        min_value=0.0,
        help=gettext_noop(
            "The levy changes only when the computed levy moves by more than this."
        ),
    )
    flows: tuple[FloorFlow, ...] = spec(
        "Import flows",
        max_items=MAX_FLOWS,
        help=f"One entry per origin (at most {MAX_FLOWS}).",
    )
    trade_response: FloorTradeResponse | None = spec(
        "Trade response",
        default=None,
        help=gettext_noop(
            "Add elasticities to see imports and revenue after the levy."
        ),
    )
    discount_rate: float = discount_rate_spec()

    def validate(self, errors: ErrorCollector) -> None:
        """Cross-field rules (bounds, lengths and units are checked by the base)."""
        check_inputs(self, errors)


def reference_prices(inputs: PriceFloorInputs) -> tuple[FloatArray, str]:
    """The floor per period and a sentence saying how it was set."""
    n = len(inputs.periods)
    factor = inputs.reference_factor
    times = "" if factor == 1.0 else f"{factor:g} × "
    if inputs.reference_basis == "fixed":
        assert inputs.reference_price is not None
        base = as_array(inputs.reference_price, n)
        return factor * base, translatable("{times}fixed reference price", times=times)
    if inputs.reference_basis == "trailing_average":
        assert inputs.market_price is not None
        market = pd.Series(
            net_market_prices(inputs.market_price, n, inputs.market_price_vat)
        )
        window, lag = inputs.trailing_periods, inputs.trailing_lag
        lagged = market.rolling(window, min_periods=1).mean().shift(lag)
        # the first ``lag`` periods have no earlier price: the first average stands in
        average = lagged.bfill().to_numpy(dtype=np.float64)
        return factor * average, translatable(
            "{times}average of the market price over {window} periods {ending}",
            times=times,
            window=window,
            ending=translatable(TRAILING_ENDS[min(lag, 2)], lag=lag),
        )
    assert inputs.producer_costs is not None
    costs = np.asarray(inputs.producer_costs, dtype=np.float64)
    weights = (
        None
        if inputs.producer_volumes is None
        else np.asarray(inputs.producer_volumes, dtype=np.float64)
    )
    point = float(
        np.quantile(
            costs, inputs.cost_percentile, weights=weights, method="inverted_cdf"
        )
    )
    floor = factor * point * (1.0 + inputs.cost_margin)
    note = translatable(
        COST_NOTES[weights is not None],
        times=times,
        percentile=f"{inputs.cost_percentile:.0%}",
        count=costs.size,
        point=f"{point:,.4g}",
        unit=inputs.price_unit,
        margin=f"{inputs.cost_margin:.0%}",
    )
    return np.full(n, floor), note


def to_cif(
    inputs: PriceFloorInputs, market: FloatArray | None, n: int
) -> tuple[FloatArray | None, str]:
    """The market price on a CIF basis, and a sentence saying how it was made so."""
    if market is None:
        return None, translatable("no market price")
    if inputs.market_price_basis == "cif":
        return market, translatable("CIF as given")
    if inputs.cif_fob_factor is not None:
        return market * inputs.cif_fob_factor, translatable(
            "FOB × {factor} (CIF/FOB factor)", factor=f"{inputs.cif_fob_factor:g}"
        )
    assert inputs.freight_insurance is not None
    add_on = as_array(inputs.freight_insurance, n)
    mean = float(add_on.mean())
    return market + add_on, translatable(
        "FOB + freight and insurance ({mean} {unit} on average)",
        mean=f"{mean:,.4g}",
        unit=inputs.price_unit,
    )


def applied_tariff(inputs: PriceFloorInputs) -> float:
    """The existing ad valorem tariff: given, else the trade response's, else 0."""
    if inputs.applied_tariff is not None:
        return inputs.applied_tariff
    if inputs.trade_response is not None:
        return inputs.trade_response.tariff_before
    return 0.0


def refix(levy: FloatArray, threshold: float) -> FloatArray:
    """Levies in force when they change only on moves larger than ``threshold``.

    ``levy`` has shape (periods, flows). Each period's levy depends on the one in force
    before, a path-dependent rule with no closed form, so this loops over periods
    (vectorised across flows); it runs only when a threshold is set.
    """
    applied = levy.copy()
    for t in range(1, levy.shape[0]):
        keep = np.abs(levy[t] - applied[t - 1]) <= threshold
        applied[t] = np.where(keep, applied[t - 1], levy[t])
    return applied


def compute(inputs: PriceFloorInputs) -> Result:
    """Levy, AVE, landed price and revenue per period and flow (rows period-major)."""
    periods = parse_periods(inputs.periods)
    n, flows = len(periods.labels), inputs.flows
    money = units.money_factor(inputs.quantity_unit, inputs.price_unit)
    reference, note = reference_prices(inputs)
    market = (
        None
        if inputs.market_price is None
        else net_market_prices(inputs.market_price, n, inputs.market_price_vat)
    )
    market, cif_note = to_cif(inputs, market, n)
    fallback = np.full(n, math.nan) if market is None else market  # validated: unused
    price = np.column_stack(
        [
            as_array(f.import_price, n) if f.import_price is not None else fallback
            for f in flows
        ]
    )
    quantity = np.column_stack([as_array(f.quantity, n) for f in flows])
    member = np.array([f.member for f in flows], dtype=bool)
    floor = reference[:, None]
    tariff = applied_tariff(inputs)
    levy = np.maximum(floor - price, 0.0)
    if inputs.levy_cap_ad_valorem is not None:
        room = inputs.levy_cap_ad_valorem - (
            tariff if inputs.levy_cap_applies_to == "tariff_plus_levy" else 0.0
        )
        levy = np.minimum(levy, np.maximum(room, 0.0) * price)
    if inputs.levy_cap_specific is not None:
        levy = np.minimum(levy, inputs.levy_cap_specific)
    if inputs.refix_threshold is not None:
        levy = refix(levy, inputs.refix_threshold)
    levy = np.where(member, 0.0, levy)
    with np.errstate(all="ignore"):
        ave = np.where(price > 0, levy / np.where(price > 0, price, 1.0), math.nan)
    landed = price + levy
    revenue = levy * quantity * money

    quantity_after = np.full_like(quantity, math.nan)
    revenue_after = np.full_like(quantity, math.nan)
    levy_after = np.full_like(quantity, math.nan)
    price_after = np.full_like(quantity, math.nan)
    response = inputs.trade_response
    summary_after: dict[str, Any] = {}
    if response is not None:
        if response.method == "smart":
            quantity_after, levy_after, price_after, clipped = respond_smart(
                price, quantity, member, ave, response
            )
        else:
            caps = (inputs.levy_cap_ad_valorem, inputs.levy_cap_specific)
            fixed = levy if inputs.refix_threshold is not None else None
            if response.world is not None and fixed is None:
                quantity_after, levy_after, price_after = respond_world(
                    price,
                    quantity,
                    member,
                    [f.origin for f in flows],
                    reference,
                    caps,
                    response,
                    response.world,
                )
            else:
                quantity_after, levy_after, price_after = respond_exact(
                    price, quantity, member, reference, caps, fixed, response
                )
            clipped = np.zeros_like(quantity, dtype=bool)
        revenue_after = levy_after * quantity_after * money
        diverted = np.where(member, quantity_after - quantity, 0.0)
        base_value = float(np.nansum(price * quantity))
        summary_after = {
            "quantity_total_after": float(np.nansum(quantity_after)),
            "revenue_total_after": float(np.nansum(revenue_after)),
            "member_quantity_change": float(np.nansum(diverted)),
            "non_member_quantity_change": float(
                np.nansum(np.where(member, 0.0, quantity_after - quantity))
            ),
            "world_price_change": (
                float(np.nansum(price_after * quantity)) / base_value - 1.0
                if base_value > 0
                else math.nan
            ),
            "trade_response_method": response.method,
            "clipped_rows": int(clipped.sum()),
        }

    total_duty = np.where(member, 0.0, tariff) + np.nan_to_num(ave)
    t, k = price.shape
    rows = pd.DataFrame(
        {
            "period": np.repeat(np.array(periods.labels, dtype=object), k),
            "origin": np.tile(np.array([f.origin for f in flows], dtype=object), t),
            "member": np.tile(member, t),
            "import_price": price.ravel(),
            "reference_price": np.repeat(reference, k),
            "levy": levy.ravel(),
            "ad_valorem_equivalent": ave.ravel(),
            "landed_price": landed.ravel(),
            "quantity": quantity.ravel(),
            "revenue": revenue.ravel(),
            "quantity_after": quantity_after.ravel(),
            "revenue_after": revenue_after.ravel(),
            "levy_after": levy_after.ravel(),
            "import_price_after": price_after.ravel(),
            "tariff_plus_levy": total_duty.ravel(),
        },  # in COLUMNS' order (tests/calculators/test_registry.py)
    )
    outsiders = ~member
    value_out = float((price * quantity)[:, outsiders].sum())
    levied_value = float((levy * quantity)[:, outsiders].sum())
    quantity_total = float(quantity.sum())
    quantity_out = float(quantity[:, outsiders].sum())
    discount = discount_factors(periods.labels, inputs.discount_rate)
    summary: dict[str, Any] = {
        "revenue_total": float(revenue.sum()),
        "revenue_npv": float(revenue.sum(axis=1) @ discount),
        "quantity_total": quantity_total,
        "quantity_non_member": quantity_out,
        "levy_weighted": levied_value / quantity_out if quantity_out > 0 else math.nan,
        "ave_weighted": levied_value / value_out if value_out > 0 else math.nan,
        "landed_price_weighted": (
            float((landed * quantity).sum()) / quantity_total
            if quantity_total > 0
            else math.nan
        ),
        "import_price_weighted": (
            float((price * quantity).sum()) / quantity_total
            if quantity_total > 0
            else math.nan
        ),
        "reference_price_mean": float(reference.mean()),
        "periods_with_levy": int((levy[:, outsiders] > 0).any(axis=1).sum()),
        "reference_basis": inputs.reference_basis,
        "reference_basis_note": note,
        "market_price_cif_note": cif_note,
        "currency": units.parse_price_unit(inputs.price_unit).currency,
        **summary_after,
    }
    if inputs.bound_rate is not None:
        over = (total_duty > inputs.bound_rate + 1e-12).any(axis=1)
        summary["bound_rate_exceeded_periods"] = int(over.sum())
        summary["bound_rate_exceeded_in"] = ", ".join(
            label for label, flag in zip(periods.labels, over, strict=True) if flag
        )
        summary["tariff_plus_levy_max"] = float(total_duty.max())
    add_result_warnings(summary, inputs.reference_basis, inputs.trailing_lag, n)
    return Result(summary=summary, rows=rows)


EXAMPLE: dict[str, Any] = {
    "periods": ["2025Q1", "2025Q2", "2025Q3", "2025Q4"],
    "reference_price": 110,
    "price_unit": "USD/kg",
    "quantity_unit": "t",
    "levy_cap_ad_valorem": 0.25,
    "flows": [
        {
            "origin": "CHN",
            "member": False,
            "import_price": [95, 105, 120, 80],
            "quantity": [100, 120, 90, 150],
        },
        {"origin": "AUS", "member": True, "import_price": 100, "quantity": 50},
    ],
    "trade_response": {
        "method": "exact",
        "import_demand_elasticity": -1.5,
        # σ > |η|: the levy diverts trade to members (σ = |η|: CES diverts none).
        "substitution_elasticity": 3.0,
    },
}

CALCULATOR = Calculator(
    slug="price-floor",
    title=gettext_noop("Border-adjusted price floor"),
    summary=(
        gettext_noop(
            "Imports from outside the preferential zone pay a levy that lifts their price "
            "to a reference price; members pay nothing. See the levy, its tariff "
            "equivalent, the landed price and the revenue, period by period."
        )
    ),
    precedent=(
        gettext_noop(
            "The EU cereals import duty (1.55 × the intervention price minus the CIF "
            "import price, capped at the bound duty) and the 2026 US proposal for "
            "reference prices maintained by adjustable tariffs."
        )
    ),
    inputs=PriceFloorInputs,
    compute=compute,
    columns=COLUMNS,
    example=EXAMPLE,
    price_field="market_price",
    outputs=OUTPUTS,
    column_outputs=COLUMN_OUTPUTS,
)

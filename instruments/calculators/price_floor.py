"""Border-adjusted price floor: a variable levy that lifts non-members' imports to a
reference price, with caps, members, ad-valorem equivalents, revenue and trade response.

Formulas (INSTRUMENTS.md §2), per period ``t`` and import flow ``k`` with CIF import
price ``P`` and quantity ``Q``:

- reference price ``R_t`` (the floor) = ``reference_factor`` × a basis:
  ``fixed`` (a number or series; the EU cereals duty is 1.55 × €101.31/t),
  ``trailing_average`` (mean of the market price over the ``trailing_periods`` periods
  up to and including ``t``; the first periods average what there is), or
  ``cost_percentile`` (the ``cost_percentile`` point of the producers' unit-cost
  curve, weighted by their volumes when given, × (1 + ``cost_margin``));
- levy per unit for non-members ``L = min(max(0, R − P), cap_av·P, cap_specific)``
  (caps optional); members pay nothing;
- optional re-fixing threshold ``h``: the levy applied changes only when the computed
  levy moves more than ``h`` from the levy in force (as in the EU cereals regime);
- landed price ``P + L``; ad-valorem equivalent ``AVE = L/P`` (NaN when ``P = 0``);
- revenue ``L·Q`` × unit factor, by row, period, flow and in total; volume-weighted
  landed price; revenue NPV at ``discount_rate`` (end-of-period discounting);
- optional trade response: the AVE is the tariff change (from ``tariff_before``)
  fed to ``trade_response.respond`` each period with import values ``P·Q``, so
  ``quantity_after = Q·(imports after / imports before)`` (world prices unchanged in
  the conversion) and ``revenue_after = L·quantity_after``.

Units and signs: prices and caps in ``price_unit``, quantities in ``quantity_unit``;
revenue (money the government receives) is positive, in the currency of ``price_unit``.
A flow without ``import_price`` uses the request's ``market_price``.

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
    Output,
    Result,
    Series,
    spec,
)
from instruments.calculators.limits import MAX_FLOWS, MAX_PERIODS, MAX_PRODUCERS
from instruments.calculators.series import (
    as_array,
    discount_rate_spec,
    market_price_vat_spec,
    net_market_prices,
    periods_spec,
    price_unit_spec,
    quantity_unit_spec,
)
from instruments.calculators.trade_response import Elasticities, respond

BASIS_LABELS = {
    "fixed": "A fixed price or series",
    "trailing_average": "Trailing average of the market price",
    "cost_percentile": "Percentile of producers' unit costs plus a margin",
}


@dataclass(frozen=True, kw_only=True)
class FloorFlow:
    """Imports from one origin."""

    origin: str = spec("Origin", help="Country or group the imports come from.")
    member: bool = spec(
        "Member",
        default=False,
        help="Members of the preferential zone pay no levy.",
    )
    import_price: Series | None = spec(
        "Import price (CIF)",
        unit="price unit",
        default=None,
        min_value=0.0,
        help="Price at the border, per period or one for all. Defaults to the market "
        "price.",
    )
    quantity: Series = spec(
        "Quantity imported",
        unit="quantity unit",
        min_value=0.0,
        help="Quantity imported from this origin, per period or one for all.",
    )


@dataclass(frozen=True, kw_only=True)
class FloorTradeResponse(Elasticities):
    """Elasticities to see how imports react to the levy."""

    tariff_before: float = spec(
        "Tariff already applied",
        unit="fraction",
        default=0.0,
        min_value=0.0,
        max_value=10.0,
        help="Ad valorem tariff before the levy (0.05 = 5 %); the levy adds to it.",
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
        help="How the floor is set: a number, an average of past market prices, or "
        "producers' costs.",
    )
    reference_price: Series | None = spec(
        "Reference price (floor)",
        unit="price unit",
        default=None,
        min_value=0.0,
        help="The floor, for the fixed basis: one number or one per period.",
    )
    reference_factor: float = spec(
        "Reference multiplier",
        default=1.0,
        min_value=0.0,
        exclusive_min=True,
        max_value=10.0,
        help="Multiplies the basis (the EU cereals duty uses 1.55 × the intervention "
        "price).",
    )
    market_price: Series | None = spec(
        "Market price",
        unit="price unit",
        default=None,
        min_value=0.0,
        help="Market price per period: the import price of flows that give none, and "
        "the basis of a trailing average.",
    )
    market_price_vat: float | None = market_price_vat_spec()
    trailing_periods: int = spec(
        "Trailing periods",
        default=4,
        min_value=1,
        max_value=MAX_PERIODS,
        help="How many periods the trailing average covers (including the current one).",
    )
    producer_costs: tuple[float, ...] | None = spec(
        "Producers' unit costs",
        unit="price unit",
        default=None,
        min_value=0.0,
        max_items=MAX_PRODUCERS,
        help="Unit production costs of market-economy producers, for the cost basis.",
    )
    producer_volumes: tuple[float, ...] | None = spec(
        "Producers' volumes",
        unit="quantity unit",
        default=None,
        min_value=0.0,
        max_items=MAX_PRODUCERS,
        help="Each producer's output, to weight the cost curve; equal weights if empty.",
    )
    cost_percentile: float = spec(
        "Cost-curve percentile",
        unit="fraction",
        default=0.5,
        min_value=0.0,
        max_value=1.0,
        help="Point on the cost curve (0.9 = the cost below which 90 % of output is "
        "produced).",
    )
    cost_margin: float = spec(
        "Margin over cost",
        unit="fraction",
        default=0.0,
        min_value=-0.5,
        max_value=5.0,
        help="Added to the cost percentile (0.1 = 10 %).",
    )
    levy_cap_ad_valorem: float | None = spec(
        "Levy cap (share of price)",
        unit="fraction",
        default=None,
        min_value=0.0,
        help="The levy never exceeds this share of the import price (0.25 = 25 %).",
    )
    levy_cap_specific: float | None = spec(
        "Levy cap (per unit)",
        unit="price unit",
        default=None,
        min_value=0.0,
        help="The levy never exceeds this amount per unit (e.g. the bound duty).",
    )
    refix_threshold: float | None = spec(
        "Re-fixing threshold",
        unit="price unit",
        default=None,
        min_value=0.0,
        help="The levy changes only when the computed levy moves by more than this.",
    )
    flows: tuple[FloorFlow, ...] = spec(
        "Import flows",
        max_items=MAX_FLOWS,
        help=f"One entry per origin (at most {MAX_FLOWS}).",
    )
    trade_response: FloorTradeResponse | None = spec(
        "Trade response",
        default=None,
        help="Add elasticities to see imports and revenue after the levy.",
    )
    discount_rate: float = discount_rate_spec()

    def validate(self, errors: ErrorCollector) -> None:
        """Cross-field rules (bounds, lengths and units are checked by the base)."""
        for i, flow in enumerate(self.flows):
            if flow.import_price is None and self.market_price is None:
                errors.add(
                    ("flows", i, "import_price"),
                    "Give an import price here, or a market price for the request.",
                )
        if not self.flows:
            errors.add(("flows",), "Give at least one import flow.")
        basis = self.reference_basis
        if basis == "fixed" and self.reference_price is None:
            errors.add(("reference_price",), "Required for a fixed reference price.")
        if basis == "trailing_average" and self.market_price is None:
            errors.add(
                ("market_price",), "Required for a trailing-average reference price."
            )
        if basis == "cost_percentile":
            costs, volumes = self.producer_costs, self.producer_volumes
            if costs is None:
                errors.add(
                    ("producer_costs",), "Required for a cost-curve reference price."
                )
            elif volumes is not None:
                if len(volumes) != len(costs):
                    errors.add(
                        ("producer_volumes",),
                        f"{len(volumes)} volumes given for {len(costs)} producers.",
                    )
                elif sum(volumes) <= 0:
                    errors.add(
                        ("producer_volumes",), "At least one volume must be above 0."
                    )


def reference_prices(inputs: PriceFloorInputs) -> tuple[FloatArray, str]:
    """The floor per period and a sentence saying how it was set."""
    n = len(inputs.periods)
    factor = inputs.reference_factor
    times = "" if factor == 1.0 else f"{factor:g} × "
    if inputs.reference_basis == "fixed":
        assert inputs.reference_price is not None
        base = as_array(inputs.reference_price, n)
        return factor * base, f"{times}fixed reference price"
    if inputs.reference_basis == "trailing_average":
        assert inputs.market_price is not None
        market = pd.Series(
            net_market_prices(inputs.market_price, n, inputs.market_price_vat)
        )
        window = inputs.trailing_periods
        average = market.rolling(window, min_periods=1).mean().to_numpy()
        return (
            factor * average,
            f"{times}average of the market price over the last {window} periods",
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
    weighting = "output-weighted " if weights is not None else ""
    note = (
        f"{times}{inputs.cost_percentile:.0%} point of the {weighting}unit-cost curve "
        f"of {costs.size} producers ({point:,.4g} {inputs.price_unit}) plus "
        f"{inputs.cost_margin:.0%} margin"
    )
    return np.full(n, floor), note


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
        help="Levy × quantity after; null without a trade response.",
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
    Output("currency", "Currency", "text", help="Currency of the money figures."),
    Output("quantity_total_after", "Quantity imported after the levy", "quantity"),
    Output("member_quantity_change", "Change in imports from members", "quantity"),
    Output(
        "non_member_quantity_change", "Change in imports from non-members", "quantity"
    ),
)


def compute(inputs: PriceFloorInputs) -> Result:
    """Levy, AVE, landed price and revenue per period and flow (rows period-major)."""
    periods = units.parse_periods(inputs.periods)
    n, flows = len(periods.labels), inputs.flows
    money = units.money_factor(inputs.quantity_unit, inputs.price_unit)
    reference, note = reference_prices(inputs)
    market = (
        None
        if inputs.market_price is None
        else net_market_prices(inputs.market_price, n, inputs.market_price_vat)
    )
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
    levy = np.maximum(floor - price, 0.0)
    if inputs.levy_cap_ad_valorem is not None:
        levy = np.minimum(levy, inputs.levy_cap_ad_valorem * price)
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
    response = inputs.trade_response
    summary_after: dict[str, Any] = {}
    if response is not None:
        value = price * quantity
        out = respond(
            value,
            np.full_like(value, response.tariff_before),
            response.tariff_before + np.nan_to_num(ave),
            member,
            demand_elasticity=response.import_demand_elasticity,
            supply_elasticity=response.export_supply_elasticity,
            substitution_elasticity=response.substitution_elasticity,
        )
        with np.errstate(all="ignore"):
            scale = np.where(value > 0, out["imports_after"] / value, 1.0)
        quantity_after = quantity * scale
        revenue_after = levy * quantity_after * money
        diverted = np.where(member, quantity * (scale - 1.0), 0.0)
        summary_after = {
            "quantity_total_after": float(quantity_after.sum()),
            "revenue_total_after": float(revenue_after.sum()),
            "member_quantity_change": float(diverted.sum()),
            "non_member_quantity_change": float(
                np.where(member, 0.0, quantity_after - quantity).sum()
            ),
        }

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
        },
        columns=list(COLUMNS),
    )
    outsiders = ~member
    value_out = float((price * quantity)[:, outsiders].sum())
    levied_value = float((levy * quantity)[:, outsiders].sum())
    quantity_total = float(quantity.sum())
    quantity_out = float(quantity[:, outsiders].sum())
    by_period_quantity = quantity.sum(axis=1)
    with np.errstate(all="ignore"):
        landed_by_period = np.where(
            by_period_quantity > 0,
            (landed * quantity).sum(axis=1) / by_period_quantity,
            math.nan,
        )
    discount = units.discount_factors(periods.labels, inputs.discount_rate)
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
        "currency": units.parse_price_unit(inputs.price_unit).currency,
        **summary_after,
    }
    extras = {
        "by_period": pd.DataFrame(
            {
                "period": list(periods.labels),
                "reference_price": reference,
                "revenue": revenue.sum(axis=1),
                "landed_price_weighted": landed_by_period,
                "quantity": by_period_quantity,
            }
        ),
        "by_flow": pd.DataFrame(
            {
                "origin": [f.origin for f in flows],
                "member": member,
                "quantity": quantity.sum(axis=0),
                "revenue": revenue.sum(axis=0),
            }
        ),
    }
    return Result(summary=summary, rows=rows, extras=extras)


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
        "import_demand_elasticity": -1.5,
        "substitution_elasticity": 1.5,
    },
}

CALCULATOR = Calculator(
    slug="price-floor",
    title="Border-adjusted price floor",
    summary=(
        "Imports from outside the preferential zone pay a levy that lifts their price "
        "to a reference price; members pay nothing. See the levy, its tariff "
        "equivalent, the landed price and the revenue, period by period."
    ),
    precedent=(
        "The EU cereals import duty (1.55 × the intervention price minus the CIF "
        "import price, capped at the bound duty) and the 2026 US proposal for "
        "reference prices maintained by adjustable tariffs."
    ),
    inputs=PriceFloorInputs,
    compute=compute,
    columns=COLUMNS,
    example=EXAMPLE,
    price_field="market_price",
    outputs=OUTPUTS,
    column_outputs=COLUMN_OUTPUTS,
)

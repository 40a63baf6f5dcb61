"""The price floor's trade response: how the floor, taken as a levy, moves import
quantities and prices, by SMART's linear formulas or by the exact market model."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from instruments.calculators import market
from instruments.calculators.base import (
    FloatArray,
    spec,
)
from instruments.calculators.elasticities import Elasticities
from instruments.calculators.limits import MAX_MARKETS, MAX_ORIGINS, MAX_ROUTES
from instruments.calculators.plurilateral_inputs import (
    FlowInput,
    MarketInput,
    OriginInput,
)
from instruments.calculators.trade_response import (
    INFINITE_SUPPLY,
    METHOD_HELP,
    METHOD_LABELS,
    respond,
)
from instruments.calculators.translation import gettext_noop


@dataclass(frozen=True, kw_only=True)
class WorldMarket:
    """The whole market the importer sits in (INSTRUMENTS.md §10): its markets,
    origins and routes in a year, the importer one market among them. Stored data fill
    it with the same baseline as the plurilateral calculator's, so one floor gives one
    answer on both pages."""

    importer: str = spec(
        "Importing market", help=gettext_noop("Its code among the markets.")
    )
    markets: tuple[MarketInput, ...] = spec(
        "Markets", max_items=MAX_MARKETS, as_table=True
    )
    origins: tuple[OriginInput, ...] = spec(
        "Origins", max_items=MAX_ORIGINS, as_table=True
    )
    flows: tuple[FlowInput, ...] = spec(
        "Routes",
        max_items=MAX_ROUTES,
        as_table=True,
        help=gettext_noop("A year's quantities."),
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
        help=gettext_noop(
            "Ad valorem tariff before the levy (0.05 = 5 %), on every flow; in the "
            "exact method the levy tops the duty-paid price up to the floor."
        ),
    )
    method: Literal["exact", "smart"] = spec(
        "Method",
        default="exact",
        choice_labels={k: METHOD_LABELS[k] for k in ("exact", "smart")},
        help=METHOD_HELP + " SMART treats the levy as a fixed ad valorem tariff.",
    )
    world: WorldMarket | None = spec(
        "The importer's world market",
        default=None,
        help=gettext_noop(
            "With stored flows, the exact method solves the importer's whole market "
            "(exporters' other markets and home sales included); its elasticities are "
            "then the world market's."
        ),
    )


def respond_smart(
    price: FloatArray,
    quantity: FloatArray,
    member: npt.NDArray[np.bool_],
    ave: FloatArray,
    response: FloorTradeResponse,
) -> tuple[FloatArray, FloatArray, FloatArray, npt.NDArray[np.bool_]]:
    """SMART's linear answer, all periods at once: the AVE as an ad valorem tariff."""
    value = price * quantity
    added = np.nan_to_num(ave)
    out = respond(
        value,
        np.full_like(value, response.tariff_before),
        response.tariff_before + added,
        member,
        demand_elasticity=response.import_demand_elasticity,
        supply_elasticity=response.export_supply_elasticity,
        substitution_elasticity=response.substitution_elasticity,
    )
    with np.errstate(all="ignore"):
        scale = np.where(value > 0, out["imports_after"] / value, 1.0)
    price_after = price * (1.0 + out["world_price_change"])
    clipped = np.asarray(out["clipped"], dtype=bool)
    return quantity * scale, added * price_after, price_after, clipped


def respond_exact(
    price: FloatArray,
    quantity: FloatArray,
    member: npt.NDArray[np.bool_],
    reference: FloatArray,
    caps: tuple[float | None, float | None],
    fixed_levy: FloatArray | None,
    response: FloorTradeResponse,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The market model with the floor as a variable levy: quantity, levy and import
    price after, shapes (periods, flows); NaN where the import price is 0.

    With unlimited supply the periods are independent markets of one problem (no
    prices to solve for), so one vectorised call answers them all. With a finite
    supply elasticity an origin's supply must clear within each period, so this loops
    over periods (≤ MAX_PERIODS solves of about a millisecond each): stacking them as
    markets of one problem would tie every period's sales to one supply curve.
    """
    t, k = price.shape
    priced = price > 0
    engine_price = np.where(priced, price, 1.0).T  # origins × periods (markets)
    engine_quantity = np.where(priced, quantity, 0.0).T
    outsider = ~member[:, None]
    if fixed_levy is None:
        floor = np.where(outsider, reference[None, :], 0.0) * np.ones((k, t))
        specific = np.zeros((k, t))
    else:
        floor = np.zeros((k, t))
        specific = np.where(outsider, fixed_levy.T, 0.0)
    cap_av, cap_s = caps
    limits: dict[str, Any] = {}
    if fixed_levy is None and (cap_av is not None or cap_s is not None):
        limits = {
            "floor_cap_ad_valorem": np.full(
                (k, t), np.inf if cap_av is None else cap_av
            ),
            "floor_cap_specific": np.full((k, t), np.inf if cap_s is None else cap_s),
        }
    eps_in = response.export_supply_elasticity
    eps = math.inf if eps_in is None or eps_in >= INFINITE_SUPPLY else eps_in
    t0 = response.tariff_before

    def solve(columns: slice) -> market.Cleared:
        n_v = columns.stop - columns.start
        problem = market.Problem(
            market_codes=tuple(
                f"period {i}" for i in range(columns.start, columns.stop)
            ),
            import_demand_elasticity=np.full(n_v, response.import_demand_elasticity),
            substitution_elasticity=np.full(n_v, response.substitution_elasticity),
            member_market=np.ones(n_v, dtype=bool),
            origin_codes=tuple(f"flow {i}" for i in range(k)),
            price=engine_price[:, columns],
            supply_elasticity=np.full(k, eps),
            member_origin=member.copy(),
            domestic_market=np.full(k, -1, dtype=np.int64),
            quantity=engine_quantity[:, columns],
            before=market.Regime.of(k, n_v, ad_valorem=t0),
            after=market.Regime.of(
                k,
                n_v,
                ad_valorem=t0,
                floor=floor[:, columns],
                specific=specific[:, columns],
                **{key: a[:, columns] for key, a in limits.items()},
            ),
        )
        return market.clear(problem)

    if math.isinf(eps):
        solutions = [solve(slice(0, t))]
    else:
        solutions = [solve(slice(i, i + 1)) for i in range(t)]
    q1 = np.hstack([s.quantity for s in solutions]).T
    b1 = np.hstack([s.border_price for s in solutions]).T
    p1 = np.hstack([s.consumer_price for s in solutions]).T
    levy_after = np.where(member, 0.0, np.maximum(p1 - b1 * (1.0 + t0), 0.0))
    nan = np.full_like(price, math.nan)
    return (
        np.where(priced, q1, nan),
        np.where(priced, levy_after, nan),
        np.where(priced, b1, nan),
    )


def respond_world(
    price: FloatArray,
    quantity: FloatArray,
    member: npt.NDArray[np.bool_],
    origins: Sequence[str],
    reference: FloatArray,
    caps: tuple[float | None, float | None],
    response: FloorTradeResponse,
    world: WorldMarket,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The exact response in the importer's whole market: quantity, levy and import
    price after, shapes (periods, flows).

    Each distinct floor level is one solve of the world market (annual quantities:
    the ratios after ÷ before do not depend on the scale), with the floor as a
    variable levy on non-member origins into the importer. A flow takes the ratios of
    its origin's route into the importer (``ROW``'s for an origin not named).
    """
    markets = [
        market.Market(
            code=m.code,
            import_demand_elasticity=m.import_demand_elasticity,
            substitution_elasticity=m.substitution_elasticity,
            member=m.code == world.importer,
        )
        for m in world.markets
    ]
    member_codes = {o for o, m in zip(origins, member, strict=True) if m}
    world_origins = [
        market.Origin(
            code=o.code,
            price=o.price,
            supply_elasticity=o.supply_elasticity,
            member=o.code == world.importer or o.code in member_codes,
        )
        for o in world.origins
    ]
    routes = [
        market.Flow(
            origin=f.origin,
            market=f.market,
            quantity=f.quantity,
            price=f.price,
            home=f.home,
        )
        for f in world.flows
    ]
    t0 = response.tariff_before
    before = (
        [
            market.Measure(
                kind="ad_valorem", rate=t0, markets=[world.importer], origins="all"
            )
        ]
        if t0
        else []
    )
    codes = [o.code for o in world.origins]
    r_of = {code: i for i, code in enumerate(codes)}
    v = [m.code for m in world.markets].index(world.importer)
    flow_rows = np.array([r_of.get(o, r_of.get("ROW", -1)) for o in origins])
    t, k = price.shape
    q_ratio = np.full((t, k), math.nan)
    b_ratio = np.full((t, k), math.nan)
    levy_after = np.full((t, k), math.nan)
    cap_av, cap_s = caps
    for level in np.unique(reference[np.isfinite(reference)]):
        floor = market.Measure(
            kind="floor",
            level=float(level),
            markets=[world.importer],
            origins="non_members",
        )
        extra = (
            [
                market.Measure(
                    kind="ad_valorem", rate=t0, markets=[world.importer], origins="all"
                )
            ]
            if t0
            else []
        )
        problem = market.build_problem(
            markets, world_origins, routes, [floor, *extra], before
        )
        if cap_av is not None or cap_s is not None:
            levied = problem.after.floor > 0
            after = dataclasses.replace(
                problem.after,
                floor_cap_ad_valorem=np.where(
                    levied, np.inf if cap_av is None else cap_av, np.inf
                ),
                floor_cap_specific=np.where(
                    levied, np.inf if cap_s is None else cap_s, np.inf
                ),
            )
            problem = problem.with_after(after)
        solution = market.clear(problem)
        q0 = problem.quantity[:, v]
        with np.errstate(all="ignore"):
            ratio_q = np.where(q0 > 0, solution.quantity[:, v] / q0, 1.0)
            base_b = problem.price if problem.price.ndim == 1 else problem.price[:, v]
            ratio_b = solution.border_price[:, v] / base_b
        levy = np.maximum(
            solution.consumer_price[:, v] - solution.border_price[:, v] * (1.0 + t0),
            0.0,
        )
        periods = reference == level
        valid = flow_rows >= 0
        picked = np.where(valid, flow_rows, 0)
        q_ratio[periods] = np.where(valid, ratio_q[picked], math.nan)
        b_ratio[periods] = np.where(valid, ratio_b[picked], math.nan)
        levy_after[periods] = np.where(valid, levy[picked] / base_b[picked], math.nan)
    price_after = price * b_ratio
    # The levy per unit scales with the flow's own import price (the world's is the
    # stored price; a typed import price keeps its ratio).
    levy_after = np.where(member[None, :], 0.0, levy_after * price)
    return quantity * q_ratio, levy_after, price_after

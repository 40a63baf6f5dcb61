"""The market model: one exact multi-market partial equilibrium for every trade response.

One commodity (INSTRUMENTS.md §9). Markets ``v`` (importers with their own consumers),
origins ``r`` (exporters; a market's own producers are an origin with
``domestic_market`` set, selling only to that market, with no border). Data: base
quantities ``q0[r,v] ≥ 0``, base border prices ``π0[r]`` (or one per route), import
demand elasticity ``η[v] < 0``, Armington substitution elasticity ``σ[v] > 0`` and
supply elasticity ``ε[r] ≥ 0`` (``inf``: a price taker whose price is fixed).

Measures, on routes, in two regimes: ``before`` (in force in the base, so base prices
and shares include them) and ``after`` (the regime simulated). Route arrays use 0 for
"none" in every kind (prices are positive, so ``max(x, 0) = x``):

- border price ``b = max(π[r], U)`` (undertaking ``U``: a minimum border price whose
  gap the exporter keeps);
- consumer price ``p = max(b·(1 + t) + s, F)`` (ad valorem ``t``, specific ``s``, floor
  ``F``: a variable levy the importer collects); with caps on the levy (optional,
  ``floor_cap_ad_valorem`` ``c`` and ``floor_cap_specific`` ``C``, ``inf`` = none) the
  levy is ``min(max(0, F − pre), c·b, C)`` with ``pre = b·(1 + t) + s``, so
  ``p = max(pre, min(F, pre + c·b, pre + C))`` (the EU cereals duty, capped at the
  bound duty);
- a domestic origin has no border: ``b = p = π`` and its producers receive
  ``max(π, K)`` (price-gap subsidy strike ``K``, paid by its market's treasury).

Demand, exact CES in ratio form, shares ``w = p0·q0 / Σ_r p0·q0`` at base consumer
prices::

    P̂[v] = (Σ_r w·p̂^(1−σ))^(1/(1−σ))          (Π_r p̂^w when σ = 1)
    q[r,v] = q0 · p̂^(−σ) · P̂^(σ+η)

Supply ``X[r] = X0·(p̂_producer)^ε``, ``X0 = Σ_v q0``. For every origin with finite ε
and ``X0 > 0`` the market clears, ``Σ_v q = X``; the unknowns are ``ln π̂[r]``, solved
by damped Newton with the analytic Jacobian (kinks of ``max`` take the one-sided
derivative; on a flat piece, where a floor binds and supply is fixed, the step follows
the slope of the duty-paid price underneath), then scipy's ``hybr`` and ``lm`` as fallbacks, to
``max_r |Σ_v q − X| / X0 ≤ tolerance`` (1e-9). An unconverged solve raises
``EquilibriumError`` (an ``InputError``); no answer is returned. Quantities are
positive by construction and a route with ``q0 = 0`` stays at 0.

Welfare, exact for constant elasticities, in money = price × quantity as given (the
caller converts units); positive = gain:

- consumers of ``v``: ``ΔCS = −E0·(P̂^(1+η) − 1)/(1+η)`` (``−E0·ln P̂`` at η = −1),
  ``E0 = Σ_r p0·q0``;
- producers of ``r``: ``ΔPS = R0·(p̂_producer^(1+ε) − 1)/(1+ε)``, ``R0`` = base
  producer revenue (``X0·π0`` with one price); 0 for a price taker;
- government of ``v``: change in duty and levy revenue ``Σ (p − b)·q`` on its imports,
  and ``subsidy_cost`` = change in ``(max(π, K) − π)·X`` paid to its domestic origins;
- exporters: change in undertaking rent ``(b − π)·q``.

Countries: a market is the country of its code; a foreign origin is the country of its
code (so origin ``US`` and market ``US`` are one country); a domestic origin belongs to
its market. ``net_welfare_change = CS + PS + revenue − subsidy + rent``. The
terms-of-trade effect of a market is ``−Σ_r (b1 − b0)·q1`` on its imports.

Summary quantities are in the quantity unit: ``trade_created`` = change in member
markets' total imports; ``trade_diverted_to_members`` = change in member origins' sales
into member markets; ``trade_diverted_to_rest_of_world`` = change in non-member origins'
sales into non-member markets; ``world_price_change`` = ``Σ q0·b1 / Σ q0·b0 − 1`` over
foreign routes (NaN without any).

``method="gsim"`` solves GSIM's linearised system instead (Francois & Hall 2003):
``q̂[r,v] = −σ·p̂ + (σ+η)·Σ_s θ[s,v]·p̂[s,v]`` with ``θ`` the base shares at internal
(tariff-inclusive) prices, ``p̂ = d·π̂ + Δ(π0(1+t) + s)/p0`` (``d = π0(1+t0)/p0``; GSIM's
``T̂ = ΔT/T0`` without specific duties), ``X̂ = ε·π̂`` and ``Σ_v q0·q̂ = X0·X̂``, one
linear solve for ``π̂``. Quantities are ``q0·(1 + q̂)``, unclipped as in GSIM; prices
and revenue are levels at ``π0·(1 + π̂)``; welfare uses
GSIM's second-order forms ``ΔCS = −E0·(P̂ + ½·η·P̂²)``, ``ΔPS = R0·(π̂ + ½·ε·π̂²)``.
Floors, undertakings and price-gap subsidies are not linear and are refused there.
The full US–EU FTA of the GSIM example gives export price changes US +7.92 %,
JP −3.16 %, EU +4.80 %, RW −1.84 % with ``gsim``; the exact model agrees to first order.

Sources: J. Francois and H. K. Hall (2003), *Global simulation analysis of
industry-level trade policy* (GSIM); Jammes & Olarreaga (2005), *Explaining SMART and
GSIM*, World Bank. SMART's linear formulas stay in ``trade_response.py``.

Rows: one per route with ``q0 > 0`` or listed in the flows (``Problem.routes``), the
contract's columns with after-change levels of revenue and rent, then extras.
Per-country welfare is the ``countries`` table; world totals are in ``summary``.

One importing market: build a Problem with one market (optionally a rest-of-world
market so finite-ε supply has somewhere to go) or call ``solve_single_market``.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import optimize

from instruments.calculators.base import (
    BoolArray,
    ErrorCollector,
    FloatArray,
    InputError,
    IntArray,
)

MeasureKind = Literal[
    "ad_valorem", "specific", "floor", "undertaking", "price_gap_subsidy"
]
Method = Literal["exact", "gsim"]
Selector = str | Sequence[str]
"""A list of codes, or one of the words ``all``, ``members``, ``non_members``."""

SELECTOR_WORDS = ("all", "members", "non_members")
BORDER_KINDS = ("ad_valorem", "specific", "floor", "undertaking")

ROW_COLUMNS = (
    "origin",
    "market",
    "member_origin",
    "member_market",
    "quantity_before",
    "quantity_after",
    "border_price_before",
    "border_price_after",
    "consumer_price_before",
    "consumer_price_after",
    "importer_revenue",
    "exporter_rent",
    "quantity_change",
    "importer_revenue_before",
    "exporter_rent_before",
    "subsidy",
    "subsidy_before",
)
"""Row columns: the contract's first twelve (levels after the change), then extras."""

COUNTRY_COLUMNS = (
    "country",
    "consumer_surplus_change",
    "producer_surplus_change",
    "revenue_change",
    "subsidy_cost",
    "rent_change",
    "net_welfare_change",
    "terms_of_trade_effect",
)

_SIGMA_ONE = 1e-9  # |1 − σ| below this: the geometric-mean limit
_LOG_BOUND = (
    60.0  # |ln π̂| beyond this (a factor 1e26) is no equilibrium worth reporting
)


class EquilibriumError(InputError):
    """The market did not clear: no answer is returned."""


# --- the problem ---------------------------------------------------------------------


@dataclass(frozen=True)
class Regime:
    """Measures on routes (origins × markets); 0 means none in every array.

    ``ad_valorem`` and ``specific`` add to the border price; ``floor`` is a minimum
    consumer price (variable levy), ``undertaking`` a minimum border price; ``strike``
    (one per origin) is a price-gap subsidy strike on a domestic origin. Border arrays
    are ignored on domestic origins' routes. ``floor_cap_ad_valorem`` (a share of the
    border price) and ``floor_cap_specific`` (per unit) cap the floor's levy; None or
    ``inf`` means no cap.
    """

    ad_valorem: FloatArray
    specific: FloatArray
    floor: FloatArray
    undertaking: FloatArray
    strike: FloatArray
    floor_cap_ad_valorem: FloatArray | None = None
    floor_cap_specific: FloatArray | None = None

    @classmethod
    def empty(cls, n_origins: int, n_markets: int) -> Regime:
        """No measures."""
        zero = np.zeros((n_origins, n_markets))
        return cls(zero, zero, zero, zero, np.zeros(n_origins))

    @classmethod
    def of(
        cls,
        n_origins: int,
        n_markets: int,
        *,
        ad_valorem: npt.ArrayLike = 0.0,
        specific: npt.ArrayLike = 0.0,
        floor: npt.ArrayLike = 0.0,
        undertaking: npt.ArrayLike = 0.0,
        strike: npt.ArrayLike = 0.0,
        floor_cap_ad_valorem: npt.ArrayLike | None = None,
        floor_cap_specific: npt.ArrayLike | None = None,
    ) -> Regime:
        """Broadcast scalars or arrays to full route arrays (caps: None = no cap)."""
        shape = (n_origins, n_markets)

        def full(x: npt.ArrayLike, s: tuple[int, ...]) -> FloatArray:
            return np.array(np.broadcast_to(np.asarray(x, dtype=np.float64), s))

        return cls(
            full(ad_valorem, shape),
            full(specific, shape),
            full(floor, shape),
            full(undertaking, shape),
            full(strike, (n_origins,)),
            None if floor_cap_ad_valorem is None else full(floor_cap_ad_valorem, shape),
            None if floor_cap_specific is None else full(floor_cap_specific, shape),
        )

    @property
    def caps(self) -> tuple[FloatArray, FloatArray] | None:
        """The levy caps as full arrays (``inf`` = none), or None without any."""
        if self.floor_cap_ad_valorem is None and self.floor_cap_specific is None:
            return None
        shape = self.floor.shape
        return (
            np.full(shape, np.inf)
            if self.floor_cap_ad_valorem is None
            else self.floor_cap_ad_valorem,
            np.full(shape, np.inf)
            if self.floor_cap_specific is None
            else self.floor_cap_specific,
        )

    @property
    def is_linear(self) -> bool:
        """Only ad valorem and specific duties (what GSIM can take)."""
        return not (self.floor.any() or self.undertaking.any() or self.strike.any())


@dataclass(frozen=True)
class Problem:
    """A market problem in arrays: origins ``r`` on rows, markets ``v`` on columns.

    ``price`` is the base border price, shape (R,) or (R, V); ``supply_elasticity``
    uses ``inf`` for price takers; ``domestic_market`` is the index of the market a
    domestic origin serves, −1 for a foreign origin. ``routes`` marks the routes shown
    in rows (default: ``quantity > 0``).
    """

    market_codes: tuple[str, ...]
    import_demand_elasticity: FloatArray
    substitution_elasticity: FloatArray
    member_market: BoolArray
    origin_codes: tuple[str, ...]
    price: FloatArray
    supply_elasticity: FloatArray
    member_origin: BoolArray
    domestic_market: IntArray
    quantity: FloatArray
    before: Regime
    after: Regime
    routes: BoolArray | None = None

    def __post_init__(self) -> None:
        errors = ErrorCollector()
        n_r, n_v = len(self.origin_codes), len(self.market_codes)
        if np.shape(self.quantity) != (n_r, n_v):
            errors.add(("flows",), f"Quantities must be {n_r} origins × {n_v} markets.")
            errors.raise_if_any()
        q = np.asarray(self.quantity, dtype=np.float64)
        eta = np.asarray(self.import_demand_elasticity, dtype=np.float64)
        sigma = np.asarray(self.substitution_elasticity, dtype=np.float64)
        eps = np.asarray(self.supply_elasticity, dtype=np.float64)
        price = np.asarray(self.price, dtype=np.float64)
        dom = np.asarray(self.domestic_market)
        if not (np.isfinite(q).all() and (q >= 0).all()):
            errors.add(("flows",), "Quantities must be finite and ≥ 0.")
        if eta.shape != (n_v,) or not (np.isfinite(eta).all() and (eta < 0).all()):
            errors.add(("markets",), "Import demand elasticities must be < 0.")
        if sigma.shape != (n_v,) or not (
            np.isfinite(sigma).all() and (sigma > 0).all()
        ):
            errors.add(("markets",), "Substitution elasticities must be > 0.")
        if eps.shape != (n_r,) or np.isnan(eps).any() or (eps < 0).any():
            errors.add(("origins",), "Supply elasticities must be ≥ 0 (inf allowed).")
        if price.shape not in ((n_r,), (n_r, n_v)) or not (
            np.isfinite(price).all() and (price > 0).all()
        ):
            errors.add(("origins",), "Base prices must be finite and > 0.")
        if dom.shape != (n_r,) or ((dom < -1) | (dom >= n_v)).any():
            errors.add(("origins",), "Domestic market indices out of range.")
        errors.raise_if_any()
        foreign_market = np.arange(n_v)[None, :] != dom[:, None]
        if ((dom[:, None] >= 0) & foreign_market & (q > 0)).any():
            errors.add(("flows",), "A domestic origin sells only to its own market.")
        for name, regime in (
            ("measures_before", self.before),
            ("measures", self.after),
        ):
            arrays = (
                regime.ad_valorem,
                regime.specific,
                regime.floor,
                regime.undertaking,
            )
            if any(np.shape(a) != (n_r, n_v) for a in arrays) or np.shape(
                regime.strike
            ) != (n_r,):
                errors.add((name,), "Measure arrays have the wrong shape.")
                continue
            if not all(np.isfinite(a).all() for a in (*arrays, regime.strike)):
                errors.add((name,), "Measures must be finite.")
            elif (regime.ad_valorem <= -1).any():
                errors.add((name,), "Ad valorem rates must be > −1.")
            elif any((a < 0).any() for a in (*arrays[1:], regime.strike)):
                errors.add((name,), "Levels and strikes must be ≥ 0.")
            for cap in (regime.floor_cap_ad_valorem, regime.floor_cap_specific):
                if cap is None:
                    continue
                if np.shape(cap) != (n_r, n_v):
                    errors.add((name,), "Levy caps have the wrong shape.")
                elif np.isnan(cap).any() or (cap < 0).any():
                    errors.add((name,), "Levy caps must be ≥ 0 (inf = none).")
            base = price if price.ndim == 1 else price.max(axis=1)
            taker_bound = np.isinf(eps) & (regime.strike > base)
            if taker_bound.any():
                errors.add(
                    (name,),
                    "A price-gap subsidy above the price needs a finite supply "
                    "elasticity (a price taker would supply without limit).",
                )
        errors.raise_if_any()

    @property
    def n_origins(self) -> int:
        return len(self.origin_codes)

    @property
    def n_markets(self) -> int:
        return len(self.market_codes)

    def with_after(self, after: Regime) -> Problem:
        """The same problem with another regime simulated."""
        return Problem(**{**self.__dict__, "after": after})


# --- building a problem from plain records -------------------------------------------


@dataclass(frozen=True)
class Market:
    """An importing market (a country's consumers)."""

    code: str
    import_demand_elasticity: float
    substitution_elasticity: float
    member: bool = False


@dataclass(frozen=True)
class Origin:
    """An exporter, or with ``domestic_market`` a market's own producers.

    ``supply_elasticity`` None (or inf) = price taker. ``member`` None: a domestic
    origin takes its market's flag, a foreign one is not a member.
    """

    code: str
    price: float
    supply_elasticity: float | None = None
    member: bool | None = None
    domestic_market: str | None = None


@dataclass(frozen=True)
class Flow:
    """Base quantity on a route; ``price`` overrides the origin's base border price."""

    origin: str
    market: str
    quantity: float
    price: float | None = None


@dataclass(frozen=True)
class Measure:
    """One measure: ``rate`` (ad valorem), ``level`` (specific, floor, undertaking) or
    ``strike`` (price-gap subsidy); ``markets``/``origins`` are selectors."""

    kind: MeasureKind
    rate: float | None = None
    level: float | None = None
    strike: float | None = None
    markets: Selector = "all"
    origins: Selector = "all"


def build_problem(
    markets: Sequence[Market],
    origins: Sequence[Origin],
    flows: Sequence[Flow],
    measures: Sequence[Measure] = (),
    measures_before: Sequence[Measure] = (),
) -> Problem:
    """A Problem from records; every error names its field path."""
    errors = ErrorCollector()
    market_codes = tuple(m.code for m in markets)
    origin_codes = tuple(o.code for o in origins)
    for name, codes in (("markets", market_codes), ("origins", origin_codes)):
        if not codes:
            errors.add((name,), "Give at least one.")
        seen: set[str] = set()
        for i, code in enumerate(codes):
            if code in seen:
                errors.add((name, i, "code"), f"{code!r} appears twice.")
            seen.add(code)
    errors.raise_if_any()
    m_index = {c: i for i, c in enumerate(market_codes)}
    o_index = {c: i for i, c in enumerate(origin_codes)}
    n_r, n_v = len(origins), len(markets)
    dom = np.full(n_r, -1, dtype=np.int64)
    member_market = np.array([m.member for m in markets], dtype=bool)
    member_origin = np.zeros(n_r, dtype=bool)
    eps = np.full(n_r, np.inf)
    for i, o in enumerate(origins):
        if o.domestic_market is not None:
            if o.domestic_market not in m_index:
                errors.add(
                    ("origins", i, "domestic_market"),
                    f"{o.domestic_market!r} is not a market.",
                )
            else:
                dom[i] = m_index[o.domestic_market]
        if o.supply_elasticity is not None:
            eps[i] = o.supply_elasticity
        member_origin[i] = (
            o.member
            if o.member is not None
            else bool(dom[i] >= 0 and member_market[dom[i]])
        )
    price = np.array([o.price for o in origins], dtype=np.float64)
    route_price = np.repeat(price[:, None], n_v, axis=1)
    quantity = np.zeros((n_r, n_v))
    listed = np.zeros((n_r, n_v), dtype=bool)
    for i, f in enumerate(flows):
        r, v = o_index.get(f.origin), m_index.get(f.market)
        if r is None:
            errors.add(("flows", i, "origin"), f"{f.origin!r} is not an origin.")
        if v is None:
            errors.add(("flows", i, "market"), f"{f.market!r} is not a market.")
        if r is None or v is None:
            continue
        if dom[r] >= 0 and dom[r] != v:
            errors.add(
                ("flows", i, "market"),
                f"{f.origin!r} is {market_codes[dom[r]]!r}'s own producers; "
                "it sells only there.",
            )
        if not (math.isfinite(f.quantity) and f.quantity >= 0):
            errors.add(("flows", i, "quantity"), "Must be ≥ 0.")
        quantity[r, v] += f.quantity
        listed[r, v] = True
        if f.price is not None:
            if not (math.isfinite(f.price) and f.price > 0):
                errors.add(("flows", i, "price"), "Must be > 0.")
            route_price[r, v] = f.price
    context = _SelectorContext(
        market_codes, origin_codes, member_market, member_origin, dom
    )
    after = build_regime(measures, context, errors, "measures")
    before = build_regime(measures_before, context, errors, "measures_before")
    errors.raise_if_any()
    same = bool((route_price == price[:, None]).all())
    return Problem(
        market_codes=market_codes,
        import_demand_elasticity=np.array(
            [m.import_demand_elasticity for m in markets], dtype=np.float64
        ),
        substitution_elasticity=np.array(
            [m.substitution_elasticity for m in markets], dtype=np.float64
        ),
        member_market=member_market,
        origin_codes=origin_codes,
        price=price if same else route_price,
        supply_elasticity=eps,
        member_origin=member_origin,
        domestic_market=dom,
        quantity=quantity,
        before=before,
        after=after,
        routes=listed | (quantity > 0),
    )


@dataclass(frozen=True)
class _SelectorContext:
    market_codes: tuple[str, ...]
    origin_codes: tuple[str, ...]
    member_market: BoolArray
    member_origin: BoolArray
    domestic_market: IntArray


def _select(
    selector: Any,
    codes: tuple[str, ...],
    member: BoolArray,
    path: tuple[str | int, ...],
    errors: ErrorCollector,
) -> BoolArray:
    if isinstance(selector, str):
        if selector == "all":
            return np.ones(len(codes), dtype=bool)
        if selector == "members":
            return member.copy()
        if selector == "non_members":
            return ~member
        errors.add(
            path,
            f"{selector!r} is not a list of codes nor one of: "
            f"{', '.join(SELECTOR_WORDS)}.",
        )
        return np.zeros(len(codes), dtype=bool)
    index = {c: i for i, c in enumerate(codes)}
    mask = np.zeros(len(codes), dtype=bool)
    unknown = [str(c) for c in selector if c not in index]
    if unknown:
        errors.add(path, f"Unknown code(s): {', '.join(unknown)}.")
    for c in selector:
        if c in index:
            mask[index[c]] = True
    return mask


def build_regime(
    measures: Sequence[Measure],
    context: _SelectorContext,
    errors: ErrorCollector,
    name: str = "measures",
) -> Regime:
    """Route arrays from measure records (errors collected at ``(name, i, field)``).

    Stacking: ad valorem rates on a route add, specific duties add, floors,
    undertakings and strikes take the largest. Border measures never reach a
    domestic origin (a word selector skips it; naming it is an error); a price-gap
    subsidy reaches only domestic origins, of the markets selected.
    """
    n_r, n_v = len(context.origin_codes), len(context.market_codes)
    t, s, f, u = (np.zeros((n_r, n_v)) for _ in range(4))
    k = np.zeros(n_r)
    domestic = context.domestic_market >= 0
    for i, m in enumerate(measures):
        here: tuple[str | int, ...] = (name, i)
        markets = _select(
            m.markets,
            context.market_codes,
            context.member_market,
            (*here, "markets"),
            errors,
        )
        origins = _select(
            m.origins,
            context.origin_codes,
            context.member_origin,
            (*here, "origins"),
            errors,
        )
        explicit = not isinstance(m.origins, str)
        value_field = {"ad_valorem": "rate", "price_gap_subsidy": "strike"}.get(
            m.kind, "level"
        )
        if m.kind not in (*BORDER_KINDS, "price_gap_subsidy"):
            errors.add((*here, "kind"), f"{m.kind!r} is not a measure kind.")
            continue
        value = getattr(m, value_field)
        if value is None or not math.isfinite(value):
            errors.add(
                (*here, value_field), f"A {m.kind} measure needs a {value_field}."
            )
            continue
        if m.kind == "ad_valorem" and value <= -1:
            errors.add((*here, value_field), "Must be greater than −1.")
            continue
        if m.kind != "ad_valorem" and value < 0:
            errors.add((*here, value_field), "Must be at least 0.")
            continue
        if m.kind == "price_gap_subsidy":
            if explicit and (origins & ~domestic).any():
                errors.add(
                    (*here, "origins"),
                    "A price-gap subsidy is paid to a market's own producers only.",
                )
            dom_ok = domestic & markets[np.maximum(context.domestic_market, 0)]
            hit = origins & dom_ok
            k[hit] = np.maximum(k[hit], value)
            continue
        if explicit and (origins & domestic).any():
            errors.add(
                (*here, "origins"),
                "Own producers have no border; border measures do not apply to them.",
            )
        mask = (origins & ~domestic)[:, None] & markets[None, :]
        if m.kind == "ad_valorem":
            t += np.where(mask, value, 0.0)
        elif m.kind == "specific":
            s += np.where(mask, value, 0.0)
        elif m.kind == "floor":
            f = np.where(mask, np.maximum(f, value), f)
        else:
            u = np.where(mask, np.maximum(u, value), u)
    return Regime(t, s, f, u, k)


def measures_from_records(records: Sequence[Mapping[str, Any]]) -> tuple[Measure, ...]:
    """Measures from plain mappings (parsed JSON)."""

    def selector(x: Any) -> Selector:
        return x if isinstance(x, str) else tuple(str(c) for c in x)

    return tuple(
        Measure(
            kind=r["kind"],
            rate=r.get("rate"),
            level=r.get("level"),
            strike=r.get("strike"),
            markets=selector(r.get("markets", "all")),
            origins=selector(r.get("origins", "all")),
        )
        for r in records
    )


# --- prices and demand ---------------------------------------------------------------


@dataclass(frozen=True)
class _Base:
    """Arrays fixed through a solve."""

    q0: FloatArray
    pi0: FloatArray  # (R, V) route base prices
    eta: FloatArray
    sigma: FloatArray
    eps: FloatArray
    domestic: BoolArray  # (R,)
    dom_route: BoolArray  # (R, V): the domestic origin's own route
    p0: FloatArray
    w: FloatArray
    e0: FloatArray
    x0: FloatArray
    own_price0: FloatArray  # (R,) base price of a domestic origin on its route
    producer0: FloatArray  # (R,) base producer price (domestic: max(π0, K0))
    revenue0: FloatArray  # (R,) base producer revenue


@dataclass(frozen=True)
class _State:
    border: FloatArray
    consumer: FloatArray
    quantity: FloatArray
    log_composite: FloatArray
    theta: FloatArray
    dlogp: FloatArray  # ∂ ln p / ∂ ln π̂[r], per route
    producer_ratio: FloatArray  # p̂_producer per origin
    dlog_producer: FloatArray  # ∂ ln p_producer / ∂ ln π̂
    supply: FloatArray


def _prices(
    base: _Base, regime: Regime, z: FloatArray, *, surrogate: bool = False
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Border price, consumer price and ∂ln p/∂ln π̂ at ``π = π0·e^z``.

    With ``surrogate`` the derivative ignores binding floors and undertakings (the
    slope of the duty-paid price underneath): a Newton direction out of a flat region.
    """
    pi = base.pi0 * np.exp(z)[:, None]
    border = np.maximum(pi, regime.undertaking)
    pre = border * (1.0 + regime.ad_valorem) + regime.specific
    consumer = np.maximum(pre, regime.floor)
    caps = regime.caps
    with np.errstate(invalid="ignore", divide="ignore"):
        if surrogate:
            duty_paid = pi * (1.0 + regime.ad_valorem)
            d = duty_paid / (duty_paid + regime.specific)
        elif caps is None:
            d = np.where(
                (pre >= regime.floor) & (pi >= regime.undertaking),
                border * (1.0 + regime.ad_valorem) / pre,
                0.0,
            )
        if caps is not None:
            # A capped levy: min(gap, c·b, C); the price's slope follows whichever
            # binds (the floor: flat; the ad valorem cap: (1 + t + c)·b; the specific
            # cap or no levy: (1 + t)·b), all times the undertaking's kink.
            cap_av, cap_s = caps
            gap = np.maximum(regime.floor - pre, 0.0)
            by_share = cap_av * border
            levy = np.minimum(np.minimum(gap, by_share), cap_s)
            consumer = pre + levy
            if not surrogate:
                slope = np.where(
                    levy <= 0.0,
                    1.0 + regime.ad_valorem,
                    np.where(
                        levy >= gap,
                        0.0,
                        np.where(
                            by_share <= cap_s,
                            1.0 + regime.ad_valorem + cap_av,
                            1.0 + regime.ad_valorem,
                        ),
                    ),
                )
                d = np.where(pi >= regime.undertaking, border * slope / consumer, 0.0)
    dom = base.domestic[:, None]
    return (
        np.where(dom, pi, border),
        np.where(dom, pi, consumer),
        np.where(dom, 1.0, np.nan_to_num(d)),
    )


def _prepare(problem: Problem) -> _Base:
    n_r, n_v = problem.n_origins, problem.n_markets
    q0 = np.asarray(problem.quantity, dtype=np.float64)
    pi0 = np.array(
        np.broadcast_to(
            problem.price if problem.price.ndim == 2 else problem.price[:, None],
            (n_r, n_v),
        ),
        dtype=np.float64,
    )
    dom_idx = np.asarray(problem.domestic_market)
    domestic = dom_idx >= 0
    dom_route = domestic[:, None] & (np.arange(n_v)[None, :] == dom_idx[:, None])
    x0 = q0.sum(axis=1)
    own_price0 = np.where(domestic, (pi0 * dom_route).sum(axis=1), 1.0)
    strike0 = problem.before.strike
    producer0 = np.where(domestic, np.maximum(own_price0, strike0), 1.0)
    provisional = _Base(
        q0,
        pi0,
        problem.import_demand_elasticity,
        problem.substitution_elasticity,
        problem.supply_elasticity,
        domestic,
        dom_route,
        pi0,
        q0,
        np.ones(n_v),
        x0,
        own_price0,
        producer0,
        np.zeros(n_r),
    )
    _, p0, _ = _prices(provisional, problem.before, np.zeros(n_r))
    value0 = p0 * q0
    e0 = value0.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        w = np.where(e0 > 0, value0 / np.where(e0 > 0, e0, 1.0), 0.0)
    revenue0 = np.where(domestic, producer0 * x0, (pi0 * q0).sum(axis=1))
    return _Base(
        q0,
        pi0,
        provisional.eta,
        provisional.sigma,
        provisional.eps,
        domestic,
        dom_route,
        p0,
        w,
        e0,
        x0,
        own_price0,
        producer0,
        revenue0,
    )


def _composite(base: _Base, log_ratio: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``ln P̂`` per market and current shares θ, from ``ln p̂`` per route."""
    one_minus = 1.0 - base.sigma
    geometric = np.abs(one_minus) < _SIGMA_ONE
    safe = np.where(geometric, 1.0, one_minus)
    a = safe[None, :] * log_ratio
    log_s = _log_sum_exp(np.where(base.w > 0, a, -np.inf), base.w)
    trade = base.e0 > 0
    log_s = np.where(trade, log_s, 0.0)
    ces = log_s / safe
    geo = (base.w * log_ratio).sum(axis=0)
    unchanged = ((log_ratio == 0) | (base.w == 0)).all(axis=0)  # the base exactly
    log_p = np.where(trade & ~unchanged, np.where(geometric, geo, ces), 0.0)
    theta = np.where(geometric[None, :], base.w, base.w * np.exp(a - log_s[None, :]))
    return log_p, theta


def _log_sum_exp(a: FloatArray, weights: FloatArray) -> FloatArray:
    """``ln Σ_r w[r] e^a[r]`` per column (``-inf`` for a column of no weight), shifted
    by the column's largest term: ``scipy.special.logsumexp(a, axis=0, b=w)``
    without its array-API dispatch (a fifth of a small solve's time)."""
    top = np.max(a, axis=0)
    top = np.where(np.isfinite(top), top, 0.0)
    with np.errstate(divide="ignore"):
        return np.log((weights * np.exp(a - top[None, :])).sum(axis=0)) + top


def _state(
    base: _Base, regime: Regime, z: FloatArray, *, surrogate: bool = False
) -> _State:
    border, consumer, d = _prices(base, regime, z, surrogate=surrogate)
    log_ratio = np.log(consumer / base.p0)
    log_p, theta = _composite(base, log_ratio)
    exponent = (
        -base.sigma[None, :] * log_ratio
        + (base.sigma + base.eta)[None, :] * (log_p[None, :])
    )
    quantity = np.where(base.q0 > 0, base.q0 * np.exp(exponent), 0.0)
    own = base.own_price0 * np.exp(z)
    producer = np.where(base.domestic, np.maximum(own, regime.strike), own)
    producer_ratio = np.where(base.domestic, producer / base.producer0, np.exp(z))
    binding = base.domestic & (own < regime.strike) & (not surrogate)
    dlog_producer = np.where(binding, 0.0, 1.0)
    finite = np.isfinite(base.eps)
    with np.errstate(over="ignore", invalid="ignore"):
        supply = np.where(
            finite,
            base.x0 * producer_ratio ** np.where(finite, base.eps, 0.0),
            quantity.sum(axis=1),
        )
    return _State(
        border,
        consumer,
        quantity,
        log_p,
        theta,
        d,
        producer_ratio,
        dlog_producer,
        supply,
    )


def _residual_jacobian(
    base: _Base,
    regime: Regime,
    z: FloatArray,
    unknown: BoolArray,
    *,
    surrogate: bool = False,
) -> tuple[FloatArray, FloatArray]:
    """Excess demand ``(Σ_v q − X)/X0`` and its Jacobian in ``ln π̂``, unknowns only."""
    st = _state(base, regime, z, surrogate=surrogate)
    q = st.quantity
    x0 = base.x0[unknown]
    g = (q.sum(axis=1) - st.supply)[unknown] / x0
    td = st.theta * st.dlogp
    cross = (q * (base.sigma + base.eta)[None, :]) @ td.T
    own = (q * base.sigma[None, :] * st.dlogp).sum(axis=1)
    eps = np.where(np.isfinite(base.eps), base.eps, 0.0)
    diag = own + eps * st.supply * st.dlog_producer
    jac = cross - np.diag(diag)
    jac = jac[np.ix_(unknown, unknown)] / x0[:, None]
    return g, jac


def _solve_exact(
    base: _Base,
    regime: Regime,
    unknown: BoolArray,
    tolerance: float,
    max_iterations: int,
) -> tuple[FloatArray, int, float]:
    n = int(unknown.sum())
    z = np.zeros(base.x0.shape)
    if n == 0:
        return z, 0, 0.0

    def full(y: FloatArray) -> FloatArray:
        out = np.zeros(base.x0.shape)
        out[unknown] = y
        return out

    y = np.zeros(n)
    y, norm, iterations = _newton(base, regime, unknown, y, tolerance, max_iterations)
    if norm > tolerance:
        # Kinks can trap Newton; each origin's own market, others' prices held, has
        # excess demand falling in its own price, so sweeps of 1-D root finds get
        # close, and Newton then polishes.
        y = _sweeps(base, regime, unknown, y, tolerance)
        y, norm, more = _newton(base, regime, unknown, y, tolerance, max_iterations)
        iterations += more
    if norm > tolerance:
        y, norm, more = _fallback(base, regime, unknown, y, tolerance, max_iterations)
        iterations += more
    if not norm <= tolerance:
        raise EquilibriumError(
            "The market model did not converge: the largest market-clearing gap is "
            f"{norm:.3g} of an origin's base supply after {iterations} iterations "
            f"(tolerance {tolerance:g}). Check for origins with fixed supply whose "
            "every sale is held at a floor or undertaking, specific duties above what "
            "buyers pay, or extreme measures."
        )
    return full(y), iterations, norm


def _newton(
    base: _Base,
    regime: Regime,
    unknown: BoolArray,
    y: FloatArray,
    tolerance: float,
    max_iterations: int,
) -> tuple[FloatArray, float, int]:
    """Damped Newton: one-sided derivatives at kinks, a capped step and backtracking."""
    n = int(unknown.sum())

    def full(v: FloatArray) -> FloatArray:
        out = np.zeros(base.x0.shape)
        out[unknown] = v
        return out

    g, jac = _residual_jacobian(base, regime, full(y), unknown)
    norm = float(np.max(np.abs(g), initial=0.0)) if n else 0.0
    iterations = 0
    while norm > 1e-3 * tolerance and iterations < max_iterations:
        iterations += 1
        found = _line_search(base, regime, unknown, y, g, jac, norm)
        if found is None:
            # A flat piece (a binding floor with fixed supply): step along the slope
            # underneath the kink instead.
            smooth = _residual_jacobian(base, regime, full(y), unknown, surrogate=True)[
                1
            ]
            found = _line_search(base, regime, unknown, y, g, smooth, norm)
        if found is None:
            break
        y, g, jac, norm = found
    return y, norm, iterations


def _sweeps(
    base: _Base,
    regime: Regime,
    unknown: BoolArray,
    y: FloatArray,
    tolerance: float,
    max_sweeps: int = 200,
) -> FloatArray:
    """Gauss–Seidel: clear each origin's market in turn by a bracketed 1-D root find
    in its own log price, the others held, until the largest gap is small."""
    index = np.flatnonzero(unknown)
    y = y.copy()

    def gaps(v: FloatArray) -> FloatArray:
        z = np.zeros(base.x0.shape)
        z[unknown] = v
        with np.errstate(all="ignore"):
            return _residual_jacobian(base, regime, z, unknown)[0]

    for _ in range(max_sweeps):
        for k in range(len(index)):

            def own(value: float, k: int = k) -> float:
                trial = y.copy()
                trial[k] = value
                return float(gaps(trial)[k])

            lo, hi = -_LOG_BOUND, _LOG_BOUND
            f_lo, f_hi = own(lo), own(hi)
            if not (np.isfinite(f_lo) and np.isfinite(f_hi)) or f_lo * f_hi > 0:
                continue  # no sign change: this origin cannot clear on its own
            y[k] = optimize.brentq(own, lo, hi, xtol=1e-15, rtol=1e-15, maxiter=200)
        if float(np.max(np.abs(gaps(y)), initial=0.0)) <= 1e-2 * tolerance:
            break
    return y


def _line_search(
    base: _Base,
    regime: Regime,
    unknown: BoolArray,
    y: FloatArray,
    g: FloatArray,
    jac: FloatArray,
    norm: float,
) -> tuple[FloatArray, FloatArray, FloatArray, float] | None:
    """A capped Newton step with backtracking on ``max |g|``; None if none helps."""
    with np.errstate(all="ignore"):
        try:
            step = np.linalg.solve(jac, -g)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(jac, -g, rcond=None)[0]
    if not np.isfinite(step).all():
        return None
    biggest = float(np.max(np.abs(step)))
    if biggest > 2.0:  # at most a factor e² in any price per step
        step *= 2.0 / biggest
    lam = 1.0
    while lam > 1e-6:
        trial = np.clip(y + lam * step, -_LOG_BOUND, _LOG_BOUND)
        z = np.zeros(base.x0.shape)
        z[unknown] = trial
        with np.errstate(all="ignore"):
            g_new, jac_new = _residual_jacobian(base, regime, z, unknown)
        new_norm = float(np.max(np.abs(g_new)))
        if np.isfinite(new_norm) and new_norm < (1.0 - 1e-4 * lam) * norm:
            return trial, g_new, jac_new, new_norm
        lam *= 0.5
    return None


def _fallback(
    base: _Base,
    regime: Regime,
    unknown: BoolArray,
    y0: FloatArray,
    tolerance: float,
    max_iterations: int,
) -> tuple[FloatArray, float, int]:
    """scipy's hybr, then lm, from the best point so far; returns the best found."""

    def full(y: FloatArray) -> FloatArray:
        out = np.zeros(base.x0.shape)
        out[unknown] = y
        return out

    def fun(y: FloatArray) -> FloatArray:
        return _residual_jacobian(base, regime, full(y), unknown)[0]

    def jac(y: FloatArray) -> FloatArray:
        return _residual_jacobian(base, regime, full(y), unknown)[1]

    best, best_norm, calls = y0, float(np.max(np.abs(fun(y0)))), 0
    for method, options in (
        ("hybr", {"maxfev": 20 * max_iterations, "xtol": 1e-14}),
        ("lm", {"maxiter": 20 * max_iterations, "xtol": 1e-14, "ftol": 1e-15}),
    ):
        with np.errstate(all="ignore"):
            result = optimize.root(fun, best, jac=jac, method=method, options=options)
        calls += int(getattr(result, "nfev", 0))
        candidate = np.asarray(result.x, dtype=np.float64)
        norm = float(np.max(np.abs(fun(candidate))))
        if np.isfinite(norm) and norm < best_norm:
            best, best_norm = candidate, norm
        if best_norm <= tolerance:
            break
    return best, best_norm, calls


# --- the solution --------------------------------------------------------------------


@dataclass(frozen=True)
class MarketSolution:
    """The equilibrium before (the base) and after, with welfare.

    Arrays are origins × markets (routes) or per origin / market. ``rows``: one row
    per listed route (``ROW_COLUMNS``); ``countries``: welfare per country
    (``COUNTRY_COLUMNS``); ``summary``: world totals and headline figures. The two
    tables are built when first read (a caller that needs only the arrays, such as
    the price floor's trade response, is spared two DataFrames: 0.5 ms a solve).
    """

    method: str
    problem: Problem
    price_change: FloatArray  # (R,) π̂ − 1
    quantity_before: FloatArray
    quantity_after: FloatArray
    border_price_before: FloatArray
    border_price_after: FloatArray
    consumer_price_before: FloatArray
    consumer_price_after: FloatArray
    producer_price_before: FloatArray
    producer_price_after: FloatArray
    supply_before: FloatArray
    supply_after: FloatArray
    composite_price_change: FloatArray  # (V,) P̂ − 1
    consumer_surplus_change: FloatArray  # (V,)
    producer_surplus_change: FloatArray  # (R,)
    revenue_change: FloatArray  # (V,)
    subsidy_cost: FloatArray  # (V,)
    rent_change: FloatArray  # (R,)
    terms_of_trade_effect: FloatArray  # (V,)
    iterations: int
    residual: float
    build_tables: Callable[[], tuple[pd.DataFrame, pd.DataFrame]] = field(
        repr=False, compare=False
    )
    summary: dict[str, Any] = field(default_factory=dict)

    @functools.cached_property
    def _tables(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        return self.build_tables()

    @property
    def rows(self) -> pd.DataFrame:
        return self._tables[0]

    @property
    def countries(self) -> pd.DataFrame:
        return self._tables[1]


def solve(
    problem: Problem,
    method: Method = "exact",
    *,
    tolerance: float = 1e-9,
    max_iterations: int = 100,
) -> MarketSolution:
    """Solve the market after the change; ``method`` "exact" (levels) or "gsim"."""
    base = _prepare(problem)
    unknown = np.isfinite(base.eps) & (base.x0 > 0)
    before = _state(base, problem.before, np.zeros(problem.n_origins))
    if method == "exact":
        z, iterations, residual, after = _clear(
            base, problem.after, tolerance, max_iterations
        )
        quantity_after, border_after, consumer_after = (
            after.quantity,
            after.border,
            after.consumer,
        )
        producer_ratio = after.producer_ratio
        supply_after = after.supply
        log_p = after.log_composite
        eps = base.eps
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            ps = np.where(
                np.isfinite(eps),
                base.revenue0
                * (producer_ratio ** (1.0 + np.where(np.isfinite(eps), eps, 0.0)) - 1.0)
                / (1.0 + np.where(np.isfinite(eps), eps, 0.0)),
                0.0,
            )
        composite = np.exp(log_p)
        one_plus = 1.0 + base.eta
        unit = np.abs(one_plus) < 1e-12
        cs = np.where(
            unit,
            -base.e0 * log_p,
            -base.e0 * np.expm1(one_plus * log_p) / np.where(unit, 1.0, one_plus),
        )
        price_ratio = np.exp(z)
    elif method == "gsim":
        if not (problem.after.is_linear and problem.before.is_linear):
            raise InputError.at(
                ("method",),
                "GSIM's linear equations take ad valorem and specific duties only; "
                "use the exact method for floors, undertakings and subsidies.",
            )
        (
            price_ratio,
            quantity_after,
            consumer_after,
            composite_hat,
        ) = _solve_gsim(base, problem.before, problem.after, unknown)
        iterations, residual = 1, 0.0
        border_after = base.pi0 * price_ratio[:, None]
        producer_ratio = price_ratio
        pi_hat = price_ratio - 1.0
        finite = np.isfinite(base.eps)
        eps0 = np.where(finite, base.eps, 0.0)
        supply_after = np.where(
            finite, base.x0 * (1.0 + eps0 * pi_hat), quantity_after.sum(axis=1)
        )
        ps = np.where(finite, base.revenue0 * (pi_hat + 0.5 * eps0 * pi_hat**2), 0.0)
        cs = -base.e0 * (composite_hat + 0.5 * base.eta * composite_hat**2)
        composite = 1.0 + composite_hat
    else:
        raise InputError.at(("method",), f"{method!r} is not one of: exact, gsim.")
    return _assemble(
        problem,
        base,
        method,
        before,
        price_ratio,
        quantity_after,
        border_after,
        consumer_after,
        producer_ratio,
        supply_after,
        composite,
        cs,
        ps,
        iterations,
        residual,
    )


@dataclass(frozen=True)
class Cleared:
    """Quantities and prices after the change (origins × markets), without the
    welfare accounts, for a caller that needs no more (the price floor's response)."""

    quantity: FloatArray
    border_price: FloatArray
    consumer_price: FloatArray
    iterations: int
    residual: float


def clear(
    problem: Problem, *, tolerance: float = 1e-9, max_iterations: int = 100
) -> Cleared:
    """The exact market clearing of ``solve``, without its welfare and tables."""
    base = _prepare(problem)
    _, iterations, residual, after = _clear(
        base, problem.after, tolerance, max_iterations
    )
    return Cleared(after.quantity, after.border, after.consumer, iterations, residual)


def _clear(
    base: _Base, regime: Regime, tolerance: float, max_iterations: int
) -> tuple[FloatArray, int, float, _State]:
    """Log price ratios ``z``, iterations, residual and the state at the answer."""
    unknown = np.isfinite(base.eps) & (base.x0 > 0)
    # Trial points far from the answer may overflow; the answer is checked.
    with np.errstate(all="ignore"):
        z, iterations, residual = _solve_exact(
            base, regime, unknown, tolerance, max_iterations
        )
    return z, iterations, residual, _state(base, regime, z)


def _solve_gsim(
    base: _Base, before: Regime, after: Regime, unknown: BoolArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """GSIM's linear system in ``π̂``; returns π ratio, quantities, prices, ΔP/P."""
    pi0 = base.pi0
    pre0 = pi0 * (1.0 + before.ad_valorem) + before.specific
    pre1 = pi0 * (1.0 + after.ad_valorem) + after.specific
    dom = base.domestic[:, None]
    d = np.where(dom, 1.0, pi0 * (1.0 + before.ad_valorem) / pre0)
    shift = np.where(dom, 0.0, (pre1 - pre0) / pre0)  # p̂ at unchanged π
    theta, sig, eta = base.w, base.sigma, base.eta
    q0 = base.q0
    # q̂ = −σ(shift + d·π̂_r) + (σ+η)Σ_s θ_s(shift_s + d_s·π̂_s)
    comp_shift = (theta * shift).sum(axis=0)
    const = (q0 * (-sig * shift + (sig + eta) * comp_shift)).sum(axis=1)
    cross = (q0 * (sig + eta)) @ (theta * d).T
    own = (q0 * sig * d).sum(axis=1)
    eps = np.where(np.isfinite(base.eps), base.eps, 0.0)
    matrix = cross - np.diag(own + eps * base.x0)
    pi_hat = np.zeros(base.x0.shape)
    if unknown.any():
        sub = matrix[np.ix_(unknown, unknown)]
        pi_hat[unknown] = np.linalg.solve(sub, -const[unknown])
    p_hat = shift + d * pi_hat[:, None]
    composite_hat = (theta * p_hat).sum(axis=0)
    q_hat = -sig * p_hat + (sig + eta) * composite_hat
    pi1 = pi0 * (1.0 + pi_hat[:, None])
    # Prices in levels at the new π (GSIM's revenue is t1·π1·q1), quantities linear.
    consumer = np.where(dom, pi1, pi1 * (1.0 + after.ad_valorem) + after.specific)
    return 1.0 + pi_hat, q0 * (1.0 + q_hat), consumer, composite_hat


def _assemble(
    problem: Problem,
    base: _Base,
    method: str,
    before: _State,
    price_ratio: FloatArray,
    quantity_after: FloatArray,
    border_after: FloatArray,
    consumer_after: FloatArray,
    producer_ratio: FloatArray,
    supply_after: FloatArray,
    composite: FloatArray,
    cs: FloatArray,
    ps: FloatArray,
    iterations: int,
    residual: float,
) -> MarketSolution:
    foreign = ~base.domestic[:, None] & np.ones_like(base.q0, dtype=bool)
    q0, q1 = base.q0, quantity_after
    b0, b1 = before.border, border_after
    p0, p1 = before.consumer, consumer_after
    pi1 = base.pi0 * price_ratio[:, None]
    revenue0 = np.where(foreign, (p0 - b0) * q0, 0.0)
    revenue1 = np.where(foreign, (p1 - b1) * q1, 0.0)
    rent0 = np.where(foreign, (b0 - base.pi0) * q0, 0.0)
    rent1 = np.where(foreign, (b1 - pi1) * q1, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_price = np.where(
            base.x0 > 0, base.revenue0 / np.where(base.x0 > 0, base.x0, 1.0), np.nan
        )
    # A foreign origin's producer price: its base-quantity-weighted border price.
    producer_before = np.where(base.domestic, base.producer0, mean_price)
    if problem.price.ndim == 1:
        producer_before = np.where(base.domestic, base.producer0, problem.price)
    producer_after = producer_before * producer_ratio
    own_after = base.own_price0 * price_ratio
    subsidy0 = np.where(
        base.domestic, (base.producer0 - base.own_price0) * base.x0, 0.0
    )
    subsidy1 = np.where(base.domestic, (producer_after - own_after) * supply_after, 0.0)
    dom_idx = problem.domestic_market
    n_v = problem.n_markets
    onehot = (dom_idx[:, None] == np.arange(n_v)[None, :]).astype(np.float64)
    subsidy_cost = (subsidy1 - subsidy0) @ onehot
    revenue_change = (revenue1 - revenue0).sum(axis=0)
    rent_change = (rent1 - rent0).sum(axis=1)
    tot = -np.where(foreign, (b1 - b0) * q1, 0.0).sum(axis=0)

    # Countries: markets by code, foreign origins by code, domestic origins by market.
    origin_country = [
        problem.market_codes[d] if d >= 0 else c
        for c, d in zip(problem.origin_codes, dom_idx, strict=True)
    ]
    names = list(dict.fromkeys([*problem.market_codes, *origin_country]))
    where = {c: i for i, c in enumerate(names)}
    to_m = np.zeros((n_v, len(names)))
    to_m[np.arange(n_v), [where[c] for c in problem.market_codes]] = 1.0
    to_o = np.zeros((problem.n_origins, len(names)))
    to_o[np.arange(problem.n_origins), [where[c] for c in origin_country]] = 1.0
    country_cs, country_ps = cs @ to_m, ps @ to_o
    country_rev, country_sub = revenue_change @ to_m, subsidy_cost @ to_m
    country_rent, country_tot = rent_change @ to_o, tot @ to_m
    net = country_cs + country_ps + country_rev - country_sub + country_rent

    def build_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
        countries = pd.DataFrame(
            {
                "country": names,
                "consumer_surplus_change": country_cs,
                "producer_surplus_change": country_ps,
                "revenue_change": country_rev,
                "subsidy_cost": country_sub,
                "rent_change": country_rent,
                "net_welfare_change": net,
                "terms_of_trade_effect": country_tot,
            },
            columns=list(COUNTRY_COLUMNS),
        )

        routes = problem.routes if problem.routes is not None else q0 > 0
        r_idx, v_idx = np.nonzero(routes)
        pick = (r_idx, v_idx)
        subsidy_route0 = np.where(base.dom_route, subsidy0[:, None], 0.0)
        subsidy_route1 = np.where(base.dom_route, subsidy1[:, None], 0.0)
        rows = pd.DataFrame(
            {
                "origin": np.asarray(problem.origin_codes, dtype=object)[r_idx],
                "market": np.asarray(problem.market_codes, dtype=object)[v_idx],
                "member_origin": problem.member_origin[r_idx],
                "member_market": problem.member_market[v_idx],
                "quantity_before": q0[pick],
                "quantity_after": q1[pick],
                "border_price_before": b0[pick],
                "border_price_after": b1[pick],
                "consumer_price_before": p0[pick],
                "consumer_price_after": p1[pick],
                "importer_revenue": revenue1[pick],
                "exporter_rent": rent1[pick],
                "quantity_change": (q1 - q0)[pick],
                "importer_revenue_before": revenue0[pick],
                "exporter_rent_before": rent0[pick],
                "subsidy": subsidy_route1[pick],
                "subsidy_before": subsidy_route0[pick],
            },
            columns=list(ROW_COLUMNS),
        )
        return rows, countries

    mm, mo = problem.member_market[None, :], problem.member_origin[:, None]
    change = np.where(foreign, q1 - q0, 0.0)
    world_base = float(np.where(foreign, q0 * b0, 0.0).sum())
    summary: dict[str, Any] = {
        "method": method,
        "consumer_surplus_change": float(cs.sum()),
        "producer_surplus_change": float(ps.sum()),
        "revenue_change": float(revenue_change.sum()),
        "subsidy_cost": float(subsidy_cost.sum()),
        "rent_change": float(rent_change.sum()),
        "net_welfare_change": float(net.sum()),
        "imports_before": float(np.where(foreign, q0, 0.0).sum()),
        "imports_after": float(np.where(foreign, q1, 0.0).sum()),
        "trade_created": float(np.where(mm, change, 0.0).sum()),
        "trade_diverted_to_members": float(np.where(mm & mo, change, 0.0).sum()),
        "trade_diverted_to_rest_of_world": float(
            np.where(~mm & ~mo, change, 0.0).sum()
        ),
        "world_price_change": (
            float(np.where(foreign, q0 * b1, 0.0).sum()) / world_base - 1.0
            if world_base > 0
            else math.nan
        ),
        "iterations": iterations,
        "max_residual": residual,
    }
    return MarketSolution(
        method=method,
        problem=problem,
        price_change=price_ratio - 1.0,
        quantity_before=q0,
        quantity_after=q1,
        border_price_before=b0,
        border_price_after=b1,
        consumer_price_before=p0,
        consumer_price_after=p1,
        producer_price_before=producer_before,
        producer_price_after=producer_after,
        supply_before=base.x0,
        supply_after=supply_after,
        composite_price_change=composite - 1.0,
        consumer_surplus_change=cs,
        producer_surplus_change=ps,
        revenue_change=revenue_change,
        subsidy_cost=subsidy_cost,
        rent_change=rent_change,
        terms_of_trade_effect=tot,
        iterations=iterations,
        residual=residual,
        build_tables=build_tables,
        summary=summary,
    )


# --- one importing market ------------------------------------------------------------


def solve_single_market(
    quantities: npt.ArrayLike,
    prices: npt.ArrayLike,
    member: npt.ArrayLike,
    *,
    import_demand_elasticity: float,
    substitution_elasticity: float,
    supply_elasticity: float | npt.ArrayLike | None = None,
    tariff_before: npt.ArrayLike = 0.0,
    tariff_after: npt.ArrayLike = 0.0,
    floor_before: npt.ArrayLike = 0.0,
    floor_after: npt.ArrayLike = 0.0,
    floor_cap_ad_valorem: float | npt.ArrayLike | None = None,
    floor_cap_specific: float | npt.ArrayLike | None = None,
    rest_of_world_share: float | npt.ArrayLike | None = None,
    origins: Sequence[str] | None = None,
    market: str = "IMPORTER",
    method: Method = "exact",
    tolerance: float = 1e-9,
    max_iterations: int = 100,
) -> MarketSolution:
    """One importing market with one origin per flow (the price-floor and
    trade-response calculators' case).

    ``quantities``, ``prices``, ``member``, tariffs, floors and the floors' levy caps
    (None: no cap; the same caps before and after) are per flow;
    ``supply_elasticity`` None or ``inf`` is a price taker. With
    ``rest_of_world_share`` s (per flow or one number, 0 ≤ s < 1) each origin also
    sells ``q·s/(1 − s)`` to a market ``ROW`` with the same elasticities and no
    measures, so finite-ε supply can go there; without it origins supply only this
    market.
    """
    q = np.atleast_1d(np.asarray(quantities, dtype=np.float64))
    n = q.size
    price = np.broadcast_to(np.asarray(prices, dtype=np.float64), (n,)).copy()
    eps_in = np.inf if supply_elasticity is None else supply_elasticity
    eps = np.broadcast_to(np.asarray(eps_in, dtype=np.float64), (n,)).copy()
    codes = (
        tuple(origins) if origins is not None else tuple(f"flow {i}" for i in range(n))
    )
    if len(codes) != n:
        raise InputError.at(("origins",), f"Give {n} origin codes.")
    market_codes: tuple[str, ...] = (market,)
    matrix = q[:, None]
    member_market = np.array([True])

    def route(x: npt.ArrayLike) -> FloatArray:
        return np.broadcast_to(np.asarray(x, dtype=np.float64), (n,))[:, None]

    cols = [
        route(tariff_before),
        route(tariff_after),
        route(floor_before),
        route(floor_after),
        route(np.inf if floor_cap_ad_valorem is None else floor_cap_ad_valorem),
        route(np.inf if floor_cap_specific is None else floor_cap_specific),
    ]
    if rest_of_world_share is not None:
        share = np.broadcast_to(np.asarray(rest_of_world_share, dtype=np.float64), (n,))
        if not ((share >= 0) & (share < 1)).all():
            raise InputError.at(("rest_of_world_share",), "Must be in [0, 1).")
        matrix = np.column_stack([q, q * share / (1.0 - share)])
        market_codes = (market, "ROW")
        member_market = np.array([True, False])
        cols = [
            np.column_stack([c, np.full(n, np.inf if i >= 4 else 0.0)])
            for i, c in enumerate(cols)
        ]
    n_v = len(market_codes)
    capped = floor_cap_ad_valorem is not None or floor_cap_specific is not None
    caps: dict[str, Any] = (
        {"floor_cap_ad_valorem": cols[4], "floor_cap_specific": cols[5]}
        if capped
        else {}
    )
    problem = Problem(
        market_codes=market_codes,
        import_demand_elasticity=np.full(n_v, float(import_demand_elasticity)),
        substitution_elasticity=np.full(n_v, float(substitution_elasticity)),
        member_market=member_market,
        origin_codes=codes,
        price=price,
        supply_elasticity=np.where(eps >= 99.0, np.inf, eps),  # ≥ 99: WITS's infinite
        member_origin=np.broadcast_to(np.asarray(member, dtype=bool), (n,)).copy(),
        domestic_market=np.full(n, -1, dtype=np.int64),
        quantity=matrix,
        before=Regime.of(n, n_v, ad_valorem=cols[0], floor=cols[2], **caps),
        after=Regime.of(n, n_v, ad_valorem=cols[1], floor=cols[3], **caps),
    )
    return solve(problem, method, tolerance=tolerance, max_iterations=max_iterations)

"""The problem: origins, markets, routes, base data and the measures of each regime, and
its building from plain records."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from instruments.calculators.arrays import BoolArray, FloatArray, IntArray
from instruments.calculators.errors import ErrorCollector, InputError
from instruments.calculators.translation import gettext

MeasureKind = Literal[
    "ad_valorem", "specific", "floor", "undertaking", "price_gap_subsidy"
]
Method = Literal["exact", "gsim"]
Selector = str | Sequence[str]
"""A list of codes, or one of the words ``all``, ``members``, ``non_members``."""

SELECTOR_WORDS = ("all", "members", "non_members")
BORDER_KINDS = ("ad_valorem", "specific", "floor", "undertaking")


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
    home: BoolArray | None = None
    demand_shift: FloatArray | None = None
    """(V,) extra demand for the market's composite as a share of its base quantity
    ``Σ_r q0`` (a stockpile's purchases > 0, its release < 0): imports are then
    ``q0·p̂^(−σ)·P̂^σ·(P̂^η + shift)``; None or 0 is the model of §9."""

    def __post_init__(self) -> None:
        errors = ErrorCollector()
        n_r, n_v = len(self.origin_codes), len(self.market_codes)
        if np.shape(self.quantity) != (n_r, n_v):
            errors.add(
                ("flows",),
                gettext("Quantities must be {n_r} origins × {n_v} markets.").format(
                    n_r=n_r, n_v=n_v
                ),
            )
            errors.raise_if_any()
        q = np.asarray(self.quantity, dtype=np.float64)
        eta = np.asarray(self.import_demand_elasticity, dtype=np.float64)
        sigma = np.asarray(self.substitution_elasticity, dtype=np.float64)
        eps = np.asarray(self.supply_elasticity, dtype=np.float64)
        price = np.asarray(self.price, dtype=np.float64)
        dom = np.asarray(self.domestic_market)
        if not (np.isfinite(q).all() and (q >= 0).all()):
            errors.add(("flows",), gettext("Quantities must be finite and ≥ 0."))
        if eta.shape != (n_v,) or not (np.isfinite(eta).all() and (eta < 0).all()):
            errors.add(("markets",), gettext("Import demand elasticities must be < 0."))
        if sigma.shape != (n_v,) or not (
            np.isfinite(sigma).all() and (sigma > 0).all()
        ):
            errors.add(("markets",), gettext("Substitution elasticities must be > 0."))
        if eps.shape != (n_r,) or np.isnan(eps).any() or (eps < 0).any():
            errors.add(
                ("origins",), gettext("Supply elasticities must be ≥ 0 (inf allowed).")
            )
        if price.shape not in ((n_r,), (n_r, n_v)) or not (
            np.isfinite(price).all() and (price > 0).all()
        ):
            errors.add(("origins",), gettext("Base prices must be finite and > 0."))
        if dom.shape != (n_r,) or ((dom < -1) | (dom >= n_v)).any():
            errors.add(("origins",), gettext("Domestic market indices out of range."))
        errors.raise_if_any()
        foreign_market = np.arange(n_v)[None, :] != dom[:, None]
        if ((dom[:, None] >= 0) & foreign_market & (q > 0)).any():
            errors.add(
                ("flows",), gettext("A domestic origin sells only to its own market.")
            )
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
                errors.add((name,), gettext("Measure arrays have the wrong shape."))
                continue
            if not all(np.isfinite(a).all() for a in (*arrays, regime.strike)):
                errors.add((name,), gettext("Measures must be finite."))
            elif (regime.ad_valorem <= -1).any():
                errors.add((name,), gettext("Ad valorem rates must be > −1."))
            elif any((a < 0).any() for a in (*arrays[1:], regime.strike)):
                errors.add((name,), gettext("Levels and strikes must be ≥ 0."))
            for cap in (regime.floor_cap_ad_valorem, regime.floor_cap_specific):
                if cap is None:
                    continue
                if np.shape(cap) != (n_r, n_v):
                    errors.add((name,), gettext("Levy caps have the wrong shape."))
                elif np.isnan(cap).any() or (cap < 0).any():
                    errors.add((name,), gettext("Levy caps must be ≥ 0 (inf = none)."))
            base = price if price.ndim == 1 else price.max(axis=1)
            taker_bound = np.isinf(eps) & (regime.strike > base)
            if taker_bound.any():
                errors.add(
                    (name,),
                    gettext(
                        "A price-gap subsidy above the price needs a finite supply "
                        "elasticity (a price taker would supply without limit)."
                    ),
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


def home_routes(problem: Problem | _SelectorContext) -> BoolArray:
    """(R, V): an economy's sales at home (flows marked ``home``, from an origin to
    the market of its own code, as the stored baseline builds them). They cross no
    border: no border measure reaches them and they are not imports."""
    shape = (len(problem.origin_codes), len(problem.market_codes))
    return np.zeros(shape, dtype=bool) if problem.home is None else problem.home


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
    home: bool = False


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
            errors.add((name,), gettext("Give at least one."))
        seen: set[str] = set()
        for i, code in enumerate(codes):
            if code in seen:
                errors.add(
                    (name, i, "code"),
                    gettext("{code!r} appears twice.").format(code=code),
                )
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
                    gettext("{domestic_market!r} is not a market.").format(
                        domestic_market=o.domestic_market
                    ),
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
    home = np.zeros((n_r, n_v), dtype=bool)
    for i, f in enumerate(flows):
        r, v = o_index.get(f.origin), m_index.get(f.market)
        if r is None:
            errors.add(
                ("flows", i, "origin"),
                gettext("{origin!r} is not an origin.").format(origin=f.origin),
            )
        if v is None:
            errors.add(
                ("flows", i, "market"),
                gettext("{market!r} is not a market.").format(market=f.market),
            )
        if r is None or v is None:
            continue
        if dom[r] >= 0 and dom[r] != v:
            errors.add(
                ("flows", i, "market"),
                gettext(
                    "{origin!r} is {market!r}'s own producers; it sells only there."
                ).format(origin=f.origin, market=market_codes[dom[r]]),
            )
        if not (math.isfinite(f.quantity) and f.quantity >= 0):
            errors.add(("flows", i, "quantity"), gettext("Must be ≥ 0."))
        quantity[r, v] += f.quantity
        listed[r, v] = True
        if f.home:
            if origin_codes[r] != market_codes[v]:
                errors.add(
                    ("flows", i, "home"),
                    gettext(
                        "Sales at home go from an origin to the market of the same code."
                    ),
                )
            home[r, v] = True
        if f.price is not None:
            if not (math.isfinite(f.price) and f.price > 0):
                errors.add(("flows", i, "price"), gettext("Must be > 0."))
            route_price[r, v] = f.price
    context = _SelectorContext(
        market_codes, origin_codes, member_market, member_origin, dom, home
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
        home=home if home.any() else None,
    )


@dataclass(frozen=True)
class _SelectorContext:
    market_codes: tuple[str, ...]
    origin_codes: tuple[str, ...]
    member_market: BoolArray
    member_origin: BoolArray
    domestic_market: IntArray
    home: BoolArray | None = None


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
            gettext("{selector!r} is not a list of codes nor one of: {words}.").format(
                selector=selector, words=", ".join(SELECTOR_WORDS)
            ),
        )
        return np.zeros(len(codes), dtype=bool)
    index = {c: i for i, c in enumerate(codes)}
    mask = np.zeros(len(codes), dtype=bool)
    unknown = [str(c) for c in selector if c not in index]
    if unknown:
        errors.add(
            path, gettext("Unknown code(s): {codes}.").format(codes=", ".join(unknown))
        )
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
    domestic origin (a word selector skips it; naming it is an error) nor an
    economy's sales at home (``home_routes``); a price-gap
    subsidy reaches only domestic origins, of the markets selected.
    """
    n_r, n_v = len(context.origin_codes), len(context.market_codes)
    t, s, f, u = (np.zeros((n_r, n_v)) for _ in range(4))
    k = np.zeros(n_r)
    domestic = context.domestic_market >= 0
    home = home_routes(context)
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
            errors.add(
                (*here, "kind"),
                gettext("{kind!r} is not a measure kind.").format(kind=m.kind),
            )
            continue
        value = getattr(m, value_field)
        if value is None or not math.isfinite(value):
            errors.add(
                (*here, value_field),
                gettext("A {kind} measure needs a {value_field}.").format(
                    kind=m.kind, value_field=value_field
                ),
            )
            continue
        if m.kind == "ad_valorem" and value <= -1:
            errors.add((*here, value_field), gettext("Must be greater than −1."))
            continue
        if m.kind != "ad_valorem" and value < 0:
            errors.add((*here, value_field), gettext("Must be at least 0."))
            continue
        if m.kind == "price_gap_subsidy":
            if explicit and (origins & ~domestic).any():
                errors.add(
                    (*here, "origins"),
                    gettext(
                        "A price-gap subsidy is paid to a market's own producers only."
                    ),
                )
            dom_ok = domestic & markets[np.maximum(context.domestic_market, 0)]
            hit = origins & dom_ok
            k[hit] = np.maximum(k[hit], value)
            continue
        if explicit and (origins & domestic).any():
            errors.add(
                (*here, "origins"),
                gettext(
                    "Own producers have no border; border measures do not apply to them."
                ),
            )
        mask = (origins & ~domestic)[:, None] & markets[None, :] & ~home
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

"""The market model (package): one exact multi-market partial equilibrium for every trade response.

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

Modules: ``problem`` (the problem and its building from records), ``exact`` (the
exact solver), ``gsim`` (the linearised method and its published example), ``accounts``
(the solution, welfare, rows and countries), ``equilibrium`` (``solve``, ``clear``,
``solve_single_market``).

One importing market: build a Problem with one market (optionally a rest-of-world
market so finite-ε supply has somewhere to go) or call ``solve_single_market``.
"""

from __future__ import annotations

from instruments.calculators.market.accounts import (
    COUNTRY_COLUMNS,
    ROW_COLUMNS,
    MarketSolution,
)
from instruments.calculators.market.equilibrium import (
    Cleared,
    clear,
    solve,
    solve_single_market,
)
from instruments.calculators.market.problem import (
    BORDER_KINDS,
    SELECTOR_WORDS,
    EquilibriumError,
    Flow,
    Market,
    Measure,
    MeasureKind,
    Method,
    Origin,
    Problem,
    Regime,
    Selector,
    build_problem,
    build_regime,
    home_routes,
    measures_from_records,
)

__all__ = [
    "BORDER_KINDS",
    "COUNTRY_COLUMNS",
    "ROW_COLUMNS",
    "SELECTOR_WORDS",
    "Cleared",
    "EquilibriumError",
    "Flow",
    "Market",
    "MarketSolution",
    "Measure",
    "MeasureKind",
    "Method",
    "Origin",
    "Problem",
    "Regime",
    "Selector",
    "build_problem",
    "build_regime",
    "clear",
    "home_routes",
    "measures_from_records",
    "solve",
    "solve_single_market",
]

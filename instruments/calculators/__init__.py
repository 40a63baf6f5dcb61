"""The calculator engine: pure, typed, vectorised instruments, and their registry.

``REGISTRY`` maps each slug (the API path and page URL segment) to its ``Calculator``;
``get_calculator(slug)`` raises ``KeyError`` for an unknown slug. Importing this package
loads numpy, pandas and scipy only: no Django, ORM, Plotly or HTML (a test proves it);
pint is loaded on first use of a unit.

Modules: ``base`` (declared inputs, errors, results), ``units`` (units, currencies,
periods, discounting), ``series`` (series fields), ``simulation`` (GBM, Schwartz),
``valuation`` (Black-76), ``limits`` (per-request limits), and one module per
instrument: ``price_floor``, ``trade_response``, ``standards_market``,
``price_gap_subsidy``, ``offtake``, ``plurilateral`` (on ``market``, the exact
multi-market equilibrium), the package ``project_support`` (§12: a project's cash
flows under each support instrument) and ``stockpile`` (§11: disruptions and stocks,
month by month on ``market``).
"""

from __future__ import annotations

from instruments.calculators import (
    offtake,
    plurilateral,
    price_floor,
    price_gap_subsidy,
    project_support,
    standards_market,
    stockpile,
    trade_response,
)
from instruments.calculators.base import Calculator, InputError, Output, Result
from instruments.calculators.limits import (
    FAN_SAMPLE,
    MAX_FLOWS,
    MAX_HISTORY,
    MAX_PATH_STEPS,
    MAX_PATHS,
    MAX_PERIODS,
    MAX_PRODUCERS,
    MAX_STEPS,
    MAX_SUPPLIERS,
    SIMULATION_CHUNK,
)

REGISTRY: dict[str, Calculator] = {
    calculator.slug: calculator
    for calculator in (
        price_floor.CALCULATOR,
        trade_response.CALCULATOR,
        standards_market.CALCULATOR,
        price_gap_subsidy.CALCULATOR,
        offtake.CALCULATOR,
        plurilateral.CALCULATOR,
        project_support.CALCULATOR,
        stockpile.CALCULATOR,
    )
}


def get_calculator(slug: str) -> Calculator:
    """The calculator registered under ``slug``; ``KeyError`` if there is none."""
    try:
        return REGISTRY[slug]
    except KeyError:
        raise KeyError(
            f"No calculator {slug!r}; known: {', '.join(sorted(REGISTRY))}."
        ) from None


__all__ = [
    "FAN_SAMPLE",
    "MAX_FLOWS",
    "MAX_HISTORY",
    "MAX_PATHS",
    "MAX_PATH_STEPS",
    "MAX_PERIODS",
    "MAX_PRODUCERS",
    "MAX_STEPS",
    "MAX_SUPPLIERS",
    "REGISTRY",
    "SIMULATION_CHUNK",
    "Calculator",
    "InputError",
    "Output",
    "Result",
    "get_calculator",
]

"""The elasticity fields of every calculator with a trade response, declared once.

``Elasticities`` is the SMART group (trade response, price floor, standards market);
the plurilateral calculator's markets and origins take the same fields under their
own names and defaults through the spec factories.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from instruments.calculators.base import spec

DEMAND_HELP = (
    "How much imports fall when their price rises by 1 %: a negative number "
    "(−1.5 means imports fall 1.5 %)."
)
SUPPLY_HELP = (
    "How much exporters supply more when they are paid 1 % more. Leave empty (or 99 "
    "and above) for unlimited supply at the world price, the usual assumption."
)
SUBSTITUTION_HELP = (
    "How readily buyers switch between origins when their relative price changes "
    "(1.5 is the usual default)."
)


def demand_elasticity_spec() -> Any:
    """The import demand elasticity η < 0 (required)."""
    return spec(
        "Import demand elasticity",
        min_value=-20.0,
        max_value=0.0,
        exclusive_max=True,
        help=DEMAND_HELP,
    )


def substitution_elasticity_spec(*, default: float, exclusive_min: bool) -> Any:
    """The Armington substitution elasticity σ between origins."""
    return spec(
        "Substitution elasticity",
        default=default,
        min_value=0.0,
        exclusive_min=exclusive_min,
        max_value=50.0,
        help=SUBSTITUTION_HELP,
    )


def supply_elasticity_spec(
    label: str,
    *,
    help: str,
    exclusive_min: bool = False,
    max_value: float | None = None,
) -> Any:
    """A supply elasticity ε ≥ 0; empty (None) is unlimited supply, a price taker."""
    return spec(
        label,
        default=None,
        min_value=0.0,
        exclusive_min=exclusive_min,
        max_value=max_value,
        help=help,
    )


@dataclass(frozen=True, kw_only=True)
class Elasticities:
    """The three elasticities of the SMART model, declared once for every calculator
    with a trade response."""

    import_demand_elasticity: float = demand_elasticity_spec()
    export_supply_elasticity: float | None = supply_elasticity_spec(
        "Export supply elasticity", help=SUPPLY_HELP, exclusive_min=True
    )
    substitution_elasticity: float = substitution_elasticity_spec(
        default=1.5, exclusive_min=False
    )

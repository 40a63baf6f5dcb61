"""The goods made from a stored commodity (its value chain)."""

from __future__ import annotations

from typing import Any

from instruments import selectors
from instruments.calculators.base import Calculator
from instruments.calculators.extras import find_rows_field
from instruments.calculators.units import quantity_factor
from instruments.services import table_versions
from instruments.services.stored_inputs.request import StoredRequest


def fill_downstream_goods(
    *, calculator: Calculator, resolved: dict[str, Any], commodity: str | None
) -> list[dict[str, Any]] | None:
    """With a stored commodity and no goods typed, the goods made from it (its value
    chain), each with the commodity's content per tonne of the good."""
    field = find_rows_field(calculator, "name", "content_factor")
    if commodity is None or field is None or resolved.get(field) not in (None, [], ""):
        return None
    factor = quantity_factor("t", f"USD/{resolved.get('quantity_unit') or 't'}")
    goods = [
        {"name": name, "content_factor": content * factor, "unit": "t"}
        for _, name, content in downstream_goods(commodity)
    ]
    if goods:
        resolved[field] = goods
    return goods or None


def downstream_goods(commodity: str) -> list[tuple[str, str, float]]:
    """``selectors.get_downstream_goods``, kept in the shared cache under the
    commodities' version (shared: read-only)."""
    return table_versions.cached_read(
        name=f"downstream-goods:{commodity!r}",
        tables=("commodity",),
        read=lambda: selectors.get_downstream_goods(commodity),
    )


def fill_goods(request: StoredRequest) -> list[dict[str, Any]] | None:
    return fill_downstream_goods(
        calculator=request.calculator,
        resolved=request.resolved,
        commodity=request.extras.flows.commodity,
    )

"""A commodity's stored producers as a calculator's suppliers or cost curve."""

from __future__ import annotations

from typing import Any

import pandas as pd
from django.utils.translation import gettext

from instruments import selectors
from instruments.calculators.base import Calculator, InputError, describe
from instruments.calculators.extras import find_rows_field
from instruments.calculators.units import convert_price, quantity_factor
from instruments.presentation.jsonify import json_value

# The stored producers' emission scopes, in the calculators' spelling.
_SCOPES = {"scope1": "scope_1", "scope1_2": "scope_1_2", "scope1_2_3": "scope_1_2_3"}


def fill_stored_suppliers(
    calculator: Calculator, resolved: dict[str, Any], commodity: str
) -> list[dict[str, Any]] | None:
    """A standards market with no typed suppliers takes the commodity's stored
    producers that report a carbon intensity: capacity as quantity, intensity, scope,
    audit score and traceability (stored values count as verified)."""
    field = find_rows_field(calculator, "name", "quantity", "intensity")
    if field is None or resolved.get(field) not in (None, "", []):
        return None
    producers = selectors.get_producers(commodity).dropna(
        subset=["carbon_intensity", "capacity"]
    )
    if producers.empty:
        raise InputError.at(
            (field,),
            gettext(
                "No producers with a carbon intensity are stored for '{commodity}'; type the suppliers in."
            ).format(commodity=commodity),
        )
    quantity_unit = str(resolved.get("quantity_unit") or "t")
    suppliers = []
    for producer in producers.to_dict(orient="records"):
        capacity_unit = str(producer["capacity_unit"] or "t").split("/")[0].strip()
        factor = quantity_factor(capacity_unit, f"USD/{quantity_unit}")
        supplier: dict[str, Any] = {
            "name": producer["name"],
            "quantity": float(producer["capacity"]) * factor,
            "intensity": float(producer["carbon_intensity"]),
            "traceable": bool(producer["traceable"]),
            "verified": True,
        }
        if producer["intensity_scope"] in _SCOPES:
            supplier["scope"] = _SCOPES[producer["intensity_scope"]]
        if pd.notna(producer["audit_score"]):
            supplier["score"] = float(producer["audit_score"])
        suppliers.append(supplier)
    resolved[field] = suppliers
    return [
        {**supplier, "is_illustrative": bool(producer["is_illustrative"])}
        for supplier, producer in zip(
            suppliers, producers.to_dict(orient="records"), strict=True
        )
    ]


def fill_stored_producer_costs(
    calculator: Calculator, resolved: dict[str, Any], commodity: str
) -> list[dict[str, Any]] | None:
    """A cost-curve floor with no typed costs takes the commodity's stored producers:
    their unit costs (converted into the price unit) and capacities as volumes."""
    declared = {fs.name for fs in describe(calculator.inputs)}
    if (
        "producer_costs" not in declared
        or resolved.get("reference_basis") != "cost_percentile"
        or resolved.get("producer_costs") not in (None, "", [])
    ):
        return None
    producers = selectors.get_producers(commodity).dropna(subset=["unit_cost"])
    producers = producers[producers["cost_unit"] != ""]
    if producers.empty:
        raise InputError.at(
            ("producer_costs",),
            gettext(
                "No producer costs are stored for '{commodity}'; type them in."
            ).format(commodity=commodity),
        )
    price_unit = str(resolved["price_unit"])
    converted = producers["unit_cost"].to_numpy(dtype=float).copy()
    for unit, rows in producers.groupby("cost_unit").indices.items():
        converted[rows] = convert_price(converted[rows], str(unit), price_unit)
    costs = [float(cost) for cost in converted]
    resolved["producer_costs"] = costs
    if producers["capacity"].notna().all():
        resolved["producer_volumes"] = [float(c) for c in producers["capacity"]]
    return [
        {
            "name": name,
            "unit_cost": cost,
            "capacity": json_value(capacity),
            "is_illustrative": bool(illustrative),
        }
        for name, cost, capacity, illustrative in zip(
            producers["name"],
            costs,
            producers["capacity"],
            producers["is_illustrative"],
            strict=True,
        )
    ]

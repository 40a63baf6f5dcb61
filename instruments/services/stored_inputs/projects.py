"""A project of the register (§12) in place of the typed one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext

from instruments import selectors
from instruments.calculators.base import InputError
from instruments.calculators.extras import project_field
from instruments.services.stored_inputs.request import StoredRequest

_UNITS = ("price_unit", "quantity_unit")


def fill_project(request: StoredRequest) -> dict[str, Any] | None:
    """Replace the typed ``project`` by the stored one ``stored_project`` names: its
    units become the request's (its capacity and costs are in them) and, when no
    price is typed (no price path, history, simulation start price or commodity), its
    commodity names the stored prices the simulation starts from and is estimated
    from. What was used, or None."""
    if project_field(request.calculator) is None:
        return None
    lift_project_units(request.resolved)
    slug = request.given.get("stored_project")
    if not slug:
        return None
    if not isinstance(slug, str):
        raise InputError.at(
            ("stored_project",), gettext("Give the project's code (slug).")
        )
    stored = selectors.get_project(slug.strip(), field="stored_project")
    project = dict(stored)
    resolved = request.resolved
    resolved["project"] = project
    lift_project_units(resolved)
    simulation = resolved.get("simulation")
    typed_price = any(
        resolved.get(name) not in (None, "", [])
        for name in ("price_path", "price_history")
    ) or (
        isinstance(simulation, Mapping)
        and any(
            simulation.get(name) not in (None, "", [])
            for name in ("start_price", "price_history")
        )
    )
    given = request.given
    if isinstance(given, dict) and not typed_price and not given.get("commodity"):
        given["commodity"] = project["commodity"]
    return {
        "slug": slug.strip(),
        "name": project["name"],
        "commodity": project["commodity"],
        "price_unit": stored.get("price_unit"),
        "quantity_unit": stored.get("quantity_unit"),
    }


def lift_project_units(resolved: dict[str, Any]) -> None:
    """A project given with its own units (as the register's dicts carry them):
    they become the request's, since its capacity and costs are in them (the
    calculator does the same; here the result's units follow)."""
    project = resolved.get("project")
    if not isinstance(project, Mapping):
        return
    for unit in _UNITS:
        value = project.get(unit)
        if isinstance(value, str) and value.strip():
            resolved[unit] = value

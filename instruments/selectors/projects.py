"""The project register as plain dicts of INSTRUMENTS.md §12's project inputs.

``get_project(slug)`` is what a calculator's ``project`` takes: §12's names, numbers
as floats, ``capex`` a number or a list by construction year, ``debt`` nested as
``{"share", "rate", "tenor_years"}``, the country as ISO3 and the commodity as its
code, plus §1's units (``quantity_unit`` of capacity, ``price_unit`` of unit opex and
the benchmark price). ``get_projects`` lists them with what the register says about
each (status, illustrative, sources, assumptions).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from instruments.calculators.base import InputError
from instruments.models import Project

PROJECT_INPUTS = (
    "name",
    "stage",
    "country",
    "commodity",
    "capacity",
    "quantity_unit",
    "price_unit",
    "ramp_up",
    "capex",
    "construction_years",
    "life_years",
    "unit_opex",
    "fixed_opex",
    "realised_share",
    "tax_rate",
    "discount_rate",
    "debt",
)
"""The keys of ``get_project``'s dict: §12's project, plus §1's two units."""


def _projects() -> QuerySet[Project]:
    return Project.objects.select_related("country", "commodity").order_by("name")


def project_inputs(project: Project) -> dict[str, Any]:
    """A stored project as §12's project inputs (plain Python values)."""
    capex = project.capex
    return {
        "name": project.name,
        "stage": project.stage,
        "country": project.country.iso3,
        "commodity": project.commodity.code,
        "capacity": float(project.capacity),
        "quantity_unit": project.quantity_unit,
        "price_unit": project.price_unit,
        # No ramp-up stated: full capacity from the first year (an empty list is
        # refused by the calculator); no debt share: no debt (nor its zero tenor).
        "ramp_up": (
            [float(share) for share in project.ramp_up] if project.ramp_up else None
        ),
        "capex": (
            [float(amount) for amount in capex]
            if isinstance(capex, list)
            else float(capex)
        ),
        "construction_years": int(project.construction_years),
        "life_years": int(project.life_years),
        "unit_opex": float(project.unit_opex),
        "fixed_opex": float(project.fixed_opex),
        "realised_share": float(project.realised_share),
        "tax_rate": float(project.tax_rate),
        "discount_rate": float(project.discount_rate),
        "debt": (
            {
                "share": float(project.debt_share),
                "rate": float(project.debt_rate),
                "tenor_years": int(project.debt_tenor_years),
            }
            if project.debt_share
            else None
        ),
    }


def get_project(slug: str, *, field: str = "project") -> dict[str, Any]:
    """The stored project ``slug`` as §12's project inputs; an unknown slug is an
    ``InputError`` at ``field``."""
    project = _projects().filter(slug=str(slug)).first()
    if project is None:
        raise InputError.at((field,), f"Unknown project '{slug}'.")
    return project_inputs(project)


def get_projects(
    *,
    commodity: str | None = None,
    stage: str | None = None,
    country: str | None = None,
    status: str | None = None,
    illustrative: bool | None = None,
) -> list[dict[str, Any]]:
    """Every stored project (or those matching the filters), by name: each a dict
    ``{"slug", "name", "status", "illustrative", "sources", "assumptions",
    "project"}`` where ``project`` is ``get_project``'s dict."""
    queryset = _projects()
    if commodity:
        queryset = queryset.filter(commodity__code=commodity)
    if stage:
        queryset = queryset.filter(stage=stage)
    if country:
        queryset = queryset.filter(country__iso3=country.upper())
    if status:
        queryset = queryset.filter(status=status)
    if illustrative is not None:
        queryset = queryset.filter(illustrative=illustrative)
    return [
        {
            "slug": project.slug,
            "name": project.name,
            "status": project.status,
            "illustrative": project.illustrative,
            "sources": project.sources,
            "assumptions": project.assumptions,
            "project": project_inputs(project),
        }
        for project in queryset
    ]

"""The project pipeline (INSTRUMENTS.md §12): every stored project run against each
support instrument, each solved for the lowest level that meets the bankability
target, ranked by the expected cost to the state per tonne of capacity outside the
dominant supplier, with each project's bankability gap.

The one call of the ``project-support`` calculator is ``run_project_support``; the
request it sends is built by ``support_request`` from §12's names. The whole table is
kept under the versions of the tables it reads (``table_versions.cached_read``): the
same answer until a steward changes a project, a price or the production data.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd

from instruments import selectors
from instruments.calculators import REGISTRY
from instruments.calculators.base import InputError
from instruments.services.calculation import run_calculation
from instruments.services.table_versions import cached_read

CALCULATOR = "project-support"
SUPPORT_KINDS = (
    "price_floor",
    "two_sided_cfd",
    "offtake_fixed",
    "offtake_collar",
    "capex_grant",
    "concessional_loan",
)
"""§12's support instruments, in its order."""

METRICS = {
    "probability_npv_positive": "probability_npv_positive",
    "p10_min_dscr": "min_dscr_p10",
    "p50_irr": "irr_p50",
}
"""§12's bankability metrics and the summary figure each reads."""

PIPELINE_TABLES = (
    "project",
    "commodity",
    "price_series",
    "source_edition",
    "series_edition",
    "price_observation",
    "fx_rate",
    "partner",
    "production_volume",
    "commodity_production",
)
"""What the pipeline reads: the register, the prices its simulations are estimated
from, and the production that names each commodity's dominant supplier."""

_TONNES = {"t": 1.0, "kg": 0.001}


@dataclass(frozen=True)
class PipelineChoice:
    """What the pipeline asks of every project: the bankability target (§12), an
    optional price war by the dominant supplier (``dominant``, ISO3: the capacity
    that counts is outside it; ``strategic_response``) and the
    price model (§5: ``gbm`` or ``schwartz``, estimated from each commodity's stored
    history)."""

    metric: str = "probability_npv_positive"
    target: float = 0.9
    price_war_cut: float = 0.0
    price_war_years: int = 0
    model: str = "schwartz"
    dominant: str = "CHN"
    paths: int = 500
    seed: int = 2026

    @property
    def key(self) -> str:
        return ";".join(f"{k}={v}" for k, v in asdict(self).items())


def support_request(slug: str, choice: PipelineChoice) -> dict[str, Any]:
    """The ``project-support`` request for the stored project ``slug`` (§12's names):
    the project, its units and its commodity's stored prices filled by the
    ``stored_project`` input; every instrument solved for the lowest level that
    meets the target."""
    request: dict[str, Any] = {
        "stored_project": slug,
        "simulation": {
            "model": choice.model,
            "paths": choice.paths,
            "seed": choice.seed,
        },
        "support": [{"kind": kind, "solve": True} for kind in SUPPORT_KINDS],
        "bankability": {"metric": choice.metric, "target": choice.target},
    }
    if choice.price_war_cut > 0 and choice.price_war_years > 0:
        request["strategic_response"] = {
            "cut": choice.price_war_cut,
            "years": choice.price_war_years,
        }
    return request


def run_project_support(request: Mapping[str, Any]) -> dict[str, Any]:
    """The one call of the calculator: §12's summary and its ``support`` table (a
    row per instrument) as plain dicts. Raises ``KeyError`` when the calculator is
    not installed and ``InputError`` for a project it cannot run."""
    calculation = run_calculation(slug=CALCULATOR, data=request)
    result = calculation.result
    table = result.extras.get("support")
    if table is None and "kind" in result.rows.columns:
        table = result.rows
    if isinstance(table, pd.DataFrame):
        support = table.to_dict(orient="records")
    else:
        support = [dict(row) for row in table or []]
    return {"summary": dict(result.summary), "support": support}


def calculator_installed() -> bool:
    """Whether the ``project-support`` calculator is in the registry."""
    return CALCULATOR in REGISTRY


def dominant_suppliers(commodities: set[str]) -> dict[str, dict[str, Any]]:
    """Each commodity's largest producer in the latest stored year of its production
    series (USGS MCS: mine output for most): ``{"country", "share", "year",
    "basis"}`` (commodities without production data left out). Shown beside the
    ranking; which supplier the ranking is outside of is the choice's ``dominant``,
    since for refined stages the largest miner is not the dominant refiner."""
    found: dict[str, dict[str, Any]] = {}
    for code in sorted(commodities):
        production = selectors.get_production_by_country(code, 2100)
        if production is None:
            continue
        named = {c: q for c, q in production.quantities.items() if c != "ROW"}
        total = sum(production.quantities.values())
        if not named or total <= 0:
            continue
        country = max(named, key=lambda c: named[c])
        found[code] = {
            "country": country,
            "share": named[country] / total,
            "year": production.year,
            "basis": production.basis,
        }
    return found


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _project_row(
    record: Mapping[str, Any],
    choice: PipelineChoice,
    dominant: Mapping[str, Mapping[str, Any]],
    *,
    run: bool = True,
) -> dict[str, Any]:
    """One project's line: its gap and every instrument (``run``), else the
    register's figures alone."""
    project = record["project"]
    tonnes = float(project["capacity"]) * _TONNES.get(project["quantity_unit"], 1.0)
    largest = dominant.get(project["commodity"])
    row: dict[str, Any] = {
        "slug": record["slug"],
        "name": record["name"],
        "stage": project["stage"],
        "country": project["country"],
        "commodity": project["commodity"],
        "status": record["status"],
        "illustrative": record["illustrative"],
        "capacity_tonnes": tonnes,
        "price_unit": project["price_unit"],
        "dominant_supplier": choice.dominant,
        "largest_producer": largest["country"] if largest else None,
        "outside_dominant": project["country"] != choice.dominant,
        "error": None,
        "instruments": [],
        "cheapest": None,
        "cost_per_tonne": None,
        "gap": None,
        "model": None,
    }
    if not run:
        return row
    try:
        answer, row["model"] = _run(record["slug"], choice)
    except InputError as exc:
        row["error"] = "; ".join(
            f"{' → '.join(str(p) for p in path) or 'project'}: {' '.join(messages)}"
            for path, messages in _flatten(exc.errors)
        )
        return row
    summary = answer["summary"]
    value = _number(summary.get(METRICS[choice.metric]))
    row["metric_value"] = value
    row["npv_p50"] = _number(summary.get("npv_p50"))
    row["probability_npv_positive"] = _number(summary.get("probability_npv_positive"))
    row["gap"] = None if value is None else choice.target - value
    instruments = []
    for support in answer["support"]:
        expected = _number(support.get("expected_cost"))
        instruments.append(
            {
                "kind": support.get("kind"),
                "level": _number(support.get("level")),
                "meets_target": bool(support.get("meets_target")),
                "expected_cost": expected,
                "p95_cost": _number(support.get("p95_cost")),
                "cost_per_unit_capacity_year": _number(
                    support.get("cost_per_unit_capacity_year")
                ),
                "cost_per_tonne": None
                if expected is None or tonnes <= 0
                else expected / tonnes,
            }
        )
    row["instruments"] = instruments
    meeting = [
        i for i in instruments if i["meets_target"] and i["cost_per_tonne"] is not None
    ]
    cheapest = min(meeting, key=lambda i: i["cost_per_tonne"], default=None)
    row["cheapest"] = cheapest
    if row["gap"] is not None and row["gap"] <= 0:
        row["cost_per_tonne"] = 0.0  # bankable as it stands: nothing to pay
    else:
        row["cost_per_tonne"] = cheapest["cost_per_tonne"] if cheapest else None
    return row


def _run(slug: str, choice: PipelineChoice) -> tuple[dict[str, Any], str]:
    """The calculator's answer for one project and the price model it ran on: a
    Schwartz model whose history shows no mean reversion falls back to GBM (§5), so
    that every project is ranked."""
    request = support_request(slug, choice)
    try:
        return run_project_support(request), choice.model
    except InputError as exc:
        if choice.model != "schwartz" or "simulation" not in exc.errors:
            raise
    request["simulation"] = {**request["simulation"], "model": "gbm"}
    return run_project_support(request), "gbm"


def _flatten(
    errors: Any, path: tuple[Any, ...] = ()
) -> list[tuple[tuple[Any, ...], list[str]]]:
    if isinstance(errors, Mapping):
        return [
            item
            for key, value in errors.items()
            for item in _flatten(value, (*path, key))
        ]
    if isinstance(errors, list) and all(isinstance(e, str) for e in errors):
        return [(path, errors)]
    if isinstance(errors, list):
        return [
            item
            for i, value in enumerate(errors)
            for item in _flatten(value, (*path, i))
        ]
    return [(path, [str(errors)])]


def rank_key(row: Mapping[str, Any]) -> tuple[Any, ...]:
    """Projects outside the dominant supplier first; then those some instrument
    makes bankable, cheapest per tonne of capacity first; then the rest by name."""
    cost = row.get("cost_per_tonne")
    return (
        not row["outside_dominant"],
        row.get("error") is not None,
        cost is None,
        cost if cost is not None else 0.0,
        row["name"],
    )


def build_pipeline(choice: PipelineChoice) -> dict[str, Any]:
    """Every stored project against every instrument, ranked (``rank_key``); not
    cached (``project_pipeline`` is)."""
    records = selectors.get_projects()
    dominant = dominant_suppliers({r["project"]["commodity"] for r in records})
    installed = calculator_installed()
    rows = [_project_row(record, choice, dominant, run=installed) for record in records]
    rows.sort(key=rank_key)
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return {
        "available": installed,
        "rows": rows,
        "dominant": dominant,
        "message": ""
        if installed
        else f"The '{CALCULATOR}' calculator is not installed.",
    }


def project_pipeline(choice: PipelineChoice) -> dict[str, Any]:
    """``build_pipeline`` kept under the versions of ``PIPELINE_TABLES``: computed
    once per choice until a steward changes what it reads."""
    return cached_read(
        name=f"project-pipeline:{choice.key}",
        tables=PIPELINE_TABLES,
        read=lambda: build_pipeline(choice),
    )

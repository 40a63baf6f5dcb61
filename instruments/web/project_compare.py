"""The same project under each instrument, in the one-commodity comparison of
instruments: a stored project (``?project=<slug>`` with the pipeline's target, price
model and price war) or a project-support result's request
(``?project_inputs=<JSON>``) run with every instrument solved for the same
bankability target, shown as a table, a chart and sentences."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from instruments import selectors
from instruments.calculators.base import InputError
from instruments.presentation import project_compare as shown
from instruments.presentation.charts.base import to_plain
from instruments.services import job_limits, pipeline
from instruments.services.project_compare import (
    run_same_project,
    stored_project_request,
)
from instruments.web.pipeline import PipelineForm
from instruments.web.shortcuts import throttled_response

TEMPLATE = "instruments/project_compare.html"
MAX_INPUTS_CHARS = 20_000
"""The longest ``project_inputs`` read from an address."""


class SameProjectForm(PipelineForm):
    """A stored project, and the target, price model and price war it is held to."""

    project = forms.ChoiceField(label=_("Stored project"))

    def __init__(self, *args: Any, projects: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        menu = self.fields["project"]
        assert isinstance(menu, forms.ChoiceField)
        menu.choices = projects
        del self.fields["dominant"]
        self.order_fields(["project"])


def project_choices(commodity: str = "") -> list[tuple[str, str]]:
    """The stored projects (on ``commodity`` when given) as menu choices."""
    records = selectors.get_projects(commodity=commodity or None)
    return [(str(r["slug"]), str(r["name"])) for r in records]


def same_project_form(
    request: HttpRequest, commodity: str = ""
) -> SameProjectForm | None:
    """The unbound offer on the comparison's choice page (None: no stored project)."""
    projects = project_choices(commodity)
    if not projects:
        return None
    initial = {n: f.initial for n, f in PipelineForm.base_fields.items()}
    return SameProjectForm(initial=initial, projects=projects)


def same_project_page(request: HttpRequest) -> HttpResponse | None:
    """The comparison of one project under each instrument, or None when the
    address asks for none (the scenarios' comparison then answers)."""
    if "project_inputs" in request.GET:
        data, problem = _read_inputs(request.GET["project_inputs"])
    elif "project" in request.GET:
        data, problem = _stored(request)
    else:
        return None
    if isinstance(problem, HttpResponse):
        return problem
    if not problem and data is not None:
        size = job_limits.simulation_size(data, slug=pipeline.CALCULATOR)
        if size > settings.JOBS_SYNC_MAX_PATH_STEPS:
            problem = gettext(
                "This project simulates {size} paths × steps with every instrument, "
                "more than a page computes at once; run it through the API as a job."
            ).format(size=f"{size:,}")
    if problem or data is None:
        return _problem(request, problem)
    if (limited := throttled_response(request)) is not None:
        return limited
    try:
        calculation = run_same_project(data)
    except InputError as exc:
        return _problem(request, "; ".join(_messages(exc.errors)))
    return render(request, TEMPLATE, _context(calculation))


def _read_inputs(text: str) -> tuple[dict[str, Any] | None, str]:
    if len(text) > MAX_INPUTS_CHARS:
        return None, gettext("The project's inputs are too long for an address.")
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return None, gettext("The project's inputs are not a JSON object.")
    return data, ""


def _stored(request: HttpRequest) -> tuple[dict[str, Any] | None, Any]:
    given = {k: v for k, v in request.GET.items() if k in SameProjectForm.base_fields}
    initial = {n: f.initial for n, f in PipelineForm.base_fields.items()}
    form = SameProjectForm(
        {**initial, **given, "project": request.GET.get("project", "")},
        projects=project_choices(),
    )
    if not form.is_valid():
        context = {"form": form, "problem": gettext("Check the choice below.")}
        return None, render(request, TEMPLATE, context, status=400)
    choice = form.choice()
    return stored_project_request(form.cleaned_data["project"], choice), ""


def _problem(request: HttpRequest, problem: str) -> HttpResponse:
    return render(request, TEMPLATE, {"problem": problem}, status=400)


def _messages(errors: Any, path: tuple[str, ...] = ()) -> list[str]:
    if isinstance(errors, Mapping):
        return [m for k, v in errors.items() for m in _messages(v, (*path, str(k)))]
    if isinstance(errors, list):
        return [m for v in errors for m in _messages(v, path)]
    where = " › ".join(path)
    return [f"{where}: {errors}" if where else str(errors)]


def _context(calculation: Any) -> dict[str, Any]:
    result, inputs = calculation.result, calculation.inputs
    project = inputs.get("project") or {}
    price_unit = str(project.get("price_unit") or inputs.get("price_unit") or "")
    quantity_unit = str(
        project.get("quantity_unit") or inputs.get("quantity_unit") or ""
    )
    money = str(result.summary.get("currency") or "")
    support = result.extras["support"].to_dict(orient="records")
    rows = shown.comparison_rows(support, quantity_unit, price_unit)
    name = str(project.get("name") or gettext("The project"))
    expected, bad = shown.cheapest_kinds(rows)
    calculator_url = (
        reverse("instruments:calculator", args=[pipeline.CALCULATOR])
        + "?"
        + urlencode({"inputs": json.dumps(calculation.request)})
    )
    return {
        "project_name": name,
        "commodity": project.get("commodity") or "",
        "summary": result.summary,
        "rows": rows,
        "money": money,
        "per_tonne": quantity_unit in shown.TONNES,
        "quantity_unit": quantity_unit,
        "cheapest_expected": expected,
        "cheapest_bad": bad,
        "sentences": shown.sentences(rows, result.summary, name, money),
        "warnings": str(result.summary.get("warnings") or ""),
        "figure": {
            "id": "chart-same-project",
            "script_id": "chart-same-project-data",
            "title": gettext("What each instrument costs the state"),
            "figure": to_plain(shown.figure(rows, money)),
        },
        "calculator_url": calculator_url,
    }

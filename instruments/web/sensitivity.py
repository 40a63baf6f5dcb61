"""The sensitivity page: vary one input over a range (a line chart of the headline
figures) and move each key input by ±x % (a tornado of the first headline figure).
Long work goes to a job whose page comes back here."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.vary import vary_on_headers

from instruments.api.lookups import get_calculator_or_404
from instruments.calculators.base import InputError
from instruments.calculators.sensitivity import (
    MAX_POINTS,
    get_path,
    numeric_paths,
    numeric_request,
)
from instruments.calculators.units import (
    NumberFormat,
    format_number,
    number_pattern,
    read_number,
)
from instruments.models import JobKind, JobState
from instruments.presentation import presenters
from instruments.presentation.charts.base import to_plain
from instruments.presentation.charts.sensitivity import (
    build_sweep_figure,
    build_tornado_figure,
)
from instruments.services import jobs as job_services
from instruments.services import sensitivity
from instruments.services.job_limits import JobQuotaExceeded
from instruments.services.sensitivity import Variation
from instruments.web.number_formats import get_number_format
from instruments.web.shortcuts import (
    BadInputs,
    bad_inputs_response,
    given_inputs,
    quota_response,
    run_or_bad_inputs,
    throttled_response,
)
from webapp.security import client_ip

TORNADO_INPUTS = 10
"""Inputs the sensitivity page's tornado moves (the first numeric ones)."""
TORNADO_SHOWN = 8


def _float(
    request: HttpRequest, name: str, default: float, number_format: NumberFormat
) -> float:
    """A number typed in the official's format; ``default`` when absent or unreadable."""
    text = request.GET.get(name, "")
    if not text.strip():
        return default
    try:
        return read_number(text, number_format)
    except ValueError:
        return default


def _sensitivity_result(
    request: HttpRequest, analysis: sensitivity.Request
) -> dict[str, Any] | HttpResponse:
    """The analysis's result: from the finished job named by ``?job=``, else run here,
    or, when it is long work and a worker is there to do it, a redirect to a new
    job's page (which comes back here with ``?job=`` when it is done)."""
    job_id = request.GET.get("job")
    if job_id:
        job = job_services.get_job(job_id=job_id, user=request.user)
        if (
            job is not None
            and job.kind == JobKind.SENSITIVITY
            and job.calculator == analysis.slug
            and job.state == JobState.SUCCEEDED
            and job.request.get("inputs") == dict(analysis.base)
        ):
            return dict(job.result or {})
    if (
        job_services.sweep_needs_job(request=analysis)
        and not settings.CELERY_TASK_ALWAYS_EAGER
    ):
        query = request.GET.copy()
        query.pop("job", None)
        try:
            job = job_services.submit_sensitivity(
                request=analysis,
                owner=request.user,
                page_query=query.urlencode(),
                client=client_ip(request),
            )
        except JobQuotaExceeded as exc:
            return quota_response(request, exc)
        return redirect("instruments:job", job_id=job.pk)
    return sensitivity.analyse(request=analysis)


def _shown(value: float, number_format: NumberFormat) -> str:
    """A range bound as the form shows it: six significant digits, in the format."""
    return format_number(float(f"{value:.6g}"), number_format)


@vary_on_headers("Accept-Language", "Cookie")  # numbers in the official's format
def calculator_sensitivity(request: HttpRequest, slug: str) -> HttpResponse:
    """Vary one input over a range (a line chart of the headline figures) and move
    each key input by ±x % (a tornado of the first headline figure)."""
    calculator = get_calculator_or_404(slug)
    try:
        data = given_inputs(request)
    except BadInputs as exc:
        return bad_inputs_response(str(exc))
    base = numeric_request(dict(data if data is not None else calculator.example))
    if not request.GET.get("job") and (limited := throttled_response(request)):
        return limited  # a finished job's result is read, not computed
    try:
        first = run_or_bad_inputs(slug, base)
    except BadInputs as exc:
        return bad_inputs_response(str(exc))
    paths = presenters.sweepable_paths(numeric_paths(base))
    if not paths:
        return bad_inputs_response("this calculation has no numeric input to vary.")
    vary = request.GET.get("vary") or (
        calculator.price_field
        if calculator.price_field in paths
        else next((p for p in paths if "strike" in p or "reference" in p), paths[0])
    )
    if vary not in paths:
        return bad_inputs_response(
            f"{vary!r} is not a numeric input of this calculation."
        )
    current = get_path(base, vary)
    centre = (
        float(sum(current) / len(current))
        if isinstance(current, list)
        else float(current)
    )
    number_format = get_number_format(request)
    start = _float(request, "from", centre * 0.8, number_format)
    stop = _float(request, "to", centre * 1.2, number_format)
    try:
        steps = max(2, min(int(request.GET.get("steps") or 9), MAX_POINTS))
    except ValueError:
        steps = 9
    change = _float(request, "change", 10.0, number_format) / 100
    tornado_paths = paths[:TORNADO_INPUTS]
    labels = {p: presenters.path_label(calculator, p, first.inputs) for p in paths}
    headline, _ = presenters.summary_items(
        calculator, first.result.summary, first.inputs
    )
    figure_labels = {i.key: i.label for i in headline}
    values = [start + (stop - start) * i / (steps - 1) for i in range(steps)]
    analysis = sensitivity.Request(
        slug,
        base,
        [Variation(vary, tuple(values))],
        tornado_paths,
        change,
        skip_refused=True,
    )
    try:
        result = _sensitivity_result(request, analysis)
    except InputError as exc:
        return bad_inputs_response(str(exc))
    if isinstance(result, HttpResponse):
        return result
    keys, rows = list(result["summary"]["headline"]), result["rows"]
    tornado_key, tornado = (
        result["summary"]["tornado_figure"],
        list(result["summary"]["tornado"]),
    )
    # Inputs that do not move the figure (a setting the design does not use) are noise.
    tornado = [r for r in tornado if r["swing"]][:TORNADO_SHOWN]
    for row in tornado:
        row["label"] = labels.get(row["input"], row["input"])
    # One axis, one unit: the figures in the first headline figure's unit.
    units = {i.key: i.unit for i in headline}
    keys = [k for k in keys if k in figure_labels]
    keys = [k for k in keys if units.get(k) == units.get(keys[0])][:4] if keys else []
    sweep_chart = {
        "id": "chart-sweep",
        "script_id": "chart-sweep-data",
        "title": f"Headline figures as {labels[vary]} varies",
        "figure": to_plain(
            build_sweep_figure(
                rows,
                keys,
                figure_labels,
                x_title=labels[vary],
                y_title=f"Headline figure ({units.get(keys[0]) or 'its unit'})"
                if keys
                else "",
            )
        ),
    }
    tornado_chart = None
    if tornado_key and tornado:
        tornado_rows = [{**r, "input": r["label"]} for r in tornado]
        tornado_chart = {
            "id": "chart-tornado",
            "script_id": "chart-tornado-data",
            "title": f"{figure_labels.get(tornado_key, tornado_key)}: its swing when each input moves ±{change:.0%}",
            "figure": to_plain(
                build_tornado_figure(
                    tornado_rows,
                    label=figure_labels.get(tornado_key, tornado_key),
                    change=change,
                )
            ),
        }
    return render(
        request,
        "instruments/sensitivity.html",
        {
            "calculator": calculator,
            "inputs_json": json.dumps(base),
            "chart_source": " ".join(presenters.sources_of(first.inputs)),
            "paths": [(p, labels[p]) for p in paths],
            "vary": vary,
            "vary_label": labels[vary],
            "start": _shown(start, number_format),
            "stop": _shown(stop, number_format),
            "steps": steps,
            "change_percent": _shown(change * 100, number_format),
            "number_pattern": number_pattern(number_format),
            "number_format": number_format,
            "keys": keys,
            "key_labels": [figure_labels[k] for k in keys],
            "rows": rows,
            "sweep_chart": sweep_chart,
            "tornado_chart": tornado_chart,
            "tornado": tornado,
            "back_url": f"{reverse('instruments:calculator', args=[slug])}?"
            + urlencode({"inputs": json.dumps(base)}),
            "api_path": f"/api/v1/calculators/{slug}/sensitivity/",
        },
    )

"""The sensitivity page: vary one input over a range (a line chart of the headline
figures) and move each key input by ±x % (a tornado of the first headline figure).
Long work goes to a job whose page comes back here."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.vary import vary_on_headers

from instruments.api.lookups import get_calculator_or_404
from instruments.calculators.base import Calculator, InputError
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
from instruments.services.calculation import Calculation
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
MAX_SWEEP_LINES = 4
"""Lines on one sweep chart (figures of one unit)."""


def _float(
    request: HttpRequest,
    name: str,
    default: float,
    number_format: NumberFormat,
    errors: dict[str, str],
) -> float:
    """A number typed in the official's format; ``default`` when absent; when it
    cannot be read, ``default`` and the message in ``errors`` beside the field."""
    text = request.GET.get(name, "")
    if not text.strip():
        return default
    try:
        return read_number(text, number_format)
    except ValueError as exc:
        errors[name] = str(exc)
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


def _error_page(
    request: HttpRequest, calculator: Calculator, message: str
) -> HttpResponse:
    """The sensitivity page saying why nothing could be drawn (a 400, as a page)."""
    return render(
        request,
        "instruments/sensitivity.html",
        {
            "calculator": calculator,
            "fatal_error": message,
            "back_url": reverse("instruments:calculator", args=[calculator.slug]),
            "errors": {},
        },
        status=400,
    )


@vary_on_headers("Accept-Language", "Cookie")  # numbers in the official's format
def calculator_sensitivity(request: HttpRequest, slug: str) -> HttpResponse:
    """Vary one input over a range (a chart of the headline figures per unit) and
    move each key input by ±x % (a tornado of the chosen figure); a refused value
    is said beside its field."""
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
        return _error_page(
            request,
            calculator,
            gettext("The inputs do not run: {reason}").format(reason=exc),
        )
    paths = presenters.sweepable_paths(numeric_paths(base), base, first.inputs)
    if not paths:
        return _error_page(
            request,
            calculator,
            gettext("This calculation has no typed number to vary."),
        )
    errors: dict[str, str] = {}
    default_vary = (
        calculator.price_field
        if calculator.price_field in paths
        else next((p for p in paths if "strike" in p or "reference" in p), paths[0])
    )
    vary = request.GET.get("vary") or default_vary
    if vary not in paths:
        errors["vary"] = gettext(
            "That input cannot be varied here (it is not a typed number of this "
            "calculation, or stored data replaced it); another was chosen."
        )
        vary = default_vary
    current = get_path(base, vary)
    centre = (
        float(sum(current) / len(current))
        if isinstance(current, list)
        else float(current)
    )
    number_format = get_number_format(request)
    # A range typed for another input is not this input's range: picking another
    # input starts again from ±20 % of its value.
    same_input = request.GET.get("range_for", vary) == vary
    start, stop = centre * 0.8, centre * 1.2
    if same_input:
        start = _float(request, "from", start, number_format, errors)
        stop = _float(request, "to", stop, number_format, errors)
    try:
        steps = max(2, min(int(request.GET.get("steps") or 9), MAX_POINTS))
    except ValueError:
        errors["steps"] = gettext("Give a whole number of points, e.g. 9.")
        steps = 9
    change = _float(request, "change", 10.0, number_format, errors) / 100
    if not 0 < change < 1:
        # xgettext:no-python-format
        errors["change"] = gettext("Give a share between 0 and 100 %, e.g. 10.")
        change = 0.1
    tornado_paths = presenters.tornado_order(paths, calculator.price_field or "")[
        :TORNADO_INPUTS
    ]
    labels = {
        p: presenters.path_label(calculator, p, first.inputs, base) for p in paths
    }
    values = [start + (stop - start) * i / (steps - 1) for i in range(steps)]
    analysis = sensitivity.Request(
        slug,
        base,
        [Variation(vary, tuple(values))],
        tornado_paths,
        change,
        skip_refused=True,
    )
    context: dict[str, Any] = {
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
        "errors": errors,
        "back_url": f"{reverse('instruments:calculator', args=[slug])}?"
        + urlencode({"inputs": json.dumps(base)}),
        "api_path": f"/api/v1/calculators/{slug}/sensitivity/",
    }
    if errors:
        return render(request, "instruments/sensitivity.html", context, status=400)
    try:
        result = _sensitivity_result(request, analysis)
    except InputError as exc:
        context["errors"] = {"from": str(exc)}
        return render(request, "instruments/sensitivity.html", context, status=400)
    if isinstance(result, HttpResponse):
        return result
    context.update(
        _charts(
            calculator,
            first,
            result,
            labels=labels,
            vary=vary,
            change=change,
            figure=request.GET.get("figure", ""),
        )
    )
    return render(request, "instruments/sensitivity.html", context)


def _sweep_title(unit: str, varied: str) -> str:
    """The title of the sweep chart of the figures in ``unit`` ("" for none)."""
    if not unit:
        return gettext("Figures as {input} varies").format(input=varied)
    if unit.isupper():  # a currency
        return gettext("Money figures ({unit}) as {input} varies").format(
            unit=unit, input=varied
        )
    return gettext("Figures ({unit}) as {input} varies").format(unit=unit, input=varied)


def _charts(
    calculator: Calculator,
    first: Calculation,
    result: Mapping[str, Any],
    *,
    labels: Mapping[str, str],
    vary: str,
    change: float,
    figure: str,
) -> dict[str, Any]:
    """The sweep charts (one per unit: tonnes apart from money) and the tornado of
    the chosen figure, with their tables."""
    headline, more = presenters.summary_items(
        calculator, first.result.summary, first.inputs
    )
    items = {i.key: i for i in (*headline, *more)}
    keys = [k for k in result["summary"]["headline"] if k in items]
    rows = result["rows"]
    by_unit: dict[str, list[str]] = {}
    for key in keys:
        by_unit.setdefault(items[key].unit, []).append(key)
    figure_labels = {k: gettext(items[k].label) for k in keys}
    sweep_charts = []
    for n, (unit, unit_keys) in enumerate(by_unit.items()):
        shown = unit_keys[:MAX_SWEEP_LINES]
        sweep_charts.append(
            {
                "id": f"chart-sweep-{n}" if n else "chart-sweep",
                "script_id": f"chart-sweep-{n}-data" if n else "chart-sweep-data",
                "title": _sweep_title(unit, labels[vary]),
                "figure": to_plain(
                    build_sweep_figure(
                        rows,
                        shown,
                        figure_labels,
                        x_title=labels[vary],
                        y_title=gettext("Figure ({unit})").format(unit=unit)
                        if unit
                        else gettext("Figure"),
                    )
                ),
            }
        )
    tornado_key = figure if figure in keys else result["summary"]["tornado_figure"]
    tornado = []
    for row in result["summary"]["tornado"]:
        values = (row.get("figures") or {}).get(tornado_key) or row
        low, high = values.get("low"), values.get("high")
        swing = abs((high or 0.0) - (low or 0.0))
        if swing:  # an input that does not move the figure is noise
            tornado.append(
                {
                    "input": row["input"],
                    "label": labels.get(row["input"], row["input"]),
                    "base": values.get("base"),
                    "low": low,
                    "high": high,
                    "swing": swing,
                }
            )
    tornado.sort(key=lambda r: -float(r["swing"]))
    tornado = tornado[:TORNADO_SHOWN]
    tornado_chart = None
    if tornado_key and tornado:
        name = figure_labels.get(tornado_key, tornado_key)
        tornado_chart = {
            "id": "chart-tornado",
            "script_id": "chart-tornado-data",
            "title": gettext(
                "{figure}: its swing when each input moves ±{change}"
            ).format(figure=name, change=f"{change:.0%}"),
            "figure": to_plain(
                build_tornado_figure(
                    [{**r, "input": r["label"]} for r in tornado],
                    label=name,
                    change=change,
                )
            ),
        }
    return {
        "keys": keys,
        "key_labels": [figure_labels[k] for k in keys],
        "rows": rows,
        "sweep_charts": sweep_charts,
        "tornado_chart": tornado_chart,
        "tornado": tornado,
        "tornado_figure": tornado_key,
        "figure_choices": [(k, figure_labels[k]) for k in keys],
    }

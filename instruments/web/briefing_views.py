"""Pages and downloads that turn a result into a briefing: the PDF of a result, a
saved scenario or a comparison; the sensitivity page; the comparison of instruments on
one commodity. Views only route: presenters, charts, briefing and the sensitivity
service do the work.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.vary import vary_on_headers

from instruments import selectors
from instruments.calculators.base import Calculator, InputError
from instruments.calculators.numbers import (
    NumberFormat,
    format_number,
    number_pattern,
    read_number,
)
from instruments.calculators.sensitivity import (
    MAX_POINTS,
    get_path,
    numeric_paths,
    numeric_request,
)
from instruments.models import JobKind, JobState, Scenario
from instruments.presentation import briefing, charts, presenters
from instruments.presentation.charts.base import to_plain
from instruments.presentation.charts.comparison import (
    build_instrument_comparison_figure,
)
from instruments.presentation.charts.sensitivity import (
    build_sweep_figure,
    build_tornado_figure,
)
from instruments.services import calculation as calculations
from instruments.services import jobs as job_services
from instruments.services import scenarios as scenario_services
from instruments.services import sensitivity
from instruments.services.sensitivity import Variation
from instruments.web.number_formats import get_number_format
from instruments.web.views import (
    _inputs_from_query,
    chosen_scenarios,
    get_calculator_or_404,
    get_visible_scenario_or_404,
)

PDF = "application/pdf"
TORNADO_INPUTS = 10
"""Inputs the sensitivity page's tornado moves (the first numeric ones)."""
TORNADO_SHOWN = 8


def _methodology(request: HttpRequest, slug: str) -> str:
    return request.build_absolute_uri(f"{reverse('instruments:methodology')}#{slug}")


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=PDF)
    response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    return response


def _run_or_400(slug: str, data: Mapping[str, Any]) -> calculations.Calculation:
    try:
        return calculations.run_calculation(slug=slug, data=data)
    except InputError as exc:
        raise BadInputs(str(exc)) from None


class BadInputs(Exception):
    """Inputs that do not run: the view answers 400 with the reason."""


def _bad(message: str) -> HttpResponse:
    return HttpResponse(
        f"The briefing cannot be made: {message}",
        status=400,
        content_type="text/plain; charset=utf-8",
    )


# --- PDF briefings ---------------------------------------------------------------------


def calculator_briefing(request: HttpRequest, slug: str) -> HttpResponse:
    """The PDF briefing of a calculation: ``?inputs=<JSON>`` (the example without)."""
    calculator = get_calculator_or_404(slug)
    data = _inputs_from_query(request)
    try:
        calculation = _run_or_400(
            slug, data if data is not None else calculator.example
        )
    except BadInputs as exc:
        return _bad(str(exc))
    title = request.GET.get("title") or calculator.title
    doc = briefing.briefing_for_calculation(
        calculator,
        calculation.result,
        calculation.inputs,
        title=title[:200],
        methodology_url=_methodology(request, slug),
        names=selectors.get_partner_names(),
    )
    return _pdf(briefing.render_pdf(doc), f"briefing-{slug}")


def scenario_briefing(request: HttpRequest, pk: int) -> HttpResponse:
    """The PDF briefing of a saved scenario, re-run now."""
    scenario = get_visible_scenario_or_404(request, pk)
    calculator = get_calculator_or_404(scenario.calculator)
    try:
        calculation = _run_or_400(scenario.calculator, scenario.inputs)
    except BadInputs as exc:
        return _bad(str(exc))
    doc = briefing.briefing_for_calculation(
        calculator,
        calculation.result,
        calculation.inputs,
        title=scenario.title,
        methodology_url=_methodology(request, calculator.slug),
        notes=scenario.notes,
        names=selectors.get_partner_names(),
    )
    return _pdf(briefing.render_pdf(doc), f"briefing-scenario-{scenario.pk}")


def _runs(
    scenarios: list[Scenario],
) -> list[tuple[str, Calculator, calculations.Calculation]]:
    runs = []
    for run in scenario_services.rerun_scenarios(scenarios=scenarios):
        if run.calculation is not None:
            calculator = get_calculator_or_404(run.scenario.calculator)
            runs.append((run.scenario.title, calculator, run.calculation))
    return runs


def compare_briefing(request: HttpRequest) -> HttpResponse:
    """The PDF of a comparison: of one calculator's scenarios, or of instruments."""
    scenarios, too_many = chosen_scenarios(request)
    if too_many:
        return _bad(too_many)
    if len(scenarios) < 2:
        return _bad("choose at least two scenarios.")
    runs = _runs(scenarios)
    slugs = {s.calculator for s in scenarios}
    methodology = request.build_absolute_uri(reverse("instruments:methodology"))
    full = [(t, c, calc.result, calc.inputs) for t, c, calc in runs]
    if len(slugs) == 1:
        calculator = runs[0][1] if runs else get_calculator_or_404(slugs.pop())
        summary = presenters.comparison_summary_table(
            calculator,
            [presenters.ComparedRun(t, c.result.summary, c.inputs) for t, _, c in runs],
        )
        table = [
            ["Figure", *(t for t, _, _ in runs)],
            *([row["label"], *row["values"]] for row in summary),
        ]
        figure = charts.build_comparison_figure(
            calculator, [(t, c.result, c.inputs) for t, _, c in runs]
        )
        title = f"Comparison: {calculator.title}"
        question = (
            f"How do these {len(runs)} designs of a {calculator.title.lower()} differ "
            "in cost, revenue and risk?"
        )
    else:
        columns = [presenters.instrument_column(*run) for run in full]
        table = presenters.instrument_comparison_table(columns)
        figure = _instrument_figure(full)
        title, question = _instrument_question(full)
    doc = briefing.briefing_for_comparison(
        title,
        question,
        full,
        table,
        figure,
        methodology_url=methodology,
        names=selectors.get_partner_names(),
    )
    return _pdf(briefing.render_pdf(doc), "briefing-comparison")


def _instrument_figure(full: list[Any]) -> dict[str, Any]:
    return {
        "id": "chart-instruments",
        "script_id": "chart-instruments-data",
        "title": "Money over time, instrument by instrument",
        "description": "",
        "figure": to_plain(build_instrument_comparison_figure(full)),
    }


def _instrument_question(full: list[Any]) -> tuple[str, str]:
    names = list(dict.fromkeys(c.title.lower() for _, c, _, _ in full))
    commodities = {presenters.commodity_name(i) for *_, i in full} - {""}
    about = f" for {', '.join(sorted(commodities))}" if commodities else ""
    question = f"{', '.join(names[:-1])} or {names[-1]}{about}: who pays, how much, when and with what risk?"
    return f"Comparing instruments{about}", question[:1].upper() + question[1:]


# --- comparing instruments (page) -------------------------------------------------------


def instrument_comparison(request: HttpRequest) -> HttpResponse:
    """Saved scenarios of different calculators side by side: who pays, how much
    (in total and per tonne), when and with what risk, and one chart."""
    scenarios, too_many = chosen_scenarios(request)
    context: dict[str, Any] = {"scenarios": scenarios}
    if too_many or len(scenarios) < 2:
        context["problem"] = too_many or "Choose at least two scenarios to compare."
        return render(
            request, "instruments/instrument_compare.html", context, status=400
        )
    runs = _runs(scenarios)
    full = [(t, c, calc.result, calc.inputs) for t, c, calc in runs]
    columns = [presenters.instrument_column(*run) for run in full]
    title, question = _instrument_question(full)
    names = selectors.get_partner_names()
    context.update(
        {
            "title": title,
            "question": question,
            "table": presenters.instrument_comparison_table(columns),
            "figure": _instrument_figure(full),
            "sections": [
                (t, presenters.headline_sentences(c, r, i, names))
                for t, c, r, i in full
            ],
            "pdf_url": f"{reverse('instruments:compare_briefing')}?"
            + urlencode([("ids", s.pk) for s in scenarios]),
        }
    )
    return render(request, "instruments/instrument_compare.html", context)


# --- sensitivity (page) -----------------------------------------------------------------


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
        job = job_services.submit_sensitivity(
            request=analysis, owner=request.user, page_query=query.urlencode()
        )
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
    data = _inputs_from_query(request)
    base = numeric_request(dict(data if data is not None else calculator.example))
    try:
        first = _run_or_400(slug, base)
    except BadInputs as exc:
        return _bad(str(exc))
    paths = presenters.sweepable_paths(numeric_paths(base))
    if not paths:
        return _bad("this calculation has no numeric input to vary.")
    vary = request.GET.get("vary") or (
        calculator.price_field
        if calculator.price_field in paths
        else next((p for p in paths if "strike" in p or "reference" in p), paths[0])
    )
    if vary not in paths:
        return _bad(f"{vary!r} is not a numeric input of this calculation.")
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
        return _bad(str(exc))
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

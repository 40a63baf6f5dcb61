"""Pages and downloads that turn a result into a briefing: the PDF of a result, a
saved scenario or a comparison; the comparison of instruments on one commodity. Views
only route: presenters, charts and the briefing do the work.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from instruments import selectors
from instruments.api.lookups import get_calculator_or_404
from instruments.calculators.base import Calculator
from instruments.models import Scenario
from instruments.presentation import briefing, presenters
from instruments.presentation.charts import results as charts
from instruments.presentation.charts.base import to_plain
from instruments.presentation.charts.comparison import (
    build_instrument_comparison_figure,
)
from instruments.services import calculation as calculations
from instruments.services import scenarios as scenario_services
from instruments.web.compare_choice import choice_context
from instruments.web.shortcuts import (
    BadInputs,
    bad_inputs_response,
    chosen_scenarios,
    get_visible_scenario_or_404,
    inputs_from_query,
    run_or_bad_inputs,
)

PDF = "application/pdf"


def _methodology(request: HttpRequest, slug: str) -> str:
    return request.build_absolute_uri(f"{reverse('instruments:methodology')}#{slug}")


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=PDF)
    response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    return response


# --- PDF briefings ---------------------------------------------------------------------


def calculator_briefing(request: HttpRequest, slug: str) -> HttpResponse:
    """The PDF briefing of a calculation: ``?inputs=<JSON>`` (the example without)."""
    calculator = get_calculator_or_404(slug)
    data = inputs_from_query(request)
    try:
        calculation = run_or_bad_inputs(
            slug, data if data is not None else calculator.example
        )
    except BadInputs as exc:
        return bad_inputs_response(str(exc))
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
        calculation = run_or_bad_inputs(scenario.calculator, scenario.inputs)
    except BadInputs as exc:
        return bad_inputs_response(str(exc))
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
        return bad_inputs_response(too_many)
    if len(scenarios) < 2:
        return bad_inputs_response("choose at least two scenarios.")
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
        context.update(choice_context(request))
        if too_many or scenarios:
            context["problem"] = too_many or "Choose at least two scenarios to compare."
            return render(
                request, "instruments/instrument_compare.html", context, status=400
            )
        return render(request, "instruments/instrument_compare.html", context)
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

"""Pages and downloads that turn a result into a brief: the PDF (or, with
``?format=pptx``, the slide pack) of a result, a saved scenario or a comparison; the
comparison of instruments on one commodity. A result's brief takes exactly the API's
query (or ``?inputs=<JSON>``) and refuses what the API refuses. Views only route:
presenters, charts, the brief and its layouts do the work.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext

from instruments import selectors
from instruments.api.lookups import get_calculator_or_404
from instruments.calculators.base import Calculator, InputError
from instruments.calculators.translation import gettext_noop
from instruments.models import Scenario
from instruments.presentation import briefing, briefing_pdf, presenters, slides
from instruments.presentation.charts import results as charts
from instruments.presentation.charts.base import to_plain
from instruments.presentation.charts.comparison import (
    build_instrument_comparison_figure,
)
from instruments.services import calculation as calculations
from instruments.services import job_limits
from instruments.services import scenarios as scenario_services
from instruments.web.compare_choice import choice_context
from instruments.web.project_compare import same_project_page
from instruments.web.shortcuts import (
    BadInputs,
    bad_inputs_response,
    chosen_scenarios,
    get_visible_scenario_or_404,
    refused_query_response,
    request_inputs,
    run_or_bad_inputs,
    throttled_response,
)

PDF = "application/pdf"
FORMATS = ("pdf", "pptx")
# The settings' defaults, in the catalogues: a deployment that keeps them prints them
# in the reader's language; one that sets its own prints its own words.
DEFAULT_LINES = (
    gettext_noop("DRAFT — for discussion, not agreed policy"),
    gettext_noop("Critical-minerals trade instruments"),
)


def _methodology(request: HttpRequest, slug: str) -> str:
    return request.build_absolute_uri(f"{reverse('instruments:methodology')}#{slug}")


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=PDF)
    response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    return response


def deployment() -> briefing.Deployment:
    """The classification line and issuing body the deployment's settings give."""
    classification, issuer = settings.BRIEFING_CLASSIFICATION, settings.BRIEFING_ISSUER
    return briefing.Deployment(
        classification=gettext(classification) if classification else "",
        issuer=gettext(issuer) if issuer else "",
    )


def chosen_format(request: HttpRequest) -> str:
    """``?format=pdf`` (the default) or ``pptx``; InputError for anything else."""
    given = (request.GET.get("format") or "pdf").lower()
    if given not in FORMATS:
        raise InputError.at(
            ("format",),
            gettext("Unknown format '{given}'. Formats: {formats}.").format(
                given=given[:20], formats=", ".join(FORMATS)
            ),
        )
    return given


def _document(doc: briefing.Briefing, kind: str, filename: str) -> HttpResponse:
    """The brief as a PDF, or as a slide pack."""
    if kind == "pptx":
        response = HttpResponse(slides.render_pptx(doc), content_type=slides.PPTX)
        response["Content-Disposition"] = f'attachment; filename="{filename}.pptx"'
        return response
    return _pdf(briefing_pdf.render_pdf(doc), filename)


# --- PDF briefings ---------------------------------------------------------------------


def calculator_briefing(request: HttpRequest, slug: str) -> HttpResponse:
    """The brief of a calculation: the API's query (``?commodity=ndpr-oxide&year=
    2024&members=eu-27,USA,JPN&floor_above_price=0.2``) or ``?inputs=<JSON>``, the
    example without either; ``?format=pptx`` for the slide pack. Inputs the API
    refuses are a 400 page with the same field errors."""
    calculator = get_calculator_or_404(slug)
    if (limited := throttled_response(request)) is not None:
        return limited
    try:
        kind = chosen_format(request)
        given = request_inputs(request, calculator)
        data = given if given is not None else calculator.example
        job_limits.check_runs_now(data, slug=slug)  # a page computes only so much
        calculation = calculations.run_calculation(
            slug=slug,
            data=data,
            anonymous=not request.user.is_authenticated,
        )
    except InputError as exc:
        return refused_query_response(request, calculator, exc.errors)
    title = request.GET.get("title") or gettext(calculator.title)
    doc = briefing.briefing_for_calculation(
        calculator,
        calculation.result,
        calculation.inputs,
        title=title[:200],
        methodology_url=_methodology(request, slug),
        names=selectors.get_partner_names(),
        request=calculation.request,
        deployment=deployment(),
    )
    return _document(doc, kind, f"briefing-{slug}")


def scenario_briefing(request: HttpRequest, pk: int) -> HttpResponse:
    """The PDF briefing of a saved scenario, re-run now."""
    scenario = get_visible_scenario_or_404(request, pk)
    calculator = get_calculator_or_404(scenario.calculator)
    if (limited := throttled_response(request)) is not None:
        return limited
    try:
        kind = chosen_format(request)
    except InputError as exc:
        return refused_query_response(request, calculator, exc.errors)
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
        request=calculation.request,
        deployment=deployment(),
    )
    return _document(doc, kind, f"briefing-scenario-{scenario.pk}")


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
    """The PDF (or slides) of a comparison: of one calculator's scenarios, or of
    instruments."""
    try:
        kind = chosen_format(request)
    except InputError as exc:
        return refused_query_response(request, None, exc.errors)
    scenarios, too_many = chosen_scenarios(request)
    if too_many:
        return bad_inputs_response(too_many)
    if len(scenarios) < 2:
        return bad_inputs_response("choose at least two scenarios.")
    if too_much := job_limits.pages_work_problem(s.inputs for s in scenarios):
        return bad_inputs_response(too_much)
    if (limited := throttled_response(request)) is not None:
        return limited
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
            [gettext("Figure"), *(t for t, _, _ in runs)],
            *([row["label"], *row["values"]] for row in summary),
        ]
        figure = charts.build_comparison_figure(
            calculator, [(t, c.result, c.inputs) for t, _, c in runs]
        )
        name = gettext(calculator.title)
        title = gettext("Comparison: {calculator}").format(calculator=name)
        question = gettext(
            "How do these {count} designs of a {calculator} differ in cost, revenue "
            "and risk?"
        ).format(count=len(runs), calculator=name.lower())
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
        deployment=deployment(),
    )
    return _document(doc, kind, "briefing-comparison")


def _instrument_figure(full: list[Any]) -> dict[str, Any]:
    return {
        "id": "chart-instruments",
        "script_id": "chart-instruments-data",
        "title": gettext("Money over time, instrument by instrument"),
        "description": "",
        "figure": to_plain(build_instrument_comparison_figure(full)),
    }


def _instrument_question(full: list[Any]) -> tuple[str, str]:
    names = list(dict.fromkeys(gettext(c.title).lower() for _, c, _, _ in full))
    commodities = ", ".join(
        sorted({presenters.commodity_name(i) for *_, i in full} - {""})
    )
    listed = names[-1]
    if len(names) > 1:
        listed = gettext("{first} or {last}").format(
            first=", ".join(names[:-1]), last=names[-1]
        )
    if commodities:
        title = gettext("Comparing instruments for {commodities}")
        question = gettext(
            "{instruments} for {commodities}: who pays, how much, when and with "
            "what risk?"
        )
    else:
        title = gettext("Comparing instruments")
        question = gettext(
            "{instruments}: who pays, how much, when and with what risk?"
        )
    question = question.format(instruments=listed, commodities=commodities)
    title = title.format(commodities=commodities)
    return title, question[:1].upper() + question[1:]


# --- comparing instruments (page) -------------------------------------------------------


def instrument_comparison(request: HttpRequest) -> HttpResponse:
    """Saved scenarios of different calculators side by side: who pays, how much
    (in total and per tonne), when and with what risk, and one chart; or one
    project under each support instrument (``?project=`` or ``?project_inputs=``)."""
    if (same_project := same_project_page(request)) is not None:
        return same_project
    scenarios, too_many = chosen_scenarios(request)
    context: dict[str, Any] = {"scenarios": scenarios}
    if too_many or len(scenarios) < 2:
        context.update(choice_context(request))
        if too_many or scenarios:
            context["problem"] = too_many or gettext(
                "Choose at least two scenarios to compare."
            )
            return render(
                request, "instruments/instrument_compare.html", context, status=400
            )
        return render(request, "instruments/instrument_compare.html", context)
    problem = job_limits.pages_work_problem(s.inputs for s in scenarios)
    if problem:
        context.update(choice_context(request))
        context["problem"] = problem
        return render(
            request, "instruments/instrument_compare.html", context, status=400
        )
    if (limited := throttled_response(request)) is not None:
        return limited
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
            "pptx_url": f"{reverse('instruments:compare_briefing')}?"
            + urlencode([*(("ids", s.pk) for s in scenarios), ("format", "pptx")]),
        }
    )
    return render(request, "instruments/instrument_compare.html", context)

"""Saved scenarios: save the calculation shown, its permanent page, my list, make
public or private, delete, and compare a calculator's scenarios side by side."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from instruments import selectors
from instruments.api.lookups import get_calculator_or_404
from instruments.calculators import REGISTRY
from instruments.calculators.base import InputError
from instruments.models import Scenario
from instruments.presentation import presenters
from instruments.presentation.charts import results as charts
from instruments.services import calculation as calculations
from instruments.services import job_limits
from instruments.services import scenarios as scenario_services
from instruments.web.results import build_page_result_context
from instruments.web.scenario_forms import ScenarioSaveForm
from instruments.web.shortcuts import (
    LOGIN_URL,
    chosen_scenarios,
    get_visible_scenario_or_404,
    safe_next,
    throttled_response,
)

if TYPE_CHECKING:
    from instruments.web.shortcuts import AuthenticatedHttpRequest


@require_POST
def scenario_save(request: HttpRequest, slug: str) -> HttpResponse:
    """Save the calculation just shown; anonymous users are sent to log in first."""
    calculator = get_calculator_or_404(slug)
    if not request.user.is_authenticated:
        login = reverse(LOGIN_URL)
        target = reverse("instruments:calculator", args=[slug])
        return redirect(f"{login}?next={target}")
    form = ScenarioSaveForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            gettext("The scenario could not be saved: {reason}").format(
                reason=_form_text(form)
            ),
        )
        return redirect("instruments:calculator", slug=slug)
    try:
        scenario = scenario_services.save_scenario(
            owner=request.user,
            calculator=calculator.slug,
            inputs=form.cleaned_data["inputs"],
            title=form.cleaned_data["title"],
            notes=form.cleaned_data["notes"],
            is_public=form.cleaned_data["is_public"],
        )
    except (InputError, ValidationError) as exc:
        messages.error(
            request,
            gettext("The scenario could not be saved: {reason}").format(reason=exc),
        )
        return redirect("instruments:calculator", slug=slug)
    messages.success(
        request,
        gettext("Saved “{title}”. This is its permanent link.").format(
            title=scenario.title
        ),
    )
    return redirect("instruments:scenario", pk=scenario.pk)


def _form_text(form: ScenarioSaveForm) -> str:
    return "; ".join(
        f"{form.fields[name].label if name in form.fields else ''}: "
        f"{' '.join(map(str, errs))}"
        for name, errs in form.errors.items()
    )


def scenario_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A saved scenario's permanent link: its inputs and result, re-run now."""
    scenario = get_visible_scenario_or_404(request, pk)
    calculator = get_calculator_or_404(scenario.calculator)
    if (limited := throttled_response(request)) is not None:
        return limited
    calculation = None
    error = ""
    try:
        job_limits.check_runs_now(
            scenario.inputs, slug=scenario.calculator
        )  # a page computes only so much
        calculation = calculations.run_calculation(
            slug=scenario.calculator, data=scenario.inputs
        )
    except InputError as exc:
        error = str(exc)
    context = {
        "scenario": scenario,
        "calculator": calculator,
        "is_owner": request.user.is_authenticated
        and scenario.owner_id == request.user.pk,
        "error": error,
        "input_rows": presenters.plain_inputs(calculator, scenario.inputs),
        **build_page_result_context(request, calculation),
    }
    return render(request, "instruments/scenario_detail.html", context)


@login_required(login_url=LOGIN_URL)
def scenario_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """My scenarios, the public ones of others and the precedents; pick some to compare."""
    mine = selectors.list_own_scenarios(request.user)
    public = selectors.list_others_public_scenarios(request.user)
    return render(
        request,
        "instruments/scenario_list.html",
        {
            "mine": _by_calculator(mine),
            "public": _by_calculator(public),
            "has_mine": mine.exists(),
        },
    )


def _by_calculator(scenarios: Any) -> list[dict[str, Any]]:
    groups: dict[str, list[Scenario]] = {}
    for scenario in scenarios:
        groups.setdefault(scenario.calculator, []).append(scenario)
    return [
        {"calculator": REGISTRY.get(slug), "slug": slug, "scenarios": items}
        for slug, items in groups.items()
    ]


@login_required(login_url=LOGIN_URL)
@require_POST
def scenario_visibility(request: HttpRequest, pk: int) -> HttpResponse:
    """Make one of my scenarios public or private."""
    try:
        scenario = scenario_services.set_scenario_visibility(
            owner=request.user, pk=pk, is_public=request.POST.get("is_public") == "true"
        )
    except Scenario.DoesNotExist:
        raise Http404(gettext("No such scenario of yours")) from None
    if scenario.is_public:
        done = gettext("“{title}” is now public.")
    else:
        done = gettext("“{title}” is now private.")
    messages.success(request, done.format(title=scenario.title))
    return redirect(safe_next(request, default=reverse("instruments:scenario_list")))


@login_required(login_url=LOGIN_URL)
@require_POST
def scenario_delete(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        scenario = scenario_services.delete_scenario(owner=request.user, pk=pk)
    except Scenario.DoesNotExist:
        raise Http404(gettext("No such scenario of yours")) from None
    messages.success(
        request, gettext("Deleted “{title}”.").format(title=scenario.title)
    )
    return redirect("instruments:scenario_list")


def scenario_compare(request: HttpRequest) -> HttpResponse:
    """Two or more scenarios of one calculator side by side."""
    scenarios, too_many = chosen_scenarios(request)
    if too_many:
        return render(
            request,
            "instruments/scenario_compare.html",
            {"problem": too_many, "scenarios": []},
            status=400,
        )
    problem = ""
    if len(scenarios) < 2:
        problem = gettext("Choose at least two scenarios to compare.")
    elif len({s.calculator for s in scenarios}) > 1:
        problem = gettext(
            "Scenarios can only be compared with others of the same calculator."
        )
    else:
        problem = job_limits.pages_work_problem(s.inputs for s in scenarios)
    if problem:
        return render(
            request,
            "instruments/scenario_compare.html",
            {"problem": problem, "scenarios": scenarios},
            status=400,
        )
    calculator = get_calculator_or_404(scenarios[0].calculator)
    if (limited := throttled_response(request)) is not None:
        return limited
    results = [
        (run.scenario, run.calculation, run.error)
        for run in scenario_services.rerun_scenarios(scenarios=scenarios)
    ]
    input_table = presenters.comparison_input_table(
        calculator, [s.inputs for s in scenarios]
    )
    summary_table = presenters.comparison_summary_table(
        calculator,
        [
            presenters.ComparedRun(
                s.title,
                c.result.summary if c is not None else None,
                c.inputs if c is not None else None,
            )
            for s, c, _ in results
        ],
    )
    figure = charts.build_comparison_figure(
        calculator,
        [(s.title, c.result, c.inputs) for s, c, _ in results if c is not None],
    )
    return render(
        request,
        "instruments/scenario_compare.html",
        {
            "calculator": calculator,
            "scenarios": scenarios,
            "results": results,
            "input_table": input_table,
            "summary_table": summary_table,
            "figure": figure,
        },
    )

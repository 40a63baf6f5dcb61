"""The officials' pages: each view parses, calls one service and renders.

One generic page serves every calculator from the registry. A calculation is a POST to
that page; with JavaScript the page sends it with ``fetch`` and swaps in the answer
(``X-Requested-With: fetch`` gets only the form-and-results part), without it the whole
page comes back with the numbers and the table.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from instruments import selectors
from instruments.api.guards import loads_bounded
from instruments.api.querystring import encode_query
from instruments.api.throttling import throttle_wait
from instruments.calculators import REGISTRY, limits, trade_matrix
from instruments.calculators.base import Calculator, InputError
from instruments.calculators.numbers import ENGLISH, NumberFormat
from instruments.models import ApiKeyScope, Job, JobKind, Scenario
from instruments.presentation import charts, presenters
from instruments.presentation.charts import supply as supply_charts
from instruments.presentation.charts.prices import build_price_history_figure
from instruments.presentation.jsonify import rows_as_records
from instruments.services import accounts, data_versions
from instruments.services import calculation as calculations
from instruments.services import jobs as job_services
from instruments.services import scenarios as scenario_services
from instruments.web import number_formats, page_cache
from instruments.web.batch_forms import BatchForm
from instruments.web.forms import CalculatorForm, ScenarioSaveForm, inputs_to_form_data
from instruments.web.number_formats import get_number_format

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    class AuthenticatedHttpRequest(HttpRequest):
        """A request behind ``login_required``: its user has signed in."""

        user: User


FETCH_HEADER = "fetch"
LOGIN_URL = "instruments:login"
MAX_TABLE_ROWS = 500

# --- lookups ------------------------------------------------------------------------


def safe_next(request: HttpRequest, *, default: str) -> str:
    """The ``next`` address of a POST when it stays on this site, else ``default``
    (an open redirect would send a signed-in official to any site)."""
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def get_calculator_or_404(slug: str) -> Calculator:
    """REGISTRY lookup for views; the pure registry knows nothing about HTTP."""
    if slug not in REGISTRY:
        raise Http404(f"No calculator {slug!r}")
    return REGISTRY[slug]


def api_calculator_path(slug: str) -> str:
    """The API path of a calculator: part of the public contract (INSTRUMENTS.md §7)."""
    return f"/api/v1/calculators/{slug}/"


def get_visible_scenario_or_404(request: HttpRequest, pk: int) -> Scenario:
    """A scenario the user may see: public ones and their own; others are 404."""
    return get_object_or_404(selectors.visible_scenarios(request.user), pk=pk)


def _commodity_choices() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    commodities = selectors.list_commodities(with_prices_only=True)
    commodity_choices = [(c.code, c.name) for c in commodities]
    series_choices = [
        (s.code, f"{c.name}: {s.name} ({s.unit}, {s.frequency})")
        for c in commodities
        for s in c.series
        if s.n_observations
    ]
    return commodity_choices, series_choices


def throttled_response(request: HttpRequest) -> HttpResponse | None:
    """A 429 page when the client is over the calculation rate (the API's rates and
    counts), else None: every page that runs a calculation calls it first."""
    wait = throttle_wait(request)
    if wait is None:
        return None
    seconds = max(1, int(wait))
    response = render(
        request,
        "429.html",
        {"message": f"Too many calculations; try again in {seconds} seconds."},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


# --- pages --------------------------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    calculators = list(REGISTRY.values())
    return render(request, "instruments/home.html", {"calculators": calculators})


@vary_on_headers("Accept-Language", "Cookie")  # numbers in the official's format
def calculator_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The calculator page: form pre-filled with the example, results after a run.
    A first anonymous visit's page (the example) comes from the shared cache."""
    calculator = get_calculator_or_404(slug)
    if page_cache.is_plain_anonymous_visit(request) and not _is_fetch(request):
        # One page per number format and "Numbers" choice (the page varies on them).
        shown = (
            _format_key(get_number_format(request)),
            number_formats.chosen_number_format(request),
        )
        return page_cache.cached_page(
            request,
            f"calculator:{slug}:{shown}",
            tuple(
                dict.fromkeys(
                    [
                        *data_versions.tables_read(data=EXAMPLE_FORM_READS),
                        *PARTNER_DATALIST_TABLES,
                        *PRECEDENT_TABLES,
                    ]
                )
            ),
            lambda: _calculator_page(request, calculator),
        )
    return _calculator_page(request, calculator)


def _is_fetch(request: HttpRequest) -> bool:
    """The page's own ``fetch``: it wants only the form-and-results part."""
    return request.headers.get("X-Requested-With") == FETCH_HEADER


def _calculator_page(request: HttpRequest, calculator: Calculator) -> HttpResponse:
    slug = calculator.slug
    loaded: Scenario | None = None
    form: CalculatorForm | None = None
    from_example = False
    number_format = get_number_format(request)

    def options() -> dict[str, Any]:  # two queries: only for a form built here
        return _form_options(calculator, number_format)

    if request.method == "POST":
        form = CalculatorForm(request.POST, **options())
    elif request.GET.get("scenario"):
        try:
            pk = int(request.GET["scenario"])
        except ValueError as exc:
            raise Http404("No such scenario") from exc
        loaded = get_visible_scenario_or_404(request, pk)
        if loaded.calculator != slug:
            return redirect(
                f"{reverse('instruments:calculator', args=[loaded.calculator])}"
                f"?scenario={loaded.pk}"
            )
        form = CalculatorForm(
            inputs_to_form_data(calculator, loaded.inputs, number_format=number_format),
            **options(),
        )
    elif (carried := _inputs_from_query(request)) is not None:
        # Back from "log in to save": the same calculation, run again.
        form = CalculatorForm(
            inputs_to_form_data(calculator, carried, number_format=number_format),
            **options(),
        )
    elif request.GET.get("blank"):
        form = CalculatorForm(initial_inputs={}, **options())
    else:
        # The example form is the same for everyone (of one number format) until the
        # data it lists change: from the cache (stored_data_fragments).
        from_example = True

    calculation = None
    if (
        form is not None
        and form.is_bound
        and (limited := throttled_response(request)) is not None
    ):
        return limited
    if form is not None and form.is_bound and form.is_valid():
        try:
            calculation = calculations.run_calculation(
                slug=slug, data=form.request_data()
            )
        except InputError as exc:
            form.apply_errors(exc.errors)

    whole_page = not _is_fetch(request)
    form_fields_html, partner_datalist_html = stored_data_fragments(
        calculator,
        number_format,
        example_form=from_example,
        partner_datalist=whole_page,
    )
    context = {
        "calculator": calculator,
        "form": form,
        "form_fields_html": form_fields_html,
        "partner_datalist_html": partner_datalist_html,
        "loaded": loaded,
        "from_example": from_example,
        "precedents": selectors.list_precedents(slug) if whole_page else [],
        "calculators": list(REGISTRY.values()),
        **number_formats.number_format_context(request),
        **build_result_context(request, calculation),
    }
    if not whole_page:
        return render(request, "instruments/_calculator_main.html", context)
    return render(request, "instruments/calculator_detail.html", context)


def _form_options(
    calculator: Calculator, number_format: NumberFormat = ENGLISH
) -> dict[str, Any]:
    """The form's stored-data choices (commodities with prices, series, groups) and
    the number format its numbers are typed in."""
    commodity_choices, series_choices = _commodity_choices()
    return {
        "calculator": calculator,
        "number_format": number_format,
        "commodity_choices": commodity_choices,
        "series_choices": series_choices,
        "member_group_choices": [
            (str(g["code"]), str(g["name"])) for g in selectors.list_partner_groups()
        ],
    }


# The stored tables each cached piece of the calculator page shows (page_cache).
EXAMPLE_FORM_READS = {"commodity": "*", "member_group": "*"}
PARTNER_DATALIST_TABLES = ("partner",)
PRECEDENT_TABLES = ("scenario",)


def _format_key(number_format: NumberFormat) -> str:
    f = number_format
    return f"{f.code}|{f.decimal}|{f.thousands}|{f.name}"


def stored_data_fragments(
    calculator: Calculator,
    number_format: NumberFormat,
    *,
    example_form: bool,
    partner_datalist: bool,
) -> tuple[str, str]:
    """The calculator page's HTML built from stored data, from the shared cache: the
    example form's fields in the official's number format (building ~100 fields from
    the declaration and rendering their widgets is most of the page's cost) and the
    country picker's datalist (some 250 economies, half the rest). ``""`` for a
    fragment not asked for."""
    wanted: dict[str, tuple[tuple[str, ...], Callable[[], str]]] = {}
    form_name = f"form:{calculator.slug}:{_format_key(number_format)}"
    if example_form:
        wanted[form_name] = (
            data_versions.tables_read(data=EXAMPLE_FORM_READS),
            lambda: render_to_string(
                "instruments/_form_fields.html",
                {
                    "form": CalculatorForm(
                        initial_inputs=calculator.example,
                        **_form_options(calculator, number_format),
                    )
                },
            ),
        )
    if partner_datalist:
        wanted["datalist"] = (
            PARTNER_DATALIST_TABLES,
            lambda: render_to_string(
                "instruments/_partner_datalist.html",
                {"partner_choices": selectors.list_partner_choices()},
            ),
        )
    html = page_cache.cached_values(wanted) if wanted else {}
    return (
        mark_safe(html.get(form_name, "")),
        mark_safe(html.get("datalist", "")),
    )


def _inputs_from_query(request: HttpRequest) -> dict[str, Any] | None:
    """``?inputs=<JSON object>``, as the login link carries them; None if absent or bad."""
    data = loads_bounded(request.GET.get("inputs", ""))
    return data if isinstance(data, dict) else None


def _with_inputs(name: str, slug: str, data: dict[str, Any]) -> str:
    """A page or download of this calculation: its address with ``?inputs=<JSON>``."""
    return f"{reverse(name, args=[slug])}?{urlencode({'inputs': json.dumps(data)})}"


def build_result_context(
    request: HttpRequest, calculation: calculations.Calculation | None
) -> dict[str, Any]:
    """Headline figures, charts, table rows and download links of a calculation."""
    if calculation is None:
        return {"calculation": None}
    calculator = calculation.calculator
    result = calculation.result
    headline, other_summary = presenters.summary_items(
        calculator, result.summary, calculation.inputs
    )
    records = rows_as_records(result.rows)
    columns = [
        c
        for c in (calculator.columns or result.rows.columns)
        if c in result.rows.columns and any(r.get(c) is not None for r in records)
    ]
    figures = charts.build_result_figures(calculator, result, calculation.inputs)
    tables = []
    for key, title in calculator.tables:
        if key in result.extras and not result.extras[key].empty:
            table_records = rows_as_records(result.extras[key])
            table_columns = list(result.extras[key].columns)
            tables.append(
                {
                    "key": key,
                    "title": title,
                    "columns": table_columns,
                    "headings": presenters.column_headings(
                        calculator.table_outputs, table_columns, calculation.inputs
                    ),
                    "records": table_records,
                }
            )
    api_path = api_calculator_path(calculator.slug)
    query = encode_query(calculator, calculation.request)
    get_url = request.build_absolute_uri(f"{api_path}?{query}")
    csv_url = request.build_absolute_uri(f"{api_path}?{query}&format=csv")
    return {
        "calculation": calculation,
        "headline": headline,
        "sentences": presenters.headline_sentences(
            calculator, result, calculation.inputs, selectors.get_partner_names()
        ),
        "printed_inputs": presenters.plain_inputs(calculator, calculation.request),
        "chart_source": " ".join(presenters.sources_of(calculation.inputs)),
        "carried_over": presenters.carried_over_settings(
            calculator, calculation.request
        ),
        "briefing_url": _with_inputs(
            "instruments:calculator_briefing", calculator.slug, calculation.request
        ),
        "sensitivity_url": _with_inputs(
            "instruments:calculator_sensitivity", calculator.slug, calculation.request
        ),
        "other_summary": other_summary,
        "columns": columns,
        "column_headings": presenters.column_headings(
            calculator.column_outputs, columns, calculation.inputs
        ),
        "records": records[:MAX_TABLE_ROWS],
        "records_truncated": len(records) > MAX_TABLE_ROWS,
        "n_records": len(records),
        "figures": figures,
        "tables": tables,
        "get_url": get_url,
        "csv_url": csv_url,
        "xlsx_url": request.build_absolute_uri(f"{api_path}?{query}&format=xlsx"),
        "importdata": f'=IMPORTDATA("{csv_url}")',
        "request_json": json.dumps(calculation.request),
        "login_to_save_url": (
            f"{reverse('instruments:login')}?"
            + urlencode(
                {
                    "next": f"{reverse('instruments:calculator', args=[calculator.slug])}"
                    f"?{urlencode({'inputs': json.dumps(calculation.request)})}"
                }
            )
        ),
        "save_form": ScenarioSaveForm(
            initial={
                "title": calculator.title,
                "inputs": calculation.request,
            }
        ),
    }


# --- scenarios ------------------------------------------------------------------------


@require_POST
def number_format_choice(request: HttpRequest) -> HttpResponse:
    """Keep the official's explicit number format (or forget it: "from my
    browser"), then go back to the page."""
    response = redirect(safe_next(request, default=reverse("instruments:home")))
    choice = request.POST.get("number_format", "")
    if choice in number_formats.CHOICES:
        response.set_cookie(
            number_formats.COOKIE,
            choice,
            max_age=number_formats.COOKIE_MAX_AGE,
            samesite="Lax",
            secure=request.is_secure(),
        )
    else:
        response.delete_cookie(number_formats.COOKIE, samesite="Lax")
    return response


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
        messages.error(request, "The scenario could not be saved: " + _form_text(form))
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
        messages.error(request, f"The scenario could not be saved: {exc}")
        return redirect("instruments:calculator", slug=slug)
    messages.success(request, f"Saved “{scenario.title}”. This is its permanent link.")
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
        **build_result_context(request, calculation),
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
        raise Http404("No such scenario of yours") from None
    state = "public" if scenario.is_public else "private"
    messages.success(request, f"“{scenario.title}” is now {state}.")
    return redirect(safe_next(request, default=reverse("instruments:scenario_list")))


@login_required(login_url=LOGIN_URL)
@require_POST
def scenario_delete(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        scenario = scenario_services.delete_scenario(owner=request.user, pk=pk)
    except Scenario.DoesNotExist:
        raise Http404("No such scenario of yours") from None
    messages.success(request, f"Deleted “{scenario.title}”.")
    return redirect("instruments:scenario_list")


def chosen_scenarios(request: HttpRequest) -> tuple[list[Scenario], str]:
    """The scenarios ``?ids=`` names (each once, in order), or a problem when there
    are more than ``COMPARE_MAX_SCENARIOS`` (each is re-run); a bad id, or one the
    user may not see, is a 404."""
    try:
        ids = list(dict.fromkeys(int(v) for v in request.GET.getlist("ids")))
    except ValueError as exc:
        raise Http404("Bad scenario id") from exc
    limit = settings.COMPARE_MAX_SCENARIOS
    if len(ids) > limit:
        return [], (
            f"Compare at most {limit} scenarios at a time; {len(ids)} were chosen."
        )
    found = selectors.visible_scenarios(request.user).in_bulk(ids)
    if len(found) != len(ids):
        raise Http404("No such scenario")
    return [found[pk] for pk in ids], ""


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
        problem = "Choose at least two scenarios to compare."
    elif len({s.calculator for s in scenarios}) > 1:
        problem = "Scenarios can only be compared with others of the same calculator."
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


# --- data pages -----------------------------------------------------------------------


def commodity_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "instruments/commodity_list.html",
        {"commodities": selectors.list_commodities()},
    )


def commodity_detail(request: HttpRequest, code: str) -> HttpResponse:
    commodity = next((c for c in selectors.list_commodities() if c.code == code), None)
    if commodity is None:
        raise Http404("No such commodity")
    charted = []
    default_history = None
    for series in commodity.series:
        figure = None
        if series.n_observations:
            history = selectors.get_price_history(code, series=series.code)
            figure = build_price_history_figure(history)
            if series.code == commodity.default_series:
                default_history = history
        charted.append(
            {
                "series": series,
                "figure": figure,
                "script_id": f"chart-{series.code}-data",
            }
        )
    return render(
        request,
        "instruments/commodity_detail.html",
        {
            "commodity": commodity,
            "charted": charted,
            **supply_context(code, default_history),
        },
    )


def supply_context(
    code: str, history: selectors.PriceHistory | None = None
) -> dict[str, Any]:
    """The commodity page's trade section: figures and China's shares; the unit
    values beside the default price series (``history``), in its unit."""
    overview = selectors.get_supply_overview(code)
    if overview is None or overview.year is None:
        return {"supply": None}
    values, prices, unit = overview.unit_values, None, "USD/t"
    price_source = overview.source
    if history is not None:
        values, prices, unit = trade_matrix.unit_values_beside_prices(
            overview.unit_values, history.prices, history.unit
        )
        if not prices.empty:
            price_source += f"; prices: {history.citation or history.source}"
    return {
        "supply": overview,
        "china_shares": [
            (market, share) for market, share in overview.share_of("CHN").items()
        ],
        "supply_figures": [
            (
                "supply-top",
                "supply-top-data",
                f"Top exporters, {overview.year}",
                supply_charts.build_top_exporters_figure(
                    overview.top_exporters,
                    year=overview.year,
                    names=selectors.get_partner_names(),
                ),
                overview.source,
            ),
            (
                "supply-concentration",
                "supply-concentration-data",
                "Concentration of supply",
                supply_charts.build_concentration_figure(overview.concentration),
                overview.source,
            ),
            (
                "supply-unit-values",
                "supply-unit-values-data",
                "Unit values (value ÷ tonnes) beside the price series",
                supply_charts.build_unit_value_figure(
                    values,
                    title=f"Trade unit value, all flows, and the price ({unit})",
                    unit=unit,
                    prices=prices,
                    price_name=history.series_name if history else "",
                    price_source=history.short_citation if history else "",
                ),
                price_source,
            ),
        ],
    }


def methodology(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "instruments/methodology.html",
        {"calculators": REGISTRY.values(), "limits": limits},
    )


def api_guide(request: HttpRequest) -> HttpResponse:
    example = REGISTRY["price-floor"]
    query = encode_query(example, dict(example.example))
    api_path = api_calculator_path(example.slug)
    base = request.build_absolute_uri(api_path)
    return render(
        request,
        "instruments/api_guide.html",
        {
            "calculators": REGISTRY.values(),
            "example_get": f"{base}?{query}",
            "example_csv": f"{base}?{query}&format=csv",
            "example_body": json.dumps(dict(example.example), indent=2),
            "api_root": request.build_absolute_uri("/api/v1/"),
            "token_url": request.build_absolute_uri("/api/v1/token/"),
        },
    )


# --- accounts ---------------------------------------------------------------------------


@login_required(login_url=LOGIN_URL)
def account_tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Create, replace or revoke the account token and the spreadsheet key. A new key
    is shown once, on the page that answers the POST (only its hash is stored)."""
    new_key = None
    if request.method == "POST":
        scope = request.POST.get("scope") or ApiKeyScope.ACCOUNT
        if scope not in ApiKeyScope.values:
            raise Http404("No such kind of key")
        what = ApiKeyScope(scope).label.split(" (")[0].lower()
        if request.POST.get("action") == "create":
            issued = accounts.issue_key(user=request.user, scope=scope)
            new_key = {"scope": scope, "key": issued.key}
            messages.success(
                request,
                f"A new {what} was created. Copy it now: it is shown only once.",
            )
        else:
            accounts.revoke_key(user=request.user, scope=scope)
            messages.success(request, f"Your {what} was revoked; it no longer works.")
            return redirect("instruments:account_tokens")
    keys = selectors.get_api_keys(request.user)
    response = render(
        request,
        "instruments/account_tokens.html",
        {
            "account": keys.get(ApiKeyScope.ACCOUNT),
            "spreadsheet": keys.get(ApiKeyScope.SPREADSHEET),
            "new_key": new_key,
        },
    )
    response["Cache-Control"] = "no-store"
    return response


# --- jobs -------------------------------------------------------------------------------


def job_detail(request: HttpRequest, job_id: str) -> HttpResponse:
    """A job's page: a progress bar that follows it, then the downloads."""
    job = job_services.get_job(job_id=job_id, user=request.user)
    if job is None:
        raise Http404("No such job")
    return render(
        request,
        "instruments/job_detail.html",
        {
            "job": job,
            # An export runs no calculator.
            "calculator": REGISTRY.get(job.calculator),
            "export": job.request.get("export", ""),
            "size": job.request.get("size")
            if job.kind != JobKind.CALCULATION
            else None,
            "api_url": reverse("api-job", args=[job.pk]),
            "result_url": reverse("api-job-result", args=[job.pk]),
            "next_url": _job_next_url(job),
        },
    )


def _job_next_url(job: Job) -> str:
    """Where the page goes when the job is done: a sensitivity analysis started from
    its page goes back to that page, which draws the job's result."""
    if job.kind != JobKind.SENSITIVITY or "page_query" not in job.request:
        return ""
    query = QueryDict(job.request["page_query"], mutable=True)
    query["job"] = str(job.pk)
    url = reverse("instruments:calculator_sensitivity", args=[job.calculator])
    return f"{url}?{query.urlencode()}"


def batch_form(request: HttpRequest, slug: str) -> HttpResponse:
    """Run a calculator over a grid of values as one job, then follow it."""
    calculator = get_calculator_or_404(slug)
    if request.method == "POST":
        form = BatchForm(request.POST)
        if form.is_valid():
            try:
                job = job_services.submit_batch(
                    calculator=slug,
                    owner=request.user,
                    base=form.cleaned_data["base"],
                    grid=form.cleaned_data["grid"],
                )
            except InputError as exc:
                form.add_error(None, str(exc))
            else:
                return redirect("instruments:job", job_id=job.pk)
    else:
        form = BatchForm(
            initial={
                "base": json.dumps(dict(calculator.example), indent=2),
                "grid": _example_grid(calculator),
            }
        )
    return render(
        request,
        "instruments/batch_form.html",
        {"calculator": calculator, "form": form, "headline": calculator.headline_keys},
    )


def _example_grid(calculator: Calculator) -> str:
    """A starting grid: the first numeric top-level input of the example, ±20 %."""
    for name, value in calculator.example.items():
        if isinstance(value, int | float) and not isinstance(value, bool) and value:
            steps = [round(value * f, 6) for f in (0.8, 0.9, 1.0, 1.1, 1.2)]
            return f"{name} = " + ", ".join(f"{s:g}" for s in steps)
    return ""

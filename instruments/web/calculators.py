"""The calculator page: one generic page serves every calculator from the registry.

A calculation is a POST to that page; with JavaScript the page sends it with ``fetch``
and swaps in the answer (``X-Requested-With: fetch`` gets only the form-and-results
part), without it the whole page comes back with the numbers and the table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.vary import vary_on_headers

from instruments import selectors
from instruments.api.lookups import get_calculator_or_404
from instruments.calculators import REGISTRY
from instruments.calculators.base import Calculator, InputError
from instruments.calculators.extras import project_field
from instruments.calculators.units import ENGLISH, NumberFormat
from instruments.models import Scenario
from instruments.services import calculation as calculations
from instruments.services import data_versions
from instruments.web import number_formats, page_cache
from instruments.web.form_data import inputs_to_form_data
from instruments.web.forms import CalculatorForm
from instruments.web.number_formats import get_number_format
from instruments.web.results import build_page_result_context
from instruments.web.shortcuts import (
    get_visible_scenario_or_404,
    inputs_from_query,
    is_fetch,
    throttled_response,
)


@vary_on_headers("Accept-Language", "Cookie")  # numbers in the official's format
def calculator_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The calculator page: form pre-filled with the example, results after a run.
    A first anonymous visit's page (the example) comes from the shared cache."""
    calculator = get_calculator_or_404(slug)
    if page_cache.is_plain_anonymous_visit(request) and not is_fetch(request):
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


# The plurilateral inputs a stored baseline replaces (shown as used after a run).
BUILT_FROM_STORED_DATA = (
    "markets",
    "origins",
    "flows",
    "measures",
    "elasticity_ranges",
    "uncertainty",
)


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
    elif (carried := inputs_from_query(request)) is not None:
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
                slug=slug,
                data=form.request_data(),
                anonymous=not request.user.is_authenticated,
            )
        except InputError as exc:
            form.apply_errors(exc.errors)
        else:
            if "market_baseline" in calculation.inputs:
                # The inputs actually used: markets, origins, routes and elasticities
                # built from stored data, beside the choices that built them.
                used = {**calculation.inputs, **calculation.request}
                used.update({k: calculation.inputs[k] for k in BUILT_FROM_STORED_DATA})
                form = CalculatorForm(
                    inputs_to_form_data(calculator, used, number_format=number_format),
                    **options(),
                )
                form.is_valid()

    whole_page = not is_fetch(request)
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
        **build_page_result_context(request, calculation),
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
        "stored_project_choices": (
            [(str(p["slug"]), str(p["name"])) for p in selectors.get_projects()]
            if project_field(calculator)
            else []
        ),
    }


# The stored tables each cached piece of the calculator page shows (page_cache).
EXAMPLE_FORM_READS = {"commodity": "*", "member_group": "*", "stored_project": "*"}
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

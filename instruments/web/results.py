"""The result part of a page that shows a calculation: the presentation's context plus
what depends on the request (absolute addresses, the stored partner names) and the
form that saves it as a scenario."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse

from instruments import selectors
from instruments.api.querystring import encode_query
from instruments.presentation.result_page import ResultLinks, build_result_context
from instruments.services import calculation as calculations
from instruments.web.scenario_forms import ScenarioSaveForm
from instruments.web.shortcuts import LOGIN_URL, api_calculator_path


def build_page_result_context(
    request: HttpRequest, calculation: calculations.Calculation | None
) -> dict[str, Any]:
    """Headline figures, charts, table rows and download links of a calculation."""
    if calculation is None:
        return {"calculation": None}
    calculator = calculation.calculator
    return {
        "calculation": calculation,
        **build_result_context(
            calculator,
            calculation.result,
            calculation.inputs,
            calculation.request,
            links=build_result_links(request, calculation),
            partner_names=selectors.get_partner_names(),
        ),
        "save_form": ScenarioSaveForm(
            initial={"title": calculator.title, "inputs": calculation.request}
        ),
    }


def build_result_links(
    request: HttpRequest, calculation: calculations.Calculation
) -> ResultLinks:
    """The API's addresses of this calculation (absolute) and the pages that take it
    further: its briefing, its sensitivity and logging in to save it."""
    slug = calculation.calculator.slug
    api = api_calculator_path(slug)
    query = encode_query(calculation.calculator, calculation.request)
    back = f"{reverse('instruments:calculator', args=[slug])}?" + urlencode(
        {"inputs": json.dumps(calculation.request)}
    )
    return ResultLinks(
        api_get=request.build_absolute_uri(f"{api}?{query}"),
        api_csv=request.build_absolute_uri(f"{api}?{query}&format=csv"),
        api_xlsx=request.build_absolute_uri(f"{api}?{query}&format=xlsx"),
        briefing=address_with_inputs(
            "instruments:calculator_briefing", slug, calculation.request
        ),
        sensitivity=address_with_inputs(
            "instruments:calculator_sensitivity", slug, calculation.request
        ),
        login_to_save=f"{reverse(LOGIN_URL)}?" + urlencode({"next": back}),
    )


def address_with_inputs(name: str, slug: str, data: dict[str, Any]) -> str:
    """A page or download of this calculation: its address with ``?inputs=<JSON>``."""
    return f"{reverse(name, args=[slug])}?{urlencode({'inputs': json.dumps(data)})}"

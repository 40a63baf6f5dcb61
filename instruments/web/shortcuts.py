"""What several page families share: the signed-in request, the scenarios and inputs a
request names, a safe ``next`` address, the calculation rate limit and the 400 answer
for inputs that do not run."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext

from instruments import selectors
from instruments.api.guards import clean_query_pairs, loads_bounded
from instruments.api.querystring import decode_query
from instruments.api.throttling import throttle_wait
from instruments.calculators.base import NON_FIELD, Calculator, InputError, iter_errors
from instruments.models import Scenario
from instruments.services import calculation as calculations
from instruments.services import job_limits

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    class AuthenticatedHttpRequest(HttpRequest):
        """A request behind ``login_required``: its user has signed in."""

        user: User


LOGIN_URL = "instruments:login"
FETCH_HEADER = "fetch"


def is_fetch(request: HttpRequest) -> bool:
    """The page's own ``fetch``: it wants only the form-and-results part."""
    return request.headers.get("X-Requested-With") == FETCH_HEADER


def safe_next(request: HttpRequest, *, default: str) -> str:
    """The ``next`` address of a POST when it stays on this site, else ``default``
    (an open redirect would send a signed-in official to any site)."""
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def api_calculator_path(slug: str) -> str:
    """The API path of a calculator: part of the public contract (INSTRUMENTS.md §7)."""
    return f"/api/v1/calculators/{slug}/"


def inputs_from_query(request: HttpRequest) -> dict[str, Any] | None:
    """``?inputs=<JSON object>``, as the login link carries them; None if absent or bad."""
    data = loads_bounded(request.GET.get("inputs", ""))
    return data if isinstance(data, dict) else None


PAGE_KEYS = frozenset({"inputs", "scenario", "blank", "title", "format"})
"""Query keys that steer a page or download, not the calculation."""


def request_inputs(
    request: HttpRequest, calculator: Calculator
) -> dict[str, Any] | None:
    """The calculation a page's or a download's address asks for: ``?inputs=<JSON>``
    (as the page's own links carry it) or exactly the API's query
    (``GET /api/v1/calculators/<slug>/``: ``commodity=ndpr-oxide&year=2024&...``),
    so that one question gives one calculation on every surface. None when the
    address names no inputs; InputError with the API's field errors when the API
    would refuse the query (an unknown field, a key given twice, a bad JSON)."""
    pairs = [
        (key, value)
        for key, values in request.GET.lists()
        for value in values
        if key not in PAGE_KEYS
    ]
    if "inputs" in request.GET:
        if pairs:
            raise InputError.at(
                ("inputs",),
                gettext(
                    "Give the inputs either as inputs=<JSON> or as the API's query "
                    "fields, not both."
                ),
            )
        data = loads_bounded(request.GET.get("inputs", ""))
        if not isinstance(data, dict):
            raise InputError.at(
                ("inputs",), gettext("inputs must be a JSON object of named fields.")
            )
        return data
    if not pairs:
        return None
    return decode_query(calculator, clean_query_pairs(calculator, pairs))


def field_errors(errors: Any) -> list[tuple[str, str]]:
    """An error tree as (field path, message) rows: ``markets.0.code``."""
    rows = []
    for path, message in iter_errors(errors):
        name = ".".join(str(step) for step in path)
        rows.append(("" if name == NON_FIELD else name, str(message)))
    return rows


def refused_query_response(
    request: HttpRequest, calculator: Calculator | None, errors: Any
) -> HttpResponse:
    """The 400 page of an address whose inputs the API refuses: each field's
    message, as the API's 400 body gives them."""
    return render(
        request,
        "instruments/refused_query.html",
        {"calculator": calculator, "errors": field_errors(errors)},
        status=400,
    )


def given_inputs(request: HttpRequest) -> dict[str, Any] | None:
    """``?inputs=<JSON object>`` of a briefing or sensitivity address: None when
    absent (the example then), ``BadInputs`` when given but not a JSON object (or
    nested too deeply): a 400 naming it, never the example's PDF instead."""
    if "inputs" not in request.GET:
        return None
    data = inputs_from_query(request)
    if data is None:
        raise BadInputs(
            gettext(
                "inputs: give the calculation's inputs as one JSON object "
                '(?inputs={"field": value, ...}); this is not one.'
            )
        )
    return data


def get_visible_scenario_or_404(request: HttpRequest, pk: int) -> Scenario:
    """A scenario the user may see: public ones and their own; others are 404."""
    return get_object_or_404(selectors.visible_scenarios(request.user), pk=pk)


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
        return [], gettext(
            "Compare at most {limit} scenarios at a time; {chosen} were chosen."
        ).format(limit=limit, chosen=len(ids))
    found = selectors.visible_scenarios(request.user).in_bulk(ids)
    if len(found) != len(ids):
        raise Http404("No such scenario")
    return [found[pk] for pk in ids], ""


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
        {
            "message": gettext(
                "Too many calculations; try again in {seconds} seconds."
            ).format(seconds=seconds)
        },
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


def quota_response(request: HttpRequest, exc: Exception) -> HttpResponse:
    """The 429 page of a client that has as many jobs queued or running as it may."""
    response = render(request, "429.html", {"message": str(exc)}, status=429)
    response["Retry-After"] = "30"
    return response


class BadInputs(Exception):
    """Inputs that do not run: the view answers 400 with the reason."""


def run_or_bad_inputs(slug: str, data: Mapping[str, Any]) -> calculations.Calculation:
    """``run_calculation`` of what a page computes at once (a simulation above
    ``JOBS_SYNC_MAX_PATH_STEPS`` is refused, saying so), its ``InputError`` as
    ``BadInputs``."""
    try:
        job_limits.check_runs_now(data, slug=slug)
        return calculations.run_calculation(slug=slug, data=data)
    except InputError as exc:
        raise BadInputs(str(exc)) from None


def bad_inputs_response(message: str) -> HttpResponse:
    """The plain-text 400 of a briefing or sensitivity page whose inputs do not run."""
    return HttpResponse(
        gettext("The briefing cannot be made: {message}").format(message=message),
        status=400,
        content_type="text/plain; charset=utf-8",
    )

"""Request middleware of the app."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.defaults import page_not_found, permission_denied

from instruments.presentation.numbers import number_format_in_use
from instruments.services import data_versions
from instruments.web.number_formats import get_number_format


class DataVersionsOncePerRequestMiddleware:
    """Each stored table's version is looked up at most once a request
    (``data_versions.read_once``): the result cache, the cached stored reads and a
    page's cached fragments share one query and one cache round trip."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with data_versions.read_once():
            return self.get_response(request)


class ReaderNumberFormatMiddleware:
    """Every figure a page shows is written in the reader's number format (the one
    they type in: ``number_formats.get_number_format``), through
    ``presentation.numbers.number_format_in_use``. The API keeps its dot-decimal."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            return self.get_response(request)
        with number_format_in_use(get_number_format(request)):
            return self.get_response(request)


SCENARIO_PAGES = frozenset(
    {"scenario", "scenario_briefing", "scenario_visibility", "scenario_delete"}
)
"""Pages of one saved scenario: a private one says so, with a way to sign in."""


class AppErrorPagesMiddleware:
    """The app's own 404 and 403 pages whatever ``DEBUG`` is (never the framework's
    debug 404 with the list of addresses), and a private scenario's page: "this
    scenario is private — sign in". The API keeps its JSON errors."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # An address no URL pattern matches never reaches a view: with DEBUG on,
        # Django answers with its technical page (the URL list); ours instead.
        if (
            settings.DEBUG
            and response.status_code == 404
            and not request.path.startswith("/api/")
            and b"Using the URLconf" in getattr(response, "content", b"")
        ):
            return page_not_found(request, Http404(request.path))
        return response

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        if request.path.startswith("/api/"):
            return None
        if isinstance(exception, Http404):
            match = request.resolver_match
            if match is not None and match.url_name in SCENARIO_PAGES:
                return render(request, "instruments/scenario_private.html", status=404)
            return page_not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return permission_denied(request, exception)
        return None

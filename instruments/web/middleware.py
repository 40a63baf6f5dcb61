"""Request middleware of the app."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

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

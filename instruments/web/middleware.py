"""Request middleware of the app."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from instruments.services import data_versions


class DataVersionsOncePerRequestMiddleware:
    """Each stored table's version is looked up at most once a request
    (``data_versions.read_once``): the result cache, the cached stored reads and a
    page's cached fragments share one query and one cache round trip."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with data_versions.read_once():
            return self.get_response(request)

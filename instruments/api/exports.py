"""Exports of the data lists as jobs, for lists longer than one CSV/XLSX answer.

``POST /api/v1/jobs/ {"export": "/api/v1/trade-flows/?year=2024"}`` takes the address
of any reference list (commodities, series, observations, partners, groups,
producers, FX rates, parameters, trade flows) with its filters, and runs that list
on a worker with the list's own filters and serializer: every row (up to
``EXPORT_JOB_MAX_ROWS``), as the job's CSV/XLSX/JSON result. ``format``, ``limit``,
``offset`` and ``page_size`` are left out of the address: the job gives every row, in
the format its result is asked for.

Checked when submitted (400 naming what is wrong): the address is a list of this API,
its filters are valid, and the rows fit the cap. Who may submit is the jobs
endpoint's rule; a reference list reads the same for every reader.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, QueryDict
from django.urls import Resolver404, resolve
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.request import Request
from rest_framework.utils.encoders import JSONEncoder

from instruments.api.reference import ReferenceViewSet
from instruments.calculators.base import InputError
from instruments.models import JobKind
from instruments.services import jobs

PAGE_PARAMETERS = ("format", "limit", "offset", "page_size", "token")
CHUNK = 5_000  # rows serialized between two progress reports


def _list_view(address: Any, user: Any) -> ReferenceViewSet:
    """The list view of ``address``, ready to filter, as ``user`` would see it."""
    if not isinstance(address, str) or not address or len(address) > 2_000:
        raise InputError.at(
            ("export",),
            "Give the address of a list, e.g. /api/v1/trade-flows/?year=2024.",
        )
    parts = urlsplit(address)
    try:
        match = resolve(parts.path)
    except Resolver404:
        raise InputError.at(
            ("export",), f"{parts.path} is not an address of this API."
        ) from None
    cls = getattr(match.func, "cls", None)
    actions = getattr(match.func, "actions", None) or {}
    if not (
        isinstance(cls, type)
        and issubclass(cls, ReferenceViewSet)
        and actions.get("get") == "list"
    ):
        raise InputError.at(
            ("export",),
            f"{parts.path} is not a data list; exports take the reference lists "
            "(e.g. /api/v1/trade-flows/, /api/v1/observations/).",
        )
    query = QueryDict(parts.query, mutable=True)
    for name in PAGE_PARAMETERS:
        query.pop(name, None)
    request = HttpRequest()
    request.method = "GET"
    request.path = parts.path
    request.GET = query
    request.META = {"SERVER_NAME": "jobs", "SERVER_PORT": "80"}
    view = cls(action="list", format_kwarg=None, args=(), kwargs=match.kwargs)
    view.request = Request(request)
    view.request.user = user if user is not None else AnonymousUser()
    view.headers = {}
    return view


def _rows(view: ReferenceViewSet) -> Any:
    try:
        return view.filter_queryset(view.get_queryset())
    except (ValidationError, APIException) as exc:
        raise InputError.at(("export",), f"The list's filters: {exc.detail}") from None


def check(address: Any, user: Any) -> tuple[dict[str, Any], int]:
    """The export request to store and its number of rows; InputError when the
    address is not a list, its filters are invalid or it has too many rows."""
    view = _list_view(address, user)
    count = _rows(view).count()
    cap = settings.EXPORT_JOB_MAX_ROWS
    if count > cap:
        raise InputError.at(
            ("export",),
            f"This list has {count:,} rows; an export job gives at most {cap:,}. "
            "Narrow it with the list's filters.",
        )
    return {"export": address}, count


def run_export(
    request: Mapping[str, Any], report: Callable[[float], None]
) -> dict[str, Any]:
    """Every row of the list, ``{"columns", "rows"}``, serialized chunk by chunk."""
    view = _list_view(request["export"], None)
    rows = _rows(view)
    total = max(rows.count(), 1)
    out: list[dict[str, Any]] = []
    for start in range(0, total, CHUNK):
        chunk = view.get_serializer(rows[start : start + CHUNK], many=True).data
        # As the list's JSON has them (decimals as numbers), to be stored as JSON.
        out.extend(json.loads(json.dumps(chunk, cls=JSONEncoder)))
        report(min(start + CHUNK, total) / total)
    return {"columns": view.get_renderer_context()["header"], "rows": out}


jobs.register_runner(kind=JobKind.EXPORT, runner=run_export)

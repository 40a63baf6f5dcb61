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
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import QuerySet
from django.http import QueryDict
from django.urls import Resolver404, resolve
from django.utils.translation import gettext
from django_filters.utils import translate_validation
from rest_framework.utils.encoders import JSONEncoder

from instruments.api.filters import unknown_parameters
from instruments.api.reference import ReferenceViewSet
from instruments.calculators.base import InputError
from instruments.models import Job, JobKind
from instruments.services import jobs

PAGE_PARAMETERS = ("format", "limit", "offset", "page_size", "token")
CHUNK = 5_000  # rows serialized between two progress reports


@dataclass(frozen=True)
class ListExport:
    """A reference list with its filters applied: its rows, serializer and columns."""

    rows: QuerySet[Any]
    view: ReferenceViewSet


def read_list(address: Any) -> ListExport:
    """The list ``address`` names, filtered by its own FilterSet as the list is."""
    if not isinstance(address, str) or not address or len(address) > 2_000:
        raise InputError.at(
            ("export",),
            gettext("Give the address of a list, e.g. /api/v1/trade-flows/?year=2024."),
        )
    parts = urlsplit(address)
    try:
        match = resolve(parts.path)
    except Resolver404:
        raise InputError.at(
            ("export",),
            gettext("{path} is not an address of this API.").format(path=parts.path),
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
            gettext(
                "{path} is not a data list; exports take the reference lists (e.g. /api/v1/trade-flows/, /api/v1/observations/)."
            ).format(path=parts.path),
        )
    query = QueryDict(parts.query, mutable=True)
    for name in PAGE_PARAMETERS:
        query.pop(name, None)
    # No request: a job reads the list as anyone would, outside HTTP.
    view = cls(
        action="list", request=None, format_kwarg=None, args=(), kwargs=match.kwargs
    )
    rows = view.get_queryset()
    filterset_class = getattr(view, "filterset_class", None)
    if filterset_class is not None:
        unknown = unknown_parameters(filterset_class, query.keys())
        if unknown:
            names = ", ".join(unknown)
            raise InputError.at(
                ("export",),
                gettext("The list's filters: unknown query parameter {names}.").format(
                    names=names
                )
                + " "
                + next(iter(unknown.values()))[0],
            )
        filterset = filterset_class(data=query, queryset=rows)
        if not filterset.is_valid():
            detail = translate_validation(filterset.errors).detail
            raise InputError.at(
                ("export",),
                gettext("The list's filters: {detail}").format(detail=detail),
            )
        rows = filterset.qs
    return ListExport(rows=rows, view=view)


def check(address: Any) -> tuple[dict[str, Any], int]:
    """The export request to store and its number of rows; InputError when the
    address is not a list, its filters are invalid or it has too many rows."""
    count = read_list(address).rows.count()
    cap = settings.EXPORT_JOB_MAX_ROWS
    if count > cap:
        raise InputError.at(
            ("export",),
            gettext(
                "This list has {count:,} rows; an export job gives at most {cap:,}. Narrow it with the list's filters."
            ).format(count=count, cap=cap),
        )
    return {"export": address}, count


def run_export(job: Job, report: jobs.Reporter) -> dict[str, Any]:
    """Every row of the list, ``{"columns", "rows"}``, serialized chunk by chunk."""
    found = read_list(job.request["export"])
    rows = found.rows
    total = max(rows.count(), 1)
    out: list[dict[str, Any]] = []
    for start in range(0, total, CHUNK):
        chunk = found.view.get_serializer(rows[start : start + CHUNK], many=True).data
        # As the list's JSON has them (decimals as numbers), to be stored as JSON.
        out.extend(json.loads(json.dumps(chunk, cls=JSONEncoder)))
        report(min(start + CHUNK, total) / total)
    return {"columns": found.view.get_renderer_context()["header"], "rows": out}


# The export runs this API list's filters and serializer, above the services: the one
# table of every job kind is completed here, the lowest layer that may import both.
JOB_RUNNERS: Mapping[str, jobs.Runner] = {**jobs.RUNNERS, JobKind.EXPORT: run_export}

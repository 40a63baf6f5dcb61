"""Answers for requests the API cannot serve, so none of them is a bare 404 or a 500.

- ``FormatNegotiation``: ``?format=`` is case-insensitive (``CSV`` is ``csv``); an
  unknown format is a 406 naming the formats there are.
- ``exception_handler``: deleting a row that others still use (a commodity with
  series) is a 409 that says what uses it, not a ProtectedError, and so is a delete
  the database refuses (an IntegrityError); a write whose only
  problem is a key that is already taken (a partner's iso3, a series' code) is a 409
  with the field errors, so a client can tell "exists already" from "invalid". A
  view outside the request transaction (the calculators) marks no transaction for
  rollback.
- a job the client has no quota left for (``JobQuotaExceeded``) is a 429 saying so.
- ``read_body``: a body that is not JSON is a 400 naming the parser's complaint.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, connections, transaction
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from django.utils.translation import gettext
from rest_framework import status
from rest_framework.exceptions import NotAcceptable, ParseError, ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from instruments.calculators.base import NON_FIELD
from instruments.services.job_limits import JobQuotaExceeded


def read_body(request: Request) -> tuple[Any, Response | None]:
    """(the parsed request body, None), or (None, the 400 answer) when it is not JSON."""
    try:
        return request.data, None
    except ParseError as exc:
        return None, Response(
            {
                NON_FIELD: [
                    gettext("The request body is not valid JSON: {detail}").format(
                        detail=exc.detail
                    )
                ]
            },
            status=status.HTTP_400_BAD_REQUEST,
        )


class FormatNegotiation(DefaultContentNegotiation):
    def select_renderer(
        self, request: Any, renderers: Any, format_suffix: str | None = None
    ) -> Any:
        param = api_settings.URL_FORMAT_OVERRIDE
        given = format_suffix or (request.query_params.get(param) if param else None)
        if given:
            given = given.lower()
            if not any(r.format == given for r in renderers):
                known = ", ".join(sorted({r.format for r in renderers}))
                raise NotAcceptable(f"Unknown format '{given}'. Formats: {known}.")
            format_suffix = given
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except Http404 as exc:  # pragma: no cover - the check above comes first
            raise NotAcceptable(gettext("Unknown format.")) from exc


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, JobQuotaExceeded):  # nothing was written: no rollback to mark
        return Response(
            {NON_FIELD: [str(exc)]},
            status=status.HTTP_429_TOO_MANY_REQUESTS,
            headers={"Retry-After": "30"},
        )
    if isinstance(exc, ProtectedError | RestrictedError):
        used_by = sorted(
            {f"{obj._meta.verbose_name} {obj}" for obj in list(exc.args[1])[:5]}
        )
        return Response(
            {
                "detail": (
                    gettext(
                        "Cannot delete: still used by {used_by} and more. Delete or "
                        "move those first."
                    )
                    if len(exc.args[1]) > 5
                    else gettext(
                        "Cannot delete: still used by {used_by}. Delete or move those "
                        "first."
                    )
                ).format(used_by="; ".join(used_by))
            },
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, IntegrityError) and context["request"].method == "DELETE":
        # A delete the database refuses (a check constraint on a row it changes):
        # undone with the request, and said, rather than a 500.
        transaction.set_rollback(True)
        return Response(
            {
                "detail": gettext(
                    "Cannot delete: other stored data need it, and deleting it "
                    "would leave them inconsistent ({problem}). Change those first."
                ).format(problem=exc)
            },
            status=status.HTTP_409_CONFLICT,
        )
    if getattr(context.get("view"), "outside_request_transaction", False):
        # DRF's handler marks the enclosing transaction for rollback; a view outside
        # the request transaction has none of its own (its inner blocks have ended),
        # so the only one open is a caller's (a test's) and must be left alone.
        marks = {
            c.alias: c.needs_rollback for c in connections.all() if c.in_atomic_block
        }
        response = drf_exception_handler(exc, context)
        for alias, mark in marks.items():
            connections[alias].needs_rollback = mark
    else:
        response = drf_exception_handler(exc, context)
    if isinstance(exc, ValidationError) and response is not None and only_unique(exc):
        response.status_code = status.HTTP_409_CONFLICT
    return response


UNIQUE_CODES = frozenset({"unique", "unique_together"})


def only_unique(exc: ValidationError) -> bool:
    """Whether every error of ``exc`` is a unique key already taken."""
    codes: list[str] = []
    stack: list[Any] = [exc.get_codes()]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        else:
            codes.append(str(node))
    return bool(codes) and all(code in UNIQUE_CODES for code in codes)

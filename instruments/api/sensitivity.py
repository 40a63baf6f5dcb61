"""``POST /api/v1/calculators/<slug>/sensitivity/``: one-way sweeps (and a tornado) of
a calculator's headline figures, as JSON, CSV or XLSX (one row per point)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ParseError
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from instruments.api.permissions import ReadOpen
from instruments.calculators import REGISTRY
from instruments.calculators.base import InputError
from instruments.calculators.sensitivity import MAX_POINTS
from instruments.services.sensitivity import parse_variations, run_sweep, run_tornado

NON_FIELD = "non_field_errors"


class SensitivityApi(APIView):
    """Vary inputs of a calculation and return its headline figures at each point.

    Body: ``{"inputs": <the calculator's request>, "vary": [{"path":
    "reference_price", "from": 90, "to": 130, "steps": 9}, {"path":
    "flows.0.quantity", "values": [50, 100, 200]}], "tornado": {"paths":
    ["reference_price", "flows.0.quantity"], "change": 0.1}}`` (``tornado``
    optional). At most 200 calculations per request; more is a 400.
    """

    permission_classes = [ReadOpen]
    parser_classes = [JSONParser]

    def get_renderer_context(self) -> dict[str, Any]:
        context = super().get_renderer_context()
        context["header"] = getattr(self, "header", [])
        context["filename"] = getattr(self, "filename", "sensitivity")
        return context

    @extend_schema(
        operation_id="calculator_sensitivity",
        request=dict,
        responses={200: dict, 400: dict},
        examples=[
            OpenApiExample(
                "A higher floor",
                value={
                    "inputs": dict(REGISTRY["price-floor"].example),
                    "vary": [
                        {"path": "reference_price", "from": 90, "to": 130, "steps": 5}
                    ],
                },
                request_only=True,
            )
        ],
    )
    def post(self, request: Request, slug: str) -> Response:
        if slug not in REGISTRY:
            raise NotFound(f"No calculator {slug!r}; known: {', '.join(REGISTRY)}.")
        try:
            body = request.data
        except ParseError as exc:
            return Response(
                {NON_FIELD: [f"The request body is not valid JSON: {exc.detail}"]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        if not isinstance(body, Mapping) or not isinstance(body.get("inputs"), Mapping):
            return Response(
                {NON_FIELD: ["Send {'inputs': {...}, 'vary': [...]}."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        self.filename = f"{slug}-sensitivity"
        try:
            variations = parse_variations(body.get("vary"))
            tornado_spec = body.get("tornado") or {}
            tornado_paths = list(tornado_spec.get("paths") or [])
            points = sum(len(v.values) for v in variations)
            if points + 2 * len(tornado_paths) > MAX_POINTS:
                raise InputError.at(
                    ("vary",),
                    f"This asks for {points + 2 * len(tornado_paths)} calculations; "
                    f"at most {MAX_POINTS} are allowed in one request.",
                )
            keys, rows = run_sweep(
                slug=slug, base=body["inputs"], variations=variations
            )
            tornado_key, tornado = (
                run_tornado(
                    slug=slug,
                    base=body["inputs"],
                    paths=tornado_paths,
                    change=float(tornado_spec.get("change", 0.1)),
                )
                if tornado_paths
                else (None, [])
            )
        except InputError as exc:
            return Response(exc.errors, status=status.HTTP_400_BAD_REQUEST)
        self.header = ["input", "value", *keys]
        return Response(
            {
                "summary": {
                    "points": len(rows),
                    "headline": keys,
                    "tornado_figure": tornado_key,
                    "tornado": tornado,
                },
                "rows": rows,
                "inputs": body["inputs"],
            }
        )

"""``POST /api/v1/calculators/<slug>/sensitivity/``: one-way sweeps (and a tornado) of
a calculator's headline figures, as JSON, CSV or XLSX (one row per point)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from instruments.api.errors import read_body
from instruments.api.guards import SafeJSONParser
from instruments.api.jobs import JOB_COLUMNS, JOB_SCHEMA, job_resource
from instruments.api.permissions import ReadOpen
from instruments.calculators import REGISTRY
from instruments.calculators.base import InputError
from instruments.services import jobs, sensitivity
from webapp.security import client_ip

NON_FIELD = "non_field_errors"


class SensitivityApi(APIView):
    """Vary inputs of a calculation and return its headline figures at each point.

    Body: ``{"inputs": <the calculator's request>, "vary": [{"path":
    "reference_price", "from": 90, "to": 130, "steps": 9}, {"path":
    "flows.0.quantity", "values": [50, 100, 200]}], "tornado": {"paths":
    ["reference_price", "flows.0.quantity"], "change": 0.1}}`` (``tornado``
    optional). At most 200 calculations per request; more is a 400. Above
    ``JOBS_SYNC_MAX_SWEEP_POINTS`` calculations (50), or a simulation's path-steps
    summed over the points above ``JOBS_SYNC_MAX_PATH_STEPS``, the answer is 202 with
    a job whose result is the same body.
    """

    permission_classes = [ReadOpen]
    parser_classes = [SafeJSONParser]

    def get_renderer_context(self) -> dict[str, Any]:
        context = super().get_renderer_context()
        context["header"] = getattr(self, "header", [])
        context["filename"] = getattr(self, "filename", "sensitivity")
        return context

    @extend_schema(
        operation_id="calculator_sensitivity",
        request=dict,
        responses={200: dict, 202: JOB_SCHEMA, 400: dict},
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
        body, unreadable = read_body(request)
        if unreadable is not None:
            return unreadable
        self.filename = f"{slug}-sensitivity"
        try:
            analysis = sensitivity.read_request(slug=slug, body=body)
            if jobs.sweep_needs_job(request=analysis):
                job = jobs.submit_sensitivity(
                    request=analysis, owner=request.user, client=client_ip(request)
                )
                resource = job_resource(request, job)
                self.header = JOB_COLUMNS
                return Response(
                    resource,
                    status=status.HTTP_202_ACCEPTED,
                    headers={"Location": resource["url"]},
                )
            result = sensitivity.analyse(request=analysis)
        except InputError as exc:
            return Response(exc.errors, status=status.HTTP_400_BAD_REQUEST)
        self.header = result.pop("columns")
        return Response(result)

"""The job resource: ``/api/v1/jobs/`` (submit, list yours) and ``/api/v1/jobs/<id>/``
(state, progress, result links), ``/api/v1/jobs/<id>/result/`` (JSON, CSV, XLSX).

POST ``{"calculator": "price-floor", "inputs": {...}}`` runs one calculation as a job;
``{"calculator": ..., "base": {...}, "grid": {"reference_price": [100, 110]}}`` or
``{"calculator": ..., "requests": [{...}, ...]}`` runs a batch; ``{"export":
"/api/v1/trade-flows/?year=2024"}`` exports every row of a data list (``exports``).
The answer is 202 with the job; poll its URL. A failed job's result is its 400 error body.
POST ``/api/v1/jobs/<id>/cancel/`` cancels a queued or running job (its owner, or
whoever holds an anonymous job's id).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ParseError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from instruments.api import exports
from instruments.api.guards import SafeJSONParser
from instruments.api.permissions import ReadOpen
from instruments.api.renderers import XLSX_MEDIA_TYPE
from instruments.api.schema import ERROR_SCHEMA, FORMAT_PARAMETER
from instruments.calculators import REGISTRY
from instruments.calculators.base import NON_FIELD, InputError
from instruments.models import Job, JobKind, JobState
from instruments.services import jobs
from webapp.security import client_ip

JOB_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "url": {"type": "string"},
        "page": {"type": "string"},
        "kind": {"type": "string", "enum": list(JobKind.values)},
        "calculator": {"type": "string"},
        "state": {"type": "string", "enum": list(JobState.values)},
        "progress": {"type": "integer", "minimum": 0, "maximum": 100},
        "size": {"type": "integer", "nullable": True},
        "created": {"type": "string", "format": "date-time"},
        "started": {"type": "string", "format": "date-time", "nullable": True},
        "finished": {"type": "string", "format": "date-time", "nullable": True},
        "result": {
            "type": "object",
            "nullable": True,
            "properties": {k: {"type": "string"} for k in ("json", "csv", "xlsx")},
        },
        "error": {"type": "object", "nullable": True, "additionalProperties": True},
    },
}
JOB_COLUMNS = ["id", "state", "progress", "kind", "calculator", "url"]
JOB_BODY_KEYS = frozenset(
    {"calculator", "inputs", "base", "grid", "requests", "export"}
)
"""The keys a job's body may have; any other (``gird``) is a 400 naming it."""


def job_resource(request: Request, job: Job) -> dict[str, Any]:
    """A job as the API shows it; result links once it has succeeded."""
    url = request.build_absolute_uri(reverse("api-job", args=[job.pk]))
    result_url = request.build_absolute_uri(reverse("api-job-result", args=[job.pk]))
    size = job.request.get("size") if job.kind != JobKind.CALCULATION else 1
    return {
        "id": str(job.pk),
        "url": url,
        "page": request.build_absolute_uri(reverse("instruments:job", args=[job.pk])),
        "kind": job.kind,
        "calculator": job.calculator,
        "state": job.state,
        "progress": job.progress,
        "size": size,
        "created": job.created.isoformat(),
        "started": job.started.isoformat() if job.started else None,
        "finished": job.finished.isoformat() if job.finished else None,
        "result": (
            {
                "json": result_url,
                "csv": f"{result_url}?format=csv",
                "xlsx": f"{result_url}?format=xlsx",
            }
            if job.state == JobState.SUCCEEDED
            else None
        ),
        "error": job.error,
    }


def _job_or_404(request: Request, job_id: Any) -> Job:
    job = jobs.get_job(job_id=job_id, user=request.user)
    if job is None:
        raise NotFound("No such job.")
    return job


class JobListApi(APIView):
    """Submit a job (202), or list your own jobs (signed in)."""

    permission_classes = [ReadOpen]
    parser_classes = [SafeJSONParser]

    def get_renderer_context(self) -> dict[str, Any]:
        return {
            **super().get_renderer_context(),
            "header": JOB_COLUMNS,
            "filename": "jobs",
        }

    @extend_schema(
        operation_id="jobs_list",
        tags=["jobs"],
        parameters=[FORMAT_PARAMETER],
        responses={200: {"type": "array", "items": JOB_SCHEMA}},
    )
    def get(self, request: Request) -> Response:
        return Response(
            [job_resource(request, j) for j in jobs.list_jobs(user=request.user)]
        )

    @extend_schema(
        operation_id="jobs_create",
        tags=["jobs"],
        request={
            "application/json": {
                "type": "object",
                "properties": {
                    "calculator": {"type": "string", "enum": sorted(REGISTRY)},
                    "inputs": {"type": "object", "additionalProperties": True},
                    "base": {"type": "object", "additionalProperties": True},
                    "grid": {
                        "type": "object",
                        "additionalProperties": {"type": "array", "items": {}},
                    },
                    "requests": {
                        "type": "array",
                        "items": {"type": "object", "additionalProperties": True},
                    },
                    "export": {
                        "type": "string",
                        "maxLength": 2000,
                        "description": "The address of a data list with its filters, "
                        "e.g. /api/v1/trade-flows/?year=2024: every row, as a job "
                        "(no calculator then).",
                    },
                },
            }
        },
        responses={
            202: JOB_SCHEMA,
            400: OpenApiResponse(response=ERROR_SCHEMA, description="Invalid fields."),
        },
    )
    def post(self, request: Request) -> Response:
        try:
            body = request.data
        except ParseError as exc:
            return Response(
                {NON_FIELD: [str(exc.detail)]}, status=status.HTTP_400_BAD_REQUEST
            )
        if not isinstance(body, Mapping):
            return Response(
                {NON_FIELD: ["The request body must be a JSON object."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        unknown = sorted(str(k) for k in body if k not in JOB_BODY_KEYS)
        if unknown:
            known = ", ".join(sorted(JOB_BODY_KEYS))
            return Response(
                {k[:80]: [f"Unknown field. Known fields: {known}."] for k in unknown},
                status=status.HTTP_400_BAD_REQUEST,
            )
        slug = body.get("calculator")
        try:
            if "export" in body:
                export, count = exports.check(body["export"])
                job = jobs.submit_export(
                    export=export,
                    rows=count,
                    owner=request.user,
                    runners=exports.JOB_RUNNERS,
                    client=client_ip(request),
                )
            elif not isinstance(slug, str) or slug not in REGISTRY:
                given = f"{slug!r:.40}" if isinstance(slug, str) else "a non-text value"
                raise InputError.at(
                    ("calculator",),
                    gettext(
                        "Unknown calculator {given}; give its name, one of: {names}."
                    ).format(given=given, names=", ".join(sorted(REGISTRY))),
                )
            elif "grid" in body or "requests" in body:
                job = jobs.submit_batch(
                    calculator=str(slug),
                    owner=request.user,
                    base=body.get("base"),
                    grid=body.get("grid"),
                    requests=body.get("requests"),
                    client=client_ip(request),
                )
            else:
                inputs = body.get("inputs", {})
                if not isinstance(inputs, Mapping):
                    raise InputError.at(
                        ("inputs",), gettext("The inputs must be an object.")
                    )
                job = jobs.submit_calculation(
                    calculator=str(slug),
                    data=inputs,
                    owner=request.user,
                    client=client_ip(request),
                )
        except InputError as exc:
            return Response(exc.errors, status=status.HTTP_400_BAD_REQUEST)
        resource = job_resource(request, job)
        return Response(
            resource,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": resource["url"]},
        )


class JobDetailApi(APIView):
    """One job: state, progress (0–100), result links; 404 unless it is yours or
    anonymous."""

    permission_classes = [ReadOpen]

    def get_renderer_context(self) -> dict[str, Any]:
        return {
            **super().get_renderer_context(),
            "header": JOB_COLUMNS,
            "filename": "job",
        }

    @extend_schema(
        operation_id="jobs_retrieve",
        tags=["jobs"],
        parameters=[FORMAT_PARAMETER],
        responses={200: JOB_SCHEMA, 404: None},
    )
    def get(self, request: Request, job_id: str) -> Response:
        job = jobs.job_status(job_id=job_id, user=request.user)
        if job is None:
            raise NotFound("No such job.")
        return Response(job_resource(request, job))


class JobCancelApi(APIView):
    """Cancel a queued or running job: it is ``cancelled`` at once and a running one
    stops at its next progress report. 409 if it had already ended; 404 unless it is
    yours or anonymous."""

    permission_classes = [ReadOpen]

    @extend_schema(
        operation_id="jobs_cancel",
        tags=["jobs"],
        request=None,
        responses={200: JOB_SCHEMA, 404: None, 409: ERROR_SCHEMA},
    )
    def post(self, request: Request, job_id: str) -> Response:
        job = _job_or_404(request, job_id)
        if not jobs.cancel_job(job=job):
            return Response(
                {NON_FIELD: [f"The job has already ended ({job.state})."]},
                status=status.HTTP_409_CONFLICT,
            )
        return Response(job_resource(request, job))


class JobResultApi(APIView):
    """A finished job's result: a calculation's or a sensitivity analysis's
    ``{"summary", "rows", "inputs"}``, a batch's table (a row per calculation); 400 with the error body if it failed; 202
    with the job while it runs."""

    permission_classes = [ReadOpen]
    header: list[str] = []
    filename = "job"

    def get_renderer_context(self) -> dict[str, Any]:
        return {
            **super().get_renderer_context(),
            "header": self.header,
            "filename": self.filename,
        }

    @extend_schema(
        operation_id="jobs_result",
        tags=["jobs"],
        parameters=[FORMAT_PARAMETER],
        responses={
            (200, "application/json"): {"type": "object", "additionalProperties": True},
            (200, "text/csv"): {"type": "string"},
            (200, XLSX_MEDIA_TYPE): {"type": "string", "format": "binary"},
            202: JOB_SCHEMA,
            400: ERROR_SCHEMA,
            404: None,
        },
    )
    def get(self, request: Request, job_id: str) -> Response:
        job = _job_or_404(request, job_id)
        if job.state in (JobState.FAILED, JobState.CANCELLED):
            self.header = ["field", "message"]
            return Response(job.error or {}, status=status.HTTP_400_BAD_REQUEST)
        if job.state != JobState.SUCCEEDED:
            self.header = JOB_COLUMNS
            return Response(job_resource(request, job), status=status.HTTP_202_ACCEPTED)
        result = job.result or {}
        self.filename = "-".join(filter(None, [job.calculator, job.kind]))
        if job.kind in (JobKind.BATCH, JobKind.EXPORT):
            self.header = list(result.get("columns", []))
            return Response(result.get("rows", []))
        if job.kind == JobKind.SENSITIVITY:
            self.header = list(result.get("columns", []))
            return Response({k: v for k, v in result.items() if k != "columns"})
        self.header = list(REGISTRY[job.calculator].columns)
        return Response(result)

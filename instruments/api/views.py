"""API views: the calculators, saved scenarios and tokens.

One view runs every calculator (``CalculatorRunApi``); each registered calculator gets a
thin subclass only so the OpenAPI schema can show its own request fields. Views only
route: they decode the request, call ``services.run_calculation`` and return the result;
the renderers turn the same data into JSON, CSV or XLSX.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from instruments import selectors
from instruments.api import guards
from instruments.api.errors import read_body
from instruments.api.filters import ScenarioFilter
from instruments.api.jobs import JOB_COLUMNS, job_resource
from instruments.api.lookups import get_calculator_or_404
from instruments.api.permissions import ReadOpen, ScenarioAccess, TokenAccess
from instruments.api.querystring import decode_query
from instruments.api.renderers import XLSX_MEDIA_TYPE
from instruments.api.schema import (
    DETAIL_SCHEMA,
    ERROR_SCHEMA,
    FORMAT_PARAMETER,
    input_serializer,
    output_schema,
    pascal,
    value_schema,
)
from instruments.api.serializers import (
    ScenarioSerializer,
    TokenInfoSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)
from instruments.calculators import REGISTRY
from instruments.calculators.base import (
    NON_FIELD,
    Calculator,
    ErrorCollector,
    FieldSpec,
    InputError,
    iter_errors,
    to_data,
)
from instruments.calculators.base import describe as describe_inputs
from instruments.calculators.extras import request_extras
from instruments.models import ApiKey, ApiKeyScope, Scenario
from instruments.presentation.jsonify import json_value
from instruments.services import accounts, jobs
from instruments.services.calculation import (
    calculation_payload,
    run_calculation,
    validate_calculation,
)
from webapp.security import client_ip

# --- calculators ---------------------------------------------------------------------


def query_pairs(query: QueryDict) -> list[tuple[str, str]]:
    """Every ``(key, value)`` of a query string, repeated keys included."""
    return [(key, value) for key, values in query.lists() for value in values]


def job_accepted(request: Request, slug: str, data: Any) -> Response:
    """Validate now, run on a worker: 202 with the job resource and its Location."""
    job = jobs.submit_calculation(
        calculator=slug, data=data, owner=request.user, client=client_ip(request)
    )
    body = job_resource(request, job)
    return Response(
        body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]}
    )


class CalculationResponseMixin:
    """Runs a calculation and answers with its payload or the 400 error tree; CSV and
    XLSX get the calculator's columns as their header."""

    spreadsheet_header: tuple[str, ...] = ()
    spreadsheet_name = "calculation"

    def get_renderer_context(self) -> dict[str, Any]:
        context = super().get_renderer_context()  # type: ignore[misc]
        context["header"] = list(self.spreadsheet_header)
        context["filename"] = self.spreadsheet_name
        return context

    def respond_with_calculation(
        self, slug: str, data: Any, *, table: str | None = None
    ) -> Response:
        """The calculation's payload; with ``table`` (one of the calculator's declared
        tables, e.g. ``countries``) a CSV gives that table instead of the rows."""
        calculator = get_calculator_or_404(slug)
        self.spreadsheet_header = calculator.columns
        self.spreadsheet_name = calculator.slug
        # "summary" gives the headline figures as name, value rows (for read_csv).
        known = ["summary", *(key for key, _ in calculator.tables)]
        if table and table not in known:
            choices = ", ".join(known)
            return Response(
                {"table": [f"Unknown table '{table}'; known: {choices}."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            if jobs.needs_job(slug=calculator.slug, data=data):
                # Long work (a simulation above JOBS_SYNC_MAX_PATH_STEPS): 202 + a job.
                self.spreadsheet_header = tuple(JOB_COLUMNS)
                self.spreadsheet_name = "job"
                request = self.request  # type: ignore[attr-defined]
                return job_accepted(request, calculator.slug, data)
            calculation = run_calculation(
                slug=calculator.slug,
                data=data,
                anonymous=not self.request.user.is_authenticated,  # type: ignore[attr-defined]
            )
        except InputError as exc:
            return Response(exc.errors, status=status.HTTP_400_BAD_REQUEST)
        payload = calculation_payload(calculation=calculation)
        if table == "summary":
            payload["rows"] = [
                {"name": name, "value": value}
                for name, value in payload["summary"].items()
            ]
            self.spreadsheet_header = ("name", "value")
            self.spreadsheet_name = f"{calculator.slug}-summary"
        elif table:
            payload["rows"] = payload.get(table, [])
            self.spreadsheet_header = tuple(
                calculation.result.extras[table].columns
                if table in calculation.result.extras
                else ()
            )
            self.spreadsheet_name = f"{calculator.slug}-{table}"
        return Response(payload)


class CalculatorRunApi(CalculationResponseMixin, APIView):
    """Run a calculator: POST a JSON body, or GET the same fields as query parameters.

    Query-parameter conventions (for ``=IMPORTDATA`` and ``=WEBSERVICE``): arrays are
    comma-separated (``periods=2025Q1,2025Q2``); nested blocks use dotted names
    (``pricing.method=collar``, ``simulation.paths=5000``); one flow or supplier may be
    flattened into top-level fields (``origin=CHN&import_price=95,105``), a flattened
    flow being a non-member unless ``member=true``; several use indexed names
    (``flows.0.origin=CHN&flows.1.origin=AUS``). ``?format=csv`` returns the rows,
    ``?format=xlsx`` a workbook.
    """

    permission_classes = [ReadOpen]
    parser_classes = [guards.SafeJSONParser]
    calculator_slug: str | None = None  # set on the per-calculator subclasses
    outside_request_transaction = True  # api/errors.py: no transaction to mark

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Any:
        """Outside the request transaction (``ATOMIC_REQUESTS``): a calculation only
        reads, and its one write, a job's row, is a single statement. Saves the
        BEGIN and COMMIT round trips of every calculation."""
        return transaction.non_atomic_requests(super().as_view(**initkwargs))

    def slug(self, slug: str | None) -> str:
        return self.calculator_slug or str(slug)

    def get(self, request: Request, slug: str | None = None) -> Response:
        calculator = get_calculator_or_404(self.slug(slug))
        try:
            pairs = guards.clean_query_pairs(
                calculator, query_pairs(request.query_params)
            )
        except InputError as exc:
            return Response(exc.errors, status=status.HTTP_400_BAD_REQUEST)
        data = decode_query(calculator, pairs)
        table = request.query_params.get("table") or None
        return self.respond_with_calculation(calculator.slug, data, table=table)

    def post(self, request: Request, slug: str | None = None) -> Response:
        calculator = get_calculator_or_404(self.slug(slug))
        data, unreadable = read_body(request)
        if unreadable is not None:
            return unreadable
        if not isinstance(data, Mapping):
            return Response(
                {
                    NON_FIELD: [
                        gettext(
                            "The request body must be a JSON object of named fields."
                        )
                    ]
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            guards.check_body(calculator, data)
        except InputError as exc:
            return Response(
                every_problem(calculator.slug, data, exc),
                status=status.HTTP_400_BAD_REQUEST,
            )
        return self.respond_with_calculation(calculator.slug, data)


def every_problem(slug: str, data: Mapping[str, Any], refused: InputError) -> Any:
    """The body's refused names and types, and the calculator's own problems with
    the other fields, in one error tree (every invalid field at once)."""
    errors = ErrorCollector()
    errors.merge(refused)
    taken = {
        tuple(step for step in path if step != NON_FIELD)
        for path, _ in iter_errors(refused.errors)
    }
    try:
        validate_calculation(slug=slug, data=guards.without_problems(data, refused))
    except InputError as exc:
        for path, message in iter_errors(exc.errors):
            if not any(path[:n] in taken for n in range(len(path) + 1)):
                errors.add(path, message)
    return errors.errors


def plain_default(value: Any) -> Any:
    """A declared default as JSON (a default block becomes its fields)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return json_value(to_data(value))
    return json_value(value)


def describe_field(fs: FieldSpec) -> dict[str, Any]:
    """One declared input as plain data, for clients that build their own forms."""
    return {
        "name": fs.name,
        "kind": fs.kind,
        "label": fs.label,
        "unit": fs.unit,
        "help": fs.help,
        "required": fs.required,
        "nullable": fs.nullable,
        "default": plain_default(fs.default),
        "min_value": fs.min_value,
        "max_value": fs.max_value,
        "exclusive_min": fs.exclusive_min,
        "exclusive_max": fs.exclusive_max,
        "max_items": fs.max_items,
        "choices": list(fs.choices),
        "fields": [describe_field(child) for child in fs.children],
    }


CALCULATOR_LIST_COLUMNS = ("slug", "title", "summary", "url", "columns", "price_field")


class CalculatorListApi(APIView):
    """The calculators: what each computes, its URL, its output columns and its
    declared inputs (``fields``) with an example request."""

    permission_classes = [ReadOpen]

    def get_renderer_context(self) -> dict[str, Any]:
        return {
            **super().get_renderer_context(),
            "header": list(CALCULATOR_LIST_COLUMNS),
            "filename": "calculators",
            "sheet_title": "Calculators",
        }

    @extend_schema(
        tags=["calculators"],
        parameters=[FORMAT_PARAMETER],
        responses={
            (200, "application/json"): {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "slug": {"type": "string"},
                        "title": {"type": "string"},
                        "summary": {"type": "string"},
                        "url": {"type": "string"},
                        "columns": {"type": "array", "items": {"type": "string"}},
                        "price_field": {"type": "string", "nullable": True},
                        "example": {"type": "object", "additionalProperties": True},
                        "fields": {
                            "type": "array",
                            "items": {"type": "object", "additionalProperties": True},
                        },
                    },
                },
            },
            (200, "text/csv"): {"type": "string"},
            (200, XLSX_MEDIA_TYPE): {"type": "string", "format": "binary"},
        },
    )
    def get(self, request: Request) -> Response:
        return Response(
            [
                {
                    "slug": calculator.slug,
                    "title": calculator.title,
                    "summary": calculator.summary,
                    "url": request.build_absolute_uri(
                        reverse(f"api-calculator-{calculator.slug}")
                    ),
                    "columns": list(calculator.columns),
                    "price_field": calculator.price_field,
                    "example": json_value(dict(calculator.example)),
                    "fields": [
                        describe_field(fs) for fs in describe_inputs(calculator.inputs)
                    ],
                }
                for calculator in REGISTRY.values()
            ]
        )


def _query_parameters(calculator: Calculator) -> list[OpenApiParameter]:
    """The GET parameters of one calculator, as the query conventions spell them."""
    parameters = []
    seen: set[str] = set()

    def add(name: str, fs: FieldSpec, note: str = "") -> None:
        if name in seen:
            return
        seen.add(name)
        text = fs.label + (f" ({fs.unit})" if fs.unit else "") + "."
        if fs.help:
            text += " " + fs.help
        if fs.kind in ("series", "numbers", "texts"):
            text += " Comma-separated for several values."
        if fs.choices:
            text += " One of: " + ", ".join(fs.choices) + "."
        schema = (
            {"type": "string", "enum": list(fs.choices)}
            if fs.kind == "choice"
            else value_schema(fs, query=True)
        )
        array = schema is not None and schema.get("type") == "array"
        parameters.append(
            OpenApiParameter(
                name=name,
                type=schema or str,
                location=OpenApiParameter.QUERY,
                required=False,
                description=text + note,
                # one=a,b,c (the lists of the query conventions)
                style="form" if array else None,
                explode=False if array else None,
            )
        )

    top = describe_inputs(calculator.inputs)
    for fs in top:
        if fs.kind == "group":
            for child in fs.children:
                if child.kind not in ("group", "groups"):
                    add(f"{fs.name}.{child.name}", child)
        elif fs.kind != "groups":
            add(fs.name, fs)
    for fs in top:
        if fs.kind == "groups":
            note = (
                f" One {fs.name[:-1] if fs.name.endswith('s') else fs.name} "
                f"flattened into the query; use {fs.name}.0.<field>, "
                f"{fs.name}.1.<field> for several."
            )
            if any(c.name == "member" for c in fs.children):
                note += " A flattened flow is a non-member unless member=true."
            for child in fs.children:
                if child.kind not in ("group", "groups"):
                    add(child.name, child, note)
    for fs in request_extras(calculator):
        add(fs.name, fs)
    tables = [("summary", "the summary figures as name, value"), *calculator.tables]
    parameters.append(
        OpenApiParameter(
            name="table",
            type=str,
            enum=[key for key, _ in tables],
            location=OpenApiParameter.QUERY,
            required=False,
            description=(
                "With format=csv: one of the result's other tables instead of the "
                "rows (" + "; ".join(f"{key}: {title}" for key, title in tables) + ")."
            ),
        )
    )
    return [*parameters, FORMAT_PARAMETER]


def _responses(calculator: Calculator) -> dict[Any, Any]:
    error = OpenApiResponse(
        response=ERROR_SCHEMA, description="Invalid fields, every one at once."
    )
    return {
        (200, "application/json"): OpenApiResponse(
            response=output_schema(calculator),
            description="The result: summary, rows and the normalised inputs.",
        ),
        (200, "text/csv"): OpenApiResponse(
            response={"type": "string"},
            description="The rows, columns: "
            + ", ".join(calculator.columns)
            + "; with stored data, a last column source (publisher, edition, DOI, "
            "licence).",
        ),
        (200, XLSX_MEDIA_TYPE): OpenApiResponse(
            response={"type": "string", "format": "binary"},
            description="A workbook with Summary, Rows, Inputs and Sources sheets.",
        ),
        (400, "application/json"): error,
        (400, "text/csv"): {"type": "string"},
        (400, XLSX_MEDIA_TYPE): {"type": "string", "format": "binary"},
    }


def build_calculator_view(calculator: Calculator) -> type[CalculatorRunApi]:
    """The per-calculator subclass that carries its schema; the logic is shared."""
    name = pascal(calculator.slug)
    operation = calculator.slug.replace("-", "_")
    description = (
        f"{calculator.summary}\n\n{CalculatorRunApi.__doc__ or ''}".strip()
        + "\n\nCSV columns, in order: "
        + ", ".join(calculator.columns)
        + "."
    )
    view = type(
        f"{name}RunApi",
        (CalculatorRunApi,),
        {
            "calculator_slug": calculator.slug,
            "__doc__": calculator.summary,
        },
    )
    return extend_schema_view(
        get=extend_schema(
            operation_id=f"calculators_{operation}_query",
            summary=f"{calculator.title} (query parameters)",
            description=description,
            tags=["calculators"],
            parameters=_query_parameters(calculator),
            responses=_responses(calculator),
        ),
        post=extend_schema(
            operation_id=f"calculators_{operation}_run",
            summary=calculator.title,
            description=description,
            tags=["calculators"],
            parameters=[FORMAT_PARAMETER],
            request=input_serializer(calculator),
            responses=_responses(calculator),
            examples=[
                OpenApiExample(
                    "Example",
                    value=json_value(dict(calculator.example)),
                    request_only=True,
                )
            ],
        ),
    )(view)


@extend_schema(exclude=True)
class UnknownCalculatorApi(CalculatorRunApi):
    """Any other slug: a 404 naming the known calculators (not in the schema)."""


CALCULATOR_VIEWS: dict[str, type[CalculatorRunApi]] = {
    slug: build_calculator_view(calculator) for slug, calculator in REGISTRY.items()
}


# --- saved scenarios -----------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(tags=["scenarios"]),
    retrieve=extend_schema(tags=["scenarios"]),
    create=extend_schema(tags=["scenarios"]),
    update=extend_schema(tags=["scenarios"]),
    partial_update=extend_schema(tags=["scenarios"]),
    destroy=extend_schema(tags=["scenarios"]),
)
class ScenarioViewSet(CalculationResponseMixin, viewsets.ModelViewSet):
    """Saved calculations: public ones and, when signed in, your own.

    Saving runs the calculation, so invalid inputs are a 400 naming the fields (under
    ``inputs``). Another user's private scenario does not exist for you (404).
    """

    serializer_class = ScenarioSerializer
    permission_classes = [ScenarioAccess]
    parser_classes = [guards.SafeJSONParser]
    filterset_class = ScenarioFilter

    def get_queryset(self) -> QuerySet[Scenario]:
        return selectors.visible_scenarios(self.request.user).order_by("-updated")

    def get_renderer_context(self) -> dict[str, Any]:
        context = super().get_renderer_context()
        if getattr(self, "action", None) != "result":
            context["header"] = [
                name
                for name, field in ScenarioSerializer(
                    context={"request": self.request}
                ).fields.items()
                if not field.write_only
            ]
            context["filename"] = "scenarios"
            context["sheet_title"] = "Scenarios"
        return context

    @extend_schema(
        tags=["scenarios"],
        parameters=[FORMAT_PARAMETER],
        responses={
            (200, "application/json"): {
                "type": "object",
                "properties": {
                    "summary": {"type": "object", "additionalProperties": True},
                    "rows": {
                        "type": "array",
                        "items": {"type": "object", "additionalProperties": True},
                    },
                    "inputs": {"type": "object", "additionalProperties": True},
                },
            },
            (200, "text/csv"): {"type": "string"},
            (200, XLSX_MEDIA_TYPE): {"type": "string", "format": "binary"},
            (400, "application/json"): ERROR_SCHEMA,
            (400, "text/csv"): {"type": "string"},
            (400, XLSX_MEDIA_TYPE): {"type": "string", "format": "binary"},
        },
        description=(
            "Re-run the saved calculation with today's stored data: the same response "
            "as the calculator (summary, rows, inputs; ?format=csv or xlsx)."
        ),
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def result(self, request: Request, pk: str | None = None) -> Response:
        scenario = self.get_object()
        return self.respond_with_calculation(scenario.calculator, scenario.inputs)


# --- tokens --------------------------------------------------------------------------


NO_STORE = "no-store"


class TokenApi(APIView):
    """Your account token, for scripts and Power Query (``Authorization: Token <token>``).

    POST a username and password to get a new token: it is shown once, in this answer
    (only its hash is stored), and the previous one stops working. GET, signed in,
    shows when it was made and when it expires; DELETE revokes it. Repeated failed
    sign-ins lock the username and the address out for a while (429). Answers are
    never cached (``Cache-Control: no-store``).
    """

    permission_classes = [TokenAccess]
    parser_classes = [guards.SafeJSONParser]

    def finalize_response(
        self, request: Request, response: Any, *args: Any, **kwargs: Any
    ) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = NO_STORE
        return response

    @staticmethod
    def token_data(record: ApiKey, key: str | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "username": record.user.get_username(),
            "prefix": record.prefix,
            "created": record.created.isoformat(),
            "expires": record.expires.isoformat(),
        }
        if key is not None:
            data = {"token": key, **data}
        return data

    @extend_schema(
        tags=["tokens"],
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(response=ERROR_SCHEMA),
            429: OpenApiResponse(response=DETAIL_SCHEMA),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(
            request=request._request,
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
        )
        if user is None or not user.is_active:
            return Response(
                {NON_FIELD: ["Unable to sign in with that username and password."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        issued = accounts.issue_key(user=user, scope=ApiKeyScope.ACCOUNT)
        return Response(self.token_data(issued.record, issued.key))

    @extend_schema(
        tags=["tokens"],
        responses={200: TokenInfoSerializer, 401: None, 403: None, 404: None},
    )
    def get(self, request: Request) -> Response:
        record = selectors.get_api_keys(request.user).get(ApiKeyScope.ACCOUNT)
        if record is None:
            raise NotFound("You have no token; POST your username and password.")
        return Response(self.token_data(record))

    @extend_schema(tags=["tokens"], responses={204: None, 401: None, 403: None})
    def delete(self, request: Request) -> Response:
        accounts.revoke_key(user=request.user, scope=ApiKeyScope.ACCOUNT)
        return Response(status=status.HTTP_204_NO_CONTENT)


__all__ = [
    "CALCULATOR_VIEWS",
    "CalculatorListApi",
    "CalculatorRunApi",
    "ScenarioViewSet",
    "TokenApi",
    "UnknownCalculatorApi",
    "calculation_payload",
    "query_pairs",
]

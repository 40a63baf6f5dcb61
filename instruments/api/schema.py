"""The calculators' request and response shapes, built from their declared inputs.

One serializer class per calculator is generated at import time from
``describe(calculator.inputs)`` (nested serializers for groups and lists of groups, a
``SeriesField`` for "one number or one per period"), so the OpenAPI schema shows every
calculator's real fields with their units, bounds, defaults and choices.

These serializers *document*; they do not validate. Requests are validated by
``calculators.base.parse`` (through ``services.run_calculation``), so the schema and the
400 error tree come from the same declaration.
"""

from __future__ import annotations

import math
import re
from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_framework import serializers

from instruments.api.querystring import RESERVED_KEYS
from instruments.calculators import units
from instruments.calculators.base import Calculator, FieldSpec, Output, describe
from instruments.calculators.extras import request_extras
from instruments.calculators.limits import MAX_MAGNITUDE

YES_NO_WORDS = sorted(word for word in (*units.YES_WORDS, *units.NO_WORDS) if word)
"""How the query string may spell a yes/no value (any case)."""


def number_schema(fs: FieldSpec) -> dict[str, Any]:
    """One number of an input: its declared bounds, within ±MAX_MAGNITUDE (beyond it
    every number is refused), ``exclusiveMinimum`` where it must be greater than its
    minimum."""
    schema: dict[str, Any] = (
        {"type": "integer"}
        if fs.kind == "integer"
        else {"type": "number", "format": "double"}
    )
    low = -MAX_MAGNITUDE if fs.min_value is None else max(fs.min_value, -MAX_MAGNITUDE)
    high = MAX_MAGNITUDE if fs.max_value is None else min(fs.max_value, MAX_MAGNITUDE)
    if fs.kind == "integer":
        low, high = math.ceil(low), math.floor(high)
    schema["minimum"] = low
    if fs.exclusive_min and fs.min_value is not None:
        schema["exclusiveMinimum"] = True
    schema["maximum"] = high
    if fs.exclusive_max and fs.max_value is not None:
        schema["exclusiveMaximum"] = True
    return schema


def _list_schema(fs: FieldSpec, items: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "array", "items": items, "minItems": 1}
    if fs.max_items is not None:
        schema["maxItems"] = fs.max_items
    return schema


TEXT_SCHEMA: dict[str, Any] = {"type": "string", "minLength": 1}


def value_schema(fs: FieldSpec, *, query: bool = False) -> dict[str, Any] | None:
    """The JSON schema of a scalar or list input, as a JSON body gives it or (with
    ``query``) as the query string does; None for choices, groups and lists of groups
    (their serializers document them)."""
    if fs.kind in ("number", "integer"):
        return number_schema(fs)
    if fs.kind == "boolean":
        return (
            {"type": "string", "enum": YES_NO_WORDS} if query else {"type": "boolean"}
        )
    if fs.kind == "text":
        return {"type": "string"} if query else dict(TEXT_SCHEMA)
    if fs.kind in ("series", "numbers"):
        item = number_schema(fs)
        if fs.kind == "series" and not query:
            return {"oneOf": [item, _list_schema(fs, item)]}
        return _list_schema(fs, item)
    if fs.kind == "texts":
        item = {"type": "string"} if query else dict(TEXT_SCHEMA)
        if fs.name == "periods":  # the labels ``validate_declared`` parses
            item = {"type": "string", "pattern": units.PERIOD_LABEL_PATTERN}
        if query:
            return _list_schema(fs, item)
        # a body may also give one text, or several comma-separated ("all")
        return {"oneOf": [_list_schema(fs, item), dict(TEXT_SCHEMA)]}
    return None


class SeriesField(serializers.Field):
    """One number (the same in every period) or one number per period; the schema
    comes from ``value_schema``.

    GET requests give the array comma-separated: ``market_price=95,105,120``.
    """

    def to_internal_value(self, data: Any) -> Any:
        return data

    def to_representation(self, value: Any) -> Any:
        return value


def _help_text(fs: FieldSpec) -> str:
    parts = [fs.label.rstrip(".") + "."]
    if fs.help:
        parts.append(fs.help)
    if fs.unit:
        parts.append(f"Unit: {fs.unit}.")
    bounds = []
    if fs.min_value is not None:
        bounds.append(f"{'>' if fs.exclusive_min else '≥'} {fs.min_value:g}")
    if fs.max_value is not None:
        bounds.append(f"{'<' if fs.exclusive_max else '≤'} {fs.max_value:g}")
    if bounds:
        parts.append("Must be " + " and ".join(bounds) + ".")
    if fs.kind == "series":
        parts.append("One number for every period, or one per period.")
    if fs.max_items is not None:
        parts.append(f"At most {fs.max_items} items.")
    if fs.choice_labels:
        parts.append(
            "Choices: "
            + "; ".join(f"{k} = {v}" for k, v in fs.choice_labels.items())
            + "."
        )
    return " ".join(parts)


def _json_default(value: Any) -> bool:  # a default block stays undocumented
    return isinstance(value, bool | int | float | str)


def build_field(fs: FieldSpec, prefix: str) -> serializers.Field:
    """The serializer field documenting one declared input. An optional field is
    nullable: null, like leaving it out, means its default."""
    common: dict[str, Any] = {
        "help_text": _help_text(fs),
        "label": fs.label,
        "allow_null": fs.nullable or not fs.required,
    }
    if fs.required:
        common["required"] = True
    elif _json_default(fs.default):
        common["default"] = fs.default
    else:
        common["required"] = False

    if fs.kind == "choice":
        return serializers.ChoiceField(choices=list(fs.choices), **common)
    schema = value_schema(fs)
    if schema is not None:
        field_class = extend_schema_field(schema)(
            type("InputField", (SeriesField,), {})
        )
        return field_class(**common)
    assert fs.group_type is not None
    nested = build_serializer(fs.group_type, prefix, fs.children)
    if fs.kind == "group":
        return nested(**common)
    return nested(many=True, **common)


_SERIALIZERS: dict[str, type[serializers.Serializer]] = {}

INPUT_COMPONENTS: dict[str, dict[str, dict[str, Any]]] = {}
"""Request components built from declared inputs -> what to add to their properties
(``document_errors_and_access`` applies it): the bounds of their lists of groups
(drf-spectacular does not render a nested ``many=True`` serializer's lengths) and, at
the top, the query string's names a body may carry. Each is closed
(``additionalProperties: false``): an unknown field is a 400 (``api/guards.py``)."""


RESERVED_IN_A_BODY = {
    "description": (
        "A name of the query string (format, token, limit…): accepted in a body and "
        "ignored, whatever its value; give it in the URL."
    )
}


def _register_component(
    serializer_name: str,
    specs: tuple[FieldSpec, ...] | list[FieldSpec],
    *,
    top: bool = False,
) -> None:
    bounds: dict[str, dict[str, Any]] = {}
    if top:
        bounds.update({key: dict(RESERVED_IN_A_BODY) for key in sorted(RESERVED_KEYS)})
    for fs in specs:
        if fs.kind == "groups":
            bounds[fs.name] = {"minItems": 1} if fs.required else {}
            if fs.max_items is not None:
                bounds[fs.name]["maxItems"] = fs.max_items
    INPUT_COMPONENTS[serializer_name.removesuffix("Serializer") + "Request"] = bounds


def build_serializer(
    group_type: type, prefix: str, children: tuple[FieldSpec, ...] | None = None
) -> type[serializers.Serializer]:
    """A serializer class for a dataclass of inputs, named ``<Prefix><Dataclass>``."""
    name = f"{prefix}{group_type.__name__}"
    if name in _SERIALIZERS:
        return _SERIALIZERS[name]
    specs = children if children is not None else describe(group_type)
    fields = {fs.name: build_field(fs, prefix) for fs in specs}
    _register_component(f"{name}Serializer", specs)
    doc = (group_type.__doc__ or "").strip()
    if doc.startswith(f"{group_type.__name__}("):  # dataclass's generated signature
        doc = ""
    serializer = type(
        f"{name}Serializer",
        (serializers.Serializer,),
        {**fields, "__doc__": doc or None},
    )
    _SERIALIZERS[name] = serializer
    return serializer


def pascal(slug: str) -> str:
    """``price-gap-subsidy`` -> ``PriceGapSubsidy``."""
    return "".join(part.capitalize() for part in re.split(r"[-_]", slug))


def input_serializer(calculator: Calculator) -> type[serializers.Serializer]:
    """The request body of one calculator: its declared inputs plus the request
    extras that apply to it (stored prices, member group)."""
    prefix = pascal(calculator.slug)
    key = f"{prefix}Request"
    if key in _SERIALIZERS:
        return _SERIALIZERS[key]
    specs = {fs.name: fs for fs in describe(calculator.inputs)}
    for fs in request_extras(calculator):
        specs.setdefault(fs.name, fs)
    fields = {name: build_field(fs, prefix) for name, fs in specs.items()}
    _register_component(f"{prefix}InputSerializer", list(specs.values()), top=True)
    serializer = type(
        f"{prefix}InputSerializer",
        (serializers.Serializer,),
        {
            **fields,
            "__doc__": f"{calculator.title}: {calculator.summary}",
        },
    )
    _SERIALIZERS[key] = serializer
    return serializer


_UNIT_WORDS = {
    "money": "in the result's currency (the price unit's currency)",
    "price": "in the request's price_unit",
    "quantity": "in the request's quantity_unit",
    "share": "a fraction (0.25 = 25 %)",
    "count": "a count",
    "years": "in years",
}


def output_property(output: Output) -> dict[str, Any]:
    """One summary figure or row column, typed, with its unit and meaning."""
    words = [output.label + "."]
    if output.unit in _UNIT_WORDS:
        words.append(_UNIT_WORDS[output.unit].capitalize() + ".")
    if output.help:
        words.append(output.help)
    schema: dict[str, Any] = {"description": " ".join(words), "nullable": True}
    if output.unit in _UNIT_WORDS:
        schema["type"] = "number"
    elif output.unit == "text":
        schema["type"] = "string"
    return schema


def output_schema(calculator: Calculator) -> dict[str, Any]:
    """The response of one calculator as a raw OpenAPI schema."""
    summary_properties = {o.key: output_property(o) for o in calculator.outputs}
    row_properties = {o.key: output_property(o) for o in calculator.column_outputs}
    return {
        "type": "object",
        "required": ["summary", "rows", "inputs"],
        "properties": {
            "summary": {
                "type": "object",
                "description": (
                    "Headline figures: numbers (null where undefined) or short text."
                ),
                "properties": summary_properties,
                "additionalProperties": True,
            },
            "rows": {
                "type": "array",
                "description": (
                    "One row per period (or per period and flow/supplier). CSV columns, "
                    "in this order: " + ", ".join(calculator.columns) + "."
                ),
                "items": {
                    "type": "object",
                    "properties": row_properties,
                    "additionalProperties": True,
                },
            },
            "inputs": {
                "type": "object",
                "description": (
                    "The normalised inputs the calculation used (defaults filled in); "
                    "with stored prices, a stored_prices entry names the series, unit "
                    "and periods taken."
                ),
                "additionalProperties": True,
            },
        },
    }


ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        "Every invalid field at once, shaped like the request: "
        '{"flows": [{}, {"import_price": ["3 values given, 4 periods"]}]}. '
        "Problems not tied to one field are under non_field_errors; a request that "
        'cannot be read at all gives {"detail": "..."}.'
    ),
    "additionalProperties": {
        "oneOf": [
            {"type": "array", "items": {}},
            {"type": "object", "additionalProperties": True},
            {"type": "string"},
        ]
    },
}

DETAIL_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "A problem with the request as a whole (DRF's error shape).",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}

FORMAT_PARAMETER = OpenApiParameter(
    name="format",
    type=str,
    enum=["json", "csv", "xlsx"],
    location=OpenApiParameter.QUERY,
    required=False,
    description=(
        "json (default); csv: the rows, columns in the documented order; xlsx: a "
        "workbook with Summary, Rows and Inputs sheets. Accept: text/csv also works."
    ),
)


# --- who may call an operation (drf-spectacular's AutoSchema) -------------------------


class ApiAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, told about this project's permissions.

    An operation declares anonymous access (an empty security requirement) where one of
    its view's permissions ``allows_anonymous`` for the method (``api/permissions.py``)
    and never otherwise; the query-string key is advertised on GET operations only.
    """

    def get_auth(self) -> list[dict[str, Any]]:
        auths = [auth for auth in super().get_auth() if auth]  # not drf's {} guess
        if self.method != "GET":
            auths = [auth for auth in auths if "queryToken" not in auth]
        if any(
            getattr(permission, "allows_anonymous", lambda method: False)(self.method)
            for permission in self.view.get_permissions()
        ):
            auths.append({})
        return auths


# --- the answers every operation can give (a drf-spectacular postprocessing hook) ---

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ERROR_RESPONSES = {
    "401": "No valid credentials (a missing, wrong, expired or revoked key).",
    "403": "Signed in, but not allowed (e.g. a spreadsheet key used to write).",
    "404": "No such object, or a private one of another user.",
    "406": "An unknown ?format= or Accept type; the message names the formats.",
    "429": "Too many requests or failed sign-ins; see the Retry-After header.",
}
BODY_ERROR_RESPONSES = {
    "413": "The request body is larger than DATA_UPLOAD_MAX_MEMORY_SIZE.",
    "415": "The request body is not JSON (Content-Type: application/json).",
}
INVALID_REQUEST = (
    "Invalid fields or query parameters, every one at once, each under its name "
    "(e.g. an unknown filter choice, a limit out of range)."
)
IN_USE = "Cannot delete: other data still uses it (the message says what)."
TAKEN = "A unique key (a code, an ISO code, a series and period) is already taken."

RESPONSE_HEADERS: dict[str, dict[str, Any]] = {
    "202": {
        "Location": {
            "description": "The job's URL: poll it for the state and the result.",
            "required": True,
            "schema": {"type": "string"},
        }
    },
    "429": {
        "Retry-After": {
            "description": "Seconds to wait before trying again.",
            "required": True,
            "schema": {"type": "string", "pattern": "^[0-9]+$"},
        }
    },
}


def _has_query_filters(operation: dict[str, Any]) -> bool:
    return any(
        p.get("in") == "query" and p.get("name") != "format"
        for p in operation.get("parameters", [])
    )


def document_errors_and_access(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """Add the answers every operation can give: the shared errors (JSON
    ``{"detail": …}``), 400 with the field errors where a body or query parameters
    can be wrong, 409 where a delete can be refused, and the headers of 202 and 429.

    Every optional query parameter is marked ``allowEmptyValue``: an empty value (a
    blank spreadsheet cell) means "not given", everywhere in the API.
    """
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Detail", DETAIL_SCHEMA)
    components.setdefault("FieldErrors", ERROR_SCHEMA)
    for name, bounds in INPUT_COMPONENTS.items():
        if name in components:
            components[name]["additionalProperties"] = False
            for prop, limits in bounds.items():
                components[name]["properties"].setdefault(prop, {}).update(limits)
    ref = {"$ref": "#/components/schemas/Detail"}
    field_errors = {"$ref": "#/components/schemas/FieldErrors"}
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and not parameter.get("required"):
                    parameter["allowEmptyValue"] = True
            responses = operation.setdefault("responses", {})
            extra = dict(ERROR_RESPONSES)
            if "requestBody" in operation:
                extra.update(BODY_ERROR_RESPONSES)
            # Errors come in the format asked for (?format=csv answers in CSV,
            # whatever the operation's own formats); an address that matches no
            # route is Django's HTML 404.
            media: dict[str, Any] = {
                "application/json": {"schema": ref},
                "text/csv": {"schema": {"type": "string"}},
                XLSX: {"schema": {"type": "string", "format": "binary"}},
            }
            if "requestBody" in operation or _has_query_filters(operation):
                responses.setdefault(
                    "400",
                    {
                        "description": INVALID_REQUEST,
                        "content": {
                            **media,
                            "application/json": {"schema": field_errors},
                        },
                    },
                )
            if "reference data" in operation.get("tags", []):
                if method == "delete":
                    extra["409"] = IN_USE
                elif method != "get":
                    responses.setdefault(
                        "409",
                        {
                            "description": TAKEN,
                            "content": {
                                **media,
                                "application/json": {"schema": field_errors},
                            },
                        },
                    )
            for code, text in extra.items():
                content = dict(media)
                if code == "404":
                    content["text/html"] = {"schema": {"type": "string"}}
                responses.setdefault(code, {"description": text, "content": content})
            for code, headers in RESPONSE_HEADERS.items():
                if code in responses:
                    responses[code].setdefault("headers", {}).update(headers)
    return result

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

import re
from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_framework import serializers

from instruments.calculators.base import Calculator, FieldSpec, Output, describe
from instruments.calculators.extras import request_extras

_NUMBER = {"type": "number"}


def _bounded(schema: dict[str, Any], fs: FieldSpec) -> dict[str, Any]:
    schema = dict(schema)
    if fs.min_value is not None:
        schema["minimum"] = fs.min_value
        if fs.exclusive_min:
            schema["exclusiveMinimum"] = True
    if fs.max_value is not None:
        schema["maximum"] = fs.max_value
    return schema


@extend_schema_field(
    {
        "oneOf": [
            {"type": "number"},
            {"type": "array", "items": {"type": "number"}, "minItems": 1},
        ]
    }
)
class SeriesField(serializers.Field):
    """One number (the same in every period) or one number per period.

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
        bounds.append(f"≤ {fs.max_value:g}")
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
    """The serializer field documenting one declared input."""
    common: dict[str, Any] = {
        "help_text": _help_text(fs),
        "label": fs.label,
        "allow_null": fs.nullable,
    }
    if fs.required:
        common["required"] = True
    elif _json_default(fs.default):
        common["default"] = fs.default
    else:
        common["required"] = False
    bounds: dict[str, Any] = {}
    if fs.min_value is not None:
        bounds["min_value"] = fs.min_value
    if fs.max_value is not None:
        bounds["max_value"] = fs.max_value

    if fs.kind == "number":
        return serializers.FloatField(**common, **bounds)
    if fs.kind == "integer":
        int_bounds: dict[str, Any] = {k: int(v) for k, v in bounds.items()}
        return serializers.IntegerField(**common, **int_bounds)
    if fs.kind == "boolean":
        return serializers.BooleanField(**common)
    if fs.kind == "text":
        return serializers.CharField(**common)
    if fs.kind == "choice":
        return serializers.ChoiceField(choices=list(fs.choices), **common)
    if fs.kind == "series":
        field_class = extend_schema_field(
            {
                "oneOf": [
                    _bounded(_NUMBER, fs),
                    {
                        "type": "array",
                        "items": _bounded(_NUMBER, fs),
                        "minItems": 1,
                        **({"maxItems": fs.max_items} if fs.max_items else {}),
                    },
                ]
            }
        )(type("SeriesField", (SeriesField,), {}))
        return field_class(**common)
    if fs.kind in ("numbers", "texts"):
        child = (
            serializers.FloatField(**bounds)
            if fs.kind == "numbers"
            else serializers.CharField()
        )
        return serializers.ListField(
            child=child, min_length=1, max_length=fs.max_items, **common
        )
    assert fs.group_type is not None
    nested = build_serializer(fs.group_type, prefix, fs.children)
    if fs.kind == "group":
        return nested(**common)
    # With many=True DRF builds a ListSerializer, which takes min_length and max_length;
    # drf-stubs only know the Serializer's own arguments.
    return nested(many=True, min_length=1, max_length=fs.max_items, **common)  # type: ignore[call-arg]


_SERIALIZERS: dict[str, type[serializers.Serializer]] = {}


def build_serializer(
    group_type: type, prefix: str, children: tuple[FieldSpec, ...] | None = None
) -> type[serializers.Serializer]:
    """A serializer class for a dataclass of inputs, named ``<Prefix><Dataclass>``."""
    name = f"{prefix}{group_type.__name__}"
    if name in _SERIALIZERS:
        return _SERIALIZERS[name]
    fields = {
        fs.name: build_field(fs, prefix)
        for fs in (children if children is not None else describe(group_type))
    }
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
    fields: dict[str, Any] = {
        fs.name: build_field(fs, prefix) for fs in describe(calculator.inputs)
    }
    for fs in request_extras(calculator):
        fields.setdefault(fs.name, build_field(fs, prefix))
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


def document_errors_and_access(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """Add the shared error answers (JSON ``{"detail": …}``) to every operation,
    advertise the query-string key on GET operations only, and declare anonymous
    access (an empty security requirement) where reads are open."""
    from webapp.security import login_required_everywhere

    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Detail", DETAIL_SCHEMA)
    ref = {"$ref": "#/components/schemas/Detail"}
    closed = login_required_everywhere()
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
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
            for code, text in extra.items():
                content = dict(media)
                if code == "404":
                    content["text/html"] = {"schema": {"type": "string"}}
                responses.setdefault(code, {"description": text, "content": content})
            security = operation.get("security")
            if security is None:
                continue
            if method != "get":
                security = [s for s in security if "queryToken" not in s]
            anonymous = not closed and (
                method == "get" or path.startswith("/api/v1/calculators/")
            )
            if anonymous and {} not in security:
                security = [*security, {}]
            operation["security"] = security
    return result

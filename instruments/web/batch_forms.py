"""The batch page's form: base inputs as JSON and a grid of values, one field a line."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy

GRID_HELP = gettext_lazy(
    "One field a line: its name, '=', and comma-separated values, e.g. "
    "'reference_price = 90, 100, 110'; nested fields use dotted names "
    "('flows.0.elasticity = -0.5, -1'). Every combination runs."
)


def parse_grid(text: str) -> dict[str, list[Any]]:
    """``name = v1, v2`` lines as ``{name: [v1, v2]}``; numbers become numbers."""
    grid: dict[str, list[Any]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, sep, values = line.partition("=")
        if not sep or not name.strip():
            raise ValidationError(
                gettext("Line {number}: write 'field = value, value'.").format(
                    number=number
                )
            )
        grid[name.strip()] = [_value(v.strip()) for v in values.split(",") if v.strip()]
        if not grid[name.strip()]:
            raise ValidationError(
                gettext("Line {number}: give at least one value.").format(number=number)
            )
    if not grid:
        raise ValidationError(gettext("Give at least one field to vary."))
    return grid


def _value(text: str) -> Any:
    try:
        number = float(text)
    except ValueError:
        return text
    return int(number) if number.is_integer() and "." not in text else number


class BatchForm(forms.Form):
    """Base inputs (the calculator's example to start with) and the grid."""

    base = forms.CharField(
        label=gettext_lazy("Base inputs (JSON)"),
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
        help_text=gettext_lazy("The request every calculation starts from."),
    )
    grid = forms.CharField(
        label=gettext_lazy("Values to vary"),
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text=GRID_HELP,
    )

    def clean_base(self) -> dict[str, Any]:
        try:
            base = json.loads(self.cleaned_data["base"])
        except ValueError as exc:
            raise ValidationError(
                gettext("Not valid JSON: {exc}").format(exc=exc)
            ) from exc
        if not isinstance(base, dict):
            raise ValidationError(gettext("The base inputs must be a JSON object."))
        return base

    def clean_grid(self) -> dict[str, list[Any]]:
        return parse_grid(self.cleaned_data["grid"])

"""The Django fields of the calculator form: one per declared input, numbers typed in
the official's number format."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext

from instruments.calculators import units
from instruments.calculators.base import FieldSpec
from instruments.calculators.units import NumberFormat
from instruments.presentation.text import percent_help
from instruments.web.form_data import NUMBER_KINDS, format_numbers, is_percent


class NumberInput(forms.TextInput):
    """A number typed as text (``type=number`` refuses decimal commas): the keyboard
    and the ``pattern`` of the official's number format."""


class LocalNumberField(forms.Field):
    """A number (or, with ``many``, a list of numbers) typed in ``number_format``:
    read by ``units.read_number`` into floats, and shown back as it was read."""

    widget = NumberInput

    def __init__(
        self,
        *,
        number_format: NumberFormat,
        kind: str,
        **kwargs: Any,
    ) -> None:
        self.number_format = number_format
        self.kind = kind
        self.many = kind in ("series", "numbers")
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.update(
            {
                "inputmode": (
                    "text"
                    if self.many
                    else "numeric"
                    if self.kind == "integer"
                    else "decimal"
                ),
                "pattern": units.number_pattern(self.number_format, many=self.many),
                "autocomplete": "off",
                "spellcheck": "false",
            }
        )
        return attrs

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        if not isinstance(value, str):
            return value
        try:
            if not self.many:
                number = units.read_number(value, self.number_format)
                if self.kind == "integer" and number.is_integer():
                    return int(number)
                return number
            numbers = units.read_numbers(value, self.number_format)
        except ValueError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from None
        if self.kind == "series" and len(numbers) == 1:
            return numbers[0]
        return numbers

    def prepare_value(self, value: Any) -> Any:
        """What the box shows: the value as read, written in the number format (text
        that is not a number stays as typed, beside its error)."""
        if value is None or value == "":
            return ""
        if isinstance(value, str):
            try:
                value = self.to_python(value)
            except forms.ValidationError:
                return value
        return format_numbers(value, self.kind, self.number_format)

    def reading(self, value: Any) -> str:
        """How typed text was read, where another format would read it otherwise."""
        if not isinstance(value, str) or not value.strip():
            return ""
        return units.describe_reading(value, self.number_format, many=self.many)


def build_field(
    fs: FieldSpec, number_format: NumberFormat, *, in_row: bool = False
) -> forms.Field:
    """The Django field of one declared input, its help saying how to type it. In a
    row of a table, a choice without a default starts blank: a spare row the official
    left alone then sends nothing and is left out, rather than sending the first
    choice and failing as a half-typed row."""
    common: dict[str, Any] = {
        "required": False,
        "label": gettext(fs.label),
        "help_text": gettext(fs.help) if fs.help else "",
    }
    if is_percent(fs):
        # typed as a percentage here: "(25 %)", not the API's "(0.25 = 25 %)"
        common["help_text"] = percent_help(common["help_text"])
    if fs.kind in NUMBER_KINDS:
        if fs.kind in ("series", "numbers"):
            semicolons = number_format.list_separator == ";"
            hint = {
                ("series", True): gettext(
                    "One number for every period, or one per period, separated by "
                    "semicolons."
                ),
                ("series", False): gettext(
                    "One number for every period, or one per period, separated by "
                    "commas (semicolons when they have thousands separators)."
                ),
                ("numbers", True): gettext("Numbers, separated by semicolons."),
                ("numbers", False): gettext(
                    "Numbers, separated by commas (semicolons when they have "
                    "thousands separators)."
                ),
            }[(fs.kind, semicolons)]
            common["help_text"] = f"{common['help_text']} {hint}".strip()
        return LocalNumberField(number_format=number_format, kind=fs.kind, **common)
    if fs.kind == "boolean":
        if fs.nullable:
            return forms.NullBooleanField(**common)
        return forms.BooleanField(**common)
    if fs.kind == "choice":
        labels = fs.choice_labels or {}
        choices = [
            (c, gettext(labels[c]) if c in labels else c.replace("_", " "))
            for c in fs.choices
        ]
        if fs.nullable or (fs.default is None and (in_row or not fs.required)):
            choices = [("", gettext("— not set —")), *choices]
        return forms.ChoiceField(choices=choices, **common)
    if fs.kind == "texts":
        separate = gettext("Separate entries with commas.")
        common["help_text"] = f"{common['help_text']} {separate}".strip()
        attrs = {"autocomplete": "off", "spellcheck": "false"}
        return forms.CharField(
            widget=forms.TextInput(attrs=attrs), strip=True, **common
        )
    return forms.CharField(strip=True, **common)

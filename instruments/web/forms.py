"""The officials' forms: one generic calculator form built from the declared inputs.

``CalculatorForm`` reads ``describe(calculator.inputs)`` and adds one Django field per
leaf input, named by its path joined with ``-``:

    reference_price            a top-level number
    pricing-method             a field inside a nested block (a fieldset)
    flows-1-import_price       a field of the second row of a repeatable group
    use-simulation             the "include this block" switch of an optional block

Numbers are typed in the official's number format (``number_formats``): "1.234,5" in
German, "1,234.5" in English, read by ``units.read_number`` (the one reader of typed
values) into plain floats; series and number lists are separated by commas, or by
semicolons where the comma is the decimal mark. A bound form shows each value as it
was read, in that format, with a note where another format would read it otherwise.
Text lists are comma-separated. The form only converts what the browser sends into the
plain request data the API would receive (``request_data()``); ``run_calculation`` and
``calculators.base.parse`` remain the one place where inputs are validated. Their
``InputError`` tree is mapped back onto the fields (``apply_errors``) so each message
shows beside its field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from instruments.calculators.base import (
    NON_FIELD,
    Calculator,
    FieldSpec,
    describe,
    iter_errors,
)
from instruments.calculators.extras import (
    DECLARED_STOCK_FIELDS,
    STORED_FLOW_FIELDS,
    STORED_PRICE_FIELDS,
    STORED_PROJECT_FIELDS,
    request_extras,
)
from instruments.calculators.numbers import ENGLISH, NumberFormat
from instruments.calculators.units import money_unit
from instruments.web.fields import LocalNumberField, build_field
from instruments.web.form_data import (
    PERCENT_UNITS,
    SEP,
    field_name,
    inputs_to_form_data,
    is_percent,
    percent_bound_problem,
    scale_number,
    toggle_name,
)

# The first option of the extras offered as menus: what choosing nothing means.
EXTRA_BLANK_CHOICES = {
    "commodity": "— type the prices myself —",
    "series": "— the commodity's default series —",
    "member_group": "— the Member box of each flow —",
    "stored_project": "— type the project myself —",
}
SPARE_ROWS = 2  # blank rows offered without JavaScript ("add a row" adds more with it)


@dataclass
class Node:
    """One item of the form's layout: a field, a fieldset or a repeatable group."""

    type: str  # "field" | "group" | "groups"
    spec: FieldSpec
    name: str
    children: list[Node] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    widget: SafeString | None = None
    bound_field: Any = None
    toggle: Any = None
    toggle_widget: SafeString | None = None
    is_open: bool = True
    unit: str = ""
    reading: str = ""

    @property
    def html_id(self) -> str:
        return f"id_{self.name}"


@dataclass
class Row:
    index: int
    number: int
    children: list[Node]
    spare: bool


class CalculatorForm(forms.Form):
    """A calculator's inputs as an HTML form; see the module docstring for the names."""

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        calculator: Calculator,
        initial_inputs: Mapping[str, Any] | None = None,
        commodity_choices: Sequence[tuple[str, str]] = (),
        series_choices: Sequence[tuple[str, str]] = (),
        member_group_choices: Sequence[tuple[str, str]] = (),
        stored_project_choices: Sequence[tuple[str, str]] = (),
        spare_rows: int = SPARE_ROWS,
        number_format: NumberFormat = ENGLISH,
    ) -> None:
        initial = (
            inputs_to_form_data(calculator, initial_inputs, number_format=number_format)
            if initial_inputs is not None and data is None
            else {}
        )
        super().__init__(data, initial=initial)
        self.calculator = calculator
        self.number_format = number_format
        self.specs = describe(calculator.inputs)
        self.group_errors: dict[str, list[str]] = {}
        self._rows: dict[str, list[int]] = {}
        self._spare: dict[str, set[int]] = {}
        self._data_rows: dict[str, list[int]] = {}
        self._spare_rows = spare_rows
        self._add_fields(self.specs, ())
        self.extras = request_extras(calculator)
        choices = {
            "commodity": commodity_choices,
            "series": series_choices,
            "member_group": member_group_choices,
            "stored_project": stored_project_choices,
        }
        for fs in self.extras:
            self.fields[fs.name] = build_field(fs, self.number_format)
            if fs.name in choices:
                self.fields[fs.name] = forms.ChoiceField(
                    required=False,
                    label=gettext(fs.label),
                    help_text=gettext(fs.help) if fs.help else "",
                    choices=[("", EXTRA_BLANK_CHOICES[fs.name]), *choices[fs.name]],
                )

    # --- building the fields ----------------------------------------------------------

    def _source(self) -> Mapping[str, Any]:
        return self.data if self.is_bound else self.initial

    def _row_indexes(self, name: str) -> list[int]:
        pattern = re.compile(rf"^{re.escape(name)}{SEP}(\d+){SEP}")
        found = sorted(
            {int(m.group(1)) for key in self._source() if (m := pattern.match(key))}
        )
        if self.is_bound:
            return found or [0]
        spare_start = (max(found) + 1) if found else 0
        spare = list(range(spare_start, spare_start + self._spare_rows))
        self._spare[name] = set(spare)
        return found + spare

    def _add_fields(
        self,
        specs: Sequence[FieldSpec],
        path: tuple[str | int, ...],
        in_row: bool = False,
    ) -> None:
        for fs in specs:
            here = (*path, fs.name)
            if fs.kind == "group":
                if fs.nullable:
                    self.fields[toggle_name(here)] = forms.BooleanField(
                        required=False,
                        label=gettext("Include: %(part)s")
                        % {"part": gettext(fs.label)},
                        help_text=gettext("Leave unticked to leave this part out."),
                    )
                self._add_fields(fs.children, here, in_row)
            elif fs.kind == "groups":
                name = field_name(here)
                self._rows[name] = self._row_indexes(name)
                for i in self._rows[name]:
                    self._add_fields(fs.children, (*here, i), True)
            else:
                self.fields[field_name(here)] = build_field(
                    fs, self.number_format, in_row=in_row
                )

    # --- from the form to request data -----------------------------------------------

    def request_data(self) -> dict[str, Any]:
        """The cleaned form as the request data the API would receive."""
        cleaned = self.cleaned_data
        data = self._collect(self.specs, (), cleaned)
        if self.calculator.price_field and cleaned.get("commodity"):
            # Stored prices replace typed periods and prices; say so on the page.
            data.pop(self.calculator.price_field, None)
            data.pop("periods", None)
        for fs in self.extras:
            value = cleaned.get(fs.name)
            if value and (
                fs.name not in STORED_PRICE_FIELDS or cleaned.get("commodity")
            ):
                data[fs.name] = scale_number(value, 0.01) if is_percent(fs) else value
        return data

    def _collect(
        self,
        specs: Sequence[FieldSpec],
        path: tuple[str | int, ...],
        cleaned: Mapping[str, Any],
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for fs in specs:
            here = (*path, fs.name)
            if fs.kind == "group":
                if fs.nullable and not cleaned.get(toggle_name(here)):
                    continue
                out[fs.name] = self._collect(fs.children, here, cleaned)
            elif fs.kind == "groups":
                name = field_name(here)
                rows, kept = [], []
                for i in self._rows[name]:
                    row = self._collect(fs.children, (*here, i), cleaned)
                    if _is_blank_row(row):
                        continue
                    rows.append(row)
                    kept.append(i)
                self._data_rows[name] = kept
                out[fs.name] = rows
            else:
                value = cleaned.get(field_name(here))
                if value is None or value == "":
                    continue
                out[fs.name] = scale_number(value, 0.01) if is_percent(fs) else value
        return out

    # --- from InputError back to the fields ----------------------------------------------

    def apply_errors(self, tree: Mapping[str, Any]) -> None:
        """Put every message of an ``InputError`` tree beside its field."""
        for path, message in iter_errors(tree):
            message = self._in_percent(path, message)
            steps = self._form_path(path)
            if not steps or steps == (NON_FIELD,):
                self.add_error(None, message)
                continue
            if steps[-1] == NON_FIELD:
                steps = steps[:-1]
            name = field_name(steps)
            if name in self.fields:
                self.add_error(name, message)
            elif self._is_block(steps):
                self.group_errors.setdefault(name, []).append(message)
            else:
                label = " › ".join(str(s) for s in steps)
                self.add_error(
                    None,
                    gettext("{label}: {message}").format(label=label, message=message),
                )

    def _in_percent(self, path: Sequence[str | int], message: str) -> str:
        """A bound broken by a share or rate typed as a percentage, said in percentages.
        The calculator speaks the API's decimals ("at most 3; 25 given … did you mean
        0.25?"): beside a field typed in %, following that hint would give 0.25 %."""
        fs = self._spec_at(path)
        if fs is None or not is_percent(fs):
            return message
        value: Any = self.request_data()
        for step in path:
            try:
                value = value[step]
            except (KeyError, IndexError, TypeError):
                return message
        if isinstance(value, bool) or not isinstance(value, int | float):
            return message
        return percent_bound_problem(fs, round(float(value) * 100.0, 10)) or message

    def _spec_at(self, path: Sequence[str | int]) -> FieldSpec | None:
        specs: Sequence[FieldSpec] = self.specs
        match: FieldSpec | None = None
        for step in path:
            if isinstance(step, int):
                continue
            match = next((fs for fs in specs if fs.name == step), None)
            if match is None:
                return None
            specs = match.children
        return match

    def _form_path(self, path: Sequence[str | int]) -> tuple[str | int, ...]:
        """Map row numbers in the request data to row numbers in the form."""
        out: list[str | int] = []
        for step in path:
            if isinstance(step, int):
                kept = self._data_rows.get(field_name(out), [])
                out.append(kept[step] if step < len(kept) else step)
            else:
                out.append(step)
        return tuple(out)

    def _is_block(self, steps: Sequence[str | int]) -> bool:
        specs: Sequence[FieldSpec] = self.specs
        for step in steps:
            if isinstance(step, int):
                continue
            match = next((fs for fs in specs if fs.name == step), None)
            if match is None:
                return False
            specs = match.children
        return True

    # --- layout for the template -------------------------------------------------------

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or bool(self.group_errors)

    def error_summary(self) -> list[dict[str, str]]:
        """Every message with the label it belongs to and the id to jump to."""
        items = [
            {"label": "", "message": str(m), "anchor": ""}
            for m in self.non_field_errors()
        ]
        for name, messages in self.group_errors.items():
            items += [
                {"label": self._path_label(name), "message": m, "anchor": f"id_{name}"}
                for m in messages
            ]
        for name, errors in self.errors.items():
            if name == "__all__":
                continue
            items += [
                {
                    "label": self._path_label(name),
                    "message": str(m),
                    "anchor": f"id_{name}",
                }
                for m in errors
            ]
        return items

    def _path_label(self, name: str) -> str:
        parts: list[str] = []
        specs: Sequence[FieldSpec] = self.specs
        for step in name.split(SEP):
            if step.isdigit():
                parts[-1] = f"{parts[-1]} row {int(step) + 1}"
                continue
            match = next((fs for fs in specs if fs.name == step), None)
            if match is None:
                if step in self.fields:
                    parts.append(str(self.fields[step].label))
                continue
            parts.append(match.label)
            specs = match.children
        return " › ".join(parts)

    def layout(self) -> list[Node]:
        """The nodes the template draws: fields, fieldsets and repeatable rows."""
        return self._layout(self.specs, ())

    def stored_price_nodes(self) -> list[Node]:
        """Stored prices (calculators that take a market price)."""
        if not self.calculator.price_field:
            return []
        return [
            self._field_node(fs.name, fs)
            for fs in self.extras
            if fs.name in STORED_PRICE_FIELDS
        ]

    def stored_flow_nodes(self) -> list[Node]:
        """Stored trade flows: the commodity (when no price block shows it), the year
        and the importing market."""
        wanted = set(STORED_FLOW_FIELDS) - {n.name for n in self.stored_price_nodes()}
        return [
            self._field_node(fs.name, fs) for fs in self.extras if fs.name in wanted
        ]

    def member_group_nodes(self) -> list[Node]:
        return [
            self._field_node(fs.name, fs)
            for fs in self.extras
            if fs.name not in STORED_PRICE_FIELDS
            and fs.name not in STORED_FLOW_FIELDS
            and fs.name not in STORED_PROJECT_FIELDS
            and fs.name not in DECLARED_STOCK_FIELDS
        ]

    def declared_stock_nodes(self) -> list[Node]:
        """The stocks from the register of declared stockpiles (§11)."""
        return [
            self._field_node(fs.name, fs)
            for fs in self.extras
            if fs.name in DECLARED_STOCK_FIELDS
        ]

    def stored_project_nodes(self) -> list[Node]:
        """A project of the register (calculators with a ``project``, §12)."""
        return [
            self._field_node(fs.name, fs)
            for fs in self.extras
            if fs.name in STORED_PROJECT_FIELDS
        ]

    def _layout(
        self, specs: Sequence[FieldSpec], path: tuple[str | int, ...]
    ) -> list[Node]:
        nodes = []
        for fs in specs:
            here = (*path, fs.name)
            name = field_name(here)
            if fs.kind == "group":
                node = Node(
                    type="group",
                    spec=fs,
                    name=name,
                    children=self._layout(fs.children, here),
                    errors=self.group_errors.get(name, []),
                )
                if fs.nullable:
                    tname = toggle_name(here)
                    node.toggle = self[tname]
                    node.toggle_widget = self._widget(tname, controls=f"{name}-body")
                    node.is_open = bool(node.toggle.value()) or bool(node.errors)
                nodes.append(node)
            elif fs.kind == "groups":
                rows = [
                    Row(
                        index=i,
                        number=n + 1,
                        children=self._layout(fs.children, (*here, i)),
                        spare=i in self._spare.get(name, set()),
                    )
                    for n, i in enumerate(self._rows[name])
                ]
                nodes.append(
                    Node(
                        type="groups",
                        spec=fs,
                        name=name,
                        rows=rows,
                        errors=self.group_errors.get(name, []),
                    )
                )
            else:
                nodes.append(self._field_node(name, fs))
        return nodes

    def _field_node(self, name: str, fs: FieldSpec) -> Node:
        bf = self[name]
        unit = self._unit_text(fs.unit)
        reading = ""
        if self.is_bound and isinstance(bf.field, LocalNumberField):
            reading = bf.field.reading(bf.data)
        return Node(
            type="field",
            spec=fs,
            name=name,
            bound_field=bf,
            widget=self._widget(name, has_unit=bool(unit), has_reading=bool(reading)),
            errors=[str(e) for e in bf.errors],
            unit=unit,
            reading=reading,
        )

    def _widget(
        self,
        name: str,
        *,
        has_unit: bool = False,
        controls: str = "",
        has_reading: bool = False,
    ) -> SafeString:
        bf = self[name]
        described = []
        if bf.errors:
            described.append(f"id_{name}-error")
        if has_reading:
            described.append(f"id_{name}-reading")
        if bf.help_text:
            described.append(f"id_{name}-help")
        if has_unit:
            described.append(f"id_{name}-unit")
        attrs: dict[str, Any] = {}
        if described:
            attrs["aria-describedby"] = " ".join(described)
        if bf.errors:
            attrs["aria-invalid"] = "true"
        if controls:
            attrs["aria-controls"] = controls
            attrs["data-toggles"] = controls
        return bf.as_widget(attrs=attrs)

    def _unit_text(self, unit: str) -> str:
        """Units such as "price unit" are shown as the unit the form currently uses."""
        source = self._source()
        price_unit = str(source.get("price_unit") or "")
        quantity_unit = str(source.get("quantity_unit") or "")
        # Without a price unit (the trade response) money is in the typed currency.
        currency = (
            money_unit(price_unit) if price_unit else str(source.get("currency") or "")
        )
        replacements = {
            "price unit": price_unit,
            "quantity unit": quantity_unit,
            "currency": currency,
            "money": currency,
            **PERCENT_UNITS,
        }
        return replacements.get(unit, unit) or unit


def _is_blank_row(row: Mapping[str, Any]) -> bool:
    """A row with nothing typed (ticked boxes alone don't count) is left out."""
    return all(isinstance(v, bool) or v in (None, "", {}, []) for v in row.values())

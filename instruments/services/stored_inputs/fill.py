"""Filling a request's stored inputs, in the order they are declared."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext

from instruments import selectors
from instruments.calculators.base import Calculator, ErrorCollector
from instruments.calculators.extras import (
    ALL_EXTRA_FIELDS,
    request_extras,
    split_extras,
)
from instruments.services import data_versions
from instruments.services.stored_inputs.catalogue import STORED_INPUTS
from instruments.services.stored_inputs.members import GROUP_LIKE_ORIGINS
from instruments.services.stored_inputs.request import StoredRequest


def fill_stored_inputs(
    *, calculator: Calculator, data: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the calculator's own data with stored values filled in, what was used).

    The second mapping is echoed in the normalised inputs: which stored series,
    member group and policy schedules the result rests on.
    """
    refuse_extras_that_do_not_apply(calculator=calculator, data=data)
    resolved, given = split_extras(calculator, dict(data))
    request = StoredRequest(
        calculator=calculator,
        data=data,
        resolved=resolved,
        given=given,
        partner_names=read_partner_names,
    )
    used: dict[str, Any] = {}
    for stored_input in STORED_INPUTS:
        value = stored_input.fill(request)
        if value:
            used[stored_input.name] = value
    return resolved, used


def read_partner_names(codes: set[str]) -> Mapping[str, str]:
    """The stored partners' names, enough to check ``codes``: a copy of the last
    30 s when it knows them all (a partner deleted since on another server is at
    worst accepted a little longer), else the partners as they are now."""
    recent = data_versions.recent_read(name="partner-names")
    if recent and codes <= (recent.keys() | GROUP_LIKE_ORIGINS):
        return recent
    names: Mapping[str, str] = data_versions.cached_read(
        name="partner-names", tables=("partner",), read=selectors.get_partner_names
    )
    return names


def refuse_extras_that_do_not_apply(
    *, calculator: Calculator, data: Mapping[str, Any]
) -> None:
    """An extra given to a calculator that cannot use it is an error, not ignored."""
    applicable = {fs.name for fs in request_extras(calculator)}
    errors = ErrorCollector()
    for name in sorted(ALL_EXTRA_FIELDS - applicable):
        if data.get(name) in (None, "", False):
            continue
        if name == "member_group":
            message = gettext(
                "The {title} calculator has no import flows with members."
            )
        elif name == "declared_stocks":
            message = f"The {calculator.title} calculator takes no stockpiles."
        elif name == "stored_project":
            message = gettext("The {title} calculator takes no project.")
        elif name == "commodity":
            message = gettext(
                "The {title} calculator takes no market price, so it "
                "cannot use a stored series; remove 'commodity'."
            )
        else:
            message = gettext("The {title} calculator takes no stored prices.")
        errors.add((name,), message.format(title=gettext(calculator.title)))
    errors.raise_if_any()

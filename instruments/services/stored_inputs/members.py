"""Partner groups decide which flows are members; flows' origins are stored partners."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext

from instruments import selectors
from instruments.calculators.base import Calculator, ErrorCollector, InputError
from instruments.calculators.extras import member_code_fields, member_flows_field
from instruments.services.stored_inputs.request import StoredRequest


def apply_member_group(
    *, calculator: Calculator, resolved: dict[str, Any], group: str | None
) -> dict[str, Any] | None:
    """With ``member_group`` (a stored partner group such as ``msp`` or ``eu-27``), a
    flow is a member exactly when its origin (ISO 3166 alpha-3) is in the group: the
    member list is data, not a box ticked per flow. Markets and origins with a
    ``code`` (the market model) follow ``with_group_membership``."""
    flows_field = member_flows_field(calculator)
    code_fields = member_code_fields(calculator)
    if group is None or (flows_field is None and not code_fields):
        return None
    try:
        members = set(selectors.get_partner_group_members(str(group)))
    except InputError:
        known = ", ".join(str(g["code"]) for g in selectors.list_partner_groups())
        raise InputError.at(
            ("member_group",),
            gettext("Unknown partner group '{group}'. Known: {known}.").format(
                group=group, known=known
            ),
        ) from None
    for name in code_fields:
        items = resolved.get(name)
        if isinstance(items, list):
            resolved[name] = [
                with_group_membership(item=item, members=members)
                if isinstance(item, Mapping)
                else item
                for item in items
            ]
    flows = resolved.get(flows_field) if flows_field is not None else None
    if flows_field is not None and isinstance(flows, list):
        resolved[flows_field] = [
            {**flow, "member": str(flow.get("origin", "")).strip().upper() in members}
            if isinstance(flow, Mapping)
            else flow
            for flow in flows
        ]
    return {"code": str(group), "members": sorted(members)}


GROUP_LIKE_ORIGINS = frozenset({"ROW", "OTH", "WLD"})
"""Origins that name a group rather than an economy: the rest of the world, others,
the world. They are accepted beside the stored partners' ISO 3166 alpha-3 codes."""


def check_flow_origins(
    *,
    calculator: Calculator,
    data: Mapping[str, Any],
    partner_names: Callable[[set[str]], Mapping[str, str]],
) -> None:
    """Each import flow's ``origin`` must be a stored partner's ISO 3166 alpha-3 code
    (``CHN``, not ``China`` or ``XXX``) or a group-like code (``ROW``, ``OTH``,
    ``WLD``); one field error per bad flow. Skipped when no partners are stored. The
    market model's market and origin codes (``EU``, ``USA-producers``) are labels of
    its own and are not checked here. ``partner_names(codes)`` gives the stored
    partners' names, enough to check ``codes``."""
    field = member_flows_field(calculator)
    flows = data.get(field) if field is not None else None
    if isinstance(flows, Mapping):
        flows = [flows]
    if field is None or not isinstance(flows, list) or not flows:
        return
    codes = {
        str(flow["origin"]).strip().upper()
        for flow in flows
        if isinstance(flow, Mapping) and flow.get("origin") not in (None, "")
    }
    names = partner_names(codes)
    if not names:
        return
    errors = ErrorCollector()
    for i, flow in enumerate(flows):
        if not isinstance(flow, Mapping) or flow.get("origin") in (None, ""):
            continue
        raw = str(flow["origin"]).strip()
        code = raw.upper()
        if code in names or code in GROUP_LIKE_ORIGINS:
            continue
        hint = next(
            (c for c, name in names.items() if name.strip().lower() == raw.lower()),
            None,
        )
        suggestion = (
            " " + gettext("Did you mean {code}?").format(code=hint) if hint else ""
        )
        errors.add(
            (field, i, "origin"),
            gettext(
                "{raw!r} is not the ISO 3166 alpha-3 code of a stored partner (e.g. CHN, AUS); for a group use {groups}.{suggestion}"
            ).format(
                raw=raw,
                groups=", ".join(sorted(GROUP_LIKE_ORIGINS)),
                suggestion=suggestion,
            ),
        )
    errors.raise_if_any()


REST_OF_WORLD = "ROW"
_ISO3 = re.compile(r"^[A-Z]{3}$")


def with_group_membership(
    *, item: Mapping[str, Any], members: set[str]
) -> dict[str, Any]:
    """A market or origin row with ``member`` set from a partner group: an ISO3 code is
    a member exactly when it is in the group, ``ROW`` never is, and any other code
    (``EU``, ``USA-producers``) keeps its own flag."""
    code = str(item.get("code", "")).strip().upper()
    if code == REST_OF_WORLD:
        return {**item, "member": False}
    if _ISO3.match(code):
        return {**item, "member": code in members}
    return dict(item)


def fill_member_group(request: StoredRequest) -> dict[str, Any] | None:
    return apply_member_group(
        calculator=request.calculator,
        resolved=request.resolved,
        group=request.extras.members.member_group,
    )


def fill_flow_origins(request: StoredRequest) -> None:
    check_flow_origins(
        calculator=request.calculator,
        data=request.data,
        partner_names=request.partner_names,
    )

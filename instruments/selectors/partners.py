"""Economies and partner groups: names, members (subgroups included) and the
resolution of a mix of ISO3 and group codes."""

from __future__ import annotations

from collections.abc import Iterable

from instruments.calculators.base import InputError
from instruments.models import Partner, PartnerGroup


def get_partner_names() -> dict[str, str]:
    """Every stored partner: ISO 3166-1 alpha-3 code -> name (empty when none stored)."""
    return dict(Partner.objects.values_list("iso3", "name"))


def get_economy_name(code: str) -> str:
    """A partner group's or a partner's name for an importer code typed in a request
    (``eu-27`` → European Union (EU-27), ``USA`` → United States), else the code."""
    text = str(code).strip()
    group = PartnerGroup.objects.filter(code=text.lower()).values_list(
        "name", flat=True
    )
    partner = Partner.objects.filter(iso3=text.upper()).values_list("name", flat=True)
    return next(iter(group), None) or next(iter(partner), None) or text


def get_partner_group_members(group: str) -> list[str]:
    """ISO 3166-1 alpha-3 codes of a partner group's members, sorted: its own members
    and, recursively, its subgroups' (the EU-27's members count in the MSP). A loop
    among groups is walked once, never forever."""
    group_obj = PartnerGroup.objects.filter(code=group).first()
    if group_obj is None:
        raise InputError.at(("group",), f"Unknown partner group '{group}'.")
    ids = _group_and_subgroup_ids(group_obj.pk)
    return sorted(
        set(Partner.objects.filter(groups__in=ids).values_list("iso3", flat=True))
    )


def _group_and_subgroup_ids(root: int) -> set[int]:
    """The group and every group inside it, however deep, each once."""
    return set(_walk_subgroups(root, _subgroup_edges()))


def _subgroup_edges() -> dict[int, list[int]]:
    """Every group's id -> the ids of the groups directly inside it."""
    edges: dict[int, list[int]] = {}
    through = PartnerGroup.subgroups.through.objects.values_list(
        "from_partnergroup_id", "to_partnergroup_id"
    )
    for parent, child in through:
        edges.setdefault(parent, []).append(child)
    return edges


def _walk_subgroups(root: int, edges: dict[int, list[int]]) -> list[int]:
    """The group and every group inside it, however deep, each once, depth first
    in the order of ``edges``."""
    seen = {root}
    order = [root]
    stack = [root]
    while stack:
        for child in edges.get(stack.pop(), ()):
            if child not in seen:
                seen.add(child)
                order.append(child)
                stack.append(child)
    return order


GroupMember = tuple[str, str, str]
"""A member country of a partner group: ``(iso3, name, via)``, ``via`` the code of
the group's own subgroup through which the country belongs ("" when direct)."""


def get_group_members(code: str) -> list[GroupMember]:
    """Every country in a partner group, subgroups expanded however deep, each once,
    by name: ``(iso3, name, via)``. ``via`` is ``""`` for a direct member, else the
    code of the group's own subgroup that brings the country in (a Dutch member of
    the MSP comes ``via`` ``eu-27``; a country in a subgroup of a subgroup comes via
    the outer one, the one the group lists). A country both direct and in a subgroup
    is direct; one in two subgroups comes via the first by code."""
    members = list_group_members(codes=[code])
    if code not in members:
        raise InputError.at(("group",), f"Unknown partner group '{code}'.")
    return members[code]


def list_group_members(
    codes: Iterable[str] | None = None,
) -> dict[str, list[GroupMember]]:
    """``get_group_members`` for several groups (every stored group when ``codes``
    is None) in three queries: group code -> its member countries."""
    groups = PartnerGroup.objects.all()
    if codes is not None:
        groups = groups.filter(code__in=list(codes))
    wanted = dict(groups.values_list("pk", "code"))
    if not wanted:
        return {}
    all_codes = dict(PartnerGroup.objects.values_list("pk", "code"))
    edges = {
        parent: sorted(children, key=all_codes.__getitem__)
        for parent, children in _subgroup_edges().items()
    }
    reached: dict[int, list[tuple[int, str]]] = {}  # root -> [(group, via)]
    for root in wanted:
        walk = [(root, "")]
        for child in edges.get(root, ()):
            walk += [(g, all_codes[child]) for g in _walk_subgroups(child, edges)]
        reached[root] = walk
    needed = {group for walk in reached.values() for group, _ in walk}
    countries: dict[int, list[tuple[str, str]]] = {}
    membership = PartnerGroup.members.through.objects.filter(
        partnergroup_id__in=needed
    ).values_list("partnergroup_id", "partner__iso3", "partner__name")
    for group, iso3, name in membership:
        countries.setdefault(group, []).append((iso3, name))
    result: dict[str, list[GroupMember]] = {}
    for root, walk in reached.items():
        found: dict[str, GroupMember] = {}
        for group, via in walk:
            for iso3, name in countries.get(group, ()):
                found.setdefault(iso3, (iso3, name, via))
        result[wanted[root]] = sorted(found.values(), key=lambda m: (m[1], m[0]))
    return result


def list_partner_choices() -> list[tuple[str, str]]:
    """Every stored economy as ``(ISO3 code, name)``, by name: the country picker's
    suggestions (a ``<datalist>``), so that officials search by name."""
    return list(Partner.objects.order_by("name").values_list("iso3", "name"))


def list_partner_groups() -> list[dict[str, object]]:
    """Every partner group with its members' ISO3 codes."""
    groups = PartnerGroup.objects.prefetch_related("members", "subgroups").order_by(
        "name"
    )
    return [
        {
            "code": g.code,
            "name": g.name,
            "description": g.description,
            "source": g.source,
            "members": sorted(m.iso3 for m in g.members.all()),
            "subgroups": sorted(sub.code for sub in g.subgroups.all()),
        }
        for g in groups
    ]


def resolve_economies(codes: Iterable[str], *, field: str = "importer") -> set[str]:
    """ISO3 codes for a mix of ISO3 codes and partner-group codes (``eu-27``)."""
    resolved: set[str] = set()
    for code in codes:
        text = str(code).strip()
        if not text:
            continue
        if PartnerGroup.objects.filter(code=text.lower()).exists():
            resolved |= set(get_partner_group_members(text.lower()))
        elif Partner.objects.filter(iso3=text.upper()).exists():
            resolved.add(text.upper())
        else:
            raise InputError.at(
                (field,), f"'{text}' is neither an ISO3 code nor a partner group."
            )
    return resolved

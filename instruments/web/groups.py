"""The partner-group pages: every stored group, and who is in each one (its
subgroups' members included, so the Netherlands shows in the MSP through the EU-27)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from instruments import selectors
from instruments.web import page_cache

# What the group pages show: the groups, their subgroups and the partners in them.
GROUP_PAGE_TABLES = ("partner", "partner_group")


def group_list(request: HttpRequest) -> HttpResponse:
    """Every group; a plain anonymous visit's page from the shared cache, kept under
    the versions of the partners and groups (an edit shows at once)."""
    if page_cache.is_plain_anonymous_visit(request):
        return page_cache.cached_page(
            request,
            f"groups:{translation.get_language()}",
            GROUP_PAGE_TABLES,
            lambda: _group_list_page(request),
        )
    return _group_list_page(request)


def group_detail(request: HttpRequest, code: str) -> HttpResponse:
    """Who is in a group; cached as ``group_list``."""
    if page_cache.is_plain_anonymous_visit(request):
        return page_cache.cached_page(
            request,
            f"group:{code}:{translation.get_language()}",
            GROUP_PAGE_TABLES,
            lambda: _group_detail_page(request, code),
        )
    return _group_detail_page(request, code)


def _group_list_page(request: HttpRequest) -> HttpResponse:
    groups = _groups_by_code()
    members = selectors.list_group_members()
    for code, group in groups.items():
        group["n_countries"] = len(members.get(code, []))
    return render(
        request, "instruments/group_list.html", {"groups": list(groups.values())}
    )


def _group_detail_page(request: HttpRequest, code: str) -> HttpResponse:
    groups = _groups_by_code()
    group = groups.get(code)
    if group is None:
        raise Http404("No such partner group")
    members = [
        {"iso3": iso3, "name": name, "via": via, "via_name": groups[via]["name"]}
        if via
        else {"iso3": iso3, "name": name, "via": ""}
        for iso3, name, via in selectors.get_group_members(code)
    ]
    return render(
        request,
        "instruments/group_detail.html",
        {
            "group": group,
            "members": members,
            "n_via": sum(1 for m in members if m["via"]),
        },
    )


def _groups_by_code() -> dict[str, dict[str, Any]]:
    """Every stored group by code, by name, each with ``subgroup_names``:
    ``(code, name)`` of the groups directly inside it."""
    groups: dict[str, dict[str, Any]] = {
        str(g["code"]): dict(g) for g in selectors.list_partner_groups()
    }
    for group in groups.values():
        group["subgroup_names"] = [
            (sub, groups[sub]["name"]) for sub in group["subgroups"]
        ]
    return groups

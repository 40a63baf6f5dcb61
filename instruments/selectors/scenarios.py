"""Saved scenarios: what a user may see, their own, others' public ones, and the
seeded precedents."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from instruments.models import Scenario


def visible_scenarios(user: object | None) -> QuerySet[Scenario]:
    """The scenarios ``user`` may see: public ones and, signed in, their own. Others'
    private scenarios do not exist for them (pages and API answer 404)."""
    visible = Q(is_public=True)
    if user is not None and getattr(user, "is_authenticated", False):
        visible |= Q(owner=user)
    return Scenario.objects.filter(visible).select_related("owner")


def list_own_scenarios(user: Any) -> QuerySet[Scenario]:
    """``user``'s own scenarios, by calculator, newest first."""
    return Scenario.objects.filter(owner=user).order_by("calculator", "-updated")


def list_others_public_scenarios(user: Any) -> QuerySet[Scenario]:
    """Public scenarios of everyone else (precedents first), by calculator."""
    return (
        Scenario.objects.filter(is_public=True)
        .exclude(owner=user)
        .select_related("owner")
        .order_by("calculator", "-is_precedent", "title")
    )


def list_precedents(calculator: str | None = None) -> list[Scenario]:
    """The seeded precedent scenarios ("load a precedent"), by calculator and title."""
    queryset = Scenario.objects.filter(is_precedent=True, is_public=True)
    if calculator:
        queryset = queryset.filter(calculator=calculator)
    return list(queryset.order_by("calculator", "title"))

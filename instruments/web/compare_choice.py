"""Choosing what to compare: the saved scenarios (one's own, public ones and the
precedents) on one commodity, of any instrument, offered as a list to tick, so that
"compare instruments on this commodity" can be reached from every result."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from instruments import selectors
from instruments.calculators import REGISTRY
from instruments.models import Scenario
from instruments.web.project_compare import same_project_form

MAX_OFFERED = 200
"""Scenarios looked through for the list (newest first)."""


def scenario_commodity(scenario: Scenario) -> str:
    """The commodity code a scenario's inputs name ("" when none)."""
    inputs = scenario.inputs if isinstance(scenario.inputs, dict) else {}
    code = inputs.get("commodity")
    return code if isinstance(code, str) else ""


def choice_context(request: HttpRequest) -> dict[str, Any]:
    """The scenarios offered for a comparison of instruments, on ``?commodity=``
    when given (the others after them), with ``?checked=`` ticked; and the stored
    projects (on the commodity when given) to run under each instrument."""
    commodity = str(request.GET.get("commodity") or "")[:80]
    checked = {v for v in request.GET.getlist("checked") if v.isdigit()}
    scenarios = list(
        selectors.visible_scenarios(request.user).order_by("-updated")[:MAX_OFFERED]
    )
    rows = [
        {
            "pk": s.pk,
            "title": s.title,
            "instrument": REGISTRY[s.calculator].title
            if s.calculator in REGISTRY
            else s.calculator,
            "commodity": scenario_commodity(s),
            "checked": str(s.pk) in checked,
            "private": not s.is_public,
        }
        for s in scenarios
    ]
    same = [r for r in rows if commodity and r["commodity"] == commodity]
    others = [r for r in rows if r not in same]
    return {
        "choosing": True,
        "commodity": commodity,
        "offered_same": same,
        "offered_others": others,
        "same_project_form": same_project_form(request, commodity),
    }

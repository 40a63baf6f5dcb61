"""The project-support calculator in Chromium, started from a stored project in one
choice: the headline is the one the service computes for that project and the NPV
chart is drawn."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from instruments.calculators import REGISTRY
from instruments.presentation.presenters import summary_items
from instruments.services.calculation import run_calculation
from tests.e2e.test_pages import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SLUG = "project-support"


def test_a_stored_project_in_one_choice_shows_headline_and_chart(
    page: Page, live_server: Any, stored_project: Any
) -> None:
    calculator = REGISTRY[SLUG]
    calculation = run_calculation(
        slug=SLUG, data={**calculator.example, "stored_project": "ndpr-aus"}
    )
    headline, _ = summary_items(
        calculator, calculation.result.summary, calculation.inputs
    )
    page.goto(f"{live_server.url}/calculators/{SLUG}/")
    page.select_option("#id_stored_project", "ndpr-aus")
    page.click("#calculate")
    page.wait_for_selector("#results .chart .main-svg", timeout=60_000)
    first = page.locator(".headline .figure").first
    expect(first.locator("dt")).to_have_text(headline[0].label)
    expect(first.locator("dd")).to_have_text(headline[0].display)
    expect(page.locator("#results")).to_contain_text("NdPr plant (illustrative)")
    assert page.locator("#results .chart .main-svg").count() >= 1
    assert_accessible(page)

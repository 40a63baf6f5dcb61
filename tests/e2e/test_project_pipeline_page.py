"""The project pipeline page in Chromium: a stored project ranked, a bad target shown
beside its field, the nav link, and no serious axe-core problem."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_pages import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_pipeline_ranks_a_project_and_is_accessible(
    page: Page, live_server: Any, stored_project: Any
) -> None:
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Projects").click()
    expect(page.locator("h1")).to_have_text("Project pipeline")
    expect(page.locator('tr[data-slug="ndpr-aus"]')).to_contain_text(
        "NdPr plant (illustrative)"
    )
    assert_accessible(page)


def test_a_bad_target_is_shown_beside_its_field(
    page: Page, live_server: Any, stored_project: Any
) -> None:
    page.goto(f"{live_server.url}/projects/")
    page.fill("#id_target", "7")
    page.get_by_role("button", name="Rank the projects").click()
    expect(page.locator("#id_target-error")).to_contain_text("The target is")
    assert_accessible(page)


def test_a_project_under_each_instrument_from_the_pipeline(
    page: Page, live_server: Any, stored_project: Any
) -> None:
    page.goto(f"{live_server.url}/projects/")
    page.locator('tr[data-slug="ndpr-aus"] a.same-project').click()
    page.wait_for_selector("#chart-same-project .main-svg", timeout=60_000)
    expect(page.locator("h1")).to_contain_text("NdPr plant (illustrative)")
    expect(page.locator("#same-project tbody tr")).to_have_count(5)
    expect(page.locator("#same-project-meaning")).to_contain_text("In expectation")
    assert_accessible(page)

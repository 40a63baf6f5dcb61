"""The project pipeline page in Chromium: a stored project ranked, a bad target shown
beside its field, the nav link, and no serious axe-core problem."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_pages import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def stored_project(stored_commodity: Any) -> None:
    from instruments.services.imports.projects import import_projects
    from tests.factories import make_partner

    make_partner(iso3="AUS", name="Australia")
    make_partner(iso3="CHN", name="China")
    report = import_projects(
        data=[
            {
                "slug": "ndpr-aus",
                "name": "NdPr plant (illustrative)",
                "stage": "refinery",
                "country": "AUS",
                "commodity": "ndpr-oxide",
                "capacity": "5000",
                "capex": "300000000",
                "life_years": "15",
                "unit_opex": "40",
                "price_unit": "USD/kg",
                "illustrative": "true",
            }
        ]
    )
    assert report.ok, report.errors


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

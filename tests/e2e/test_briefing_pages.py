"""What the briefing work adds, in Chromium: charts offer no cloud upload, the
sensitivity page draws its charts, and the carried-over settings are visible."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_pages import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CLOUD_BUTTONS = (
    ".modebar-btn[data-title*='cloud' i], .modebar-btn[data-title*='share' i], "
    ".modebar-btn[data-title*='chart studio' i], .modebar-btn--logo, "
    "a[href*='plotly.com'], a[href*='chart-studio']"
)


def test_no_chart_offers_to_upload_to_the_cloud(page: Page, live_server: Any) -> None:
    page.goto(f"{live_server.url}/calculators/price-floor/")
    page.click("#calculate")
    page.wait_for_selector("#results .chart .main-svg", timeout=60_000)
    page.hover("#results .chart")
    assert page.locator("#results .modebar-btn").count() > 0  # the modebar is there
    assert page.locator(CLOUD_BUTTONS).count() == 0
    assert_accessible(page)


def _precedent() -> Any:
    from instruments.calculators import REGISTRY
    from tests.factories import make_scenario

    inputs = dict(REGISTRY["price-gap-subsidy"].example)
    inputs["simulation"] = {**inputs["simulation"], "paths": 500}
    return make_scenario(
        calculator="price-gap-subsidy",
        title="DoD–MP Materials NdPr price floor (2025)",
        inputs=inputs,
        is_public=True,
        is_precedent=True,
    )


def test_editing_a_precedent_says_modified_and_drops_the_address(
    page: Page, live_server: Any
) -> None:
    precedent = _precedent()
    page.goto(
        f"{live_server.url}/calculators/price-gap-subsidy/?scenario={precedent.pk}"
    )
    page.wait_for_selector("#results .chart .main-svg", timeout=60_000)
    note = page.locator("#loaded-note")
    expect(note).to_contain_text("Loaded:")
    # The settings that change the answer are chips beside the headline.
    expect(page.locator(".chip[data-chip='upside_share']")).to_contain_text("30 %")
    page.fill("#id_strike", "120")
    expect(note).to_contain_text("Modified from:")
    expect(note).to_contain_text("DoD–MP Materials NdPr price floor")
    assert "scenario=" not in page.url
    assert page.locator("#start-blank").count() == 1


def test_sensitivity_page_draws_the_sweep_and_the_tornado(
    page: Page, live_server: Any
) -> None:
    page.goto(f"{live_server.url}/calculators/price-floor/")
    page.click("#calculate")
    page.wait_for_selector("#results .chart .main-svg", timeout=60_000)
    page.get_by_role("link", name="Sensitivity: vary an input").click()
    page.select_option("#vary", "reference_price")
    page.fill("#from", "90")
    page.fill("#to", "130")
    page.fill("#steps", "5")
    page.click("#run-sensitivity")
    page.wait_for_selector("#chart-sweep .main-svg", timeout=60_000)
    page.wait_for_selector("#chart-tornado .main-svg", timeout=60_000)
    assert page.locator("#sweep-table tbody tr").count() == 5
    assert page.locator(CLOUD_BUTTONS).count() == 0
    assert_accessible(page)


def test_printing_the_result_leaves_out_navigation_and_buttons(
    page: Page, live_server: Any
) -> None:
    page.goto(f"{live_server.url}/calculators/price-floor/")
    page.click("#calculate")
    page.wait_for_selector("#results .chart .main-svg", timeout=60_000)
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator("#calculator-form").is_visible()
    assert not page.locator("[data-copy]").first.is_visible()
    assert page.locator(".what-this-means").is_visible()
    assert page.locator(".print-only").is_visible()


def test_a_downloaded_png_has_room_for_its_title_and_source(
    page: Page, live_server: Any
) -> None:
    from PIL import Image

    page.goto(f"{live_server.url}/calculators/offtake/")
    page.click("#calculate")
    page.wait_for_selector("#results .chart .main-svg", timeout=60_000)
    source = page.locator("#results .chart-source").first
    expect(source).to_contain_text("Source:")
    with page.expect_download() as download:
        page.locator("[data-download-png]").first.click()
    path = download.value.path()
    with Image.open(path) as image:
        assert image.format == "PNG"
        assert image.height in (720, 920)


@pytest.mark.parametrize(
    ("path", "ready"),
    [
        ("/api/docs/", ".opblock-summary-control"),
        ("/api/redoc/", "#redoc-container h1, redoc h1"),
        ("/api/v1/", ".breadcrumb, pre"),
    ],
)
def test_api_pages_have_no_serious_accessibility_problem(
    page: Page, live_server: Any, path: str, ready: str
) -> None:
    page.goto(f"{live_server.url}{path}", wait_until="networkidle")
    page.wait_for_selector(ready, timeout=30_000)
    page.wait_for_timeout(500)  # the observers that fix the documentation pages
    assert_accessible(page)


def test_origin_fields_suggest_stored_partners_by_name(
    page: Page, live_server: Any
) -> None:
    from tests.factories import make_partner

    make_partner(iso3="CHN", iso2="CN", name="China")
    make_partner(iso3="AUS", iso2="AU", name="Australia")
    page.goto(f"{live_server.url}/calculators/price-floor/")
    origin = page.locator("input[name='flows-0-origin']")
    expect(origin).to_have_attribute("list", "partner-codes")
    options = page.locator("#partner-codes option")
    assert options.count() == 2
    expect(options.first).to_have_attribute("value", "AUS")
    expect(options.first).to_have_text("Australia")
    assert_accessible(page)

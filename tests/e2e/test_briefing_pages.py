"""What the briefing work adds, in Chromium: charts offer no cloud upload, the
sensitivity page draws its charts, and the carried-over settings are visible."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

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

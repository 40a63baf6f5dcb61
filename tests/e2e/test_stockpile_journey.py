"""The stockpile page in Chromium: the example (China halves its NdPr oxide sales to
the EU, the US and Japan for six months against 60 days of stock each), Calculate,
and the answer in charts, figures and words."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_official_sees_prices_stocks_and_what_coordination_adds(
    page: Page, live_server: Any
) -> None:
    page.goto(f"{live_server.url}/calculators/stockpile/")
    page.click("#calculate")
    page.wait_for_selector("#results .chart .main-svg", timeout=90_000)
    for key in ("peak_price_change_without", "peak_price_change_with"):
        expect(page.locator(f'[data-summary="{key}"] dd')).to_contain_text("%")
    expect(page.locator("#results")).to_contain_text(
        "Releasing together rather than each alone adds"
    )
    expect(page.locator("#results")).to_contain_text("Peak price rise and shortfall")
    assert page.locator('[data-table="members"]').count() == 1

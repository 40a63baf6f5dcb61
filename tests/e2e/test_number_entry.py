"""An official whose browser is set to German types a decimal comma and thousands
points, and the calculation uses the number they meant."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Browser, expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_typing_1234_5_with_a_german_browser(
    browser: Browser, live_server: Any
) -> None:
    context = browser.new_context(
        locale="de-DE", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/calculators/price-floor/")
        box = page.locator("#id_reference_price")
        expect(box).to_have_attribute("type", "text")
        expect(box).to_have_attribute("inputmode", "text")  # a per-period list
        elasticity = page.locator("#id_trade_response-import_demand_elasticity")
        expect(elasticity).to_have_attribute("inputmode", "decimal")
        expect(elasticity).to_have_value("-1,5")
        expect(page.locator("#number-format-note")).to_contain_text("1.234,5")

        box.fill("1234.5")  # the browser checks the German pattern too
        assert box.evaluate("e => e.validity.patternMismatch") is True
        box.fill("1.234,5")
        assert box.evaluate("e => e.validity.patternMismatch") is False

        page.click("#calculate")
        page.wait_for_selector("#results .chart .main-svg", timeout=60_000)
        expect(page.locator("#id_reference_price")).to_have_value("1234,5")
        query = parse_qs(urlparse(page.locator("#get-url").input_value()).query)
        assert query["reference_price"] == ["1234.5"]  # the API stays dot-decimal
        assert query["trade_response.import_demand_elasticity"] == ["-1.5"]
    finally:
        context.close()

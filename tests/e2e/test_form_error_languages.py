"""An official switches the page's language, types a value the calculator refuses,
and reads the message beside the field in that language (English, French,
Japanese)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("language", "lang", "message"),
    [
        ("en-gb", "en-gb", "Must be at least 0; -5 given."),
        ("fr", "fr", "Doit être au moins égal à 0 ; -5 donné."),
        ("ja", "ja", "0 以上を指定してください。-5 が指定されました。"),
    ],
)
def test_a_refused_value_is_explained_beside_its_field_in_the_chosen_language(
    browser: Browser, live_server: Any, language: str, lang: str, message: str
) -> None:
    context = browser.new_context(
        locale="en-GB", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/calculators/trade-response/")
        page.select_option("#language-select", language)
        page.click("#language-menu button[type=submit]")
        expect(page.locator("html")).to_have_attribute("lang", lang)

        box = page.locator("#id_flows-1-imports")
        box.fill("-5")
        page.click("#calculate")

        error = page.locator("#id_flows-1-imports-error")
        expect(error).to_be_visible(timeout=30_000)
        expect(error).to_contain_text(message)
        expect(box).to_have_attribute("aria-invalid", "true")
        expect(box).to_have_value("-5")
    finally:
        context.close()

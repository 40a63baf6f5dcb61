"""Issue 22 in Chromium: the official runs the price floor, downloads the slide pack
from the result, and a mistyped address gives a page that says what is wrong."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pptx import Presentation

from tests.e2e.test_pages import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_result_gives_a_slide_pack(page: Page, live_server: Any) -> None:
    page.goto(f"{live_server.url}/calculators/price-floor/")
    page.click("#calculate")
    page.wait_for_selector("#results .chart .main-svg", timeout=60_000)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download slides (PowerPoint)").click()
    assert download.value.suggested_filename.endswith(".pptx")
    content = Path(download.value.path()).read_bytes()
    deck = Presentation(io.BytesIO(content))
    assert len(deck.slides) >= 4  # title, figures, a chart at least, sources


def test_an_address_the_api_refuses_is_a_page_naming_the_field(
    page: Page, live_server: Any
) -> None:
    response = page.goto(
        f"{live_server.url}/calculators/plurilateral/briefing.pdf?flor=66"
    )
    assert response is not None
    assert response.status == 400
    expect(page.locator("h1")).to_have_text("These inputs cannot be calculated")
    expect(page.locator("table.field-errors")).to_contain_text("flor")
    assert_accessible(page)

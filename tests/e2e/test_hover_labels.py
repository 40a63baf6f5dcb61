"""A chart's hover label in Chromium reads its figure as the one formatter writes it
("−171.7 M USD", never "−171,735,664 USD" or "1.059e-06"), in the reader's number
format ("−171,7 M USD" for a French reader)."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page

from instruments.calculators import REGISTRY

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

RAW = re.compile(r"\d{1,3}(?:[,.\u202f\u00a0 ]\d{3}){2,}|\d[eE][+-]?\d|\d\.\d{5,}")
"""What Plotly's own formats would write: all the digits, or an exponent."""


def hover_label(page: Page, live_server: Any, chart: str) -> str:
    """The hover label over the first bar of ``chart`` on the plurilateral result."""
    inputs = json.dumps(REGISTRY["plurilateral"].example)
    page.goto(
        f"{live_server.url}/calculators/plurilateral/?" + urlencode({"inputs": inputs}),
        wait_until="domcontentloaded",
        timeout=90_000,
    )
    bar = page.locator(f"#{chart} g.trace.bars g.point path").first
    bar.wait_for(timeout=60_000)
    bar.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    box = bar.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=4)
    label = page.locator(f"#{chart} .hoverlayer")
    page.wait_for_function(
        "id => (document.querySelector(`#${id} .hoverlayer`) || {}).textContent",
        arg=chart,
        timeout=10_000,
    )
    return label.text_content() or ""


def test_a_hover_label_reads_the_formatted_figure(page: Page, live_server: Any) -> None:
    text = hover_label(page, live_server, "chart-welfare")
    # "Consumers : −171.7 M USD": at most 4 significant figures, scaled, the unit
    assert re.search(r"Consumers\s*:\s*−\d{1,3}(?:\.\d{1,3})? M USD", text), text
    assert not RAW.search(text), text


def test_a_french_reader_reads_the_french_format(page: Page, live_server: Any) -> None:
    page.context.add_cookies(
        [{"name": "number_format", "value": "fr", "url": live_server.url}]
    )
    text = hover_label(page, live_server, "chart-welfare")
    assert re.search(r"Consumers\s*:\s*−\d{1,3},\d{1,3} M USD", text), text
    assert not RAW.search(text), text

"""Legible charts and pages in Chromium at 1280 and 390 px: at most 8 named series
(plus the floor) in a legend, no Plotly toolbar over a legend, a tick label or an
axis title (hidden at a phone's width, on hover only elsewhere), axis ticks without
exponents, and a private scenario's page that says so and offers to sign in."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from instruments.calculators import REGISTRY

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 390)

# The toolbar's box against every legend, tick label and axis title of its chart.
TOOLBAR_OVER = """
() => Array.from(document.querySelectorAll(".js-plotly-plot")).map((chart, index) => {
  const bar = chart.querySelector(".modebar");
  if (!bar) return [];
  const style = getComputedStyle(bar.parentElement || bar);
  const box = bar.getBoundingClientRect();
  if (box.width === 0 || box.height === 0 || style.opacity === "0"
      || getComputedStyle(bar).opacity === "0") return [];
  const texts = chart.querySelectorAll(
    "g.legend, g[class$='tick'] text, text[class$='title']"
  );
  const met = [];
  for (const text of texts) {
    if (text.closest(".hoverlayer")) continue;  // the hover label moves with the mouse
    const r = text.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const overlap = Math.min(box.right, r.right) - Math.max(box.left, r.left) > 1
      && Math.min(box.bottom, r.bottom) - Math.max(box.top, r.top) > 1;
    if (overlap) met.push(`chart ${index}: toolbar over "${text.textContent}"`);
  }
  return met;
}).flat()
"""

LEGEND_ENTRIES = """
() => Array.from(document.querySelectorAll(".js-plotly-plot")).map(
  chart => chart.querySelectorAll("g.legend g.traces").length
)
"""

TICKS = """
() => Array.from(document.querySelectorAll(".js-plotly-plot g[class$='tick'] text"))
  .map(t => t.textContent)
"""


def show_result(page: Page, url: str, slug: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{url}/calculators/{slug}/")
    page.click("#calculate")
    page.wait_for_selector("#results .chart .main-svg", timeout=60_000)
    page.wait_for_timeout(300)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("slug", ["price-floor", "plurilateral"])
def test_legends_are_short_and_no_toolbar_covers_them(
    page: Page, live_server: Any, slug: str, width: int
) -> None:
    show_result(page, live_server.url, slug, width)
    assert all(n <= 9 for n in page.evaluate(LEGEND_ENTRIES))
    ticks = [t for t in page.evaluate(TICKS) if t]
    assert ticks
    assert not [t for t in ticks if re.search(r"\de[+-]?\d", t)], ticks
    charts = page.locator("#results .js-plotly-plot")
    for i in range(charts.count()):
        charts.nth(i).hover()  # the toolbar shows on hover, where it shows at all
        page.wait_for_timeout(150)
        assert page.evaluate(TOOLBAR_OVER) == []
    if width < 700:
        assert page.locator("#results .modebar").count() == 0


@pytest.mark.parametrize("width", WIDTHS)
def test_a_private_scenario_says_so_and_offers_to_sign_in(
    page: Page, live_server: Any, width: int
) -> None:
    from tests.factories import make_scenario

    scenario = make_scenario(
        calculator="price-floor",
        title="A colleague's private floor",
        inputs=dict(REGISTRY["price-floor"].example),
        is_public=False,
    )
    page.set_viewport_size({"width": width, "height": 900})
    response = page.goto(f"{live_server.url}/scenarios/{scenario.pk}/")
    assert response is not None
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("This scenario is private")
    sign_in = page.locator("#private-sign-in")
    expect(sign_in).to_be_visible()
    assert "URLconf" not in page.content()
    assert int(page.evaluate("document.documentElement.scrollWidth")) <= width
    sign_in.click()
    page.wait_for_url(re.compile(r"/accounts/login/\?next="))


def test_compare_instruments_is_reachable_from_a_result(
    page: Page, live_server: Any
) -> None:
    show_result(page, live_server.url, "price-floor", 1280)
    page.click("#compare-instruments-link")
    expect(page.locator("h1")).to_contain_text("Compare instruments")
    expect(page.locator("#compare-choice")).to_be_visible()

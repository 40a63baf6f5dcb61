"""At a phone's width (390 px): no chart's legend lies over its
tick labels, axis titles, subplot titles or source line, on every calculator's
example result and on a commodity page; and the page itself never scrolls sideways
(a wide table scrolls in its own box)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from instruments.calculators import REGISTRY

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# For each chart: the legend's box and every other text's box (tick labels, axis
# titles, annotations such as subplot titles and the source line) that it meets.
OVERLAPS = """
() => Array.from(document.querySelectorAll(".js-plotly-plot")).map((chart, index) => {
  const legend = chart.querySelector("g.legend");
  if (!legend) return [];
  const box = legend.getBoundingClientRect();
  if (box.width === 0 || box.height === 0) return [];
  const texts = chart.querySelectorAll(
    "g[class$='tick'] text, text[class$='title'], g.annotation"
  );
  const met = [];
  for (const text of texts) {
    const r = text.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const overlap = Math.min(box.right, r.right) - Math.max(box.left, r.left) > 1
      && Math.min(box.bottom, r.bottom) - Math.max(box.top, r.top) > 1;
    if (overlap) met.push(`chart ${index}: legend over "${text.textContent}"`);
  }
  return met;
}).flat()
"""


SLUGS_IN_BROWSER = sorted(REGISTRY)


def legend_overlaps(page: Page) -> list[str]:
    page.wait_for_timeout(300)  # Plotly lays out legends after the first draw
    return list(page.evaluate(OVERLAPS))


def page_width(page: Page) -> int:
    """How wide the page can be scrolled: above the viewport, it scrolls sideways."""
    return int(page.evaluate("document.documentElement.scrollWidth"))


@pytest.mark.parametrize("slug", SLUGS_IN_BROWSER)
def test_no_legend_over_labels_at_phone_width(
    page: Page, live_server: Any, slug: str
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/calculators/{slug}/")
    page.click("#calculate")
    page.wait_for_selector("#results .chart .main-svg", timeout=60_000)
    assert page.locator(".js-plotly-plot").count() >= 1
    assert legend_overlaps(page) == []
    assert page_width(page) <= 390  # wide tables scroll in their box, not the page


def test_no_legend_over_labels_on_a_commodity_page_at_phone_width(
    page: Page, live_server: Any, stored_commodity: Any
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/commodities/{stored_commodity.code}/")
    page.wait_for_selector(".chart .main-svg")
    assert legend_overlaps(page) == []
    assert page_width(page) <= 390

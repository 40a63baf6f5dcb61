"""A calculation in French and in Japanese, in the browser: the official picks the
language with the switcher, computes, and reads the headline, its sentences and the
chart's title in that language."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from instruments.calculators import REGISTRY
from instruments.presentation.instruments import price_floor
from instruments.presentation.presenters import summary_items
from instruments.services.calculation import run_calculation

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SENTENCE = {
    "fr": "Un prix plancher de 110 USD/kg sur",
    "ja": "四半期あたり115 tに110 USD/kgの最低価格",
}
MULTIPLE = {"fr": "million", "ja": "万"}
"""The headline's large figures in the language's own words."""


@pytest.mark.parametrize("language", ["fr", "ja"])
def test_a_calculation_in_the_readers_language(
    page: Page, live_server: Any, language: str
) -> None:
    calculator = REGISTRY["price-floor"]
    calculation = run_calculation(slug="price-floor", data=calculator.example)
    with translation.override(language):
        headline, _ = summary_items(
            calculator, calculation.result.summary, calculation.inputs
        )
        chart_title = price_floor.build_figures(
            calculation.result, {"price": "USD/kg", "money": "USD"}
        )[0][1]
    assert headline[0].label != "Levy revenue (USD)"  # translated, so checked

    page.goto(f"{live_server.url}/calculators/price-floor/")
    page.select_option("#language-select", language)
    page.click("#language-menu button[type=submit]")
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.click("#calculate")
    page.wait_for_selector("#results .chart .main-svg", timeout=60_000)

    first = page.locator(".headline .figure").first
    expect(first.locator("dt")).to_have_text(headline[0].label)
    expect(first.locator("dd")).to_contain_text(MULTIPLE[language])
    expect(page.locator(".what-this-means li").first).to_contain_text(
        SENTENCE[language]
    )
    expect(page.locator("#results .chart-figure h3").first).to_have_text(chart_title)
    # the drawn chart carries the same words: its legend and axis titles
    drawn = page.locator("#results .chart").first.inner_text()
    for english in (
        "import price",
        "Levy revenue",
        "Period",
        "Floor (reference price)",
    ):
        assert english not in drawn, english
    with translation.override(language):
        assert translation.gettext("Floor (reference price)") in drawn

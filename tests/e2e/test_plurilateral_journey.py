"""Issue 9's question in Chromium, as an official asks it: the plurilateral page, the
stored trade flows of NdPr oxide in 2024, Calculate, and the answer in figures and
words (with a small set of stored flows; the seeded ones are tested without a
browser in tests/test_plurilateral_journey.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_pages import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NAMES = {
    "CHN": "China",
    "AUS": "Australia",
    "MYS": "Malaysia",
    "DEU": "Germany",
    "FRA": "France",
    "USA": "United States",
    "JPN": "Japan",
    "KOR": "South Korea",
}
FLOWS_2024 = (  # exporter, importer, thousand USD, tonnes
    ("CHN", "DEU", "60000", "1000"),
    ("CHN", "FRA", "30000", "500"),
    ("CHN", "USA", "120000", "2000"),
    ("CHN", "JPN", "90000", "1500"),
    ("CHN", "KOR", "300000", "5000"),
    ("AUS", "JPN", "30000", "500"),
    ("MYS", "JPN", "60000", "1000"),
    ("MYS", "KOR", "12000", "200"),
)


@pytest.fixture
def ndpr_flows(stored_commodity: Any) -> None:
    from instruments.models import CommodityHsCode, TradeFlow
    from tests.factories import make_partner, make_partner_group

    partners = {
        iso3: make_partner(iso3=iso3, iso2=iso3[:2], name=name)
        for iso3, name in NAMES.items()
    }
    eu = make_partner_group(code="eu-27", name="European Union (EU-27)")
    eu.members.set([partners["DEU"], partners["FRA"]])
    CommodityHsCode.objects.create(
        commodity=stored_commodity, hs_code="284690", hs_revision="HS92"
    )
    for exporter, importer, value, tonnes in FLOWS_2024:
        TradeFlow.objects.create(
            year=2024,
            hs_code="284690",
            hs_revision="HS92",
            exporter=partners[exporter],
            importer=partners[importer],
            value=Decimal(value),
            quantity=Decimal(tonnes),
            source="CEPII BACI (test extract)",
        )


def test_an_official_answers_the_coordinated_floor_question_on_stored_flows(
    page: Page, live_server: Any, ndpr_flows: None
) -> None:
    page.goto(f"{live_server.url}/calculators/plurilateral/")
    page.select_option("#id_commodity", "ndpr-oxide")
    page.fill("#id_year", "2024")
    page.click("#calculate")
    page.wait_for_selector("#results .chart .main-svg", timeout=60_000)

    note = page.locator("[data-stored-flows]")
    expect(note).to_contain_text("of NdPr oxide in 2024")
    expect(note).to_contain_text("CEPII BACI (test extract)")
    change = page.locator('[data-summary="imports_from_non_members_change"] dd')
    assert change.inner_text().startswith(("-", "−"))
    meaning = page.locator("#results").inner_text()
    assert "China's sales to the members fall by" in meaning
    assert "its sales to other markets rise by" in meaning
    assert "the price it is paid falls by" in meaning
    # The welfare table names its unit, and the four charts are drawn.
    expect(page.locator('[data-table="countries"] thead')).to_contain_text(
        "Net welfare change (USD)"
    )
    for chart in ("trade-matrix", "diversion", "prices", "welfare"):
        expect(page.locator(f"#chart-{chart} .main-svg").first).to_be_visible()
    assert_accessible(page)

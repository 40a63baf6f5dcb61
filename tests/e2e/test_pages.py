"""What officials click, in Chromium: run each preset, add a row, see an error beside
its field, save and compare scenarios; and axe-core finds no serious problem."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from instruments.calculators import REGISTRY
from instruments.presentation.presenters import summary_items
from instruments.services.calculation import run_calculation

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Axe()


SLUGS_IN_BROWSER = sorted(REGISTRY)


def assert_accessible(page: Page) -> None:
    """No serious or critical axe-core violation on the page as it stands."""
    results = AXE.run(page)
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(n["target"][0] for n in v["nodes"][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, f"{page.url}: " + " | ".join(bad)


def log_in(page: Page, url: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", "olga")
    page.fill("#id_password", "olga-pass-123")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{url}/")


@pytest.mark.parametrize("slug", SLUGS_IN_BROWSER)
def test_preset_shows_headline_and_chart(
    page: Page, live_server: Any, slug: str
) -> None:
    calculation = run_calculation(slug=slug, data=REGISTRY[slug].example)
    headline, _ = summary_items(
        REGISTRY[slug], calculation.result.summary, calculation.inputs
    )
    page.goto(f"{live_server.url}/calculators/{slug}/")
    page.click("#calculate")
    page.wait_for_selector("#results .chart .main-svg", timeout=60_000)
    first = page.locator(".headline .figure").first
    expect(first.locator("dt")).to_have_text(headline[0].label)
    expect(first.locator("dd")).to_have_text(headline[0].display)
    assert page.locator("#results table.data-table tbody tr").count() > 0
    assert_accessible(page)


def test_add_a_flow_row_and_calculate_with_it(page: Page, live_server: Any) -> None:
    page.goto(f"{live_server.url}/calculators/price-floor/")
    rows = page.locator("fieldset[data-rows=flows] > .row-item")
    before = rows.count()
    page.click("[data-add-row=flows]")
    expect(rows).to_have_count(before + 1)
    new = rows.last
    new.locator("input[name$='-origin']").fill("IDN")
    new.locator("input[name$='-import_price']").fill("90")
    new.locator("input[name$='-quantity']").fill("40")
    page.click("#calculate")
    page.wait_for_selector("#results .main-svg", timeout=60_000)
    expect(page.locator("#results table.data-table")).to_contain_text("IDN")


def test_validation_error_appears_beside_its_field(
    page: Page, live_server: Any
) -> None:
    page.goto(f"{live_server.url}/calculators/trade-response/")
    page.fill("#id_flows-1-imports", "-5")
    page.click("#calculate")
    error = page.locator("#id_flows-1-imports-error")
    expect(error).to_contain_text("at least 0")
    field = page.locator("#id_flows-1-imports")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_value("-5")
    assert "id_flows-1-imports-error" in (field.get_attribute("aria-describedby") or "")
    expect(page.locator(".error-summary a[href='#id_flows-1-imports']")).to_be_visible()
    assert_accessible(page)


def test_save_open_and_compare_scenarios(
    page: Page, live_server: Any, official: Any
) -> None:
    url = live_server.url
    log_in(page, url)
    for title, elasticity in (("Base case", None), ("Very elastic demand", "-4")):
        page.goto(f"{url}/calculators/trade-response/")
        if elasticity:
            page.fill("#id_import_demand_elasticity", elasticity)
        page.click("#calculate")
        page.wait_for_selector("#results .main-svg", timeout=60_000)
        page.fill("#id_title", title)
        page.click(".save-form button[type=submit]")
        page.wait_for_url(f"{url}/scenarios/*/")
        expect(page.locator("h1")).to_have_text(title)
        permalink = page.input_value("#permalink")
        page.goto(permalink)
        expect(page.locator("h1")).to_have_text(title)
        page.wait_for_selector(".chart .main-svg")
    assert_accessible(page)

    page.goto(f"{url}/scenarios/")
    assert_accessible(page)
    page.get_by_label("Compare Base case").check()
    page.get_by_label("Compare Very elastic demand").check()
    page.get_by_role("button", name="Compare the ticked scenarios").click()
    page.wait_for_selector("#chart-compare .main-svg")
    expect(page.locator("tr.differs")).to_have_count(1)
    expect(page.locator("tr.differs")).to_contain_text("Import demand elasticity")
    assert_accessible(page)

    page.goto(f"{url}/account/tokens/")
    page.get_by_role("button", name="Create a token").click()
    expect(page.locator("#token-key")).not_to_have_value("")
    assert_accessible(page)


@pytest.fixture
def stored_groups(db: Any) -> None:
    """A partnership with a direct member and a subgroup, for the group pages."""
    from tests.factories import make_partner, make_partner_group

    union = make_partner_group(code="test-eu", name="Test union")
    union.members.set([make_partner(iso3="NLD", name="Netherlands")])
    msp = make_partner_group(
        code="test-msp", name="Test partnership", source="https://example.org/msp"
    )
    msp.members.set([make_partner(iso3="USA", name="United States")])
    msp.subgroups.set([union])


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/commodities/",
        "/commodities/ndpr-oxide/",
        "/methodology/",
        "/api-guide/",
        "/accounts/login/",
        "/groups/",
        "/groups/test-msp/",
    ],
)
def test_page_has_no_serious_accessibility_problem(
    page: Page, live_server: Any, stored_commodity: Any, stored_groups: Any, path: str
) -> None:
    page.goto(f"{live_server.url}{path}")
    if path.startswith("/commodities/ndpr"):
        page.wait_for_selector(".chart .main-svg")
    assert_accessible(page)


def test_phone_width_keeps_the_form_usable(page: Page, live_server: Any) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(
        f"{live_server.url}/calculators/offtake/"
        if "offtake" in REGISTRY
        else f"{live_server.url}/calculators/price-floor/"
    )
    page.click("#calculate")
    page.wait_for_selector("#results .main-svg", timeout=60_000)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1

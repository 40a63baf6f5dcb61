"""In the browser: under the Content-Security-Policy the charts
and the API docs still work, with no violation reported."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _violations(page) -> list[str]:
    messages: list[str] = []
    page.on(
        "console",
        lambda m: (
            messages.append(m.text)
            if "Content Security Policy" in m.text
            or "Content-Security-Policy" in m.text
            else None
        ),
    )
    return messages


def test_a_calculation_page_runs_under_the_csp(page, live_server):
    violations = _violations(page)
    page.goto(f"{live_server.url}/calculators/price-floor/")
    page.get_by_role("button", name="Calculate").first.click()
    page.wait_for_selector("#results .main-svg", timeout=60_000)
    assert violations == []


def test_swagger_ui_renders_under_the_csp(page, live_server):
    violations = _violations(page)
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".opblock", timeout=60_000)
    assert violations == []

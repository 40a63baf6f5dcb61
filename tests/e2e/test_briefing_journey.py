"""The issue's whole journey, in Chromium: from the home page an official loads the
DoD–MP precedent, varies the floor from 90 to 130 USD/kg, compares it with an offtake
on NdPr and downloads a PDF briefing, without retyping a number."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.e2e.test_pages import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SEEDS = Path(__file__).resolve().parents[2] / "seeds" / "scenarios.json"
WANTED = (
    "DoD–MP Materials NdPr price floor (2025)",
    "MP Materials magnet offtake (DoD, 2025)",
)


def _precedents() -> None:
    from tests.factories import make_scenario

    for item in json.loads(SEEDS.read_text()):
        if item["title"] in WANTED:
            inputs = dict(item["inputs"])
            if "simulation" in inputs:  # fewer paths: the same journey, faster
                inputs["simulation"] = {**inputs["simulation"], "paths": 1000}
            make_scenario(
                calculator=item["calculator"],
                title=item["title"],
                notes=item.get("notes", ""),
                inputs=inputs,
                is_public=True,
                is_precedent=True,
            )


def test_from_precedent_to_sensitivity_to_comparison_to_pdf(
    page: Page, live_server: Any, official: Any
) -> None:
    _precedents()
    page.goto(f"{live_server.url}/")
    page.locator("a[href='/calculators/price-gap-subsidy/']").first.click()
    page.select_option("#precedent-select", label=WANTED[0])
    page.get_by_role("button", name="Load").click()
    page.wait_for_selector("#results .chart .main-svg", timeout=90_000)
    expect(page.locator(".what-this-means")).to_contain_text(
        "Guaranteeing a price of 110"
    )

    page.get_by_role("link", name="Sensitivity: vary an input").click()
    page.select_option("#vary", "strike")
    page.fill("#from", "90")
    page.fill("#to", "130")
    page.fill("#steps", "5")
    page.click("#run-sensitivity")
    page.wait_for_selector("#chart-sweep .main-svg", timeout=90_000)
    cells = page.locator("#sweep-table tbody tr td:first-child").all_inner_texts()
    assert cells == ["90", "100", "110", "120", "130"]

    log_in(page, live_server.url)
    page.goto(f"{live_server.url}/scenarios/")
    for title in WANTED:
        page.get_by_label(f"Compare {title}").check()
    page.get_by_role("button", name="Compare instruments").click()
    expect(page.locator("#instrument-table")).to_contain_text("Who pays")
    expect(page.locator("#instrument-table")).to_contain_text("USD/t")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download briefing (PDF)").click()
    content = Path(download.value.path()).read_bytes()
    reader = PdfReader(io.BytesIO(content))
    assert 1 <= len(reader.pages) <= 3
    text = " ".join(" ".join((p.extract_text() or "") for p in reader.pages).split())
    assert "Guaranteeing a price of 110 USD/kg" in text
    assert "under the offtake costs the buyer" in text
    assert "Who pays" in text
    assert "Sources" in text

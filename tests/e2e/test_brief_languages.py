"""A Japanese reader in Chromium: sets the language once with the switcher, computes
the price floor, downloads its PDF brief, and reads the headline in Japanese."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from instruments.calculators import REGISTRY

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_japanese_reader_downloads_a_japanese_brief(
    page: Page, live_server: Any
) -> None:
    page.goto(f"{live_server.url}/calculators/price-floor/")
    page.select_option("#language-select", "ja")
    page.locator("#language-menu button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    page.click("#calculate")
    page.wait_for_selector("#results .chart .main-svg", timeout=60_000)
    with page.expect_download() as download:
        page.locator("a[data-briefing]").first.click()
    assert download.value.suggested_filename.endswith(".pdf")
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext is missing: run `make office`"
    done = subprocess.run(
        [pdftotext, "-f", "1", "-l", "1", str(Path(download.value.path())), "-"],
        capture_output=True,
        check=True,
    )
    text = "".join(done.stdout.decode("utf-8").split())  # Japanese wraps anywhere
    calculator = REGISTRY["price-floor"]
    output = calculator.output(calculator.headline_keys[0])
    assert output is not None
    with translation.override("ja"):
        headline = translation.gettext(output.label)
    assert headline != output.label
    assert "".join(headline.split()) in text
    assert "4つの数値で見る答え" in text
    assert "誰が負担するのか" in text
    assert "The answer in four figures" not in text

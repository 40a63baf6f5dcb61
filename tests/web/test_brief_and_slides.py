"""Issue 22's minister's brief and slide pack, asked as an official would: the
coordinated NdPr floor typed into the briefing URL exactly as into the API gives the
API's figures on page one of the PDF (read with pdftotext) and on the slides (opened
headless in LibreOffice Impress); a query the API refuses is refused on every surface
with the same field errors."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from instruments.calculators import REGISTRY
from instruments.presentation.slides import slide_texts
from instruments.presentation.text import format_headline
from tests.factories import make_scenario

pytestmark = pytest.mark.django_db

QUERY = "commodity=ndpr-oxide&year=2024&members=eu-27,USA,JPN&floor_above_price=0.2"
API = "/api/v1/calculators/plurilateral/"
BRIEF = "/calculators/plurilateral/briefing.pdf"


def tool(name: str) -> str:
    """A command the brief tests read the documents with (`make office` installs
    them); missing, the test fails rather than skip."""
    found = shutil.which(name)
    assert found, f"{name} is missing: run `make office` (LibreOffice, poppler-utils)"
    return found


def pdftotext(content: bytes, *pages: int) -> str:
    """The PDF's text as pdftotext reads it (one page or all), whitespace joined."""
    args = [tool("pdftotext"), "-layout"]
    if pages:
        args += ["-f", str(pages[0]), "-l", str(pages[-1])]
    done = subprocess.run(
        [*args, "-", "-"], input=content, capture_output=True, check=True
    )
    return " ".join(done.stdout.decode("utf-8").split())


def figure(value: float) -> str:
    return format_headline(value)


# --- one question, one calculation, on every surface ----------------------------------


def test_the_brief_of_the_api_query_gives_the_api_figures_on_page_one(
    seeded_db: Any, client: Client
) -> None:
    api = client.get(f"{API}?{QUERY}")
    assert api.status_code == 200
    summary = api.json()["summary"]
    response = client.get(f"{BRIEF}?{QUERY}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    one = pdftotext(response.content, 1)
    # The question names the measure, its level and the members.
    assert (
        "a coordinated NdPr oxide floor of 66 USD/kg by EU-27, United States and "
        "Japan on 2024 flows"
    ) in one
    # The four headline figures, as the API computes them, with units and ranges.
    assert f"{figure(summary['imports_from_non_members_change'])} t" in one
    assert f"USD {figure(summary['importer_revenue_total'])}" in one
    assert f"USD {figure(summary['net_welfare_members'])}" in one
    assert f"{figure(summary['non_member_price_change'] * 100)} %" in one
    assert "Range (P5–P95" in one
    assert "Source: Calculated on CEPII BACI 2024 trade flows" in one
    # The data vintage names the stored sources used, not "no stored prices".
    assert "trade flows 2024 (CEPII BACI)" in one
    assert "price 2024 (U.S. Geological Survey" in one
    assert "no stored" not in one
    # The example's typed flows are not what was calculated.
    text = pdftotext(response.content)
    assert "-7,275" not in text
    assert "… and" not in text
    # The detail: every chart, the table, the inputs chosen, the citations.
    for title in (
        "Trade by origin and market, before and after",
        "Where each origin's sales went",
        "Border and consumer prices by market, before and after",
        "Who gains and who loses, country by country",
    ):
        assert title in text
    assert "Floor above the stored price" in text
    assert "doi:10.5066/P1WKQ63T" in text
    assert "Gaulier and Zignago (2010)" in text


def test_the_same_question_as_inputs_json_gives_the_same_brief_figures(
    seeded_db: Any, client: Client
) -> None:
    data = {
        "commodity": "ndpr-oxide",
        "year": 2024,
        "members": ["eu-27", "USA", "JPN"],
        "floor_above_price": 0.2,
    }
    by_json = client.get(f"{BRIEF}?{urlencode({'inputs': json.dumps(data)})}")
    by_query = client.get(f"{BRIEF}?{QUERY}")
    assert (
        pdftotext(by_json.content, 1).split("Brief of")[1]
        == (pdftotext(by_query.content, 1).split("Brief of")[1])
    )


def test_the_calculator_page_takes_the_api_query(
    seeded_db: Any, client: Client
) -> None:
    api = client.get(f"{API}?{QUERY}").json()["summary"]
    page = client.get(f"/calculators/plurilateral/?{QUERY}")
    assert page.status_code == 200
    summary = page.context["calculation"].result.summary
    for key in ("importer_revenue_total", "imports_from_non_members_change"):
        assert summary[key] == pytest.approx(api[key])


def test_the_slides_of_the_query_open_in_libreoffice_with_every_chart(
    seeded_db: Any, client: Client, tmp_path: Path
) -> None:
    summary = client.get(f"{API}?{QUERY}").json()["summary"]
    response = client.get(f"{BRIEF}?{QUERY}&format=pptx")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.pptx"')
    deck = Presentation(io.BytesIO(response.content))
    slides = list(deck.slides)
    texts = slide_texts(response.content)
    assert "66 USD/kg" in texts[0]
    assert f"USD {figure(summary['importer_revenue_total'])}" in texts[1]
    charts = [
        (slide, text)
        for slide, text in zip(slides, texts, strict=True)
        if any(s.shape_type == MSO_SHAPE_TYPE.PICTURE for s in slide.shapes)
    ]
    assert len(charts) == 4  # one slide per chart, each with a picture
    for _, text in charts:
        assert "Source: Calculated on CEPII BACI 2024 trade flows" in text
    assert all("DRAFT" in text for text in texts)
    # LibreOffice Impress opens it, and reads the headline figure in it.
    deck_path = tmp_path / "brief.pptx"
    deck_path.write_bytes(response.content)
    subprocess.run(
        [
            tool("soffice"),
            f"-env:UserInstallation=file://{tmp_path}/lo-profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(deck_path),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    converted = (tmp_path / "brief.pdf").read_bytes()
    text = pdftotext(converted)
    assert f"USD {figure(summary['importer_revenue_total'])}" in text
    assert "The answer in four figures" in text


# --- refused as the API refuses ---------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "flor=66",  # not an input
        "commodity=ndpr-oxide&commodity=cobalt",  # given twice
        "markets.x.code=EU",  # not an index
        "members=eu-27,USA&floor=-5",  # a floor below zero, no commodity
    ],
)
def test_a_query_the_api_refuses_is_refused_on_every_surface(
    client: Client, query: str
) -> None:
    api = client.get(f"{API}?{query}")
    assert api.status_code == 400
    messages = [m for value in api.json().values() for m in _messages(value)]
    assert messages
    for url in (
        f"{BRIEF}?{query}",
        f"{BRIEF}?{query}&format=pptx",
        f"/calculators/plurilateral/?{query}",
    ):
        response = client.get(url)
        assert response.status_code == 400, url
        assert response["Content-Type"].startswith("text/html")
        html = response.content.decode()
        for message in messages:
            assert _escaped(message) in html, (url, message)


def test_an_unknown_format_and_a_bad_inputs_json_are_refused(client: Client) -> None:
    assert client.get(f"{BRIEF}?format=docx").status_code == 400
    assert b"Formats: pdf, pptx" in client.get(f"{BRIEF}?format=docx").content
    bad = client.get(f"{BRIEF}?inputs=%7Bnot-json")
    assert bad.status_code == 400
    both = client.get(f"{BRIEF}?inputs=%7B%7D&commodity=ndpr-oxide")
    assert both.status_code == 400
    assert b"not both" in both.content


def _messages(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [m for v in value for m in _messages(v)]
    if isinstance(value, dict):
        return [m for v in value.values() for m in _messages(v)]
    return []


def _escaped(text: str) -> str:
    from django.utils.html import escape

    return str(escape(text))


# --- every result, scenario and comparison has slides ------------------------------------


@pytest.mark.parametrize("slug", sorted(REGISTRY))
def test_every_calculator_has_a_slide_pack(client: Client, slug: str) -> None:
    calculator = REGISTRY[slug]
    url = reverse("instruments:calculator_briefing", args=[slug])
    query = urlencode({"inputs": json.dumps(dict(calculator.example))})
    response = client.get(f"{url}?{query}&format=pptx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.presentationml"
    )
    deck = Presentation(io.BytesIO(response.content))
    slides = list(deck.slides)
    texts = slide_texts(response.content)
    assert texts[0].count("What would a") == 1
    assert "The answer in four figures" in texts[1]
    pictures = [
        s
        for s in slides
        if any(p.shape_type == MSO_SHAPE_TYPE.PICTURE for p in s.shapes)
    ]
    assert pictures  # a slide per chart
    assert len(slides) == 2 + len(pictures) + 1  # title, figures, charts, sources
    assert "Sources and data vintage" in texts[-1]


def test_a_saved_scenario_and_a_comparison_have_slide_packs(client: Client) -> None:
    owner, _ = User.objects.get_or_create(username="slides")
    floor = make_scenario(
        calculator="price-floor",
        title="Floor on NdPr",
        inputs=dict(REGISTRY["price-floor"].example),
        owner=owner,
        is_public=True,
    )
    other = make_scenario(
        calculator="price-floor",
        title="Higher floor on NdPr",
        inputs={**REGISTRY["price-floor"].example, "reference_price": 130},
        owner=owner,
        is_public=True,
    )
    subsidy = make_scenario(
        calculator="price-gap-subsidy",
        title="Subsidy on NdPr",
        inputs=dict(REGISTRY["price-gap-subsidy"].example),
        owner=owner,
        is_public=True,
    )
    one = client.get(
        reverse("instruments:scenario_briefing", args=[floor.pk]) + "?format=pptx"
    )
    assert one.status_code == 200
    assert "Floor on NdPr" in slide_texts(one.content)[0]
    compare = reverse("instruments:compare_briefing")
    same = client.get(f"{compare}?ids={floor.pk}&ids={other.pk}&format=pptx")
    assert same.status_code == 200
    texts = slide_texts(same.content)
    assert "Side by side" in texts[1]
    assert "Higher floor on NdPr" in texts[1]
    mixed = client.get(f"{compare}?ids={floor.pk}&ids={subsidy.pk}&format=pptx")
    assert mixed.status_code == 200
    assert "Who pays" in slide_texts(mixed.content)[1]
    page = client.get(
        reverse("instruments:instrument_compare") + f"?ids={floor.pk}&ids={subsidy.pk}"
    )
    assert "format=pptx" in page.content.decode()


def test_the_result_page_links_the_slides(client: Client) -> None:
    example = dict(REGISTRY["price-floor"].example)
    page = client.get(
        reverse("instruments:calculator", args=["price-floor"])
        + "?"
        + urlencode({"inputs": json.dumps(example)})
    )
    html = page.content.decode()
    assert "Download slides (PowerPoint)" in html
    assert "format=pptx" in html


# --- the deployment's own lines -----------------------------------------------------------


def test_the_classification_and_the_issuer_come_from_the_settings(
    client: Client, settings: Any
) -> None:
    settings.BRIEFING_CLASSIFICATION = "OFFICIAL-SENSITIVE"
    settings.BRIEFING_ISSUER = "Ministry of Mines and Trade"
    url = reverse("instruments:calculator_briefing", args=["price-floor"])
    pdf = client.get(url).content
    pages = int(
        next(
            line.split()[-1]
            for line in subprocess.run(
                ["pdfinfo", "-"], input=pdf, capture_output=True, check=True
            )
            .stdout.decode()
            .splitlines()
            if line.startswith("Pages:")
        )
    )
    for page in range(1, pages + 1):
        text = pdftotext(pdf, page)
        assert "OFFICIAL-SENSITIVE" in text
        assert "Ministry of Mines and Trade" in text
    texts = slide_texts(client.get(f"{url}?format=pptx").content)
    assert all("OFFICIAL-SENSITIVE" in t for t in texts)
    assert "Ministry of Mines and Trade" in texts[0]

"""The briefing: a PDF of every calculator's result, of a saved scenario and of the
comparisons, whose text holds the headline sentences and the sources; the same
sentences on the result page; the sensitivity page; the comparison of instruments."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import numpy as np
import pypdfium2 as pdfium
import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from instruments.calculators import REGISTRY
from instruments.models import Scenario
from instruments.presentation import presenters
from instruments.services.calculation import run_calculation
from tests.factories import make_scenario

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return " ".join(text.split())


def pages(content: bytes) -> int:
    return len(PdfReader(io.BytesIO(content)).pages)


def first_page(content: bytes) -> str:
    text = PdfReader(io.BytesIO(content)).pages[0].extract_text() or ""
    return " ".join(text.split())


MAX_PAGES = 10  # the stockpile's brief has six charts
"""A brief: page one, then the detail (every chart, the table, every input)."""


def scenario(slug: str, title: str, inputs: Any = None) -> Scenario:
    owner, _ = User.objects.get_or_create(username="brief")
    return make_scenario(
        calculator=slug,
        title=title,
        inputs=dict(inputs or REGISTRY[slug].example),
        owner=owner,
        is_public=True,
    )


@pytest.mark.parametrize("slug", sorted(REGISTRY))
def test_every_calculator_has_a_briefing_with_its_sentences(
    client: Client, slug: str
) -> None:
    calculator = REGISTRY[slug]
    example = dict(calculator.example)
    url = reverse("instruments:calculator_briefing", args=[slug])
    response = client.get(f"{url}?{urlencode({'inputs': json.dumps(example)})}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 2 <= pages(response.content) <= MAX_PAGES
    # Page one: the question naming the policy, and the answer in four figures.
    one = first_page(response.content)
    assert "The question. What would a" in one
    assert "The answer in four figures" in one
    assert "DRAFT" in one
    text = pdf_text(response.content)
    calculation = run_calculation(slug=slug, data=example)
    sentences = presenters.headline_sentences(
        calculator, calculation.result, calculation.inputs
    )
    assert sentences
    for sentence in sentences:
        assert " ".join(sentence.split()) in text
    assert "Sources" in text
    assert "/methodology/#" + slug in text
    assert "What this means" in text


def test_the_price_floor_sentence_says_who_pays_what_and_when() -> None:
    calculator = REGISTRY["price-floor"]
    example = dict(calculator.example)
    result = calculator.run(example)
    first = presenters.headline_sentences(calculator, result, example)[0]
    assert first.startswith("A floor of 110 USD/kg on 115 t a quarter")
    assert "from CHN would have collected USD 5.1 million over 2025Q1–2025Q4" in first
    assert "in 2025Q3 the market price was above the floor" in first


def test_the_charts_are_drawn_on_the_pages(client: Client) -> None:
    url = reverse("instruments:calculator_briefing", args=["price-floor"])
    content = client.get(url).content
    document = pdfium.PdfDocument(content)
    image = document[0].render(scale=1).to_pil().convert("L")
    # A page of text alone is almost white; the chart's lines and bars are not.
    dark = sum(image.histogram()[:128])
    assert dark > 0.02 * image.width * image.height
    assert len(PdfReader(io.BytesIO(content)).pages[0].images) >= 1


def test_a_saved_scenario_and_a_comparison_have_briefings(client: Client) -> None:
    base = scenario("offtake", "Offtake base")
    other = scenario(
        "offtake",
        "Offtake low take",
        {**REGISTRY["offtake"].example, "min_take_share": 0.5},
    )
    one = client.get(reverse("instruments:scenario_briefing", args=[base.pk]))
    assert one.status_code == 200
    assert "Offtake base" in pdf_text(one.content)
    both = client.get(
        reverse("instruments:compare_briefing") + f"?ids={base.pk}&ids={other.pk}"
    )
    assert both.status_code == 200
    text = pdf_text(both.content)
    assert "Offtake low take" in text
    assert "Side by side" in text


def test_instruments_on_one_commodity_side_by_side(client: Client) -> None:
    floor = scenario("price-floor", "Floor on NdPr")
    subsidy = scenario("price-gap-subsidy", "Subsidy on NdPr")
    offtake = scenario("offtake", "Offtake on NdPr")
    ids = f"?ids={floor.pk}&ids={subsidy.pk}&ids={offtake.pk}"
    page = client.get(reverse("instruments:instrument_compare") + ids)
    assert page.status_code == 200
    html = page.content.decode()
    for question in ("Who pays", "How much, in total", "How much, per tonne", "When"):
        assert question in html
    assert "The treasury pays producers" in html
    table = page.context["table"]
    per_tonne = next(row for row in table if row[0].startswith("How much, per tonne"))
    quantity = next(row for row in table if row[0] == "Quantity covered")
    assert all(cell != "—" for cell in quantity[1:])  # volumes shown beside the money
    assert per_tonne[1].endswith("USD/t")
    pdf = client.get(reverse("instruments:compare_briefing") + ids)
    assert pdf.status_code == 200
    text = pdf_text(pdf.content)
    assert "Who pays" in text
    assert "Floor on NdPr" in text


def test_the_result_page_says_what_this_means_and_links_the_pdf(client: Client) -> None:
    example = dict(REGISTRY["price-floor"].example)
    response = client.get(
        reverse("instruments:calculator", args=["price-floor"])
        + "?"
        + urlencode({"inputs": json.dumps(example)})
    )
    html = response.content.decode()
    assert "What this means" in html
    assert "would have collected USD 5.1 million" in html
    assert "Download briefing (PDF)" in html
    assert "briefing.pdf?inputs=" in html
    # Non-default settings that change the answer are visible beside the headline.
    assert 'data-chip="levy_cap_ad_valorem"' in html
    assert 'data-chip="trade_response"' in html


def test_sensitivity_page_varies_the_floor(client: Client) -> None:
    example = dict(REGISTRY["price-floor"].example)
    url = reverse("instruments:calculator_sensitivity", args=["price-floor"])
    response = client.get(
        url
        + "?"
        + urlencode(
            {
                "inputs": json.dumps(example),
                "vary": "reference_price",
                "from": "90",
                "to": "130",
                "steps": "5",
            }
        )
    )
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r["value"] for r in rows] == [90, 100, 110, 120, 130]
    revenue = [r["revenue_total"] for r in rows]
    assert revenue == sorted(revenue)
    assert response.context["tornado_chart"] is not None
    assert "chart-sweep-data" in response.content.decode()


def test_comparison_briefings_take_no_more_scenarios_than_the_compare_page(
    client: Client, settings
) -> None:
    """Each scenario is re-run: the PDFs share the compare page's cap."""
    settings.COMPARE_MAX_SCENARIOS = 2
    ids = "".join(
        f"&ids={scenario('offtake', f'Offtake {n}').pk}" for n in range(3)
    ).replace("&", "?", 1)
    pdf = client.get(reverse("instruments:compare_briefing") + ids)
    assert pdf.status_code == 400
    assert b"at most 2 scenarios" in pdf.content
    page = client.get(reverse("instruments:instrument_compare") + ids)
    assert page.status_code == 400


def test_a_long_sweep_on_the_page_runs_as_a_job_and_comes_back_drawn(
    client: Client, settings: Any, monkeypatch: Any
) -> None:
    """With a worker (here: the worker's code run at dispatch), a sweep above the
    sync size goes to a job; the job page returns to the sensitivity page, which draws
    the job's result, the same as computed in the request."""
    from instruments.services import jobs

    dispatched: list[str] = []

    def worker(*, job: Any) -> None:
        dispatched.append(str(job.pk))
        jobs.run_job(job_id=job.pk)

    monkeypatch.setattr(jobs, "dispatch", worker)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.JOBS_SYNC_MAX_SWEEP_POINTS = 20
    example = dict(REGISTRY["price-floor"].example)
    url = reverse("instruments:calculator_sensitivity", args=["price-floor"])
    query = {
        "inputs": json.dumps(example),
        "vary": "reference_price",
        "from": "90",
        "to": "130",
        "steps": "21",
    }
    response = client.get(f"{url}?{urlencode(query)}")
    assert response.status_code == 302
    assert len(dispatched) == 1
    job_page = client.get(response["Location"])
    next_url = job_page.context["next_url"]
    assert f"job={dispatched[0]}" in next_url
    assert f'data-job-next="{next_url.replace("&", "&amp;")}"' in (
        job_page.content.decode()
    )
    drawn = client.get(next_url)
    assert drawn.status_code == 200
    assert len(dispatched) == 1  # read from the job, not run again
    rows = drawn.context["rows"]
    assert [r["value"] for r in rows] == [90 + 2 * i for i in range(21)]
    settings.JOBS_SYNC_MAX_SWEEP_POINTS = 1_000
    direct = client.get(f"{url}?{urlencode(query)}")
    assert direct.context["rows"] == rows
    assert direct.context["tornado_chart"] == drawn.context["tornado_chart"]
    # Another calculation's inputs do not read this job.
    other = {
        **query,
        "inputs": json.dumps({**example, "reference_price": 120}),
        "job": dispatched[0],
    }
    settings.JOBS_SYNC_MAX_SWEEP_POINTS = 20
    assert client.get(f"{url}?{urlencode(other)}").status_code == 302
    assert len(dispatched) == 2


def test_a_long_sweep_in_the_demo_is_drawn_at_once(
    client: Client, settings: Any
) -> None:
    """No broker (make run): the same sweep runs in the request, no job page between."""
    settings.JOBS_SYNC_MAX_SWEEP_POINTS = 1
    url = reverse("instruments:calculator_sensitivity", args=["price-floor"])
    response = client.get(f"{url}?vary=reference_price&steps=5")
    assert response.status_code == 200
    assert len(response.context["rows"]) == 5


PRECEDENTS = [
    precedent
    for precedent in json.loads(
        (Path(__file__).resolve().parents[2] / "seeds" / "scenarios.json").read_text()
    )
    # On stored trade flows: run on the seeded data in tests/test_precedents.py and
    # briefed in test_a_stored_data_precedent_is_a_brief below.
    if "year" not in precedent["inputs"]
]


@pytest.mark.parametrize(
    "precedent", PRECEDENTS, ids=[p["title"][:40] for p in PRECEDENTS]
)
def test_every_precedent_saved_is_a_brief_with_page_one_and_its_detail(
    client: Client, precedent: dict[str, Any]
) -> None:
    """The DoD–MP precedent ran to four pages (its unset settings listed as "—")."""
    scenario = make_scenario(
        calculator=precedent["calculator"],
        title=precedent["title"],
        inputs=precedent["inputs"],
        is_public=True,
    )
    response = client.get(reverse("instruments:scenario_briefing", args=[scenario.pk]))
    assert response.status_code == 200
    assert 2 <= pages(response.content) <= MAX_PAGES
    text = pdf_text(response.content)
    assert "Sources" in text
    assert "… and" not in text  # every input by name, none cut
    assert "the commodity" not in text  # typed figures name no commodity
    assert "\n—\n" not in text
    assert "— \n" not in text


def test_a_sentence_on_stored_prices_names_the_commodity_in_words() -> None:
    """ "of NdPr oxide", not the code "ndpr-oxide"."""
    from tests.factories import make_ndpr_annual

    make_ndpr_annual()
    inputs = {
        "commodity": "ndpr-oxide",
        "periods": ["2022", "2023", "2024"],
        "reference_price": 110,
        "price_unit": "USD/kg",
        "quantity_unit": "t",
        "flows": [{"origin": "CHN", "member": False, "quantity": 1000}],
    }
    calculation = run_calculation(slug="price-floor", data=inputs)
    first = presenters.headline_sentences(
        REGISTRY["price-floor"], calculation.result, calculation.inputs
    )[0]
    assert "1,000 t a year of NdPr oxide from CHN" in first


def test_the_briefing_names_countries_in_words_as_the_page_does(client: Client) -> None:
    from tests.factories import make_partner

    make_partner(iso3="CHN", iso2="CN", name="China")
    url = reverse("instruments:calculator_briefing", args=["plurilateral"])
    example = dict(REGISTRY["plurilateral"].example)
    response = client.get(f"{url}?{urlencode({'inputs': json.dumps(example)})}")
    text = pdf_text(response.content)
    assert "China's sales to the members" in text
    assert "CHN's" not in text


def test_the_trade_matrix_heat_map_is_drawn_in_the_briefing() -> None:
    """The static renderer drew no heat map: the plurilateral briefing's first chart
    was an empty frame."""
    from PIL import Image

    from instruments.presentation.charts import results as charts
    from instruments.presentation.charts.static_image import render_png

    calculator = REGISTRY["plurilateral"]
    calculation = run_calculation(slug="plurilateral", data=dict(calculator.example))
    figures = charts.build_result_figures(
        calculator, calculation.result, calculation.inputs
    )
    matrix = next(f for f in figures if "Trade by origin" in f["title"])
    image = Image.open(io.BytesIO(render_png(matrix["figure"]))).convert("RGB")
    # The largest route (China to the rest of the world) is a dark blue cell.
    r, g, b = np.moveaxis(np.asarray(image), -1, 0)
    blue = int(((b > 90) & (r < 60) & (g < 90)).sum())
    assert blue > 0.01 * image.width * image.height


def test_a_stored_data_precedent_is_a_brief(client: Client, seeded_db: Any) -> None:
    """A precedent on the stored 2024 flows (the 2025 rare-earth controls) briefs on
    the seeded data: its page one names the stored sources."""
    stored = [
        p
        for p in json.loads(
            (
                Path(__file__).resolve().parents[2] / "seeds" / "scenarios.json"
            ).read_text()
        )
        if "year" in p["inputs"] and p["calculator"] == "stockpile"
    ]
    scenario = make_scenario(
        calculator="stockpile",
        title=stored[0]["title"],
        inputs=stored[0]["inputs"],
        is_public=True,
    )
    response = client.get(reverse("instruments:scenario_briefing", args=[scenario.pk]))
    assert response.status_code == 200
    assert 2 <= pages(response.content) <= MAX_PAGES
    assert "BACI" in first_page(response.content)

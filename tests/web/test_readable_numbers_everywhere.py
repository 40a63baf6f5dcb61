"""No page shows a number in scientific notation or with more than 4 significant
figures: neither in its visible text nor in its charts (tick labels, hover labels,
the text drawn on a chart). Every chart's hover label reads numbers the one
formatter wrote (``customdata``), not numbers Plotly formats itself, in the reader's
number format.

Inputs, data tables meant as data (CSV, XLSX, the API's JSON) and years, IDs and HS
codes are exact by design and not audited.
"""

from __future__ import annotations

import html as html_lib
import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from instruments.calculators import REGISTRY
from tests.factories import make_scenario

pytestmark = pytest.mark.django_db

EXPONENT = re.compile(r"\d(?:\.\d+)?[eE][+-]?\d+\b")
# a figure as English writes it: 18,500,000 · 82.12 · 1,235 (a bare integer of 5 or
# more digits is an ID, an HS code or a count written as data: not a figure)
NUMBER = re.compile(r"(?<![\w.,/-])\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\w.,/-])\d+\.\d+")
SCRIPT = re.compile(
    r'<script id="([^"]+)" type="application/json">(.*?)</script>', re.S
)
FORMAT_EXAMPLE = "1,234.5"
"""How the reader's number format writes 1234.5 (beside the number inputs)."""
PLACEHOLDER = re.compile(r"%\{([a-z]+)(\[\d+\])?(?::([^}]*))?\}")


def significant(number: str) -> int:
    digits = number.replace(",", "")
    whole, _, fraction = digits.partition(".")
    if fraction:
        return len((whole + fraction).lstrip("0"))
    return len(whole.lstrip("0").rstrip("0"))


def too_precise(text: str) -> list[str]:
    """The numbers of ``text`` in scientific notation or with more than 4
    significant figures."""
    found = EXPONENT.findall(text)
    found += [
        n for n in NUMBER.findall(text) if significant(n) > 4 and n != FORMAT_EXAMPLE
    ]
    return found


def visible_text(page: str) -> str:
    """What a reader sees: no scripts, styles, form inputs or data tables."""
    for tag in ("script", "style", "textarea", "select", "noscript", "template"):
        page = re.sub(rf"<{tag}\b.*?</{tag}>", " ", page, flags=re.S)
    # the result's rows as data (downloadable as CSV, XLSX) and the input tables
    page = re.sub(
        r'<table[^>]*data-table="(?:rows|raw)"[^>]*>.*?</table>', " ", page, flags=re.S
    )
    # how a typed value is read ("type 55.000"): about the input, exact
    page = re.sub(r'<p class="help reading"[^>]*>.*?</p>', " ", page, flags=re.S)
    return without_codes(html_lib.unescape(re.sub(r"<[^>]+>", " ", page)))


def without_codes(text: str) -> str:
    """Codes, not figures: HS codes (2846.90) and DOIs (doi:10.5066/…) taken out."""
    text = re.sub(r"\bHS(?: codes?)?\s+[\d., ]+", " ", text)
    return re.sub(r"(?:doi:\s*|https?://doi\.org/)?\b10\.\d{4,}/\S+", " ", text)


def figures(page: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for script_id, body in SCRIPT.findall(page):
        data = json.loads(html_lib.unescape(body))
        if isinstance(data, dict) and "data" in data and "layout" in data:
            yield script_id, data


def chart_problems(script_id: str, figure: dict[str, Any]) -> list[str]:
    """What a chart would show Plotly's own way, or too precisely."""
    problems = []
    layout = figure["layout"]
    for key, axis in layout.items():
        if re.fullmatch(r"[xy]axis\d*", key) and isinstance(axis, dict):
            for label in axis.get("ticktext") or []:
                problems += [f"{script_id} {key} tick {n}" for n in too_precise(label)]
    for note in layout.get("annotations") or []:
        problems += [
            f"{script_id} note {n}"
            for n in too_precise(without_codes(note.get("text", "")))
        ]
    for trace in figure["data"]:
        name = f"{script_id} {trace['type']} {trace.get('name')!r}"
        if trace.get("hoverinfo") in ("skip", "none"):
            continue
        template = trace.get("hovertemplate")
        if not template:
            problems.append(f"{name}: Plotly's own hover label")
            continue
        for var, _, spec in PLACEHOLDER.findall(template):
            if spec:
                problems.append(f"{name}: Plotly formats %{{{var}:{spec}}}")
            elif var in ("y", "z") and trace["type"] != "heatmap":
                values = trace.get(var) or []
                if any(isinstance(v, int | float) for v in values):
                    problems.append(f"{name}: Plotly formats %{{{var}}}")
        cells = json.dumps(trace.get("customdata"), ensure_ascii=False)
        texts = json.dumps(trace.get("text"), ensure_ascii=False)
        problems += [f"{name} hover {n}" for n in too_precise(cells)]
        problems += [f"{name} text {n}" for n in too_precise(texts)]
    return problems


def audit(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.content.decode()
    problems = [f"text {n}" for n in too_precise(visible_text(page))]
    charts = list(figures(page))
    for script_id, figure in charts:
        problems += chart_problems(script_id, figure)
        assert figure["layout"].get("separators") == ".,", script_id
    assert not problems, (url, sorted(set(problems))[:40])
    return page


def result_url(slug: str) -> str:
    inputs = json.dumps(REGISTRY[slug].example)
    return (
        reverse("instruments:calculator", args=[slug])
        + "?"
        + urlencode({"inputs": inputs})
    )


@pytest.mark.parametrize("slug", sorted(REGISTRY))
def test_every_result_page_reads_legibly(client: Client, slug: str) -> None:
    page = audit(client, result_url(slug))
    assert list(figures(page)), f"{slug}: no chart on its result page"


@pytest.mark.parametrize("slug", ["plurilateral", "price-floor", "stockpile"])
def test_the_sensitivity_page_reads_legibly(client: Client, slug: str) -> None:
    url = reverse("instruments:calculator_sensitivity", args=[slug])
    page = audit(client, url + "?steps=3")
    assert list(figures(page))


def test_saved_scenarios_and_their_comparisons_read_legibly(client: Client) -> None:
    example = dict(REGISTRY["price-floor"].example)
    floor = make_scenario(
        calculator="price-floor", title="Floor", inputs=example, is_public=True
    )
    higher = make_scenario(
        calculator="price-floor",
        title="Higher floor",
        inputs={**example, "reference_price": example["reference_price"] * 1.3},
        is_public=True,
    )
    subsidy = make_scenario(
        calculator="price-gap-subsidy",
        title="Subsidy",
        inputs=dict(REGISTRY["price-gap-subsidy"].example),
        is_public=True,
    )
    audit(client, reverse("instruments:scenario", args=[floor.pk]))
    compare = reverse("instruments:scenario_compare")
    assert list(figures(audit(client, f"{compare}?ids={floor.pk}&ids={higher.pk}")))
    instruments = reverse("instruments:instrument_compare")
    page = audit(client, f"{instruments}?ids={floor.pk}&ids={subsidy.pk}")
    assert list(figures(page))


def test_stored_data_pages_read_legibly(client: Client, seeded_db: Any) -> None:
    page = audit(client, reverse("instruments:commodity", args=["ndpr-oxide"]))
    assert list(figures(page))
    audit(client, reverse("instruments:project_pipeline"))


def test_hover_labels_follow_a_french_reader(client: Client) -> None:
    client.cookies["number_format"] = "fr"
    page = client.get(result_url("plurilateral")).content.decode()
    charts = dict(figures(page))
    welfare = charts["chart-welfare-data"]
    assert welfare["layout"]["separators"][0] == ","
    consumers = next(t for t in welfare["data"] if t["name"] == "Consumers")
    assert "%{customdata[0]} USD" in consumers["hovertemplate"]
    cell = consumers["customdata"][0][0]
    # "−171,7 M": the decimal comma, the figure scaled, a true minus
    assert re.fullmatch(r"−\d{1,3},\d M", cell), cell

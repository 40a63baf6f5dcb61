"""Provenance officials can cite: every stored series names its publisher, edition and
DOI, written by one function, on the pages, in the downloads, the PDF briefing and the
chart source lines; where a mirror was read stays in seeds/README.md."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from urllib.parse import urlencode

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from instruments.calculators import REGISTRY
from instruments.models import PriceSeries, SourceEdition, TradeFlow
from instruments.presentation.charts.prices import build_price_history_figure
from instruments.presentation.citations import Cited, format_citation
from instruments.selectors import get_price_history

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
MCS_2026 = (
    "U.S. Geological Survey, 2026, Mineral Commodity Summaries 2026 Data Release, "
    "doi:10.5066/P1WKQ63T"
)
PINK_SHEET = (
    "World Bank, 2026, Commodity Price Data (The Pink Sheet), "
    "June 2026 (updated 2 June 2026)"
)


# --- the one function ------------------------------------------------------------------


def test_a_citation_names_publisher_year_title_edition_doi_and_periods() -> None:
    older = Cited(
        "U.S. Geological Survey",
        2024,
        "Mineral Commodity Summaries 2024 Data Release",
        short_name="USGS MCS 2024",
        edition="ver. 2.0, March 2024",
        doi="10.5066/P144BA54",
        periods="2019–2020",
    )
    newer = Cited(
        "U.S. Geological Survey",
        2026,
        "Mineral Commodity Summaries 2026 Data Release",
        short_name="USGS MCS 2026",
        doi="10.5066/P1WKQ63T",
        periods="2021–2025",
    )
    assert format_citation([older, newer]) == (
        "U.S. Geological Survey, 2024, Mineral Commodity Summaries 2024 Data Release, "
        "ver. 2.0, March 2024, doi:10.5066/P144BA54 (2019–2020); "
        f"{MCS_2026} (2021–2025)"
    )
    assert format_citation([older, newer], short=True) == (
        "USGS MCS 2024, doi:10.5066/P144BA54 (2019–2020); "
        "USGS MCS 2026, doi:10.5066/P1WKQ63T (2021–2025)"
    )
    assert format_citation([], source="A steward's source") == "A steward's source"


@pytest.mark.django_db
def test_a_doi_is_stored_without_its_prefix() -> None:
    edition = SourceEdition(
        code="x", publisher="P", year=2026, title="T", short_name="T", doi="doi:10.1/x"
    )
    with pytest.raises(ValidationError, match=r"10\.5066/P1WKQ63T"):
        edition.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        edition.save()


# --- the seeds -------------------------------------------------------------------------


def test_no_seed_file_says_where_a_mirror_was_read() -> None:
    """Mirrors (the copies actually read) are documented in seeds/README.md only."""
    for path in SEEDS.glob("*.csv"):
        text = path.read_text(encoding="utf-8").lower()
        assert "copy read" not in text, path.name
        assert "github" not in text, path.name
    readme = (SEEDS / "README.md").read_text(encoding="utf-8")
    for commit in ("0bf9716047815eba8198e8f0f9cdbd2d2526935e", "25b23690c9a835a6"):
        assert commit in readme


def test_editions_are_the_ones_the_shared_sources_state() -> None:
    shared = Path("/work/shared/data/SOURCES.md")
    rows = list(csv.DictReader((SEEDS / "source_editions.csv").open(encoding="utf-8")))
    assert {r["doi"] for r in rows} == {
        "",
        "10.5066/P1WKQ63T",
        "10.5066/P144BA54",
        "10.5066/P9WCYUI6",
        "10.5066/P13XCP3R",  # MCS 2025: world production, 2023
    }
    if shared.exists():  # the DOIs are copied, not invented
        text = shared.read_text(encoding="utf-8")
        for row in rows:
            if row["doi"]:
                assert f"doi:{row['doi']}" in text


@pytest.mark.usefixtures("seeded_db")
def test_every_seeded_series_cites_its_editions() -> None:
    series = PriceSeries.objects.prefetch_related("edition_links__edition")
    assert all(s.edition_links.exists() for s in series)
    assert series.get(code="nickel-lme-monthly-wb").citation == PINK_SHEET
    assert series.get(code="ndpr-oxide-argus-fob-annual-usgs").citation == MCS_2026
    two = series.get(code="neodymium-oxide-argus-fob-annual-usgs")
    assert two.citation == (
        "U.S. Geological Survey, 2024, Mineral Commodity Summaries 2024 Data Release, "
        "ver. 2.0, March 2024, doi:10.5066/P144BA54 (2019–2020); "
        f"{MCS_2026} (2021–2025)"
    )
    assert two.short_citation.startswith("USGS MCS 2024, doi:10.5066/P144BA54")
    assert not TradeFlow.objects.filter(source__icontains="copy read").exists()


# --- where officials read it -------------------------------------------------------------


@pytest.mark.usefixtures("seeded_db")
def test_the_commodity_page_and_its_chart_cite_the_edition(client: Client) -> None:
    html = client.get(reverse("instruments:commodity", args=["ndpr-oxide"])).content
    text = html.decode()
    assert f"<dd data-citation>{MCS_2026}</dd>" in text
    assert f"Source: {MCS_2026}. Licence:" in text
    figure = build_price_history_figure(get_price_history("ndpr-oxide"))
    note = figure["layout"]["annotations"][0]["text"]
    assert note == "Source: USGS MCS 2026, doi:10.5066/P1WKQ63T"


SLUG = "price-gap-subsidy"


def _stored_floor() -> dict:
    """The subsidy's example on the stored NdPr oxide prices (USGS MCS 2026)."""
    example = dict(REGISTRY[SLUG].example)
    example.pop("periods", None)
    example.pop(REGISTRY[SLUG].price_field or "", None)
    return {**example, "commodity": "ndpr-oxide"}


@pytest.mark.usefixtures("seeded_db")
def test_a_result_on_stored_prices_cites_them_on_the_page_and_downloads(
    client: Client,
) -> None:
    from instruments.web.form_data import inputs_to_form_data

    data = inputs_to_form_data(REGISTRY[SLUG], _stored_floor())
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    page = client.post(reverse("instruments:calculator", args=[SLUG]), data)
    assert page.context["form"].errors == {}
    text = page.content.decode()
    assert f"<span data-citation>{MCS_2026}</span>" in text
    assert '<p class="chart-source help">Source: Prices: ' in text
    assert MCS_2026 in page.context["chart_source"]

    api = f"/api/v1/calculators/{SLUG}/"
    body = json.dumps(_stored_floor())
    csv_rows = list(
        csv.DictReader(
            io.StringIO(
                client.post(
                    f"{api}?format=csv", body, content_type="application/json"
                ).content.decode()
            )
        )
    )
    assert csv_rows
    assert all(MCS_2026 in row["source"] for row in csv_rows)
    workbook = openpyxl.load_workbook(
        io.BytesIO(
            client.post(
                f"{api}?format=xlsx", body, content_type="application/json"
            ).content
        )
    )
    lines = [r[0] for r in workbook["Sources"].iter_rows(min_row=2, values_only=True)]
    assert any(MCS_2026 in line and "Licence:" in line for line in lines)
    payload = client.post(api, body, content_type="application/json").json()
    assert payload["inputs"]["stored_prices"]["citation"] == MCS_2026


@pytest.mark.usefixtures("seeded_db")
def test_the_briefing_cites_the_edition_in_its_sources(client: Client) -> None:
    url = reverse("instruments:calculator_briefing", args=[SLUG])
    response = client.get(f"{url}?{urlencode({'inputs': json.dumps(_stored_floor())})}")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    assert "doi:10.5066/P1WKQ63T" in text
    assert "Mineral Commodity Summaries 2026 Data Release" in text


@pytest.mark.usefixtures("seeded_db")
def test_reference_downloads_cite_the_series(client: Client) -> None:
    series = list(
        csv.DictReader(
            io.StringIO(
                client.get(
                    "/api/v1/series/?format=csv&commodity=nickel"
                ).content.decode()
            )
        )
    )
    wb = next(row for row in series if row["code"] == "nickel-lme-monthly-wb")
    assert wb["citation"] == PINK_SHEET
    prices = list(
        csv.DictReader(
            io.StringIO(
                client.get(
                    "/api/v1/commodities/nickel/prices/"
                    "?series=nickel-lme-monthly-wb&format=csv"
                ).content.decode()
            )
        )
    )
    assert prices[0]["source"].startswith(PINK_SHEET + ". Licence: CC BY 4.0")
    about = client.get(
        "/api/v1/commodities/nickel/prices/?series=nickel-lme-monthly-wb"
    ).json()
    assert about["citation"] == PINK_SHEET

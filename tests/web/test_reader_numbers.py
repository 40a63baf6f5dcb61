"""Figures on the pages are written in the reader's number format (the one they
type in); the API keeps its dot-decimal JSON."""

from __future__ import annotations

import pytest
from django.test import Client

from instruments.calculators import REGISTRY
from instruments.calculators.numbers import NumberFormat
from instruments.presentation.numbers import format_headline, number_format_in_use
from instruments.services.calculation import run_calculation
from tests.factories import make_scenario

pytestmark = pytest.mark.django_db

GERMAN = NumberFormat(decimal=",", thousands=".", name="German", code="de")


def test_a_german_reader_reads_figures_in_the_german_format(client: Client) -> None:
    example = dict(REGISTRY["price-floor"].example)
    summary = run_calculation(slug="price-floor", data=example).result.summary
    with number_format_in_use(GERMAN):
        expected = format_headline(summary["revenue_total"])
    english = format_headline(summary["revenue_total"])
    assert expected != english
    scenario = make_scenario(
        calculator="price-floor", title="Floor", inputs=example, is_public=True
    )
    client.cookies["number_format"] = "de"
    html = client.get(f"/scenarios/{scenario.pk}/").content.decode()
    assert expected in html
    client.cookies["number_format"] = "en"
    html = client.get(f"/scenarios/{scenario.pk}/").content.decode()
    assert english in html


def test_the_api_keeps_dot_decimals(client: Client) -> None:
    client.cookies["number_format"] = "de"
    response = client.post(
        "/api/v1/calculators/price-floor/",
        REGISTRY["price-floor"].example,
        content_type="application/json",
    )
    assert isinstance(response.json()["summary"]["revenue_total"], float)

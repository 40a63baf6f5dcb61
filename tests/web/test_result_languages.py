"""Probe."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from instruments.calculators import REGISTRY
from instruments.web.form_data import inputs_to_form_data
from instruments.web.number_formats import number_format_of

pytestmark = pytest.mark.django_db


def run_page(slug: str, language: str) -> Any:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    calculator = REGISTRY[slug]
    typed = inputs_to_form_data(
        calculator, calculator.example, number_format=number_format_of(language)
    )
    typed = {k: ("on" if v is True else v) for k, v in typed.items() if v is not False}
    return client.post(reverse("instruments:calculator", args=[slug]), typed)


def chart_texts(figure: Any) -> list[str]:
    out: list[str] = []
    def walk(node: Any, key: str = "") -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if k in ("x", "y", "z", "customdata", "hovertemplate", "marker", "line", "colorscale"):
                    continue
                walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif isinstance(node, str) and key in ("text", "name", "title", "legendgrouptitle"):
            out.append(node)
    walk(figure)
    return out


@pytest.mark.parametrize("slug", sorted(REGISTRY))
def test_probe(seeded_db, slug):
    r = run_page(slug, "ja")
    c = r.context
    lines = [f"### {slug}"]
    lines += [f"H {i.label} | {i.display} | {i.unit}" for i in c["headline"]]
    lines += [f"M {i.label} | {i.display}" for i in c["other_summary"]]
    lines += [f"S {s}" for s in c["sentences"]]
    lines += [f"C {ch.label}: {ch.value}" for ch in c["carried_over"]]
    lines += [f"SRC {c['chart_source']}"]
    w = c["calculation"].result.summary.get("warnings")
    lines += [f"W {w}"]
    for f in c["figures"]:
        lines += [f"FT {f['title']} / {f.get('description')}"]
        lines += [f"F  {t}" for t in chart_texts(f["figure"])]
    for t in c["tables"]:
        lines += [f"T {t['title']} {t['headings']}"]
    with open("/tmp/i18n-results/probe.txt", "a") as fh:
        fh.write("\n".join(lines) + "\n")

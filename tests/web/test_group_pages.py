"""The partner-group pages: every group with its size, and who is in each one."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _text(html: bytes) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.decode()))


def test_the_list_shows_each_group_with_its_countries_and_subgroups(
    client: Client, seeded_db
):
    response = client.get("/groups/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/groups/msp/"' in html
    assert 'href="/groups/eu-27/"' in html
    msp_row = next(row for row in html.split("<tr>") if 'href="/groups/msp/"' in row)
    # 14 direct members and the EU-27's 27, of which 6 overlap
    assert "<td>35</td>" in msp_row
    assert "European Union (EU-27)" in msp_row
    assert 'aria-current="page"' in html  # the navigation marks where we are


def test_the_msp_page_lists_the_netherlands_through_the_eu_27(
    client: Client, seeded_db
):
    response = client.get("/groups/msp/")

    assert response.status_code == 200
    text = _text(response.content)
    assert "Minerals Security Partnership" in text
    assert re.search(r"NLD Netherlands through European Union \(EU-27\)", text)
    assert re.search(r"USA United States directly", text)
    assert "member_group=msp" in text
    assert "ISO3 codes and group codes" in text
    assert "Source" in text


def test_an_unknown_group_is_a_404(client: Client, seeded_db):
    assert client.get("/groups/no-such-group/").status_code == 404


def test_the_navigation_links_the_groups(client: Client, db):
    assert 'href="/groups/"' in client.get("/groups/").content.decode()
    assert 'href="/groups/"' in client.get("/").content.decode()

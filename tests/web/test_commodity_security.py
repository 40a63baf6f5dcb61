"""The commodity page lists the export controls in force on the commodity and the
stocks declared on it, with their sources; a steward's edit or import shows at once
(the page is cached under the versions of the tables it shows)."""

from __future__ import annotations

import re

from django.test import Client

from instruments.models import DeclaredStockpile, ExportControl
from instruments.services.imports.registers import ExportControlResource
from instruments.services.security_data import import_register

COMMODITY = "/commodities/ndpr-oxide/"


def _table(html: str, table_id: str) -> list[list[str]]:
    body = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    body = body.split("<tbody>", 1)[1]
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td>(.*?)</td>", row)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body)
    ]


def test_the_page_shows_controls_in_force_with_source(seeded_db):
    html = Client().get(COMMODITY).content.decode()
    rows = _table(html, "export-controls")
    countries = {row[0] for row in rows}
    assert "China (CHN)" in countries
    assert "Malaysia (MYS)" not in countries  # raw rare earths: the concentrate's page
    china = next(row for row in rows if row[0] == "China (CHN)")
    assert china[1] == "Rare earths"
    assert china[2] == "Export licensing requirement for materials and technologies"
    assert china[3] == "2025"
    assert "doi:10.5066/P1WKQ63T" in china[5]
    assert "Excludes past export controls that have been lifted" in html
    assert "/api/v1/export-controls/?commodity=ndpr-oxide&amp;format=csv" in html


def test_the_page_shows_declared_stocks(seeded_db):
    html = Client().get(COMMODITY).content.decode()
    rows = _table(html, "declared-stockpiles")
    assert [row[0] for row in rows] == ["Japan (JPN)"]
    assert rows[0][3] == "target"
    assert rows[0][4] == "60 days of consumption"
    assert "International Energy Agency" in rows[0][6]


def test_a_page_without_controls_or_stocks_has_no_such_section(seeded_db):
    html = Client().get("/commodities/lithium-carbonate/").content.decode()
    assert 'id="export-controls"' not in html
    assert 'id="declared-stockpiles"' not in html


def test_an_edit_or_an_import_shows_at_once(seeded_db):
    Client().get(COMMODITY)  # now in the shared cache
    control = ExportControl.objects.get(country__iso3="CHN", material="Rare earths")
    control.in_force_until = "2020-01-01"
    control.in_force_from = "2019-01-01"
    control.save()
    html = Client().get(COMMODITY).content.decode()
    assert "China (CHN)" not in html.split('id="declared-stockpiles"')[0]
    import_register(
        ExportControlResource,
        data=[
            {
                "country": "MYS",
                "material": "Separated rare-earth oxides",
                "commodities": "ndpr-oxide",
                "measure": "Export ban",
                "year": "2026",
                "source": "A steward's test source",
            }
        ],
        raise_on_error=True,
    )
    assert "A steward&#x27;s test source" in Client().get(COMMODITY).content.decode()
    stock = DeclaredStockpile.objects.get(country__iso3="JPN", kind="target")
    stock.illustrative = True
    stock.save()
    assert "(illustrative)" in Client().get(COMMODITY).content.decode()

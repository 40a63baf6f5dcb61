"""The stewards' import error report in the reader's language: each row's message
from our resources (and import-export's own words) in French or Japanese."""

from __future__ import annotations

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

pytestmark = pytest.mark.django_db

PRICES_IMPORT = "admin:instruments_priceobservation_import"
BAD_FILE = (
    "series,period,price\n"
    "nickel-test-monthly,2024-04,130\n"  # row 2
    "nickel-test-monthly,2024-05,-1\n"  # row 3
    "nickel-test-monthly,2024-13,abc\n"  # row 4
    "cobalt,2024-06,10\n"  # row 5
)


def upload(client, text: str, language: str):
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    html = client.get(reverse(PRICES_IMPORT), **headers).content.decode()
    match = re.search(r'<option value="(\d+)"[^>]*>\s*csv\s*</option>', html, re.I)
    assert match, "CSV is not offered"
    return client.post(
        reverse(PRICES_IMPORT),
        {
            "format": match.group(1),
            "import_file": SimpleUploadedFile("prices.csv", text.encode(), "text/csv"),
            "resource": "0",
        },
        **headers,
    )


def error_rows(page: str) -> list[list[str]]:
    body = page.split('id="import-errors"', 1)[1].split("</table>", 1)[0]
    return [
        [
            html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<td>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>", 1)[1], re.S)
    ]


@pytest.mark.parametrize(
    ("language", "negative", "unknown", "not_a_number"),
    [
        (
            "fr",
            "Le prix doit être positif ou nul (-1 donné).",
            "Série inconnue « cobalt ».",
            "« abc » n’est pas un nombre.",
        ),
        (
            "ja",
            "価格は 0 以上でなければなりません(-1 が指定されました)。",
            "不明な系列「cobalt」です。",
            "「abc」は数値ではありません。",
        ),
        (
            "en",
            "The price must be 0 or more (got -1).",
            "Unknown series 'cobalt'.",
            "'abc' is not a number.",
        ),
    ],
)
def test_the_import_error_report_is_in_the_language(
    client, steward, nickel_series, language, negative, unknown, not_a_number
):
    client.force_login(steward)
    response = upload(client, BAD_FILE, language)
    assert response.status_code == 200
    rows = error_rows(response.content.decode())
    by_cell = {(row[0], row[1]): row[2] for row in rows}
    assert by_cell[("3", "price")] == negative
    assert by_cell[("4", "price")] == not_a_number
    assert by_cell[("5", "series")] == unknown
    # The month 13 is refused in the same language as the rest.
    assert ("4", "period") in by_cell
    if language != "en":
        assert "is not" not in by_cell[("4", "period")], by_cell


@pytest.mark.parametrize(
    ("language", "heading", "columns", "template_link"),
    [
        (
            "fr",
            "Rien ne peut être importé : 4 erreurs",
            "Ligne",
            "Télécharger un modèle",
        ),
        ("ja", "インポートできません:エラー4件", "行", "テンプレートをダウンロード"),
        ("en", "Nothing can be imported: 4 errors", "Row", "Download a template"),
    ],
)
def test_the_import_page_around_the_errors_is_in_the_language(
    client, steward, nickel_series, language, heading, columns, template_link
):
    client.force_login(steward)
    page = html.unescape(upload(client, BAD_FILE, language).content.decode())
    assert heading in page
    assert f'<th scope="col">{columns}</th>' in page
    assert template_link in page
    if language != "en":
        assert "Correct the file and upload it again" not in page

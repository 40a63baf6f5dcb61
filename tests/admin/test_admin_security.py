"""The stewards' registers of export controls and declared stockpiles in the admin:
import with preview (all rows or none, every error in a table by spreadsheet row and
column), confirm with history, a template the import reads back, export."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from instruments.models import Commodity, DeclaredStockpile, ExportControl, Partner

pytestmark = pytest.mark.django_db

CONTROLS_IMPORT = "admin:instruments_exportcontrol_import"
CONTROLS_CONFIRM = "admin:instruments_exportcontrol_process_import"
STOCKS_IMPORT = "admin:instruments_declaredstockpile_import"
HEADER = "country,material,commodities,measure,year,source\n"


@pytest.fixture
def data(db):
    Partner.objects.create(iso3="CHN", iso2="CN", name="China")
    Partner.objects.create(iso3="JPN", iso2="JP", name="Japan")
    Commodity.objects.create(code="gallium", name="Gallium metal", stage="refined")
    Commodity.objects.create(code="germanium", name="Germanium metal", stage="refined")


def _upload(client, url_name, text):
    form = client.get(reverse(url_name)).content.decode()
    match = re.search(r'<option value="(\d+)"[^>]*>\s*csv\s*</option>', form, re.I)
    assert match, "CSV is not offered"
    return client.post(
        reverse(url_name),
        {
            "format": match.group(1),
            "import_file": SimpleUploadedFile("file.csv", text.encode(), "text/csv"),
            "resource": "0",
        },
    )


def _error_table(html: str) -> list[list[str]]:
    body = html.split('id="import-errors"', 1)[1].split("</table>", 1)[0]
    return [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>", 1)[1])
    ]


def test_a_valid_file_previews_then_lands_with_links_and_history(client, steward, data):
    client.force_login(steward)
    preview = _upload(
        client,
        CONTROLS_IMPORT,
        HEADER + "CHN,Gallium,gallium,Export licensing requirement for materials and "
        "technologies,2023,USGS MCS 2026\n"
        'CHN,Germanium,"germanium gallium",export_licensing_technologies,2023,USGS\n',
    )
    assert preview.status_code == 200
    assert ExportControl.objects.count() == 0  # the preview is a dry run
    confirm = preview.context["confirm_form"]
    done = client.post(reverse(CONTROLS_CONFIRM), confirm.initial)
    assert done.status_code == 302
    germanium = ExportControl.objects.get(material="Germanium")
    assert sorted(germanium.commodities.values_list("code", flat=True)) == [
        "gallium",
        "germanium",
    ]
    record = germanium.history.first()
    assert record.history_user == steward
    assert record.history_type == "+"


def test_one_bad_row_writes_nothing_and_every_error_is_in_the_table(
    client, steward, data
):
    client.force_login(steward)
    response = _upload(
        client,
        CONTROLS_IMPORT,
        HEADER + "CHN,Gallium,gallium,Export ban,2023,USGS\n"  # row 2: fine
        "XXX,Germanium,germanium,Export ban,2023,USGS\n"  # row 3
        "CHN,Indium,indium,export tax,2023,USGS\n",  # row 4
    )
    assert not response.context.get("confirm_form")
    rows = _error_table(response.content.decode())
    assert [(row[0], row[1]) for row in rows] == [
        ("3", "country"),
        ("4", "commodities"),
        ("4", "measure"),
    ]
    assert "Unknown commodity code(s): indium" in rows[1][2]
    assert ExportControl.objects.count() == 0


def test_a_stockpile_in_tonnes_and_days_is_refused(client, steward, data):
    client.force_login(steward)
    response = _upload(
        client,
        STOCKS_IMPORT,
        "country,holder,material,commodities,kind,quantity_t,days,as_of,source\n"
        "JPN,JOGMEC,Rare metals,gallium,target,,60,2023-10-26,IEA\n"
        "JPN,JOGMEC,Gallium,gallium,holding,5,30,2023-10-26,IEA\n"
        "JPN,JOGMEC,Germanium,germanium,holding,-1,,26/10/2023,IEA\n",
    )
    rows = _error_table(response.content.decode())
    assert [(row[0], row[1]) for row in rows] == [
        ("3", "days"),
        ("4", "as_of"),
        ("4", "quantity_t"),
    ]
    assert DeclaredStockpile.objects.count() == 0


def test_the_template_and_the_export_are_read_back_unchanged(client, steward, data):
    client.force_login(steward)
    text = HEADER + "CHN,Gallium,gallium,Export ban,2023,USGS\n"
    preview = _upload(client, CONTROLS_IMPORT, text)
    client.post(reverse(CONTROLS_CONFIRM), preview.context["confirm_form"].initial)
    page = client.get(reverse(CONTROLS_IMPORT)).content.decode()
    url = reverse("admin:instruments_exportcontrol_import_template")
    assert f'href="{url}"' in page
    template = client.get(url)
    assert template["Content-Type"] == "text/csv"
    lines = template.content.decode()
    assert next(csv.DictReader(io.StringIO(lines)))["measure"] == "export_ban"
    again = _upload(client, CONTROLS_IMPORT, lines)
    result = again.context["result"]
    assert not result.has_errors()
    assert not result.has_validation_errors()
    assert result.totals["skip"] == 1


def test_an_official_may_neither_import_nor_see_the_register(
    client, django_user_model, data
):
    user = django_user_model.objects.create_user(username="official", is_staff=True)
    client.force_login(user)
    assert client.get(reverse(CONTROLS_IMPORT)).status_code == 403
    url = reverse("admin:instruments_declaredstockpile_import_template")
    assert client.get(url).status_code == 403

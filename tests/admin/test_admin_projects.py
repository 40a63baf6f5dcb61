"""The project register's admin: stewards list, edit and import (a good file is
previewed and confirmed; a bad one writes nothing and lists its rows and columns),
export, and download a template the import reads."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from instruments.models import Project
from instruments.services.imports.projects import import_projects
from tests.factories import make_ndpr_annual, make_partner

pytestmark = pytest.mark.django_db

IMPORT = "admin:instruments_project_import"
HEADER = (
    "slug,name,stage,country,commodity,capacity,capex,construction_years,"
    "life_years,unit_opex,price_unit\n"
)
GOOD = "ndpr-aus,NdPr plant (illustrative),refinery,AUS,ndpr-oxide,5000,2e8 3e8,2,20,40,USD/kg\n"


@pytest.fixture
def refs(db):
    make_ndpr_annual()
    make_partner(iso3="AUS", name="Australia")


def _format_id(client) -> str:
    html = client.get(reverse(IMPORT)).content.decode()
    match = re.search(r'<option value="(\d+)"[^>]*>\s*csv\s*</option>', html, re.I)
    assert match, "CSV is not offered"
    return match.group(1)


def _upload(client, text: str):
    return client.post(
        reverse(IMPORT),
        {
            "format": _format_id(client),
            "import_file": SimpleUploadedFile("p.csv", text.encode(), "text/csv"),
            "resource": "0",
        },
    )


def _confirm(client, preview):
    form = preview.context["confirm_form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    data.update({k: v for k, v in form.initial.items() if v is not None})
    return client.post(reverse("admin:instruments_project_process_import"), data)


def test_a_good_file_is_previewed_then_written(client, steward, refs):
    client.force_login(steward)
    preview = _upload(client, HEADER + GOOD)
    assert preview.status_code == 200
    assert preview.context["confirm_form"] is not None
    assert not Project.objects.exists()  # a preview writes nothing
    done = _confirm(client, preview)
    assert done.status_code == 302
    project = Project.objects.get(slug="ndpr-aus")
    assert project.capex == [200_000_000, 300_000_000]
    assert project.history.first().history_user == steward


def test_a_bad_file_lists_rows_and_columns_and_writes_nothing(client, steward, refs):
    client.force_login(steward)
    bad = "bad,Bad,smelter,XXX,ndpr-oxide,-5,1 2 3,2,20,40,USD/kg\n"
    response = _upload(client, HEADER + GOOD + bad)
    assert response.status_code == 200
    assert not response.context.get("confirm_form")
    html = response.content.decode()
    body = html.split('id="import-errors"', 1)[1].split("</table>", 1)[0]
    cells = [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", r)]
        for r in re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>", 1)[1])
    ]
    found = {(row[0], row[1]) for row in cells}
    assert {
        ("3", "stage"),
        ("3", "country"),
        ("3", "capacity"),
        ("3", "capex"),
    } <= found
    assert not Project.objects.exists()


def test_the_template_is_a_stored_project_that_imports_unchanged(client, steward, refs):
    import_projects(
        data=[
            dict(zip(HEADER.strip().split(","), GOOD.strip().split(","), strict=True))
        ]
    )
    client.force_login(steward)
    response = client.get(reverse("admin:instruments_project_import_template"))
    assert response.status_code == 200
    assert "ndpr-aus" in response.content.decode()
    preview = _upload(client, response.content.decode())
    assert preview.context["result"].totals["skip"] == 1


def test_stewards_list_search_edit_and_export(client, steward, refs):
    import_projects(
        data=[
            dict(zip(HEADER.strip().split(","), GOOD.strip().split(","), strict=True))
        ]
    )
    client.force_login(steward)
    listing = client.get(reverse("admin:instruments_project_changelist") + "?q=ndpr")
    assert listing.status_code == 200
    assert "NdPr plant (illustrative)" in listing.content.decode()
    project = Project.objects.get()
    page = client.get(reverse("admin:instruments_project_change", args=[project.pk]))
    assert page.status_code == 200
    export = client.post(
        reverse("admin:instruments_project_export"),
        {
            "format": "0",
            "resource": "0",
            **{f"projectresource_{f}": "on" for f in ("slug", "capex")},
        },
    )
    assert export.status_code == 200
    assert export["Content-Type"].startswith("text/csv"), export.content[:300]
    assert "ndpr-aus" in export.content.decode()


def test_an_official_cannot_import(client, django_user_model, refs):
    user = django_user_model.objects.create_user(username="official", is_staff=True)
    client.force_login(user)
    assert (
        client.get(reverse("admin:instruments_project_import_template")).status_code
        == 403
    )

"""The stewards' "Import a published file" page: upload, preview (a dry run), confirm."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _workbook(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Monthly Prices"
    for row in (["title"], ["title"], ["title"], ["title"], [None, "Nickel"]):
        sheet.append(row)
    sheet.append([None, "($/mt)"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_published_file_page_previews_then_confirms(client, steward, nickel_series):
    nickel_series.code = "nickel-lme-monthly-wb"
    nickel_series.save()
    data = _workbook([["2024M04", 130]])
    url = reverse("admin:instruments_priceobservation_import_published")
    client.force_login(steward)
    assert client.get(url).status_code == 200
    preview = client.post(
        url,
        {
            "kind": "pink-sheet",
            "file": SimpleUploadedFile("CMO-Historical-Data-Monthly.xlsx", data),
        },
    )
    assert preview.status_code == 200
    assert nickel_series.observations.count() == 3  # a dry run
    assert "token" in preview.context, preview.context["result"].report.errors
    token = preview.context["token"]
    done = client.post(url, {"token": token})
    assert done.status_code == 302
    assert nickel_series.observations.count() == 4
    replay = client.post(url, {"token": token})  # the file was used once
    assert replay.status_code == 302
    assert nickel_series.observations.count() == 4


def test_errors_are_listed_by_spreadsheet_row_and_no_confirm(
    client, steward, nickel_series
):
    nickel_series.code = "nickel-lme-monthly-wb"
    nickel_series.save()
    client.force_login(steward)
    url = reverse("admin:instruments_priceobservation_import_published")
    response = client.post(
        url,
        {
            "kind": "pink-sheet",
            "file": SimpleUploadedFile("CMO.xlsx", _workbook([["2024M04", "x"]])),
        },
    )
    assert response.status_code == 200
    assert "token" not in response.context
    html = response.content.decode()
    assert 'id="published-errors"' in html
    assert "<td>7</td>" in html
    assert nickel_series.observations.count() == 3


def test_an_official_without_permissions_cannot_open_it(client, django_user_model):
    user = django_user_model.objects.create_user(username="official", is_staff=True)
    client.force_login(user)
    url = reverse("admin:instruments_tradeflow_import_published")
    assert client.get(url).status_code == 403


def test_a_large_confirmed_import_runs_as_a_job_owned_by_the_steward(
    client, steward, nickel_series, settings, monkeypatch
):
    """Issue #14: a file above IMPORT_SYNC_MAX_BYTES is imported by a worker (here the
    worker's code, run at dispatch); the file travels in the job, the steward follows
    it on the job page, and the import is written as the steward."""
    from instruments.models import Job
    from instruments.services import jobs

    dispatched = []

    def worker(job):
        dispatched.append(job.pk)
        jobs.run_job(job.pk)

    monkeypatch.setattr(jobs, "dispatch", worker)
    settings.IMPORT_SYNC_MAX_BYTES = 100
    nickel_series.code = "nickel-lme-monthly-wb"
    nickel_series.save()
    data = _workbook([["2024M04", 130], ["2024M05", 131]])
    url = reverse("admin:instruments_priceobservation_import_published")
    client.force_login(steward)
    preview = client.post(
        url,
        {
            "kind": "pink-sheet",
            "file": SimpleUploadedFile("CMO-Historical-Data-Monthly.xlsx", data),
        },
    )
    assert nickel_series.observations.count() == 3
    done = client.post(url, {"token": preview.context["token"]})
    assert done.status_code == 302
    job = Job.objects.get()
    assert done["Location"] == reverse("instruments:job", args=[job.pk])
    assert dispatched == [job.pk]
    assert (job.kind, job.state, job.owner) == ("import", "succeeded", steward)
    assert nickel_series.observations.count() == 5
    assert job.result["rows"][0]["new"] == 2
    page = client.get(done["Location"])
    assert page.status_code == 200
    assert "import of a published file" in page.content.decode().lower()
    # Another user does not see the steward's job.
    client.logout()
    assert client.get(done["Location"]).status_code == 404


def test_an_import_job_whose_rows_went_bad_writes_nothing_and_says_why(
    steward, nickel_series
):
    from instruments.models import JobState
    from instruments.services import jobs

    job = jobs.submit_import(
        kind="pink-sheet",
        file=b"not a workbook",
        file_name="bad.xlsx",
        country_codes=None,
        hs_revision=None,
        owner=steward,
    )
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert "not an .xlsx workbook" in " ".join(job.error["file"])
    assert nickel_series.observations.count() == 3

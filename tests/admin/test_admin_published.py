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
    """A file above IMPORT_SYNC_MAX_BYTES is imported by a worker (here the
    worker's code, run at dispatch); the file travels in the job, the steward follows
    it on the job page, and the import is written as the steward."""
    from instruments.models import Job
    from instruments.services import jobs

    dispatched = []

    def worker(*, job):
        dispatched.append(job.pk)
        jobs.run_job(job_id=job.pk)

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


def test_a_steward_refreshes_prices_from_the_world_bank_workbook_in_the_admin(
    client, steward, seeded_db
):
    """Issue 10's 'done when': through the admin pages only, with the workbook as the
    World Bank publishes it (a Description sheet first, four title rows, names, units,
    YYYYMmm periods), a revised month is updated, a new month added, everything else
    left alone; the calculators read the new price; the same file again changes
    nothing."""
    from django.urls import reverse as url_for

    from instruments import selectors
    from instruments.models import PriceObservation
    from instruments.services.calculation import run_calculation
    from tests.services.test_publishers import _pink_sheet

    client.force_login(steward)
    changelist = client.get(url_for("admin:instruments_priceobservation_changelist"))
    assert changelist.status_code == 200
    url = url_for("admin:instruments_priceobservation_import_published")
    assert url in changelist.content.decode()  # the steward finds the import there

    before = PriceObservation.objects.count()
    data = _pink_sheet(
        [
            # Crude oil, Aluminum, Nickel, Gold: 2026M05 nickel revised, 2026M06 new.
            ["2026M05", 70.1, 2600.5, 18900.0, 3300],
            ["2026M06", 71.2, 2610.0, 19000.5, 3350],
        ]
    )
    upload = SimpleUploadedFile("CMO-Historical-Data-Monthly.xlsx", data)
    preview = client.post(url, {"kind": "pink-sheet", "file": upload})
    assert preview.status_code == 200
    report = preview.context["result"].report
    assert report.ok, report.errors
    assert (report.new, report.updated) == (3, 3)  # aluminium, nickel and gold
    assert 'id="published-preview"' in preview.content.decode()
    assert PriceObservation.objects.count() == before  # a preview writes nothing

    done = client.post(url, {"token": preview.context["token"]})
    assert done.status_code == 302
    assert PriceObservation.objects.count() == before + 3
    history = selectors.get_price_history("nickel", series="nickel-lme-monthly-wb")
    assert history.prices["2026-05"] == pytest.approx(18900.0)
    assert history.prices["2026-06"] == pytest.approx(19000.5)
    assert history.prices["2026-04"] == pytest.approx(17961.6)  # untouched
    floor = run_calculation(
        slug="price-floor",
        data={
            "commodity": "nickel",
            "series": "nickel-lme-monthly-wb",
            "start": "2026-06",
            "end": "2026-06",
            "reference_price": 20000,
            "price_unit": "USD/t",
            "quantity_unit": "t",
            "flows": [{"origin": "CHN", "quantity": 10}],
        },
    )
    assert floor.result.rows["levy"].iloc[0] == pytest.approx(20000 - 19000.5)

    again = client.post(
        url,
        {
            "kind": "pink-sheet",
            "file": SimpleUploadedFile("CMO-Historical-Data-Monthly.xlsx", data),
        },
    )
    report = again.context["result"].report
    assert (report.new, report.updated) == (0, 0)

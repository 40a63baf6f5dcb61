"""Long exports as jobs. ``POST /api/v1/jobs/ {"export": <a data
list's address>}`` gives every row of the list through the job's result, the same
rows and columns as the list's own CSV; a bad address, bad filters or too many rows
are a 400 at once."""

from __future__ import annotations

import csv
import io

import pytest
from rest_framework.test import APIClient

from instruments.api import exports
from instruments.models import Job, Partner, PriceObservation
from instruments.services import jobs
from tests.factories import make_ndpr_annual, make_nickel_monthly, make_partner

pytestmark = pytest.mark.django_db


def same_cell(a: str, b: str) -> bool:
    """Equal text, or equal numbers (110.5 and the list's 110.500000)."""
    try:
        return a == b or float(a) == float(b)
    except ValueError:
        return False


def submit(client: APIClient, address: str) -> tuple[int, dict]:
    response = client.post("/api/v1/jobs/", {"export": address}, format="json")
    return response.status_code, response.json()


def test_an_export_job_gives_every_row_as_the_list_would() -> None:
    make_ndpr_annual()
    make_nickel_monthly()
    client = APIClient()
    address = "/api/v1/observations/?series=ndpr-annual"
    status, job = submit(client, f"{address}&format=csv&limit=1")
    assert status == 202, job
    assert (job["kind"], job["state"], job["size"]) == ("export", "succeeded", 3)
    from_job = list(
        csv.reader(io.StringIO(client.get(job["result"]["csv"]).content.decode()))
    )
    direct = list(
        csv.reader(io.StringIO(client.get(f"{address}&format=csv").content.decode()))
    )
    assert from_job[0] == direct[0]  # the list's columns
    assert len(from_job) == len(direct) == 4
    for mine, theirs in zip(from_job[1:], direct[1:], strict=True):
        assert [same_cell(a, b) for a, b in zip(mine, theirs, strict=True)] == [
            True
        ] * len(mine)
    xlsx = client.get(job["result"]["xlsx"])
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"
    everything = submit(client, "/api/v1/observations/")[1]
    assert everything["size"] == PriceObservation.objects.count()


def test_an_export_reports_progress_chunk_by_chunk(monkeypatch) -> None:
    seen: list[float] = []
    monkeypatch.setattr(jobs, "_progress_reporter", lambda job_id: seen.append)
    monkeypatch.setattr(exports, "CHUNK", 2)
    Partner.objects.all().delete()
    for code in ("AAA", "BBB", "CCC", "DDD", "EEE"):
        make_partner(iso3=code)
    status, job = submit(APIClient(), "/api/v1/partners/")
    assert status == 202, job
    assert seen == pytest.approx([0.4, 0.8, 1.0])
    rows = APIClient().get(job["result"]["json"]).json()
    assert [r["iso3"] for r in rows] == ["AAA", "BBB", "CCC", "DDD", "EEE"]


@pytest.mark.parametrize(
    ("address", "words"),
    [
        ("/nowhere/", "not an address of this API"),
        ("/api/v1/calculators/", "not a data list"),
        ("/api/v1/partners/AUS/", "not a data list"),
        ("", "Give the address of a list"),
        ("/api/v1/trade-flows/?year=soon", "filters"),
    ],
)
def test_a_bad_export_is_a_400_at_once(address: str, words: str) -> None:
    status, body = submit(APIClient(), address)
    assert status == 400
    assert words in " ".join(body["export"])
    assert not Job.objects.exists()


def test_an_export_longer_than_the_cap_is_refused(settings) -> None:
    make_ndpr_annual()
    settings.EXPORT_JOB_MAX_ROWS = 2
    status, body = submit(APIClient(), "/api/v1/observations/")
    assert status == 400
    assert "at most 2" in " ".join(body["export"])


def test_the_job_page_of_an_export_says_what_it_exports(client) -> None:
    make_ndpr_annual()
    _, job = submit(APIClient(), "/api/v1/observations/?series=ndpr-annual")
    page = client.get(job["page"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "/api/v1/observations/?series=ndpr-annual" in html
    assert "3 rows" in html
    assert "format=csv" in html

"""Jobs run in the request when no broker is set (the demo), with the same code a
worker runs: 202 and a job resource, progress, result as JSON/CSV/XLSX, errors as 400
bodies, ownership; batches over a grid; the versioned result cache."""

from __future__ import annotations

import copy
import csv
import io
from pathlib import Path

import openpyxl
import pytest
from rest_framework.test import APIClient

from instruments.calculators import REGISTRY
from instruments.models import Job, JobKind, JobState, PriceObservation
from instruments.services import accounts, calculation, data_versions, jobs

pytestmark = pytest.mark.django_db

FLOOR = "price-floor"


def floor_example() -> dict:
    return copy.deepcopy(dict(REGISTRY[FLOOR].example))


def grid_of_200() -> dict:
    return {
        "reference_price": [90 + i for i in range(20)],
        "levy_cap_ad_valorem": [0.05 * k for k in range(1, 11)],
    }


def test_a_grid_of_200_price_floors_is_one_csv_through_a_job():
    client = APIClient()
    response = client.post(
        "/api/v1/jobs/",
        {"calculator": FLOOR, "base": floor_example(), "grid": grid_of_200()},
        format="json",
    )
    assert response.status_code == 202, response.content
    job = response.json()
    assert response["Location"] == job["url"]
    assert job["state"] == "succeeded"  # no broker: ran in the request
    assert job["progress"] == 100
    assert job["size"] == 200
    body = client.get(job["result"]["csv"]).content.decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == 200
    headline = REGISTRY[FLOOR].headline_keys
    assert list(rows[0])[:3] == ["index", "reference_price", "levy_cap_ad_valorem"]
    assert set(headline) <= set(rows[0])
    # Each row is the calculation it names.
    one = floor_example() | {"reference_price": 95, "levy_cap_ad_valorem": 0.25}
    expected = REGISTRY[FLOOR].run(one).summary
    row = next(
        r
        for r in rows
        if float(r["reference_price"]) == 95
        and abs(float(r["levy_cap_ad_valorem"]) - 0.25) < 1e-12
    )
    for key in headline:
        assert float(row[key]) == pytest.approx(float(expected[key]))
    book = openpyxl.load_workbook(io.BytesIO(client.get(job["result"]["xlsx"]).content))
    assert book.active.max_row == 201


def test_a_list_of_requests_runs_and_a_bad_one_is_a_row_with_its_error():
    base = floor_example()
    response = APIClient().post(
        "/api/v1/jobs/",
        {
            "calculator": FLOOR,
            "base": base,
            "requests": [{"reference_price": 100}, {"reference_price": -5}],
        },
        format="json",
    )
    job = response.json()
    rows = APIClient().get(job["result"]["json"]).json()
    assert [r["reference_price"] for r in rows] == [100, -5]
    assert rows[0]["error"] == ""
    assert "reference_price" in rows[1]["error"]


def test_a_malformed_batch_is_a_400_at_once():
    client = APIClient()
    assert (
        client.post(
            "/api/v1/jobs/", {"calculator": FLOOR, "grid": {"x": []}}, format="json"
        ).status_code
        == 400
    )
    too_many = {"a": list(range(100)), "b": list(range(100))}
    response = client.post(
        "/api/v1/jobs/", {"calculator": FLOOR, "grid": too_many}, format="json"
    )
    assert response.status_code == 400
    assert "grid" in response.json()
    assert (
        client.post("/api/v1/jobs/", {"calculator": "nope"}, format="json").status_code
        == 400
    )


def test_a_large_simulation_is_answered_with_202_and_its_result_matches(settings):
    settings.JOBS_SYNC_MAX_PATH_STEPS = 1_000  # make the example "long work"
    slug = "price-gap-subsidy"
    data = copy.deepcopy(dict(REGISTRY[slug].example))
    data["simulation"] = {**data.get("simulation", {}), "paths": 200, "seed": 3}
    client = APIClient()
    response = client.post(f"/api/v1/calculators/{slug}/", data, format="json")
    assert response.status_code == 202, response.content
    job = response.json()
    result = client.get(job["result"]["json"]).json()
    settings.JOBS_SYNC_MAX_PATH_STEPS = 10**9
    direct = client.post(f"/api/v1/calculators/{slug}/", data, format="json").json()
    assert result["summary"] == direct["summary"]


def test_invalid_inputs_of_a_large_simulation_are_still_a_400(settings):
    settings.JOBS_SYNC_MAX_PATH_STEPS = 1_000
    slug = "price-gap-subsidy"
    data = copy.deepcopy(dict(REGISTRY[slug].example))
    data["simulation"] = {**data.get("simulation", {}), "paths": 200, "volatility": -1}
    response = APIClient().post(f"/api/v1/calculators/{slug}/", data, format="json")
    assert response.status_code == 400
    assert Job.objects.count() == 0


def test_a_job_that_fails_answers_its_result_with_the_400_body():
    job = Job.objects.create(
        kind="calculation", calculator=FLOOR, request={"periods": 5}
    )
    jobs.run_job(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    response = APIClient().get(f"/api/v1/jobs/{job.pk}/result/")
    assert response.status_code == 400
    assert response.json() == job.error
    assert (
        APIClient()
        .get(f"/api/v1/jobs/{job.pk}/result/?format=csv")
        .content.startswith(b"field,message")
    )


def test_a_job_belongs_to_its_owner(django_user_model):
    owner = django_user_model.objects.create_user(username="owner")
    other = django_user_model.objects.create_user(username="other")
    mine = APIClient()
    mine.credentials(HTTP_AUTHORIZATION=f"Token {accounts.issue_key(user=owner).key}")
    job = mine.post(
        "/api/v1/jobs/", {"calculator": FLOOR, "inputs": floor_example()}, format="json"
    ).json()
    assert mine.get(job["url"]).status_code == 200
    assert [j["id"] for j in mine.get("/api/v1/jobs/").json()] == [job["id"]]
    assert APIClient().get(job["url"]).status_code == 404
    theirs = APIClient()
    theirs.force_authenticate(other)
    assert theirs.get(job["url"]).status_code == 404
    assert theirs.get(job["result"]["json"]).status_code == 404
    assert theirs.get("/api/v1/jobs/").json() == []


def test_an_anonymous_job_is_readable_through_its_id_only():
    job = (
        APIClient()
        .post(
            "/api/v1/jobs/",
            {"calculator": FLOOR, "inputs": floor_example()},
            format="json",
        )
        .json()
    )
    assert APIClient().get(job["url"]).status_code == 200
    assert APIClient().get("/api/v1/jobs/").json() == []
    assert (
        APIClient()
        .get("/api/v1/jobs/00000000-0000-4000-8000-000000000000/")
        .status_code
        == 404
    )


def test_the_batch_page_submits_and_the_job_page_shows_a_progress_bar(client):
    page = client.get(f"/calculators/{FLOOR}/batch/")
    assert page.status_code == 200
    response = client.post(
        f"/calculators/{FLOOR}/batch/",
        {
            "base": page.context["form"].initial["base"],
            "grid": "reference_price = 90, 100, 110\nlevy_cap_ad_valorem = 0.1, 0.2",
        },
    )
    assert response.status_code == 302
    job_page = client.get(response["Location"])
    html = job_page.content.decode()
    assert '<progress id="job-progress" max="100" value="100"' in html
    assert "format=csv" in html
    assert job_page.context["size"] == 6


def test_the_batch_page_says_what_is_wrong(client):
    response = client.post(
        f"/calculators/{FLOOR}/batch/", {"base": "[1]", "grid": "reference_price 90"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"base", "grid"}


# --- the result cache ---------------------------------------------------------------


def test_typed_in_results_are_cached_and_survive_a_price_edit(nickel_series):
    data = floor_example()
    key = calculation.calculation_cache_key(calculator=REGISTRY[FLOOR], data=data)
    assert key is not None
    first = calculation.run_calculation(slug=FLOOR, data=data)
    observation = PriceObservation.objects.first()
    observation.price += 1
    observation.save()
    assert (
        calculation.calculation_cache_key(calculator=REGISTRY[FLOOR], data=data) == key
    )
    again = calculation.run_calculation(slug=FLOOR, data=data)
    assert again.result.summary == first.result.summary


def test_a_price_edit_invalidates_exactly_the_results_that_read_prices(nickel_series):
    stored = {
        "commodity": "nickel",
        "reference_price": 115,
        "price_unit": "USD/t",
        "quantity_unit": "t",
        "flows": [{"origin": "CHN", "quantity": 10}],
    }
    before = calculation.run_calculation(slug=FLOOR, data=stored).result.summary[
        "revenue_total"
    ]
    key = calculation.calculation_cache_key(calculator=REGISTRY[FLOOR], data=stored)
    observation = PriceObservation.objects.get(series=nickel_series, price=100)
    observation.price = 50
    observation.save()
    assert (
        calculation.calculation_cache_key(calculator=REGISTRY[FLOOR], data=stored)
        != key
    )
    after = calculation.run_calculation(slug=FLOOR, data=stored).result.summary[
        "revenue_total"
    ]
    assert after > before  # a lower import price, a larger levy to the floor


def test_tables_read_follow_the_references():
    assert data_versions.tables_read(data={"reference_price": 1}) == ()
    assert "price_observation" in data_versions.tables_read(
        data={"commodity": "nickel"}
    )
    assert data_versions.tables_read(data={"member_group": "g7"}) == (
        "partner",
        "partner_group",
    )


def test_a_result_over_the_size_cap_is_computed_again_not_cached(settings):
    from django.core.cache import cache

    data = floor_example()
    key = calculation.calculation_cache_key(calculator=REGISTRY[FLOOR], data=data)
    settings.CALCULATION_CACHE_MIN_SECONDS = 0  # keep even a fast result
    settings.CALCULATION_CACHE_MAX_BYTES = 1_000  # the example pickles to ~3.5 KB
    calculation.run_calculation(slug=FLOOR, data=data)
    assert cache.get(key) is None
    settings.CALCULATION_CACHE_MAX_BYTES = 1_000_000
    first = calculation.run_calculation(slug=FLOOR, data=data)
    assert isinstance(cache.get(key), bytes)
    assert calculation.run_calculation(slug=FLOOR, data=data).result.summary == (
        first.result.summary
    )


def test_the_result_size_cap_is_a_documented_setting():
    from django.conf import settings as django_settings

    assert django_settings.CALCULATION_CACHE_MAX_BYTES == 5_000_000
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert "CALCULATION_CACHE_MAX_BYTES" in readme


def test_a_result_faster_than_the_minimum_is_not_written(settings):
    from django.core.cache import cache

    data = floor_example()
    key = calculation.calculation_cache_key(calculator=REGISTRY[FLOOR], data=data)
    settings.CALCULATION_CACHE_MIN_SECONDS = 60  # nothing is that slow
    first = calculation.run_calculation(slug=FLOOR, data=data)
    assert cache.get(key) is None
    settings.CALCULATION_CACHE_MIN_SECONDS = 0
    calculation.run_calculation(slug=FLOOR, data=data)
    assert isinstance(cache.get(key), bytes)
    assert calculation.run_calculation(slug=FLOOR, data=data).result.summary == (
        first.result.summary
    )


def test_a_size_that_computed_fast_is_not_looked_up(settings, monkeypatch):
    """Once a request of this calculator and size computed under the minimum, the
    next ones skip the cache's round trip (the lookup would cost more)."""
    looked_up: list[str] = []
    original = calculation._cache_get

    def counting_get(key: str) -> object:
        looked_up.append(key)
        return original(key)

    monkeypatch.setattr(calculation, "_cache_get", counting_get)
    data = floor_example()
    settings.CALCULATION_CACHE_MIN_SECONDS = 60
    # The first of its size: looked up.
    calculation.run_calculation(slug=FLOOR, data=data)
    calculation.run_calculation(slug=FLOOR, data={**data, "reference_price": 111})
    assert len(looked_up) == 1
    settings.CALCULATION_CACHE_MIN_SECONDS = 0  # every result worth keeping
    calculation.run_calculation(slug=FLOOR, data=data)
    calculation.run_calculation(slug=FLOOR, data=data)
    assert len(looked_up) == 3


def test_the_default_minimum_is_a_few_milliseconds_and_documented():
    from django.conf import settings as django_settings

    assert django_settings.CALCULATION_CACHE_MIN_SECONDS == 0.005
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert "CALCULATION_CACHE_MIN_SECONDS" in readme


def test_an_unseeded_simulation_is_not_cached():
    data = {"simulation": {"seed": None}}
    assert (
        calculation.calculation_cache_key(calculator=REGISTRY[FLOOR], data=data) is None
    )


# --- fast paths ---------------------------------------------------------------------


def _without_csrf(html: str) -> str:
    import re

    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_the_cached_example_form_is_the_form_built_afresh(client):
    first = client.get(f"/calculators/{FLOOR}/").content.decode()  # builds, caches
    cached = client.get(f"/calculators/{FLOOR}/").content.decode()
    assert _without_csrf(first) == _without_csrf(cached)
    assert 'id="calculator-form"' in cached


def test_a_new_partner_group_reaches_the_cached_form(client):
    from tests.factories import make_partner_group

    client.get(f"/calculators/{FLOOR}/")
    make_partner_group(code="new-club", name="The new club")
    assert "The new club" in client.get(f"/calculators/{FLOOR}/").content.decode()


def test_page_size_is_read_as_limit():
    from tests.factories import make_partner

    for code in ("AAA", "BBB", "CCC"):
        make_partner(iso3=code)
    body = APIClient().get("/api/v1/partners/?page_size=1").json()
    assert len(body["results"]) == 1
    assert body["count"] == 3
    assert (
        len(APIClient().get("/api/v1/partners/?page_size=2&limit=3").json()["results"])
        == 3
    )


def test_the_cached_partner_list_follows_an_edit():
    from tests.factories import make_partner

    make_partner(iso3="AAA", iso2="AA", name="Aland")
    assert APIClient().get("/api/v1/partners/").json()["count"] == 1
    assert APIClient().get("/api/v1/partners/").json()["count"] == 1  # from the cache
    make_partner(iso3="BBB", iso2="BB", name="Bland")
    names = [p["name"] for p in APIClient().get("/api/v1/partners/").json()["results"]]
    assert names == ["Aland", "Bland"]
    csv_body = APIClient().get("/api/v1/partners/?format=csv").content.decode()
    assert csv_body.splitlines()[0].startswith("iso3")


def test_a_single_simulation_job_reports_progress_while_it_runs(monkeypatch, settings):
    """Not only 0 → 100: the bar moves after each chunk of simulated paths."""
    settings.JOBS_SYNC_MAX_PATH_STEPS = 1_000
    seen: list[float] = []
    monkeypatch.setattr(jobs, "_progress_reporter", lambda job_id: seen.append)
    slug = "price-gap-subsidy"
    data = copy.deepcopy(dict(REGISTRY[slug].example))
    data["simulation"] = {**data["simulation"], "paths": 60_000, "seed": 11}
    response = APIClient().post(f"/api/v1/calculators/{slug}/", data, format="json")
    assert response.status_code == 202, response.content
    assert response.json()["state"] == "succeeded"
    assert seen == pytest.approx([25 / 60, 50 / 60, 1.0])


def test_a_batch_reports_progress_inside_each_calculation(monkeypatch):
    seen: list[float] = []
    monkeypatch.setattr(jobs, "_progress_reporter", lambda job_id: seen.append)
    slug = "price-gap-subsidy"
    base = copy.deepcopy(dict(REGISTRY[slug].example))
    base["simulation"] = {**base["simulation"], "paths": 60_000, "seed": 5}
    job = jobs.submit_batch(
        calculator=slug, owner=None, base=base, grid={"strike": [100, 120]}
    )
    assert job.state == JobState.SUCCEEDED
    # Each calculation's three chunks within its half, then the half itself.
    assert seen == pytest.approx(
        [25 / 120, 50 / 120, 0.5, 0.5, 0.5 + 25 / 120, 0.5 + 50 / 120, 1.0, 1.0]
    )


def test_with_a_broker_the_job_is_sent_to_the_worker_task_by_name(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    """Dispatch sends the job's id to the task the worker registers, once the job
    row is committed (by name: services never import the task module above them)."""
    import instruments.tasks
    from webapp.celery import app

    sent: list[tuple[str, list[str]]] = []
    monkeypatch.setattr(
        app,
        "send_task",
        lambda name, args, task_id, **options: (
            sent.append((name, args)) or ids.append(task_id)
        ),
    )
    ids: list[str] = []
    settings.CELERY_TASK_ALWAYS_EAGER = False
    job = Job.objects.create(kind=JobKind.BATCH, calculator=FLOOR, request={})
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        jobs.dispatch(job=job)
    assert sent == []
    for callback in callbacks:
        callback()
    assert sent == [(jobs.RUN_JOB_TASK, [str(job.pk)])]
    assert ids == [str(job.pk)]  # the task's id is the job's: revoked on cancel
    job.refresh_from_db()
    assert (job.state, job.attempts) == (JobState.QUEUED, 1)
    assert job.heartbeat_at is not None  # the sweeper's clock starts
    assert instruments.tasks.run_job_task.name == jobs.RUN_JOB_TASK
    assert jobs.RUN_JOB_TASK in app.tasks

"""Heavy work is throttled and bounded on every path (issue #24, finding 2): the
briefing PDFs, the comparisons and the sensitivity page count against the same rate
as the API; a page refuses a simulation above the synchronous limit instead of
computing it; a job's total work is bounded and each client may have only so many
jobs queued or running."""

from __future__ import annotations

import copy
import json
from typing import Any
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

from instruments.calculators import REGISTRY
from instruments.models import Job, JobState
from instruments.services import calculation as calculations
from tests.factories import make_scenario

pytestmark = pytest.mark.django_db

SUBSIDY = "price-gap-subsidy"


def heavy_inputs() -> dict[str, Any]:
    """200,000 paths × 40 quarters: 8 million path-steps, within the request limit
    (12 million) and four times the synchronous one (2 million)."""
    data = copy.deepcopy(dict(REGISTRY[SUBSIDY].example))
    data["simulation"]["paths"] = 200_000
    return data


def light_inputs() -> dict[str, Any]:
    data = copy.deepcopy(dict(REGISTRY[SUBSIDY].example))
    data["simulation"]["paths"] = 200
    return data


@pytest.fixture
def three_a_minute(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "user": "3/min"},
    }


@pytest.fixture
def nothing_computes(monkeypatch):
    """Any calculation run in the request fails the test. Every module that binds
    ``run_calculation`` by name is imported first, so none binds the stand-in."""
    import instruments.tasks  # noqa: F401
    import webapp.urls  # noqa: F401 - the views, the services and the tasks

    def refuse(**kwargs: Any) -> Any:
        raise AssertionError(f"computed in the request: {kwargs.get('slug')}")

    monkeypatch.setattr(calculations, "run_calculation", refuse)


@pytest.fixture
def with_a_worker(settings):
    """As in production: a broker is set, so jobs wait for a worker (in a test the
    hand-over, after the commit, never happens: they stay queued)."""
    settings.CELERY_TASK_ALWAYS_EAGER = False


def briefing_url(data: dict[str, Any]) -> str:
    return f"/calculators/{SUBSIDY}/briefing.pdf?" + urlencode(
        {"inputs": json.dumps(data)}
    )


def sensitivity_url(data: dict[str, Any], **query: Any) -> str:
    return f"/calculators/{SUBSIDY}/sensitivity/?" + urlencode(
        {"inputs": json.dumps(data), **query}
    )


# --- the throttle on every page that computes ---------------------------------------


def test_once_the_api_answers_429_the_pdfs_comparisons_and_sensitivity_do_too(
    three_a_minute, nothing_computes
):
    a = make_scenario(
        calculator=SUBSIDY, title="A", inputs=light_inputs(), is_public=True
    )
    b = make_scenario(
        calculator=SUBSIDY, title="B", inputs=light_inputs(), is_public=True
    )
    api = APIClient()
    for _ in range(3):
        assert api.get("/api/v1/calculators/").status_code == 200
    assert api.get("/api/v1/calculators/").status_code == 429

    page = Client()
    ids = f"ids={a.pk}&ids={b.pk}"
    for url in (
        briefing_url(light_inputs()),
        f"/scenarios/{a.pk}/briefing.pdf",
        f"/scenarios/compare/briefing.pdf?{ids}",
        f"/scenarios/compare-instruments/?{ids}",
        sensitivity_url(light_inputs()),
    ):
        response = page.get(url)
        assert response.status_code == 429, url
        assert int(response["Retry-After"]) >= 1
        assert b"Too many calculations" in response.content


# --- a page computes only so much -----------------------------------------------------


def test_a_briefing_of_a_simulation_above_the_sync_limit_is_refused_not_computed(
    nothing_computes,
):
    response = Client().get(briefing_url(heavy_inputs()))

    assert response.status_code == 400
    text = response.content.decode()
    assert "8,000,000 paths × steps" in text
    assert "2,000,000 a page computes at once" in text
    assert "/api/v1/jobs/" in text


def test_a_scenario_briefing_and_page_of_a_heavy_scenario_say_so(nothing_computes):
    heavy = make_scenario(
        calculator=SUBSIDY, title="Heavy", inputs=heavy_inputs(), is_public=True
    )
    client = Client()

    pdf = client.get(f"/scenarios/{heavy.pk}/briefing.pdf")
    page = client.get(f"/scenarios/{heavy.pk}/")

    assert pdf.status_code == 400
    assert "a page computes at once" in pdf.content.decode()
    assert page.status_code == 200
    assert "a page computes at once" in page.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/scenarios/compare/",
        "/scenarios/compare-instruments/",
        "/scenarios/compare/briefing.pdf",
    ],
)
def test_comparisons_of_heavy_scenarios_are_refused_before_any_runs(
    nothing_computes, path
):
    light = make_scenario(
        calculator=SUBSIDY, title="Light", inputs=light_inputs(), is_public=True
    )
    heavy = make_scenario(
        calculator=SUBSIDY, title="Heavy", inputs=heavy_inputs(), is_public=True
    )
    response = Client().get(f"{path}?ids={light.pk}&ids={heavy.pk}")

    assert response.status_code == 400
    assert "a page computes at once" in response.content.decode()


def test_the_sensitivity_page_refuses_a_heavy_base_before_computing_it(
    nothing_computes, with_a_worker
):
    response = Client().get(sensitivity_url(heavy_inputs()))

    assert response.status_code == 400
    assert "a page computes at once" in response.content.decode()
    assert not Job.objects.exists()


# --- how much one job may hold --------------------------------------------------------


def heavy_batch(size: int) -> dict[str, Any]:
    return {
        "calculator": SUBSIDY,
        "base": heavy_inputs(),
        "grid": {"simulation.seed": list(range(size))},
    }


def test_an_anonymous_batch_of_2000_heavy_simulations_is_refused_with_nothing_queued(
    with_a_worker,
):
    response = APIClient().post("/api/v1/jobs/", heavy_batch(2_000), format="json")

    assert response.status_code == 400
    (message,) = response.json()["grid"]
    assert "16,000,000,000 paths × steps" in message
    assert "120,000,000" in message
    assert "without signing in" in message
    assert not Job.objects.exists()


def test_signed_in_callers_may_queue_more_work_in_one_job_but_not_without_bound(
    with_a_worker,
):
    api = APIClient()
    api.force_authenticate(User.objects.create_user("analyst"))

    small = api.post("/api/v1/jobs/", heavy_batch(20), format="json")  # 160 M
    huge = api.post("/api/v1/jobs/", heavy_batch(2_000), format="json")

    assert small.status_code == 202, small.json()
    assert huge.status_code == 400
    assert "1,200,000,000" in huge.json()["grid"][0]
    assert Job.objects.count() == 1
    # The same 20 anonymously are over the anonymous bound.
    anonymous = APIClient().post("/api/v1/jobs/", heavy_batch(20), format="json")
    assert anonymous.status_code == 400


def test_a_sensitivity_job_counts_each_swept_path_count(with_a_worker):
    body = {
        "inputs": light_inputs(),
        "vary": [
            {"path": "simulation.paths", "values": [200_000] * 20},
        ],
    }
    response = APIClient().post(
        f"/api/v1/calculators/{SUBSIDY}/sensitivity/", body, format="json"
    )

    assert response.status_code == 400
    assert "160,000,000 paths × steps" in response.json()["vary"][0]


# --- how many jobs one client may have --------------------------------------------------


def test_an_anonymous_address_may_have_two_jobs_waiting_a_third_is_429(with_a_worker):
    api = APIClient()

    def submit(address: str) -> Any:
        return api.post(
            "/api/v1/jobs/",
            {"calculator": SUBSIDY, "inputs": heavy_inputs()},
            format="json",
            REMOTE_ADDR=address,
        )

    first, second, third = (submit("192.0.2.7") for _ in range(3))

    assert (first.status_code, second.status_code) == (202, 202)
    assert third.status_code == 429
    assert "2 jobs queued or running" in third.json()["non_field_errors"][0]
    assert third["Retry-After"]
    # Another address has its own share; a forged X-Forwarded-For is not one.
    assert submit("192.0.2.8").status_code == 202
    forged = api.post(
        "/api/v1/jobs/",
        {"calculator": SUBSIDY, "inputs": heavy_inputs()},
        format="json",
        REMOTE_ADDR="192.0.2.7",
        HTTP_X_FORWARDED_FOR="198.51.100.1",
    )
    assert forged.status_code == 429
    # An ended job frees its place.
    api.post(f"/api/v1/jobs/{first.json()['id']}/cancel/", REMOTE_ADDR="192.0.2.7")
    assert submit("192.0.2.7").status_code == 202
    assert set(
        Job.objects.filter(client="192.0.2.7").values_list("state", flat=True)
    ) == {JobState.QUEUED, JobState.CANCELLED}


def test_a_signed_in_user_has_a_quota_of_their_own(with_a_worker, settings):
    settings.JOBS_MAX_ACTIVE_PER_USER = 3
    api = APIClient()
    api.force_authenticate(User.objects.create_user("analyst"))
    statuses = [
        api.post(
            "/api/v1/jobs/",
            {"calculator": SUBSIDY, "inputs": heavy_inputs()},
            format="json",
        ).status_code
        for _ in range(4)
    ]
    # The simulation endpoint's own 202 counts against the same quota.
    direct = api.post(f"/api/v1/calculators/{SUBSIDY}/", heavy_inputs(), format="json")

    assert statuses == [202, 202, 202, 429]
    assert direct.status_code == 429
    assert Job.objects.filter(state=JobState.QUEUED).count() == 3
    # Anonymous callers from the same machine are counted apart.
    anonymous = APIClient().post(
        "/api/v1/jobs/",
        {"calculator": SUBSIDY, "inputs": heavy_inputs()},
        format="json",
    )
    assert anonymous.status_code == 202


def test_the_sensitivity_page_creates_jobs_within_the_quota_then_says_so(with_a_worker):
    client = Client()
    urls = [sensitivity_url(light_inputs(), steps=60 + i) for i in range(3)]

    first, second, third = (client.get(url) for url in urls)

    assert (first.status_code, second.status_code) == (302, 302)
    assert third.status_code == 429
    assert "2 jobs queued or running" in third.content.decode()
    assert Job.objects.filter(client="127.0.0.1").count() == 2


def test_the_batch_page_is_throttled_and_counts_against_the_quota(
    with_a_worker, settings
):
    settings.JOBS_MAX_ACTIVE_ANONYMOUS = 1
    client = Client()
    form = {
        "base": json.dumps(dict(REGISTRY["price-floor"].example)),
        "grid": "reference_price = 100, 110",
    }

    first = client.post("/calculators/price-floor/batch/", form)
    second = client.post("/calculators/price-floor/batch/", form)

    assert first.status_code == 302
    assert second.status_code == 429
    assert Job.objects.count() == 1


def test_the_calculator_form_says_beside_the_paths_that_a_page_computes_only_so_much(
    nothing_computes,
):
    from instruments.web.form_data import inputs_to_form_data

    data = inputs_to_form_data(REGISTRY[SUBSIDY], heavy_inputs())
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}

    response = Client().post(f"/calculators/{SUBSIDY}/", data)

    assert response.status_code == 200
    form = response.context["form"]
    messages = " ".join(str(m) for errors in form.errors.values() for m in errors)
    assert "a page computes at once" in messages
    assert "8,000,000 paths × steps" in messages


@pytest.mark.parametrize(
    "path",
    [f"/calculators/{SUBSIDY}/briefing.pdf", f"/calculators/{SUBSIDY}/sensitivity/"],
)
@pytest.mark.parametrize("given", ["{bad", "[1, 2]", "7", ""])
def test_malformed_inputs_in_a_briefing_or_sensitivity_address_are_a_400(
    nothing_computes, path, given
):
    response = Client().get(f"{path}?" + urlencode({"inputs": given}))

    assert response.status_code == 400
    page = response.content.decode()
    # The brief takes the API's query and says what it refuses; the sensitivity
    # page names the malformed inputs.
    assert "inputs" in page
    assert "JSON object" in page

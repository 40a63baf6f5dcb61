"""Every job ends (issue #24): a job whose worker died is sent again once, then
failed; a queued job the broker lost likewise; a failure is recorded even when the
job's database connection dropped; a job's owner can cancel it, and a running batch
stops at its next progress report."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from instruments.calculators import REGISTRY
from instruments.models import Job, JobKind, JobState
from instruments.services import jobs

pytestmark = pytest.mark.django_db

FLOOR = "price-floor"


def batch_request(size: int = 10) -> dict[str, Any]:
    return {
        "base": copy.deepcopy(dict(REGISTRY[FLOOR].example)),
        "grid": {"reference_price": [90 + i for i in range(size)]},
        "requests": [],
        "size": size,
    }


def queued_job(**fields: Any) -> Job:
    """A batch as ``dispatch`` leaves it: queued, handed to a worker once."""
    values = {
        "kind": JobKind.BATCH,
        "calculator": FLOOR,
        "request": batch_request(),
        "state": JobState.QUEUED,
        "attempts": 1,
        "heartbeat_at": timezone.now(),
        **fields,
    }
    return Job.objects.create(**values)


def broker_lost_it(job: Job) -> bool:
    return False


def test_a_running_job_whose_worker_died_is_sent_again_once_then_failed():
    now = timezone.now()
    dead = queued_job(state=JobState.RUNNING, heartbeat_at=now - timedelta(seconds=200))
    alive = queued_job(state=JobState.RUNNING, heartbeat_at=now - timedelta(seconds=5))
    sent: list[str] = []

    counts = jobs.sweep_stale_jobs(now=now, in_broker=broker_lost_it, send=sent.append)

    assert counts == {"requeued": 1, "failed": 0}
    assert sent == [str(dead.pk)]
    dead.refresh_from_db()
    assert (dead.state, dead.attempts, dead.heartbeat_at) == (JobState.QUEUED, 2, now)
    alive.refresh_from_db()
    assert alive.state == JobState.RUNNING  # its heartbeat is fresh: left alone

    # A worker takes it (heartbeat at its start) and dies too.
    later = now + timedelta(seconds=300)
    Job.objects.filter(pk=dead.pk).update(
        state=JobState.RUNNING, heartbeat_at=now + timedelta(seconds=10)
    )
    counts = jobs.sweep_stale_jobs(
        now=later, job_id=dead.pk, in_broker=broker_lost_it, send=sent.append
    )

    assert counts == {"requeued": 0, "failed": 1}
    assert sent == [str(dead.pk)]  # not sent a third time
    dead.refresh_from_db()
    assert dead.state == JobState.FAILED
    assert dead.finished == later
    assert dead.error == {
        "non_field_errors": ["The worker stopped; the job was tried 2 times."]
    }


def test_a_live_job_keeps_its_heartbeat_fresh_while_it_reports(monkeypatch, settings):
    monkeypatch.setattr(jobs, "PROGRESS_INTERVAL_SECONDS", 0)
    settings.JOBS_STALE_SECONDS = 0  # a heartbeat at every report
    job = queued_job()
    beats: list[Any] = []

    def runner(job: Job, report: jobs.Reporter) -> dict[str, Any]:
        for fraction in (0.1, 0.1, 0.2):
            report(fraction)
            beats.append(Job.objects.get(pk=job.pk).heartbeat_at)
        return {"columns": [], "rows": []}

    jobs.run_job(job_id=job.pk, runners={JobKind.BATCH: runner})

    assert beats == sorted(beats)
    assert len(set(beats)) == 3
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED


def test_a_queued_job_the_broker_lost_is_sent_again_once_then_failed():
    now = timezone.now()
    lost = queued_job(heartbeat_at=now - timedelta(seconds=700))
    waiting = queued_job(heartbeat_at=now - timedelta(seconds=700))
    young = queued_job(heartbeat_at=now - timedelta(seconds=30))
    sent: list[str] = []

    def in_broker(job: Job) -> bool:
        return job.pk == waiting.pk  # behind a long queue: still held

    jobs.sweep_stale_jobs(now=now, in_broker=in_broker, send=sent.append)

    assert sent == [str(lost.pk)]
    lost.refresh_from_db()
    assert (lost.state, lost.attempts) == (JobState.QUEUED, 2)
    for job in (waiting, young):
        job.refresh_from_db()
        assert (job.state, job.attempts) == (JobState.QUEUED, 1)

    # Lost again (Redis restarted once more): failed, not sent a third time.
    for one in (lost, waiting):
        jobs.sweep_stale_jobs(
            now=now + timedelta(seconds=700),
            job_id=one.pk,
            in_broker=in_broker,
            send=sent.append,
        )

    assert sent == [str(lost.pk)]
    lost.refresh_from_db()
    assert lost.state == JobState.FAILED
    assert "lost from the queue" in lost.error["non_field_errors"][0]
    waiting.refresh_from_db()
    assert waiting.state == JobState.QUEUED


def test_reading_a_dead_jobs_status_ends_it_without_beat():
    """No beat, no cron: the reader's GET sweeps that one job."""
    job = queued_job(
        state=JobState.RUNNING,
        attempts=2,
        heartbeat_at=timezone.now() - timedelta(hours=1),
    )
    body = APIClient().get(f"/api/v1/jobs/{job.pk}/").json()
    assert body["state"] == "failed"
    assert body["error"] == {
        "non_field_errors": ["The worker stopped; the job was tried 2 times."]
    }


def test_the_management_command_sweeps(capsys):
    queued_job(
        state=JobState.RUNNING,
        attempts=2,
        heartbeat_at=timezone.now() - timedelta(hours=1),
    )
    from django.core.management import call_command

    call_command("sweep_jobs")
    assert "0 job(s) sent again, 1 failed." in capsys.readouterr().out


class DroppedConnection:
    """A database connection the server dropped: every cursor fails."""

    def cursor(self, *args: Any, **kwargs: Any) -> Any:
        # The driver's own error type, whichever database the suite runs on.
        driver: Any = connection.Database  # type: ignore[attr-defined]
        raise driver.OperationalError("server closed the connection unexpectedly")

    def close(self) -> None:
        pass


@pytest.mark.django_db(transaction=True)
def test_the_failure_is_recorded_when_the_connection_dropped_in_the_job(
    monkeypatch, caplog
):
    job = queued_job()
    live = connection.connection

    def reopen() -> None:
        # Closing a dropped connection and opening a new one (the in-memory test
        # database cannot really be reopened, so the live one comes back).
        connection.connection = live

    monkeypatch.setattr(connection, "close", reopen)

    def runner(job: Job, report: jobs.Reporter) -> None:
        connection.connection = DroppedConnection()
        raise RuntimeError("the work broke, and so did the database connection")

    jobs.run_job(job_id=job.pk, runners={JobKind.BATCH: runner})

    assert "retrying on a new connection" in caplog.text
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.error == {
        "non_field_errors": ["The job failed on the server; it has been logged."]
    }


def test_the_owner_cancels_a_running_batch_and_it_stops_at_its_next_report(
    monkeypatch, django_user_model
):
    monkeypatch.setattr(jobs, "PROGRESS_INTERVAL_SECONDS", 0)
    owner = django_user_model.objects.create_user(username="owner")
    other = django_user_model.objects.create_user(username="other")
    job = queued_job(owner=owner, request=batch_request(20))
    url = f"/api/v1/jobs/{job.pk}/cancel/"
    as_owner, as_other = APIClient(), APIClient()
    as_owner.force_authenticate(owner)
    as_other.force_authenticate(other)
    reports: list[float] = []
    answers: dict[str, Any] = {}

    def runner(job: Job, report: jobs.Reporter) -> dict[str, Any]:
        def watched(fraction: float) -> None:
            reports.append(fraction)
            if len(reports) == 3:  # mid-run: the owner presses Cancel
                answers["other"] = as_other.post(url)
                answers["anonymous"] = APIClient().post(url)
                answers["owner"] = as_owner.post(url)
            report(fraction)

        return jobs.run_batch(slug=job.calculator, request=job.request, report=watched)

    jobs.run_job(job_id=job.pk, runners={JobKind.BATCH: runner})

    assert answers["other"].status_code == 404
    assert answers["anonymous"].status_code == 404
    assert answers["owner"].status_code == 200, answers["owner"].content
    assert answers["owner"].json()["state"] == "cancelled"
    assert len(reports) == 3  # stopped at the report after the cancel
    job.refresh_from_db()
    assert job.state == JobState.CANCELLED
    assert job.result is None
    assert job.error == {"non_field_errors": ["The job was cancelled."]}
    # Ended: a second cancel is a conflict; the result is the error body.
    assert as_owner.post(url).status_code == 409
    assert as_owner.get(f"/api/v1/jobs/{job.pk}/result/").status_code == 400


def test_an_anonymous_job_is_cancelled_through_its_id_and_from_its_page(client):
    job = queued_job()
    assert APIClient().post(f"/api/v1/jobs/{job.pk}/cancel/").status_code == 200
    job.refresh_from_db()
    assert job.state == JobState.CANCELLED
    # The run the broker still delivers takes nothing.
    jobs.run_job(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == JobState.CANCELLED

    other = queued_job()
    page = client.get(f"/jobs/{other.pk}/")
    assert b"Cancel the job" in page.content
    response = client.post(f"/jobs/{other.pk}/cancel/")
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.state == JobState.CANCELLED
    assert b"data-job-cancel hidden" in client.get(f"/jobs/{other.pk}/").content


def test_a_job_past_its_soft_time_limit_fails_with_a_clear_message(settings):
    from celery.exceptions import SoftTimeLimitExceeded

    settings.JOB_TIME_LIMIT_SECONDS = 900
    job = queued_job()

    def runner(job: Job, report: jobs.Reporter) -> None:
        raise SoftTimeLimitExceeded

    jobs.run_job(job_id=job.pk, runners={JobKind.BATCH: runner})

    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.error == {
        "non_field_errors": [
            "The job took longer than its limit of 900 seconds and was stopped; "
            "try a smaller one."
        ]
    }


def test_the_job_task_is_acked_late_limited_and_given_back_if_its_worker_dies():
    from instruments.tasks import run_job_task
    from webapp.celery import app

    assert run_job_task.acks_late
    assert run_job_task.reject_on_worker_lost
    assert run_job_task.soft_time_limit == run_job_task.time_limit - 30
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.beat_schedule["sweep-stale-jobs"]["task"] == jobs.SWEEP_TASK


def test_a_stale_run_handed_on_neither_reports_nor_writes_its_end(monkeypatch):
    """The sweeper took a slow (not dead) run for dead and sent the job again: the
    old run stops at its next report and leaves the new run's job alone."""
    monkeypatch.setattr(jobs, "PROGRESS_INTERVAL_SECONDS", 0)
    job = queued_job()

    def runner(job: Job, report: jobs.Reporter) -> dict[str, Any]:
        Job.objects.filter(pk=job.pk).update(state=JobState.QUEUED, attempts=2)
        report(0.5)
        return {"columns": [], "rows": []}

    jobs.run_job(job_id=job.pk, runners={JobKind.BATCH: runner})

    job.refresh_from_db()
    assert (job.state, job.attempts, job.result) == (JobState.QUEUED, 2, None)

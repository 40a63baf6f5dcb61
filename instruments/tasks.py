"""Celery tasks: thin wrappers that call services."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from instruments.api import exports
from instruments.services import jobs


@shared_task(
    name=jobs.RUN_JOB_TASK,
    # Idempotent: a job re-run from the start overwrites its own result, and only a
    # queued job is taken, so a message given back after a lost worker is safe.
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=settings.JOB_TIME_LIMIT_SECONDS,
    soft_time_limit=settings.JOB_SOFT_TIME_LIMIT_SECONDS,
)
def run_job_task(job_id: str) -> None:
    """Run a stored job (``services.jobs.run_job``) with every kind's runner."""
    jobs.run_job(job_id=job_id, runners=exports.JOB_RUNNERS)


@shared_task(name=jobs.SWEEP_TASK, ignore_result=True)
def sweep_stale_jobs_task() -> dict[str, int]:
    """Re-queue or fail the jobs that would never end (the beat schedule runs it)."""
    return jobs.sweep_stale_jobs()

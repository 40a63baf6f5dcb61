"""Celery tasks: thin wrappers that call services."""

from __future__ import annotations

from celery import shared_task

import instruments.api.exports  # noqa: F401  (registers the export runner)
from instruments.services import jobs


@shared_task(name=jobs.RUN_JOB_TASK)
def run_job_task(job_id: str) -> None:
    """Run a stored job (``services.jobs.run_job``)."""
    jobs.run_job(job_id=job_id)

"""Celery tasks: thin wrappers that call services."""

from __future__ import annotations

from celery import shared_task

from instruments.api import exports
from instruments.services import jobs


@shared_task(name=jobs.RUN_JOB_TASK)
def run_job_task(job_id: str) -> None:
    """Run a stored job (``services.jobs.run_job``) with every kind's runner."""
    jobs.run_job(job_id=job_id, runners=exports.JOB_RUNNERS)

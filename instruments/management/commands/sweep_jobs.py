"""``manage.py sweep_jobs``: end the jobs that would never end, from cron where no
Celery beat runs (``services.jobs.sweep_stale_jobs``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from instruments.services import jobs


class Command(BaseCommand):
    help = (
        "Re-queue once, then fail, running jobs whose worker stopped and queued jobs "
        "the broker lost."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = jobs.sweep_stale_jobs()
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"{counts['requeued']} job(s) sent again, {counts['failed']} failed."
            )

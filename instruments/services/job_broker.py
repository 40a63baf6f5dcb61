"""The broker's side of jobs (Celery on Redis): sending a job's id to a worker, and
asking whether the broker still holds it (the sweeper's question). Both are bounded
when Redis is down: a send that fails leaves the job queued for the sweeper, and a
question the broker cannot answer is taken as "yes" (the job is left alone)."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

RUN_JOB_TASK = "instruments.run_job"
"""The Celery task that runs a stored job (``tasks.run_job_task``)."""

PUBLISH_RETRY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2}
"""A send tries Redis three times in about half a second, then gives up."""


def send_job(job_id: str) -> None:
    """Send the job's id to a worker once the transaction commits; the task's id is
    the job's, so the broker can be asked about it and the task revoked. A broker
    that cannot be reached leaves the job queued for the sweeper to send again."""
    # Sent by name: the task module wraps this one, so importing it would reach up.
    from webapp.celery import app

    def send() -> None:
        try:
            # No result backend: the result is the job's row (and a Redis backend
            # would retry its subscription for 20 s with Redis down).
            app.send_task(
                RUN_JOB_TASK,
                args=[job_id],
                task_id=job_id,
                ignore_result=True,
                retry_policy=PUBLISH_RETRY,
            )
        except Exception:  # Redis down: the job waits, queued, for the sweeper
            logger.warning("could not send job %s to the broker", job_id, exc_info=True)

    transaction.on_commit(send)


ASK_ONCE = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
"""A status read asks the broker once (kombu would retry a lost Redis for seconds)."""


def broker_holds(job: Any) -> bool:
    """Whether the broker still holds the job's task: waiting in a queue, or taken by
    a worker and not acknowledged (Redis). Unknown (another broker, Redis down) is
    taken as yes: the job is then left alone."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return False
    from webapp.celery import app

    needle = str(job.pk).encode()
    try:
        with app.connection_for_read(transport_options=ASK_ONCE) as conn:
            client = getattr(conn.default_channel, "client", None)
            if client is None:
                return True
            queue = settings.CELERY_TASK_DEFAULT_QUEUE
            for key in client.scan_iter(match=f"{queue}*", count=100):
                if client.type(key) == b"list" and any(
                    needle in message for message in client.lrange(key, 0, -1)
                ):
                    return True
            return any(needle in value for value in client.hvals("unacked"))
    except Exception:
        logger.warning("could not ask the broker about job %s", job.pk, exc_info=True)
        return True

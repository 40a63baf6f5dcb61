"""Long work handed to Celery workers, or run in the request when no broker is set.

A job is a row (``models.Job``) that any app server or worker can read: its request,
state (queued → running → succeeded | failed), progress 0–100 and result. Submitting
validates what can be validated at once (so a bad field is a 400 straight away),
stores the job and sends its id to the ``RUN_JOB_TASK`` task (``tasks.py``) after the
transaction commits; with no ``CELERY_BROKER_URL`` (the demo) the work runs right there, in the
request, through the same ``run_job``.

What goes to a job:

- a simulation above ``settings.JOBS_SYNC_MAX_PATH_STEPS`` paths × steps (2 million
  by default: 10,000 paths of 120 months run in the request, 100,000 do not);
- a stockpile calculation solving more paths of monthly equilibria than
  ``settings.JOBS_SYNC_MAX_STOCKPILE_PATHS`` (its sizes, and with scenarios its sizes
  at each cut solved: ``stockpile.paths_asked``);
- a sensitivity analysis above ``settings.JOBS_SYNC_MAX_SWEEP_POINTS`` calculations
  (or the path-steps limit summed over its points);
- an export of a data list longer than a CSV/XLSX answer may be
  (``settings.EXPORT_MAX_ROWS``), up to ``settings.EXPORT_JOB_MAX_ROWS``;
- a published file's import above ``settings.IMPORT_SYNC_MAX_BYTES``, once the
  steward has seen its preview and confirmed (``submit_import``);
- a batch: one calculator over a grid of inputs (``{"reference_price": [100, 110],
  "flows.0.elasticity": [-0.5, -1]}``: every combination) or a list of requests; its
  result is one table, a row per calculation with the inputs that vary and the
  calculator's headline figures (``calculator.headline_keys``), and an ``error``
  column for a calculation that could not run.
"""

from __future__ import annotations

import base64
import logging
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext

from instruments.calculators import REGISTRY, get_calculator, progress, stockpile
from instruments.calculators.base import (
    NON_FIELD,
    InputError,
)
from instruments.calculators.limits import MAX_PATH_STEPS
from instruments.models import Job, JobKind, JobState
from instruments.models.jobs import DONE_STATES
from instruments.presentation.jsonify import json_value
from instruments.services import job_broker, job_limits, sensitivity
from instruments.services.batches import check_grid_names, expand_batch
from instruments.services.calculation import (
    calculation_payload,
    run_calculation,
    validate_calculation,
)
from instruments.services.imports import publishers

logger = logging.getLogger(__name__)


# --- what needs a job -----------------------------------------------------------------


def stockpile_paths(*, slug: str, data: Mapping[str, Any]) -> int:
    """Paths a stockpile request solves, from the raw data (0 for other calculators)."""
    return stockpile.paths_asked(data) if slug == stockpile.CALCULATOR.slug else 0


def needs_job(*, slug: str, data: Any) -> bool:
    """Whether a calculation is long work: a simulation above the sync limit (one
    above the request limit is left to the validation's 400)."""
    if not isinstance(data, Mapping):
        return False
    if stockpile_paths(slug=slug, data=data) > settings.JOBS_SYNC_MAX_STOCKPILE_PATHS:
        return True
    size = job_limits.simulation_size(data, slug=slug)
    if get_calculator(slug).work_steps is not None:
        # its own limit (paths × years) is checked when the job is submitted
        return size > settings.JOBS_SYNC_MAX_PATH_STEPS
    return settings.JOBS_SYNC_MAX_PATH_STEPS < size <= MAX_PATH_STEPS


def sweep_needs_job(*, request: sensitivity.Request) -> bool:
    """Whether a sensitivity request is long work: more calculations than
    ``JOBS_SYNC_MAX_SWEEP_POINTS``, or more simulated path-steps in all than
    ``JOBS_SYNC_MAX_PATH_STEPS``."""
    return (
        request.points > settings.JOBS_SYNC_MAX_SWEEP_POINTS
        or sum(_sweep_sizes(request)) > settings.JOBS_SYNC_MAX_PATH_STEPS
    )


def _sweep_sizes(request: sensitivity.Request) -> list[int]:
    return job_limits.sweep_sizes(
        base=request.base, variations=request.variations, points=request.points
    )


# --- submitting ------------------------------------------------------------------------


def submit_calculation(
    *, calculator: str, data: Mapping[str, Any], owner: Any, client: str = ""
) -> Job:
    """Validate now, compute on a worker. Raises InputError for bad fields,
    ``JobQuotaExceeded`` when the caller has its share of jobs already."""
    validate_calculation(slug=calculator, data=data)
    return _submit(
        kind=JobKind.CALCULATION,
        calculator=calculator,
        request=dict(data),
        owner=owner,
        client=client,
    )


def submit_sensitivity(
    *,
    request: sensitivity.Request,
    owner: Any,
    page_query: str = "",
    client: str = "",
) -> Job:
    """Validate the base calculation now, run the sweeps on a worker. ``page_query``
    is the sensitivity page's query string, for the page to show the result."""
    validate_calculation(slug=request.slug, data=request.base)
    job_limits.check_job_work(sizes=_sweep_sizes(request), owner=owner, where=("vary",))
    return _submit(
        kind=JobKind.SENSITIVITY,
        calculator=request.slug,
        request={
            "inputs": dict(request.base),
            "vary": [
                {"path": v.path, "values": list(v.values)} for v in request.variations
            ],
            "tornado": {
                "paths": request.tornado_paths,
                "change": request.change,
                "skip_refused": request.skip_refused,
            },
            "size": request.points,
            "page_query": page_query,
        },
        owner=owner,
        client=client,
    )


def submit_batch(
    *,
    calculator: str,
    owner: Any,
    base: Mapping[str, Any] | None = None,
    grid: Mapping[str, Sequence[Any]] | None = None,
    requests: Sequence[Mapping[str, Any]] | None = None,
    client: str = "",
) -> Job:
    """A batch job over a grid (every combination of the values, on ``base``) or a
    list of requests. Raises InputError for a malformed batch (the calculations'
    own errors are rows of the result)."""
    if calculator not in REGISTRY:
        raise InputError.at(
            ("calculator",),
            gettext("Unknown calculator '{calculator}'; known: {names}.").format(
                calculator=calculator, names=", ".join(sorted(REGISTRY))
            ),
        )
    if isinstance(grid, Mapping):
        check_grid_names(calculator=get_calculator(calculator), grid=grid, base=base)
    items = expand_batch(base=base, grid=grid, requests=requests)
    job_limits.check_job_work(
        requests=(data for _, data in items),
        owner=owner,
        where=("grid",) if grid else ("requests",),
    )
    return _submit(
        kind=JobKind.BATCH,
        calculator=calculator,
        request={
            "base": dict(base or {}),
            "grid": {k: list(v) for k, v in (grid or {}).items()},
            "requests": [dict(r) for r in requests or []],
            "size": len(items),
        },
        owner=owner,
        client=client,
    )


RUN_JOB_TASK = job_broker.RUN_JOB_TASK
"""The Celery task that runs a stored job (``tasks.run_job_task``)."""
SWEEP_TASK = "instruments.sweep_stale_jobs"
"""The Celery task beat runs to end stale jobs (``tasks.sweep_stale_jobs_task``)."""


def _owner(user: Any) -> Any:
    return user if user is not None and user.is_authenticated else None


def _submit(
    *,
    kind: str,
    calculator: str,
    request: dict[str, Any],
    owner: Any,
    client: str = "",
    quota: bool = True,
) -> Job:
    """Store a job (an anonymous caller owns none; its address is kept for its
    quota) and hand it to a worker. ``JobQuotaExceeded`` when the caller already has
    its share of jobs queued or running (``job_limits.check_quota``)."""
    if quota:
        job_limits.check_quota(owner=owner, client=client)
    job = Job.objects.create(
        kind=kind,
        calculator=calculator,
        request=request,
        owner=_owner(owner),
        client="" if _owner(owner) else client[:64],
    )
    dispatch(job=job)
    return job


def dispatch(*, job: Job, runners: Mapping[str, Runner] | None = None) -> None:
    """Hand the job to a worker once the job row is committed, or run it now with
    ``runners`` (the worker has its own table: ``tasks.py``). Each hand-over counts
    an attempt and restarts the sweeper's clock (``heartbeat_at``)."""
    Job.objects.filter(pk=job.pk).update(
        state=JobState.QUEUED, attempts=F("attempts") + 1, heartbeat_at=timezone.now()
    )
    if settings.CELERY_TASK_ALWAYS_EAGER:
        run_job(job_id=job.pk, runners=runners)
        job.refresh_from_db()
        return
    job_broker.send_job(str(job.pk))
    job.refresh_from_db()


def submit_export(
    *,
    export: Mapping[str, Any],
    rows: int,
    owner: Any,
    runners: Mapping[str, Runner],
    client: str = "",
) -> Job:
    """An export of a data list (already checked by its runner's ``check``): the
    list's address and how many rows it has. ``runners`` has the export's runner,
    which lives with the API's lists."""
    job_limits.check_quota(owner=owner, client=client)
    job = Job.objects.create(
        kind=JobKind.EXPORT,
        calculator="",
        request={**export, "size": rows},
        owner=_owner(owner),
        client="" if _owner(owner) else client[:64],
    )
    dispatch(job=job, runners=runners)
    return job


def submit_import(
    *,
    kind: str,
    file: bytes,
    file_name: str,
    country_codes: bytes | None,
    hs_revision: str | None,
    owner: Any,
    preview_checksum: str | None = None,
) -> Job:
    """A published file's import (previewed already) for a worker: the file travels
    in the job (base64), since the worker may be another machine."""
    return _submit(
        kind=JobKind.IMPORT,
        calculator="",
        request={
            "kind": kind,
            "file_name": file_name,
            "file": base64.b64encode(file).decode(),
            "country_codes": base64.b64encode(country_codes).decode()
            if country_codes
            else "",
            "hs_revision": hs_revision or "",
            "checksum": preview_checksum,
        },
        owner=owner,
        quota=False,  # a steward's confirmed import is never refused for a quota
    )


def run_import(*, job: Job) -> dict[str, Any]:
    """Import the job's file as its owner: the report as one row, or, if any row is
    bad (nothing is written then), an InputError naming the rows."""
    request = job.request
    codes = request.get("country_codes") or ""
    done = publishers.import_published_file(
        kind=request["kind"],
        file=base64.b64decode(request["file"]),
        file_name=request.get("file_name", ""),
        country_codes=base64.b64decode(codes) if codes else None,
        hs_revision=request.get("hs_revision") or None,
        user=job.owner,
        preview_checksum=request.get("checksum"),
    )
    report = done.report
    if report.stale:  # another import or an edit since the preview
        raise InputError.at(("file",), str(report.errors[0].message))
    errors = [str(e) for e in report.errors]
    if errors:  # the data changed since the preview: nothing was written
        more = f" … and {len(errors) - 20} more" if len(errors) > 20 else ""
        raise InputError.at(
            ("file",), "Nothing was imported: " + "; ".join(errors[:20]) + more
        )
    return {
        "columns": ["file", "rows", "new", "updated", "unchanged"],
        "rows": [
            {
                "file": request.get("file_name", ""),
                "rows": report.total_rows,
                "new": report.new,
                "updated": report.updated,
                "unchanged": report.unchanged,
            }
        ],
    }


# --- running ---------------------------------------------------------------------------

Reporter = Callable[[float], None]
Runner = Callable[[Job, Reporter], Any]


class JobStopped(Exception):
    """Raised at a progress report when the job is no longer this run's: cancelled
    by its owner, failed or handed to another worker by the sweeper."""


def run_job(
    *, job_id: uuid.UUID | str, runners: Mapping[str, Runner] | None = None
) -> None:
    """Run one job to its end with its kind's runner in ``runners`` (default:
    ``RUNNERS``); every failure is recorded on the job, never raised.

    Only a queued job is taken (atomically), so a message delivered twice (acks_late,
    a worker lost) runs nothing; a job re-run from the start overwrites its own
    result. The run is this attempt's: once the job is cancelled or handed on, its
    progress reports stop it (``JobStopped``) and its end is not written."""
    table = runners if runners is not None else RUNNERS
    job = Job.objects.get(pk=job_id)
    now = timezone.now()
    taken = Job.objects.filter(
        pk=job.pk, state=JobState.QUEUED, attempts=job.attempts
    ).update(state=JobState.RUNNING, started=now, heartbeat_at=now, progress=0)
    if not taken:
        return  # done, cancelled, or running elsewhere
    mine = Q(pk=job.pk, state=JobState.RUNNING, attempts=job.attempts)
    report = _progress_reporter(mine)
    try:
        result = table[job.kind](job, report)
    except JobStopped:
        logger.info("job %s stopped: no longer this run's", job.pk)
    except InputError as exc:
        _finish(mine, JobState.FAILED, error=exc.errors)
    except SoftTimeLimitExceeded:
        limit = settings.JOB_TIME_LIMIT_SECONDS
        _finish(
            mine,
            JobState.FAILED,
            error={
                NON_FIELD: [
                    f"The job took longer than its limit of {limit:,} seconds and "
                    "was stopped; try a smaller one."
                ]
            },
        )
    except Exception:
        logger.exception("job %s failed", job.pk)
        _finish(
            mine,
            JobState.FAILED,
            error={NON_FIELD: ["The job failed on the server; it has been logged."]},
        )
    else:
        _finish(mine, JobState.SUCCEEDED, result=result)


def run_calculation_job(job: Job, report: Reporter) -> dict[str, Any]:
    """One calculation; the simulation reports after each chunk of paths."""
    with progress.reporting_to(report):
        calculation = run_calculation(slug=job.calculator, data=job.request)
    return calculation_payload(calculation=calculation)


def run_sensitivity_job(job: Job, report: Reporter) -> dict[str, Any]:
    """A sensitivity analysis, reporting as its calculations run."""
    with progress.reporting_to(report):
        return sensitivity.analyse(
            request=sensitivity.read_request(
                slug=job.calculator,
                body={
                    k: v
                    for k, v in job.request.items()
                    if k in sensitivity.REQUEST_KEYS
                },
            )
        )


def run_batch_job(job: Job, report: Reporter) -> dict[str, Any]:
    return run_batch(slug=job.calculator, request=job.request, report=report)


def run_import_job(job: Job, report: Reporter) -> dict[str, Any]:
    return run_import(job=job)


RUNNERS: Mapping[str, Runner] = {
    JobKind.CALCULATION: run_calculation_job,
    JobKind.SENSITIVITY: run_sensitivity_job,
    JobKind.BATCH: run_batch_job,
    JobKind.IMPORT: run_import_job,
}
"""Each job kind's runner. An export runs an API list's own filters and serializer,
which sit above the services: ``api.exports.JOB_RUNNERS`` is this table with it."""


def run_batch(
    *, slug: str, request: Mapping[str, Any], report: Callable[[float], None]
) -> dict[str, Any]:
    """Every calculation of a batch: ``{"columns", "rows"}``, one row each."""
    calculator = get_calculator(slug)
    items = expand_batch(
        base=request.get("base"),
        grid=request.get("grid") or None,
        requests=request.get("requests") or None,
    )
    varied: list[str] = []
    for inputs, _ in items:
        varied.extend(k for k in inputs if k not in varied)
    headline = list(calculator.headline_keys)
    rows = []
    n = len(items)
    for i, (inputs, data) in enumerate(items):
        row: dict[str, Any] = {"index": i, **inputs}
        try:
            with progress.reporting_to(report), progress.within(i / n, (i + 1) / n):
                summary = run_calculation(slug=slug, data=data).result.summary
            row.update({key: json_value(summary.get(key)) for key in headline})
            row["error"] = ""
        except InputError as exc:
            row["error"] = str(exc)
        rows.append(row)
        report((i + 1) / n)
    return {"columns": ["index", *varied, *headline, "error"], "rows": rows}


PROGRESS_INTERVAL_SECONDS = 0.25
"""Least time between two progress writes (each also a heartbeat and the check for a
cancellation)."""


def _heartbeat_seconds() -> float:
    """A report writes at least this often even without new progress: well inside
    ``JOBS_STALE_SECONDS``, so the sweeper never takes a live job for a dead one."""
    return max(settings.JOBS_STALE_SECONDS / 4, PROGRESS_INTERVAL_SECONDS)


def _progress_reporter(mine: Q) -> Callable[[float], None]:
    """Write progress (whole per cents) and the heartbeat at most every
    ``PROGRESS_INTERVAL_SECONDS``; raise ``JobStopped`` when the write finds the job
    no longer this run's (cancelled, or failed or re-queued by the sweeper)."""
    last = {"percent": -1, "at": 0.0}

    def report(fraction: float) -> None:
        percent = min(99, int(fraction * 100))
        now = time.monotonic()
        since = now - last["at"]
        if since < PROGRESS_INTERVAL_SECONDS:
            return
        if percent <= last["percent"] and since < _heartbeat_seconds():
            return
        percent = max(percent, int(last["percent"]), 0)
        if not Job.objects.filter(mine).update(
            progress=percent, heartbeat_at=timezone.now()
        ):
            raise JobStopped
        last.update(percent=percent, at=now)

    return report


def _finish(mine: Q, state: str, *, result: Any = None, error: Any = None) -> None:
    """Write the job's end (if it is still this run's). A connection that dropped
    while the job ran fails the first write: then it is closed and the write tried
    once more on a new one, so a job is not left ``running``."""
    values = {
        "state": state,
        "progress": 100,
        "result": result,
        "error": json_value(error) if error is not None else None,
        "finished": timezone.now(),
    }
    try:
        Job.objects.filter(mine).update(**values)
    except DatabaseError:
        logger.warning("writing a job's end failed; retrying on a new connection")
        _reconnect()
        Job.objects.filter(mine).update(**values)


def _reconnect() -> None:
    """Drop this thread's database connection (the next query opens a new one)."""
    try:
        connection.close()
    except DatabaseError:  # closing a broken connection may fail too
        connection.connection = None


# --- ending jobs that would never end --------------------------------------------------

MAX_ATTEMPTS = 2
SILENT_KINDS = (JobKind.IMPORT,)
"""Job kinds whose runner reports no progress, hence writes no heartbeat."""
"""A job is handed to a worker at most this often (once more after a lost worker or
a lost queue), then failed."""


def _stale_failure(job: Job) -> dict[str, list[str]]:
    if job.state == JobState.RUNNING:
        times = "once" if job.attempts == 1 else f"{job.attempts} times"
        return {NON_FIELD: [f"The worker stopped; the job was tried {times}."]}
    return {
        NON_FIELD: [
            "The job was lost from the queue before a worker took it; it was sent "
            f"{job.attempts} times."
        ]
    }


def sweep_stale_jobs(
    *,
    now: datetime | None = None,
    job_id: Any = None,
    in_broker: Callable[[Job], bool] | None = None,
    send: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """End what would never end: a ``running`` job whose heartbeat is older than
    ``JOBS_STALE_SECONDS`` (its worker died), and a ``queued`` one older than
    ``JOBS_QUEUE_STALE_SECONDS`` that the broker does not hold (the queue was lost).
    Each is handed to a worker again while it has had fewer than ``MAX_ATTEMPTS``,
    else failed. ``job_id`` sweeps that one job only (a read of its status);
    ``in_broker`` and ``send`` stand in for the broker in tests. Counts by outcome."""
    now = now or timezone.now()
    in_broker = in_broker or job_broker.broker_holds
    send = send or _resend
    stale = timedelta(seconds=settings.JOBS_STALE_SECONDS)
    # An import reports no progress: it is taken for dead only once past its limit.
    silent = max(stale, timedelta(seconds=settings.JOB_TIME_LIMIT_SECONDS + 60))
    running = Q(state=JobState.RUNNING) & (
        Q(heartbeat_at__lt=now - stale) & ~Q(kind__in=SILENT_KINDS)
        | Q(heartbeat_at__lt=now - silent, kind__in=SILENT_KINDS)
    )
    queued = Q(
        state=JobState.QUEUED,
        heartbeat_at__lt=now - timedelta(seconds=settings.JOBS_QUEUE_STALE_SECONDS),
    )
    candidates = Job.objects.filter(running | queued)
    if job_id is not None:
        candidates = candidates.filter(pk=job_id)
    counts = {"requeued": 0, "failed": 0}
    for job in candidates.order_by("heartbeat_at")[:500]:
        if job.state == JobState.QUEUED and in_broker(job):
            continue  # waiting behind other work: the queue is long, not lost
        same = Q(pk=job.pk, state=job.state, attempts=job.attempts)
        if job.attempts < MAX_ATTEMPTS:
            if Job.objects.filter(same).update(
                state=JobState.QUEUED,
                attempts=F("attempts") + 1,
                heartbeat_at=now,
                progress=0,
            ):
                logger.warning("job %s was %s and stale: sent again", job.pk, job.state)
                send(str(job.pk))
                counts["requeued"] += 1
        elif Job.objects.filter(same).update(
            state=JobState.FAILED,
            progress=100,
            error=_stale_failure(job),
            finished=now,
        ):
            logger.warning("job %s was %s and stale: failed", job.pk, job.state)
            counts["failed"] += 1
    return counts


def _resend(job_id: str) -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER:  # no broker: run it here (the demo)
        run_job(job_id=job_id)
        return
    job_broker.send_job(job_id)


# --- cancelling ------------------------------------------------------------------------

CANCELLED_ERROR = {NON_FIELD: ["The job was cancelled."]}


def cancel_job(*, job: Job) -> bool:
    """Cancel a queued or running job (the caller checked it may: ``get_job``): it is
    marked ``cancelled`` at once, its task revoked, and a running one stops at its
    next progress report. False if it had already ended."""
    done = Job.objects.filter(
        pk=job.pk, state__in=(JobState.QUEUED, JobState.RUNNING)
    ).update(state=JobState.CANCELLED, error=CANCELLED_ERROR, finished=timezone.now())
    job.refresh_from_db()
    if not done:
        return False
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        from webapp.celery import app

        try:
            app.control.revoke(str(job.pk))
        except Exception:  # the runner stops itself anyway
            logger.warning("could not revoke job %s", job.pk, exc_info=True)
    return True


# --- reading ---------------------------------------------------------------------------


def get_job(*, job_id: Any, user: Any) -> Job | None:
    """The job if this user may read it: their own, or an anonymous one (its id is
    the secret). Another user's job does not exist for you."""
    try:
        job = Job.objects.get(pk=uuid.UUID(str(job_id)))
    except (ValueError, Job.DoesNotExist):
        return None
    if job.owner_id is not None and (
        user is None or not user.is_authenticated or job.owner_id != user.pk
    ):
        return None
    return job


def job_status(*, job_id: Any, user: Any) -> Job | None:
    """``get_job`` for a read of the job's status: a job that would never end (see
    ``sweep_stale_jobs``) is swept first, so its reader sees it move on even where no
    beat runs the sweeper."""
    job = get_job(job_id=job_id, user=user)
    if job is not None and job.state not in DONE_STATES:
        try:
            if any(sweep_stale_jobs(job_id=job.pk).values()):
                job.refresh_from_db()
        except Exception:  # a read never fails for the sweeper's sake
            logger.warning("sweeping job %s failed", job.pk, exc_info=True)
    return job


def list_jobs(*, user: Any, limit: int = 100) -> list[Job]:
    """A signed-in user's newest jobs (anonymous jobs are listed to no one)."""
    if user is None or not user.is_authenticated:
        return []
    return list(Job.objects.filter(owner=user).order_by("-created")[:limit])

"""How much work a request asks for, and the bounds on it (issue #24): what a page
computes at once, how much one job may hold, and how many jobs one client may have
waiting or running.

- ``simulation_size``: the paths × steps a calculation simulates, read from the raw
  request before anything is built.
- ``check_runs_now``: a calculation a page (a briefing PDF, a comparison, the
  sensitivity page, a scenario's page) computes in the request must be within
  ``JOBS_SYNC_MAX_PATH_STEPS``; a larger one is refused with the reason, beside the
  field (the API sends it to a worker instead).
- ``check_job_work``: a batch or a sensitivity job may hold at most
  ``JOBS_MAX_WORK_PATH_STEPS`` simulated path-steps in all (an anonymous caller's:
  ``JOBS_MAX_WORK_PATH_STEPS_ANONYMOUS``).
- ``check_quota``: a signed-in user may have ``JOBS_MAX_ACTIVE_PER_USER`` jobs queued or
  running at once, an anonymous client (by address) ``JOBS_MAX_ACTIVE_ANONYMOUS``;
  one more is refused (``JobQuotaExceeded``: the API answers 429).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.utils.translation import gettext

from instruments.calculators import REGISTRY
from instruments.calculators.base import InputError
from instruments.models import Job, JobState

DEFAULT_STEPS = 120  # a simulation on stored prices: its periods are not known yet
DEFAULT_PATHS = 10_000  # the declared default of ``simulation.paths``


def simulation_size(data: Any, *, slug: str | None = None) -> int:
    """Paths × steps a request asks for (0 without a simulation), from the raw data:
    ``simulation.paths`` (its declared default when absent) times the calculator's
    ``work_steps`` when it declares them (``slug`` given), else the periods given,
    else ``simulation.steps``, else ``DEFAULT_STEPS``."""
    if not isinstance(data, Mapping):
        return 0
    simulation = data.get("simulation")
    if not isinstance(simulation, Mapping):
        return 0
    paths = _integer(simulation.get("paths"), default=DEFAULT_PATHS)
    periods = data.get("periods")
    calculator = REGISTRY.get(slug) if slug else None
    if calculator is not None and calculator.work_steps is not None:
        steps = calculator.work_steps(data)
    elif isinstance(periods, list | tuple):
        steps = len(periods)
    elif isinstance(periods, str) and periods:
        steps = len(periods.split(","))
    else:
        steps = _integer(simulation.get("steps"), default=DEFAULT_STEPS)
    return max(paths, 0) * max(steps, 1)


def _integer(value: Any, *, default: int) -> int:
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return default
    if number != number or number in (float("inf"), float("-inf")):
        return default
    return int(number)


# --- what a page computes at once ------------------------------------------------------


def check_runs_now(data: Any, *, slug: str | None = None) -> None:
    """InputError (at ``simulation.paths``) when a calculation simulates more than
    ``JOBS_SYNC_MAX_PATH_STEPS`` paths × steps: a page does not compute it in the
    request. One above the request limit is left to the validation's own 400."""
    size = simulation_size(data, slug=slug)
    limit = settings.JOBS_SYNC_MAX_PATH_STEPS
    if size > limit:
        raise InputError.at(
            ("simulation", "paths"),
            f"This simulation has {size:,} paths × steps, more than the {limit:,} a "
            "page computes at once. Use fewer paths here, or send it to a worker as "
            "a job (POST /api/v1/jobs/ or the calculator's API address).",
        )


def pages_work_problem(requests: Iterable[Any]) -> str:
    """Why several calculations (a comparison's scenarios) are too much for one page,
    or an empty string: more than ``JOBS_SYNC_MAX_PATH_STEPS`` path-steps in all."""
    total = sum(simulation_size(data) for data in requests)
    limit = settings.JOBS_SYNC_MAX_PATH_STEPS
    if total <= limit:
        return ""
    return gettext(
        "These scenarios simulate {total} paths × steps in all, more than the "
        "{limit} a page computes at once; compare fewer or smaller ones."
    ).format(total=f"{total:,}", limit=f"{limit:,}")


# --- how much one job may hold ----------------------------------------------------------


def _signed_in(owner: Any) -> bool:
    return owner is not None and bool(getattr(owner, "is_authenticated", False))


def work_limit(owner: Any) -> int:
    """Simulated path-steps one job of this caller may hold in all."""
    if _signed_in(owner):
        return int(settings.JOBS_MAX_WORK_PATH_STEPS)
    return int(settings.JOBS_MAX_WORK_PATH_STEPS_ANONYMOUS)


def check_job_work(
    *,
    owner: Any,
    where: tuple[str, ...],
    requests: Iterable[Any] = (),
    sizes: Iterable[int] = (),
) -> None:
    """InputError at ``where`` when the calculations of one job (``requests``, or
    their ``sizes``) simulate more path-steps in all than ``work_limit`` (an
    anonymous batch of 2,000 simulations of 12 million path-steps each is refused,
    not queued for hours)."""
    total = sum(simulation_size(data) for data in requests) + sum(sizes)
    limit = work_limit(owner)
    if total > limit:
        who = "" if _signed_in(owner) else " without signing in"
        raise InputError.at(
            where,
            f"This job would simulate {total:,} paths × steps in all; at most "
            f"{limit:,} are allowed in one job{who}. Use fewer paths or fewer "
            "calculations.",
        )


# --- how many jobs one client may have --------------------------------------------------

ACTIVE_STATES = (JobState.QUEUED, JobState.RUNNING)


class JobQuotaExceeded(Exception):
    """The client has as many jobs queued or running as it may: the API answers 429,
    a page says so."""


def active_jobs(*, owner: Any, client: str) -> int:
    """Jobs queued or running for this signed-in user, or for this anonymous client
    address."""
    active = Job.objects.filter(state__in=ACTIVE_STATES)
    if _signed_in(owner):
        return active.filter(owner=owner).count()
    return active.filter(owner__isnull=True, client=client).count()


def check_quota(*, owner: Any, client: str) -> None:
    """Raise ``JobQuotaExceeded`` when the caller already has its share of jobs
    waiting or running: ``JOBS_MAX_ACTIVE_PER_USER`` for a signed-in user,
    ``JOBS_MAX_ACTIVE_ANONYMOUS`` per address for anonymous callers."""
    limit = int(
        settings.JOBS_MAX_ACTIVE_PER_USER
        if _signed_in(owner)
        else settings.JOBS_MAX_ACTIVE_ANONYMOUS
    )
    active = active_jobs(owner=owner, client=client)
    if active >= limit:
        raise JobQuotaExceeded(
            gettext(
                "You have {active} jobs queued or running, the most allowed at once "
                "({limit}); wait for one to end or cancel one, then try again."
            ).format(active=active, limit=limit)
        )


def sweep_sizes(
    *, base: Mapping[str, Any], variations: Iterable[Any], points: int
) -> list[int]:
    """The path-steps of each calculation of a sensitivity request: a swept value of
    ``simulation.paths`` (or anything else) counted as it will run; the tornado's
    calculations at the base's size."""
    from instruments.services.batches import set_path

    base_size = simulation_size(base)
    sizes: list[int] = []
    for variation in variations:
        for value in variation.values:
            if str(variation.path).startswith("simulation."):
                data = copy.deepcopy(dict(base))
                try:
                    set_path(data=data, dotted=str(variation.path), value=value)
                except (KeyError, IndexError, TypeError, ValueError):
                    sizes.append(base_size)
                    continue
                sizes.append(simulation_size(data))
            else:
                sizes.append(base_size)
    sizes.extend([base_size] * max(points - len(sizes), 0))
    return sizes

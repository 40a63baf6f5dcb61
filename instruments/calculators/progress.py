"""How far a long calculation has gone, for whoever is watching (a job's progress bar).

A calculator reports fractions (0–1) at natural checkpoints, e.g. after each chunk of
simulated paths; nobody is watching unless a caller set a reporter for the duration of
a call with ``reporting_to``. A context variable, not an argument, so the calculators'
signatures stay ``run(inputs)`` and a batch can nest calculations inside its own
progress (``within``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

Reporter = Callable[[float], None]

_reporter: ContextVar[Reporter | None] = ContextVar("progress_reporter", default=None)


def report(fraction: float) -> None:
    """Tell the current reporter, if any, that ``fraction`` (0–1) of the work is done."""
    reporter = _reporter.get()
    if reporter is not None:
        reporter(min(max(fraction, 0.0), 1.0))


@contextmanager
def reporting_to(reporter: Reporter | None) -> Iterator[None]:
    """Send this block's reports to ``reporter`` (None: to nobody)."""
    token = _reporter.set(reporter)
    try:
        yield
    finally:
        _reporter.reset(token)


@contextmanager
def within(start: float, end: float) -> Iterator[None]:
    """Map this block's 0–1 onto ``start``–``end`` of the enclosing work: the third of
    four calculations reports 0.5–0.75 of the batch."""
    outer = _reporter.get()
    if outer is None:
        yield
        return
    with reporting_to(lambda fraction: outer(start + (end - start) * fraction)):
        yield

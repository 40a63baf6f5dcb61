"""Anonymous and per-user request rates, read from settings at request time.

DRF's own throttles copy ``DEFAULT_THROTTLE_RATES`` into a class attribute when they are
imported, so a changed setting (a test's ``settings`` fixture, a reloaded config) would be
ignored. These read the current setting on every request, and count by
``webapp.security.client_ip`` (a forwarded address is believed only from the configured
``NUM_PROXIES``). ``throttle_page`` applies the same rates, with the same counts, to the
pages that run calculations.

They count in two fixed windows of the rate's duration rather than DRF's list of
every request's time: DRF reads and writes the whole list on each request, so a
client's cost grows with its rate (at a few thousand requests an hour, 100 KB through
Redis and a list insert every request). Here a request reads two counters
and writes one (on Redis, one round trip: ``count_request``). The count over the last ``duration`` seconds is the current window's
count plus the previous window's, weighted by the share of it still inside (the
usual sliding-window estimate: exact for steady traffic, never more than the rate in
any window of the duration and at most the rate's worth early in a burst).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, cast

import redis
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from webapp.cache import warn_once_a_minute
from webapp.security import client_ip


class _CurrentRateMixin:
    scope: str | None

    def get_rate(self) -> str | None:
        # drf-stubs type the rates as numbers; DRF's values are strings like "100/min".
        rates = cast(
            Mapping[str | None, str | None], api_settings.DEFAULT_THROTTLE_RATES
        )
        return rates.get(self.scope)

    def get_ident(self, request: Any) -> str:
        """The client address, trusting X-Forwarded-For only from NUM_PROXIES."""
        return client_ip(request)


class _WindowCountMixin:
    """Two counters per client instead of DRF's list of times (module docstring)."""

    rate: str | None
    num_requests: int
    duration: int
    key: str | None
    timer: Any
    cache: Any
    get_cache_key: Any  # DRF's anonymous and user throttles'

    def allow_request(self, request: Any, view: Any) -> bool:
        if self.rate is None:
            return True
        try:
            return self._count_and_allow(request, view)
        except redis.RedisError as error:  # Redis down or refusing writes
            # Fail open: a site without rate limits for a while beats one that
            # answers nothing but 500s (#24).
            warn_once_a_minute("throttle not counted, request let through", error)
            return True

    def _count_and_allow(self, request: Any, view: Any) -> bool:
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        now = float(self.timer())
        window = int(now // self.duration)
        current, previous = f"{self.key}:{window}", f"{self.key}:{window - 1}"
        # The window is read for two durations: as the current one, then the previous.
        keep = 2 * self.duration
        self._into = now - window * self.duration  # seconds into the window
        count_request = getattr(self.cache, "count_request", None)
        if count_request is not None:
            # Redis (webapp/cache.py): counted and read in one round trip; a refused
            # request is taken off again, so only admitted requests count.
            self._current, self._previous = count_request(current, previous, keep)
            if self._estimate(self._into) >= self.num_requests:
                self.cache.decr(current)
                return False
            self._current += 1
            return True
        counts = self.cache.get_many([current, previous])
        self._current = int(counts.get(current, 0))
        self._previous = int(counts.get(previous, 0))
        if self._estimate(self._into) >= self.num_requests:
            return False
        self._current += 1
        self.cache.set(current, self._current, keep)
        return True

    def _estimate(self, into: float) -> float:
        share_left = max(0.0, 1.0 - into / self.duration)
        return self._current + self._previous * share_left

    def wait(self) -> float | None:
        """Whole seconds until the count over the last ``duration`` is below the
        rate (if no more requests come): the first second strictly after it."""
        d, n = float(self.duration), float(self.num_requests)
        if self._current < n and self._previous > 0:
            # the previous window's weight falls to (n - current) / previous
            seconds = d * (1.0 - (n - self._current) / self._previous) - self._into
        else:
            # this window alone is full: into the next, until its weight is low enough
            seconds = (d - self._into) + d * max(0.0, 1.0 - n / max(self._current, 1))
        return max(1.0, math.floor(seconds) + 1.0)


class AnonThrottle(_WindowCountMixin, _CurrentRateMixin, AnonRateThrottle):
    """Requests without a login, counted per client address."""


class UserThrottle(_WindowCountMixin, _CurrentRateMixin, UserRateThrottle):
    """Requests with a login or token, counted per user. Anonymous requests are
    ``AnonThrottle``'s alone: DRF's user throttle would count them a second time by
    address under the user rate (two more Redis round trips a request)."""

    def allow_request(self, request: Any, view: Any) -> bool:
        user = getattr(request, "user", None)
        if not (user and user.is_authenticated):
            return True
        return super().allow_request(request, view)


def throttle_wait(request: Any) -> float | None:
    """None when ``request`` is within its rate, else the seconds to wait. Used by
    the HTML pages that run calculations: the same rates and counts as the API."""
    throttle = (
        UserThrottle()
        if getattr(request, "user", None) and request.user.is_authenticated
        else AnonThrottle()
    )
    if throttle.allow_request(request, cast(Any, None)):  # no view: a page
        return None
    return throttle.wait() or 1.0

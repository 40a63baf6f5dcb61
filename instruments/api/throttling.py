"""Anonymous and per-user request rates, read from settings at request time.

DRF's own throttles copy ``DEFAULT_THROTTLE_RATES`` into a class attribute when they are
imported, so a changed setting (a test's ``settings`` fixture, a reloaded config) would be
ignored. These read the current setting on every request, and count by
``webapp.security.client_ip`` (a forwarded address is believed only from the configured
``NUM_PROXIES``); otherwise they are DRF's. ``throttle_page`` applies the same rates,
with the same counts, to the pages that run calculations.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

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


class AnonThrottle(_CurrentRateMixin, AnonRateThrottle):
    """Requests without a login, counted per client address."""


class UserThrottle(_CurrentRateMixin, UserRateThrottle):
    """Requests with a login or token, counted per user. Anonymous requests are
    ``AnonThrottle``'s alone: DRF's user throttle would count them a second time by
    address under the user rate (two more Redis round trips a request, issue #14)."""

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

"""Anonymous and per-user request rates, read from settings at request time.

DRF's own throttles copy ``DEFAULT_THROTTLE_RATES`` into a class attribute when they are
imported, so a changed setting (a test's ``settings`` fixture, a reloaded config) would be
ignored. These read the current setting on every request; otherwise they are DRF's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class _CurrentRateMixin:
    scope: str | None

    def get_rate(self) -> str | None:
        # drf-stubs type the rates as numbers; DRF's values are strings like "100/min".
        rates = cast(
            Mapping[str | None, str | None], api_settings.DEFAULT_THROTTLE_RATES
        )
        return rates.get(self.scope)


class AnonThrottle(_CurrentRateMixin, AnonRateThrottle):
    """Requests without a login, counted per client address."""


class UserThrottle(_CurrentRateMixin, UserRateThrottle):
    """Requests with a login or token, counted per user."""

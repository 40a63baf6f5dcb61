"""A user's live API keys."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from instruments.models import ApiKey


def get_api_keys(user: Any) -> dict[str, ApiKey]:
    """The user's live API keys by scope (``account``, ``spreadsheet``)."""
    live = ApiKey.objects.filter(
        user=user, revoked__isnull=True, expires__gt=timezone.now()
    ).order_by("created")
    return {key.scope: key for key in live}

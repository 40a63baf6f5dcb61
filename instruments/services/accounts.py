"""API keys: issue, replace and revoke a user's account token and spreadsheet key.

Keys are random (``secrets.token_urlsafe``) and stored only as their SHA-256 hash, so
the plain key exists once: in the answer that creates it. A user has at most one live
key of each scope; issuing a new one revokes the old.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from instruments.models import ApiKey, ApiKeyScope

# How precisely "last used" is kept (the admin shows it; a minute is precise enough).
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)

SCOPE_PREFIX = {ApiKeyScope.ACCOUNT: "acct", ApiKeyScope.SPREADSHEET: "sheet"}


@dataclass(frozen=True)
class IssuedKey:
    """A key just made: the stored record and the plain key, to show once."""

    record: ApiKey
    key: str


def hash_key(*, key: str) -> str:
    """The stored form of a key (keys are long and random, so one SHA-256 suffices)."""
    return hashlib.sha256(key.encode()).hexdigest()


def lifetime(*, scope: str) -> dt.timedelta:
    days = (
        settings.API_TOKEN_DAYS
        if scope == ApiKeyScope.ACCOUNT
        else settings.SPREADSHEET_KEY_DAYS
    )
    return dt.timedelta(days=days)


def issue_key(*, user: Any, scope: str = ApiKeyScope.ACCOUNT) -> IssuedKey:
    """A new key of ``scope`` for ``user``; the previous one of that scope stops
    working."""
    revoke_key(user=user, scope=scope)
    key = f"{SCOPE_PREFIX[ApiKeyScope(scope)]}_{secrets.token_urlsafe(32)}"
    record = ApiKey.objects.create(
        user=user,
        scope=scope,
        prefix=key[:10],
        hashed_key=hash_key(key=key),
        expires=timezone.now() + lifetime(scope=scope),
    )
    return IssuedKey(record, key)


def revoke_key(*, user: Any, scope: str = ApiKeyScope.ACCOUNT) -> None:
    """Revoke the user's live key of ``scope``, if any."""
    ApiKey.objects.filter(user=user, scope=scope, revoked__isnull=True).update(
        revoked=timezone.now()
    )


def find_live_key(*, key: str) -> ApiKey | None:
    """The live (not revoked, not expired) record of a plain key, marked as used."""
    if not key or len(key) > 200:
        return None
    record = (
        ApiKey.objects.select_related("user")
        .filter(
            hashed_key=hash_key(key=key),
            revoked__isnull=True,
            expires__gt=timezone.now(),
        )
        .first()
    )
    now = timezone.now()
    if record is not None and (
        record.last_used is None or now - record.last_used > LAST_USED_RESOLUTION
    ):
        # One write a minute per key, not one per request: a read stays a read.
        ApiKey.objects.filter(pk=record.pk).update(last_used=now)
    return record

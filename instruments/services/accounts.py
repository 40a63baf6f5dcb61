"""API tokens: issue, replace and revoke a user's token."""

from __future__ import annotations

from typing import Any

from rest_framework.authtoken.models import Token


def get_or_create_token(*, user: Any) -> Token:
    """The user's token, created on first use (the same token until revoked)."""
    token, _ = Token.objects.get_or_create(user=user)
    return token


def replace_token(*, user: Any) -> Token:
    """A new token for ``user``; the old one stops working."""
    revoke_token(user=user)
    return Token.objects.create(user=user)


def revoke_token(*, user: Any) -> None:
    """Revoke the user's token, if any."""
    Token.objects.filter(user=user).delete()

"""API keys: the account token in a header, the read-only spreadsheet key in the URL.

- ``Authorization: Token <account token>`` acts as the user (reads and writes).
- ``?token=<spreadsheet key>`` is for spreadsheet functions that cannot send headers
  (Google Sheets ``IMPORTDATA``, Excel and LibreOffice ``WEBSERVICE``). Only needed
  where ``REQUIRE_LOGIN`` closes reads to anonymous users. It is its own key, scoped to
  reads: accepted on GET and HEAD only, refused for any write even in the header, so a
  key that leaks through a URL (browser history, proxy logs) can read but never write.
  An account token in the URL is refused, so it never lands in a log.

Keys are stored hashed (``services.accounts``), expire and can be revoked.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request

from instruments.models import ApiKey, ApiKeyScope
from instruments.services import accounts

QUERY_TOKEN_PARAMETER = "token"


def _live_key(key: str) -> ApiKey:
    record = accounts.find_live_key(key=key)
    if record is None or not record.user.is_active:
        raise exceptions.AuthenticationFailed("Invalid, expired or revoked key.")
    return record


class HashedTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``: an account token, or a spreadsheet key for
    reads only."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        record = _live_key(key)
        request = getattr(self, "_request", None)
        if record.scope != ApiKeyScope.ACCOUNT and (
            request is None or request.method not in SAFE_METHODS
        ):
            raise exceptions.PermissionDenied(
                gettext(
                    "A spreadsheet key can only read; send your account token to write."
                )
            )
        return record.user, record

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        self._request = request
        return super().authenticate(request)


class QueryStringTokenAuthentication(TokenAuthentication):
    """``?token=<spreadsheet key>`` on safe methods only."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        key = request.query_params.get(QUERY_TOKEN_PARAMETER)
        if not key:
            return None
        if request.method not in SAFE_METHODS:
            raise exceptions.PermissionDenied(
                gettext(
                    "A key in the URL can only read; send your account token in the "
                    "Authorization header to write."
                )
            )
        record = _live_key(key)
        if record.scope != ApiKeyScope.SPREADSHEET:
            raise exceptions.AuthenticationFailed(
                "Account tokens are not accepted in the URL (URLs end up in logs); "
                "create a read-only spreadsheet key on /account/tokens/."
            )
        return record.user, record

    def authenticate_header(self, request: Request) -> str:
        return "Token"


class HashedTokenScheme(OpenApiAuthenticationExtension):
    """Documents the header token in the OpenAPI schema."""

    target_class = HashedTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Token-based authentication with required prefix "
            '"Token" (an account token, or a spreadsheet key for reads).',
        }


class QueryStringTokenScheme(OpenApiAuthenticationExtension):
    """Documents the query-string spreadsheet key in the OpenAPI schema."""

    target_class = QueryStringTokenAuthentication
    name = "queryToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "query",
            "name": QUERY_TOKEN_PARAMETER,
            "description": "A read-only spreadsheet key (GET only).",
        }

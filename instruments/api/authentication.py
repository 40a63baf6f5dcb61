"""A read-only token in the query string, for spreadsheet functions that cannot send
headers (Google Sheets ``IMPORTDATA``, Excel and LibreOffice ``WEBSERVICE``).

Only needed where ``API_REQUIRE_LOGIN`` closes reads to anonymous users. It
authenticates GET and HEAD only, so a token that leaks through a URL (browser
history, proxy logs) can read but never write; scripts that write send the
``Authorization: Token`` header instead.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import TokenAuthentication
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request

QUERY_TOKEN_PARAMETER = "token"


class QueryStringTokenAuthentication(TokenAuthentication):
    """``?token=<key>`` on safe methods; the header form stays the one for writes."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        if request.method not in SAFE_METHODS:
            return None
        key = request.query_params.get(QUERY_TOKEN_PARAMETER)
        if not key:
            return None
        return self.authenticate_credentials(key)

    def authenticate_header(self, request: Request) -> str:
        return "Token"


class QueryStringTokenScheme(OpenApiAuthenticationExtension):
    """Documents the query-string token in the OpenAPI schema."""

    target_class = QueryStringTokenAuthentication
    name = "queryToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "query", "name": QUERY_TOKEN_PARAMETER}

"""Request plumbing that keeps the site safe behind (or without) a proxy.

- ``client_ip``: the client's address, trusting ``X-Forwarded-For`` only from the
  configured number of proxies (``NUM_PROXIES``); DRF's throttles, django-axes and the
  page throttle all count by it.
- ``lockout_parameters``: what django-axes locks (a username, an address; behind an
  unconfigured proxy the username only).
- ``lockout_response``: what django-axes answers once a username or address is locked
  out (JSON 429 on the API, a page elsewhere).
- ``LocalTracebacksOnlyMiddleware``: DEBUG tracebacks for loopback clients only.
- ``RequestSizeLimitMiddleware``: a 413 for any body over ``REQUEST_MAX_BYTES``
  (admin imports: ``IMPORT_MAX_UPLOAD_BYTES``), before the body is read.
- ``JsonErrorsForApiMiddleware``: a 413 JSON answer for an API body over the limit.
- ``SiteLoginRequiredMiddleware``: with ``REQUIRE_LOGIN`` every page needs a login.
"""

from __future__ import annotations

import ipaddress
import logging
import sys
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import resolve_url
from django.template.response import TemplateResponse
from django.views.defaults import (
    bad_request,
    page_not_found,
    permission_denied,
    server_error,
)


def client_ip(request: HttpRequest) -> str:
    """``REMOTE_ADDR``, or with ``NUM_PROXIES = n > 0`` the address the n-th proxy
    from the right saw (the last n entries of ``X-Forwarded-For`` are our proxies)."""
    remote = str(request.META.get("REMOTE_ADDR") or "")
    proxies = int(getattr(settings, "NUM_PROXIES", 0) or 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies <= 0 or not forwarded:
        return remote
    addresses = [a.strip() for a in str(forwarded).split(",") if a.strip()]
    if not addresses:
        return remote
    return addresses[-min(proxies, len(addresses))]


def behind_unconfigured_proxy(request: Any) -> bool:
    """A proxy stands in front but ``NUM_PROXIES`` does not say so: the request
    carries ``X-Forwarded-For`` from a private or loopback ``REMOTE_ADDR`` (a client
    on the internet has neither). Every visitor then shares the proxy's address."""
    meta = getattr(request, "META", None)
    if not isinstance(meta, dict) or int(getattr(settings, "NUM_PROXIES", 0) or 0):
        return False
    if not meta.get("HTTP_X_FORWARDED_FOR"):
        return False
    try:
        remote = ipaddress.ip_address(str(meta.get("REMOTE_ADDR") or ""))
    except ValueError:
        return False
    return remote.is_private or remote.is_loopback


_warned_at = {"proxy": 0.0}


def lockout_parameters(request_or_attempt: Any, credentials: Any = None) -> list[Any]:
    """What django-axes locks after ``AXES_FAILURE_LIMIT`` failed sign-ins: a
    username (whatever the address), and separately an address (whatever the
    username). Behind an unconfigured proxy (``behind_unconfigured_proxy``) the
    address is the proxy's, shared by everyone: locking it would lock every account,
    administrators included, after five bad passwords from anyone; there only the
    username is locked, and a warning says to set ``NUM_PROXIES``."""
    if not behind_unconfigured_proxy(request_or_attempt):
        return ["username", "ip_address"]
    now = time.monotonic()
    if now - _warned_at["proxy"] > 60:
        _warned_at["proxy"] = now
        logging.getLogger(__name__).warning(
            "X-Forwarded-For from %s but NUM_PROXIES is 0: sign-in lockouts by "
            "username only; set NUM_PROXIES to the number of proxies in front",
            request_or_attempt.META.get("REMOTE_ADDR"),
        )
    return ["username"]


def login_required_everywhere() -> bool:
    """``REQUIRE_LOGIN`` (or its older name ``API_REQUIRE_LOGIN``): pages and API
    closed to anonymous visitors."""
    return bool(
        getattr(settings, "REQUIRE_LOGIN", False)
        or getattr(settings, "API_REQUIRE_LOGIN", False)
    )


# Reachable without a login when the site is closed: signing in, the static files,
# the admin (its own login) and the API (DRF answers 401/403 and accepts tokens).
OPEN_PREFIXES = (
    "/accounts/login/",
    "/accounts/logout/",
    "/static/",
    "/admin/",
    "/api/",
)


class SiteLoginRequiredMiddleware:
    """With ``REQUIRE_LOGIN``, an anonymous visitor of any page is sent to log in."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            login_required_everywhere()
            and not request.user.is_authenticated
            and not request.path.startswith(OPEN_PREFIXES)
        ):
            return redirect_to_login(
                request.get_full_path(), resolve_url(settings.LOGIN_URL)
            )
        return self.get_response(request)


def is_api_path(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """Too many failed sign-ins: 429 for the username or address, with the cool-off."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = (
        "Too many failed sign-in attempts for this account or address; "
        f"try again in {minutes} minutes."
    )
    retry_after = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    response: HttpResponse
    if is_api_path(request):
        response = JsonResponse({"detail": message}, status=429)
    else:
        response = TemplateResponse(
            request,
            "registration/locked_out.html",
            {"message": message},
            status=429,
        )
        response.render()
    response["Retry-After"] = retry_after
    return response


def is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


class LocalTracebacksOnlyMiddleware:
    """With DEBUG on, a traceback page goes only to a client on this machine
    (``REMOTE_ADDR`` loopback, never a forwarded address); any other client gets the
    plain 500 page, so ``make run HOST=0.0.0.0`` shows no code to the network."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        if not settings.DEBUG or is_loopback(str(request.META.get("REMOTE_ADDR", ""))):
            return None  # Django's own handling (the debug page or the 500 page)
        if isinstance(exception, Http404):
            return page_not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return permission_denied(request, exception)
        if isinstance(exception, RequestDataTooBig | SuspiciousOperation):
            return bad_request(request, exception)
        logging.getLogger("django.request").error(
            "Internal Server Error: %s",
            request.path,
            exc_info=sys.exc_info(),
            extra={"status_code": 500, "request": request},
        )
        return server_error(request)


# Room for the form fields and multipart boundaries around an admin import's file.
MULTIPART_OVERHEAD_BYTES = 1_000_000


def request_max_bytes(request: HttpRequest) -> int:
    """The largest body ``request``'s route accepts: ``REQUEST_MAX_BYTES``, or in
    the admin (file imports) ``IMPORT_MAX_UPLOAD_BYTES`` and room for the form."""
    limit = int(settings.REQUEST_MAX_BYTES)
    if request.path.startswith("/admin/"):
        imports = int(settings.IMPORT_MAX_UPLOAD_BYTES) + MULTIPART_OVERHEAD_BYTES
        limit = max(limit, imports)
    return limit


class RequestSizeLimitMiddleware:
    """Any request whose ``Content-Length`` exceeds ``request_max_bytes`` is a 413
    before its body is read, on every route: without it a large multipart POST
    (to the login page, say) would be spooled to a temporary file first. A body
    without a length is not read by Django's WSGI handler at all."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = request_max_bytes(request)
        if length > limit:
            if is_api_path(request):
                return request_too_big_response(limit)
            size = f"{limit / 1_000_000:g} MB"
            return HttpResponse(
                f"The request body is larger than the {size} this site accepts.",
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        if "%00" in request.META.get("QUERY_STRING", "") or "\x00" in request.path:
            # No database text column holds a NUL: refuse it before any query does.
            message = "A NUL character (%00) is not allowed in an address."
            if is_api_path(request):
                return JsonResponse({"non_field_errors": [message]}, status=400)
            return HttpResponse(
                message, status=400, content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)


class JsonErrorsForApiMiddleware:
    """A body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` on the API is a JSON 413 (DRF would
    otherwise let Django answer with an HTML 400 page)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        length = request.META.get("CONTENT_LENGTH")
        if limit is not None and length and is_api_path(request):
            try:
                too_big = int(length) > limit
            except ValueError:
                too_big = False
            if too_big:
                return request_too_big_response(limit)
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        if isinstance(exception, RequestDataTooBig) and is_api_path(request):
            return request_too_big_response(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        return None


def request_too_big_response(limit: int | None) -> JsonResponse:
    size = f"{(limit or 0) / 1_000_000:g} MB"
    return JsonResponse(
        {"detail": f"The request body is larger than the {size} this API accepts."},
        status=413,
    )

"""HTML that is the same for everyone until the code or the stored data it shows
change, kept in the shared cache: fragments of a page (the example form, the
country picker) and the whole calculator page as an anonymous visitor first sees it.

Nothing is invalidated by hand. Every key holds ``code_version()`` (the templates,
the app's Python source and the static files' manifest, hashed once per process, so
a deployment starts afresh) and the versions of the stored tables the HTML lists
(``services/data_versions.py``), so a steward's edit reaches the next request on
every server and worker, and only for the pages that list the edited table.

A cached page is served only to a plain anonymous visit (a GET without a query
string, a session or pending messages), which is what it was rendered for. Its CSRF
token is taken out before it is stored and a fresh one is put in for each visitor
(``get_token``, so the CSRF middleware sets the cookie as for a rendered page).
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation
from django.utils.cache import patch_vary_headers

from instruments.presentation.numbers import current_format
from instruments.services import data_versions

APP_DIR = Path(__file__).resolve().parent
TOKEN_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
TOKEN_PLACEHOLDER = b"\x00csrf\x00"

Builders = Mapping[str, tuple[tuple[str, ...], Callable[[], Any]]]


@functools.cache
def code_version() -> str:
    """A digest of what renders the HTML: templates, the app's source and the static
    manifest (hashed file names). Computed once per process (a few milliseconds)."""
    digest = hashlib.sha256()
    engines: list[dict[str, Any]] = settings.TEMPLATES
    template_dirs = [d for engine in engines for d in engine.get("DIRS", [])]
    roots = [
        APP_DIR,
        *(Path(d) for d in template_dirs),
        *map(Path, settings.LOCALE_PATHS),
    ]
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.suffix in {".py", ".html", ".txt", ".mo"} and path.is_file():
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    digest.update(str(getattr(staticfiles_storage, "manifest_hash", "")).encode())
    return digest.hexdigest()[:16]


def versioned_key(name: str, versions: Mapping[str, str]) -> str:
    listed = ";".join(f"{table}={version}" for table, version in versions.items())
    # HTML is in the reader's language and number format (the figures, the charts'
    # separators): one copy per language and format.
    fmt = current_format()
    reader = f"{translation.get_language()}:{fmt.decimal}{fmt.thousands}"
    text = f"{code_version()}:{reader}:{name}:{listed}"
    return "page:" + hashlib.sha256(text.encode()).hexdigest()


def cached_values(wanted: Builders) -> dict[str, Any]:
    """Values ``name -> (tables it shows, how to build it)`` from the shared cache:
    one version lookup and one round trip for them all; a missing one is built and
    stored."""
    tables = tuple(dict.fromkeys(t for listed, _ in wanted.values() for t in listed))
    versions = data_versions.versions_by_table(names=tables)
    keys = {
        name: versioned_key(name, {t: versions[t] for t in listed})
        for name, (listed, _) in wanted.items()
    }
    found = cache.get_many(list(keys.values()))
    missing = {key: wanted[name][1]() for name, key in keys.items() if key not in found}
    if missing:
        cache.set_many(missing, settings.CALCULATION_CACHE_SECONDS)
    stored = {**found, **missing}
    return {name: stored[key] for name, key in keys.items()}


def is_plain_anonymous_visit(request: HttpRequest) -> bool:
    """A GET with no query string from a visitor with no session and no pending
    messages: everyone who asks this gets the same page."""
    return (
        request.method == "GET"
        and not request.META.get("QUERY_STRING")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
    )


def cached_page(
    request: HttpRequest,
    name: str,
    tables: tuple[str, ...],
    render: Callable[[], HttpResponse],
) -> HttpResponse:
    """The page ``render`` makes for a plain anonymous visit, from the shared cache
    (rendered and stored on a miss). Only a 200 is stored."""
    key = versioned_key(name, data_versions.versions_by_table(names=tables))
    stored = cache.get(key)
    if stored is not None:
        content_type, body = stored
        token = get_token(request).encode()
        response = HttpResponse(body.replace(TOKEN_PLACEHOLDER, token))
        response["Content-Type"] = content_type
        # What the rendered page varies on (it read the session for the user and
        # the messages); here the choice to serve it from the cache did.
        patch_vary_headers(response, ("Cookie",))
        return response
    response = render()
    if response.status_code == 200 and not response.streaming:
        body = TOKEN_INPUT.sub(
            rb"\1" + TOKEN_PLACEHOLDER + rb"\2", bytes(response.content)
        )
        cache.set(
            key, (response["Content-Type"], body), settings.CALCULATION_CACHE_SECONDS
        )
    return response

"""Every route refuses a body over REQUEST_MAX_BYTES with 413 before reading it
(#24); the admin accepts imports up to IMPORT_MAX_UPLOAD_BYTES."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client


class _Unreadable(io.RawIOBase):
    """A body that fails the test if anything reads it."""

    def read(self, *args):  # pragma: no cover - reached only on failure
        raise AssertionError("the body was read")

    readline = read


def _post(path: str, length: int):
    extra: dict[str, Any] = {
        "CONTENT_LENGTH": str(length),
        "wsgi.input": _Unreadable(),
    }
    client = Client()
    return client.generic(
        "POST", path, content_type="multipart/form-data; boundary=x", **extra
    )


@pytest.mark.django_db
def test_a_huge_post_to_the_login_page_is_refused_before_reading(settings):
    response = _post("/accounts/login/", 500_000_000)
    assert response.status_code == 413


@pytest.mark.django_db
def test_the_limit_is_a_setting_and_applies_to_every_route(settings):
    settings.REQUEST_MAX_BYTES = 1_000
    assert _post("/calculators/price-floor/", 1_001).status_code == 413
    assert _post("/api/v1/calculators/price-floor/", 1_001).status_code == 413
    assert _post("/", 1_001).status_code == 413


@pytest.mark.django_db
def test_the_admin_accepts_an_import_up_to_the_import_limit(settings):
    settings.REQUEST_MAX_BYTES = 1_000
    settings.IMPORT_MAX_UPLOAD_BYTES = 5_000
    assert _post("/admin/login/", 6_000_000).status_code == 413
    # under the import limit: not refused by size (read as usual, here a 403/302)
    client = Client()
    response = client.post("/admin/login/", {"username": "x" * 1_500})
    assert response.status_code != 413

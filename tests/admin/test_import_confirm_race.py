"""Two stewards preview the same rows and confirm one after the other (issue #24): the
second, stale, confirm is refused and the log records what was stored."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from instruments.models import PriceObservation

pytestmark = pytest.mark.django_db

IMPORT_URL = "admin:instruments_priceobservation_import"
CONFIRM_URL = "admin:instruments_priceobservation_process_import"


def _csv_format_index(response):
    html = response.content.decode()
    match = re.search(r'<option value="(\d+)"[^>]*>\s*csv\s*</option>', html, re.I)
    assert match, "CSV is not offered"
    return match.group(1)


def _preview(client, text, name="prices.csv"):
    form = client.get(reverse(IMPORT_URL))
    response = client.post(
        reverse(IMPORT_URL),
        {
            "format": _csv_format_index(form),
            "import_file": SimpleUploadedFile(name, text.encode(), "text/csv"),
            "resource": "0",
        },
    )
    assert response.status_code == 200
    confirm = response.context["confirm_form"]
    assert confirm, "the preview offers no confirm"
    return dict(confirm.initial)


def _file(price: int) -> str:
    return "series,period,price\n" + "".join(
        f"nickel-test-monthly,2025-{m:02d},{price}\n" for m in range(1, 7)
    )


def test_a_stale_preview_is_refused_and_the_log_says_what_was_stored(
    client, steward, nickel_series
):
    client.force_login(steward)
    preview_a = _preview(client, _file(11111), name="a.csv")
    preview_b = _preview(client, _file(22222), name="b.csv")

    done_b = client.post(reverse(CONFIRM_URL), preview_b, follow=True)
    texts_b = [str(m) for m in get_messages(done_b.wsgi_request)]
    assert any("6 new, 0 updated" in t for t in texts_b), texts_b
    assert LogEntry.objects.count() == 6

    done_a = client.post(reverse(CONFIRM_URL), preview_a, follow=True)
    texts_a = [str(m) for m in get_messages(done_a.wsgi_request)]
    assert not any("Import finished" in t for t in texts_a), texts_a
    assert any("changed since the preview" in t for t in texts_a), texts_a

    stored = PriceObservation.objects.filter(
        series=nickel_series, period__year=2025
    ).values_list("price", flat=True)
    assert sorted(stored) == [Decimal(22222)] * 6
    assert LogEntry.objects.count() == 6  # nothing logged for the refused confirm

    # A fresh preview of A now reports updates, and its confirm stores them as such.
    fresh_a = _preview(client, _file(11111), name="a.csv")
    done = client.post(reverse(CONFIRM_URL), fresh_a, follow=True)
    texts = [str(m) for m in get_messages(done.wsgi_request)]
    assert any("0 new, 6 updated" in t for t in texts), texts
    assert (
        sorted(
            PriceObservation.objects.filter(
                series=nickel_series, period__year=2025
            ).values_list("price", flat=True)
        )
        == [Decimal(11111)] * 6
    )
    assert LogEntry.objects.filter(change_message__contains="update").count() == 6


def test_a_preview_still_current_confirms(client, steward, nickel_series):
    client.force_login(steward)
    preview = _preview(client, _file(5))
    # An edit elsewhere (another period of the series) does not make it stale.
    january = PriceObservation.objects.get(series=nickel_series, period="2024-01-01")
    january.price = 101
    january.save()
    done = client.post(reverse(CONFIRM_URL), preview, follow=True)
    texts = [str(m) for m in get_messages(done.wsgi_request)]
    assert any("6 new" in t for t in texts), texts

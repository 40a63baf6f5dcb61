"""The API's JSON renderer: DRF's output, written by orjson."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy
from rest_framework import renderers
from rest_framework.exceptions import ErrorDetail

from instruments.api.renderers import JSONRenderer

VALUES = [
    {"rows": [{"period": "2025Q1", "levy": 15.0, "member": False, "x": None}]},
    {"flows": {"0": {"origin": [ErrorDetail("'XXX' is not a code.", code="invalid")]}}},
    {"when": dt.datetime(2026, 12, 1, 12, 30, 5, 123456, tzinfo=dt.UTC)},
    {"day": dt.date(2026, 12, 1), "amount": Decimal("12.50"), "id": uuid.UUID(int=7)},
    {"lazy": gettext_lazy("Price floor"), "text": "Åland — 110 USD/kg"},
    {"separator": "line\u2028paragraph\u2029end"},
    [1, 2.5, 1e-05, 1e300, -0.0, True],
]


@pytest.mark.parametrize("value", VALUES)
def test_the_json_is_what_drfs_renderer_gives(value):
    ours = JSONRenderer().render(value, "application/json")
    drf = renderers.JSONRenderer().render(value, "application/json")
    assert json.loads(ours) == json.loads(drf)
    assert b"\xe2\x80\xa8" not in ours
    assert b"\xe2\x80\xa9" not in ours


def test_dates_are_written_as_drf_writes_them():
    value = {"when": dt.datetime(2026, 12, 1, 12, 30, 5, 123456, tzinfo=dt.UTC)}
    assert JSONRenderer().render(value) == renderers.JSONRenderer().render(value)
    assert JSONRenderer().render(value) == b'{"when":"2026-12-01T12:30:05.123456Z"}'


def test_an_indented_answer_and_keys_orjson_refuses_go_to_drfs_renderer():
    indented = JSONRenderer().render({"a": 1}, "application/json; indent=2")
    assert indented == b'{\n  "a": 1\n}'
    assert json.loads(JSONRenderer().render({1: "one"})) == {"1": "one"}


def test_the_api_answers_with_it(client):
    from django.conf import settings

    assert settings.REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"][0] == (
        "instruments.api.renderers.JSONRenderer"
    )

"""Spreadsheet keys read only, every key hashed and expiring,
no token in a log, no token cached."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone
from rest_framework.test import APIClient

from instruments.models import ApiKey, Commodity
from instruments.services import accounts
from webapp.redaction import RedactTokensFilter, redact_tokens

pytestmark = pytest.mark.django_db

CSV = (
    "/api/v1/calculators/price-floor/?periods=2025&reference_price=110&origin=CHN"
    "&import_price=95&quantity=1&format=csv"
)


@pytest.fixture
def steward():
    user = User.objects.create_user("keeper", password="keeper-pass-123")
    user.groups.add(Group.objects.get(name="Data stewards"))
    return user


def test_a_spreadsheet_key_from_a_url_cannot_write_even_in_the_header(
    steward, settings
):
    settings.REQUIRE_LOGIN = True
    Commodity.objects.create(code="ni", name="Nickel", stage="refined")
    key = accounts.issue_key(user=steward, scope="spreadsheet").key
    client = APIClient()
    assert client.get(f"{CSV}&token={key}").status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    patch = client.patch("/api/v1/commodities/ni/", {"notes": "changed"}, format="json")
    assert patch.status_code == 403
    assert Commodity.objects.get(code="ni").notes == ""


def test_an_account_token_is_refused_in_the_url(steward, settings):
    settings.REQUIRE_LOGIN = True
    key = accounts.issue_key(user=steward).key
    response = APIClient().get(f"/api/v1/commodities/?token={key}")
    assert response.status_code == 401
    assert "not accepted in the URL" in response.json()["detail"]


def test_keys_are_stored_hashed_and_shown_once(steward):
    issued = accounts.issue_key(user=steward)
    record = ApiKey.objects.get()
    assert issued.key not in {record.hashed_key, record.prefix}
    assert len(record.hashed_key) == 64
    assert record.hashed_key == accounts.hash_key(key=issued.key)


def test_expired_and_revoked_keys_are_refused(steward):
    issued = accounts.issue_key(user=steward)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issued.key}")
    assert client.get("/api/v1/token/").status_code == 200
    ApiKey.objects.update(expires=timezone.now() - dt.timedelta(seconds=1))
    assert client.get("/api/v1/token/").status_code == 401
    issued = accounts.issue_key(user=steward)
    client.credentials(HTTP_AUTHORIZATION=f"Token {issued.key}")
    accounts.revoke_key(user=steward)
    assert client.get("/api/v1/token/").status_code == 401


def test_keys_expire_after_the_configured_days(steward, settings):
    settings.SPREADSHEET_KEY_DAYS = 30
    record = accounts.issue_key(user=steward, scope="spreadsheet").record
    assert (
        dt.timedelta(days=29) < record.expires - timezone.now() <= dt.timedelta(days=30)
    )


def test_token_answers_are_never_cached(steward):
    client = APIClient()
    response = client.post(
        "/api/v1/token/",
        {"username": "keeper", "password": "keeper-pass-123"},
        format="json",
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.get("/api/v1/token/")["Cache-Control"] == "no-store"


def test_the_token_page_is_never_cached(steward):
    from django.test import Client

    client = Client()
    client.force_login(steward)
    response = client.post(
        "/account/tokens/", {"action": "create", "scope": "spreadsheet"}
    )
    assert response["Cache-Control"] == "no-store"
    assert ApiKey.objects.get().scope == "spreadsheet"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            '"GET /api/v1/calculators/price-floor/?token=sheet_abc&format=csv HTTP/1.1" 200',
            '"GET /api/v1/calculators/price-floor/?token=[redacted]&format=csv HTTP/1.1" 200',
        ),
        ("/x/?a=1&token=abc", "/x/?a=1&token=[redacted]"),
        ("/x/?a=1", "/x/?a=1"),
    ],
)
def test_the_log_filter_redacts_tokens(line, expected):
    assert redact_tokens(line) == expected


def test_runserver_access_log_lines_are_redacted(caplog):
    """django.server (runserver) logs '"%s" %s %s' with the request line as an arg."""
    logger = logging.getLogger("django.server")
    assert any(isinstance(f, RedactTokensFilter) for f in logger.filters)
    record = logger.makeRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        ("GET /api/v1/x/?token=sheet_secret HTTP/1.1", "200", "12"),
        None,
    )
    for f in logger.filters:
        f.filter(record)
    assert "sheet_secret" not in record.getMessage()


def test_gunicorn_access_log_atoms_are_redacted():
    from types import SimpleNamespace

    from webapp.gunicorn_conf import RedactingLogger

    logger = RedactingLogger.__new__(RedactingLogger)
    logger.cfg = SimpleNamespace(
        env_vars=[], access_log_format="", forwarded_allow_ips=[]
    )
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/api/v1/x/?token=sheet_secret",
        "PATH_INFO": "/api/v1/x/",
        "QUERY_STRING": "token=sheet_secret",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
    }
    req = SimpleNamespace(headers=[], method="GET", uri="/api/v1/x/?token=sheet_secret")
    resp = SimpleNamespace(status="200 OK", headers=[], sent=10, response_length=10)
    try:
        atoms = logger.atoms(resp, req, environ, dt.timedelta(seconds=0.1))
    except Exception as exc:  # gunicorn's internals changed: say so
        pytest.fail(f"gunicorn atoms: {exc!r}")
    assert all("sheet_secret" not in str(v) for v in atoms.values())


def test_last_used_is_written_once_a_minute_not_on_every_read(steward):
    """A read stays a read: on SQLite, a write in every authenticated GET collided with
    a worker's progress writes (the two-server test)."""
    issued = accounts.issue_key(user=steward)
    first = accounts.find_live_key(key=issued.key)
    assert first is not None
    stamped = ApiKey.objects.get().last_used
    assert stamped is not None
    accounts.find_live_key(key=issued.key)
    assert ApiKey.objects.get().last_used == stamped
    ApiKey.objects.update(last_used=stamped - dt.timedelta(minutes=2))
    accounts.find_live_key(key=issued.key)
    assert ApiKey.objects.get().last_used > stamped

"""Failed sign-ins lock the right thing (issue #24, finding 10): behind a proxy that
``NUM_PROXIES`` does not name, every visitor shares the proxy's address, so five bad
passwords from anyone must not lock every account; a client on the internet cannot
escape the address lock by sending X-Forwarded-For; stewards unlock sign-ins in the
admin."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"  # the unconfigured reverse proxy: every request comes from it


@pytest.fixture(autouse=True)
def five_failures(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.NUM_PROXIES = 0
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def accounts():
    User.objects.create_user("analyst", password="right-pass-123")
    User.objects.create_superuser("admin", password="admin-pass-123")


def sign_in(client, username, password, remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, **extra
    )


def test_behind_an_unconfigured_proxy_bad_passwords_lock_that_username_only(
    accounts, caplog, monkeypatch
):
    import webapp.security

    # The warning is said at most once a minute per process: an earlier test's
    # sign-ins through a proxy must not have said it already.
    monkeypatch.setitem(webapp.security._warned_at, "proxy", 0.0)
    attacker = Client()
    for i in range(6):
        sign_in(attacker, f"guess{i % 2}", "wrong", PROXY, forwarded="203.0.113.9")
    for i in range(5):
        sign_in(attacker, "analyst", f"wrong-{i}", PROXY, forwarded="203.0.113.9")

    admin = sign_in(Client(), "admin", "admin-pass-123", PROXY, "198.51.100.4")
    analyst = sign_in(Client(), "analyst", "right-pass-123", PROXY, "198.51.100.5")

    assert admin.status_code == 302  # the shared proxy address is not locked
    assert analyst.status_code == 429  # the attacked account is
    assert "NUM_PROXIES is 0" in caplog.text


def test_a_direct_client_cannot_escape_the_address_lock_with_a_forwarded_header(
    accounts,
):
    client = Client()
    for i in range(5):
        sign_in(client, f"user{i}", "x", "93.184.216.50", forwarded=f"192.0.2.{i}")

    locked = sign_in(client, "analyst", "right-pass-123", "93.184.216.50", "192.0.2.9")

    assert locked.status_code == 429
    # Another address is not locked.
    assert (
        sign_in(Client(), "analyst", "right-pass-123", "93.184.216.51").status_code
        == 302
    )


def test_with_the_proxy_configured_each_client_address_is_locked_apart(
    accounts, settings
):
    settings.NUM_PROXIES = 1
    for i in range(5):
        sign_in(Client(), f"user{i}", "x", PROXY, forwarded="203.0.113.9")

    same = sign_in(Client(), "analyst", "right-pass-123", PROXY, "203.0.113.9")
    other = sign_in(Client(), "analyst", "right-pass-123", PROXY, "203.0.113.10")

    assert same.status_code == 429
    assert other.status_code == 302


def test_a_steward_sees_and_unlocks_a_locked_out_username_in_the_admin(
    accounts, steward
):
    for i in range(5):
        sign_in(Client(), "analyst", f"wrong-{i}", "203.0.113.7")
    assert (
        sign_in(Client(), "analyst", "right-pass-123", "203.0.113.8").status_code == 429
    )

    admin = Client()
    admin.force_login(steward)
    listing = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200
    assert "analyst" in listing.content.decode()
    assert (
        admin.get(reverse("admin:axes_accessfailurelog_changelist")).status_code == 200
    )

    attempts = list(
        AccessAttempt.objects.filter(username="analyst").values_list("pk", flat=True)
    )
    confirm = admin.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": attempts, "post": "yes"},
    )

    assert confirm.status_code == 302
    assert not AccessAttempt.objects.filter(username="analyst").exists()
    assert (
        sign_in(Client(), "analyst", "right-pass-123", "203.0.113.8").status_code == 302
    )


def test_an_official_on_the_staff_without_the_permission_cannot_unlock(accounts):
    official = User.objects.create_user("official", is_staff=True)
    client = Client()
    client.force_login(official)
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403

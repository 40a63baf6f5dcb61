"""CSP without inline scripts, forwarded https only from a
proxy, no traceback for another machine."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from tests.test_settings import ROOT

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@pytest.mark.parametrize("path", ["/", "/calculators/price-floor/", "/api/docs/"])
def test_pages_send_a_csp_without_inline_scripts(path):
    response = Client().get(path)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", policy).group(1)
    assert "'self'" in script_src
    assert "unsafe-inline" not in script_src
    assert "frame-ancestors 'none'" in policy


def test_no_template_has_inline_script_code():
    inline = []
    for template in TEMPLATES.rglob("*.html"):
        for tag in re.findall(r"<script\b[^>]*>", template.read_text()):
            if "src=" not in tag and "application/json" not in tag:
                inline.append(f"{template.relative_to(TEMPLATES)}: {tag}")
    assert inline == []


def test_swagger_ui_page_has_no_inline_script():
    html = Client().get("/api/docs/").content.decode()
    assert re.findall(r"<script>", html) == []


def test_a_forwarded_proto_is_not_believed_without_a_proxy(settings):
    settings.SECURE_SSL_REDIRECT = True
    assert settings.SECURE_PROXY_SSL_HEADER is None
    response = Client().get("/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_with_a_proxy_the_forwarded_proto_is_believed():
    code = "import webapp.settings as s; print(s.SECURE_PROXY_SSL_HEADER)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "NUM_PROXIES": "1"},
        capture_output=True,
        text=True,
    )
    assert "HTTP_X_FORWARDED_PROTO" in out.stdout, out.stderr


@pytest.fixture
def broken_home(monkeypatch, settings):
    settings.DEBUG = True

    def explode(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("instruments.web.pages.render", explode)


def test_debug_tracebacks_never_reach_another_machine(broken_home):
    client = Client(raise_request_exception=False)
    response = client.get("/", REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 500
    assert "secret internals" not in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_a_forwarded_loopback_address_does_not_unlock_tracebacks(broken_home):
    client = Client(raise_request_exception=False)
    response = client.get(
        "/", REMOTE_ADDR="192.0.2.7", HTTP_X_FORWARDED_FOR="127.0.0.1"
    )
    assert "secret internals" not in response.content.decode()


def test_debug_tracebacks_still_show_on_this_machine(broken_home):
    client = Client(raise_request_exception=False)
    response = client.get("/", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 500
    assert "secret internals" in response.content.decode()

"""One setting closes the pages as well as the API."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.test_settings import _import_settings

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["REQUIRE_LOGIN", "API_REQUIRE_LOGIN"])
@pytest.mark.parametrize(
    "path",
    ["/", "/calculators/price-floor/", "/commodities/", "/methodology/"],
)
def test_a_closed_site_sends_anonymous_visitors_to_log_in(settings, name, path):
    setattr(settings, name, True)
    response = Client().get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_a_closed_site_runs_no_calculation_for_an_anonymous_post(settings):
    settings.REQUIRE_LOGIN = True
    response = Client().post("/calculators/price-floor/", {})
    assert response.status_code == 302


def test_a_closed_site_still_shows_the_login_page_and_serves_signed_in_users(
    settings,
):
    settings.REQUIRE_LOGIN = True
    client = Client()
    assert client.get("/accounts/login/").status_code == 200
    client.force_login(User.objects.create_user("reader"))
    assert client.get("/calculators/price-floor/").status_code == 200


def test_a_closed_site_closes_the_api_reads(settings):
    settings.REQUIRE_LOGIN = True
    assert Client().get("/api/v1/commodities/").status_code in (401, 403)


def test_require_login_is_read_from_the_environment_with_its_old_name():
    code = "import webapp.settings as s; print(s.REQUIRE_LOGIN, s.API_REQUIRE_LOGIN)"
    import subprocess
    import sys

    from tests.test_settings import ROOT

    for env in ({"REQUIRE_LOGIN": "true"}, {"API_REQUIRE_LOGIN": "true"}):
        out = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env={"PATH": "/usr/bin:/bin", **env},
            capture_output=True,
            text=True,
        )
        assert out.stdout.split() == ["True", "True"], out.stderr
    assert _import_settings({"REQUIRE_LOGIN": "ture"}).returncode != 0

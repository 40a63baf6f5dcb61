"""The app's own 404 and 403 pages whatever DEBUG is, and a private scenario's page
("this scenario is private — sign in") instead of the framework's debug 404."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings

from instruments.models import Scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def private_scenario(django_user_model: Any) -> Scenario:
    owner = django_user_model.objects.create_user("owner", password="owner-pass-123")
    return Scenario.objects.create(
        owner=owner,
        title="Owner's floor",
        calculator="price-floor",
        inputs={},
        is_public=False,
    )


@pytest.mark.parametrize("debug", [True, False])
def test_a_private_scenario_says_so_and_offers_to_sign_in(
    client: Client, private_scenario: Scenario, debug: bool
) -> None:
    with override_settings(DEBUG=debug):
        response = client.get(f"/scenarios/{private_scenario.pk}/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "This scenario is private" in html
    assert 'id="private-sign-in"' in html
    assert "URLconf" not in html


def test_another_official_is_told_to_ask_the_owner(
    client: Client, private_scenario: Scenario, django_user_model: Any
) -> None:
    other = django_user_model.objects.create_user("other", password="other-pass-123")
    client.force_login(other)
    response = client.get(f"/scenarios/{private_scenario.pk}/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "This scenario is private" in html
    assert "Ask them to make it public" in html


@pytest.mark.parametrize("debug", [True, False])
def test_an_unknown_address_gives_the_apps_own_404(client: Client, debug: bool) -> None:
    with override_settings(DEBUG=debug):
        response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "URLconf" not in html
    assert "Go to the calculators" in html


def test_the_api_keeps_its_json_404(client: Client) -> None:
    response = client.get("/api/v1/scenarios/999999/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")

"""Saved scenarios: save, list own and public, re-run, stay private."""

from __future__ import annotations

import copy
import io

import openpyxl
import pytest

from instruments.calculators import REGISTRY
from instruments.models import Scenario
from tests.factories import make_scenario

pytestmark = pytest.mark.django_db

LIST = "/api/v1/scenarios/"


def example(slug: str = "price-floor") -> dict:
    return copy.deepcopy(dict(REGISTRY[slug].example))


@pytest.fixture
def scenarios(user, other_user):
    """One private and one public scenario for each of two users."""
    made = {}
    for owner in (user, other_user):
        for public in (False, True):
            made[(owner.username, public)] = make_scenario(
                calculator="price-floor",
                title=f"{owner.username} {'public' if public else 'private'}",
                inputs=example(),
                owner=owner,
                is_public=public,
            )
    return made


def test_a_user_saves_a_scenario_and_owns_it(user_client, user):
    response = user_client.post(
        LIST,
        {
            "calculator": "price-floor",
            "title": "NdPr floor at 110",
            "notes": "DoD-style floor",
            "inputs": example(),
            "is_public": False,
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["owner"] == "analyst"
    assert body["result_url"].endswith(f"/api/v1/scenarios/{body['id']}/result/")
    assert Scenario.objects.get(pk=body["id"]).owner == user


def test_saving_invalid_inputs_is_a_400_under_inputs_and_saves_nothing(user_client):
    inputs = example()
    inputs["flows"][0]["import_price"] = [-1, 105]

    response = user_client.post(
        LIST,
        {"calculator": "price-floor", "title": "Bad", "inputs": inputs},
        format="json",
    )

    assert response.status_code == 400
    assert "import_price" in response.json()["inputs"]["flows"][0]
    assert Scenario.objects.count() == 0


def test_an_unknown_calculator_is_a_400_at_calculator(user_client):
    response = user_client.post(
        LIST, {"calculator": "carbon-tax", "title": "x", "inputs": {}}, format="json"
    )

    assert response.status_code == 400
    assert "calculator" in response.json()


def test_anonymous_users_cannot_save(anon):
    response = anon.post(
        LIST,
        {"calculator": "price-floor", "title": "x", "inputs": example()},
        format="json",
    )

    assert response.status_code in (401, 403)


def test_a_user_lists_their_own_and_public_scenarios(user_client, scenarios):
    titles = {s["title"] for s in user_client.get(LIST).json()["results"]}

    assert titles == {"analyst private", "analyst public", "colleague public"}


def test_mine_lists_only_the_users_own(user_client, scenarios):
    titles = {
        s["title"] for s in user_client.get(f"{LIST}?mine=true").json()["results"]
    }

    assert titles == {"analyst private", "analyst public"}


def test_anonymous_users_see_public_scenarios_only(anon, scenarios):
    titles = {s["title"] for s in anon.get(LIST).json()["results"]}

    assert titles == {"analyst public", "colleague public"}


def test_another_users_private_scenario_does_not_exist_for_you(user_client, scenarios):
    private = scenarios[("colleague", False)]

    assert user_client.get(f"{LIST}{private.pk}/").status_code == 404
    assert user_client.get(f"{LIST}{private.pk}/result/").status_code == 404
    assert (
        user_client.patch(
            f"{LIST}{private.pk}/", {"title": "x"}, format="json"
        ).status_code
        == 404
    )
    assert user_client.delete(f"{LIST}{private.pk}/").status_code == 404


def test_another_users_public_scenario_is_read_only(user_client, scenarios):
    public = scenarios[("colleague", True)]

    assert user_client.get(f"{LIST}{public.pk}/").status_code == 200
    assert (
        user_client.patch(
            f"{LIST}{public.pk}/", {"title": "x"}, format="json"
        ).status_code
        == 403
    )
    assert user_client.delete(f"{LIST}{public.pk}/").status_code == 403
    public.refresh_from_db()
    assert public.title == "colleague public"


def test_the_owner_updates_and_deletes(user_client, scenarios):
    mine = scenarios[("analyst", False)]

    response = user_client.patch(
        f"{LIST}{mine.pk}/", {"title": "Renamed", "is_public": True}, format="json"
    )
    assert response.status_code == 200
    mine.refresh_from_db()
    assert (mine.title, mine.is_public) == ("Renamed", True)

    assert user_client.delete(f"{LIST}{mine.pk}/").status_code == 204
    assert not Scenario.objects.filter(pk=mine.pk).exists()


def test_updating_with_invalid_inputs_is_a_400(user_client, scenarios):
    mine = scenarios[("analyst", False)]
    inputs = example()
    inputs["flows"][0]["import_price"] = [1, 2, 3]

    response = user_client.patch(f"{LIST}{mine.pk}/", {"inputs": inputs}, format="json")

    assert response.status_code == 400
    assert "inputs" in response.json()


def test_result_reruns_the_calculation(anon, scenarios):
    public = scenarios[("analyst", True)]

    body = anon.get(f"{LIST}{public.pk}/result/").json()

    expected = REGISTRY["price-floor"].run(example())
    assert len(body["rows"]) == len(expected.rows)
    assert set(body) >= {"summary", "rows", "inputs"}


def test_result_as_csv_and_xlsx(anon, scenarios):
    public = scenarios[("analyst", True)]
    columns = list(REGISTRY["price-floor"].columns)

    csv_text = anon.get(f"{LIST}{public.pk}/result/?format=csv").content.decode()
    xlsx = anon.get(f"{LIST}{public.pk}/result/?format=xlsx").content

    assert csv_text.splitlines()[0].split(",")[: len(columns)] == columns
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx))
    assert workbook.sheetnames[:2] == ["Summary", "Rows"]


def test_scenario_list_as_csv_has_a_header_even_when_empty(anon, db):
    text = anon.get(f"{LIST}?format=csv").content.decode()

    assert text.splitlines()[0].startswith("id,url,calculator,title")

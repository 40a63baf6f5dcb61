"""Deleting reference data that other data or pages need (#24): the admin and the
API refuse with a clear message (never a 500), and a commodity page survives a
deleted partner group."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from rest_framework.test import APIClient

from instruments.models import Commodity, PartnerGroup


def _commodity_with_series() -> Commodity:
    commodity = Commodity.objects.filter(series__isnull=False).distinct().first()
    assert commodity is not None
    return commodity


def _input_with_a_content_factor() -> Commodity:
    """An ore (no series) that a metal is made from with a content factor, which
    needs its input (a check constraint): clearing the link fails in the database."""
    ore = Commodity.objects.create(
        code="test-ore", name="Test ore", stage="ore_concentrate"
    )
    Commodity.objects.create(
        code="test-metal",
        name="Test metal",
        stage="refined",
        input_commodity=ore,
        content_factor=2,
    )
    return ore


@pytest.mark.django_db
@pytest.mark.parametrize("bulk", [False, True])
def test_the_admin_refuses_to_delete_the_input_of_a_content_factor(
    client, steward, seeded_db, bulk
):
    client.force_login(steward)
    alumina = _input_with_a_content_factor()
    if bulk:
        response = client.post(
            "/admin/instruments/commodity/",
            {
                "action": "delete_selected",
                "_selected_action": [str(alumina.pk)],
                "post": "yes",
            },
            follow=True,
        )
    else:
        url = f"/admin/instruments/commodity/{alumina.pk}/delete/"
        response = client.post(url, {"post": "yes"}, follow=True)
    assert response.status_code == 200
    assert Commodity.objects.filter(pk=alumina.pk).exists()
    text = response.content.decode()
    assert "Test metal" in text  # names what needs it
    assert "Cannot delete" in text or "cannot be deleted" in text


@pytest.mark.django_db
def test_the_api_refuses_to_delete_the_input_of_a_content_factor(steward, seeded_db):
    api = APIClient()
    api.force_authenticate(steward)
    alumina = _input_with_a_content_factor()
    response = api.delete(f"/api/v1/commodities/{alumina.code}/")
    assert response.status_code in (400, 409), response.content
    assert "detail" in response.json()
    assert Commodity.objects.filter(pk=alumina.pk).exists()


@pytest.mark.django_db
def test_the_admin_refuses_to_delete_a_commodity_with_series(
    client, steward, seeded_db
):
    client.force_login(steward)
    commodity = _commodity_with_series()
    url = f"/admin/instruments/commodity/{commodity.pk}/delete/"
    response = client.post(url, {"post": "yes"}, follow=True)
    assert response.status_code == 200
    assert Commodity.objects.filter(pk=commodity.pk).exists()
    text = response.content.decode()
    messages = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "cannot" in (text + messages).lower() or "can't" in (text + messages)


@pytest.mark.django_db
def test_the_admin_bulk_delete_refuses_commodities_with_series(
    client, steward, seeded_db
):
    client.force_login(steward)
    commodity = _commodity_with_series()
    response = client.post(
        "/admin/instruments/commodity/",
        {
            "action": "delete_selected",
            "_selected_action": [str(commodity.pk)],
            "post": "yes",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert Commodity.objects.filter(pk=commodity.pk).exists()


@pytest.mark.django_db
def test_the_api_refuses_to_delete_a_commodity_with_series(steward, seeded_db):
    api = APIClient()
    api.force_authenticate(steward)
    commodity = _commodity_with_series()
    response = api.delete(f"/api/v1/commodities/{commodity.code}/")
    assert response.status_code in (400, 409), response.content
    assert "detail" in response.json()
    assert Commodity.objects.filter(pk=commodity.pk).exists()


@pytest.mark.django_db
def test_every_commodity_page_answers_after_a_group_is_deleted(client, seeded_db):
    PartnerGroup.objects.filter(code="eu-27").delete()
    for code in Commodity.objects.values_list("code", flat=True):
        response = client.get(f"/commodities/{code}/")
        assert response.status_code == 200, code


@pytest.mark.django_db
@pytest.mark.parametrize("bulk", [False, True])
def test_a_delete_the_database_refuses_is_explained_not_a_500(
    client, steward, seeded_db, monkeypatch, bulk
):
    """Any other constraint a delete breaks: undone, with a message."""
    from django.db import IntegrityError
    from django.db.models import QuerySet

    real_delete = QuerySet.delete

    def refuse(self, *args, **kwargs):
        if getattr(self, "model", Commodity) is not Commodity:
            return real_delete(self, *args, **kwargs)
        raise IntegrityError("CHECK constraint failed: some_rule")

    commodity = Commodity.objects.create(code="lonely", name="Lonely", stage="refined")
    client.force_login(steward)
    monkeypatch.setattr(Commodity, "delete", refuse)
    monkeypatch.setattr(QuerySet, "delete", refuse)
    if bulk:
        url = "/admin/instruments/commodity/"
        data = {
            "action": "delete_selected",
            "_selected_action": [str(commodity.pk)],
            "post": "yes",
        }
    else:
        url = f"/admin/instruments/commodity/{commodity.pk}/delete/"
        data = {"post": "yes"}
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    shown = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "Nothing was deleted" in (shown + response.content.decode())
    assert Commodity.objects.filter(pk=commodity.pk).exists()


@pytest.mark.django_db
def test_an_api_delete_the_database_refuses_is_a_409(steward, seeded_db, monkeypatch):
    from django.db import IntegrityError

    def refuse(*args, **kwargs):
        raise IntegrityError("CHECK constraint failed: some_rule")

    commodity = Commodity.objects.create(code="lonely", name="Lonely", stage="refined")
    monkeypatch.setattr(Commodity, "delete", refuse)
    api = APIClient()
    api.force_authenticate(steward)
    response = api.delete(f"/api/v1/commodities/{commodity.code}/")
    assert response.status_code == 409
    assert "Cannot delete" in response.json()["detail"]

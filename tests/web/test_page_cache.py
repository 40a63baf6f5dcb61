"""The calculator page from the shared cache (instruments/web/page_cache.py): the same
page as rendered, a fresh CSRF token for each visitor, and every edit of what it
lists reaching the next visit; signed-in visitors and other requests are rendered."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from instruments.calculators import REGISTRY
from instruments.calculators.numbers import NumberFormat
from instruments.presentation.numbers import number_format_in_use
from instruments.web import page_cache
from tests.factories import make_partner, make_partner_group, make_scenario

pytestmark = pytest.mark.django_db

FLOOR = "price-floor"
PAGE = f"/calculators/{FLOOR}/"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def without_token(html: str) -> str:
    return TOKEN.sub("", html)


def test_the_cached_page_is_the_rendered_page_with_a_fresh_token(
    monkeypatch: Any,
) -> None:
    rendered = Client().get(PAGE)  # renders and stores
    calls: list[Any] = []
    monkeypatch.setattr(
        "instruments.web.calculators._calculator_page", lambda *a: calls.append(a)
    )
    cached = Client().get(PAGE)

    assert calls == []  # not rendered again
    assert without_token(cached.content.decode()) == without_token(
        rendered.content.decode()
    )
    tokens = [TOKEN.findall(r.content.decode()) for r in (rendered, cached)]
    assert len(set(tokens[1])) == 1  # every form of the page gets the fresh one
    assert len(tokens[1]) == len(tokens[0])
    assert tokens[0][0] != tokens[1][0]
    assert b"\x00" not in cached.content
    for name in ("Content-Type", "X-Frame-Options", "Content-Security-Policy"):
        assert cached[name] == rendered[name]
    assert set(cached["Vary"].split(", ")) == set(rendered["Vary"].split(", "))
    assert "csrftoken" in cached.cookies  # as a rendered form page sets it


def test_the_token_of_a_cached_page_is_accepted() -> None:
    Client().get(PAGE)  # stores the page
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(PAGE).content.decode()
    token = TOKEN.search(page)
    assert token is not None
    form = {"csrfmiddlewaretoken": token.group(1), "reference_price": "110"}
    assert visitor.post(PAGE, form).status_code == 200  # a 403 if the token failed


@pytest.mark.parametrize(
    "edit",
    [
        lambda: make_partner(iso3="ZZZ", iso2="ZZ", name="Zedland"),
        lambda: make_partner_group(code="zed-club", name="The Zed club"),
        lambda: make_scenario(
            calculator=FLOOR,
            title="The Zed precedent",
            inputs=dict(REGISTRY[FLOOR].example),
            is_public=True,
            is_precedent=True,
        ),
    ],
    ids=["partner", "partner group", "precedent"],
)
def test_an_edit_of_what_the_page_lists_reaches_the_next_visit(edit: Any) -> None:
    assert "Zed" not in Client().get(PAGE).content.decode()
    assert "Zed" not in Client().get(PAGE).content.decode()  # from the cache
    edit()
    assert "Zed" in Client().get(PAGE).content.decode()


def test_a_precedent_renamed_in_place_reaches_the_next_visit() -> None:
    precedent = make_scenario(
        calculator=FLOOR,
        title="Before",
        inputs=dict(REGISTRY[FLOOR].example),
        is_public=True,
        is_precedent=True,
    )
    assert ">Before<" in Client().get(PAGE).content.decode()
    precedent.title = "After"
    precedent.save()
    page = Client().get(PAGE).content.decode()
    assert ">After<" in page
    assert ">Before<" not in page


def test_signed_in_visitors_and_other_requests_are_rendered(
    client: Client, monkeypatch: Any
) -> None:
    Client().get(PAGE)  # the anonymous page is stored
    served: list[str] = []
    original = page_cache.cached_page

    def spy(request: Any, *args: Any, **kwargs: Any) -> Any:
        served.append(request.get_full_path())
        return original(request, *args, **kwargs)

    monkeypatch.setattr(page_cache, "cached_page", spy)
    user = get_user_model().objects.create_user("ana", password="pw-ana-123")
    client.force_login(user)
    assert "Log out" in client.get(PAGE).content.decode()
    Client().get(PAGE + "?blank=1")
    Client().get(PAGE, headers={"X-Requested-With": "fetch"})
    with_message = Client()
    with_message.cookies["messages"] = "pending"
    with_message.get(PAGE)
    assert served == []
    Client().get(PAGE)
    assert served == [PAGE]


def test_the_key_changes_with_the_code_and_the_versions(monkeypatch: Any) -> None:
    key = page_cache.versioned_key("page", {"partner": "1:0"})
    assert page_cache.versioned_key("page", {"partner": "2:0"}) != key
    monkeypatch.setattr(page_cache, "code_version", lambda: "another deployment")
    assert page_cache.versioned_key("page", {"partner": "1:0"}) != key


def test_each_number_format_has_its_own_cached_page() -> None:
    english = Client().get(PAGE).content.decode()
    german = Client().get(PAGE, headers={"Accept-Language": "de"}).content.decode()
    again = Client().get(PAGE, headers={"Accept-Language": "de"}).content.decode()
    chosen = Client()
    chosen.cookies["number_format"] = "fr"
    french = chosen.get(PAGE).content.decode()
    assert without_token(german) == without_token(again)
    assert without_token(german) != without_token(english)
    assert without_token(french) not in (without_token(english), without_token(german))
    assert set(Client().get(PAGE)["Vary"].split(", ")) == {"Accept-Language", "Cookie"}


def test_every_cached_page_has_a_copy_per_number_format() -> None:
    """Pages other than the calculator's (a commodity's charts, a group's figures)
    are kept apart by number format too: their figures and charts' separators."""
    english = page_cache.versioned_key("commodity:x", {"price": "1:0"})
    with number_format_in_use(NumberFormat(",", ".", "German", "de")):
        german = page_cache.versioned_key("commodity:x", {"price": "1:0"})
    assert german != english

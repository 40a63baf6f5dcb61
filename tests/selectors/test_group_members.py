"""Who is in a partner group: its members and its subgroups', each country once."""

from __future__ import annotations

import pytest

from instruments import selectors
from instruments.calculators.base import InputError
from tests.factories import make_partner, make_partner_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def nested() -> None:
    """outer ⊃ {middle ⊃ inner, other}; AUS direct and in inner; FRA in two."""
    aus = make_partner(iso3="AUS", name="Australia")
    fra = make_partner(iso3="FRA", name="France")
    nld = make_partner(iso3="NLD", name="Netherlands")
    bel = make_partner(iso3="BEL", name="Belgium")
    make_partner(iso3="CHN", name="China")
    outer = make_partner_group(code="outer", name="Outer")
    middle = make_partner_group(code="middle", name="Middle")
    inner = make_partner_group(code="inner", name="Inner")
    other = make_partner_group(code="a-other", name="Other")
    outer.members.set([aus])
    middle.members.set([bel])
    inner.members.set([aus, nld, fra])
    other.members.set([fra])
    outer.subgroups.set([middle, other])
    middle.subgroups.set([inner])


def test_subgroups_are_expanded_once_by_name_with_the_outer_subgroup(nested):
    assert selectors.get_group_members("outer") == [
        ("AUS", "Australia", ""),  # direct wins over inner
        ("BEL", "Belgium", "middle"),
        ("FRA", "France", "a-other"),  # in two subgroups: the first by code
        ("NLD", "Netherlands", "middle"),  # inner is inside middle
    ]
    assert selectors.get_group_members("inner") == [
        ("AUS", "Australia", ""),
        ("FRA", "France", ""),
        ("NLD", "Netherlands", ""),
    ]


def test_the_expanded_members_agree_with_the_iso3_list(nested):
    every = selectors.list_group_members()

    assert set(every) == {"outer", "middle", "inner", "a-other"}
    for code, members in every.items():
        assert sorted(m[0] for m in members) == selectors.get_partner_group_members(
            code
        )


def test_an_empty_group_has_no_members_and_an_unknown_one_is_an_error(nested):
    make_partner_group(code="empty", name="Empty")

    assert selectors.get_group_members("empty") == []
    with pytest.raises(InputError):
        selectors.get_group_members("nope")

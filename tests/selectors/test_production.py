"""World production by country and elasticity defaults, read from the seeded data."""

import pytest

from instruments import selectors
from instruments.calculators.baseline import Elasticities

pytestmark = pytest.mark.django_db


def test_production_by_country_in_tonnes_of_the_commodity(seeded_db):
    found = selectors.get_production_by_country("ndpr-oxide", 2024)
    assert found is not None
    assert found.year == 2024
    assert found.quantities["CHN"] == pytest.approx(270_000 * 0.2)
    assert "ROW" in found.quantities
    assert "World total" not in found.quantities
    assert found.illustrative
    assert found.series == "Rare earths (mine)"
    assert "REO" in found.unit
    assert "Mineral Commodity Summaries 2026" in found.citation
    assert "doi:10.5066/P1WKQ63T" in found.citation
    aluminium = selectors.get_production_by_country("aluminum", 2024)
    assert aluminium is not None
    assert not aluminium.illustrative
    assert aluminium.quantities["CHN"] > 1_000_000  # thousand t -> t


def test_a_later_year_falls_back_to_the_latest_stored(seeded_db):
    found = selectors.get_production_by_country("lithium-carbonate", 2040)
    assert found is not None
    assert found.year == 2025
    assert found.quantities["AUS"] > 0
    older = selectors.get_production_by_country("cobalt", 2023)
    assert older is not None
    assert older.year == 2023
    assert "Mineral Commodity Summaries 2025" in older.citation


def test_no_link_no_production(seeded_db):
    assert selectors.get_production_by_country("germanium", 2024) is None
    assert selectors.get_production_by_country("cobalt", 1990) is None


def test_elasticity_defaults(seeded_db):
    found = selectors.get_elasticity_defaults("ndpr-oxide")
    assert isinstance(found, Elasticities)
    assert found.import_demand.value == pytest.approx(-0.763201)
    assert (
        found.import_demand.low <= found.import_demand.value <= found.import_demand.high
    )
    assert found.import_demand.source == "Hauk (2012), HS6 284690"
    assert found.substitution.value > 0
    assert found.substitution.source.startswith(
        "Hauk (2012), HS6 284690; Broda and Weinstein (2006), HS3 284"
    )
    assert found.supply.source == "Fally and Sayre (2018), Table 1"
    cobalt = selectors.get_elasticity_defaults("cobalt")
    assert cobalt is not None
    assert cobalt.supply.low == pytest.approx(0.21)
    assert selectors.get_elasticity_defaults("germanium") is None

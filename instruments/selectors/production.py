"""The calibrated baseline's stored data (INSTRUMENTS.md §10): a commodity's world
production by country (USGS MCS) in tonnes of the commodity, and its default
elasticities with their published ranges and sources."""

from __future__ import annotations

from dataclasses import dataclass

from instruments.calculators.baseline import Elasticities, Elasticity
from instruments.models import (
    OTHER_COUNTRIES,
    WORLD_TOTAL,
    CommodityElasticity,
    CommodityProduction,
    ElasticityKind,
    ProductionVolume,
    SourceEdition,
)
from instruments.presentation.citations import Cited, format_citation
from instruments.selectors.decimals import to_float

ROW = "ROW"


@dataclass(frozen=True)
class ProductionByCountry:
    """One year's production of a commodity: ISO3 (upper case) → tonnes of the
    commodity (USGS quantity × the link's factor), the countries USGS does not name
    summed under ``ROW``. ``basis`` and ``illustrative`` are the link's; ``series``
    and ``unit`` the USGS series read; ``citation`` its MCS edition and DOI."""

    quantities: dict[str, float]
    year: int
    basis: str
    citation: str
    illustrative: bool
    series: str
    unit: str


def get_production_by_country(commodity: str, year: int) -> ProductionByCountry | None:
    """The commodity's production by country in ``year``, or in the latest earlier
    year with rows (``year`` says which). "World total" rows and withheld values are
    left out. None when the commodity has no production link or no row by then."""
    link = (
        CommodityProduction.objects.filter(commodity__code=commodity)
        .only("series", "stage", "factor", "basis", "illustrative")
        .first()
    )
    if link is None:
        return None
    rows = ProductionVolume.objects.filter(
        series=link.series, stage=link.stage, year__lte=year
    ).exclude(country_name=WORLD_TOTAL)
    found = rows.order_by("-year").values_list("year", flat=True).first()
    if found is None:
        return None
    factor = to_float(link.factor) or 0.0
    quantities: dict[str, float] = {}
    units: list[str] = []
    editions: list[str] = []
    for row in rows.filter(year=found, quantity__isnull=False).select_related(
        "country"
    ):
        if row.country is not None:
            code = row.country.iso3.upper()
        elif row.country_name == OTHER_COUNTRIES:
            code = ROW
        else:
            continue
        amount = to_float(row.quantity)
        if amount is None:
            continue
        quantities[code] = quantities.get(code, 0.0) + amount * factor
        if row.unit not in units:
            units.append(row.unit)
        if row.edition not in editions:
            editions.append(row.edition)
    return ProductionByCountry(
        quantities=quantities,
        year=int(found),
        basis=link.basis,
        citation=_production_citation(editions, int(found)),
        illustrative=link.illustrative,
        series=f"{link.series} ({link.stage})",
        unit="; ".join(units),
    )


def _production_citation(editions: list[str], year: int) -> str:
    """The MCS data releases read, as ``format_citation`` writes them (publisher,
    year, title, edition, DOI), each with the year it supplies."""
    codes = {edition: _edition_code(edition) for edition in editions}
    stored = {e.code: e for e in SourceEdition.objects.filter(code__in=codes.values())}
    cited = []
    for edition in editions:
        record = stored.get(codes[edition])
        if record is not None:
            cited.append(record.cited(str(year)))
        else:
            cited.append(
                Cited(
                    publisher="U.S. Geological Survey",
                    year=year,
                    title=f"Mineral Commodity Summaries, {edition} data release",
                    periods=str(year),
                )
            )
    return format_citation(cited)


def _edition_code(edition: str) -> str:
    return ProductionVolume(edition=edition).edition_code


def get_elasticity_defaults(commodity: str) -> Elasticities | None:
    """The commodity's default import-demand (η < 0), substitution (σ > 0) and supply
    (ε ≥ 0) elasticities with their published ranges; each ``source`` names the
    estimates it was chosen from (``Hauk (2012), HS6 284690; Broda and Weinstein
    (2006), HS3 284``). None unless all three kinds are stored."""
    stored = {
        item.kind: item
        for item in CommodityElasticity.objects.filter(
            commodity__code=commodity
        ).prefetch_related("estimates")
    }
    kinds = (
        ElasticityKind.IMPORT_DEMAND,
        ElasticityKind.SUBSTITUTION,
        ElasticityKind.SUPPLY,
    )
    if any(kind not in stored for kind in kinds):
        return None
    made = {kind: _elasticity(stored[kind]) for kind in kinds}
    return Elasticities(
        import_demand=made[ElasticityKind.IMPORT_DEMAND],
        substitution=made[ElasticityKind.SUBSTITUTION],
        supply=made[ElasticityKind.SUPPLY],
    )


def _elasticity(item: CommodityElasticity) -> Elasticity:
    return Elasticity(
        value=float(item.value),
        low=float(item.low),
        high=float(item.high),
        source=item.source,
    )

"""Trade flows as DataFrames: a commodity's HS codes, flows, top exporters, supply
concentration, unit values and the commodity page's supply overview."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.db.models import Max

from instruments.calculators import trade_matrix
from instruments.calculators.base import InputError
from instruments.models import (
    TRADE_FLOW_COLUMNS,
    Commodity,
    CommodityHsCode,
    TradeFlow,
)
from instruments.selectors.partners import resolve_economies


def parse_hs_code_text(text: str) -> list[str]:
    """Six-digit codes from free text such as ``"7601.10, 7601.20"`` (dots, spaces
    dropped; codes of fewer than six digits are left out)."""
    codes = []
    for part in text.split(","):
        digits = re.sub(r"\D", "", part)
        if len(digits) >= 6 and digits[:6] not in codes:
            codes.append(digits[:6])
    return codes


def get_commodity_hs_codes(
    commodity: str, *, hs_revision: str | None = None
) -> list[str]:
    """The HS6 codes a commodity is traded under: its stored HS links (of
    ``hs_revision`` if given), else the codes in its indicative ``hs_codes`` text."""
    commodity_obj = Commodity.objects.filter(code=commodity).first()
    if commodity_obj is None:
        raise InputError.at(("commodity",), f"Unknown commodity '{commodity}'.")
    links = commodity_obj.hs_links.all()
    if hs_revision:
        links = links.filter(hs_revision=hs_revision)
    linked = sorted(set(links.values_list("hs_code", flat=True)))
    return linked or parse_hs_code_text(commodity_obj.hs_codes)


def get_hs_code_notes(commodity: str) -> dict[str, str]:
    """Each stored HS code of ``commodity`` and its scope note (what the code covers
    beyond the commodity)."""
    return {
        str(code): str(note)
        for code, note in CommodityHsCode.objects.filter(
            commodity__code=commodity
        ).values_list("hs_code", "note")
    }


def get_trade_flows(
    *,
    commodity: str | None = None,
    hs_codes: Iterable[str] | None = None,
    year: int | Iterable[int] | None = None,
    exporters: Iterable[str] | None = None,
    importers: Iterable[str] | None = None,
    hs_revision: str | None = None,
) -> pd.DataFrame:
    """Stored trade flows as a DataFrame with columns ``TRADE_FLOW_COLUMNS``:
    ``value`` in thousand USD and ``quantity`` in tonnes (float64, NaN where
    unknown). ``exporters`` and ``importers`` take ISO3 or partner-group codes."""
    queryset = TradeFlow.objects.all()
    codes = list(hs_codes or [])
    if commodity:
        codes += get_commodity_hs_codes(commodity, hs_revision=hs_revision)
    if commodity or hs_codes is not None:
        queryset = queryset.filter(hs_code__in=codes)
    if hs_revision:
        queryset = queryset.filter(hs_revision=hs_revision)
    if isinstance(year, int):
        queryset = queryset.filter(year=year)
    elif year is not None:
        queryset = queryset.filter(year__in=list(year))
    if exporters is not None:
        queryset = queryset.filter(
            exporter__iso3__in=resolve_economies(exporters, field="exporter")
        )
    if importers is not None:
        queryset = queryset.filter(
            importer__iso3__in=resolve_economies(importers, field="importer")
        )
    rows = queryset.order_by("year", "hs_code", "exporter__iso3").values_list(
        "year",
        "hs_code",
        "hs_revision",
        "exporter__iso3",
        "importer__iso3",
        "value",
        "quantity",
        "source",
    )
    frame = pd.DataFrame.from_records(list(rows), columns=list(TRADE_FLOW_COLUMNS))
    frame["year"] = frame["year"].astype("int64")
    frame["value"] = frame["value"].astype("float64")
    frame["quantity"] = pd.to_numeric(frame["quantity"].astype(object)).astype(
        "float64"
    )
    return frame


def get_latest_trade_year(commodity: str) -> int | None:
    """The latest year with stored flows of the commodity's HS codes, or None."""
    latest = TradeFlow.objects.filter(
        hs_code__in=get_commodity_hs_codes(commodity)
    ).aggregate(latest=Max("year"))["latest"]
    return int(latest) if latest is not None else None


def get_top_exporters(
    commodity: str,
    importers: Iterable[str],
    year: int | None = None,
    *,
    limit: int = 10,
) -> pd.DataFrame:
    """The largest exporters of a commodity to ``importers`` (ISO3 or group codes) in
    ``year`` (default: the latest stored): columns ``origin, value, quantity, share``
    (share of value, 0–1), largest first. Flows among the importers themselves
    (intra-EU trade for ``eu-27``) are left out."""
    year = year if year is not None else get_latest_trade_year(commodity)
    wanted = resolve_economies(importers)
    if year is None:
        return pd.DataFrame(columns=["origin", "value", "quantity", "share"])
    flows = get_trade_flows(commodity=commodity, year=year, importers=sorted(wanted))
    return _top_exporters(flows, wanted, limit=limit)


def _top_exporters(
    flows: pd.DataFrame, wanted: set[str], *, limit: int
) -> pd.DataFrame:
    """``get_top_exporters`` on flows already read (one year, into ``wanted``)."""
    by_origin = trade_matrix.group_flows_by_origin(flows, importers=wanted)
    total = float(by_origin["value"].sum())
    by_origin["share"] = by_origin["value"] / total if total > 0 else np.nan
    return by_origin.head(limit).reset_index(drop=True)


def get_supply_concentration(commodity: str, importers: Iterable[str]) -> pd.DataFrame:
    """Per year, the concentration of a commodity's imports into ``importers``
    (extra-group only): ``year, total_value, n_exporters, hhi (0–10,000),
    top_exporter, top_share (0–1)``."""
    wanted = resolve_economies(importers)
    flows = get_trade_flows(commodity=commodity, importers=sorted(wanted))
    flows = flows[~flows["exporter"].isin(wanted)]
    return trade_matrix.supply_concentration(flows)


def get_trade_unit_values(
    commodity: str, importers: Iterable[str] | None = None
) -> pd.DataFrame:
    """Per year, the unit value (value ÷ tonnes, USD/t) of the commodity's trade
    (into ``importers`` if given): ``year, value, quantity, unit_value``."""
    flows = get_trade_flows(
        commodity=commodity, importers=list(importers) if importers else None
    )
    return trade_matrix.unit_values(flows)


# The markets a commodity page shows: label -> ISO3 or partner-group codes.
SUPPLY_MARKETS: dict[str, tuple[str, ...]] = {
    "EU-27": ("eu-27",),
    "United States": ("USA",),
    "Japan": ("JPN",),
}


@dataclass(frozen=True)
class SupplyOverview:
    """Where a commodity's imports into the main markets come from."""

    commodity: str
    hs_codes: tuple[str, ...]
    year: int | None  # the latest year with flows
    top_exporters: dict[str, pd.DataFrame]  # market -> origin, value, quantity, share
    concentration: dict[str, pd.DataFrame]  # market -> year, hhi, top_exporter, ...
    unit_values: pd.DataFrame  # year, value, quantity, unit_value (USD/t)
    source: str

    def share_of(self, exporter: str) -> dict[str, float | None]:
        """Each market's share of value from ``exporter`` in ``year`` (0–1)."""
        shares: dict[str, float | None] = {}
        for market, rows in self.top_exporters.items():
            found = rows[rows["origin"] == exporter]
            shares[market] = float(found["share"].iloc[0]) if len(found) else None
        return shares


def _existing_markets(
    markets: dict[str, tuple[str, ...]],
) -> dict[str, tuple[str, ...]]:
    """``markets`` without those naming a partner or group that is not stored."""
    kept = {}
    for name, members in markets.items():
        try:
            resolve_economies(members)
        except InputError:
            continue
        kept[name] = members
    return kept


def get_supply_overview(
    commodity: str, markets: dict[str, tuple[str, ...]] | None = None
) -> SupplyOverview | None:
    """Top exporters (latest year), concentration over time and unit values of a
    commodity's imports into ``markets`` (default ``SUPPLY_MARKETS``); None when no
    flows of its HS codes are stored. A market whose group a steward deleted is left
    out rather than failing the page."""
    codes = tuple(get_commodity_hs_codes(commodity))
    year = get_latest_trade_year(commodity) if codes else None
    if year is None:
        return None
    markets = _existing_markets(markets or SUPPLY_MARKETS)
    source = (
        TradeFlow.objects.filter(hs_code__in=codes, year=year)
        .values_list("source", flat=True)
        .first()
    )
    # The flows are read once, every year, and each market's share taken from them
    # (seven reads of the same rows before: 40 ms each on the seeded NdPr oxide).
    flows = get_trade_flows(commodity=commodity)
    top_exporters: dict[str, pd.DataFrame] = {}
    concentration: dict[str, pd.DataFrame] = {}
    for name, members in markets.items():
        wanted = resolve_economies(members)
        into = flows[flows["importer"].isin(wanted)]
        top_exporters[name] = _top_exporters(
            into[into["year"] == year], wanted, limit=50
        )
        concentration[name] = trade_matrix.supply_concentration(
            into[~into["exporter"].isin(wanted)]
        )
    return SupplyOverview(
        commodity=commodity,
        hs_codes=codes,
        year=year,
        top_exporters=top_exporters,
        concentration=concentration,
        unit_values=trade_matrix.unit_values(flows),
        source=source or "",
    )

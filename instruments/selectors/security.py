"""Export controls and declared stockpiles of a commodity, as plain dicts (for the
commodity page, and for the ``stockpile`` calculator to start from)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.utils import timezone

from instruments.models import DeclaredStockpile, ExportControl
from instruments.selectors.decimals import to_float


def get_export_controls(
    commodity: str, *, on: dt.date | None = None
) -> list[dict[str, Any]]:
    """The export controls in force on ``on`` (default today) that cover the
    commodity (its code), by country: ``country`` (ISO3), ``country_name``,
    ``material`` (as the source names it), ``measure`` and ``measure_label``,
    ``year``, ``in_force_from``, ``in_force_until``, ``hs_codes``, ``source``,
    ``source_url``, ``note``."""
    day = on or timezone.localdate()
    controls = (
        ExportControl.objects.filter(commodities__code=commodity)
        .filter(Q(in_force_until__isnull=True) | Q(in_force_until__gte=day))
        .filter(Q(in_force_from__isnull=True) | Q(in_force_from__lte=day))
        .select_related("country")
        .order_by("country__name", "material")
    )
    return [
        {
            "country": control.country.iso3,
            "country_name": control.country_name or control.country.name,
            "material": control.material,
            "measure": control.measure,
            "measure_label": control.get_measure_display(),
            "year": control.year,
            "in_force_from": control.in_force_from,
            "in_force_until": control.in_force_until,
            "hs_codes": control.hs_codes,
            "source": control.source,
            "source_url": control.source_url,
            "note": control.note,
        }
        for control in controls
    ]


def get_declared_stockpiles(
    commodity: str, countries: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    """The stocks declared on the commodity (its code), newest first per country;
    ``countries`` (ISO3 codes) keeps only those. Each: ``country`` (ISO3),
    ``country_name``, ``holder``, ``material``, ``kind`` (``holding`` or
    ``target``), ``quantity_t`` or ``days`` (floats; the other None, both None
    where the amount is not public), ``days_basis`` (``consumption`` or
    ``net_imports``: the calculator's ``days`` or ``days_net_imports``),
    ``as_of``, ``source``, ``source_url``, ``illustrative``, ``note``."""
    stocks = DeclaredStockpile.objects.filter(commodities__code=commodity)
    if countries is not None:
        stocks = stocks.filter(country__iso3__in=[c.upper() for c in countries])
    stocks = stocks.select_related("country").order_by(
        "country__iso3", "-as_of", "holder", "kind"
    )
    return [
        {
            "country": stock.country.iso3,
            "country_name": stock.country.name,
            "holder": stock.holder,
            "material": stock.material,
            "kind": stock.kind,
            "quantity_t": to_float(stock.quantity_t),
            "days": to_float(stock.days),
            "days_basis": stock.days_basis,
            "as_of": stock.as_of,
            "source": stock.source,
            "source_url": stock.source_url,
            "illustrative": stock.illustrative,
            "note": stock.note,
            "amount": stock.amount,
        }
        for stock in stocks
    ]

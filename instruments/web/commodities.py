"""The data pages: the commodities, each with its price series and its trade."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from instruments import selectors
from instruments.calculators import trade_matrix
from instruments.presentation.charts import supply as supply_charts
from instruments.presentation.charts.prices import build_price_history_figure
from instruments.web import page_cache

# What a commodity page shows: its price series (with FX, editions and producers), its
# HS codes and the flows of them, the partners and groups the markets name, the export
# controls and declared stocks on it.
COMMODITY_PAGE_TABLES = (
    "commodity",
    "price_series",
    "source_edition",
    "series_edition",
    "price_observation",
    "fx_rate",
    "producer",
    "commodity_hs_code",
    "trade_flow",
    "partner",
    "partner_group",
    "export_control",
    "declared_stockpile",
)


def commodity_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "instruments/commodity_list.html",
        {"commodities": selectors.list_commodities()},
    )


def commodity_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A commodity's page; a plain anonymous visit's from the shared cache, kept
    under the versions of the tables it shows (an edit shows at once)."""
    if page_cache.is_plain_anonymous_visit(request):
        return page_cache.cached_page(
            request,
            f"commodity:{code}:{translation.get_language()}",
            COMMODITY_PAGE_TABLES,
            lambda: _commodity_page(request, code),
        )
    return _commodity_page(request, code)


def _commodity_page(request: HttpRequest, code: str) -> HttpResponse:
    commodity = next((c for c in selectors.list_commodities() if c.code == code), None)
    if commodity is None:
        raise Http404(translation.gettext("No such commodity"))
    charted = []
    default_history = None
    for series in commodity.series:
        figure = None
        values: list[tuple[str, float, bool]] = []
        if series.n_observations:
            history = selectors.get_price_history(code, series=series.code)
            figure = build_price_history_figure(history)
            # the values themselves, for a reader who cannot hover or open a CSV
            values = [
                (str(period), float(price), bool(estimated))
                for (period, price), estimated in zip(
                    history.prices.items(), history.estimated.to_numpy(), strict=True
                )
            ]
            if series.code == commodity.default_series:
                default_history = history
        charted.append(
            {
                "series": series,
                "figure": figure,
                "values": values,
                "script_id": f"chart-{series.code}-data",
            }
        )
    controls = selectors.get_export_controls(code)
    return render(
        request,
        "instruments/commodity_detail.html",
        {
            "commodity": commodity,
            "charted": charted,
            "export_controls": controls,
            "export_control_notes": sorted({c["note"] for c in controls if c["note"]}),
            "declared_stockpiles": selectors.get_declared_stockpiles(code),
            **supply_context(code, default_history),
        },
    )


def supply_context(
    code: str, history: selectors.PriceHistory | None = None
) -> dict[str, Any]:
    """The commodity page's trade section: figures and China's shares; the unit
    values beside the default price series (``history``), in its unit."""
    overview = selectors.get_supply_overview(code)
    if overview is None or overview.year is None:
        return {"supply": None}
    values, prices, unit = overview.unit_values, None, "USD/t"
    price_source = overview.source
    if history is not None:
        values, prices, unit = trade_matrix.unit_values_beside_prices(
            overview.unit_values, history.prices, history.unit
        )
        if not prices.empty:
            price_source += translation.gettext("; prices: {source}").format(
                source=history.citation or history.source
            )
    return {
        "supply": overview,
        "china_shares": [
            (market, share) for market, share in overview.share_of("CHN").items()
        ],
        "supply_figures": [
            (
                "supply-top",
                "supply-top-data",
                translation.gettext("Top exporters, {year}").format(year=overview.year),
                supply_charts.build_top_exporters_figure(
                    overview.top_exporters,
                    year=overview.year,
                    names=selectors.get_partner_names(),
                ),
                overview.source,
            ),
            (
                "supply-concentration",
                "supply-concentration-data",
                translation.gettext("Concentration of supply"),
                supply_charts.build_concentration_figure(overview.concentration),
                overview.source,
            ),
            (
                "supply-unit-values",
                "supply-unit-values-data",
                translation.gettext(
                    "Unit values (value ÷ tonnes) beside the price series"
                ),
                supply_charts.build_unit_value_figure(
                    values,
                    title=translation.gettext(
                        "Trade unit value, all flows, and the price ({unit})"
                    ).format(unit=unit),
                    unit=unit,
                    prices=prices,
                    price_name=history.series_name if history else "",
                    price_source=history.short_citation if history else "",
                ),
                price_source,
            ),
        ],
    }

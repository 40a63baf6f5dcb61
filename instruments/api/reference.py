"""API views for the reference data: commodities and their prices, price series and
observations, partners and groups, producers, FX rates and policy parameters.

Everyone reads (unless ``REQUIRE_LOGIN``); data stewards write. Lists are filterable
and paginated (``?limit=&offset=``) as JSON, complete as CSV or XLSX.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Min, QuerySet
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from instruments import selectors
from instruments.api import filters
from instruments.api.guards import SafeJSONParser
from instruments.api.permissions import StewardWriteOrRead
from instruments.api.schema import ERROR_SCHEMA, FORMAT_PARAMETER
from instruments.api.serializers import (
    CommodityElasticitySerializer,
    CommoditySerializer,
    DeclaredStockpileSerializer,
    ExportControlSerializer,
    FxRateSerializer,
    ParameterScheduleSerializer,
    PartnerGroupDetailSerializer,
    PartnerGroupSerializer,
    PartnerSerializer,
    PriceObservationSerializer,
    PricePointSerializer,
    PriceSeriesSerializer,
    ProducerSerializer,
    ProductionVolumeSerializer,
)
from instruments.calculators.base import InputError
from instruments.models import (
    Commodity,
    CommodityElasticity,
    DeclaredStockpile,
    ExportControl,
    FxRate,
    ParameterSchedule,
    Partner,
    PartnerGroup,
    PriceObservation,
    PriceSeries,
    Producer,
    ProductionVolume,
    format_period,
)
from instruments.services import data_versions


class ReferenceViewSet(viewsets.ModelViewSet):
    """Shared by every reference list: steward writes, CSV header from the serializer."""

    permission_classes = [StewardWriteOrRead]
    parser_classes = [SafeJSONParser]
    sheet_title = "Data"

    _headers: dict[type, list[str]] = {}  # per serializer class: fields are static
    cache_tables: tuple[str, ...] = ()
    """Stored tables an anonymous list's answer depends on: when set, the answer is
    kept in the shared cache under the URL and those tables' versions."""

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not self.cache_tables or request.user.is_authenticated:
            return super().list(request, *args, **kwargs)
        renderer = getattr(request, "accepted_renderer", None)
        key = (
            "reflist:"
            + hashlib.sha256(
                "|".join(
                    [
                        request.get_host(),
                        request.get_full_path(),
                        getattr(renderer, "format", ""),
                        data_versions.versions_of(names=self.cache_tables),
                    ]
                ).encode()
            ).hexdigest()
        )
        data = cache.get(key)
        if data is not None:
            return Response(data)
        response = super().list(request, *args, **kwargs)
        if response.status_code == status.HTTP_200_OK:
            cache.set(key, response.data, settings.CALCULATION_CACHE_SECONDS)
        return response

    def get_renderer_context(self) -> dict[str, Any]:
        context = super().get_renderer_context()
        serializer_class = self.get_serializer_class()
        header = self._headers.get(serializer_class)
        if header is None:
            serializer = serializer_class(context=self.get_serializer_context())
            target = getattr(serializer, "child", serializer)
            assert isinstance(target, serializers.Serializer)  # every list's is
            header = [
                name for name, field in target.fields.items() if not field.write_only
            ]
            self._headers[serializer_class] = header
        context["header"] = list(header)
        context["filename"] = self.sheet_title.lower().replace(" ", "-")
        context["sheet_title"] = self.sheet_title
        return context


def reference_schema(tag: str) -> Any:
    """Tags every operation and documents ``?format=`` on the reads."""
    return extend_schema_view(
        list=extend_schema(tags=[tag], parameters=[FORMAT_PARAMETER]),
        retrieve=extend_schema(tags=[tag], parameters=[FORMAT_PARAMETER]),
        create=extend_schema(tags=[tag]),
        update=extend_schema(tags=[tag]),
        partial_update=extend_schema(tags=[tag]),
        destroy=extend_schema(tags=[tag]),
    )


class SeriesCoverageSerializer(PriceSeriesSerializer):
    """A price series with the periods it covers."""

    first_period = serializers.SerializerMethodField()
    last_period = serializers.SerializerMethodField()
    n_observations = serializers.IntegerField(read_only=True, default=0)

    class Meta(PriceSeriesSerializer.Meta):
        fields = [
            *PriceSeriesSerializer.Meta.fields,
            "first_period",
            "last_period",
            "n_observations",
        ]

    def get_first_period(self, obj: PriceSeries) -> str | None:
        first = getattr(obj, "first", None)
        return format_period(first, obj.frequency) if first else None

    def get_last_period(self, obj: PriceSeries) -> str | None:
        last = getattr(obj, "last", None)
        return format_period(last, obj.frequency) if last else None


def series_with_coverage() -> QuerySet[PriceSeries]:
    return (
        PriceSeries.objects.select_related("commodity")
        .prefetch_related("edition_links__edition")
        .annotate(
            n_observations=Count("observations"),
            first=Min("observations__period"),
            last=Max("observations__period"),
        )
        .order_by("commodity__name", "name")
    )


PRICE_PARAMETERS = [
    OpenApiParameter(
        "series",
        str,
        description="Series code (default: the commodity's default series).",
    ),
    OpenApiParameter(
        "start",
        str,
        description="First period (2024, 2024Q1, 2024-01 or an ISO date), inclusive.",
    ),
    OpenApiParameter("end", str, description="Last period, inclusive."),
    FORMAT_PARAMETER,
]


@reference_schema("reference data")
class CommodityViewSet(ReferenceViewSet):
    """Commodities, by ``code``; each has price series and a default one."""

    queryset = Commodity.objects.select_related("input_commodity").order_by("name")
    serializer_class = CommoditySerializer
    filterset_class = filters.CommodityFilter
    lookup_field = "code"
    sheet_title = "Commodities"

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        if self.action == "series":
            return SeriesCoverageSerializer
        if self.action == "prices":
            return PricePointSerializer
        return super().get_serializer_class()

    @extend_schema(
        tags=["reference data"],
        parameters=[FORMAT_PARAMETER],
        responses=SeriesCoverageSerializer(many=True),  # a paginated list
    )
    @action(detail=True, methods=["get"], filterset_class=None)
    def series(self, request: Request, code: str | None = None) -> Response:
        """The commodity's price series with their coverage."""
        commodity = self.get_object()
        queryset = series_with_coverage().filter(commodity=commodity)
        page = self.paginate_queryset(queryset)
        serializer = SeriesCoverageSerializer(
            page if page is not None else queryset,
            many=True,
            context=self.get_serializer_context(),
        )
        if page is not None:
            return self.get_paginated_response(serializer.data)
        return Response(serializer.data)

    @extend_schema(
        tags=["reference data"],
        parameters=PRICE_PARAMETERS,
        responses={
            200: PricePointSerializer(many=True),
            400: OpenApiResponse(response=ERROR_SCHEMA),
            404: None,
        },
    )
    @action(detail=True, methods=["get"], filterset_class=None)
    def prices(self, request: Request, code: str | None = None) -> Response:
        """The stored prices of the commodity's default series (or ``?series=``), in
        the series' own unit, between ``?start=`` and ``?end=``."""
        commodity = self.get_object()
        params = request.query_params
        try:
            history = selectors.get_price_history(
                commodity.code,
                series=params.get("series") or None,
                start=params.get("start") or None,
                end=params.get("end") or None,
            )
        except InputError as exc:
            return Response(exc.errors, status=status.HTTP_400_BAD_REQUEST)
        points: list[dict[str, object]] = [
            {
                "period": str(label),
                "price": float(price),
                "estimated": bool(history.estimated[str(label)]),  # labels are str
            }
            for label, price in history.prices.items()
        ]
        about = {
            "commodity": history.commodity,
            "series": history.series,
            "series_name": history.series_name,
            "unit": history.unit,
            "currency": history.currency,
            "frequency": history.frequency,
            "source": history.source,
            "citation": history.citation,
            "licence": history.licence,
        }
        # DRF paginates any sequence; drf-stubs accept only a QuerySet.
        page: list[dict[str, object]] | None = self.paginate_queryset(points)  # type: ignore[arg-type]
        if page is not None:
            response = self.get_paginated_response(page)
            response.data = {**about, **response.data}
            return response
        # A spreadsheet has every row, and each says where it came from.
        cited = f"{history.citation}. Licence: {history.licence}."
        return Response([{**point, "source": cited} for point in points])


@reference_schema("reference data")
class PriceSeriesViewSet(ReferenceViewSet):
    """Price series, by ``code``, with the periods each covers."""

    queryset = series_with_coverage()
    serializer_class = SeriesCoverageSerializer
    filterset_class = filters.PriceSeriesFilter
    lookup_field = "code"
    sheet_title = "Series"


@reference_schema("reference data")
class PriceObservationViewSet(ReferenceViewSet):
    """Stored prices, one per series and period (``period`` = the period's first day)."""

    queryset = PriceObservation.objects.select_related("series").order_by(
        "series__code", "period"
    )
    serializer_class = PriceObservationSerializer
    filterset_class = filters.PriceObservationFilter
    sheet_title = "Observations"


@reference_schema("reference data")
class PartnerViewSet(ReferenceViewSet):
    """Economies, by ISO 3166-1 alpha-3 code."""

    queryset = Partner.objects.prefetch_related("groups").order_by("name")
    serializer_class = PartnerSerializer
    filterset_class = filters.PartnerFilter
    lookup_field = "iso3"
    sheet_title = "Partners"
    cache_tables = ("partner", "partner_group")


@reference_schema("reference data")
class PartnerGroupViewSet(ReferenceViewSet):
    """Named groups of economies, by ``code``."""

    queryset = PartnerGroup.objects.prefetch_related("members").order_by("name")
    serializer_class = PartnerGroupSerializer
    filterset_class = filters.PartnerGroupFilter
    lookup_field = "code"
    sheet_title = "Partner groups"
    cache_tables = ("partner", "partner_group")

    def get_queryset(self) -> QuerySet[PartnerGroup]:
        return super().get_queryset().distinct()

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        if self.action == "retrieve":
            return PartnerGroupDetailSerializer
        return super().get_serializer_class()

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if self.action == "list":  # every group's countries in three queries
            context["group_members"] = selectors.list_group_members()
        return context


@reference_schema("reference data")
class ProducerViewSet(ReferenceViewSet):
    """Producers of a commodity: capacities, unit costs, carbon intensities, audits."""

    queryset = Producer.objects.select_related("commodity", "country").order_by(
        "commodity__name", "name"
    )
    serializer_class = ProducerSerializer
    filterset_class = filters.ProducerFilter
    sheet_title = "Producers"


@reference_schema("reference data")
class FxRateViewSet(ReferenceViewSet):
    """Units of a currency per US dollar, by period."""

    queryset = FxRate.objects.order_by("currency", "period")
    serializer_class = FxRateSerializer
    filterset_class = filters.FxRateFilter
    sheet_title = "FX rates"


@reference_schema("reference data")
class ParameterScheduleViewSet(ReferenceViewSet):
    """Policy parameters by year (e.g. ``cbam-free-allocation``)."""

    queryset = ParameterSchedule.objects.order_by("code", "year")
    serializer_class = ParameterScheduleSerializer
    filterset_class = filters.ParameterScheduleFilter
    sheet_title = "Parameters"


# --- the calibrated baseline's data (INSTRUMENTS.md §10): read-only lists ------------

READ_ONLY = ["get", "head", "options"]


@reference_schema("reference data")
class ProductionVolumeViewSet(ReferenceViewSet):
    """USGS MCS world production by country, as published: filter by ``commodity``
    (the series its production is read from), ``series``, ``country`` (ISO3),
    ``year``. Stewards edit it in the admin."""

    http_method_names = READ_ONLY
    queryset = ProductionVolume.objects.select_related("country").order_by(
        "series", "stage", "year", "country_name"
    )
    serializer_class = ProductionVolumeSerializer
    filterset_class = filters.ProductionVolumeFilter
    sheet_title = "World production"
    cache_tables = ("production_volume", "commodity_production", "partner")


@reference_schema("reference data")
class CommodityElasticityViewSet(ReferenceViewSet):
    """Default elasticities per commodity (import demand < 0, substitution > 0,
    supply >= 0) with their published range and sources. Stewards edit them in the
    admin."""

    http_method_names = READ_ONLY
    queryset = (
        CommodityElasticity.objects.select_related("commodity")
        .prefetch_related("estimates")
        .order_by("commodity__code", "kind")
    )
    serializer_class = CommodityElasticitySerializer
    filterset_class = filters.CommodityElasticityFilter
    sheet_title = "Elasticities"
    cache_tables = ("commodity", "commodity_elasticity", "elasticity_estimate")


# --- supply security (§11): export controls and declared stockpiles, read-only -------


@reference_schema("reference data")
class ExportControlViewSet(ReferenceViewSet):
    """Export controls by country and material (USGS MCS 2026 table 4, split by
    material): filter by ``commodity``, ``country`` (ISO3), ``measure``, ``year``,
    ``material`` or ``in_force_on``. Stewards edit them in the admin."""

    http_method_names = READ_ONLY
    queryset = (
        ExportControl.objects.select_related("country")
        .prefetch_related("commodities")
        .order_by("country__iso3", "material", "measure")
    )
    serializer_class = ExportControlSerializer
    filterset_class = filters.ExportControlFilter
    sheet_title = "Export controls"
    cache_tables = ("export_control", "commodity", "partner")

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return super().filter_queryset(queryset).distinct()


@reference_schema("reference data")
class DeclaredStockpileViewSet(ReferenceViewSet):
    """Stockpiles countries declare (held or targets), in tonnes or days; both empty
    where the amount is not public; ``illustrative`` flags assumptions. Filter by
    ``commodity``, ``country``, ``kind``, ``days_basis``, ``illustrative``."""

    http_method_names = READ_ONLY
    queryset = (
        DeclaredStockpile.objects.select_related("country")
        .prefetch_related("commodities")
        .order_by("country__iso3", "holder", "material", "-as_of")
    )
    serializer_class = DeclaredStockpileSerializer
    filterset_class = filters.DeclaredStockpileFilter
    sheet_title = "Declared stockpiles"
    cache_tables = ("declared_stockpile", "commodity", "partner")

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return super().filter_queryset(queryset).distinct()

"""``/api/v1/trade-flows/``: bilateral annual trade flows (CEPII BACI and the like).

Everyone reads; data stewards write (as every reference list). Filters name things by
their codes: ``commodity`` (its HS codes), ``hs_code``, ``year`` (or ``year_from`` /
``year_to``), ``exporter`` / ``importer`` (ISO3), ``exporter_group`` /
``importer_group`` / ``partner_group`` (a partner group, subgroups included). JSON is
paginated; ``?format=csv`` and ``?format=xlsx`` give every matching row.
"""

from __future__ import annotations

import re

import django_filters as filters
from django.db.models import Q, QuerySet
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from instruments import selectors
from instruments.api.filters import FilterSet, IntegerFilter
from instruments.api.reference import ReferenceViewSet, reference_schema
from instruments.api.serializers import ReferenceSerializer
from instruments.calculators.base import InputError
from instruments.models import TRADE_FLOW_COLUMNS, Partner, TradeFlow


class TradeFlowSerializer(ReferenceSerializer):
    """One year's exports of one HS6 product from one economy to another: ``value``
    in thousand current USD, ``quantity`` in tonnes (null where unknown)."""

    exporter = serializers.SlugRelatedField(
        slug_field="iso3", queryset=Partner.objects.all(), help_text="ISO3 code."
    )
    importer = serializers.SlugRelatedField(
        slug_field="iso3", queryset=Partner.objects.all(), help_text="ISO3 code."
    )

    class Meta:
        model = TradeFlow
        fields = ["id", *TRADE_FLOW_COLUMNS]
        patterns = {"hs_code": "^[0-9]{6}$"}


def _group_members(code: str, field: str) -> list[str]:
    try:
        return selectors.get_partner_group_members(code)
    except InputError:
        raise serializers.ValidationError(
            {field: [f"Unknown partner group '{code}'."]}
        ) from None


HS_CODE_FILLER = "[ .]"
"""What an HS code may carry besides its six digits: spaces and dots (2846.90)."""
HS_CODE_PATTERN = f"^{HS_CODE_FILLER}*([0-9]{HS_CODE_FILLER}*){{6}}$"


class TradeFlowFilter(FilterSet):
    commodity = filters.CharFilter(
        method="filter_commodity",
        help_text="A commodity code: flows of the HS codes it is traded under.",
    )
    hs_code = filters.CharFilter(
        method="filter_hs_code", help_text="Six-digit HS code (dots allowed)."
    )
    year_from = IntegerFilter(field_name="year", lookup_expr="gte")
    year_to = IntegerFilter(field_name="year", lookup_expr="lte")
    exporter = filters.CharFilter(
        field_name="exporter__iso3", lookup_expr="iexact", help_text="ISO3 code."
    )
    importer = filters.CharFilter(
        field_name="importer__iso3", lookup_expr="iexact", help_text="ISO3 code."
    )
    exporter_group = filters.CharFilter(
        method="filter_exporter_group",
        help_text="Exporter in this partner group (its subgroups included).",
    )
    importer_group = filters.CharFilter(
        method="filter_importer_group",
        help_text="Importer in this partner group (its subgroups included).",
    )
    partner_group = filters.CharFilter(
        method="filter_partner_group",
        help_text="Exporter or importer in this partner group.",
    )

    class Meta:
        model = TradeFlow
        fields = ["year", "hs_revision"]

    def filter_commodity(
        self, queryset: QuerySet[TradeFlow], name: str, value: str
    ) -> QuerySet[TradeFlow]:
        try:
            codes = selectors.get_commodity_hs_codes(value)
        except InputError:
            raise serializers.ValidationError(
                {"commodity": [f"Unknown commodity '{value}'."]}
            ) from None
        return queryset.filter(hs_code__in=codes)

    @extend_schema_field({"type": "string", "pattern": HS_CODE_PATTERN})
    def filter_hs_code(
        self, queryset: QuerySet[TradeFlow], name: str, value: str
    ) -> QuerySet[TradeFlow]:
        code = re.sub(HS_CODE_FILLER, "", value)
        if not re.fullmatch(r"[0-9]{6}", code):
            raise serializers.ValidationError(
                {"hs_code": [f"'{value}' is not a six-digit HS code (e.g. 284690)."]}
            )
        return queryset.filter(hs_code=code)

    def filter_exporter_group(
        self, queryset: QuerySet[TradeFlow], name: str, value: str
    ) -> QuerySet[TradeFlow]:
        members = _group_members(value, "exporter_group")
        return queryset.filter(exporter__iso3__in=members)

    def filter_importer_group(
        self, queryset: QuerySet[TradeFlow], name: str, value: str
    ) -> QuerySet[TradeFlow]:
        members = _group_members(value, "importer_group")
        return queryset.filter(importer__iso3__in=members)

    def filter_partner_group(
        self, queryset: QuerySet[TradeFlow], name: str, value: str
    ) -> QuerySet[TradeFlow]:
        members = _group_members(value, "partner_group")
        return queryset.filter(
            Q(exporter__iso3__in=members) | Q(importer__iso3__in=members)
        )


@reference_schema("reference data")
class TradeFlowViewSet(ReferenceViewSet):
    """Bilateral annual trade flows: value in thousand USD, quantity in tonnes."""

    queryset = TradeFlow.objects.select_related("exporter", "importer").order_by(
        "year", "hs_code", "exporter__iso3", "importer__iso3"
    )
    serializer_class = TradeFlowSerializer
    filterset_class = TradeFlowFilter
    sheet_title = "Trade flows"

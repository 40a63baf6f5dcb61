"""Query filters for the reference data (django-filter).

Filters name things by their codes, as the rest of the API does. No filter is called
``format``: that name switches the output to CSV or XLSX.
"""

from __future__ import annotations

import django_filters as filters
from django.db.models import QuerySet

from instruments.models import (
    Commodity,
    FxRate,
    ParameterSchedule,
    Partner,
    PartnerGroup,
    PriceObservation,
    PriceSeries,
    Producer,
    Scenario,
)


class CommodityFilter(filters.FilterSet):
    name = filters.CharFilter(lookup_expr="icontains", help_text="Part of the name.")
    hs_code = filters.CharFilter(
        field_name="hs_codes",
        lookup_expr="icontains",
        help_text="An HS code, e.g. 7502.",
    )
    input_commodity = filters.CharFilter(field_name="input_commodity__code")

    class Meta:
        model = Commodity
        fields = ["code", "stage"]


class PriceSeriesFilter(filters.FilterSet):
    commodity = filters.CharFilter(field_name="commodity__code")

    class Meta:
        model = PriceSeries
        fields = ["code", "frequency", "unit", "currency", "is_default"]


class PriceObservationFilter(filters.FilterSet):
    series = filters.CharFilter(field_name="series__code")
    commodity = filters.CharFilter(field_name="series__commodity__code")
    start = filters.DateFilter(
        field_name="period", lookup_expr="gte", help_text="Periods from this date."
    )
    end = filters.DateFilter(
        field_name="period", lookup_expr="lte", help_text="Periods up to this date."
    )

    class Meta:
        model = PriceObservation
        fields = ["estimated"]


class PartnerFilter(filters.FilterSet):
    name = filters.CharFilter(lookup_expr="icontains")
    group = filters.CharFilter(
        field_name="groups__code", help_text="Members of this partner group."
    )

    class Meta:
        model = Partner
        fields = ["iso3", "iso2"]


class PartnerGroupFilter(filters.FilterSet):
    member = filters.CharFilter(
        field_name="members__iso3", help_text="Groups this economy (ISO3) belongs to."
    )

    class Meta:
        model = PartnerGroup
        fields = ["code"]


class ProducerFilter(filters.FilterSet):
    commodity = filters.CharFilter(field_name="commodity__code")
    country = filters.CharFilter(field_name="country__iso3")
    name = filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Producer
        fields = ["stage", "intensity_scope", "traceable", "is_illustrative"]


class FxRateFilter(filters.FilterSet):
    start = filters.DateFilter(field_name="period", lookup_expr="gte")
    end = filters.DateFilter(field_name="period", lookup_expr="lte")

    class Meta:
        model = FxRate
        fields = ["currency"]


class ParameterScheduleFilter(filters.FilterSet):
    year_from = filters.NumberFilter(field_name="year", lookup_expr="gte")
    year_to = filters.NumberFilter(field_name="year", lookup_expr="lte")

    class Meta:
        model = ParameterSchedule
        fields = ["code", "year"]


class ScenarioFilter(filters.FilterSet):
    mine = filters.BooleanFilter(
        method="filter_mine", help_text="Only the signed-in user's own scenarios."
    )

    class Meta:
        model = Scenario
        fields = ["calculator", "is_public", "is_precedent"]

    def filter_mine(
        self, queryset: QuerySet[Scenario], name: str, value: bool | None
    ) -> QuerySet[Scenario]:
        user = getattr(self.request, "user", None)
        if not value:
            return queryset
        if user is None or not user.is_authenticated:
            return queryset.none()
        return queryset.filter(owner=user)

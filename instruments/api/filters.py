"""Query filters for the reference data (django-filter).

Filters name things by their codes, as the rest of the API does. No filter is called
``format``: that name switches the output to CSV or XLSX. A yes/no filter takes
``true`` or ``false`` and refuses anything else with a 400 (django-filter's own
ignores a value it cannot read, so ``?is_public=yes please`` would list everything);
an empty value means "not given", as everywhere in the API.
"""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django import forms
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError

from instruments.models import (
    Commodity,
    CommodityElasticity,
    CommodityProduction,
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
    Project,
    Scenario,
)

LIST_PARAMETERS = frozenset(
    {
        "format",
        "page",
        "page_size",
        "limit",
        "offset",
        "ordering",
        "search",
        "fields",
        "token",  # the spreadsheet key (authentication.QUERY_TOKEN_PARAMETER)
        "api_key",
    }
)
"""Query parameters every list takes besides its filters."""


def unknown_parameters(filterset_class: Any, names: Any) -> dict[str, list[str]]:
    """Each of ``names`` that is neither a filter of ``filterset_class`` nor one of
    ``LIST_PARAMETERS``, with a message listing the known ones ({} if none)."""
    known = {*filterset_class.base_filters, *LIST_PARAMETERS}
    listing = ", ".join(sorted(known))
    return {
        str(name)[:80]: [
            gettext("Unknown query parameter. Known: {listing}.").format(
                listing=listing
            )
        ]
        for name in sorted(names)
        if name not in known
    }


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter's backend, refusing on a list a query parameter that is neither
    one of its filters nor one of ``LIST_PARAMETERS`` with a 400 naming it (so
    ``?yaer=2024`` is not every row)."""

    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        if getattr(view, "action", None) == "list":
            filterset_class = self.get_filterset_class(view, queryset)
            if filterset_class is not None:
                unknown = unknown_parameters(filterset_class, request.query_params)
                if unknown:
                    raise ValidationError(unknown)
        return super().filter_queryset(request, queryset, view)


class StrictBooleanField(forms.Field):
    """``true`` or ``false`` (any case); empty is "not given"; anything else invalid."""

    widget = forms.TextInput

    def to_python(self, value: Any) -> bool | None:
        text = "" if value is None else str(value).strip().lower()
        if text == "":
            return None
        if text in ("true", "false"):
            return text == "true"
        raise forms.ValidationError(gettext("Expected true or false."), code="invalid")


class StrictBooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField


WHOLE_NUMBER_BOUNDS = {"min_value": -(2**31), "max_value": 2**31 - 1}


@extend_schema_field(
    {
        "type": "integer",
        "minimum": WHOLE_NUMBER_BOUNDS["min_value"],
        "maximum": WHOLE_NUMBER_BOUNDS["max_value"],
    }
)
class IntegerFilter(filters.NumberFilter):
    """A whole number (django-filter's NumberFilter takes any decimal, so ``year=1.5``
    would pass); bounded, so the database never sees an integer it cannot hold."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **{**WHOLE_NUMBER_BOUNDS, **kwargs})


class FilterSet(filters.FilterSet):
    """django-filter's FilterSet with yes/no and whole-number fields that refuse
    other values."""

    FILTER_DEFAULTS = {
        **filters.FilterSet.FILTER_DEFAULTS,
        models.BooleanField: {"filter_class": StrictBooleanFilter},
        **{
            field: {"filter_class": IntegerFilter}
            for field in (
                models.IntegerField,
                models.SmallIntegerField,
                models.PositiveIntegerField,
                models.PositiveSmallIntegerField,
            )
        },
    }


class CommodityFilter(FilterSet):
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


class PriceSeriesFilter(FilterSet):
    commodity = filters.CharFilter(field_name="commodity__code")

    class Meta:
        model = PriceSeries
        fields = ["code", "frequency", "unit", "currency", "is_default"]


class PriceObservationFilter(FilterSet):
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


class PartnerFilter(FilterSet):
    name = filters.CharFilter(lookup_expr="icontains")
    group = filters.CharFilter(
        field_name="groups__code", help_text="Members of this partner group."
    )

    class Meta:
        model = Partner
        fields = ["iso3", "iso2"]


class PartnerGroupFilter(FilterSet):
    member = filters.CharFilter(
        field_name="members__iso3", help_text="Groups this economy (ISO3) belongs to."
    )

    class Meta:
        model = PartnerGroup
        fields = ["code"]


class ProducerFilter(FilterSet):
    commodity = filters.CharFilter(field_name="commodity__code")
    country = filters.CharFilter(field_name="country__iso3")
    name = filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Producer
        fields = ["stage", "intensity_scope", "traceable", "is_illustrative"]


class ProjectFilter(FilterSet):
    commodity = filters.CharFilter(field_name="commodity__code")
    country = filters.CharFilter(
        field_name="country__iso3", lookup_expr="iexact", help_text="ISO3 code."
    )
    name = filters.CharFilter(lookup_expr="icontains", help_text="Part of the name.")

    class Meta:
        model = Project
        fields = ["slug", "stage", "status", "illustrative"]


class FxRateFilter(FilterSet):
    start = filters.DateFilter(field_name="period", lookup_expr="gte")
    end = filters.DateFilter(field_name="period", lookup_expr="lte")

    class Meta:
        model = FxRate
        fields = ["currency"]


class ParameterScheduleFilter(FilterSet):
    year_from = IntegerFilter(field_name="year", lookup_expr="gte")
    year_to = IntegerFilter(field_name="year", lookup_expr="lte")

    class Meta:
        model = ParameterSchedule
        fields = ["code", "year"]


class ProductionVolumeFilter(FilterSet):
    commodity = filters.CharFilter(
        method="filter_commodity",
        help_text="A commodity code: the USGS series its production is read from.",
    )
    series = filters.CharFilter(
        lookup_expr="iexact", help_text='The USGS commodity name, e.g. "Rare earths".'
    )
    country = filters.CharFilter(
        field_name="country__iso3", lookup_expr="iexact", help_text="ISO3 code."
    )
    year_from = IntegerFilter(field_name="year", lookup_expr="gte")
    year_to = IntegerFilter(field_name="year", lookup_expr="lte")

    class Meta:
        model = ProductionVolume
        fields = ["year", "stage", "edition", "estimated"]

    def filter_commodity(
        self, queryset: QuerySet[ProductionVolume], name: str, value: str
    ) -> QuerySet[ProductionVolume]:
        link = CommodityProduction.objects.filter(commodity__code=value).first()
        if link is None:
            return queryset.none()
        return queryset.filter(series=link.series, stage=link.stage)


class CommodityElasticityFilter(FilterSet):
    commodity = filters.CharFilter(field_name="commodity__code")

    class Meta:
        model = CommodityElasticity
        fields = ["kind"]


class ExportControlFilter(FilterSet):
    commodity = filters.CharFilter(
        field_name="commodities__code", help_text="A commodity code it covers."
    )
    country = filters.CharFilter(
        field_name="country__iso3", lookup_expr="iexact", help_text="ISO3 code."
    )
    material = filters.CharFilter(lookup_expr="icontains", help_text="Part of it.")
    in_force_on = filters.DateFilter(
        method="filter_in_force_on", help_text="In force on this date (ISO)."
    )

    class Meta:
        model = ExportControl
        fields = ["measure", "year"]

    def filter_in_force_on(
        self, queryset: QuerySet[ExportControl], name: str, value: Any
    ) -> QuerySet[ExportControl]:
        return queryset.filter(
            models.Q(in_force_until__isnull=True) | models.Q(in_force_until__gte=value),
            models.Q(in_force_from__isnull=True) | models.Q(in_force_from__lte=value),
        )


class DeclaredStockpileFilter(FilterSet):
    commodity = filters.CharFilter(
        field_name="commodities__code", help_text="A commodity code it covers."
    )
    country = filters.CharFilter(
        field_name="country__iso3", lookup_expr="iexact", help_text="ISO3 code."
    )

    class Meta:
        model = DeclaredStockpile
        fields = ["kind", "days_basis", "illustrative"]


class ScenarioFilter(FilterSet):
    mine = StrictBooleanFilter(
        method="filter_mine", help_text="Only the signed-in user's own scenarios."
    )

    class Meta:
        model = Scenario
        fields = ["calculator", "is_public", "is_precedent"]

    @extend_schema_field({"type": "boolean"})
    def filter_mine(
        self, queryset: QuerySet[Scenario], name: str, value: bool | None
    ) -> QuerySet[Scenario]:
        user = getattr(self.request, "user", None)
        if not value:
            return queryset
        if user is None or not user.is_authenticated:
            return queryset.none()
        return queryset.filter(owner=user)

"""Serializers for the reference data, saved scenarios and tokens.

The calculators' request serializers are generated from their declared inputs in
``api/schema.py``. Reference data is addressed by its natural keys (commodity and series
``code``, partner ``iso3``), never by database ids, except where a record has none
(producers, FX rates, parameter values, observations).
"""

from __future__ import annotations

import copy
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model
from django.urls import reverse
from rest_framework import serializers

from instruments.calculators.base import InputError
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
from instruments.services.scenarios import save_scenario, update_scenario


class ReferenceSerializer(serializers.ModelSerializer):
    """Reference data: a write that breaks a model rule (``clean()`` or a check or
    unique constraint) is a 400 naming the field, never a database error."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        model: type[Model] = self.Meta.model
        instance = copy.copy(self.instance) if self.instance else model()
        many_to_many = {f.name for f in model._meta.many_to_many}
        for name, value in attrs.items():
            if name not in many_to_many:
                setattr(instance, name, value)
        try:
            instance.clean()
            instance.validate_constraints()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(
                exc.message_dict if hasattr(exc, "error_dict") else exc.messages
            ) from exc
        return attrs


class CommoditySerializer(ReferenceSerializer):
    """A traded material at one stage of production."""

    input_commodity = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Commodity.objects.all(),
        allow_null=True,
        required=False,
        help_text="Code of the commodity this one is made from.",
    )
    series_url = serializers.SerializerMethodField()
    prices_url = serializers.SerializerMethodField()

    class Meta:
        model = Commodity
        fields = [
            "code",
            "name",
            "stage",
            "hs_codes",
            "input_commodity",
            "content_factor",
            "notes",
            "series_url",
            "prices_url",
        ]

    def get_series_url(self, obj: Commodity) -> str:
        return _absolute(self, "api-commodity-series", obj.code)

    def get_prices_url(self, obj: Commodity) -> str:
        return _absolute(self, "api-commodity-prices", obj.code)


def _absolute(serializer: serializers.Serializer, name: str, code: str) -> str:
    path = reverse(name, kwargs={"code": code})
    request = serializer.context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


class PriceSeriesSerializer(ReferenceSerializer):
    """One published price of a commodity on one basis, unit and frequency."""

    commodity = serializers.SlugRelatedField(
        slug_field="code", queryset=Commodity.objects.all()
    )
    citation = serializers.CharField(
        read_only=True,
        help_text="How to cite it: publisher, year, title, edition and DOI of each "
        "edition read (the source text while none is recorded).",
    )

    class Meta:
        model = PriceSeries
        fields = [
            "code",
            "commodity",
            "name",
            "basis",
            "citation",
            "source",
            "source_url",
            "licence",
            "currency",
            "unit",
            "frequency",
            "is_default",
        ]


class PriceObservationSerializer(ReferenceSerializer):
    """One stored price: ``period`` is the first day of the period, ``label`` its name."""

    series = serializers.SlugRelatedField(
        slug_field="code", queryset=PriceSeries.objects.all()
    )
    # A field named "label" shadows Field.label in drf-stubs; at runtime the metaclass
    # moves declared fields into _declared_fields, so nothing is shadowed.
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]

    class Meta:
        model = PriceObservation
        fields = ["id", "series", "period", "label", "price", "estimated"]


class PricePointSerializer(serializers.Serializer):
    """One period of a price history, in the series' own unit."""

    period = serializers.CharField(help_text="Period label: 2025, 2025Q1 or 2025-01.")
    price = serializers.FloatField()
    estimated = serializers.BooleanField()


class PartnerSerializer(ReferenceSerializer):
    """An economy by its ISO 3166-1 codes."""

    groups: serializers.SlugRelatedField[PartnerGroup] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True, help_text="Partner groups."
    )

    class Meta:
        model = Partner
        fields = ["iso3", "iso2", "name", "groups"]


class PartnerGroupSerializer(ReferenceSerializer):
    """A named group of economies; ``members`` are ISO3 codes."""

    members = serializers.SlugRelatedField(
        slug_field="iso3", many=True, queryset=Partner.objects.all(), required=False
    )

    class Meta:
        model = PartnerGroup
        fields = ["code", "name", "description", "source", "members"]


class ProducerSerializer(ReferenceSerializer):
    """A producer of a commodity (costs for cost-curve floors, intensities for
    standards markets)."""

    commodity = serializers.SlugRelatedField(
        slug_field="code", queryset=Commodity.objects.all()
    )
    country = serializers.SlugRelatedField(
        slug_field="iso3",
        queryset=Partner.objects.all(),
        allow_null=True,
        required=False,
    )

    class Meta:
        model = Producer
        fields = [
            "id",
            "name",
            "country",
            "commodity",
            "stage",
            "capacity",
            "capacity_unit",
            "unit_cost",
            "cost_unit",
            "carbon_intensity",
            "intensity_scope",
            "audit_score",
            "audit_scheme",
            "traceable",
            "is_illustrative",
            "source",
            "notes",
        ]


class FxRateSerializer(ReferenceSerializer):
    """Units of a currency per US dollar in a period (period average)."""

    class Meta:
        model = FxRate
        fields = ["id", "currency", "period", "units_per_usd", "source"]


class ParameterScheduleSerializer(ReferenceSerializer):
    """One year's value of a policy parameter (e.g. the CBAM free-allocation share)."""

    class Meta:
        model = ParameterSchedule
        fields = ["id", "code", "name", "year", "value", "unit", "source"]


class ScenarioSerializer(serializers.ModelSerializer):
    """A saved calculation. ``inputs`` is the request body as a calculator takes it;
    saving runs the calculation (in the scenarios service), so invalid inputs are a
    400 naming the fields."""

    owner = serializers.CharField(
        source="owner.username", read_only=True, allow_null=True, default=None
    )
    url = serializers.HyperlinkedIdentityField(view_name="api-scenario-detail")
    result_url = serializers.HyperlinkedIdentityField(view_name="api-scenario-result")

    class Meta:
        model = Scenario
        fields = [
            "id",
            "url",
            "calculator",
            "title",
            "notes",
            "inputs",
            "is_public",
            "is_precedent",
            "owner",
            "created",
            "updated",
            "result_url",
        ]
        read_only_fields = ["is_precedent", "owner", "created", "updated"]

    def validate_inputs(self, value: Any) -> Any:
        if not isinstance(value, dict):
            raise serializers.ValidationError("Expected an object of named fields.")
        return value

    def create(self, validated_data: dict[str, Any]) -> Scenario:
        try:
            return save_scenario(
                owner=self.context["request"].user,
                calculator=validated_data["calculator"],
                inputs=validated_data.get("inputs") or {},
                title=validated_data["title"],
                notes=validated_data.get("notes", ""),
                is_public=validated_data.get("is_public", False),
            )
        except InputError as exc:
            raise serializers.ValidationError({"inputs": exc.errors}) from exc

    def update(self, instance: Scenario, validated_data: dict[str, Any]) -> Scenario:
        try:
            return update_scenario(scenario=instance, changes=validated_data)
        except InputError as exc:
            raise serializers.ValidationError({"inputs": exc.errors}) from exc


class TokenRequestSerializer(serializers.Serializer):
    """A username and password, exchanged for the user's API token."""

    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, write_only=True)


class TokenInfoSerializer(serializers.Serializer):
    """An API token without its key (only its hash is stored)."""

    username = serializers.CharField(read_only=True)
    prefix = serializers.CharField(read_only=True, help_text="The key's start.")
    created = serializers.DateTimeField(read_only=True)
    expires = serializers.DateTimeField(read_only=True)


class TokenSerializer(TokenInfoSerializer):
    """A new API token, shown once: send it as ``Authorization: Token <token>``."""

    token = serializers.CharField(read_only=True)

"""Serializers for the reference data, saved scenarios and tokens.

The calculators' request serializers are generated from their declared inputs in
``api/schema.py``. Reference data is addressed by its natural keys (commodity and series
``code``, partner ``iso3``), never by database ids, except where a record has none
(producers, FX rates, parameter values, observations).
"""

from __future__ import annotations

import copy
import decimal
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Model
from django.urls import reverse
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import get_error_detail

from instruments import selectors
from instruments.calculators.base import InputError
from instruments.models import (
    PRODUCER_FIELDS,
    Commodity,
    CommodityElasticity,
    DeclaredStockpile,
    ElasticityEstimate,
    ExportControl,
    FxRate,
    ParameterSchedule,
    Partner,
    PartnerGroup,
    PriceObservation,
    PriceSeries,
    Producer,
    ProductionVolume,
    Scenario,
)
from instruments.services.scenarios import save_scenario, update_scenario


def json_type_problem(field: serializers.Field, value: Any) -> str:
    """What is wrong with the JSON type of ``value`` for ``field`` ("" if nothing).

    DRF's fields read leniently (``"5"`` as a number, ``1`` or ``"yes"`` as true), as
    a form would need; a JSON body is typed as the OpenAPI schema says. Null is left
    to the field (``allow_null``)."""
    if value is None:
        return ""
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if isinstance(field, serializers.BooleanField) and not isinstance(value, bool):
        return "Expected true or false."
    if (
        isinstance(
            field,
            serializers.IntegerField
            | serializers.FloatField
            | serializers.DecimalField,
        )
        and not number
    ):
        return "Expected a number."
    if isinstance(
        field,
        serializers.CharField
        | serializers.ChoiceField
        | serializers.DateField
        | serializers.DateTimeField
        | serializers.RelatedField,
    ) and not isinstance(value, str):
        return "Expected text."
    if isinstance(field, serializers.ManyRelatedField | serializers.ListField) and not (
        isinstance(value, list) and all(isinstance(item, str) for item in value)
    ):
        return "Expected a list of codes."
    return ""


class StrictJSONMixin:
    """Refuses a value of the wrong JSON type (400 naming the field), before DRF's
    lenient reading."""

    fields: Any

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            errors = {
                name: [problem]
                for name, field in self.fields.items()
                if not field.read_only
                and name in data
                and (problem := json_type_problem(field, data[name]))
            }
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)  # type: ignore[misc]


class RoundedDecimalField(serializers.DecimalField):
    """A stored decimal: a JSON number with more decimal places than the column keeps
    (any float, such as 0.1 + 0.2) is rounded to them, not refused; the bounds apply
    to the number as given."""

    def validate_precision(self, value: decimal.Decimal) -> decimal.Decimal:
        if self.min_value is not None and value < self.min_value:
            self.fail("min_value", min_value=self.min_value)
        if self.max_value is not None and value > self.max_value:
            self.fail("max_value", max_value=self.max_value)
        whole_digits = max(value.adjusted() + 1, 0)
        if self.max_whole_digits is not None and whole_digits > self.max_whole_digits:
            self.fail("max_whole_digits", max_whole_digits=self.max_whole_digits)
        if self.decimal_places is not None:
            value = value.quantize(
                decimal.Decimal(1).scaleb(-self.decimal_places),
                rounding=decimal.ROUND_HALF_EVEN,
            )
        return super().validate_precision(value)


def smallest_positive(model: type[Model], name: str) -> decimal.Decimal:
    """The smallest positive value a decimal column stores: the minimum of a field
    that must be > 0 (``RoundedDecimalField`` rounds to that precision)."""
    places = model._meta.get_field(name).decimal_places  # type: ignore[union-attr]
    return decimal.Decimal(1).scaleb(-places)


class ReferenceSerializer(StrictJSONMixin, serializers.ModelSerializer):
    """Reference data: a write that breaks a model rule (``clean()`` or a check or
    unique constraint) is a 400 naming the field, never a database error; one that
    only repeats a unique key is a 409 (``api/errors.py``). ``Meta.patterns`` gives
    the regular expressions of text fields that a check constraint holds to, so the
    schema shows them and the field's error comes first."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DecimalField: RoundedDecimalField,
    }

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        for name, pattern in getattr(self.Meta, "patterns", {}).items():
            fields[name].validators.append(
                RegexValidator(pattern, f"Must match {pattern}.")
            )
        return fields

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
            # get_error_detail keeps each message's code ("unique" for a taken key)
            raise serializers.ValidationError(get_error_detail(exc)) from exc
        return attrs


ISO_CURRENCY = "^[A-Z]{3}$"


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
        extra_kwargs = {
            "content_factor": {
                "min_value": smallest_positive(Commodity, "content_factor")
            }
        }

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
        patterns = {"currency": ISO_CURRENCY}


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
        patterns = {"iso3": "^[A-Z]{3}$", "iso2": "^[A-Z]{2}$"}


class PartnerGroupSerializer(ReferenceSerializer):
    """A named group of economies; ``members`` are ISO3 codes of its direct members,
    ``all_members`` those of every country in it, its subgroups' included."""

    members = serializers.SlugRelatedField(
        slug_field="iso3", many=True, queryset=Partner.objects.all(), required=False
    )
    all_members = serializers.SerializerMethodField(
        help_text=(
            "ISO3 codes of every country in the group, the members of the groups "
            "inside it included (the EU-27's in the MSP), sorted."
        )
    )

    class Meta:
        model = PartnerGroup
        fields = ["code", "name", "description", "source", "members", "all_members"]

    def expanded_members(self, obj: PartnerGroup) -> list[selectors.GroupMember]:
        """The group's countries, from the context's ``group_members`` (every
        group's, read once for a list) or read for this group alone."""
        known = self.context.get("group_members")
        if known is not None and obj.code in known:
            return list(known[obj.code])
        return selectors.get_group_members(obj.code)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_all_members(self, obj: PartnerGroup) -> list[str]:
        return sorted(iso3 for iso3, _, _ in self.expanded_members(obj))


class GroupMemberSerializer(serializers.Serializer):
    """A country in a partner group and the subgroup it belongs through."""

    code = serializers.CharField(help_text="ISO 3166-1 alpha-3 code.")
    name = serializers.CharField()
    via = serializers.CharField(
        help_text=(
            "Code of the group's own subgroup that brings the country in "
            '(``eu-27``); "" for a direct member.'
        )
    )


class PartnerGroupDetailSerializer(PartnerGroupSerializer):
    """A partner group with each of its countries by name and how it belongs."""

    members_expanded = serializers.SerializerMethodField(
        help_text="Every country in the group, by name, with the subgroup it is in."
    )

    class Meta(PartnerGroupSerializer.Meta):
        fields = [*PartnerGroupSerializer.Meta.fields, "members_expanded"]

    @extend_schema_field(GroupMemberSerializer(many=True))
    def get_members_expanded(self, obj: PartnerGroup) -> list[dict[str, str]]:
        return [
            {"code": iso3, "name": name, "via": via}
            for iso3, name, via in self.expanded_members(obj)
        ]


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
        fields = ["id", *PRODUCER_FIELDS]


class FxRateSerializer(ReferenceSerializer):
    """Units of a currency per US dollar in a period (period average)."""

    class Meta:
        model = FxRate
        fields = ["id", "currency", "period", "units_per_usd", "source"]
        patterns = {"currency": ISO_CURRENCY}
        extra_kwargs = {
            "units_per_usd": {"min_value": smallest_positive(FxRate, "units_per_usd")}
        }


class ParameterScheduleSerializer(ReferenceSerializer):
    """One year's value of a policy parameter (e.g. the CBAM free-allocation share)."""

    class Meta:
        model = ParameterSchedule
        fields = ["id", "code", "name", "year", "value", "unit", "source"]


class ProductionVolumeSerializer(ReferenceSerializer):
    """One country's production of a USGS series in one year, as published (USGS
    MCS world tables): ``quantity`` in ``unit`` (null where withheld), ``country``
    the ISO3 code (null for "Other countries" and "World total")."""

    country: serializers.SlugRelatedField[Partner] = serializers.SlugRelatedField(
        slug_field="iso3", read_only=True, help_text="ISO3 code."
    )

    class Meta:
        model = ProductionVolume
        fields = [
            "id",
            "series",
            "stage",
            "country_name",
            "country",
            "year",
            "quantity",
            "unit",
            "estimated",
            "edition",
            "note",
        ]


class CommodityElasticitySerializer(ReferenceSerializer):
    """A commodity's default elasticity in the model's sign convention (import
    demand < 0, substitution > 0, supply >= 0), its range, the published estimates
    it was chosen from (their keys and a short citation) and how it was chosen."""

    commodity: serializers.SlugRelatedField[Commodity] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    estimates: serializers.SlugRelatedField[ElasticityEstimate] = (
        serializers.SlugRelatedField(slug_field="key", many=True, read_only=True)
    )
    citation = serializers.CharField(
        source="source",
        read_only=True,
        help_text="Short citation of the estimates (author, year, table).",
    )

    class Meta:
        model = CommodityElasticity
        fields = [
            "id",
            "commodity",
            "kind",
            "value",
            "low",
            "high",
            "citation",
            "estimates",
            "note",
        ]


class ExportControlSerializer(ReferenceSerializer):
    """A country's control on exports of a material (USGS MCS table 4, split by
    material): ``country`` the ISO3 code, ``commodities`` the app's commodity codes
    it covers, ``in_force_until`` null while in force."""

    country: serializers.SlugRelatedField[Partner] = serializers.SlugRelatedField(
        slug_field="iso3", read_only=True, help_text="ISO3 code."
    )
    commodities: serializers.SlugRelatedField[Commodity] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )

    class Meta:
        model = ExportControl
        fields = [
            "id",
            "country",
            "country_name",
            "material",
            "commodities",
            "measure",
            "year",
            "in_force_from",
            "in_force_until",
            "hs_codes",
            "source",
            "source_url",
            "note",
        ]


class DeclaredStockpileSerializer(ReferenceSerializer):
    """A stock a country declares (``kind``: ``holding`` or ``target``) in tonnes
    (``quantity_t``) or in days (``days`` of ``days_basis``: consumption or net
    imports); both null where the amount is not public. ``illustrative`` marks an
    assumption, not a published figure."""

    country: serializers.SlugRelatedField[Partner] = serializers.SlugRelatedField(
        slug_field="iso3", read_only=True, help_text="ISO3 code."
    )
    commodities: serializers.SlugRelatedField[Commodity] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )

    class Meta:
        model = DeclaredStockpile
        fields = [
            "id",
            "country",
            "holder",
            "material",
            "commodities",
            "kind",
            "quantity_t",
            "days",
            "days_basis",
            "as_of",
            "illustrative",
            "source",
            "source_url",
            "note",
        ]


SCENARIO_ALIASES = {"public": "is_public", "precedent": "is_precedent"}
"""Names a client may guess for a scenario's fields: refused, with the right name."""


class ScenarioSerializer(StrictJSONMixin, serializers.ModelSerializer):
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

    def to_internal_value(self, data: Any) -> Any:
        """Refuses a field the scenario does not have (``public`` for ``is_public``
        would otherwise save a private scenario without a word)."""
        if isinstance(data, Mapping):
            known = sorted(self.fields)
            errors = {
                str(name)[:80]: [
                    gettext("Unknown field. Known fields: {names}.").format(
                        names=", ".join(known)
                    )
                    + (
                        " "
                        + gettext("Did you mean '{name}'?").format(
                            name=SCENARIO_ALIASES[name]
                        )
                        if name in SCENARIO_ALIASES
                        else ""
                    )
                ]
                for name in data
                if name not in self.fields
            }
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)

    def validate_inputs(self, value: Any) -> Any:
        if not isinstance(value, dict):
            raise serializers.ValidationError(
                gettext("Expected an object of named fields.")
            )
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

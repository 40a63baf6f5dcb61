"""The project register in the API (INSTRUMENTS.md §12): ``/api/v1/projects/`` lists
and ``/api/v1/projects/<slug>/`` shows the stored projects with §12's project inputs
(everyone reads; data stewards write), filtered by ``stage``, ``country`` (ISO3),
``commodity``, ``status``, ``illustrative`` and part of the ``name``; JSON,
CSV or XLSX like the other reference lists."""

from __future__ import annotations

from rest_framework import serializers

from instruments.api import filters
from instruments.api.reference import ReferenceViewSet, reference_schema
from instruments.api.serializers import ReferenceSerializer
from instruments.models import PROJECT_FIELDS, Commodity, Partner, Project


class ProjectSerializer(ReferenceSerializer):
    """A project with §12's inputs: ``capex`` one amount or a list by construction
    year, ``ramp_up`` shares of capacity by operating year; money in the currency of
    ``price_unit``."""

    commodity = serializers.SlugRelatedField(
        slug_field="code", queryset=Commodity.objects.all()
    )
    country = serializers.SlugRelatedField(
        slug_field="iso3", queryset=Partner.objects.all()
    )

    class Meta:
        model = Project
        fields = list(PROJECT_FIELDS)


@reference_schema("reference data")
class ProjectViewSet(ReferenceViewSet):
    """The project register (§12), by ``slug``."""

    queryset = Project.objects.select_related("country", "commodity").order_by("name")
    serializer_class = ProjectSerializer
    filterset_class = filters.ProjectFilter
    lookup_field = "slug"
    sheet_title = "Projects"
    cache_tables = ("project", "partner", "commodity")

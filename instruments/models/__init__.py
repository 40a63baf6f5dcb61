"""The data the instruments run on, one module per concern: commodities, their price
series and FX rates (``prices``), economies and partner groups (``partners``),
producers, bilateral trade flows by HS code (``trade``), world production by country
(``production``), published elasticities (``elasticities``), export controls and
declared stockpiles (``security``), policy parameters by year (``parameters``), the
project register (``projects``), saved scenarios, API keys (``accounts``) and jobs.

Prices are stored exactly (``Decimal``) in the unit the source publishes; selectors turn
them into float64 pandas objects. Every data model keeps an audit history
(django-simple-history) that records who changed what and when.

Django finds the models here, so this package imports every one of them; callers import
from ``instruments.models``.
"""

from __future__ import annotations

from instruments.models.accounts import ApiKey, ApiKeyScope
from instruments.models.elasticities import (
    CommodityElasticity,
    ElasticityEstimate,
    ElasticityKind,
)
from instruments.models.jobs import Job, JobKind, JobState
from instruments.models.parameters import ParameterSchedule
from instruments.models.partners import Partner, PartnerGroup
from instruments.models.prices import (
    DOI_PATTERN,
    FREQUENCY_RANK,
    PRICE_UNIT_CHOICES,
    PRICE_UNITS,
    Commodity,
    Frequency,
    FxRate,
    PriceObservation,
    PriceSeries,
    SeriesEdition,
    SourceEdition,
    Stage,
    format_period,
    is_period_start,
)
from instruments.models.producers import PRODUCER_FIELDS, IntensityScope, Producer
from instruments.models.production import (
    OTHER_COUNTRIES,
    WORLD_TOTAL,
    CommodityProduction,
    ProductionVolume,
)
from instruments.models.projects import (
    PROJECT_FIELDS,
    Project,
    ProjectStage,
    ProjectStatus,
)
from instruments.models.scenarios import (
    Scenario,
    calculator_choices,
    validate_calculator,
)
from instruments.models.security import (
    DaysBasis,
    DeclaredStockpile,
    ExportControl,
    ExportMeasure,
    StockKind,
)
from instruments.models.trade import (
    TRADE_FLOW_COLUMNS,
    CommodityHsCode,
    HsRevision,
    TradeFlow,
)

__all__ = [
    "DOI_PATTERN",
    "FREQUENCY_RANK",
    "OTHER_COUNTRIES",
    "PRICE_UNITS",
    "PRICE_UNIT_CHOICES",
    "PRODUCER_FIELDS",
    "PROJECT_FIELDS",
    "TRADE_FLOW_COLUMNS",
    "WORLD_TOTAL",
    "ApiKey",
    "ApiKeyScope",
    "Commodity",
    "CommodityElasticity",
    "CommodityHsCode",
    "CommodityProduction",
    "DaysBasis",
    "DeclaredStockpile",
    "ElasticityEstimate",
    "ElasticityKind",
    "ExportControl",
    "ExportMeasure",
    "Frequency",
    "FxRate",
    "HsRevision",
    "IntensityScope",
    "Job",
    "JobKind",
    "JobState",
    "ParameterSchedule",
    "Partner",
    "PartnerGroup",
    "PriceObservation",
    "PriceSeries",
    "Producer",
    "ProductionVolume",
    "Project",
    "ProjectStage",
    "ProjectStatus",
    "Scenario",
    "SeriesEdition",
    "SourceEdition",
    "Stage",
    "StockKind",
    "TradeFlow",
    "calculator_choices",
    "format_period",
    "is_period_start",
    "validate_calculator",
]

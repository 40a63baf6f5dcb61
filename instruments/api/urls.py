"""API routes: /api/v1/... plus the schema and its documentation pages.

Each calculator gets its own path (so the schema shows its own fields); any other slug
reaches the generic view, which answers 404 naming the known calculators.
"""

from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import DefaultRouter

from instruments.api import jobs, projects, reference, sensitivity, trade, views

router = DefaultRouter()
router.register("commodities", reference.CommodityViewSet, basename="api-commodity")
router.register("series", reference.PriceSeriesViewSet, basename="api-series")
router.register(
    "observations", reference.PriceObservationViewSet, basename="api-observation"
)
router.register("partners", reference.PartnerViewSet, basename="api-partner")
router.register(
    "partner-groups", reference.PartnerGroupViewSet, basename="api-partner-group"
)
router.register("producers", reference.ProducerViewSet, basename="api-producer")
router.register("projects", projects.ProjectViewSet, basename="api-project")
router.register("fx-rates", reference.FxRateViewSet, basename="api-fx-rate")
router.register(
    "parameters", reference.ParameterScheduleViewSet, basename="api-parameter"
)
router.register(
    "production", reference.ProductionVolumeViewSet, basename="api-production"
)
router.register(
    "elasticities", reference.CommodityElasticityViewSet, basename="api-elasticity"
)
router.register(
    "export-controls", reference.ExportControlViewSet, basename="api-export-control"
)
router.register(
    "declared-stockpiles",
    reference.DeclaredStockpileViewSet,
    basename="api-declared-stockpile",
)
router.register("trade-flows", trade.TradeFlowViewSet, basename="api-trade-flow")
router.register("scenarios", views.ScenarioViewSet, basename="api-scenario")

calculator_paths = [
    path(
        f"calculators/{slug}/",
        view.as_view(),
        name=f"api-calculator-{slug}",
    )
    for slug, view in views.CALCULATOR_VIEWS.items()
]

v1: list[URLPattern | URLResolver] = [
    path("calculators/", views.CalculatorListApi.as_view(), name="api-calculators"),
    path(
        "calculators/<str:slug>/sensitivity/",
        sensitivity.SensitivityApi.as_view(),
        name="api-calculator-sensitivity",
    ),
    *calculator_paths,
    path(
        "calculators/<str:slug>/",
        views.UnknownCalculatorApi.as_view(),
        name="api-calculator",
    ),
    path("token/", views.TokenApi.as_view(), name="api-token"),
    path("jobs/", jobs.JobListApi.as_view(), name="api-jobs"),
    path("jobs/<uuid:job_id>/", jobs.JobDetailApi.as_view(), name="api-job"),
    path(
        "jobs/<uuid:job_id>/cancel/",
        jobs.JobCancelApi.as_view(),
        name="api-job-cancel",
    ),
    path(
        "jobs/<uuid:job_id>/result/",
        jobs.JobResultApi.as_view(),
        name="api-job-result",
    ),
    path("", include(router.urls)),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up code as a script file (no inline
    # script, so the Content-Security-Policy holds on the docs page too).
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema"),
        name="swagger-ui",
    ),
    path("redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
]

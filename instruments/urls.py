"""The officials' pages."""

from django.contrib.auth import views as auth_views
from django.urls import path

from instruments.web import (
    account,
    briefings,
    calculators,
    commodities,
    groups,
    jobs,
    pages,
    pipeline,
    scenarios,
    sensitivity,
)

app_name = "instruments"

urlpatterns = [
    path("", pages.home, name="home"),
    path("calculators/<slug:slug>/", calculators.calculator_detail, name="calculator"),
    path(
        "calculators/<slug:slug>/save/", scenarios.scenario_save, name="scenario_save"
    ),
    path("calculators/<slug:slug>/batch/", jobs.batch_form, name="batch"),
    path("jobs/<uuid:job_id>/", jobs.job_detail, name="job"),
    path("jobs/<uuid:job_id>/cancel/", jobs.job_cancel, name="job_cancel"),
    path(
        "calculators/<slug:slug>/briefing.pdf",
        briefings.calculator_briefing,
        name="calculator_briefing",
    ),
    path(
        "calculators/<slug:slug>/sensitivity/",
        sensitivity.calculator_sensitivity,
        name="calculator_sensitivity",
    ),
    path("scenarios/", scenarios.scenario_list, name="scenario_list"),
    path("scenarios/compare/", scenarios.scenario_compare, name="scenario_compare"),
    path(
        "scenarios/compare/briefing.pdf",
        briefings.compare_briefing,
        name="compare_briefing",
    ),
    path(
        "scenarios/compare-instruments/",
        briefings.instrument_comparison,
        name="instrument_compare",
    ),
    path("scenarios/<int:pk>/", scenarios.scenario_detail, name="scenario"),
    path(
        "scenarios/<int:pk>/briefing.pdf",
        briefings.scenario_briefing,
        name="scenario_briefing",
    ),
    path(
        "scenarios/<int:pk>/visibility/",
        scenarios.scenario_visibility,
        name="scenario_visibility",
    ),
    path(
        "scenarios/<int:pk>/delete/", scenarios.scenario_delete, name="scenario_delete"
    ),
    path("commodities/", commodities.commodity_list, name="commodity_list"),
    path("commodities/<slug:code>/", commodities.commodity_detail, name="commodity"),
    path("projects/", pipeline.project_pipeline, name="project_pipeline"),
    path("groups/", groups.group_list, name="group_list"),
    path("groups/<slug:code>/", groups.group_detail, name="group"),
    path("methodology/", pages.methodology, name="methodology"),
    path("number-format/", pages.number_format_choice, name="number_format"),
    path("api-guide/", pages.api_guide, name="api_guide"),
    path("account/tokens/", account.account_tokens, name="account_tokens"),
    # Log in and out with Django's own views and our templates.
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
]

"""The officials' pages."""

from django.contrib.auth import views as auth_views
from django.urls import path

from instruments.web import briefing_views, views

app_name = "instruments"

urlpatterns = [
    path("", views.home, name="home"),
    path("calculators/<slug:slug>/", views.calculator_detail, name="calculator"),
    path("calculators/<slug:slug>/save/", views.scenario_save, name="scenario_save"),
    path("calculators/<slug:slug>/batch/", views.batch_form, name="batch"),
    path("jobs/<uuid:job_id>/", views.job_detail, name="job"),
    path(
        "calculators/<slug:slug>/briefing.pdf",
        briefing_views.calculator_briefing,
        name="calculator_briefing",
    ),
    path(
        "calculators/<slug:slug>/sensitivity/",
        briefing_views.calculator_sensitivity,
        name="calculator_sensitivity",
    ),
    path("scenarios/", views.scenario_list, name="scenario_list"),
    path("scenarios/compare/", views.scenario_compare, name="scenario_compare"),
    path(
        "scenarios/compare/briefing.pdf",
        briefing_views.compare_briefing,
        name="compare_briefing",
    ),
    path(
        "scenarios/compare-instruments/",
        briefing_views.instrument_comparison,
        name="instrument_compare",
    ),
    path("scenarios/<int:pk>/", views.scenario_detail, name="scenario"),
    path(
        "scenarios/<int:pk>/briefing.pdf",
        briefing_views.scenario_briefing,
        name="scenario_briefing",
    ),
    path(
        "scenarios/<int:pk>/visibility/",
        views.scenario_visibility,
        name="scenario_visibility",
    ),
    path("scenarios/<int:pk>/delete/", views.scenario_delete, name="scenario_delete"),
    path("commodities/", views.commodity_list, name="commodity_list"),
    path("commodities/<slug:code>/", views.commodity_detail, name="commodity"),
    path("methodology/", views.methodology, name="methodology"),
    path("number-format/", views.number_format_choice, name="number_format"),
    path("api-guide/", views.api_guide, name="api_guide"),
    path("account/tokens/", views.account_tokens, name="account_tokens"),
    # Log in and out with Django's own views and our templates.
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
]

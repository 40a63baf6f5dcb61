"""The officials' pages."""

from django.urls import path

from . import views

app_name = "instruments"

urlpatterns = [
    path("", views.home, name="home"),
]

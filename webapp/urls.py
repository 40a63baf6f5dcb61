"""URL wiring: the admin, the API under api/, the officials' pages at the root."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("instruments.api.urls")),
    # The language switcher: Django's set_language (POST, CSRF) keeps the choice in a cookie.
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("instruments.urls")),
]

"""URL wiring: the admin, the API under api/, the officials' pages at the root."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("instruments.api.urls")),
    path("", include("instruments.urls")),
]

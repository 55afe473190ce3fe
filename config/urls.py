"""Root URL configuration."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("people.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("annotations.urls")),
    path("", include("search.urls")),
    path("", include("exports.urls")),
    path("", include("alignment.urls")),
    path("", include("reading.urls")),
    path("", include("archive.urls")),
]

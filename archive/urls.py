from django.urls import path

from . import views

app_name = "archive"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("documents/", views.DocumentListView.as_view(), name="document-list"),
    path("references/", views.ReferenceListView.as_view(), name="reference-list"),
    path(
        "references/<str:catalogue_id>/",
        views.ReferenceDetailView.as_view(),
        name="reference-detail",
    ),
    path("links/", views.ExternalLinkListView.as_view(), name="link-list"),
]

from django.urls import path

from . import views

app_name = "annotations"

passage = "documents/<slug:slug>/<slug:anchor>/"

urlpatterns = [
    path(f"{passage}annotate/", views.AnnotationCreateView.as_view(), name="annotation-create"),
    path(f"{passage}flag/", views.FlagCreateView.as_view(), name="flag-create"),
    path(
        f"{passage}cross-reference/",
        views.CrossReferenceCreateView.as_view(),
        name="crossref-create",
    ),
    path("annotations/", views.AnnotationListView.as_view(), name="annotation-list"),
    path("annotations/mine/", views.MyAnnotationsView.as_view(), name="my-annotations"),
    path("annotations/<uuid:pk>/", views.AnnotationDetailView.as_view(), name="annotation-detail"),
    path("annotations/<uuid:pk>/edit/", views.AnnotationEditView.as_view(), name="annotation-edit"),
    path(
        "annotations/<uuid:pk>/delete/",
        views.AnnotationActionView.as_view(action="delete"),
        name="annotation-delete",
    ),
    path(
        "annotations/<uuid:pk>/restore/",
        views.AnnotationActionView.as_view(action="restore"),
        name="annotation-restore",
    ),
    path(
        "annotations/<uuid:pk>/reply/", views.AnnotationReplyView.as_view(), name="annotation-reply"
    ),
    path(
        "annotations/<uuid:pk>/history/",
        views.AnnotationHistoryView.as_view(),
        name="annotation-history",
    ),
    path("annotations/<uuid:pk>/diff/", views.AnnotationDiffView.as_view(), name="annotation-diff"),
    path(
        "annotations/<uuid:pk>/revert/<int:version_id>/",
        views.AnnotationRevertView.as_view(),
        name="annotation-revert",
    ),
    path("flags/", views.FlagListView.as_view(), name="flag-list"),
    path("flags/<uuid:pk>/", views.FlagDetailView.as_view(), name="flag-detail"),
    path("flags/<uuid:pk>/status/", views.FlagStatusView.as_view(), name="flag-status"),
    path(
        "cross-references/<uuid:pk>/",
        views.CrossReferenceDetailView.as_view(),
        name="crossref-detail",
    ),
    path(
        "cross-references/<uuid:pk>/delete/",
        views.CrossReferenceDeleteView.as_view(),
        name="crossref-delete",
    ),
]

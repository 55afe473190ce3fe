from django.urls import path

from . import views

app_name = "reading"

urlpatterns = [
    path("documents/<slug:slug>/", views.DocumentReadingView.as_view(), name="document-detail"),
    path(
        "documents/<slug:slug>/p-<int:number>/",
        views.PassageDetailView.as_view(),
        name="passage-detail",
    ),
    path(
        "documents/<slug:slug>/p-<int:number>/panel/",
        views.PassagePanelView.as_view(),
        name="passage-panel",
    ),
]

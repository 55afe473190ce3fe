from django.urls import path

from . import views

app_name = "alignment"

compare = "documents/<slug:slug>/compare/"

urlpatterns = [
    path(compare, views.CompareView.as_view(), name="compare"),
    path(f"{compare}suggest/", views.RunSuggesterView.as_view(), name="suggest"),
    path(f"{compare}alignment/", views.AlignmentDecisionView.as_view(), name="decide-alignment"),
    path(
        f"{compare}discrepancy/",
        views.DiscrepancyDecisionView.as_view(),
        name="decide-discrepancy",
    ),
]

from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("accounts/profile/", views.ProfileView.as_view(), name="profile"),
    path(
        "accounts/invitation/<str:token>/",
        views.AcceptInvitationView.as_view(),
        name="invitation-accept",
    ),
    path("people/", views.AccountListView.as_view(), name="account-list"),
    path("people/invitations/", views.InvitationListView.as_view(), name="invitation-list"),
    path("people/invitations/new/", views.InvitationCreateView.as_view(), name="invitation-create"),
    path(
        "people/invitations/<uuid:pk>/revoke/",
        views.InvitationRevokeView.as_view(),
        name="invitation-revoke",
    ),
    path(
        "people/<str:username>/deactivate/",
        views.AccountDeactivateView.as_view(),
        name="account-deactivate",
    ),
]

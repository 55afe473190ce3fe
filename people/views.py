"""People pages: invitations (moderators), accepting one (anyone with the link), one's own
profile, and the moderators' list of accounts with deactivation. Thin views over the services."""

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views import View
from django.views.generic import FormView, ListView

from . import services
from .forms import AcceptInvitationForm, DeactivateForm, InvitationForm, ProfileForm
from .models import Invitation
from .permissions import can_deactivate, can_invite, can_invite_to
from .services import InvitationUnusable

#: Where a new invitation's link waits, in the inviter's session, to be shown once.
NEW_LINK = "people:new-invitation"


def refused(request, message, status=403):
    """A readable refusal: nothing was changed."""
    return TemplateResponse(request, "people/refused.html", {"message": message}, status=status)


class InvalidFormIs400:
    """A form sent back with its errors answers 400 Bad Request: nothing was stored."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class ModeratorMixin(LoginRequiredMixin):
    """Signed-in users who may invite; others get a page that says so (403)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_invite(request.user):
            return refused(request, "Only moderators invite people and manage accounts.")
        return super().dispatch(request, *args, **kwargs)


class InvitationListView(ModeratorMixin, ListView):
    template_name = "people/invitation_list.html"
    context_object_name = "invitations"
    paginate_by = 50

    def get_queryset(self):
        return Invitation.objects.select_related(
            "created_by__profile", "accepted_by__profile", "revoked_by__profile"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["new_link"] = self.request.session.pop(NEW_LINK, None)
        return context


class InvitationCreateView(InvalidFormIs400, ModeratorMixin, FormView):
    template_name = "people/invitation_form.html"
    form_class = InvitationForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "inviter": self.request.user}

    def post(self, request, *args, **kwargs):
        role = request.POST.get("role", "")
        if role and not can_invite_to(request.user, role):
            return refused(request, "Only administrators (superusers) invite moderators.")
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            invitation, token = services.create_invitation(
                inviter=self.request.user,
                role=data["role"],
                email=data["email"],
                note=data["note"],
                days=data["days"],
            )
        except PermissionDenied as error:
            return refused(self.request, str(error))
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        link = self.request.build_absolute_uri(
            reverse("people:invitation-accept", kwargs={"token": token})
        )
        if services.mail_invitation(invitation=invitation, link=link):
            messages.success(self.request, f"The invitation was sent to {invitation.email}.")
        else:
            # Not kept anywhere else: shown once on the next page, then gone.
            self.request.session[NEW_LINK] = {"link": link, "email": invitation.email}
        return redirect("people:invitation-list")


class InvitationRevokeView(ModeratorMixin, View):
    def post(self, request, pk):
        invitation = get_object_or_404(Invitation, pk=pk)
        try:
            services.revoke_invitation(invitation=invitation, user=request.user)
        except PermissionDenied as error:
            return refused(request, str(error))
        except ValidationError as error:
            return refused(request, " ".join(error.messages), status=409)
        messages.success(request, f"{invitation} was revoked; its link no longer works.")
        return redirect("people:invitation-list")


UNUSABLE = {
    None: (404, "This invitation link is not known", "Check that the whole link was copied."),
    "expired": (
        410,
        "This invitation has expired",
        "Ask the moderator who invited you for a new one.",
    ),
    "accepted": (
        410,
        "This invitation has been used",
        "Each invitation makes one account. If it is yours, log in.",
    ),
    "revoked": (
        410,
        "This invitation was withdrawn",
        "Ask a moderator if you think this is a mistake.",
    ),
}


class AcceptInvitationView(InvalidFormIs400, FormView):
    """Anyone with the link: choose a username and password, then arrive signed in."""

    template_name = "people/invitation_accept.html"
    form_class = AcceptInvitationForm

    def dispatch(self, request, *args, **kwargs):
        try:
            self.invitation = services.find_invitation(kwargs["token"])
        except InvitationUnusable as error:
            return self.unusable(error.state)
        return super().dispatch(request, *args, **kwargs)

    def unusable(self, state):
        status, title, advice = UNUSABLE[state]
        return TemplateResponse(
            self.request,
            "people/invitation_unusable.html",
            {"title": title, "advice": advice},
            status=status,
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "invitation": self.invitation}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "invitation": self.invitation}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            user = services.accept_invitation(
                token=self.kwargs["token"],
                username=data["username"],
                password=data["password1"],
                display_name=data["display_name"],
            )
        except InvitationUnusable as error:
            return self.unusable(error.state)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            self.request,
            f"Welcome, {user.profile}. Your account is ready; "
            "add your ORCID iD and affiliation here if you like.",
        )
        return redirect("people:profile")


class ProfileView(InvalidFormIs400, LoginRequiredMixin, FormView):
    """The signed-in user's own profile, with the password form beside it."""

    template_name = "people/profile.html"
    form_class = ProfileForm

    def get_form_kwargs(self):
        self.profile = services.profile_of(self.request.user)
        return {**super().get_form_kwargs(), "instance": self.profile}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["password_form"] = PasswordChangeForm(self.request.user)
        context["profile"] = self.profile
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.update_profile(
                user=self.request.user,
                display_name=data["display_name"],
                orcid=data["orcid"],
                affiliation=data["affiliation"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, "Your profile was saved.")
        return redirect("people:profile")


class AccountListView(ModeratorMixin, ListView):
    """Every account with its role and state; deactivation for those the moderator may."""

    template_name = "people/account_list.html"
    context_object_name = "accounts"
    paginate_by = 100

    def get_queryset(self):
        return (
            get_user_model()
            .objects.select_related("profile")
            .prefetch_related("groups")
            .annotate(annotation_count=Count("annotations", distinct=True))
            .order_by("-is_active", "username")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for account in context["accounts"]:
            account.may_deactivate = account.is_active and can_deactivate(
                self.request.user, account
            )
        return context


class AccountDeactivateView(InvalidFormIs400, ModeratorMixin, FormView):
    template_name = "people/account_deactivate.html"
    form_class = DeactivateForm

    def dispatch(self, request, *args, **kwargs):
        self.account = get_object_or_404(
            get_user_model().objects.select_related("profile"), username=kwargs["username"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return self.refusal() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.refusal() or super().post(request, *args, **kwargs)

    def refusal(self):
        if not can_deactivate(self.request.user, self.account):
            return refused(self.request, "You may not deactivate this account.")
        if not self.account.is_active:
            return refused(self.request, "This account is already deactivated.", status=409)
        return None

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "account": self.account}

    def form_valid(self, form):
        try:
            services.deactivate_account(
                account=self.account, moderator=self.request.user, note=form.cleaned_data["note"]
            )
        except PermissionDenied as error:
            return refused(self.request, str(error))
        except ValidationError as error:
            return refused(self.request, " ".join(error.messages), status=409)
        messages.success(
            self.request,
            f"{self.account.get_username()} can no longer sign in; their work stays under "
            "their name.",
        )
        return redirect("people:account-list")

"""Invitations and profiles in the admin: moderators invite from here too (through the service)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from . import services
from .models import Invitation, Profile, Role
from .permissions import can_invite, can_invite_to


class InvitationAddForm(forms.ModelForm):
    days = forms.IntegerField(
        label="Valid for (days)",
        min_value=1,
        max_value=services.MAX_DAYS,
        initial=services.DEFAULT_DAYS,
    )

    class Meta:
        model = Invitation
        fields = ("email", "role", "note")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("__str__", "state_label", "created_by", "created", "expires", "accepted_by")
    list_select_related = ("created_by", "accepted_by")
    list_filter = ("role", "created")
    search_fields = ("email", "note", "created_by__username", "accepted_by__username")
    readonly_fields = (
        "email",
        "role",
        "note",
        "created_by",
        "created",
        "expires",
        "accepted",
        "accepted_by",
        "revoked",
        "revoked_by",
    )
    actions = ["revoke"]

    @admin.display(description="state")
    def state_label(self, obj):
        return obj.state.label

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = InvitationAddForm
            kwargs["fields"] = ("email", "role", "note", "days")
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            form.base_fields["role"].choices = [
                (value, label)
                for value, label in Role.choices
                if can_invite_to(request.user, value)
            ]
        return form

    def get_fields(self, request, obj=None):
        return ("email", "role", "note", "days") if obj is None else self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def has_add_permission(self, request):
        return can_invite(request.user)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            invitation, token = services.create_invitation(
                inviter=request.user,
                role=form.cleaned_data["role"],
                email=form.cleaned_data["email"],
                note=form.cleaned_data["note"],
                days=form.cleaned_data["days"],
            )
        except ValidationError as error:
            raise PermissionDenied(" ".join(error.messages)) from None
        obj.pk = invitation.pk
        obj._state.adding = False
        link = request.build_absolute_uri(
            reverse("people:invitation-accept", kwargs={"token": token})
        )
        if services.mail_invitation(invitation=invitation, link=link):
            messages.info(request, f"The invitation link was sent to {invitation.email}.")
        else:
            messages.warning(
                request,
                f"Copy the invitation link now; it is shown only this once: {link}",
            )

    def save_related(self, request, form, formsets, change):
        """Nothing related: the service has saved everything."""

    @admin.action(description="Revoke the selected open invitations", permissions=["add"])
    def revoke(self, request, queryset):
        revoked = 0
        for invitation in queryset:
            if invitation.is_open and can_invite_to(request.user, invitation.role):
                services.revoke_invitation(invitation=invitation, user=request.user)
                revoked += 1
        self.message_user(request, f"{revoked} invitation(s) revoked.")


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "display_name", "orcid", "affiliation")
    list_select_related = ("user",)
    search_fields = ("user__username", "display_name", "orcid", "affiliation")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

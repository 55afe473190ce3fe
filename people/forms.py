"""Forms of the people pages; they collect input, ``people.services`` validates and writes."""

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import UsernameField
from django.contrib.auth.models import User

from .models import Profile, Role, normalize_orcid
from .permissions import can_invite_to
from .services import DEFAULT_DAYS, MAX_DAYS


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        required=False,
        help_text="Optional. With mail set up, the link is sent here; otherwise you copy it.",
    )
    role = forms.ChoiceField(label="Role", choices=Role.choices, initial=Role.SCHOLAR)
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For the moderators: who this is for. It is not sent to the invitee.",
    )
    days = forms.IntegerField(
        label="Valid for (days)", min_value=1, max_value=MAX_DAYS, initial=DEFAULT_DAYS
    )

    def __init__(self, *args, inviter, **kwargs):
        super().__init__(*args, **kwargs)
        self.inviter = inviter
        self.fields["role"].choices = [
            (value, label) for value, label in Role.choices if can_invite_to(inviter, value)
        ]
        if len(self.fields["role"].choices) == 1:
            self.fields["role"].help_text = "Only administrators invite moderators."


class AcceptInvitationForm(forms.Form):
    """Username and password with Django's validators; a display name if wanted."""

    username = UsernameField(
        label="Username",
        max_length=150,
        help_text="For signing in: letters, digits and @ . + - _ only.",
        validators=[User.username_validator],
    )
    display_name = forms.CharField(
        label="Your name as shown on your work",
        max_length=100,
        required=False,
        help_text="Optional; you can change it in your profile. Without it, your username.",
    )
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=" ".join(password_validation.password_validators_help_texts()),
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, invitation, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = invitation

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("This username is taken. Choose another.")
        return username

    def clean(self):
        data = super().clean()
        one, two = data.get("password1"), data.get("password2")
        if one and two and one != two:
            self.add_error("password2", "The two passwords differ.")
        elif one:
            candidate = User(username=data.get("username", ""), email=self.invitation.email)
            try:
                password_validation.validate_password(one, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class ProfileForm(forms.ModelForm):
    #: Longer than the stored form, so that a pasted https://orcid.org/… address is accepted.
    orcid = forms.CharField(label="ORCID iD", max_length=60, required=False)

    class Meta:
        model = Profile
        fields = ("display_name", "orcid", "affiliation")
        labels = {"display_name": "Display name"}
        help_texts = {
            "display_name": "Shown on your annotations, flags and history. Empty: your username.",
            "affiliation": "Optional: your institution, briefly.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["orcid"].help_text = (
            "Optional, like 0000-0002-1825-0097: it goes with your annotations in the W3C "
            "export, so that credit travels with your work."
        )

    def clean_orcid(self):
        return normalize_orcid(self.cleaned_data["orcid"])


class DeactivateForm(forms.Form):
    note = forms.CharField(
        label="Why",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept in the moderation log. The account's work stays, under its name.",
    )

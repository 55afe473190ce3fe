from django import forms

from annotations.models import FlagStatus, Motivation
from annotations.reading import PassageScholarship

KINDS = [
    ("", "Everything"),
    ("annotations", "Annotations"),
    ("flags", "Disputed flags"),
    ("crossrefs", "Cross-references"),
]


class PanelFilterForm(forms.Form):
    """What a passage's panel shows: each filter narrows the items of its own kind."""

    kind = forms.ChoiceField(choices=KINDS, required=False, label="Kind")
    motivation = forms.ChoiceField(
        choices=[("", "Any"), *Motivation.choices], required=False, label="Motivation"
    )
    status = forms.ChoiceField(
        choices=[("", "Any"), *FlagStatus.choices], required=False, label="Flag status"
    )
    author = forms.CharField(max_length=150, required=False, label="Author (name or user name)")
    mine = forms.BooleanField(required=False, label="Mine only")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not user.is_authenticated:
            del self.fields["mine"]
        self.user = user

    def apply(self, scholarship):
        """The part of ``scholarship`` (a ``PassageScholarship``) that the filters keep."""
        data = self.cleaned_data
        kind, author = data["kind"], data["author"].strip().lower()
        mine = data.get("mine")

        def by(item):
            if author and author not in (item.author_name.lower(), item.author_username.lower()):
                return False
            return not mine or item.author_id == self.user.pk

        return PassageScholarship(
            annotations=[
                a
                for a in scholarship.annotations
                if kind in ("", "annotations")
                and by(a)
                and data["motivation"] in ("", a.motivation)
            ],
            flags=[
                f
                for f in scholarship.flags
                if kind in ("", "flags") and by(f) and data["status"] in ("", f.status)
            ],
            crossrefs=[
                (c, direction)
                for c, direction in scholarship.crossrefs
                if kind in ("", "crossrefs") and by(c)
            ],
        )

    @property
    def is_filtered(self):
        return any(self.cleaned_data.get(name) for name in self.fields)

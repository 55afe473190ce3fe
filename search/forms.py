"""The search form: the query (cut to its limit, never refused for length) and three filters."""

from django import forms

from archive.models import Document, Language

from .backends import KIND_LABELS, KINDS
from .text import MAX_QUERY_LENGTH


class DocumentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.title} ({obj.get_language_display()})"


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search for",
        required=False,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "maxlength": MAX_QUERY_LENGTH,
                "size": 40,
                "spellcheck": "false",
            }
        ),
    )
    document = DocumentChoiceField(
        queryset=Document.objects.defer("source_text"),
        to_field_name="slug",
        required=False,
        empty_label="Any document",
        label="Document",
    )
    language = forms.ChoiceField(
        choices=[("", "Any language"), *Language.choices], required=False, label="Language"
    )
    kind = forms.ChoiceField(
        choices=[("", "Everything")] + [(kind, KIND_LABELS[kind]) for kind in KINDS],
        required=False,
        label="Kind",
    )

    def __init__(self, data=None, *args, **kwargs):
        # A query longer than the limit is cut (and the reader told), not refused; the form
        # shows the part that was used.
        self.q_was_cut = data is not None and len(data.get("q", "")) > MAX_QUERY_LENGTH
        if self.q_was_cut:
            data = data.copy()
            data["q"] = data["q"][:MAX_QUERY_LENGTH]
        super().__init__(data, *args, **kwargs)

"""The search form: the query (cut to its limit, never refused for length) and three filters."""

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.html import escape
from django.utils.safestring import mark_safe

from archive.models import Document, Language

from .results import KIND_LABELS, KINDS
from .text import MAX_QUERY_LENGTH

LANGUAGE_LABELS = dict(Language.choices)


def document_label(title, language):
    """How the document filter names a document: its title and language."""
    return f"{title} ({LANGUAGE_LABELS.get(language, language)})"


def _attrs(attrs):
    """HTML attributes as django/forms/widgets/attrs.html writes them."""
    return "".join(
        f" {name}" if value is True else f' {name}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class QuickSelect(forms.Select):
    """A single ``Select`` written in Python, in the markup Django's templates give it.

    The document filter lists every document: with 200 documents, rendering an option
    template for each took about 30 ms of every search page (docs/performance.md, "Search").
    """

    def render(self, name, value, attrs=None, renderer=None):
        wanted = self.format_value(value)
        html = [f'<select name="{escape(name)}"{_attrs(self.build_attrs(self.attrs, attrs))}>']
        chosen = False
        for option_value, label in self.choices:
            option_value = "" if option_value is None else str(option_value)
            selected = not chosen and option_value in wanted
            chosen = chosen or selected
            html.append(
                f'\n  <option value="{escape(option_value)}"{" selected" if selected else ""}>'
                f"{escape(label)}</option>\n"
            )
        html.append("\n</select>")
        return mark_safe("".join(html))


class DocumentChoices(ModelChoiceIterator):
    """(slug, label) of every document, read as values rather than models."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for slug, title, language in self.queryset.values_list("slug", "title", "language"):
            yield (slug, document_label(title, language))


class DocumentChoiceField(forms.ModelChoiceField):
    widget = QuickSelect
    iterator = DocumentChoices

    def label_from_instance(self, obj):
        return document_label(obj.title, obj.language)


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
        queryset=Document.objects.only("pk", "slug", "title", "language"),
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
    exact = forms.BooleanField(
        required=False,
        label="Exact words",
        help_text="No corrected spellings, no other names of a place.",
    )

    def __init__(self, data=None, *args, **kwargs):
        # A query longer than the limit is cut (and the reader told), not refused; the form
        # shows the part that was used.
        self.q_was_cut = data is not None and len(data.get("q", "")) > MAX_QUERY_LENGTH
        if self.q_was_cut:
            data = data.copy()
            data["q"] = data["q"][:MAX_QUERY_LENGTH]
        super().__init__(data, *args, **kwargs)

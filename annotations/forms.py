"""Forms for the scholars' web UI; they collect input, the services validate and write."""

from django import forms
from django.core.exceptions import ValidationError

from archive.models import ExternalLink, Passage, Reference

from .models import (
    FlagCategory,
    FlagStatus,
    Motivation,
    Relation,
    Stance,
    Visibility,
)
from .selectors import MAX_QUOTE_LENGTH
from .services import TargetData, target_fields

TAG_HELP = "Separate tags with commas, e.g. ultimatum, dates."


class TargetForm(forms.Form):
    """The span of a passage: the quote is visible and editable, positions come from a selection.

    With JavaScript, selecting text fills all fields; without it, a reader can type (or paste)
    the quote and the server finds it in the passage. An empty quote means the whole passage.
    """

    exact = forms.CharField(
        label="Quoted text",
        required=False,
        max_length=MAX_QUOTE_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=(
            "Leave empty to target the whole passage. For some of its words, select them in "
            "the reading view, or type (or paste) them here exactly as they are in the "
            "passage: the archive finds them. No mouse is needed."
        ),
    )
    prefix = forms.CharField(required=False, strip=False, widget=forms.HiddenInput)
    suffix = forms.CharField(required=False, strip=False, widget=forms.HiddenInput)
    start = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    end = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, passage, **kwargs):
        self.passage = passage
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        target = TargetData(
            passage=self.passage,
            start=data.get("start"),
            end=data.get("end"),
            exact=data.get("exact", ""),
            prefix=data.get("prefix", ""),
            suffix=data.get("suffix", ""),
        )
        try:
            target_fields(target)
        except ValidationError as error:
            self.add_error("exact", error)
        else:
            data["target"] = target
        return data


def split_tags(value):
    return [tag.strip() for tag in (value or "").split(",") if tag.strip()]


class AnnotationForm(TargetForm):
    body = forms.CharField(
        label="Annotation",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Markdown: *emphasis*, **strong**, [links](https://…), lists. No HTML.",
        max_length=20000,
    )
    motivation = forms.ChoiceField(label="Motivation", choices=Motivation.choices)
    tags = forms.CharField(label="Tags", required=False, max_length=500, help_text=TAG_HELP)
    visibility = forms.ChoiceField(
        label="Visibility", choices=Visibility.choices, widget=forms.RadioSelect
    )
    field_order = ["exact", "body", "motivation", "tags", "visibility"]

    def clean_tags(self):
        return split_tags(self.cleaned_data["tags"])


class AnnotationEditForm(AnnotationForm):
    #: The version the edit started from; a save by someone else in between refuses the edit.
    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    comment = forms.CharField(
        label="What did you change? (optional)", required=False, max_length=200
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Reply", widget=forms.Textarea(attrs={"rows": 4}), max_length=20000
    )
    visibility = forms.ChoiceField(
        label="Visibility",
        choices=Visibility.choices,
        widget=forms.RadioSelect,
        initial=Visibility.PUBLIC,
    )


class FlagForm(TargetForm):
    category = forms.ChoiceField(label="Category", choices=FlagCategory.choices)
    statement = forms.CharField(
        label="What is disputed, and why",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
    )
    field_order = ["exact", "category", "statement"]


class EvidenceForm(forms.Form):
    reference = forms.ModelChoiceField(
        label="Catalogue reference", queryset=Reference.objects.all(), required=False
    )
    link = forms.ModelChoiceField(
        label="or external link", queryset=ExternalLink.objects.all(), required=False
    )
    locator = forms.CharField(label="Page or locator", required=False, max_length=100)
    stance = forms.ChoiceField(label="Stance", choices=[("", "—"), *Stance.choices], required=False)

    def clean(self):
        data = super().clean()
        source = data.get("reference") or data.get("link")
        if data.get("reference") and data.get("link"):
            raise ValidationError("Choose a reference or a link, not both.")
        if source and not data.get("stance"):
            self.add_error("stance", "Say whether the source supports or contradicts the text.")
        if not source and (data.get("stance") or data.get("locator")):
            raise ValidationError("Choose the reference or link this evidence comes from.")
        return data

    def evidence(self):
        """The Evidence fields, or None for an empty row."""
        data = self.cleaned_data
        if not (data.get("reference") or data.get("link")):
            return None
        return {
            "reference": data.get("reference"),
            "link": data.get("link"),
            "locator": data.get("locator", ""),
            "stance": data["stance"],
        }


EvidenceFormSet = forms.formset_factory(EvidenceForm, extra=2, max_num=10, validate_max=True)


class FlagStatusForm(forms.Form):
    status = forms.ChoiceField(label="New status", choices=FlagStatus.choices)
    note = forms.CharField(
        label="Resolution note", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class PassageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, passage):
        text = passage.text if len(passage.text) <= 90 else passage.text[:89] + "…"
        document = passage.document
        return f"{document.catalogue_id} ¶{passage.order} ({document.language}): {text}"


class CrossReferenceForm(TargetForm):
    relation = forms.ChoiceField(label="Relation", choices=Relation.choices)
    to_passage = PassageChoiceField(
        label="Linked passage",
        queryset=Passage.objects.select_related("document").order_by("document", "order"),
        required=False,
    )
    to_exact = forms.CharField(
        label="Quoted text in the linked passage",
        required=False,
        max_length=MAX_QUOTE_LENGTH,
        strip=False,
        help_text="Optional: leave empty to link the whole passage.",
    )
    to_reference = forms.ModelChoiceField(
        label="or a catalogue reference", queryset=Reference.objects.all(), required=False
    )
    to_link = forms.ModelChoiceField(
        label="or an external link", queryset=ExternalLink.objects.all(), required=False
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )
    field_order = ["exact", "relation", "to_passage", "to_exact", "to_reference", "to_link", "note"]

    def clean(self):
        data = super().clean()
        chosen = [name for name in ("to_passage", "to_reference", "to_link") if data.get(name)]
        if len(chosen) != 1:
            raise ValidationError(
                "Choose exactly one destination: a passage, a reference or an external link."
            )
        if data.get("to_exact") and not data.get("to_passage"):
            self.add_error("to_exact", "A quote needs a linked passage.")
        if data.get("to_passage"):
            to_target = TargetData(passage=data["to_passage"], exact=data.get("to_exact", ""))
            try:
                target_fields(to_target)
            except ValidationError as error:
                self.add_error("to_exact", error)
            else:
                data["to_target"] = to_target
        return data


class OrphanActionForm(forms.Form):
    """A moderator's decision on one orphan in the admin's orphan queue: re-attach it to a
    passage of the current revision (a span when a quote is given), or retire it with a note."""

    kind = forms.ChoiceField(
        choices=[("annotation", "annotation"), ("flag", "flag"), ("crossref", "cross-reference")]
    )
    item = forms.UUIDField()
    action = forms.ChoiceField(choices=[("reattach", "Re-attach"), ("retire", "Retire")])
    passage = forms.IntegerField(label="Passage number", required=False, min_value=1)
    exact = forms.CharField(
        label="Quoted text (empty: the whole passage)", required=False, strip=False
    )
    note = forms.CharField(label="Why it is retired", required=False, max_length=2000)

    def clean(self):
        data = super().clean()
        if data.get("action") == "reattach" and not data.get("passage"):
            self.add_error("passage", "Choose the passage to re-attach it to.")
        if data.get("action") == "retire" and not (data.get("note") or "").strip():
            self.add_error("note", "A note is required to retire an orphan.")
        return data

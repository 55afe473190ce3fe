"""The compare page and the decisions made on it: thin views over ``alignment.services``.

Every POST names its records by id in the body; ids are looked up within the pair named by
the URL, so an id from another comparison (or a made-up one) is refused with a 400 and nothing
is stored.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from annotations.permissions import can_create, can_moderate_flags
from archive.models import Document, Passage

from . import services
from .compare import build_comparison
from .models import AlignmentSuggestion, DiscrepancySuggestion, NoCounterpart


def _translation(slug):
    """The translation named by the URL: 404 for an unknown slug or a document that is not
    catalogued as a translation."""
    try:
        document = (
            Document.objects.select_related("translation_of")
            .defer("source_text", "translation_of__source_text")
            .get(slug=slug)
        )
    except Document.DoesNotExist:
        raise Http404(f"No document with the slug “{slug}”.") from None
    return document


def _not_a_translation(request, document):
    return render(
        request,
        "alignment/not_a_translation.html",
        {"document": document, "translations": document.translations.defer("source_text")},
        status=404,
    )


class CompareView(View):
    """``/documents/<translation>/compare/``: the translation beside its original."""

    http_method_names = ["get", "head"]

    def get(self, request, slug):
        translation = _translation(slug)
        if translation.translation_of is None:
            return _not_a_translation(request, translation)
        comparison = build_comparison(translation, request.user)
        return render(
            request,
            "alignment/compare.html",
            {
                "comparison": comparison,
                "translation": translation,
                "original": translation.translation_of,
                "can_annotate": False,
            },
        )


class BadRequest(Exception):
    """Input that names nothing in this comparison; answered with 400."""


class DecisionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            (name, name)
            for name in ("accept", "reject", "correct", "align", "mark", "unmark", "dismiss")
        ]
    )
    suggestion = forms.UUIDField(required=False)
    mark = forms.UUIDField(required=False)
    passage = forms.IntegerField(required=False, min_value=1)
    #: The original's passage, by its number (¶) in the original.
    to_order = forms.IntegerField(required=False, min_value=1)
    no_counterpart = forms.BooleanField(required=False)
    exact = forms.CharField(required=False, max_length=5000, strip=False)
    statement = forms.CharField(required=False, max_length=20000)
    note = forms.CharField(required=False, max_length=5000)


class DecisionView(LoginRequiredMixin, View):
    """A POST that decides something on the compare page, then back to the row."""

    http_method_names = ["post"]
    #: Who may post here at all (scholars, or moderators).
    permission_check = staticmethod(can_create)
    refusal = "Only scholars can do this."

    def open_pair(self, request, slug):
        """Refuse who may not post here; find the translation and its original, or answer
        the page that says the document is not a translation."""
        if not self.permission_check(request.user):
            raise PermissionDenied(self.refusal)
        self.translation = _translation(slug)
        self.original = self.translation.translation_of
        if self.original is None:
            return _not_a_translation(request, self.translation)
        return None

    def post(self, request, slug):
        stop = self.open_pair(request, slug)
        if stop is not None:
            return stop
        form = DecisionForm(request.POST)
        try:
            if not form.is_valid():
                raise BadRequest(
                    "The request was not understood: "
                    + "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())
                )
            anchor, message = self.decide(form.cleaned_data)
        except BadRequest as error:
            return self.refuse(request, str(error))
        except ValidationError as error:
            return self.refuse(request, " ".join(error.messages))
        messages.success(request, message)
        url = reverse("alignment:compare", kwargs={"slug": self.translation.slug})
        return redirect(f"{url}#{anchor}" if anchor else url)

    def refuse(self, request, message):
        return render(
            request,
            "alignment/refused.html",
            {"translation": self.translation, "message": message},
            status=400,
        )

    # -- lookups within this pair ---------------------------------------------------------
    def suggestion(self, data, model):
        if not data["suggestion"]:
            raise BadRequest("No suggestion was named.")
        queryset = model.objects.filter(pk=data["suggestion"], passage__document=self.translation)
        if model is AlignmentSuggestion:
            queryset = queryset.filter(original=self.original)
        found = queryset.select_related("passage").first()
        if found is None:
            raise BadRequest("That suggestion does not belong to this comparison.")
        return found

    def passage(self, pk, document, what):
        found = Passage.objects.filter(pk=pk, document=document).first() if pk else None
        if found is None:
            raise BadRequest(f"Choose a passage of the {what}.")
        return found

    def original_passage(self, order):
        found = (
            Passage.objects.filter(order=order, document=self.original).first() if order else None
        )
        if found is None:
            raise BadRequest(
                f"The original has no passage {order}: choose one of its "
                f"{self.original.passages.count()} passages by its number."
            )
        return found


class AlignmentDecisionView(DecisionView):
    """Scholars: accept, correct or reject a suggested alignment; align a passage by hand; mark
    it "only in this version" or withdraw the mark."""

    def decide(self, data):
        user, action = self.request.user, data["action"]
        if action in ("accept", "reject", "correct"):
            suggestion = self.suggestion(data, AlignmentSuggestion)
            anchor = f"t-{suggestion.passage.anchor}"
            if action == "accept":
                services.accept_alignment(suggestion=suggestion, user=user, note=data["note"])
                return anchor, f"Alignment of passage {suggestion.passage.order} accepted."
            if action == "reject":
                services.reject_alignment(suggestion=suggestion, user=user, note=data["note"])
                return anchor, f"Suggestion for passage {suggestion.passage.order} rejected."
            to_passage = None
            if not data["no_counterpart"]:
                to_passage = self.original_passage(data["to_order"])
            services.correct_alignment(
                suggestion=suggestion,
                user=user,
                to_passage=to_passage,
                exact=data["exact"],
                no_counterpart=data["no_counterpart"],
                note=data["note"],
            )
            return anchor, f"Passage {suggestion.passage.order} aligned as you chose."
        if action in ("align", "mark"):
            passage = self.passage(data["passage"], self.translation, "translation")
            anchor = f"t-{passage.anchor}"
            if action == "mark" or data["no_counterpart"]:
                services.mark_no_counterpart(
                    user=user, passage=passage, original=self.original, note=data["note"]
                )
                return anchor, f"Passage {passage.order} marked as only in this version."
            to_passage = self.original_passage(data["to_order"])
            services.align_passage(
                user=user,
                passage=passage,
                original=self.original,
                to_passage=to_passage,
                exact=data["exact"],
                note=data["note"],
            )
            return anchor, f"Passage {passage.order} aligned."
        if action == "unmark":
            mark = NoCounterpart.objects.live().filter(
                pk=data["mark"], passage__document=self.translation, original=self.original
            )
            mark = mark.select_related("passage").first() if data["mark"] else None
            if mark is None:
                raise BadRequest("That mark does not belong to this comparison.")
            services.unmark_no_counterpart(mark=mark, user=user)
            return f"t-{mark.passage.anchor}", "The “only in this version” mark was withdrawn."
        raise BadRequest("Unknown action.")


class DiscrepancyDecisionView(DecisionView):
    """Moderators: accept a suggested discrepancy as a flag, or dismiss it."""

    permission_check = staticmethod(can_moderate_flags)
    refusal = "Only moderators can decide suggested discrepancies."

    def decide(self, data):
        user, action = self.request.user, data["action"]
        if action not in ("accept", "dismiss"):
            raise BadRequest("Unknown action.")
        suggestion = self.suggestion(data, DiscrepancySuggestion)
        anchor = f"t-{suggestion.passage.anchor}"
        if action == "accept":
            services.accept_discrepancy(
                suggestion=suggestion, user=user, statement=data["statement"], note=data["note"]
            )
            return anchor, "Flagged as disputed; the flag is marked on both texts."
        services.dismiss_discrepancy(suggestion=suggestion, user=user, note=data["note"])
        return anchor, "Suggested discrepancy dismissed."


class RunSuggesterView(DecisionView):
    """Moderators: run the suggester and the detector for this pair."""

    permission_check = staticmethod(can_moderate_flags)
    refusal = "Only moderators can run the suggester."

    def post(self, request, slug):
        stop = self.open_pair(request, slug)
        if stop is not None:
            return stop
        try:
            aligned = services.suggest_alignments(
                translation=self.translation, original=self.original, user=request.user
            )
            found = services.detect_discrepancies(
                translation=self.translation, original=self.original, user=request.user
            )
        except ValidationError as error:
            return self.refuse(request, " ".join(error.messages))
        messages.success(
            request,
            f"Suggester run: {aligned.created} new alignment suggestion"
            f"{'s' if aligned.created != 1 else ''}, {found.created} new suggested "
            f"discrepanc{'ies' if found.created != 1 else 'y'} (nothing already suggested was "
            "suggested again).",
        )
        return redirect("alignment:compare", slug=self.translation.slug)

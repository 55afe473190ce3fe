"""Scholars' web UI: thin views over the services; ownership enforced in get_queryset()."""

import difflib
import re

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import DetailView, FormView, ListView
from django.views.generic.detail import SingleObjectMixin
from django_filters.views import FilterView
from reversion.models import Version

from archive.models import Passage

from . import services
from .filters import AnnotationFilter, FlagFilter
from .forms import (
    AnnotationEditForm,
    AnnotationForm,
    CrossReferenceForm,
    EvidenceFormSet,
    FlagForm,
    FlagStatusForm,
    ReplyForm,
)
from .models import Annotation, CrossReference, DisputedClaim, Visibility
from .permissions import (
    can_change_annotation,
    can_change_crossref,
    can_create,
    can_moderate_annotations,
    can_moderate_flags,
)
from .selectors import SelectorError, resolve_span
from .services import StaleEdit, TargetData


class ScholarRequiredMixin(LoginRequiredMixin):
    """Signed-in scholars (and moderators) only: anonymous users go to the login page."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_create(request.user):
            raise PermissionDenied("Only scholars can do this.")
        return super().dispatch(request, *args, **kwargs)


class ServiceFormMixin:
    """Run a service from form_valid; a refused write re-renders the form with a status."""

    def form_invalid(self, form, status=400):
        response = self.render_to_response(self.get_context_data(form=form))
        response.status_code = status
        return response

    def run(self, form, action):
        try:
            return action()
        except ValidationError as error:
            form.add_error(None, error)
            return None


class PassageMixin:
    """The passage named by the URL (document slug and passage anchor)."""

    def dispatch(self, request, *args, **kwargs):
        self.passage = get_object_or_404(
            Passage.objects.select_related("document", "section"),
            document__slug=kwargs["slug"],
            anchor=kwargs["anchor"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["passage"] = self.passage
        return kwargs

    def get_initial(self):
        # A selection made in the reading view arrives as query parameters.
        initial = super().get_initial()
        for name in ("exact", "prefix", "suffix", "start", "end"):
            if name in self.request.GET:
                initial[name] = self.request.GET[name]
        return initial

    def get_context_data(self, **kwargs):
        kwargs.setdefault("passage", self.passage)
        kwargs.setdefault("document", self.passage.document)
        kwargs.setdefault("selection", self.selection())
        return super().get_context_data(**kwargs)

    def selection(self):
        """The span the reader selected (from the query string), to show it marked."""
        params = self.request.GET
        try:
            return resolve_span(
                self.passage.text,
                start=params.get("start"),
                end=params.get("end"),
                exact=params.get("exact", ""),
            )
        except SelectorError:
            return None


# ---------------------------------------------------------------------------
# Annotations
# ---------------------------------------------------------------------------


class AnnotationCreateView(ScholarRequiredMixin, PassageMixin, ServiceFormMixin, FormView):
    form_class = AnnotationForm
    template_name = "annotations/annotation_form.html"

    def get_initial(self):
        initial = super().get_initial()
        initial.setdefault("visibility", Visibility.PUBLIC)
        return initial

    def form_valid(self, form):
        data = form.cleaned_data
        annotation = self.run(
            form,
            lambda: services.create_annotation(
                user=self.request.user,
                target=data["target"],
                body=data["body"],
                motivation=data["motivation"],
                visibility=data["visibility"],
                tags=data["tags"],
            ),
        )
        if annotation is None:
            return self.form_invalid(form)
        messages.success(self.request, "Annotation saved.")
        # Back to the reading room, at the passage: its panel opens there with the new
        # annotation, and takes the focus, so that a keyboard or screen-reader user lands on
        # what they just wrote (without JavaScript, the passage's summary links to it).
        return redirect(f"{self.passage.document.get_absolute_url()}#{self.passage.anchor}")


class VisibleAnnotationMixin:
    """Annotations the user may see; a private one of someone else is a 404."""

    model = Annotation
    context_object_name = "annotation"

    def get_queryset(self):
        user = self.request.user
        queryset = Annotation.objects.with_targets()
        if not user.is_authenticated:
            return queryset.public()
        # Authors see their own annotations, hidden or deleted too; moderators see every public
        # one, so that they can review and restore; nobody sees another's private annotation.
        if can_moderate_annotations(user):
            return queryset.filter(Q(visibility=Visibility.PUBLIC) | Q(author=user))
        return queryset.filter(Q(pk__in=Annotation.objects.public().values("pk")) | Q(author=user))


class AnnotationDetailView(VisibleAnnotationMixin, DetailView):
    template_name = "annotations/annotation_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        annotation = self.object
        user = self.request.user
        context["replies"] = (
            Annotation.objects.visible_to(user).filter(parent=annotation).with_targets()
        )
        context["can_change"] = can_change_annotation(user, annotation)
        context["can_reply"] = can_create(user) and annotation.parent_id is None
        context["reply_form"] = ReplyForm()
        return context


class ChangeAnnotationMixin(LoginRequiredMixin, VisibleAnnotationMixin):
    """The author or a moderator; others get 404 (private) or 403 (public)."""

    def get_object(self, queryset=None):
        annotation = super().get_object(queryset)
        if not can_change_annotation(self.request.user, annotation):
            raise PermissionDenied("Only the author or a moderator can change this annotation.")
        return annotation


class AnnotationEditView(ChangeAnnotationMixin, SingleObjectMixin, ServiceFormMixin, FormView):
    form_class = AnnotationEditForm
    template_name = "annotations/annotation_edit.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["passage"] = self.object.passage
        return kwargs

    def get_initial(self):
        annotation = self.object
        return {
            "exact": annotation.exact,
            "prefix": annotation.prefix,
            "suffix": annotation.suffix,
            "start": annotation.start,
            "end": annotation.end,
            "body": annotation.body,
            "motivation": annotation.motivation,
            "tags": ", ".join(tag.name for tag in annotation.tags.all()),
            "visibility": annotation.visibility,
            "base_version": annotation.version,
        }

    def get_context_data(self, **kwargs):
        kwargs.setdefault("annotation", self.object)
        kwargs.setdefault("passage", self.object.passage)
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        changes = {
            "body": data["body"],
            "motivation": data["motivation"],
            "visibility": data["visibility"],
            "tags": data["tags"],
            "target": data["target"],
            "comment": data["comment"],
        }
        try:
            annotation = self.run(
                form,
                lambda: services.update_annotation(
                    annotation=self.object,
                    user=self.request.user,
                    data=changes,
                    base_version=data["base_version"],
                ),
            )
        except StaleEdit as stale:
            # Nothing was saved: show the newer text next to the user's own, keep their input.
            context = self.get_context_data(form=form, stale=stale.current)
            response = self.render_to_response(context)
            response.status_code = 409
            return response
        if annotation is None:
            return self.form_invalid(form)
        messages.success(self.request, f"Saved as version {annotation.version}.")
        return redirect(annotation)


class AnnotationActionView(ChangeAnnotationMixin, DetailView):
    """Confirm on GET, act on POST: delete or restore."""

    template_name = "annotations/annotation_confirm.html"
    action = None

    def get_context_data(self, **kwargs):
        kwargs["action"] = self.action
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        annotation = self.get_object()
        service = {"delete": services.delete_annotation, "restore": services.restore_annotation}
        service[self.action](annotation=annotation, user=request.user)
        messages.success(request, f"Annotation {self.action}d.")
        return redirect(annotation)


class AnnotationReplyView(ScholarRequiredMixin, VisibleAnnotationMixin, ServiceFormMixin, FormView):
    form_class = ReplyForm
    template_name = "annotations/annotation_reply.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.parent = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("annotation", self.parent)
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        reply = self.run(
            form,
            lambda: services.create_annotation(
                user=self.request.user,
                target=TargetData(passage=self.parent.passage),
                body=form.cleaned_data["body"],
                motivation="commenting",
                visibility=form.cleaned_data["visibility"],
                parent=self.parent,
            ),
        )
        if reply is None:
            return self.form_invalid(form)
        messages.success(self.request, "Reply saved.")
        return redirect(self.parent)


def annotation_versions(annotation):
    return (
        Version.objects.get_for_object(annotation)
        .select_related("revision__user__profile")
        .order_by("-revision__date_created", "-pk")
    )


class AnnotationHistoryView(VisibleAnnotationMixin, DetailView):
    template_name = "annotations/annotation_history.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        versions = list(annotation_versions(self.object))
        context["versions"] = versions
        context["can_change"] = can_change_annotation(self.request.user, self.object)
        return context


def word_diff(old, new):
    """The words removed and added between two texts, as ("same" | "del" | "ins", text) runs;
    spacing is kept (``annotations/_word_diff.html`` renders them, escaped)."""
    old_tokens, new_tokens = re.split(r"(\s+)", old), re.split(r"(\s+)", new)
    runs = []
    matcher = difflib.SequenceMatcher(a=old_tokens, b=new_tokens, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            runs.append(("same", "".join(old_tokens[a1:a2])))
            continue
        if a2 > a1:
            runs.append(("del", "".join(old_tokens[a1:a2])))
        if b2 > b1:
            runs.append(("ins", "".join(new_tokens[b1:b2])))
    return runs


class AnnotationDiffView(VisibleAnnotationMixin, DetailView):
    template_name = "annotations/annotation_diff.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        versions = {v.pk: v for v in annotation_versions(self.object)}
        try:
            old = versions[int(self.request.GET.get("from", ""))]
            new = versions[int(self.request.GET.get("to", ""))]
        except (KeyError, ValueError):
            raise Http404("Choose two versions of this annotation to compare.") from None
        if old.revision.date_created > new.revision.date_created:
            old, new = new, old
        tag_names = dict(
            self.object.tags.model.objects.filter(
                pk__in=[*old.field_dict.get("tags", []), *new.field_dict.get("tags", [])]
            ).values_list("pk", "name")
        )

        def describe(version):
            data = version.field_dict
            target = (
                f"“{data['exact']}” ({data['start']}–{data['end']})"
                if data["start"] is not None
                else "whole passage"
            )
            return {
                "Body": data["body"],
                "Tags": ", ".join(sorted(tag_names.get(pk, "?") for pk in data.get("tags", []))),
                "Motivation": data["motivation"],
                "Visibility": data["visibility"],
                "Target": target,
            }

        before, after = describe(old), describe(new)
        context["rows"] = [
            {
                "field": name,
                "changed": before[name] != after[name],
                "diff": word_diff(before[name], after[name]),
            }
            for name in before
        ]
        context["old"], context["new"] = old, new
        return context


class AnnotationRevertView(ChangeAnnotationMixin, DetailView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        annotation = self.get_object()
        version = get_object_or_404(annotation_versions(annotation), pk=kwargs["version_id"])
        reverted = services.revert_annotation(
            annotation=annotation, user=request.user, version=version
        )
        messages.success(request, f"Reverted: saved as version {reverted.version}.")
        return redirect("annotations:annotation-history", pk=annotation.pk)


class AnnotationListView(FilterView):
    filterset_class = AnnotationFilter
    template_name = "annotations/annotation_list.html"
    paginate_by = 25

    def get_queryset(self):
        return (
            Annotation.objects.visible_to(self.request.user)
            .filter(visibility=Visibility.PUBLIC)
            .with_targets()
            .order_by("-created")
        )


class MyAnnotationsView(LoginRequiredMixin, ListView):
    template_name = "annotations/my_annotations.html"
    paginate_by = 25
    context_object_name = "annotations"

    def get_queryset(self):
        return (
            Annotation.objects.filter(author=self.request.user).with_targets().order_by("-modified")
        )


# ---------------------------------------------------------------------------
# Disputed-claim flags
# ---------------------------------------------------------------------------


class FlagCreateView(ScholarRequiredMixin, PassageMixin, ServiceFormMixin, FormView):
    form_class = FlagForm
    template_name = "annotations/flag_form.html"

    def get_context_data(self, **kwargs):
        if "evidence_formset" not in kwargs:
            kwargs["evidence_formset"] = EvidenceFormSet(
                self.request.POST or None, prefix="evidence"
            )
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        formset = EvidenceFormSet(request.POST, prefix="evidence")
        if not (form.is_valid() and formset.is_valid()):
            response = self.render_to_response(
                self.get_context_data(form=form, evidence_formset=formset)
            )
            response.status_code = 400
            return response
        evidence = [row for row in (f.evidence() for f in formset.forms) if row]
        data = form.cleaned_data
        claim = self.run(
            form,
            lambda: services.create_flag(
                user=request.user,
                target=data["target"],
                category=data["category"],
                statement=data["statement"],
                evidence=evidence,
            ),
        )
        if claim is None:
            response = self.render_to_response(
                self.get_context_data(form=form, evidence_formset=formset)
            )
            response.status_code = 400
            return response
        messages.success(request, "Flag saved: the passage is marked as disputed.")
        return redirect(claim)


class FlagListView(FilterView):
    filterset_class = FlagFilter
    template_name = "annotations/flag_list.html"
    paginate_by = 25

    def get_queryset(self):
        return DisputedClaim.objects.with_targets().order_by("-created")


class FlagDetailView(DetailView):
    model = DisputedClaim
    context_object_name = "flag"
    template_name = "annotations/flag_detail.html"

    def get_queryset(self):
        return DisputedClaim.objects.with_targets().with_evidence()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if can_moderate_flags(self.request.user):
            context["status_form"] = FlagStatusForm(initial={"status": self.object.status})
        context["versions"] = (
            Version.objects.get_for_object(self.object)
            .select_related("revision__user__profile")
            .order_by("-revision__date_created")
        )
        return context


class FlagStatusView(LoginRequiredMixin, ServiceFormMixin, FormView):
    form_class = FlagStatusForm
    template_name = "annotations/flag_detail.html"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        claim = get_object_or_404(DisputedClaim, pk=kwargs["pk"])
        if not can_moderate_flags(request.user):
            raise PermissionDenied("Only moderators can change a flag's status.")
        form = self.get_form()
        if form.is_valid() and self.run(
            form,
            lambda: services.set_flag_status(
                claim=claim,
                user=request.user,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            ),
        ):
            messages.success(request, "Status changed.")
            return redirect(claim)
        self.object = claim
        response = self.render_to_response(
            {"flag": claim, "status_form": form, "object": claim, "view": self}
        )
        response.status_code = 400
        return response


# ---------------------------------------------------------------------------
# Cross-references
# ---------------------------------------------------------------------------


class CrossReferenceCreateView(ScholarRequiredMixin, PassageMixin, ServiceFormMixin, FormView):
    form_class = CrossReferenceForm
    template_name = "annotations/crossref_form.html"

    def get_initial(self):
        initial = super().get_initial()
        if "to" in self.request.GET:
            initial["to_passage"] = self.request.GET["to"]
        return initial

    def form_valid(self, form):
        data = form.cleaned_data
        crossref = self.run(
            form,
            lambda: services.create_crossref(
                user=self.request.user,
                target=data["target"],
                relation=data["relation"],
                note=data["note"],
                to_target=data.get("to_target"),
                to_reference=data.get("to_reference"),
                to_link=data.get("to_link"),
            ),
        )
        if crossref is None:
            return self.form_invalid(form)
        messages.success(self.request, "Cross-reference saved.")
        return redirect(crossref)


class CrossReferenceDetailView(DetailView):
    model = CrossReference
    context_object_name = "crossref"
    template_name = "annotations/crossref_detail.html"

    def get_queryset(self):
        queryset = CrossReference.objects.with_targets()
        user = self.request.user
        if user.is_authenticated:
            return queryset.filter(Q(deleted__isnull=True) | Q(author=user))
        return queryset.live()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_change"] = can_change_crossref(self.request.user, self.object)
        return context


class CrossReferenceDeleteView(LoginRequiredMixin, DetailView):
    model = CrossReference
    context_object_name = "crossref"
    template_name = "annotations/crossref_confirm_delete.html"

    def get_queryset(self):
        return CrossReference.objects.live().with_targets()

    def get_object(self, queryset=None):
        crossref = super().get_object(queryset)
        if not can_change_crossref(self.request.user, crossref):
            raise PermissionDenied("Only the author or a moderator can delete this.")
        return crossref

    def post(self, request, *args, **kwargs):
        crossref = self.get_object()
        services.delete_crossref(crossref=crossref, user=request.user)
        messages.success(request, "Cross-reference deleted.")
        return redirect(crossref.passage.get_absolute_url())

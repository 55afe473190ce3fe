"""The only way to change alignments, "only in this version" marks and suggestions.

Each function is one transaction and one django-reversion revision with the acting user and a
comment; permission checks and status checks happen inside it, on locked rows, so a refused
write stores nothing. Accepted alignments are cross-references and accepted discrepancies are
flags, both created through ``annotations.services`` by the person who accepted them.

Who may do what:

- anyone may read;
- scholars (and moderators) accept, correct or reject alignment suggestions, align passages
  and mark them "only in this version";
- moderators also run the suggester and the detector from the web page, and accept or dismiss
  suggested discrepancies;
- the management command runs the suggester and the detector with no user: it only ever
  writes suggestions.
"""

from dataclasses import dataclass, field

import reversion
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from annotations import services as annotation_services
from annotations.models import CrossReference, Relation
from annotations.permissions import can_create, can_moderate_annotations, can_moderate_flags
from annotations.services import TargetData

from .detect import compare
from .models import (
    AlignmentSuggestion,
    DiscrepancyStatus,
    DiscrepancySuggestion,
    NoCounterpart,
    SuggestionStatus,
)
from .suggest import propose

SYSTEM_COMMENT = "Suggested by the aligner (align_documents)"


def _revision(user, comment):
    if user is not None:
        reversion.set_user(user)
    reversion.set_comment(comment)


def _lock(model, pk):
    return model.objects.select_for_update().get(pk=pk)


def check_pair(translation, original):
    """Raise ValidationError unless ``translation`` is catalogued as a translation of
    ``original``."""
    if translation.pk == original.pk or translation.translation_of_id != original.pk:
        raise ValidationError(
            f"“{translation.slug}” is not catalogued as a translation of “{original.slug}”."
        )


def alignments(translation, original):
    """Live ``translation_of`` cross-references from ``translation``'s passages to
    ``original``'s."""
    return CrossReference.objects.live().filter(
        relation=Relation.TRANSLATION_OF,
        passage__document=translation,
        to_passage__document=original,
    )


def _decided_passage_ids(translation, original):
    aligned = set(alignments(translation, original).values_list("passage_id", flat=True))
    marked = set(
        NoCounterpart.objects.live()
        .filter(passage__document=translation, original=original)
        .values_list("passage_id", flat=True)
    )
    return aligned | marked


# ---------------------------------------------------------------------------
# Running the suggester and the detector
# ---------------------------------------------------------------------------


@dataclass
class SuggestReport:
    proposals: list = field(default_factory=list)
    created: int = 0
    #: Proposed before (pending or decided): not proposed again.
    existing: int = 0
    #: For passages already aligned or marked by a person.
    skipped: int = 0


def _check_runner(user):
    if user is not None and not can_moderate_flags(user):
        raise PermissionDenied("Only moderators can run the suggester.")


def suggest_alignments(*, translation, original, user=None):
    """Store the suggester's proposals for passages nobody has aligned yet.

    Idempotent: a proposal already stored (whatever became of it) is not stored again.
    Creates no cross-reference and no mark.
    """
    _check_runner(user)
    check_pair(translation, original)
    proposals = propose(
        translation.passages.order_by("order"),
        original.passages.order_by("order"),
        translation.language,
        original.language,
    )
    report = SuggestReport(proposals=proposals)
    with transaction.atomic(), reversion.create_revision():
        decided = _decided_passage_ids(translation, original)
        stored = set(
            AlignmentSuggestion.objects.filter(passage__document=translation).values_list(
                "passage_id", "key"
            )
        )
        for proposal in proposals:
            if proposal.passage.pk in decided:
                report.skipped += 1
                continue
            if (proposal.passage.pk, proposal.key) in stored:
                report.existing += 1
                continue
            to_exact = ""
            if proposal.to_passage is not None and proposal.start is not None:
                to_exact = proposal.to_passage.text[proposal.start : proposal.end]
            AlignmentSuggestion.objects.create(
                translation=translation,
                original=original,
                passage=proposal.passage,
                to_passage=proposal.to_passage,
                to_start=proposal.start,
                to_end=proposal.end,
                to_exact=to_exact,
                key=proposal.key,
                score=proposal.score,
                reasons=proposal.reasons,
            )
            stored.add((proposal.passage.pk, proposal.key))
            report.created += 1
        _revision(user, SYSTEM_COMMENT if user is None else "Suggested alignments")
    return report


@dataclass
class DetectReport:
    pairs: int = 0
    findings: list = field(default_factory=list)
    created: int = 0
    existing: int = 0


def find_discrepancies(translation, original):
    """(cross-reference, finding) for every aligned pair, without storing anything."""
    check_pair(translation, original)
    passages = list(translation.passages.order_by("order"))
    pairs = (
        alignments(translation, original)
        .select_related("passage", "to_passage")
        .order_by("passage__order", "to_passage__order", "to_start")
    )
    found = []
    for crossref in pairs:
        earlier = [p for p in passages if p.order < crossref.passage.order]
        span = (crossref.start, crossref.end) if crossref.is_span else None
        to_span = (crossref.to_start, crossref.to_end) if crossref.to_start is not None else None
        for finding in compare(
            crossref.passage,
            span,
            crossref.to_passage,
            to_span,
            translation.language,
            original.language,
            earlier,
        ):
            found.append((crossref, finding))
    return found


def detect_discrepancies(*, translation, original, user=None):
    """Store a suggested discrepancy for each finding in the aligned pairs. Idempotent; creates
    no flag."""
    _check_runner(user)
    found = find_discrepancies(translation, original)
    report = DetectReport(pairs=len({crossref.pk for crossref, _ in found}), findings=found)
    with transaction.atomic(), reversion.create_revision():
        stored = set(
            DiscrepancySuggestion.objects.filter(passage__document=translation).values_list(
                "crossref_id", "key"
            )
        )
        for crossref, finding in found:
            if (crossref.pk, finding.key) in stored:
                report.existing += 1
                continue
            DiscrepancySuggestion.objects.create(
                crossref=crossref,
                passage=crossref.passage,
                start=finding.start,
                end=finding.end,
                exact=crossref.passage.text[finding.start : finding.end],
                to_passage=crossref.to_passage,
                to_start=finding.to_start,
                to_end=finding.to_end,
                to_exact=crossref.to_passage.text[finding.to_start : finding.to_end],
                kind=finding.kind,
                change=finding.change,
                category=finding.category,
                translation_items=finding.translation_items,
                original_items=finding.original_items,
                statement=finding.statement,
                key=finding.key,
            )
            stored.add((crossref.pk, finding.key))
            report.created += 1
        _revision(user, SYSTEM_COMMENT if user is None else "Detected discrepancies")
    return report


# ---------------------------------------------------------------------------
# Aligning by hand, and "only in this version"
# ---------------------------------------------------------------------------


def _check_passages(passage, original, to_passage=None):
    check_pair(passage.document, original)
    if to_passage is not None and to_passage.document_id != original.pk:
        raise ValidationError("Choose a passage of the original.")


def mark_no_counterpart(*, user, passage, original, note=""):
    """Record that ``passage`` has no counterpart in ``original``; idempotent."""
    if not can_create(user):
        raise PermissionDenied("Only scholars can mark passages.")
    _check_passages(passage, original)
    with transaction.atomic(), reversion.create_revision():
        if alignments(passage.document, original).filter(passage=passage).exists():
            raise ValidationError(
                "This passage is aligned with the original; delete that cross-reference before "
                "marking it as having no counterpart."
            )
        existing = NoCounterpart.objects.live().filter(passage=passage, original=original).first()
        if existing is not None:
            return existing
        mark = NoCounterpart(passage=passage, original=original, author=user, note=note)
        mark.full_clean()
        mark.save()
        _revision(user, "Marked as only in this version")
    return mark


def unmark_no_counterpart(*, mark, user):
    """Withdraw an "only in this version" mark (kept, with its history)."""
    with transaction.atomic(), reversion.create_revision():
        current = _lock(NoCounterpart, mark.pk)
        if not (
            user.is_authenticated
            and (current.author_id == user.pk or can_moderate_annotations(user))
        ):
            raise PermissionDenied("Only its author or a moderator can withdraw this mark.")
        if current.is_deleted:
            return current
        current.deleted = timezone.now()
        current.version += 1
        current.save()
        _revision(user, "Withdrawn")
    return current


def align_passage(*, user, passage, original, to_passage, start=None, end=None, exact="", note=""):
    """Align ``passage`` with ``to_passage`` of ``original`` (or a span of it) by ``user``."""
    if not can_create(user):
        raise PermissionDenied("Only scholars can align passages.")
    _check_passages(passage, original, to_passage)
    with transaction.atomic(), reversion.create_revision():
        if NoCounterpart.objects.live().filter(passage=passage, original=original).exists():
            raise ValidationError(
                "This passage is marked as only in this version; withdraw the mark first."
            )
        crossref = annotation_services.create_crossref(
            user=user,
            target=TargetData(passage=passage),
            relation=Relation.TRANSLATION_OF,
            note=note,
            to_target=TargetData(passage=to_passage, start=start, end=end, exact=exact),
        )
        duplicate = (
            alignments(passage.document, original)
            .filter(
                passage=passage,
                to_passage=to_passage,
                to_start=crossref.to_start,
                to_end=crossref.to_end,
            )
            .exclude(pk=crossref.pk)
        )
        if duplicate.exists():
            raise ValidationError("This passage is already aligned with that text.")
        _revision(user, "Aligned")
    return crossref


# ---------------------------------------------------------------------------
# Deciding alignment suggestions
# ---------------------------------------------------------------------------


def _decide(suggestion, user, status, note, **created):
    suggestion.status = status
    suggestion.decided_by = user
    suggestion.decided_at = timezone.now()
    suggestion.decision_note = note
    for name, value in created.items():
        setattr(suggestion, name, value)
    suggestion.version += 1
    suggestion.save()


def _pending(model, pk):
    current = _lock(model, pk)
    if current.status != "pending":
        raise ValidationError(
            f"This suggestion was already decided ({current.get_status_display().lower()})."
        )
    return current


def accept_alignment(*, suggestion, user, note=""):
    """Accept a suggestion: ``user`` creates the cross-reference (or the mark) it proposes."""
    if not can_create(user):
        raise PermissionDenied("Only scholars can accept suggestions.")
    with transaction.atomic(), reversion.create_revision():
        current = _pending(AlignmentSuggestion, suggestion.pk)
        reasons = "; ".join(current.reasons)
        text = note or f"Accepted a suggested alignment (score {current.score:.2f}: {reasons})."
        if current.to_passage_id is None:
            mark = mark_no_counterpart(
                user=user, passage=current.passage, original=current.original, note=text
            )
            _decide(current, user, SuggestionStatus.ACCEPTED, note, no_counterpart=mark)
        else:
            crossref = align_passage(
                user=user,
                passage=current.passage,
                original=current.original,
                to_passage=current.to_passage,
                start=current.to_start,
                end=current.to_end,
                exact=current.to_exact,
                note=text,
            )
            _decide(current, user, SuggestionStatus.ACCEPTED, note, crossref=crossref)
        _revision(user, "Accepted an alignment suggestion")
    return current


def correct_alignment(
    *, suggestion, user, to_passage=None, exact="", no_counterpart=False, note=""
):
    """Decide a suggestion by aligning its passage differently: with ``to_passage`` (or the
    span of it quoted by ``exact``), or as having no counterpart."""
    if not can_create(user):
        raise PermissionDenied("Only scholars can correct suggestions.")
    if no_counterpart == (to_passage is not None):
        raise ValidationError("Choose a passage of the original, or “no counterpart”.")
    with transaction.atomic(), reversion.create_revision():
        current = _pending(AlignmentSuggestion, suggestion.pk)
        if no_counterpart:
            mark = mark_no_counterpart(
                user=user, passage=current.passage, original=current.original, note=note
            )
            _decide(current, user, SuggestionStatus.CORRECTED, note, no_counterpart=mark)
        else:
            crossref = align_passage(
                user=user,
                passage=current.passage,
                original=current.original,
                to_passage=to_passage,
                exact=exact,
                note=note or "Aligned by hand, correcting a suggestion.",
            )
            _decide(current, user, SuggestionStatus.CORRECTED, note, crossref=crossref)
        _revision(user, "Corrected an alignment suggestion")
    return current


def reject_alignment(*, suggestion, user, note=""):
    if not can_create(user):
        raise PermissionDenied("Only scholars can reject suggestions.")
    with transaction.atomic(), reversion.create_revision():
        current = _pending(AlignmentSuggestion, suggestion.pk)
        _decide(current, user, SuggestionStatus.REJECTED, note)
        _revision(user, "Rejected an alignment suggestion")
    return current


# ---------------------------------------------------------------------------
# Deciding suggested discrepancies (moderators)
# ---------------------------------------------------------------------------


def accept_discrepancy(*, suggestion, user, statement="", note=""):
    """Flag the translation's span as disputed, by ``user``, with the suggestion's statement
    (or ``statement``, edited)."""
    if not can_moderate_flags(user):
        raise PermissionDenied("Only moderators can accept suggested discrepancies.")
    with transaction.atomic(), reversion.create_revision():
        current = _pending(DiscrepancySuggestion, suggestion.pk)
        if current.crossref.is_deleted:
            raise ValidationError(
                "The alignment this compares has been deleted; dismiss the suggestion instead."
            )
        flag = annotation_services.create_flag(
            user=user,
            target=TargetData(
                passage=current.passage, start=current.start, end=current.end, exact=current.exact
            ),
            category=current.category,
            statement=(statement or current.statement).strip(),
        )
        _decide(current, user, DiscrepancyStatus.ACCEPTED, note, flag=flag)
        _revision(user, "Accepted a suggested discrepancy as a flag")
    return current


def dismiss_discrepancy(*, suggestion, user, note=""):
    if not can_moderate_flags(user):
        raise PermissionDenied("Only moderators can dismiss suggested discrepancies.")
    with transaction.atomic(), reversion.create_revision():
        current = _pending(DiscrepancySuggestion, suggestion.pk)
        _decide(current, user, DiscrepancyStatus.DISMISSED, note)
        _revision(user, "Dismissed a suggested discrepancy")
    return current

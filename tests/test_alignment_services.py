"""Alignment and discrepancy suggestions: the command, the services, permissions, versions."""

from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from reversion.models import Version

from alignment import services
from alignment.models import (
    AlignmentSuggestion,
    DiscrepancySuggestion,
    NoCounterpart,
    SuggestionStatus,
)
from annotations.models import CrossReference, DisputedClaim, Relation
from devdata.demo import TRANSLATIONS
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

ENGLISH = "soviet-occupation-of-bessarabia-and-northern-bukovina"
ROMANIAN = "ocuparea-sovietica-a-basarabiei-si-bucovinei-de-nord"


def run(*args):
    out = StringIO()
    call_command("align_documents", *args, stdout=out)
    return out.getvalue()


def accept_all(user, romanian):
    for suggestion in AlignmentSuggestion.objects.pending().filter(passage__document=romanian):
        services.accept_alignment(suggestion=suggestion, user=user)


# ---------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------


def test_command_stores_suggestions_only_and_is_idempotent(articles):
    crossrefs, flags = CrossReference.objects.count(), DisputedClaim.objects.count()

    output = run(ROMANIAN, ENGLISH)
    assert "Alignment suggestions: 16 stored, 0 already stored" in output
    assert AlignmentSuggestion.objects.count() == 16
    assert CrossReference.objects.count() == crossrefs
    assert DisputedClaim.objects.count() == flags
    assert NoCounterpart.objects.count() == 0
    # Nothing is aligned yet, so there is nothing to compare.
    assert DiscrepancySuggestion.objects.count() == 0

    output = run(ROMANIAN, ENGLISH)
    assert "Alignment suggestions: 0 stored, 16 already stored" in output
    assert AlignmentSuggestion.objects.count() == 16
    assert CrossReference.objects.count() == crossrefs
    assert DisputedClaim.objects.count() == flags


def test_command_on_the_demo_suggests_the_seven_discrepancies_and_no_flag(demo):
    crossrefs, flags = CrossReference.objects.count(), DisputedClaim.objects.count()
    output = run(ROMANIAN, ENGLISH)
    # Every Romanian passage is aligned by hand in the demo: no alignment suggestion.
    assert "0 stored, 0 already stored, 16 for passages already aligned" in output
    assert "Suggested discrepancies: 7 stored" in output
    assert DiscrepancySuggestion.objects.pending().count() == 7
    assert CrossReference.objects.count() == crossrefs
    assert DisputedClaim.objects.count() == flags
    assert "Suggested discrepancies: 0 stored, 7 already stored" in run(ROMANIAN, ENGLISH)
    assert DiscrepancySuggestion.objects.count() == 7


def test_dry_run_and_evaluate_store_nothing(demo):
    output = run(ROMANIAN, ENGLISH, "--evaluate")
    assert "findings on a flagged span: 6" in output
    assert "flags no finding touches: 2" in output
    assert AlignmentSuggestion.objects.count() == 0
    assert DiscrepancySuggestion.objects.count() == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nope", ENGLISH), "No document with the slug “nope”."),
        ((ENGLISH, ROMANIAN), "is not catalogued as a translation of"),
        ((ROMANIAN, ROMANIAN), "is not catalogued as a translation of"),
    ],
)
def test_command_refuses_bad_input_in_one_line_and_stores_nothing(articles, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert AlignmentSuggestion.objects.count() == 0


# ---------------------------------------------------------------------------
# A fresh database: suggest, accept all, every Romanian passage aligned
# ---------------------------------------------------------------------------


def test_accepting_every_suggestion_aligns_all_sixteen_passages_as_the_demo_does(articles, scholar):
    english, romanian = articles["en"], articles["ro"]
    run(ROMANIAN, ENGLISH)
    accept_all(scholar, romanian)

    aligned = services.alignments(romanian, english).select_related("passage", "to_passage")
    assert {c.passage.order for c in aligned} == set(range(1, 17))
    assert all(c.author == scholar for c in aligned)
    assert all(c.relation == Relation.TRANSLATION_OF for c in aligned)
    # The same alignment the demo made by hand: passage and quoted span for each.
    by_anchor = {c.passage.anchor: c for c in aligned}
    for ro_anchor, en_anchor, en_exact, _note in TRANSLATIONS:
        crossref = by_anchor[ro_anchor]
        assert crossref.to_passage.anchor == en_anchor
        assert crossref.to_exact == en_exact
    assert not AlignmentSuggestion.objects.pending().exists()
    assert (
        AlignmentSuggestion.objects.filter(status=SuggestionStatus.ACCEPTED, crossref__isnull=False)
    ).count() == 16

    # Now the pairs can be compared: the same seven findings as with the demo's alignment.
    report = services.detect_discrepancies(translation=romanian, original=english)
    assert report.created == 7
    assert DisputedClaim.objects.count() == 0


def test_suggesting_again_after_some_passages_are_aligned_proposes_nothing_new(articles, scholar):
    english, romanian = articles["en"], articles["ro"]
    services.suggest_alignments(translation=romanian, original=english)
    first = AlignmentSuggestion.objects.order_by("passage__order").first()
    services.accept_alignment(suggestion=first, user=scholar)
    report = services.suggest_alignments(translation=romanian, original=english)
    assert (report.created, report.existing, report.skipped) == (0, 15, 1)


# ---------------------------------------------------------------------------
# Deciding suggestions
# ---------------------------------------------------------------------------


@pytest.fixture
def suggested(articles):
    services.suggest_alignments(translation=articles["ro"], original=articles["en"])
    return AlignmentSuggestion.objects.order_by("passage__order")


def test_accepting_is_one_revision_by_the_person(suggested, scholar):
    suggestion = suggested.get(passage__anchor="p-2")
    services.accept_alignment(suggestion=suggestion, user=scholar)
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.ACCEPTED
    assert suggestion.decided_by == scholar
    crossref = suggestion.crossref
    assert crossref.author == scholar
    assert crossref.to_exact.startswith("The Soviet Union had planned")
    versions = Version.objects.get_for_object(crossref)
    assert versions.count() == 1
    revision = versions[0].revision
    assert revision.user == scholar
    assert Version.objects.get_for_object(suggestion)[0].revision == revision


def test_a_decided_suggestion_cannot_be_decided_again(suggested, scholar):
    suggestion = suggested.first()
    services.reject_alignment(suggestion=suggestion, user=scholar, note="Wrong paragraph.")
    with pytest.raises(ValidationError, match="already decided"):
        services.accept_alignment(suggestion=suggestion, user=scholar)
    assert CrossReference.objects.count() == 0


def test_correcting_aligns_with_the_passage_the_scholar_chose(suggested, scholar, articles):
    suggestion = suggested.get(passage__anchor="p-6")
    other = articles["en"].passages.get(order=3)
    services.correct_alignment(
        suggestion=suggestion, user=scholar, to_passage=other, exact="A period of political"
    )
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.CORRECTED
    assert suggestion.crossref.to_passage == other
    assert suggestion.crossref.to_exact == "A period of political"


def test_correcting_to_no_counterpart_marks_the_passage(suggested, scholar):
    suggestion = suggested.get(passage__anchor="p-7")
    services.correct_alignment(suggestion=suggestion, user=scholar, no_counterpart=True)
    suggestion.refresh_from_db()
    mark = suggestion.no_counterpart
    assert mark.passage == suggestion.passage and mark.author == scholar
    assert Version.objects.get_for_object(mark).count() == 1


def test_a_marked_passage_cannot_also_be_aligned_nor_marked_twice(articles, scholar):
    english, romanian = articles["en"], articles["ro"]
    passage = romanian.passages.get(order=16)
    mark = services.mark_no_counterpart(user=scholar, passage=passage, original=english)
    assert services.mark_no_counterpart(user=scholar, passage=passage, original=english) == mark
    with pytest.raises(ValidationError, match="only in this version"):
        services.align_passage(
            user=scholar, passage=passage, original=english, to_passage=english.passages.first()
        )
    services.unmark_no_counterpart(mark=mark, user=scholar)
    crossref = services.align_passage(
        user=scholar, passage=passage, original=english, to_passage=english.passages.first()
    )
    with pytest.raises(ValidationError, match="aligned with the original"):
        services.mark_no_counterpart(user=scholar, passage=passage, original=english)
    with pytest.raises(ValidationError, match="already aligned"):
        services.align_passage(
            user=scholar, passage=passage, original=english, to_passage=crossref.to_passage
        )


def test_only_scholars_decide_alignment_and_only_moderators_run_the_suggester(
    suggested, articles, scholar, moderator
):
    reader = make_user("reader")
    suggestion = suggested.first()
    for service in (services.accept_alignment, services.reject_alignment):
        with pytest.raises(PermissionDenied):
            service(suggestion=suggestion, user=reader)
    with pytest.raises(PermissionDenied):
        services.suggest_alignments(
            translation=articles["ro"], original=articles["en"], user=scholar
        )
    services.suggest_alignments(translation=articles["ro"], original=articles["en"], user=moderator)
    assert CrossReference.objects.count() == 0


def test_passages_of_other_documents_are_refused(articles, scholar):
    english, romanian = articles["en"], articles["ro"]
    with pytest.raises(ValidationError):
        services.align_passage(
            user=scholar,
            passage=romanian.passages.first(),
            original=english,
            to_passage=romanian.passages.last(),
        )
    with pytest.raises(ValidationError):
        services.mark_no_counterpart(
            user=scholar, passage=english.passages.first(), original=romanian
        )
    assert CrossReference.objects.count() == 0
    assert NoCounterpart.objects.count() == 0


# ---------------------------------------------------------------------------
# Suggested discrepancies
# ---------------------------------------------------------------------------


@pytest.fixture
def discrepancies(demo):
    services.detect_discrepancies(translation=demo["ro"], original=demo["en"])
    return DiscrepancySuggestion.objects.order_by("passage__order", "start")


def test_the_moderator_who_accepts_a_discrepancy_creates_the_flag(discrepancies, moderator):
    date = discrepancies.get(kind="date")
    flags = DisputedClaim.objects.count()
    services.accept_discrepancy(suggestion=date, user=moderator)
    date.refresh_from_db()
    flag = date.flag
    assert DisputedClaim.objects.count() == flags + 1
    assert (flag.author, flag.category, flag.exact) == (moderator, "date", "4 iulie 1940")
    assert flag.passage == date.passage
    # The statement quotes both texts.
    assert "“4 iulie 1940”" in flag.statement and "“3 July 1940”" in flag.statement
    assert Version.objects.get_for_object(flag)[0].revision.user == moderator


def test_an_edited_statement_is_used_and_a_dismissal_keeps_the_suggestion(discrepancies, moderator):
    negation, repetition = discrepancies.get(kind="negation"), discrepancies.get(kind="repetition")
    services.accept_discrepancy(
        suggestion=negation, user=moderator, statement="  Lost negation: “era dispusă”.  "
    )
    negation.refresh_from_db()
    assert negation.flag.statement == "Lost negation: “era dispusă”."
    assert negation.flag.exact == "era dispusă să ofere sprijin."
    services.dismiss_discrepancy(suggestion=repetition, user=moderator, note="Flagged already.")
    repetition.refresh_from_db()
    assert (repetition.status, repetition.flag) == ("dismissed", None)
    with pytest.raises(ValidationError, match="already decided"):
        services.accept_discrepancy(suggestion=repetition, user=moderator)


def test_scholars_cannot_decide_discrepancies(discrepancies, scholar):
    flags = DisputedClaim.objects.count()
    suggestion = discrepancies.first()
    with pytest.raises(PermissionDenied):
        services.accept_discrepancy(suggestion=suggestion, user=scholar)
    with pytest.raises(PermissionDenied):
        services.dismiss_discrepancy(suggestion=suggestion, user=scholar)
    suggestion.refresh_from_db()
    assert suggestion.is_pending and DisputedClaim.objects.count() == flags


def test_a_discrepancy_on_a_deleted_alignment_cannot_become_a_flag(discrepancies, moderator):
    from annotations.services import delete_crossref

    suggestion = discrepancies.get(kind="date")
    delete_crossref(crossref=suggestion.crossref, user=moderator)
    flags = DisputedClaim.objects.count()
    with pytest.raises(ValidationError, match="has been deleted"):
        services.accept_discrepancy(suggestion=suggestion, user=moderator)
    assert DisputedClaim.objects.count() == flags

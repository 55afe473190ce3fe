"""The compare page: layout, permissions, bad input, query counts."""

import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alignment import services
from alignment.models import AlignmentSuggestion, DiscrepancySuggestion, NoCounterpart
from annotations import services as annotation_services
from annotations.models import CrossReference, DisputedClaim
from annotations.services import TargetData
from tests.conftest import make_user
from tests.factories import make_document, make_passage

pytestmark = pytest.mark.django_db

ENGLISH = "soviet-occupation-of-bessarabia-and-northern-bukovina"
ROMANIAN = "ocuparea-sovietica-a-basarabiei-si-bucovinei-de-nord"


def compare_url(slug=ROMANIAN):
    return reverse("alignment:compare", kwargs={"slug": slug})


def alignment_url(slug=ROMANIAN):
    return reverse("alignment:decide-alignment", kwargs={"slug": slug})


def discrepancy_url(slug=ROMANIAN):
    return reverse("alignment:decide-discrepancy", kwargs={"slug": slug})


def text(response):
    """The page's HTML with runs of white space as one space."""
    return " ".join(response.content.decode().split())


def rows(html):
    return re.findall(r'<section id="row-(\d+)" class="compare-row compare-row--([\w-]+)"', html)


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------


def test_with_the_demo_every_romanian_passage_stands_beside_its_original(client, demo):
    response = client.get(compare_url())
    assert response.status_code == 200
    html = text(response)
    assert "Every one of the translation's 16 passages is accounted for: 16 aligned" in html
    for order in range(1, 17):
        assert f'id="t-p-{order}"' in html
    states = dict(rows(html))
    # The lead: five rows (p-1 with its repetition p-16, then p-2…p-5); then the folded body.
    assert [states[str(n)] for n in range(1, 6)] == ["aligned"] * 5
    assert html.count('class="compare-fold"') == 1
    assert "71 passages of the original with no counterpart in the translation" in html
    # Languages per column, and the translation's disputed marks inline.
    assert 'class="compare-cell compare-cell--original" lang="en"' in html
    assert 'class="compare-cell compare-cell--translation" lang="ro"' in html
    assert html.count('class="hl-tag hl-tag--disputed"') == 8
    # Each flag on the translation is also listed beside the original it translates.
    assert html.count("Disputed in the translation ·") == 8
    # Keyboard help and plain links between rows.
    assert "<kbd>j</kbd> next row" in html
    assert 'href="#row-2">Next' in html


def test_the_original_paragraph_is_cut_beside_the_sentences_that_translate_it(client, demo):
    html = text(client.get(compare_url()))
    row = html[html.index('id="row-2"') : html.index('id="row-3"')]
    assert row.count('class="compare-pair') == 6  # EN p-2 beside RO p-2…p-7, one piece each
    for order in range(2, 8):
        assert f'id="t-p-{order}"' in row
    assert row.count('class="compare-continues"') == 10  # "…" where a piece continues


def test_anonymous_readers_see_no_suggestion_and_no_form(client, demo):
    services.detect_discrepancies(translation=demo["ro"], original=demo["en"])
    html = text(client.get(compare_url()))
    assert "Suggested discrepancy" not in html
    assert "<form" not in html.split('<main id="main"')[1].split("</main>")[0]
    assert "Scholars are reviewing machine suggestions" in html


def test_scholars_see_suggestions_moderators_also_decide_and_run_the_suggester(
    client, demo, scholar, moderator
):
    services.detect_discrepancies(translation=demo["ro"], original=demo["en"])
    client.force_login(scholar)
    html = text(client.get(compare_url()))
    assert html.count('class="discrepancy"') == 7
    assert "A moderator decides whether to flag it." in html
    assert 'value="accept"' not in html.split('class="discrepancy"')[1]
    assert reverse("alignment:suggest", kwargs={"slug": ROMANIAN}) not in html
    client.force_login(moderator)
    html = text(client.get(compare_url()))
    assert html.count("Accept as a flag") == 7
    assert reverse("alignment:suggest", kwargs={"slug": ROMANIAN}) in html
    # The suggested spans are marked on the translation.
    assert 'class="hl hl--suggested"' in html


def test_a_fresh_database_shows_suggested_rows_to_scholars(client, articles, scholar):
    services.suggest_alignments(translation=articles["ro"], original=articles["en"])
    client.force_login(scholar)
    html = text(client.get(compare_url()))
    states = [state for _, state in rows(html)]
    assert states[:5] == ["suggested"] * 5
    assert html.count('class="suggestion"') == 16
    assert "16 not aligned yet" in html
    # Readers see the passages unaligned, without suggestions.
    client.logout()
    html = text(client.get(compare_url()))
    assert 'class="suggestion"' not in html
    assert html.count("compare-row--unaligned") == 16


@pytest.mark.parametrize("slug", ["nope", ENGLISH])
def test_unknown_documents_and_originals_have_nothing_to_compare(client, articles, slug):
    response = client.get(compare_url(slug))
    assert response.status_code == 404
    if slug == ENGLISH:
        html = text(response)
        assert "is not catalogued as a translation" in html
        assert compare_url(ROMANIAN) in html


def test_the_reading_view_links_to_the_comparison_both_ways(client, articles):
    assert compare_url() in text(client.get(articles["ro"].get_absolute_url()))
    assert compare_url() in text(client.get(articles["en"].get_absolute_url()))


def test_each_passage_has_a_margin_summary_and_a_panel_not_its_full_scholarship(client, demo):
    """The compare page has the reading room's margin: a summary per passage of both texts,
    linking to the passage page and, with JavaScript, opening its panel in place."""
    html = text(client.get(compare_url()))
    english, romanian = demo["en"], demo["ro"]
    flagged = DisputedClaim.objects.filter(passage__document=romanian).first()
    passage = flagged.passage
    page = reverse("reading:passage-detail", args=[romanian.slug, passage.order])
    panel = reverse("reading:passage-panel", args=[romanian.slug, passage.order])
    assert f'href="{page}" data-panel-url="{panel}"' in html
    assert f'aria-controls="panel-t-p-{passage.order}"' in html
    assert f'id="panel-t-p-{passage.order}" hidden' in html
    assert re.search(r'aria-controls="panel-o-p-\d+"', html)
    assert f"/documents/{english.slug}/p-" in html
    # The full scholarship is on the passage page and in the panel, not under every passage.
    assert 'class="passage-aside"' not in html


# ---------------------------------------------------------------------------
# Query counts
# ---------------------------------------------------------------------------


def make_pair(size, user):
    key = uuid.uuid4().hex[:8]
    original = make_document(title=f"Original {size}", catalogue_id=f"AR-O{key}")
    translation = make_document(
        title=f"Translation {size}",
        catalogue_id=f"AR-T{key}",
        language="ro",
        translation_of=original,
    )
    for order in range(1, size + 1):
        source = make_passage(original, text=f"On {order % 28 + 1} June 1940, passage {order}.")
        target = make_passage(translation, text=f"La {order % 28 + 1} iunie 1940, pasajul {order}.")
        if order % 4 == 0:
            services.mark_no_counterpart(user=user, passage=target, original=original)
        else:
            services.align_passage(user=user, passage=target, original=original, to_passage=source)
        if order % 3 == 0:
            annotation_services.create_flag(
                user=user,
                target=TargetData(passage=target, start=0, end=2),
                category="translation",
                statement="A flag.",
            )
            annotation_services.create_annotation(
                user=user,
                target=TargetData(passage=source, start=0, end=2),
                body="A note.",
                motivation="commenting",
                visibility="public",
                tags=["t"],
            )
    services.suggest_alignments(translation=translation, original=original)
    services.detect_discrepancies(translation=translation, original=original)
    return translation


#: At most: the translation (1); alignments, marks, alignment and discrepancy suggestions (4);
#: each document's reading (5 catalogue; 5 scholarship: annotations, tags, flags,
#: cross-references and the documents at their far ends).
COMPARE_QUERIES = 1 + 4 + 2 * 10
#: A signed-in reader adds the session, the user and their permissions (user and group).
SIGNED_IN_EXTRA = 4


@pytest.mark.parametrize("as_scholar", [False, True])
def test_query_count_is_the_same_for_few_and_many_rows(client, scholar, as_scholar):
    small, large = make_pair(3, scholar), make_pair(60, scholar)
    if as_scholar:
        client.force_login(scholar)
    counts = []
    for translation in (small, large):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(compare_url(translation.slug))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[1] <= COMPARE_QUERIES + (SIGNED_IN_EXTRA if as_scholar else 0), counts
    assert text(response).count('class="compare-row ') >= 60


# ---------------------------------------------------------------------------
# Deciding on the page
# ---------------------------------------------------------------------------


@pytest.fixture
def suggested(articles):
    services.suggest_alignments(translation=articles["ro"], original=articles["en"])
    return AlignmentSuggestion.objects.order_by("passage__order")


def test_a_scholar_accepts_rejects_and_corrects_on_the_page(client, suggested, scholar, articles):
    client.force_login(scholar)
    first, second, third = suggested[0], suggested[1], suggested[2]
    response = client.post(alignment_url(), {"action": "accept", "suggestion": first.pk})
    assert response.status_code == 302
    assert response["Location"].endswith("#t-p-1")
    response = client.post(alignment_url(), {"action": "reject", "suggestion": second.pk})
    assert response.status_code == 302
    response = client.post(
        alignment_url(),
        {"action": "correct", "suggestion": third.pk, "to_order": "5", "exact": ""},
    )
    assert response.status_code == 302
    crossrefs = CrossReference.objects.order_by("created")
    assert [c.author for c in crossrefs] == [scholar, scholar]
    assert crossrefs[1].to_passage.order == 5 and crossrefs[1].to_exact == ""
    html = text(client.get(compare_url()))
    assert "Alignment of passage 1 accepted." in html
    # The rejected passage can still be aligned by hand.
    assert "Align by hand" in html


def test_align_by_hand_and_only_in_this_version(client, articles, scholar):
    client.force_login(scholar)
    passage = articles["ro"].passages.get(order=16)
    response = client.post(alignment_url(), {"action": "mark", "passage": passage.pk})
    assert response.status_code == 302
    mark = NoCounterpart.objects.get()
    assert (mark.passage, mark.author) == (passage, scholar)
    html = text(client.get(compare_url()))
    assert "compare-row--translation-only" in html
    response = client.post(alignment_url(), {"action": "unmark", "mark": mark.pk})
    assert response.status_code == 302
    response = client.post(
        alignment_url(),
        {"action": "align", "passage": passage.pk, "to_order": "1", "exact": "On 26 October 1940"},
    )
    assert response.status_code == 302
    assert CrossReference.objects.get().to_exact == "On 26 October 1940"


def test_a_moderator_accepts_a_discrepancy_and_the_flag_shows_on_both_texts(
    client, demo, moderator
):
    services.detect_discrepancies(translation=demo["ro"], original=demo["en"])
    date = DiscrepancySuggestion.objects.get(kind="date")
    client.force_login(moderator)
    response = client.post(discrepancy_url(), {"action": "accept", "suggestion": date.pk})
    assert response.status_code == 302
    flag = DisputedClaim.objects.get(author=moderator)
    html = text(client.get(compare_url()))
    assert html.count(f'href="{flag.get_absolute_url()}"') >= 2  # the mark, beside the original
    assert "[disputed in translation]" in html
    assert 'class="hl hl--counterpart"' in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "accept", "suggestion": "not-a-uuid"}, "not understood"),
        ({"action": "accept", "suggestion": str(uuid.uuid4())}, "does not belong"),
        ({"action": "accept"}, "No suggestion was named"),
        ({"action": "explode", "suggestion": str(uuid.uuid4())}, "not understood"),
        ({"action": "align", "passage": "999999", "to_order": "1"}, "passage of the translation"),
        ({"action": "unmark", "mark": str(uuid.uuid4())}, "does not belong"),
    ],
)
def test_tampered_posts_are_refused_and_store_nothing(client, suggested, scholar, data, message):
    client.force_login(scholar)
    response = client.post(alignment_url(), data)
    assert response.status_code == 400
    assert message in text(response)
    assert CrossReference.objects.count() == 0
    assert NoCounterpart.objects.count() == 0


def test_ids_from_another_pair_and_passages_outside_the_original_are_refused(
    client, suggested, scholar, articles
):
    other = make_pair(2, scholar)
    make_passage(other, text="La 2 iunie 1940, un pasaj nealiniat.")
    services.suggest_alignments(translation=other, original=other.translation_of)
    crossrefs = CrossReference.objects.count()
    foreign = AlignmentSuggestion.objects.filter(passage__document=other).first()
    client.force_login(scholar)
    response = client.post(alignment_url(), {"action": "accept", "suggestion": foreign.pk})
    assert response.status_code == 400
    response = client.post(
        alignment_url(),
        {"action": "correct", "suggestion": suggested[0].pk, "to_order": "9999"},
    )
    assert response.status_code == 400
    assert "The original has no passage 9999" in text(response)
    response = client.post(
        alignment_url(),
        {"action": "correct", "suggestion": suggested[0].pk, "to_order": "1", "exact": "nope"},
    )
    assert response.status_code == 400
    assert "is not in this passage" in text(response)
    assert CrossReference.objects.count() == crossrefs
    assert suggested[0].status == "pending"


def test_permissions_on_the_decision_urls(client, demo, scholar):
    services.detect_discrepancies(translation=demo["ro"], original=demo["en"])
    suggestion = DiscrepancySuggestion.objects.first()
    flags = DisputedClaim.objects.count()
    suggest = reverse("alignment:suggest", kwargs={"slug": ROMANIAN})
    # Anonymous: to the login page; reading only.
    for url in (alignment_url(), discrepancy_url(), suggest):
        response = client.post(url, {"action": "accept", "suggestion": suggestion.pk})
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    # A signed-in user without a role: refused.
    client.force_login(make_user("reader"))
    assert client.post(alignment_url(), {"action": "reject"}).status_code == 403
    # Scholars: no discrepancy decisions, no suggester.
    client.force_login(scholar)
    response = client.post(discrepancy_url(), {"action": "accept", "suggestion": suggestion.pk})
    assert response.status_code == 403
    assert client.post(suggest).status_code == 403
    assert DisputedClaim.objects.count() == flags
    assert client.get(alignment_url()).status_code == 405
    # Not a translation pair.
    response = client.post(
        alignment_url(ENGLISH), {"action": "accept", "suggestion": suggestion.pk}
    )
    assert response.status_code == 404


def test_the_suggest_button_runs_both_for_moderators(client, articles, moderator):
    client.force_login(moderator)
    response = client.post(reverse("alignment:suggest", kwargs={"slug": ROMANIAN}), follow=True)
    assert response.status_code == 200
    assert "16 new alignment suggestions, 0 new suggested discrepancies" in (text(response))
    assert CrossReference.objects.count() == 0

"""The reading view with annotations, flags and cross-references on it."""

import pytest
from django.core.cache import caches
from django.urls import reverse

from annotations import services
from annotations.services import TargetData

pytestmark = pytest.mark.django_db

#: Catalogue (7: the document with its counter, sections, passages, notes, listed references
#: and links, translations), and the scholarship of the passages whose cached fragments are out
#: of date (5: annotations, their tags, flags, cross-references, the passages at their ends).
READING_QUERIES = 12
#: Every passage's fragments cached: the catalogue only.
WARM_READING_QUERIES = 7
#: A passage's panel: the document, the passage with its neighbours, its scholarship (5).
PANEL_QUERIES = 7
#: The passage page adds the passage's notes.
PASSAGE_PAGE_QUERIES = 8
#: A signed-in reader adds the session, the user and their permissions (user and group).
SIGNED_IN_EXTRA = 4


def add_scholarship(user, english, romanian, count):
    """Create ``count`` each of annotations, flags and cross-references on the English lead."""
    passages = list(english.passages.order_by("order")[:5])
    ro_passages = list(romanian.passages.order_by("order"))
    for number in range(count):
        passage = passages[number % len(passages)]
        services.create_annotation(
            user=user,
            target=TargetData(passage=passage, start=number % 40, end=number % 40 + 10),
            body=f"note {number}",
            motivation="commenting",
            visibility="public" if number % 3 else "private",
            tags=[f"tag{number % 7}"],
        )
        services.create_flag(
            user=user,
            target=TargetData(passage=passage, start=50, end=60),
            category="date",
            statement=f"claim {number}",
        )
        services.create_crossref(
            user=user,
            target=TargetData(passage=ro_passages[number % len(ro_passages)]),
            relation="see_also",
            to_target=TargetData(passage=passage),
        )


@pytest.mark.slow
@pytest.mark.parametrize("as_scholar", [False, True])
def test_reading_room_query_counts_are_the_same_with_0_and_500_records(
    client, articles, scholar, as_scholar, django_assert_num_queries
):
    english, romanian = articles["en"], articles["ro"]
    extra = SIGNED_IN_EXTRA if as_scholar else 0
    if as_scholar:
        client.force_login(scholar)
    numbers = range(1, 6)
    panels = [reverse("reading:passage-panel", args=[english.slug, n]) for n in numbers]
    pages = [reverse("reading:passage-detail", args=[english.slug, n]) for n in numbers]

    def check(document):
        # A query string keeps the anonymous whole-page cache out of the way.
        url = document.get_absolute_url() + "?fresh"
        caches["fragments"].clear()
        with django_assert_num_queries(READING_QUERIES + extra):  # every fragment rendered
            assert client.get(url).status_code == 200
        with django_assert_num_queries(WARM_READING_QUERIES + extra):  # every one cached
            assert client.get(url).status_code == 200
        for panel, page in zip(panels, pages, strict=True):
            with django_assert_num_queries(PANEL_QUERIES + extra):
                assert client.get(panel).status_code == 200
            with django_assert_num_queries(PASSAGE_PAGE_QUERIES + extra):
                assert client.get(page).status_code == 200

    check(english)
    add_scholarship(scholar, english, romanian, 500)
    check(english)
    check(romanian)
    # Every third annotation is private: the author sees all 500, the public 333.
    shown = sum(client.get(panel).content.decode().count('<li id="annotation-') for panel in panels)
    assert shown == (500 if as_scholar else 333)
    on_pages = sum(client.get(page).content.decode().count('<li id="annotation-') for page in pages)
    assert on_pages == shown


def test_annotated_span_is_highlighted_and_disputed_span_is_tagged(client, articles, scholar):
    english = articles["en"]
    passage = english.passages.get(order=1)
    services.create_annotation(
        user=scholar,
        target=TargetData(passage=passage, exact="Soviet Union occupied Bessarabia"),
        body="A note",
        motivation="commenting",
        visibility="public",
    )
    flag = services.create_flag(
        user=scholar,
        target=TargetData(passage=passage, exact="3 July 1940"),
        category="date",
        statement="The Romanian text says 4 July.",
    )
    html = client.get(english.get_absolute_url()).content.decode()
    assert '<mark class="hl hl--annotation">Soviet Union occupied Bessarabia</mark>' in html
    assert '<mark class="hl hl--disputed">3 July 1940</mark>' in html
    assert (
        f'<sup class="hl-tag hl-tag--disputed" data-nontext lang="en">'
        f'<a href="{flag.get_absolute_url()}">'
        "[disputed]</a></sup>" in html
    )


def test_private_annotation_is_not_on_the_public_reading_view(client, articles, scholar):
    passage = articles["en"].passages.get(order=2)
    services.create_annotation(
        user=scholar,
        target=TargetData(passage=passage),
        body="Only for me",
        motivation="commenting",
        visibility="private",
    )
    assert "Only for me" not in client.get(articles["en"].get_absolute_url()).content.decode()
    client.force_login(scholar)
    assert "Only for me" in client.get(articles["en"].get_absolute_url()).content.decode()


def test_cross_reference_is_shown_at_both_ends(client, articles, scholar):
    english, romanian = articles["en"], articles["ro"]
    crossref = services.create_crossref(
        user=scholar,
        target=TargetData(passage=romanian.passages.get(order=1)),
        relation="translation_of",
        to_target=TargetData(passage=english.passages.get(order=1)),
    )
    for passage in (english.passages.get(order=1), romanian.passages.get(order=1)):
        html = client.get(passage.get_absolute_url()).content.decode()
        assert crossref.get_absolute_url() in html
        assert "Translation of" in html
        # The reading page says so in the passage's margin summary.
        summary = client.get(passage.document.get_absolute_url()).content.decode()
        assert "1 cross-reference (translation of)" in summary


def test_scholar_sees_selection_toolbar_and_passage_actions_anonymous_does_not(
    client, articles, scholar
):
    url = articles["en"].get_absolute_url()
    anonymous = client.get(url).content.decode()
    assert "Annotate selection" not in anonymous and "annotate.js" not in anonymous
    client.force_login(scholar)
    html = client.get(url).content.decode()
    assert "Annotate selection" in html and "Flag as disputed" in html
    assert 'data-annotate-url="/documents/' in html

"""The search page on whichever database runs the suite (CI runs it on SQLite and PostgreSQL).

What must hold on both: diacritics and case fold (Chisinau finds Chișinău; s/ş/ș and t/ţ/ț are
one letter), visibility, filters, bad input (never a 500), snippets, links, pagination, the cap
per kind and a query count that does not grow with the number of hits.
"""

import re

import pytest
from django.db import connection
from django.urls import reverse

from annotations.models import (
    Annotation,
    DisputedClaim,
    FlagCategory,
    ModerationStatus,
    Visibility,
)
from archive.models import Passage
from search.backends import base as backends
from search.text import MAX_QUERY_LENGTH, fold
from tests.factories import list_reference, make_document, make_passage, make_reference

pytestmark = pytest.mark.django_db

SEARCH = reverse("search:search")


def search(client, q=None, **params):
    if q is not None:
        params["q"] = q
    return client.get(SEARCH, params)


def found(response):
    """(kind, record) for every hit on the page."""
    return [(hit.kind, hit.record) for hit in response.context["hits"]]


def found_all(response):
    """(kind, pk) of every hit of the search, on every page."""
    return [(ref.kind, ref.pk) for ref in response.context["paginator"].object_list.refs]


def found_passages(response):
    """The pks of every passage found, on every page."""
    return {pk for kind, pk in found_all(response) if kind == "passage"}


def passages_containing(folded_word):
    """Every passage whose folded text contains ``folded_word``: what a search must find."""
    return {p.pk for p in Passage.objects.all() if folded_word in fold(p.text)}


def html_of(response):
    return response.content.decode()


def annotate(passage, author, body, **fields):
    return Annotation.objects.create(passage=passage, author=author, body=body, **fields)


def flag(passage, author, statement, **fields):
    fields.setdefault("category", FlagCategory.FACTUAL)
    return DisputedClaim.objects.create(
        passage=passage, author=author, statement=statement, **fields
    )


@pytest.fixture
def corpus(scholar):
    """A small English and Romanian pair with one record of each kind mentioning Zbrucz."""
    english = make_document(title="Rivers", slug="rivers", language="en")
    romanian = make_document(title="Râuri", slug="rauri", language="ro", translation_of=english)
    passages = {
        "en": make_passage(english, text="The Zbrucz river formed the border in 1939."),
        "en2": make_passage(english, text="Zbrucz, Zbrucz and again the Zbrucz: a long border."),
        "ro": make_passage(romanian, text="Râul Zbrucz a format granița în 1939, în țara veche."),
    }
    reference = make_reference(
        title="The Zbrucz frontier",
        original_line="Popescu, Ion (1999). The Zbrucz frontier. Editura Științifică.",
    )
    list_reference(english, reference)
    annotation = annotate(passages["en"], scholar, "Zbrucz is also spelt *Zbruch*.")
    claim = flag(passages["ro"], scholar, "The Zbrucz was the border only until 1939.")
    return {
        "english": english,
        "romanian": romanian,
        "passages": passages,
        "reference": reference,
        "annotation": annotation,
        "flag": claim,
    }


# ---------------------------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------------------------


def test_page_without_a_query_shows_the_form_only(client):
    response = search(client)
    assert response.status_code == 200
    html = html_of(response)
    assert 'role="search"' in html
    assert 'name="q"' in html
    assert "result" not in html.split("</form>", 1)[1].split("<footer", 1)[0]
    assert "css/search.css" in html


def test_nav_links_to_search(client):
    html = html_of(client.get(reverse("archive:home")))
    assert f'href="{SEARCH}"' in html
    assert f'href="{SEARCH}" aria-current="page"' in html_of(search(client))


def test_post_is_not_allowed(client):
    assert client.post(SEARCH, {"q": "Zbrucz"}).status_code == 405


def test_every_kind_in_one_ranked_list(client, corpus):
    response = search(client, "Zbrucz")
    assert response.status_code == 200
    kinds = [kind for kind, _ in found(response)]
    assert sorted(set(kinds)) == ["annotation", "flag", "passage", "reference"]
    assert len(kinds) == 6
    # The passage that says it three times ranks above those that say it once.
    assert found(response)[0] == ("passage", corpus["passages"]["en2"])
    assert "6 results for “Zbrucz”" in html_of(response)


def test_hits_link_to_their_passage_record_and_reference(client, corpus):
    html = html_of(search(client, "Zbrucz"))
    english, romanian = corpus["english"], corpus["romanian"]
    # A passage's permalink: its page, with all its scholarship (the reading room).
    assert f'href="/documents/{english.slug}/p-1/"' in html
    assert f'href="/documents/{romanian.slug}/p-1/"' in html
    assert f'href="{corpus["annotation"].get_absolute_url()}"' in html
    assert f'href="{corpus["flag"].get_absolute_url()}"' in html
    assert f'href="/references/{corpus["reference"].catalogue_id}/"' in html
    # The reference names the document that lists it.
    assert f'listed in <a href="{english.get_absolute_url()}">Rivers</a>' in html


def test_snippets_mark_matches_and_romanian_ones_say_so(client, corpus):
    html = html_of(search(client, "zbrucz", kind="passage"))
    snippets = re.findall(r'<p class="search-hit__snippet"([^>]*)>(.*?)</p>', html, re.S)
    assert len(snippets) == 3
    for _, text in snippets:
        assert "<mark>Zbrucz</mark>" in text
    languages = sorted(attributes for attributes, _ in snippets)
    assert languages == [' lang="en"', ' lang="en"', ' lang="ro"']
    romanian = next(text for attributes, text in snippets if "ro" in attributes)
    assert romanian.startswith("Râul <mark>Zbrucz</mark> a format granița")


def test_everything_in_a_snippet_is_escaped(client, scholar):
    document = make_document(language="en")
    passage = make_passage(document, text='Zbrucz <script>alert("p")</script> & <b>bold</b>')
    annotate(passage, scholar, "Zbrucz <img src=x onerror=alert(1)> **md**")
    html = html_of(search(client, "Zbrucz"))
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;p&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    echoed = html_of(search(client, 'Zbrucz <script>alert("q")</script>'))
    assert '<script>alert("q")' not in echoed
    assert "&lt;script&gt;alert(&quot;q&quot;)&lt;/script&gt;" in echoed


def test_annotation_snippets_read_without_markdown_markup(client, scholar):
    passage = make_passage(make_document(language="en"), text="A passage.")
    annotate(
        passage,
        scholar,
        "**Zbrucz** is *also* called `the border`;\n\n- see [the map](https://x.org).",
    )
    html = html_of(search(client, "zbrucz", kind="annotation"))
    snippet = re.search(r'<p class="search-hit__snippet">(.*?)</p>', html, re.S).group(1)
    assert snippet == "<mark>Zbrucz</mark> is also called the border; see the map."


# ---------------------------------------------------------------------------------------------
# Diacritics and case, on the articles
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("q", ["Chisinau", "chișinău", "CHIŞINĂU"])
def test_chisinau_finds_chisinau_in_both_documents(client, articles, q):
    response = search(client, q, kind="passage")
    expected = passages_containing("chisinau")
    languages = {Passage.objects.get(pk=pk).document.language for pk in expected}
    assert languages == {"en", "ro"}
    assert expected <= found_passages(response)


def test_cernauti_finds_cernauti(client, articles):
    response = search(client, "Cernauti", kind="passage")
    expected = passages_containing("cernauti")
    assert expected
    assert expected <= found_passages(response)
    assert "<mark>Cernăuți</mark>" in html_of(response)


@pytest.mark.parametrize(
    ("spellings", "word"),
    [
        (["si", "\u015fi", "\u0219i"], "si"),  # si, ş (s-cedilla) + i, ș (s-comma) + i
        (["sase", "\u015fase", "\u0219ase"], "sase"),  # șase insule (p-16)
        (["tara", "\u0163ara", "\u021bara"], "tara"),  # au ocupat țara (p-13)
    ],
)
def test_s_and_t_with_cedilla_comma_or_nothing_search_the_same(client, articles, spellings, word):
    results = [found_all(search(client, q)) for q in spellings]
    assert results[0], f"{spellings[0]!r} found nothing"
    assert results[0] == results[1] == results[2]
    romanian = articles["ro"]
    romanian_passages = {
        pk
        for kind, pk in results[0]
        if kind == "passage" and Passage.objects.get(pk=pk).document_id == romanian.pk
    }
    expected = {
        pk
        for pk in passages_containing(word)
        if Passage.objects.get(pk=pk).document_id == romanian.pk
        and re.search(rf"\b{word}\b", fold(Passage.objects.get(pk=pk).text))
    }
    assert expected <= romanian_passages


def test_the_cedilla_s_in_the_romanian_text_is_found_by_both_spellings(client, articles):
    # RO p-3 is the one passage spelling "Basarabiei şi" with s-cedilla (U+015F).
    romanian = articles["ro"]
    passage = Passage.objects.get(document=romanian, anchor="p-3")
    assert "Basarabiei \u015fi" in passage.text
    for q in ["Basarabiei \u0219i cesiunea", "Basarabiei si cesiunea", "basarabiei şi cesiunea"]:
        assert passage.pk in found_passages(search(client, q, kind="passage")), q


# ---------------------------------------------------------------------------------------------
# Queries that are not searches
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("q", ["", "   "])
def test_empty_query_answers_with_a_message(client, articles, q):
    response = search(client, q)
    assert response.status_code == 200
    assert "Type a word, a name or a phrase to search for." in html_of(response)
    assert response.context["hits"] == []


@pytest.mark.parametrize("q", ["!!! ;;; ---", "''' \"\" \\\\ %%% ___", "-- - -"])
def test_punctuation_only_query_answers_with_a_message(client, articles, q):
    response = search(client, q)
    assert response.status_code == 200
    assert "no letters or digits" in html_of(response)
    assert response.context["hits"] == []


def test_very_long_query_is_cut_and_the_reader_told(client, articles):
    response = search(client, "Basarabia " * 1000)
    assert response.status_code == 200
    html = html_of(response)
    assert f"longer than {MAX_QUERY_LENGTH} characters" in html
    value = re.search(r'<input type="search" name="q" value="([^"]*)"', html)
    assert value and len(value.group(1)) <= MAX_QUERY_LENGTH
    assert found(response)


def test_only_excluded_words_is_not_a_search(client, articles):
    response = search(client, "-Basarabia")
    assert response.status_code == 200
    assert "only of excluded words" in html_of(response)


@pytest.mark.parametrize(
    "q",
    ["%", "_", "%%%%", "50%", "a_b", "\\", "'", "\"'; DROP TABLE archive_passage; --", "é" * 5],
)
def test_like_and_sql_characters_are_only_text(client, articles, q):
    response = search(client, q)
    assert response.status_code == 200
    assert Passage.objects.count() == 92


def test_websearch_syntax(client, corpus):
    both = found_passages(search(client, "Zbrucz border", kind="passage"))
    assert both == {corpus["passages"]["en"].pk, corpus["passages"]["en2"].pk}
    without = found_passages(search(client, "Zbrucz -river", kind="passage"))
    assert corpus["passages"]["en"].pk not in without
    assert corpus["passages"]["en2"].pk in without
    phrase = found_passages(search(client, '"long border"', kind="passage"))
    assert phrase == {corpus["passages"]["en2"].pk}
    either = found_passages(search(client, "river or long", kind="passage"))
    assert either == {corpus["passages"]["en"].pk, corpus["passages"]["en2"].pk}


# ---------------------------------------------------------------------------------------------
# Filters and bad input
# ---------------------------------------------------------------------------------------------


def test_filter_by_kind(client, corpus):
    for kind, record in [
        ("passage", corpus["passages"]["ro"]),
        ("annotation", corpus["annotation"]),
        ("flag", corpus["flag"]),
        ("reference", corpus["reference"]),
    ]:
        hits = found(search(client, "Zbrucz", kind=kind))
        assert {hit_kind for hit_kind, _ in hits} == {kind}
        assert (kind, record) in hits


def test_filter_by_document(client, corpus):
    hits = found(search(client, "Zbrucz", document="rauri"))
    assert set(hits) == {("passage", corpus["passages"]["ro"]), ("flag", corpus["flag"])}
    english = found(search(client, "Zbrucz", document="rivers"))
    assert ("reference", corpus["reference"]) in english
    assert ("flag", corpus["flag"]) not in english


def test_filter_by_language(client, corpus):
    hits = found(search(client, "Zbrucz", language="ro"))
    assert set(hits) == {("passage", corpus["passages"]["ro"]), ("flag", corpus["flag"])}
    assert len(found(search(client, "Zbrucz", language="en"))) == 4


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"document": "abc"}, "document"),
        ({"document": "1 OR 1=1"}, "document"),
        ({"kind": "nope"}, "kind"),
        ({"language": "xx"}, "language"),
        ({"language": ["en", "ro"], "kind": "<script>"}, "kind"),
    ],
)
def test_garbage_filters_are_form_errors(client, corpus, params, field):
    response = search(client, "Zbrucz", **params)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "Some filter values could not be used" in html_of(response)
    assert response.context["hits"] == []
    assert "<script>" not in html_of(response).split("<main", 1)[1]


@pytest.mark.parametrize("page", ["x", "0", "-1", "999", "1.5", "99999999999999999999"])
def test_garbage_page_is_404(client, corpus, page):
    assert search(client, "Zbrucz", page=page).status_code == 404


# ---------------------------------------------------------------------------------------------
# Visibility of annotations
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def notes(corpus, scholar, other_scholar):
    passage = corpus["passages"]["en"]
    return {
        "public": annotate(passage, other_scholar, "Quetzal public note"),
        "private_mine": annotate(
            passage, scholar, "Quetzal private note of mine", visibility=Visibility.PRIVATE
        ),
        "private_theirs": annotate(
            passage, other_scholar, "Quetzal private note", visibility=Visibility.PRIVATE
        ),
        "hidden": annotate(
            passage, other_scholar, "Quetzal hidden note", status=ModerationStatus.HIDDEN
        ),
        "spam_mine": annotate(passage, scholar, "Quetzal my spam", status=ModerationStatus.SPAM),
        "deleted": annotate(
            passage, other_scholar, "Quetzal deleted note", deleted="2025-01-01T00:00Z"
        ),
    }


def found_notes(response, notes):
    records = {record for kind, record in found(response) if kind == "annotation"}
    return {name for name, note in notes.items() if note in records}


def test_readers_find_public_annotations_only(client, notes):
    assert found_notes(search(client, "Quetzal"), notes) == {"public"}


def test_scholars_also_find_their_own(client, notes, scholar):
    client.force_login(scholar)
    response = search(client, "Quetzal")
    assert found_notes(response, notes) == {"public", "private_mine", "spam_mine"}
    html = html_of(response)
    assert '<span class="badge badge--private">Private</span>' in html
    assert "Marked as spam" in html


def test_moderators_find_hidden_public_ones_but_not_private_ones(client, notes, moderator):
    client.force_login(moderator)
    assert found_notes(search(client, "Quetzal"), notes) == {"public", "hidden", "spam_mine"}


# ---------------------------------------------------------------------------------------------
# Pagination, the cap, query counts
# ---------------------------------------------------------------------------------------------


def test_pages_of_twenty_keep_the_query(client):
    document = make_document(language="en")
    for number in range(25):
        make_passage(document, text=f"Quokka number {number}.")
    first = search(client, "quokka")
    assert len(first.context["hits"]) == 20
    html = html_of(first)
    assert "25 results" in html and "showing 1–20" in html
    assert 'href="?q=quokka&amp;page=2"' in html
    second = search(client, "quokka", page=2)
    assert len(second.context["hits"]) == 5
    assert '<ol class="search-results" start="21">' in html_of(second)


def test_results_are_capped_per_kind(client, monkeypatch):
    monkeypatch.setattr(backends, "MAX_RESULTS_PER_KIND", 5)
    document = make_document(language="en")
    for number in range(8):
        make_passage(document, text=f"Wombat {'wombat ' * number}")
    response = search(client, "wombat")
    assert len(response.context["hits"]) == 5
    assert "Only the best 5 matches are listed for passages;" in html_of(response)
    # The best are kept: the passages that say it most often.
    orders = [hit.passage.order for hit in response.context["hits"]]
    assert orders == [8, 7, 6, 5, 4]


def _records(scholar, count):
    english = make_document(language="en")
    romanian = make_document(language="ro")
    for number in range(count):
        passage = make_passage(
            english if number % 2 else romanian, text=f"Okapi in passage {number}."
        )
        annotate(passage, scholar, f"Okapi note {number}", visibility=Visibility.PRIVATE)
        flag(passage, scholar, f"Okapi claim {number}")
        list_reference(english, make_reference(original_line=f"Okapi, A. ({number}). Book."))


@pytest.mark.parametrize("count", [1, 40])
def test_query_count_does_not_grow_with_hits(client, scholar, count, django_assert_max_num_queries):
    _records(scholar, count)
    # Session, user, permissions (4); the documents for the filter (1); four kinds found (4);
    # one page of records, references with their listings (5); on PostgreSQL, a savepoint
    # around the search, its release, its settings and which of its words the archive has (4).
    limit = 18 if connection.vendor == "postgresql" else 14
    client.force_login(scholar)
    with django_assert_max_num_queries(limit):
        response = search(client, "okapi")
    counts = response.context["paginator"].object_list.counts()
    assert counts == dict.fromkeys(["passage", "annotation", "flag", "reference"], count)
    assert len(response.context["hits"]) == min(20, 4 * count)
    client.logout()
    with django_assert_max_num_queries(limit - 4):
        search(client, "okapi", page=1)


# ---------------------------------------------------------------------------------------------
# Misspelt words (search.spelling): on both databases
# ---------------------------------------------------------------------------------------------


def test_a_misspelt_word_is_corrected_and_the_reader_told(client):
    document = make_document(language="en")
    passage = make_passage(document, text="The Zbrucz was the border of Podolia.")
    response = search(client, "Zbrucs")
    assert found(response) == [("passage", passage)]
    reading = response.context["reading"]
    assert reading.corrections == [("Zbrucs", "zbrucz")]
    html = html_of(response)
    assert "Showing results for" in html and "“zbrucz”" in html
    # The reader can search the words as typed instead: nothing is corrected then.
    assert 'href="?q=Zbrucs&amp;exact=on">Search for “Zbrucs” as typed</a>' in html
    exact = search(client, "Zbrucs", exact="on")
    assert found(exact) == [] and exact.context["reading"].corrections == []
    assert "Showing results for" not in html_of(exact)


def test_a_correction_is_at_most_two_edits_and_one_for_short_words(client):
    make_passage(make_document(language="en"), text="Podolia and Zbrucz and Iasi.")
    assert search(client, "Pdolja").context["reading"].corrections == [("Pdolja", "podolia")]
    # Three edits from any word of the archive: not corrected, nothing found.
    response = search(client, "Pdoljq")
    assert found(response) == [] and response.context["reading"].corrections == []
    # Up to five letters: one edit at most.
    assert search(client, "Iazi").context["reading"].corrections == [("Iazi", "iasi")]
    assert search(client, "Izzi").context["reading"].corrections == []


def test_a_word_only_in_someone_elses_private_note_is_never_offered(client, scholar):
    passage = make_passage(make_document(language="en"), text="A plain passage.")
    annotate(passage, scholar, "The Quagmirical register", visibility=Visibility.PRIVATE)
    response = search(client, "Quagmiricol")
    assert found(response) == []
    assert response.context["reading"].corrections == []
    assert "quagmirical" not in html_of(response).lower()
    client.force_login(scholar)
    response = search(client, "Quagmiricol")
    assert response.context["reading"].corrections == [("Quagmiricol", "quagmirical")]
    assert [kind for kind, _ in found(response)] == ["annotation"]


# ---------------------------------------------------------------------------------------------
# Place names (search.places): on both databases
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("q", ["Czernowitz", "Chernovtsy", "Черновцы", "cernauti"])
def test_a_place_is_searched_under_every_name(client, articles, q):
    named = passages_containing("cernauti") | passages_containing("chernivtsi")
    assert named
    response = search(client, q)
    assert named <= found_passages(response)
    assert response.context["reading"].variants[0][1].name == "Chernivtsi"
    html = html_of(response)
    assert "Also searched for every name of Chernivtsi:" in html
    assert "Search only for the words as typed" in html


def test_a_place_name_searched_exactly_finds_only_itself(client, articles):
    response = search(client, "Czernowitz", exact="on")
    assert found_passages(response) == passages_containing("czernowitz")
    assert response.context["reading"].variants == []


def test_an_excluded_place_excludes_every_name(client):
    document = make_document(language="en")
    kept = make_passage(document, text="The railway to Lviv.")
    make_passage(document, text="The railway to Chișinău.")
    make_passage(document, text="The railway to Kishinev.")
    response = search(client, "railway -Kishinev")
    assert found(response) == [("passage", kept)]

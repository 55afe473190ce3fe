"""PostgreSQL search: configurations, stemming, trigram fallback, ranking, and index use.

Skipped on SQLite (CI runs the suite on both databases).
"""

import random

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from annotations.models import DisputedClaim
from archive.models import Passage, PassageKind
from search.backends import KINDS, get_backend
from search.text import fold, parse_query
from tests.factories import make_document, make_passage

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

SEARCH = reverse("search:search")
INDEXES = {
    kind: [f"search_{kind}_english", f"search_{kind}_romanian", f"search_{kind}_trigram"]
    for kind in KINDS
}


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else None


def refs(q, **filters):
    results = get_backend().search(parse_query(q), user=AnonymousUser(), **filters)
    return results.refs


def passage_scores(q):
    return {ref.pk: ref.score for ref in refs(q, kind="passage")}


def plan(kind, q):
    backend = get_backend()
    queryset = backend.base_queryset(kind, user=AnonymousUser())
    return (
        backend.matching(kind, queryset, parse_query(q))
        .order_by("-score", "pk")
        .values_list("pk", "score")[:201]
        .explain()
    )


# ---------------------------------------------------------------------------------------------
# What the migration made
# ---------------------------------------------------------------------------------------------


def test_extensions_configuration_function_and_indexes_exist():
    extensions = {name for (name,) in sql("SELECT extname FROM pg_extension")}
    assert {"unaccent", "pg_trgm"} <= extensions
    assert sql("SELECT 1 FROM pg_ts_config WHERE cfgname = 'romanian_unaccent'")
    assert sql("SELECT search_fold('ŞI Și Chișinău Cernăuţi')") == [("si si chisinau cernauti",)]
    names = {name for (name,) in sql("SELECT indexname FROM pg_indexes")}
    assert {name for kind in KINDS for name in INDEXES[kind]} <= names


@pytest.mark.parametrize(
    "spelling", ["Chișinău", "Chişinău", "Chisinau", "CHIȘINĂU", "Chis\u0326ina\u0306u"]
)
def test_romanian_unaccent_folds_before_stemming(spelling):
    assert sql("SELECT to_tsvector('romanian_unaccent', %s)::text", [spelling]) == [("'chisin':1",)]


def test_migration_goes_back_and_forth():
    executor = MigrationExecutor(connection)
    executor.migrate([("search", None)])
    assert not sql("SELECT 1 FROM pg_ts_config WHERE cfgname = 'romanian_unaccent'")
    assert not sql("SELECT 1 FROM pg_indexes WHERE indexname LIKE 'search\\_%%'")
    executor = MigrationExecutor(connection)
    executor.migrate([("search", "0001_postgresql_search")])
    assert len(sql("SELECT 1 FROM pg_indexes WHERE indexname LIKE 'search\\_%%'")) == 12


# ---------------------------------------------------------------------------------------------
# Stemming, folding and the trigram fallback, on the articles
# ---------------------------------------------------------------------------------------------


def test_stemmed_english_query_finds_other_forms(articles):
    found = passage_scores("occupations")
    singular_only = [
        passage
        for passage in Passage.objects.filter(document=articles["en"])
        if "occupation" in passage.text.lower() and "occupations" not in passage.text.lower()
    ]
    assert singular_only
    for passage in singular_only:
        # A full-text hit (score above 1), not a near spelling.
        assert found.get(passage.pk, 0) > 1, passage.anchor


def test_unaccented_query_finds_romanian_text_by_full_text(articles):
    passage = Passage.objects.get(document=articles["ro"], anchor="p-12")
    assert "înceteze" in passage.text
    assert passage_scores("inceteze").get(passage.pk, 0) > 1
    p15 = Passage.objects.get(document=articles["ro"], anchor="p-15")
    assert "Declarația de independență" in p15.text
    assert passage_scores("declaratia de independenta").get(p15.pk, 0) > 1


def test_misspelt_name_finds_it_by_trigram(articles):
    references = [ref for ref in refs("Ciorenescu") if ref.kind == "reference"]
    titles = {ref.pk for ref in references}
    assert len(titles) == 2
    assert all(0.5 <= ref.score <= 1 for ref in references)  # near spellings rank below 1


def test_full_text_hits_rank_above_near_spellings(articles):
    results = refs("Chisinau", kind="passage")
    passages = Passage.objects.in_bulk([ref.pk for ref in results])
    literal = [ref for ref in results if "Chisinau" in passages[ref.pk].text]
    accented_english = [
        ref
        for ref in results
        if passages[ref.pk].document.language == "en" and "Chisinau" not in passages[ref.pk].text
    ]
    assert literal and accented_english
    assert min(ref.score for ref in literal) > max(ref.score for ref in accented_english)
    assert results == sorted(results, key=lambda ref: -ref.score)


def test_the_document_language_chooses_the_configuration():
    # English stemming makes "occupations" match "occupation" in an English passage; the same
    # word in a Romanian passage is read with the Romanian configuration, where it does not
    # stem that way, so it is at best a near spelling (score at most 1).
    english = make_passage(make_document(language="en"), text="An occupation began.")
    romanian = make_passage(make_document(language="ro"), text="Cuvântul occupation apare.")
    found = passage_scores("occupations")
    assert found[english.pk] > 1
    assert found.get(romanian.pk, 0) <= 1


def test_fuzzy_matching_respects_exclusions(articles):
    with_word = passage_scores("Cernauti")
    without = passage_scores("Cernauti -Bukovina")
    excluded = [
        pk for pk in with_word if "bukovina" in fold(Passage.objects.get(pk=pk).text).lower()
    ]
    assert excluded
    assert not set(excluded) & set(without)


def test_flag_resolution_notes_are_searched(scholar):
    passage = make_passage(make_document(language="ro"), text="Textul.")
    claim = DisputedClaim.objects.create(
        passage=passage,
        author=scholar,
        category="date",
        statement="The date is wrong.",
        resolution_note="Checked against the Quixotic register.",
    )
    assert [(ref.kind, ref.pk) for ref in refs("quixotic")] == [("flag", claim.pk)]


# ---------------------------------------------------------------------------------------------
# The indexes are used
# ---------------------------------------------------------------------------------------------

VOCABULARY = [
    "border",
    "river",
    "army",
    "treaty",
    "ultimatum",
    "region",
    "city",
    "troops",
    "government",
    "railway",
    "border",
    "province",
    "territory",
    "population",
    "harvest",
    "village",
    "bridge",
    "frontier",
    "soldier",
    "winter",
    "granița",
    "râul",
    "armata",
    "tratatul",
    "regiunea",
    "orașul",
    "trupele",
    "guvernul",
    "provincia",
    "teritoriul",
    "populația",
    "satul",
    "podul",
    "frontiera",
    "soldatul",
    "iarna",
]


@pytest.fixture
def large_catalogue():
    """3,000 passages in an English and a Romanian document; a rare name in three of them."""
    rng = random.Random(1940)
    english = make_document(language="en")
    romanian = make_document(language="ro")
    rows = []
    for number in range(1, 3001):
        words = rng.choices(VOCABULARY, k=40)
        if number in (7, 1500, 2999):
            words.insert(5, "Zbrucz")
        rows.append(
            Passage(
                document=english if number % 2 else romanian,
                order=number,
                anchor=f"p-{number}",
                kind=PassageKind.PARAGRAPH,
                text=" ".join(words) + ".",
                line_number=number,
            )
        )
    Passage.objects.bulk_create(rows)
    sql("ANALYZE archive_passage")
    sql("ANALYZE archive_document")
    return rows


def test_planner_chooses_the_passage_indexes_on_its_own(large_catalogue):
    # No planner settings changed: with statistics, the indexes are cheaper than a scan.
    explained = plan("passage", "Zbrucz")
    assert "Seq Scan on archive_passage" not in explained, explained
    for name in INDEXES["passage"]:
        assert f"Bitmap Index Scan on {name}" in explained, explained
    assert len(refs("Zbrucz", kind="passage")) == 3
    # Words under four letters have no trigram fallback: the full-text indexes alone.
    explained = plan("passage", "Zbr")
    assert "Seq Scan on archive_passage" not in explained, explained
    assert "Bitmap Index Scan on search_passage_english" in explained, explained
    assert "search_passage_trigram" not in explained


@pytest.mark.parametrize("kind", [kind for kind in KINDS if kind != "passage"])
def test_the_other_kinds_can_use_their_three_indexes(kind):
    # Tables this small would be scanned; with sequential scans off, the plan shows that the
    # index expressions match the queries' (otherwise PostgreSQL could not use them at all).
    # Passages are joined to their document, so a near-empty table is reached through the
    # document's key instead: the test above shows the planner choosing their indexes.
    sql("SET LOCAL enable_seqscan = off")
    explained = plan(kind, "Ciorenescu occupations")
    for name in INDEXES[kind]:
        assert f"Bitmap Index Scan on {name}" in explained, explained


def test_search_page_answers_the_articles(client, articles):
    response = client.get(SEARCH, {"q": "Ciorenescu"})
    assert response.status_code == 200
    assert "<mark>Ciorănescu</mark>" in response.content.decode()

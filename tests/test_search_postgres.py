"""PostgreSQL search: configurations, stemming, the words table and corrections, ranking, and
index use.

Skipped on SQLite (CI runs the suite on both databases).
"""

import random

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.postgres.search import TrigramDistance
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import F
from django.urls import reverse

from annotations.models import DisputedClaim
from archive.models import Passage, PassageKind
from search.backends import get_backend
from search.models import Word
from search.results import KINDS
from search.text import fold, parse_query
from tests.factories import make_document, make_passage

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

SEARCH = reverse("search:search")
INDEXES = {kind: [f"search_{kind}_english", f"search_{kind}_romanian"] for kind in KINDS}


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else None


def results(q, **filters):
    return get_backend().search(parse_query(q), user=AnonymousUser(), **filters)


def refs(q, **filters):
    return results(q, **filters).refs


def passage_scores(q):
    return {ref.pk: ref.score for ref in refs(q, kind="passage")}


def plan(kind, q, analyze=False):
    """EXPLAIN of the one query that finds and scores the hits of ``kind``."""
    backend = get_backend()
    queryset = backend.base_queryset(kind, user=AnonymousUser())
    with backend.session("default"):
        return backend.ranked(kind, queryset, parse_query(q)).explain(analyze=analyze)


# ---------------------------------------------------------------------------------------------
# What the migration made
# ---------------------------------------------------------------------------------------------


TABLES = {
    "passage": "archive_passage",
    "annotation": "annotations_annotation",
    "flag": "annotations_disputedclaim",
    "reference": "archive_reference",
}
STORED = ["search_english", "search_romanian"]


def stored_columns():
    return {
        (table, column)
        for table, column in sql(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE column_name LIKE 'search\\_%%' AND is_generated = 'ALWAYS'"
        )
    }


def test_extensions_configuration_function_and_indexes_exist():
    extensions = {name for (name,) in sql("SELECT extname FROM pg_extension")}
    assert {"unaccent", "pg_trgm"} <= extensions
    assert sql("SELECT 1 FROM pg_ts_config WHERE cfgname = 'romanian_unaccent'")
    assert sql("SELECT 1 FROM pg_ts_config WHERE cfgname = 'english_unaccent'")
    assert sql("SELECT search_fold('ŞI Și Chișinău Cernăuţi')") == [("si si chisinau cernauti",)]
    names = {name for (name,) in sql("SELECT indexname FROM pg_indexes")}
    assert {name for kind in KINDS for name in INDEXES[kind]} <= names
    assert stored_columns() == {(table, column) for table in TABLES.values() for column in STORED}
    assert {"search_word_unique", "search_word_trigram"} <= names


def test_stored_columns_follow_the_text():
    passage = make_passage(make_document(language="en"), text="The Chișinău railway.")
    row = "SELECT search_english::text, search_romanian::text FROM archive_passage "
    assert sql(row + "WHERE id = %s", [passage.pk]) == [
        ("'chisinau':2 'railway':3", "'chisin':2 'railway':3 'the':1")
    ]
    Passage.objects.filter(pk=passage.pk).update(text="Cernăuți")
    assert sql(row + "WHERE id = %s", [passage.pk]) == [("'cernauti':1", "'cernaut':1")]


@pytest.mark.parametrize(
    "spelling", ["Chișinău", "Chişinău", "Chisinau", "CHIȘINĂU", "Chis\u0326ina\u0306u"]
)
def test_romanian_unaccent_folds_before_stemming(spelling):
    assert sql("SELECT to_tsvector('romanian_unaccent', %s)::text", [spelling]) == [("'chisin':1",)]


@pytest.mark.parametrize("spelling", ["Chișinău", "Chişinău", "Chisinau", "CHIȘINĂU"])
def test_english_unaccent_folds_before_stemming(spelling):
    assert sql("SELECT to_tsvector('english_unaccent', %s)::text", [spelling]) == [
        ("'chisinau':1",)
    ]
    assert sql("SELECT to_tsvector('english_unaccent', 'The occupations')::text") == [
        ("'occup':2",)
    ]


def test_migration_goes_back_and_forth():
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes("search")
    executor.migrate([("search", "0002_stored_vectors")])
    # 0002's folded text and its trigram index again; no words table.
    assert len(stored_columns()) == 12
    assert not sql("SELECT 1 FROM pg_tables WHERE tablename = 'search_word'")
    assert sql("SELECT 1 FROM pg_indexes WHERE indexname = 'search_annotation_trigram'")
    executor = MigrationExecutor(connection)
    executor.migrate([("search", "0001_postgresql_search")])
    # 0001's expression indexes again, no stored columns.
    assert not sql("SELECT 1 FROM pg_ts_config WHERE cfgname = 'english_unaccent'")
    assert not stored_columns()
    definitions = dict(
        sql("SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE 'search\\_%%'")
    )
    assert len(definitions) == 12
    assert "to_tsvector('english'::regconfig, text)" in definitions["search_passage_english"]
    executor = MigrationExecutor(connection)
    executor.migrate([("search", None)])
    assert not sql("SELECT 1 FROM pg_ts_config WHERE cfgname = 'romanian_unaccent'")
    assert not sql("SELECT 1 FROM pg_indexes WHERE indexname LIKE 'search\\_%%'")
    executor = MigrationExecutor(connection)
    executor.migrate(latest)
    definitions = dict(
        sql("SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE 'search\\_%%'")
    )
    # Two full-text indexes a table, and the words table's three (its key, the unique pair,
    # the trigrams); no trigram index on the searched text.
    assert len(definitions) == 11
    assert "(search_english)" in definitions["search_passage_english"]
    assert "gist (word gist_trgm_ops)" in definitions["search_word_trigram"]
    assert len(stored_columns()) == 8


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
        assert found.get(passage.pk, 0) > 0, passage.anchor


def test_unaccented_query_finds_romanian_text_by_full_text(articles):
    passage = Passage.objects.get(document=articles["ro"], anchor="p-12")
    assert "înceteze" in passage.text
    assert passage_scores("inceteze").get(passage.pk, 0) > 0
    p15 = Passage.objects.get(document=articles["ro"], anchor="p-15")
    assert "Declarația de independență" in p15.text
    assert passage_scores("declaratia de independenta").get(p15.pk, 0) > 0


def test_unaccented_query_finds_accented_english_text_by_full_text(articles):
    # english_unaccent folds diacritics: the English article's "Chișinău" is a full-text hit
    # of "Chisinau" (score above 1), as the Romanian article's is.
    results = refs("Chisinau", kind="passage")
    passages = Passage.objects.in_bulk([ref.pk for ref in results])
    accented_english = [
        ref
        for ref in results
        if passages[ref.pk].document.language == "en" and "Chișinău" in passages[ref.pk].text
    ]
    assert accented_english


def test_the_document_language_chooses_the_configuration():
    # English stemming makes "occupations" match "occupation" in an English passage; the same
    # word in a Romanian passage is read with the Romanian configuration, where it does not
    # stem that way.
    english = make_passage(make_document(language="en"), text="An occupation began.")
    make_passage(make_document(language="ro"), text="Cuvântul occupation apare.")
    found = get_backend().search(
        parse_query("occupations"), user=AnonymousUser(), kind="passage", exact=True
    )
    assert {ref.pk for ref in found.refs} == {english.pk}


def test_exclusions_hold_for_place_names(articles):
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


def test_a_query_of_stop_words_tests_no_vector(large_catalogue):
    # "the" is a stop word in English (not in Romanian): numnode() of the constant English
    # query is 0, so the planner drops the English match before reading a row.
    explained = plan("passage", "the", analyze=True)
    assert "search_english @@" not in explained, explained
    assert "search_romanian @@" in explained, explained
    assert refs("the", kind="passage") == []


@pytest.mark.parametrize("kind", [kind for kind in KINDS if kind != "passage"])
def test_the_other_kinds_can_use_their_two_indexes(kind):
    # Tables this small would be scanned; with sequential scans off, the plan shows that the
    # stored columns' indexes serve the queries (otherwise PostgreSQL could not use them).
    # Passages are joined to their document, so a near-empty table is reached through the
    # document's key instead: the test above shows the planner choosing their indexes.
    sql("SET LOCAL enable_seqscan = off")
    explained = plan(kind, "Ciorenescu occupations")
    for name in INDEXES[kind]:
        assert f"Bitmap Index Scan on {name}" in explained, explained


# ---------------------------------------------------------------------------------------------
# The words table and corrections
# ---------------------------------------------------------------------------------------------


def words(*found):
    return set(Word.objects.filter(word__in=found).values_list("word", "language").order_by("word"))


def test_the_words_table_follows_every_write(scholar):
    english = make_document(language="en")
    passage = make_passage(english, text="The Zbrucz, a river of Podolia, was the border.")
    assert words("zbrucz", "podolia", "river", "border", "the") == {
        ("zbrucz", "en"),
        ("podolia", "en"),
        ("river", "en"),
        ("border", "en"),
    }  # "the": shorter than four letters
    Passage.objects.filter(pk=passage.pk).update(text="Cernăuți on the Prut.")
    assert ("cernauti", "en") in words("cernauti")
    # A bulk insert is one statement, and one trigger call.
    Passage.objects.bulk_create(
        Passage(
            document=english,
            order=n,
            anchor=f"p-{n}",
            kind=PassageKind.PARAGRAPH,
            text=f"Quokkaland {n}",
            line_number=n,
        )
        for n in range(10, 13)
    )
    assert words("quokkaland") == {("quokkaland", "en")}
    # Scholars' text has no recorded language.
    DisputedClaim.objects.create(
        passage=passage,
        author=scholar,
        category="date",
        statement="Wrongly dated",
        resolution_note="Zoltanic register",
    )
    assert words("zoltanic", "wrongly") == {("zoltanic", ""), ("wrongly", "")}


def test_an_update_that_leaves_the_text_alone_does_not_read_it():
    passage = make_passage(make_document(language="en"), text="Zbrucz.")
    Word.objects.filter(word="zbrucz").delete()
    # An update of another column: the row trigger's WHEN is false, so the text is not
    # split again.
    Passage.objects.filter(pk=passage.pk).update(line_number=F("line_number") + 1)
    assert words("zbrucz") == set()
    Passage.objects.filter(pk=passage.pk).update(text="Zbrucz again.")
    assert words("zbrucz") == {("zbrucz", "en")}


def test_a_misspelt_word_is_corrected_to_the_nearest_word_of_the_archive(
    articles, django_assert_num_queries
):
    # BEGIN, SET LOCAL, which words are known, the nearest words to one, four kinds, COMMIT.
    with django_assert_num_queries(9):
        found = results("Ciorenescu")
    assert found.reading.corrections == [("Ciorenescu", "cioranescu")]
    assert {ref.kind for ref in found.refs} == {"reference"}
    assert len(found.refs) == 2
    # A word the archive has is not corrected: one query fewer.
    with django_assert_num_queries(8):
        found = results("Ciorănescu")
    assert found.reading.corrections == [] and len(found.refs) == 2


def test_an_exact_search_corrects_nothing(articles):
    found = get_backend().search(parse_query("Ciorenescu"), user=AnonymousUser(), exact=True)
    assert found.refs == [] and found.reading.corrections == [] and found.reading.exact


def test_the_words_table_serves_corrections_through_its_index(articles):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    explained = (
        Word.objects.order_by(TrigramDistance("word", "cioranesku"))
        .values_list("word", flat=True)[:30]
        .explain()
    )
    assert "Index Scan using search_word_trigram" in explained, explained


def test_search_page_answers_the_articles(client, articles):
    response = client.get(SEARCH, {"q": "Ciorenescu"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<mark>Ciorănescu</mark>" in html
    assert "Showing results for" in html

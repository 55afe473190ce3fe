"""PostgreSQL search: configurations, stemming, trigram fallback, ranking, and index use.

Skipped on SQLite (CI runs the suite on both databases).
"""

import random
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from annotations.models import DisputedClaim
from archive.models import Passage, PassageKind
from search import backends
from search.backends import FUZZY_BELOW, KINDS, get_backend
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


def plan(kind, q, analyze=False):
    """EXPLAIN of the one statement that finds and scores the hits of ``kind``."""
    backend = get_backend()
    queryset = backend.base_queryset(kind, user=AnonymousUser())
    statement, params = backend.statement(kind, queryset, parse_query(q))
    with backend.session("default"):
        explained = sql(("EXPLAIN ANALYZE " if analyze else "EXPLAIN ") + statement, params)
    return "\n".join(line for (line,) in explained)


# ---------------------------------------------------------------------------------------------
# What the migration made
# ---------------------------------------------------------------------------------------------


TABLES = {
    "passage": "archive_passage",
    "annotation": "annotations_annotation",
    "flag": "annotations_disputedclaim",
    "reference": "archive_reference",
}
STORED = ["search_english", "search_romanian", "search_folded"]


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


def test_stored_columns_follow_the_text():
    passage = make_passage(make_document(language="en"), text="The Chișinău railway.")
    row = "SELECT search_english::text, search_romanian::text, search_folded FROM archive_passage "
    assert sql(row + "WHERE id = %s", [passage.pk]) == [
        ("'chisinau':2 'railway':3", "'chisin':2 'railway':3 'the':1", "the chisinau railway.")
    ]
    Passage.objects.filter(pk=passage.pk).update(text="Cernăuți")
    assert sql(row + "WHERE id = %s", [passage.pk]) == [("'cernauti':1", "'cernaut':1", "cernauti")]


def test_the_folded_text_has_no_statistics():
    # Estimating a trigram condition evaluates it on every sampled value of the column: with
    # statistics, planning one search took 15–40 ms (docs/performance.md, "Search").
    targets = sql(
        "SELECT attrelid::regclass::text, attstattarget FROM pg_attribute "
        "WHERE attname = 'search_folded' AND NOT attisdropped "
        "AND attrelid::regclass::text = ANY(%s)",
        [list(TABLES.values())],
    )
    assert sorted(targets) == sorted((table, 0) for table in TABLES.values())


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
    assert len(definitions) == 12
    assert "(search_english)" in definitions["search_passage_english"]
    assert "(search_folded gin_trgm_ops)" in definitions["search_annotation_trigram"]
    assert len(stored_columns()) == 12


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
    assert all(ref.score > 1 for ref in results)


def test_full_text_hits_rank_above_near_spellings():
    document = make_document(language="en")
    exact = make_passage(document, text="Ciorenescu, as the name is misspelt here.")
    near = make_passage(document, text="Ciorănescu wrote the bibliography.")
    results = refs("Ciorenescu", kind="passage")
    assert [ref.pk for ref in results] == [exact.pk, near.pk]
    assert results[0].score > 1 >= results[1].score >= 0.5


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


def test_trigram_index_is_not_read_when_full_text_finds_a_page(large_catalogue):
    # "border" is in most of the 3,000 passages: the statement still holds the near-spelling
    # part, but its gate (fewer than FUZZY_BELOW full-text hits) is false, so PostgreSQL never
    # runs it (docs/performance.md, "Search").
    explained = plan("passage", "border", analyze=True)
    assert re.search(rf"One-Time Filter: \(\$\d+ < {FUZZY_BELOW}\)", explained), explained
    reads_folded_text = [
        line for line in explained.splitlines() if "search_passage_trigram" in line or "<%" in line
    ]
    assert reads_folded_text, explained
    scans = [line for line in reads_folded_text if "Scan" in line]
    assert scans and all("never executed" in line for line in scans), explained
    # With few full-text hits it runs, and reads the trigram index.
    explained = plan("passage", "Zbrucz", analyze=True)
    trigram = next(line for line in explained.splitlines() if "search_passage_trigram" in line)
    assert "never executed" not in trigram, explained


@pytest.mark.parametrize("exact", [FUZZY_BELOW - 1, FUZZY_BELOW])
def test_near_spellings_only_when_full_text_finds_less_than_a_page(
    exact, django_assert_num_queries
):
    document = make_document(language="en")
    for number in range(exact):
        make_passage(document, text=f"Zbrucz, passage {number}.")
    near = make_passage(document, text="The Zbrucs, spelt another way.")
    # One statement a kind either way: BEGIN, the threshold, four kinds, COMMIT.
    with django_assert_num_queries(7):
        found = {ref.pk for ref in refs("Zbrucz", kind=None)}
    assert len(found) == (exact + 1 if exact < FUZZY_BELOW else exact)
    assert (near.pk in found) == (exact < FUZZY_BELOW)


def test_two_words_are_looked_for_in_the_first_rows_then_in_the_rest(monkeypatch):
    monkeypatch.setattr(backends, "QUICK_KINDS", {"passage"})
    monkeypatch.setattr(backends, "QUICK_ROWS", 5)
    document = make_document(language="en")
    matching = [make_passage(document, text="The red army, first.")]
    for number in range(10):
        make_passage(document, text=f"Filler {number}.")
    matching += [make_passage(document, text=f"The red army again, {n}.") for n in range(3)]
    results = get_backend().search(parse_query("red army"), user=AnonymousUser(), kind="passage")
    # Whichever rows the first five are, the rest of the table is searched as well.
    assert {ref.pk for ref in results.refs} == {passage.pk for passage in matching}
    assert not results.capped


def test_two_words_found_in_the_first_rows_up_to_the_cap_end_the_search(monkeypatch):
    monkeypatch.setattr(backends, "QUICK_KINDS", {"passage"})
    monkeypatch.setattr(backends, "QUICK_ROWS", 5)
    monkeypatch.setattr(backends, "MAX_CANDIDATES_PER_KIND", 2)
    monkeypatch.setattr(backends, "MAX_RESULTS_PER_KIND", 2)
    document = make_document(language="en")
    for number in range(12):
        make_passage(document, text=f"The red army, passage {number}.")
    results = get_backend().search(parse_query("red army"), user=AnonymousUser(), kind="passage")
    assert len(results.refs) == 2 and results.capped == ["passage"]
    explained = plan("passage", "red army", analyze=True)
    full = explained[explained.index("CTE search_full") : explained.index("CTE search_hits")]
    assert re.search(r"One-Time Filter: \(\$\d+ < 2\)", full), explained
    scans = [line for line in full.splitlines() if "Scan on archive_passage" in line]
    assert scans and all("never executed" in line for line in scans), explained


def test_only_annotations_of_several_words_are_first_looked_for_in_the_first_rows():
    assert "CTE search_quick" in plan("annotation", "red army")
    assert "CTE search_quick" in plan("annotation", '"red army"')
    assert "CTE search_quick" not in plan("annotation", "army")
    assert "CTE search_quick" not in plan("passage", "red army")


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

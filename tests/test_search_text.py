"""The search's shared text helpers: folding, query parsing, snippets (no database)."""

import re

import pytest

from search.snippets import snippet
from search.text import MAX_QUERY_LENGTH, MAX_TERMS, fold, parse_query


def marked(segments):
    return [segment.text for segment in segments if segment.marked]


def joined(segments):
    return "".join(segment.text for segment in segments)


# ---------------------------------------------------------------------------------------------
# fold
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Chișinău", "chisinau"),
        ("CHIŞINĂU", "chisinau"),  # s-cedilla, upper case
        ("Cernăuți", "cernauti"),
        ("Cernăuţi", "cernauti"),  # t-cedilla
        ("Ciorănescu", "cioranescu"),
        ("înțelegere", "intelegere"),
        ("Straße", "strasse"),
        ("Łódź", "lodz"),
        ("Øresund", "oresund"),
        ("ﬁnal", "final"),  # compatibility ligature
        ("", ""),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


def test_s_and_t_with_cedilla_or_comma_are_the_same_letter():
    assert fold("\u015f") == fold("\u0219") == fold("s") == "s"  # ş ș s
    assert fold("\u0163") == fold("\u021b") == fold("t") == "t"  # ţ ț t
    assert fold("\u015e") == fold("\u0218") == "s"  # Ş Ș
    assert fold("\u0162") == fold("\u021a") == "t"  # Ţ Ț


def test_fold_keeps_null_and_decomposed_input_folds_the_same():
    assert fold(None) is None
    assert fold("s\u0326i") == fold("și") == "si"  # s + combining comma below


# ---------------------------------------------------------------------------------------------
# parse_query
# ---------------------------------------------------------------------------------------------


def test_words_all_required():
    query = parse_query("Soviet  occupation")
    assert query.is_searchable
    assert query.terms == ["soviet", "occupation"]


def test_phrase_exclusion_and_alternatives():
    query = parse_query('"Northern Bukovina" -Hertsa or Herța')
    assert len(query.groups) == 2
    first, second = query.groups
    assert [term.folded for term in first.include] == ["northern bukovina"]
    assert [term.folded for term in first.exclude] == ["hertsa"]
    assert [term.folded for term in second.include] == ["herta"]
    assert query.words == ["northern", "bukovina", "herta"]


def test_hyphenated_names_are_words_not_exclusions():
    query = parse_query("Iași-Chișinău Molotov-Ribbentrop")
    assert query.terms == ["iasi", "chisinau", "molotov", "ribbentrop"]
    assert not query.groups[0].exclude


@pytest.mark.parametrize("raw", ["", "   ", None])
def test_empty_query_is_not_searched_and_says_so(raw):
    query = parse_query(raw)
    assert not query.is_searchable
    assert query.notes == ["Type a word, a name or a phrase to search for."]


@pytest.mark.parametrize("raw", ["!!! ;;; ---", '"" -- ""', "_ _ _", "…—«»"])
def test_punctuation_only_query_is_not_searched_and_says_so(raw):
    query = parse_query(raw)
    assert not query.is_searchable
    assert query.notes == ["Your search has no letters or digits to look for."]


def test_only_exclusions_is_not_searched():
    query = parse_query("-soviet -romania")
    assert not query.is_searchable
    assert "only of excluded words" in query.notes[0]


def test_long_query_is_cut_with_a_note():
    query = parse_query("Basarabia " * 1000)
    assert len(query.raw) <= MAX_QUERY_LENGTH
    assert any(str(MAX_QUERY_LENGTH) in note for note in query.notes)
    assert query.is_searchable


def test_was_cut_flag_gives_the_note():
    query = parse_query("Basarabia", was_cut=True)
    assert any(str(MAX_QUERY_LENGTH) in note for note in query.notes)


def test_too_many_words_keeps_the_first():
    query = parse_query(" ".join(f"word{number}" for number in range(30)))
    assert len(query.terms) == MAX_TERMS
    assert query.terms[0] == "word0"
    assert any(f"first {MAX_TERMS} words" in note for note in query.notes)


def test_quotes_and_backslashes_are_not_part_of_any_term():
    query = parse_query("a\\b ' ; DROP TABLE x; -- \"")
    assert [term.text for term in query.groups[0].include] == ["a", "b", "DROP", "TABLE", "x"]


# ---------------------------------------------------------------------------------------------
# snippet
# ---------------------------------------------------------------------------------------------


def test_snippet_marks_folded_matches_and_keeps_the_text():
    text = "În august 1944, în timpul ofensivei Iași-Chișinău, frontul s-a prăbușit."
    segments = snippet(text, parse_query("chisinau IASI").words)
    assert joined(segments) == text
    assert marked(segments) == ["Iași", "Chișinău"]


def test_snippet_marks_stems_and_near_spellings():
    text = "The occupation, as Ciorănescu wrote, followed the ultimatum."
    segments = snippet(text, parse_query("occupations Ciorenescu").words)
    assert marked(segments) == ["occupation", "Ciorănescu"]


def test_snippet_of_long_text_is_cut_around_the_first_match():
    text = "lorem " * 200 + "Cernăuți " + "ipsum " * 200
    segments = snippet(text, ["cernauti"])
    assert segments[0].text == "…" and segments[-1].text == "…"
    assert marked(segments) == ["Cernăuți"]
    assert len(joined(segments)) <= 300


def test_snippet_without_a_match_shows_the_beginning():
    segments = snippet("Nothing to see " * 50, ["absent"])
    assert not marked(segments)
    assert joined(segments).startswith("Nothing to see")


def test_snippet_leaves_markup_as_text():
    segments = snippet("<b>Chișinău</b> & <script>", ["chisinau"])
    assert joined(segments) == "<b>Chișinău</b> & <script>"
    assert marked(segments) == ["Chișinău"]


# ---------------------------------------------------------------------------------------------
# The PostgreSQL query text (to_tsquery syntax), built from words only
# ---------------------------------------------------------------------------------------------


def test_tsquery_text_keeps_the_query_s_logic():
    from search.backends.postgres import tsquery_text

    query = parse_query('"Northern Bukovina" -Hertsa or Soviet')
    assert tsquery_text(query) == "(((Northern <-> Bukovina)) & !((Hertsa))) | (((Soviet)))"


@pytest.mark.parametrize("raw", ["a & b | !c", "x:* <-> (y)", "' OR 1=1 --", "a\\b"])
def test_tsquery_text_holds_no_operator_the_reader_typed(raw):
    from search.backends.postgres import tsquery_text

    text = tsquery_text(parse_query(raw))
    assert set(re.findall(r"\w+", text)) <= set(re.findall(r"\w+", raw))
    # Every operator in it is one the search put there, around words.
    assert re.fullmatch(r"[\w ()&|]+", text), text

"""What survives translation: anchors, sentence splitting, the suggester and the detector, on
plain strings (no database)."""

from dataclasses import dataclass
from itertools import count

import pytest

from alignment.anchors import analyse, parse_number, sentences
from alignment.detect import compare
from alignment.suggest import propose

_pk = count(1)


@dataclass
class P:
    """A passage-like object: what the pure functions need."""

    text: str
    order: int = 1
    pk: int = 0
    anchor: str = ""

    def __post_init__(self):
        self.pk = self.pk or next(_pk)
        self.anchor = self.anchor or f"p-{self.order}"


def kinds(text, language, kind):
    return [(item.text, item.key) for item in analyse(text, language).of_kind(kind)]


# ---------------------------------------------------------------------------
# Figures, dates, names, negations
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "language", "value"),
    [
        ("50,762", "en", 50762),
        ("50.762", "ro", 50762),
        ("3,776,309", "en", 3776309),
        ("3.776.309", "ro", 3776309),
        ("23.75", "en", 23.75),
        ("23,75", "ro", 23.75),
        ("1940", "ro", 1940),
    ],
)
def test_numbers_are_read_with_each_languages_conventions(token, language, value):
    assert parse_number(token, language)[0] == value


def test_a_figure_in_the_other_convention_still_matches():
    english = analyse("an area of 50,762 km2", "en").of_kind("number")[0]
    romanian = analyse("o suprafață de 50.762 km²", "ro").of_kind("number")[0]
    kept = analyse("o suprafață de 23.75 km²", "ro").of_kind("number")[0]
    assert english.matches(romanian)
    assert kept.key == 23.75  # a Romanian text that kept the English decimal point


def test_unit_digits_and_imperial_conversions_are_not_figures():
    found = kinds("area of 50,762 km2 (19,599 sq mi) and 23.75 km2 (9.17 sq mi)", "en", "number")
    assert found == [("50,762", 50762), ("23.75", 23.75)]


def test_dates_with_and_without_years_in_both_languages():
    assert kinds("Between 28 June and 3 July 1940, on 26 June 1940", "en", "date") == [
        ("28 June", (28, 6, None)),
        ("3 July 1940", (3, 7, 1940)),
        ("26 June 1940", (26, 6, 1940)),
    ]
    assert kinds("între 28 iunie și 4 iulie 1940; din iulie 1933", "ro", "date") == [
        ("28 iunie", (28, 6, None)),
        ("4 iulie 1940", (4, 7, 1940)),
        ("iulie 1933", (None, 7, 1933)),
    ]
    assert kinds("On 27 March/9 April 1918 and on 2/15 December 1917", "en", "date") == [
        ("27 March/9 April 1918", (27, 3, 1918)),
        ("2/15 December 1917", (2, 12, 1917)),
    ]


def test_romanian_mai_is_a_month_only_next_to_a_number():
    assert kinds("cea mai mare parte, la 9 mai 1945", "ro", "date") == [
        ("9 mai 1945", (9, 5, 1945))
    ]


def test_counts_in_words_but_not_ordinals_or_articles():
    assert kinds("six Romanian islands, one of them", "en", "number") == [("six", 6)]
    assert kinds("șase insule, celei de-a doua ofensive, al doilea", "ro", "number") == [
        ("șase", 6)
    ]


@pytest.mark.parametrize(
    ("english", "romanian", "key"),
    [
        ("Hertsa", "Herța", "hertsa"),
        ("Hertsa", "Herţa", "hertsa"),  # t with cedilla
        ("Chernivtsi", "Cernăuți", "chernivtsi"),
        ("Czernowitz", "Cernăuţi", "chernivtsi"),
        ("Kishinev", "Chișinău", "chisinau"),
        ("Jassy", "Iași", "iasi"),
        ("the Danube", "Dunării", "danube"),
        ("the Danube islands", "insulelor dunărene", "danube"),
        ("the Soviet Union", "Uniunii Sovietice", "soviet_union"),
        ("the Ukrainian SSR", "Republicii Sovietice Socialiste Ucrainene", "ukrainian_ssr"),
    ],
)
def test_spelling_variants_are_one_name(english, romanian, key):
    assert [k for _, k in kinds(english, "en", "entity")] == [key]
    assert [k for _, k in kinds(romanian, "ro", "entity")] == [key]


def test_adjectives_of_nationality_are_not_names():
    assert kinds("the Romanian government", "en", "entity") == []
    assert kinds("guvernul român", "ro", "entity") == []


def test_negations_are_explicit_words_only():
    assert [t for t, _ in kinds("did not inform and was unwilling", "en", "negation")] == [
        "not",
        "unwilling",
    ]
    assert [t for t, _ in kinds("nu informa și era dispusă", "ro", "negation")] == ["nu"]
    # "ne-a spus" (told us) and "necesar" are not negations.
    assert kinds("ne-a spus că este necesar", "ro", "negation") == []


def test_sentences_do_not_split_after_initials_or_abbreviations():
    text = "King, C. wrote it, e.g. in vol. 2. Then came the war. It ended."
    assert [text[a:b] for a, b in sentences(text)] == [
        "King, C. wrote it, e.g. in vol. 2.",
        "Then came the war.",
        "It ended.",
    ]


# ---------------------------------------------------------------------------
# The suggester on small texts
# ---------------------------------------------------------------------------


ORIGINAL = [
    P("On 2 August 1940 the Moldavian SSR was proclaimed. It had 3,200,000 people.", 1),
    P("In July 1941 Romanian troops entered Chișinău. The town was ruined.", 2),
    P("A paragraph about something else entirely, with no anchors at all.", 3),
    P("On 27 August 1991 Moldova declared independence.", 4),
]


def test_suggester_follows_order_and_anchors_and_cuts_at_sentences():
    translation = [
        P("La 2 august 1940 a fost proclamată RSS Moldovenească.", 1),
        P("Avea 3.200.000 de locuitori.", 2),
        P("În iulie 1941 trupele române au intrat în Chișinău. Orașul era în ruine.", 3),
        P("La 27 august 1991 Moldova și-a declarat independența.", 4),
    ]
    proposals = propose(translation, ORIGINAL, "ro", "en")
    found = [(p.passage.order, p.to_passage.order, p.start) for p in proposals]
    assert found == [(1, 1, 0), (2, 1, 51), (3, 2, None), (4, 4, None)]
    assert proposals[0].end == 50  # the first sentence only
    assert any("2 august 1940 = 2 August 1940" in reason for reason in proposals[0].reasons)
    assert all(0 <= p.score <= 1 for p in proposals)


def test_suggester_finds_a_repeated_passage_out_of_order_and_proposes_no_counterpart():
    translation = [
        P("La 2 august 1940 a fost proclamată RSS Moldovenească. Avea 3.200.000 locuitori.", 1),
        P("La 27 august 1991 Moldova și-a declarat independența.", 2),
        P("Avea 3.200.000 locuitori, la 2 august 1940.", 3),
        P("Un adaos al traducătorului, fără nimic comun.", 4),
    ]
    proposals = {p.passage.order: p for p in propose(translation, ORIGINAL, "ro", "en")}
    assert proposals[3].to_passage.order == 1 and proposals[3].out_of_order
    assert proposals[4].to_passage is None
    assert proposals[4].key == "none"


# ---------------------------------------------------------------------------
# The detector on small pairs
# ---------------------------------------------------------------------------


def found(translation, original, earlier=()):
    return compare(P(translation), None, P(original), None, "ro", "en", list(earlier))


def test_same_figures_in_either_convention_and_dropped_conversions_are_not_discrepancies():
    assert (
        found(
            "Acele regiuni, cu o suprafață de 50.762 km² și 23,75 km², la 26 octombrie 1940.",
            "Those regions, with 50,762 km2 (19,599 sq mi) and 23.75 km2 (9.17 sq mi), "
            "on 26 October 1940.",
        )
        == []
    )


def test_a_different_date_is_paired_with_the_one_it_replaces():
    [finding] = found("între 28 iunie și 4 iulie 1940.", "Between 28 June and 3 July 1940.")
    assert (finding.kind, finding.change, finding.category) == ("date", "differs", "date")
    assert finding.translation_items == ["4 iulie 1940"]
    assert finding.original_items == ["3 July 1940"]
    assert "“4 iulie 1940”" in finding.statement and "“3 July 1940”" in finding.statement


def test_a_different_figure_and_a_missing_figure():
    findings = found("O suprafață de 50.000 km².", "An area of 50,762 km2 and 120 villages.")
    assert sorted((f.kind, f.change, f.category) for f in findings) == [
        ("number", "differs", "figure"),
        ("number", "missing", "figure"),
    ]
    differs = next(f for f in findings if f.change == "differs")
    assert (differs.translation_items, differs.original_items) == (["50.000"], ["50,762"])


def test_added_names_become_one_finding_from_their_clause_to_the_end_of_the_sentence():
    text = "A depășit sfera convenită cu Axa, numită inițial Axa Roma-Berlin, o coaliție."
    [finding] = found(text, "It went beyond the sphere agreed with the Axis.")
    assert (finding.kind, finding.change) == ("entity", "added")
    assert text[finding.start : finding.end] == "numită inițial Axa Roma-Berlin, o coaliție."


def test_a_lost_negation_points_at_the_clause_where_it_was():
    text = "Germania nu informa autoritățile și era dispusă să ofere sprijin."
    [finding] = found(
        text, "Germany did not inform the authorities and was unwilling to provide support."
    )
    assert (finding.kind, finding.category) == ("negation", "translation")
    assert text[finding.start : finding.end] == "era dispusă să ofere sprijin."


def test_same_negations_are_not_a_discrepancy():
    assert (
        found(
            "Deoarece nu a fost menționat, anexarea nu a fost consimțită.",
            "As it was not mentioned, the annexation was not consented to.",
        )
        == []
    )


def test_a_sentence_repeated_from_an_earlier_passage():
    sentence = "La 26 octombrie 1940, șase insule românești erau ocupate."
    earlier = [P(f"Primul paragraf. {sentence}", 1)]
    [finding] = found(sentence, "On 26 October 1940, six Romanian islands were occupied.", earlier)
    assert (finding.kind, finding.change) == ("repetition", "added")


# ---------------------------------------------------------------------------
# Cutting a passage into pieces for the compare page
# ---------------------------------------------------------------------------


def test_pieces_cover_the_whole_text_and_count_their_marks_from_their_own_start():
    from alignment.pieces import pieces_of
    from archive.reading import Highlight, split_passage

    @dataclass(frozen=True)
    class Mark:
        highlight_kind = "disputed"
        inline_label = "[disputed]"

    passage = P("First sentence here. Second one, disputed. Third.")
    start = passage.text.index("disputed")
    passage.segments = split_passage(passage, [], [Highlight(start, start + 8, Mark())])
    first, second, third = pieces_of(passage, [(0, 20), (21, 42), (43, 49)])
    assert "".join(s.text for p in (first, second, third) for s in p.segments) == passage.text
    assert (first.start, second.start, third.start) == (0, 21, 43)  # spaces go before
    [marked] = [s for s in second.segments if s.marks]
    assert marked.text == "disputed"
    assert (marked.marks[0].start, marked.marks[0].end) == (start - 21, start - 13)
    assert marked.closes == marked.marks

"""The plain-text parser, on the two received texts and on small made-up texts."""

import datetime as dt

import pytest

from archive.importers.citations import (
    parse_date,
    parse_external_link,
    parse_names,
    parse_reference,
)
from archive.importers.plaintext import parse, split_lines
from tests.conftest import ROOT

SOURCES = ROOT / "fixtures" / "sources"
ENGLISH_FILE = SOURCES / "000_7b11acfc32eec4c2.txt"
ROMANIAN_FILE = SOURCES / "001_2220ee805bcc616b.txt"


@pytest.fixture(scope="module")
def english():
    return parse(ENGLISH_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def romanian():
    return parse(ROMANIAN_FILE.read_text(encoding="utf-8"))


def reference(result, line_number):
    (found,) = [ref for ref in result.references if ref.line_number == line_number]
    return found


def link(result, line_number):
    (found,) = [item for item in result.links if item.line_number == line_number]
    return found


def fields(parsed, names):
    return {name: getattr(parsed, name) for name in names}


# -- lines ---------------------------------------------------------------------------------


def test_split_lines_splits_on_newline_only_and_drops_carriage_returns():
    text = "a\u2028b\x0cc\r\nd\re\n\nlast"
    assert split_lines(text) == ["a\u2028b\x0cc", "d\re", "", "last"]


def test_english_has_219_lines_and_romanian_16(english, romanian):
    # The Romanian file has 15 newline characters and no newline after its last line.
    assert len(split_lines(ENGLISH_FILE.read_text(encoding="utf-8"))) == 219
    assert len(split_lines(ROMANIAN_FILE.read_text(encoding="utf-8"))) == 16


# -- headings ------------------------------------------------------------------------------


#: (line, level, heading, parent's order) of the 28 English headings.
ENGLISH_HEADINGS = [
    (9, 2, "Background", None),
    (14, 3, "Interwar Soviet-Romanian relations", 1),
    (29, 3, "Molotov–Ribbentrop Pact and aftermath", 1),
    (37, 3, "International context", 1),
    (45, 2, "Political and military developments", None),
    (48, 3, "Soviet preparations", 5),
    (58, 3, "Soviet ultimatum", 5),
    (73, 3, "Romanian withdrawal", 5),
    (81, 3, "Incorporation of annexed territories into the Soviet Union", 5),
    (92, 2, "Aftermath", None),
    (95, 3, "International reactions", 10),
    (102, 3, "Political developments in Romania", 10),
    (110, 3, "Romanian reoccupation", 10),
    (121, 3, "Restoration of Soviet administration", 10),
    (128, 2, "Social and cultural consequences", None),
    (133, 3, "Population movements", 15),
    (138, 3, "Deportations and political repression", 15),
    (144, 3, "Religious persecution", 15),
    (149, 2, "Legacy", None),
    (152, 3, "In the Soviet Union", 19),
    (158, 3, "Pre-independence Moldova", 19),
    (162, 3, "United States", 19),
    (170, 3, "Modern Moldova", 19),
    (177, 2, "See also", None),
    (186, 2, "Notes", None),
    (189, 2, "References", None),
    (203, 2, "Further reading", None),
    (210, 2, "External links", None),
]


def test_english_has_the_28_headings_with_levels_and_parents(english):
    rows = [(s.line_number, s.level, s.heading, s.parent) for s in english.sections]
    assert rows == ENGLISH_HEADINGS
    assert [s.order for s in english.sections] == list(range(1, 29))


def test_english_section_kinds_and_anchors(english):
    kinds = {s.heading: s.kind for s in english.sections if s.kind != "body"}
    assert kinds == {
        "See also": "see_also",
        "Notes": "notes",
        "References": "references",
        "Further reading": "further_reading",
        "External links": "external_links",
    }
    assert [s.anchor for s in english.sections] == [
        "background",
        "interwar-soviet-romanian-relations",
        "molotovribbentrop-pact-and-aftermath",
        "international-context",
        "political-and-military-developments",
        "soviet-preparations",
        "soviet-ultimatum",
        "romanian-withdrawal",
        "incorporation-of-annexed-territories-into-the-soviet-union",
        "aftermath",
        "international-reactions",
        "political-developments-in-romania",
        "romanian-reoccupation",
        "restoration-of-soviet-administration",
        "social-and-cultural-consequences",
        "population-movements",
        "deportations-and-political-repression",
        "religious-persecution",
        "legacy",
        "in-the-soviet-union",
        "pre-independence-moldova",
        "united-states",
        "modern-moldova",
        "see-also",
        "notes",
        "references",
        "further-reading",
        "external-links",
    ]


def test_romanian_has_no_headings(romanian):
    assert romanian.sections == []


def test_heading_levels_up_to_six_and_parents_by_level():
    result = parse("== A ==\n=== B ===\n==== C ====\n=== D ===\n====== E ======\n= not =\n")
    assert [(s.heading, s.level, s.parent) for s in result.sections] == [
        ("A", 2, None),
        ("B", 3, 1),
        ("C", 4, 2),
        ("D", 3, 1),
        ("E", 6, 4),
    ]
    assert [p.text for p in result.passages] == ["= not ="]


def test_section_anchors_are_deduplicated_and_avoid_passage_and_note_anchors():
    text = "== Notes ==\n== Notes ==\n== notes ==\n== P 3 ==\n== P ==\n== Note a ==\n== — ==\n"
    result = parse(text)
    assert [s.anchor for s in result.sections] == [
        "notes",
        "notes-2",
        "notes-3",
        "section-p-3",
        "section-p",
        "section-note-a",
        "section",
    ]


def test_section_kinds_are_case_insensitive():
    result = parse("== SEE ALSO ==\n== further Reading ==\n== External Links ==\n== Other ==\n")
    assert [s.kind for s in result.sections] == [
        "see_also",
        "further_reading",
        "external_links",
        "body",
    ]


# -- passages ------------------------------------------------------------------------------


def test_english_passage_kinds(english):
    special = {p.line_number: p.kind for p in english.passages if p.kind != "paragraph"}
    assert special == {
        33: "quotation",
        53: "quotation",
        99: "quotation",
        67: "list_item",
        68: "list_item",
        69: "list_item",
        165: "list_item",
        166: "list_item",
    }


def test_english_passages_are_lines_exactly_with_lead_and_sections(english):
    lines = split_lines(ENGLISH_FILE.read_text(encoding="utf-8"))
    assert len(english.passages) == 76
    assert [p.order for p in english.passages] == list(range(1, 77))
    assert [p.anchor for p in english.passages[:2]] == ["p-1", "p-2"]
    for passage in english.passages:
        assert passage.text == lines[passage.line_number - 1]
    lead = [p.line_number for p in english.passages if p.section is None]
    assert lead == [1, 2, 4, 5, 6]
    by_line = {p.line_number: p for p in english.passages}
    assert by_line[11].section == 1
    assert by_line[59].section == 7
    assert by_line[174].section == 23
    # Internal double spaces are kept.
    assert "a national assembly  was formed" in by_line[17].text
    assert "The Soviet authors  went" in by_line[154].text


def test_romanian_passages_are_all_lead_paragraphs(romanian):
    lines = split_lines(ROMANIAN_FILE.read_text(encoding="utf-8"))
    assert [(p.line_number, p.kind, p.section) for p in romanian.passages] == [
        (number, "paragraph", None) for number in range(1, 17)
    ]
    assert [p.text for p in romanian.passages] == lines
    assert "Basarabiei şi cesiunea" in romanian.passages[2].text  # cedilla, as received


def test_quotation_after_introducing_line_and_blank():
    result = parse("He wrote:\n\nWith regard to the east.\nThen more.\n")
    assert [p.kind for p in result.passages] == ["paragraph", "quotation", "paragraph"]


def test_list_items_after_introducing_line():
    text = "The vote was:\n\nFor: Ana, Ion\nAgainst: Dan.\nabstained nobody\nThe end.\n"
    result = parse(text)
    assert [p.kind for p in result.passages] == [
        "paragraph",
        "list_item",
        "list_item",
        "list_item",
        "paragraph",
    ]


def test_no_introduction_without_a_blank_line_or_after_a_sentence():
    result = parse("It said:\nWith regard to it.\n\nA sentence.\n\nA quotation-like line.\n")
    assert [p.kind for p in result.passages] == ["paragraph"] * 4


def test_bullets_are_list_items_anywhere():
    result = parse("* one\n- two\n• three\n*not a bullet\n")
    assert [p.kind for p in result.passages] == ["list_item"] * 3 + ["paragraph"]


def test_introduction_does_not_cross_a_heading():
    result = parse("It said:\n\n== Next ==\nWith regard to it.\n")
    assert [p.kind for p in result.passages] == ["paragraph", "paragraph"]


def test_crlf_gives_the_same_passages_as_lf():
    text = ENGLISH_FILE.read_text(encoding="utf-8")
    crlf = parse(text.replace("\n", "\r\n"))
    lf = parse(text)
    assert [(p.text, p.kind, p.line_number) for p in crlf.passages] == [
        (p.text, p.kind, p.line_number) for p in lf.passages
    ]
    assert len(crlf.sections) == 28


# -- notes ---------------------------------------------------------------------------------


def test_english_has_one_note_marker_without_text(english):
    assert len(english.notes) == 1
    note = english.notes[0]
    passage = english.passages[note.passage - 1]
    assert (note.marker, passage.line_number, note.text) == ("a", 59, "")
    assert passage.text[note.offset : note.offset + 3] == "[a]"
    assert passage.text.endswith("in the rest of Romania.[a]")
    assert note.offset == len(passage.text) - 3


def test_bracketed_letters_inside_words_and_quotations_are_not_markers(english):
    by_line = {p.line_number: p for p in english.passages}
    assert "Dn[i]estr" in by_line[99].text
    assert [english.passages[n.passage - 1].line_number for n in english.notes] == [59]


def test_note_texts_come_from_the_notes_section():
    text = (
        "Here.[a] There.[b]\nAnd again[a]\n== Notes ==\n"
        "a. First note.\nb ^ Second note.\nc. Unused.\nstray line\n"
    )
    result = parse(text)
    assert [(n.marker, n.passage, n.offset, n.text) for n in result.notes] == [
        ("a", 1, 5, "First note."),
        ("b", 1, 15, "Second note."),
    ]
    assert result.warnings == [
        "line 2: note [a] is marked again (first on line 1); the note keeps its first place",
        "line 6: note [c] is not marked in the text: 'Unused.'",
        "line 7 in the notes is not a note ('a. text'): 'stray line'",
    ]


def test_marker_needs_a_character_before_and_space_or_end_after():
    result = parse("a [a] b\nword[b]x\nword[c] end\n")
    assert [n.marker for n in result.notes] == ["c"]


# -- warnings ------------------------------------------------------------------------------


def test_english_warnings(english):
    assert english.warnings == [
        "note [a] (line 59) has no text in the source",
        "line 74 holds only whitespace (' '); read as blank",
        "line 192: reference has no year or publisher; read as author 'Mikhail Meltyukhov' "
        'and title "Stalin\'s Missed Chance"',
        "line 219: external-link entry looks like a bibliographic citation; kept as an "
        "external link titled 'Istoria Basarabiei de la începuturi până în 2003' and "
        "catalogued as a reference too (book: author Ioan Scurtu; year 2003; publisher "
        "Editura Institutului Cultural Român; ISBN 9789735773779)",
    ]


def test_romanian_warnings(romanian):
    assert romanian.warnings == [
        "line 4 seems to continue on line 5; kept as two passages, as received"
    ]


def test_continuation_is_not_reported_inside_a_list():
    result = parse("It asks to\n\nsupport one;\nsupport two.\nEnd\nlowercase start\n")
    assert [p.kind for p in result.passages] == [
        "paragraph",
        "list_item",
        "list_item",
        "paragraph",
        "paragraph",
    ]
    assert result.warnings == [
        "line 5 seems to continue on line 6; kept as two passages, as received"
    ]


def test_repeated_link_is_listed_once_with_a_warning():
    result = parse("== See also ==\nA\nB\nA\n")
    assert [(item.title, item.order) for item in result.links] == [("A", 1), ("B", 2)]
    assert result.warnings == ["line 4 repeats line 2; the entry is listed once"]


# -- references ----------------------------------------------------------------------------

REFERENCE_FIELDS = [
    "role",
    "order",
    "kind",
    "authors",
    "editors",
    "year",
    "date",
    "title",
    "translated_title",
    "periodical",
    "publisher",
    "place",
    "isbn",
    "format",
    "archived",
    "retrieved",
    "language",
]


def ref(**values):
    base = {
        "kind": "book",
        "authors": [],
        "editors": [],
        "year": None,
        "date": None,
        "title": "",
        "translated_title": "",
        "periodical": "",
        "publisher": "",
        "place": "",
        "isbn": "",
        "format": "",
        "archived": None,
        "retrieved": None,
        "language": "",
    }
    return base | values


CIORANESCU = [{"family": "Ciorănescu", "given": "George"}]

EXPECTED_REFERENCES = {
    190: ref(
        role="cited",
        order=1,
        kind="report",
        authors=CIORANESCU,
        year=1980,
        date=dt.date(1980, 7, 23),
        title="40th Anniversary of Annexation of Bessarabia and Northern Bucovina",
        periodical="Radio Free Europe report",
        format="PDF",
        archived=dt.date(2023, 4, 8),
        retrieved=dt.date(2013, 4, 28),
    ),
    191: ref(
        role="cited",
        order=2,
        kind="report",
        authors=CIORANESCU,
        year=1981,
        date=dt.date(1981, 12, 2),
        title="The Problem of Bessarabia and Northern Bukovina during World War II",
        periodical="Radio Free Europe report",
        archived=dt.date(2009, 7, 19),
    ),
    192: ref(
        role="cited",
        order=3,
        authors=[{"family": "Meltyukhov", "given": "Mikhail"}],
        title="Stalin's Missed Chance",
    ),
    193: ref(
        role="cited",
        order=4,
        kind="article",
        authors=[
            {"family": "Tudorica", "given": "Andreea"},
            {"family": "Ciutescu", "given": "Ovidiu"},
            {"family": "Andriuta", "given": "Corina"},
        ],
        year=2007,
        date=dt.date(2007, 6, 26),
        title="Giurgiulești, piedică în calea lui Stalin",
        periodical="Jurnalul Național",
        retrieved=dt.date(2021, 1, 23),
        language="ro",
    ),
    194: ref(
        role="cited",
        order=5,
        authors=[{"family": "Usatiuc-Bulgăr", "given": "Alexandru"}],
        year=1999,
        title='Cu gîndul la "O lume între două lumi": eroi, martiri, oameni-legendă',
        translated_title=(
            "Thinking of 'A World between Two Worlds': Heroes, Martyrs, Legendary People"
        ),
        language="ro",
        place="Orhei",
        publisher="Lyceum",
        isbn="9975-939-36-8",
    ),
    195: ref(
        role="cited",
        order=6,
        authors=[{"family": "Deletant", "given": "Dennis"}],
        year=2006,
        title="Hitler's Forgotten Ally: Ion Antonescu and His Regime, Romania, 1940–1944",
        publisher="Palgrave Macmillan",
        isbn="1-4039-9341-6",
    ),
    196: ref(
        role="cited",
        order=7,
        authors=[{"family": "King", "given": "Charles"}],
        year=2000,
        title="The Moldovans",
        publisher="Hoover Press",
        isbn="978-0-8179-9792-2",
    ),
    197: ref(
        role="cited",
        order=8,
        authors=[{"family": "Livezeanu", "given": "Irina"}],
        year=2000,
        title=(
            "Cultural Politics in Greater Romania: Regionalism, Nation Building, "
            "and Ethnic Struggle, 1918-1930"
        ),
        publisher="Cornell University Press",
        isbn="978-0-8014-8688-3",
    ),
    198: ref(
        role="cited",
        order=9,
        authors=[{"family": "Mitrasca", "given": "Marcel"}],
        year=2002,
        title="Moldova: a Romanian province under Russian rule",
        place="New York",
        publisher="Agora",
        isbn="978-1-892941-86-2",
    ),
    199: ref(
        role="cited",
        order=10,
        authors=[{"family": "Motoc", "given": "Corneliu"}],
        year=2018,
        title="Identitate și continuitate românească în Delta Dunării",
        publisher="Biblioteca Județeană „Panait Cerna” Tulcea",
        isbn="978-973-0-25973-5",
    ),
    200: ref(
        role="cited",
        order=11,
        authors=[{"family": "Prusin", "given": "Alexander V."}],
        year=2010,
        title="The Lands Between: Conflict in the East European Borderlands, 1870-1992",
        publisher="Oxford University Press",
        isbn="978-0-19-929753-5",
    ),
    204: ref(
        role="further_reading",
        order=1,
        authors=[{"family": "Read", "given": "A."}, {"family": "Fisher", "given": "D."}],
        year=1988,
        title="Deadly Embrace: Hitler, Stalin and the Nazi-Soviet Pact, 1939–1941",
        publisher="W W Norton & Co.",
    ),
    205: ref(
        role="further_reading",
        order=2,
        authors=[{"family": "Rieber", "given": "A. J."}],
        year=2022,
        title="Stalin as Warlord",
        publisher="Yale University Press",
    ),
    206: ref(
        role="further_reading",
        order=3,
        editors=[{"family": "Sontag", "given": "R. J."}, {"family": "Beddie", "given": "J. S."}],
        year=2003,
        title=(
            "Nazi Soviet Relations, 1939–1941: Documents From The Archives Of The German "
            "Foreign Office"
        ),
        publisher="University Press of the Pacific",
    ),
    207: ref(
        role="further_reading",
        order=4,
        authors=[{"family": "Treptow", "given": "K. W."}],
        year=2022,
        title="Romania and World War II",
        publisher="Center for Romanian Studies",
    ),
}


def test_english_has_15_references_on_the_expected_lines(english):
    assert [r.line_number for r in english.references] == sorted(EXPECTED_REFERENCES)
    lines = split_lines(ENGLISH_FILE.read_text(encoding="utf-8"))
    for parsed in english.references:
        assert parsed.original_line == lines[parsed.line_number - 1]


@pytest.mark.parametrize("line_number", sorted(EXPECTED_REFERENCES))
def test_english_reference_fields(english, line_number):
    parsed = reference(english, line_number)
    assert fields(parsed, REFERENCE_FIELDS) == EXPECTED_REFERENCES[line_number]


def test_only_meltyukhov_reference_has_problems(english):
    assert {r.line_number: r.problems for r in english.references if r.problems} == {
        192: [
            "reference has no year or publisher; read as author 'Mikhail Meltyukhov' "
            'and title "Stalin\'s Missed Chance"'
        ]
    }


def test_reference_with_month_year_date_keeps_the_year_and_warns():
    parsed = parse_reference('Doe, Jane (July 1980). "A Title". Some Gazette.')
    assert (parsed.year, parsed.date, parsed.kind, parsed.periodical) == (
        1980,
        None,
        "article",
        "Some Gazette",
    )
    assert parsed.problems == ["only the year of 'July 1980' is kept"]


def test_reference_with_unplaceable_segment_reports_it():
    parsed = parse_reference("Doe, Jane (2001). A Book. Place: Press. pp. 12–14. Extra bit.")
    assert (parsed.title, parsed.place, parsed.publisher) == ("A Book", "Place", "Press")
    assert parsed.problems == ["could not place 'pp. 12–14'", "could not place 'Extra bit'"]


def test_reference_that_cannot_be_parsed_keeps_the_line_as_title():
    parsed = parse_reference("just some words (no year)")
    assert (parsed.kind, parsed.title) == ("other", "just some words (no year)")
    assert parsed.problems == ["reference not understood; the whole line is its title"]


def test_reference_with_unknown_language_is_reported():
    parsed = parse_reference('Doe, Jane (2001). "T" (in Klingon). Gazette.')
    assert parsed.language == ""
    assert parsed.problems == ["language 'Klingon' has no known code"]


def test_parse_names_forms():
    assert parse_names("Read, A., & Fisher, D.") == (
        [{"family": "Read", "given": "A."}, {"family": "Fisher", "given": "D."}],
        "",
    )
    assert parse_names("Ioan Scurtu") == ([{"family": "Scurtu", "given": "Ioan"}], "")
    assert parse_names("Plato") == ([{"literal": "Plato"}], "")
    assert parse_names("A, B, C") == (
        [{"literal": "A, B, C"}],
        "names 'A, B, C' could not be split",
    )


def test_parse_date_forms():
    assert parse_date("23 July 1980") == (dt.date(1980, 7, 23), 1980, "")
    assert parse_date("June 25, 1940") == (dt.date(1940, 6, 25), 1940, "")
    assert parse_date("2003-02-01") == (dt.date(2003, 2, 1), 2003, "")
    assert parse_date("1999") == (None, 1999, "")
    assert parse_date("31 February 1999") == (None, 1999, "date '31 February 1999' not understood")


# -- links ---------------------------------------------------------------------------------

LINK_FIELDS = ["kind", "order", "title", "site", "language", "archive_note", "remark"]


def lnk(kind, order, title, site="", language="", archive_note="", remark=""):
    values = [kind, order, title, site, language, archive_note, remark]
    return dict(zip(LINK_FIELDS, values, strict=True))


EXPECTED_LINKS = {
    178: lnk("see_also", 1, "European Day of Remembrance for Victims of Stalinism and Nazism"),
    179: lnk("see_also", 2, "Declaration on Crimes of Communism"),
    180: lnk("see_also", 3, "Prague Declaration on European Conscience and Communism"),
    181: lnk("see_also", 4, "Vilnius Declaration"),
    182: lnk("see_also", 5, "Comparison of Nazism and Stalinism"),
    183: lnk("see_also", 6, "Soviet occupation of Romania"),
    212: lnk("external", 1, "Molotov–Ribbentrop pact", site="Wikisource"),
    213: lnk("external", 2, "Romanian Army in the Second World War"),
    214: lnk(
        "external",
        3,
        "International Commission on the Holocaust in Romania: Final Report",
        archive_note="Archived 13 August 2021 at the Wayback Machine",
        remark="2004",
    ),
    215: lnk(
        "external",
        4,
        "The June/July 1940 Romanian Withdrawal from Bessarabia and Northern Bukovina and its "
        "Consequences on Interethnic Relations in Romania",
    ),
    216: lnk("external", 5, "Text of Litvinov-Titulescu pact", language="ro"),
    217: lnk(
        "external",
        6,
        "Joachim von Ribbentrop to Viaceslav Molotov, regarding of Bessarabia and Bukovina, "
        "June 25, 1940",
        language="ro",
    ),
    218: lnk("external", 7, "The Ultimatum notes and Romanian responses", language="ro"),
    219: lnk("external", 8, "Istoria Basarabiei de la începuturi până în 2003"),
}


def test_english_has_6_see_also_and_8_external_links(english):
    assert [item.line_number for item in english.links] == sorted(EXPECTED_LINKS)
    assert sum(item.kind == "see_also" for item in english.links) == 6
    assert sum(item.kind == "external" for item in english.links) == 8


@pytest.mark.parametrize("line_number", sorted(EXPECTED_LINKS))
def test_english_link_fields(english, line_number):
    parsed = link(english, line_number)
    lines = split_lines(ENGLISH_FILE.read_text(encoding="utf-8"))
    assert parsed.original_line == lines[line_number - 1]
    assert fields(parsed, LINK_FIELDS) == EXPECTED_LINKS[line_number]


def test_only_the_citation_link_has_problems(english):
    assert [item.line_number for item in english.links if item.problems] == [219]


def test_external_link_language_suffix_and_unknown_language():
    parsed = parse_external_link('"Some page" (in German)')
    assert (parsed.title, parsed.language, parsed.problems) == ("Some page", "de", [])
    parsed = parse_external_link('(in Elvish) "Some page"')
    assert (parsed.title, parsed.language) == ("Some page", "")
    assert parsed.problems == ["language 'Elvish' has no known code"]


def test_citation_in_external_links_is_a_reference_too_and_the_warning_names_its_parts():
    line = 'Doe, Jane (2 May 2001). "Page" (PDF). Gazette (in Russian). Retrieved 3 May 2001.'
    parsed = parse_external_link(line)
    assert (parsed.kind, parsed.title, parsed.language) == ("external", "Page", "ru")
    assert parsed.problems == [
        "external-link entry looks like a bibliographic citation; kept as an external link "
        "titled 'Page' and catalogued as a reference too (article: author Jane Doe; date "
        "2001-05-02; periodical Gazette; format PDF; retrieved 2001-05-03)"
    ]
    reference = parsed.reference
    assert reference.original_line == line
    assert (reference.kind, reference.title, reference.periodical, reference.format) == (
        "article",
        "Page",
        "Gazette",
        "PDF",
    )
    assert reference.authors == [{"family": "Doe", "given": "Jane"}]


def test_scurtu_book_in_external_links_is_a_book_reference_with_its_isbn(english):
    (link,) = [link for link in english.links if "Scurtu" in link.original_line]
    assert link.kind == "external"
    reference = link.reference
    assert reference.original_line == link.original_line
    assert (reference.kind, reference.isbn, reference.year) == ("book", "9789735773779", 2003)
    assert reference.authors == [{"family": "Scurtu", "given": "Ioan"}]
    assert reference.title == "Istoria Basarabiei de la începuturi până în 2003"
    assert reference.publisher == "Editura Institutului Cultural Român"
    assert reference.problems == []


def test_external_link_that_is_no_citation_has_no_reference():
    assert parse_external_link('"Molotov–Ribbentrop pact", from Wikisource').reference is None

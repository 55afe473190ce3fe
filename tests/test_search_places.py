"""The place-name table (search/places.csv, search.places): its loader, its look-up, and the
received texts it was derived from (no database)."""

import csv
import re
from pathlib import Path

import pytest

from alignment import anchors
from alignment.variants import VARIANTS
from search.places import (
    LANGUAGES,
    PLACES_CSV,
    Place,
    PlacesError,
    fold_form,
    load,
    place_for,
    places,
)
from search.text import fold, parse_query

SOURCES = Path(__file__).resolve().parent.parent / "fixtures" / "sources"
#: The received texts by number (000, 001, …) and the language alignment reads them in.
TEXTS = {path.name[:3]: path.read_text(encoding="utf-8") for path in SOURCES.glob("*.txt")}
LANGUAGE_OF = {"000": "en", "001": "ro"}
#: Each text folded, padded with spaces so that " form " finds whole words and phrases.
FOLDED_TEXTS = {number: f" {fold_form(text)} " for number, text in TEXTS.items()}

#: Adjectives and demonyms that alignment's patterns also catch (``Bessarabia\w*``,
#: ``Bukovin\w*``, Romanian ``dunărene``): they are not names, and the table leaves them out
#: on purpose (docs/places.md, "Left out").
NOT_NAMES = {"bessarabian", "bessarabians", "bukovinian", "dunarene"}


def rows():
    with open(PLACES_CSV, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def occurs(folded_form, number=None):
    texts = [FOLDED_TEXTS[number]] if number else FOLDED_TEXTS.values()
    return any(f" {folded_form} " in text for text in texts)


# ---------------------------------------------------------------------------------------------
# (1) The loader and the look-up
# ---------------------------------------------------------------------------------------------


def test_places_are_loaded_once_as_places():
    table = places()
    assert table is places()
    assert len(table) >= 50
    assert all(isinstance(place, Place) for place in table)
    assert len({place.name for place in table}) == len(table)
    for place in table:
        assert place.name in place.forms, place.name
        assert place.folded == {fold_form(form) for form in place.forms}


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        # The issue's examples, with and without diacritics, in every script.
        ("Chișinău", "Chișinău"),
        ("Chisinau", "Chișinău"),
        ("CHIŞINĂU", "Chișinău"),  # s-cedilla
        ("Kishinev", "Chișinău"),
        ("Kishinyov", "Chișinău"),
        ("Кишинёв", "Chișinău"),
        ("Кишинев", "Chișinău"),  # ё written е
        ("Кишинів", "Chișinău"),
        ("Chișinăului", "Chișinău"),
        ("Cernăuți", "Chernivtsi"),
        ("Cernăuţi", "Chernivtsi"),  # t-cedilla
        ("Cernauti", "Chernivtsi"),
        ("Cernăuților", "Chernivtsi"),
        ("Chernivtsi", "Chernivtsi"),
        ("Chernovtsy", "Chernivtsi"),
        ("Czernowitz", "Chernivtsi"),
        ("Чернівці", "Chernivtsi"),
        ("Черновцы", "Chernivtsi"),
        ("Herța", "Hertsa region"),
        ("Hertsa", "Hertsa region"),
        ("Herta", "Hertsa region"),
        ("Bessarabia", "Bessarabia"),
        ("Basarabia", "Bessarabia"),
        ("Basarabiei", "Bessarabia"),
        ("Бессарабия", "Bessarabia"),
        ("Besarabya", "Bessarabia"),
        ("Bukovina", "Bukovina"),
        ("Bucovina", "Bukovina"),
        ("Bukowina", "Bukovina"),
        ("Jassy", "Iași"),
        ("Iasi", "Iași"),
        ("Akkerman", "Bilhorod-Dnistrovskyi"),
        ("Nistru", "Dniester"),
        ("Днестр", "Dniester"),
        ("Odessa", "Odesa"),
        ("Одеса", "Odesa"),
        ("Hotin", "Khotyn"),
        ("Bucak", "Budjak"),
        ("Kırım", "Crimea"),  # dotless i
        ("İtalya", "Italy"),  # dotted capital I
        ("Ostpreussen", "East Prussia"),  # ß written ss
    ],
)
def test_place_for_finds_every_form_folded(typed, name):
    place = place_for(fold(typed))
    assert place is not None, typed
    assert place.name == name


@pytest.mark.parametrize(
    ("phrase", "name"),
    [
        ('"Northern Bukovina"', "Northern Bukovina"),
        ('"Bucovina de Nord"', "Northern Bukovina"),
        ('"Cetatea Albă"', "Bilhorod-Dnistrovskyi"),
        ('"Snake Island"', "Snake Island"),
        ('"Insula Șerpilor"', "Snake Island"),
        ('"Austria-Hungary"', "Austria-Hungary"),  # a hyphen is a word break for the query
        ('"Білгород-Дністровський"', "Bilhorod-Dnistrovskyi"),
        ('"Ukrainian People\'s Republic"', "Ukrainian People's Republic"),
    ],
)
def test_place_for_finds_phrases_as_parse_query_folds_them(phrase, name):
    (term,) = parse_query(phrase).terms
    assert place_for(term).name == name


def test_place_for_tolerates_other_spacing_and_answers_none_otherwise():
    assert place_for("northern  bukovina").name == "Northern Bukovina"
    assert place_for("austria-hungary").name == "Austria-Hungary"
    assert place_for("bukovina northern") is None
    assert place_for("soviet") is None
    assert place_for("bessarabian") is None  # an adjective, not a name
    assert place_for("") is None


def test_a_word_of_a_phrase_is_not_the_phrase():
    assert place_for("northern") is None
    assert place_for("bukovina").name == "Bukovina"


# ---------------------------------------------------------------------------------------------
# (1) The loader's checks
# ---------------------------------------------------------------------------------------------


def write(tmp_path, *lines):
    path = tmp_path / "places.csv"
    path.write_text("\n".join(["place,form,language,source", *lines]) + "\n", encoding="utf-8")
    return path


def test_a_valid_table_loads(tmp_path):
    path = write(
        tmp_path,
        "Chișinău,Chișinău,ro,text:000",
        "Chișinău,Chisinau,en,plain:Chișinău",
        "Chișinău,Кишинёв,ru,wikipedia:ru:Кишинёв",
        "Bukovina,Буковина,,wikipedia:ru:Буковина",
    )
    chisinau, bukovina = load(path)
    assert chisinau == Place(
        "Chișinău", ("Chișinău", "Chisinau", "Кишинёв"), frozenset({"chisinau", "кишинев"})
    )
    assert bukovina.folded == {"буковина"}


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (
            ["Chișinău,Kishinev,en,text:000", "Chernivtsi,KISHINEV,en,text:000"],
            "'KISHINEV' (folded 'kishinev') is a form of both 'Chișinău' and 'Chernivtsi'",
        ),
        (
            ["Chișinău,Chișinău,ro,text:000", "Iași,Chisinau,en,text:000"],
            "a form of both 'Chișinău' and 'Iași'",
        ),
        (["Chișinău,Kishinev,en,text:000", "Chișinău,Kishinev,ru,text:000"], "listed twice"),
        (["Chișinău,Kishinev,xx,text:000"], "unknown language code 'xx'"),
        (["Chișinău,Kishinev,fr,text:000"], "unknown language code 'fr'"),
        (["Chișinău,Kishinev,en,"], "the source is empty"),
        (["Chișinău,Kishinev,en,my memory"], "unknown source 'my memory'"),
        (["Chișinău,,en,text:000"], "the form is empty"),
        ([",Kishinev,en,text:000"], "the place is empty"),
        (["Chișinău,Kishinev,en"], "3 fields, expected 4"),
        (["Chișinău,–,en,text:000"], "has no letters or digits"),
    ],
)
def test_the_loader_rejects_a_malformed_table(tmp_path, lines, message):
    path = write(tmp_path, *lines)
    with pytest.raises(PlacesError, match=re.escape(message)) as error:
        load(path)
    assert "line " in str(error.value)


def test_the_loader_rejects_a_wrong_header(tmp_path):
    path = tmp_path / "places.csv"
    path.write_text("place,form,source\nChișinău,Kishinev,text:000\n", encoding="utf-8")
    with pytest.raises(PlacesError, match="first line"):
        load(path)


# ---------------------------------------------------------------------------------------------
# (2) Tested against the places the importer finds in the texts
# ---------------------------------------------------------------------------------------------


def alignment_place_keys():
    """The keys of alignment's places and states sections (everything before its alliances)."""
    source = Path(anchors.__file__).with_name("variants.py").read_text(encoding="utf-8")
    before, marker, _after = source.partition("# -- alliances")
    assert marker, "alignment/variants.py has no '# -- alliances' section any more"
    keys = re.findall(r'^    "(\w+)": \(', before, re.MULTILINE)
    assert {"bessarabia", "chernivtsi", "chisinau", "romania", "ukrainian_ssr"} <= set(keys)
    return keys


def alignment_matches():
    """{key: {language: {surface form as received}}} for every alignment place in the texts.

    The texts are read the way alignment reads them: folded one character for one
    (``alignment.anchors.fold``), English patterns on the English text and Romanian ones on
    the Romanian text, and the surface form taken from the received text at the same offsets.
    """
    found = {}
    for number, text in TEXTS.items():
        language = LANGUAGE_OF[number]
        folded = anchors.fold(text)
        for key in alignment_place_keys():
            _label, english, romanian = VARIANTS[key]
            for pattern in english if language == "en" else romanian:
                for match in re.finditer(pattern, folded):
                    surface = text[match.start() : match.end()]
                    found.setdefault(key, {}).setdefault(language, set()).add(surface)
    return found


def test_every_place_alignment_finds_in_the_texts_is_in_the_table():
    found = alignment_matches()
    assert {"bessarabia", "bukovina", "hertsa", "chisinau", "danube"} <= set(found)
    missing, split = [], []
    for key, by_language in sorted(found.items()):
        names = set()
        for language, surfaces in sorted(by_language.items()):
            for surface in sorted(surfaces):
                folded = fold_form(surface)
                if folded in NOT_NAMES:
                    continue
                place = place_for(folded)
                if place is None:
                    missing.append(f"{key} ({language}): {surface}")
                else:
                    names.add(place.name)
        if len(names) > 1:
            split.append(f"{key}: {sorted(names)}")
    assert not missing, "forms alignment finds that the table lacks:\n" + "\n".join(missing)
    assert not split, "one alignment place, several places in the table:\n" + "\n".join(split)


def test_english_and_romanian_forms_of_a_place_are_one_place():
    found = alignment_matches()
    both = [key for key, by_language in found.items() if {"en", "ro"} <= set(by_language)]
    assert {"bessarabia", "bukovina", "hertsa", "chisinau", "moldova", "soviet_union"} <= set(both)
    for key in both:
        places_by_language = {
            language: {
                place_for(fold_form(surface)).name
                for surface in found[key][language]
                if fold_form(surface) not in NOT_NAMES
            }
            for language in ("en", "ro")
        }
        assert places_by_language["en"] == places_by_language["ro"], (key, places_by_language)
        assert len(places_by_language["en"]) == 1, (key, places_by_language)


def test_the_names_left_out_are_adjectives_the_texts_use_and_not_forms():
    found = {
        fold_form(surface)
        for by_language in alignment_matches().values()
        for surfaces in by_language.values()
        for surface in surfaces
    }
    assert found >= NOT_NAMES
    assert all(place_for(word) is None for word in NOT_NAMES)


# ---------------------------------------------------------------------------------------------
# (3) The table is tied to the texts, and every row has its source
# ---------------------------------------------------------------------------------------------


def test_every_place_is_found_in_the_received_texts_by_one_of_its_forms():
    assert set(TEXTS) == set(LANGUAGE_OF)
    absent = [place.name for place in places() if not any(map(occurs, place.folded))]
    assert not absent, f"places the received texts do not name: {absent}"


def test_every_row_has_a_source_and_a_known_language():
    table = rows()
    assert len(table) == sum(len(place.forms) for place in places())
    for row in table:
        assert row["source"].strip(), row
        assert row["language"] in LANGUAGES | {""}, row


def test_a_form_sourced_to_a_text_occurs_in_that_text():
    wrong = [
        row
        for row in rows()
        if row["source"].startswith("text:")
        and not occurs(fold_form(row["form"]), row["source"].removeprefix("text:"))
    ]
    assert not wrong


def test_a_plain_form_is_a_listed_form_without_its_diacritics():
    forms = {(place.name, form) for place in places() for form in place.forms}
    for row in rows():
        if row["source"].startswith("plain:"):
            written = row["source"].removeprefix("plain:")
            assert (row["place"], written) in forms, row
            assert written != row["form"] and fold(written) == fold(row["form"]), row
            assert row["form"].isascii(), row


def test_each_language_of_the_issue_is_represented():
    languages = {row["language"] for row in rows()}
    assert languages == LANGUAGES | {""}

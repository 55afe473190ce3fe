"""Place names and their other forms: the exonyms, transliterations and inflections of a place.

A historian types *Kishinev*, *Czernowitz*, *Hertsa*, *Basarabia* or *Кишинёв*; the search then
looks for every form of that place. The forms are listed in ``places.csv`` next to this
module, one row per form (``place,form,language,source``); ``docs/places.md`` says where they
came from, what is left out and how to add a place.

Forms are compared *folded* (``search.text.fold``: no diacritics, no case), and a form of
several words — or one with a hyphen or an apostrophe, *Austria-Hungary*, *Придністров'я* — is
compared as its folded words joined by single spaces, the way ``parse_query`` reads a phrase.
So ``place_for("chisinau")``, ``place_for("кишинев")`` and ``place_for("cetatea alba")`` all
find their place.
"""

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .text import fold

#: The table, next to this module.
PLACES_CSV = Path(__file__).with_name("places.csv")
#: The columns, in order.
COLUMNS = ("place", "form", "language", "source")
#: ISO 639-1 codes of the languages the table covers; a blank language means "several".
LANGUAGES = frozenset({"ro", "ru", "uk", "de", "tr", "en"})
#: How a source is written (docs/places.md explains each).
SOURCE = re.compile(
    r"text:\d{3}"  # the received text fixtures/sources/NNN_*.txt
    r"|wikipedia:[a-z]{2}:\S.*"  # a Wikipedia article (language, title) and the names it lists
    r"|romanization:(ru-BGN/PCGN|uk-national)"  # a romanization of the Cyrillic form
    r"|grammar:ro"  # a regular Romanian inflection of a listed form
    r"|plain:\S.*"  # the listed form, written without its diacritics
)
# Words of folded text (folding has removed the combining marks).
_WORDS = re.compile(r"[^\W_]+")


class PlacesError(ValueError):
    """The table is malformed; the message names the line."""


@dataclass(frozen=True)
class Place:
    """A place and every form of its name a reader may type."""

    name: str  # label shown to readers, e.g. "Chișinău"
    forms: tuple  # every form as written, in the table's order
    folded: frozenset  # each form folded (words joined by single spaces)


def fold_form(text):
    """``text`` folded as the search compares it: folded words joined by single spaces."""
    return " ".join(_WORDS.findall(fold(text)))


def load(path=PLACES_CSV):
    """Read and check the table at ``path``; return its places, in the table's order.

    Raises ``PlacesError`` on a wrong header, a missing or empty field, an unknown language
    code or source, a form listed twice for a place, or a folded form that belongs to two
    places.
    """
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    if not rows or tuple(rows[0]) != COLUMNS:
        raise PlacesError(f"{path}: the first line must be {','.join(COLUMNS)}")

    forms, owner = {}, {}  # place -> [form]; folded form -> place
    for line, row in enumerate(rows[1:], start=2):
        where = f"{path}, line {line}"
        if len(row) != len(COLUMNS):
            raise PlacesError(f"{where}: {len(row)} fields, expected {len(COLUMNS)}: {row}")
        place, form, language, source = (field.strip() for field in row)
        for column, value in (("place", place), ("form", form), ("source", source)):
            if not value:
                raise PlacesError(f"{where}: the {column} is empty")
        if language and language not in LANGUAGES:
            raise PlacesError(
                f"{where}: unknown language code {language!r} "
                f"(one of {', '.join(sorted(LANGUAGES))}, or blank for several)"
            )
        if not SOURCE.fullmatch(source):
            raise PlacesError(f"{where}: unknown source {source!r} (see docs/places.md)")
        folded = fold_form(form)
        if not folded:
            raise PlacesError(f"{where}: the form {form!r} has no letters or digits")
        if form in forms.get(place, ()):
            raise PlacesError(f"{where}: {form!r} is listed twice for {place!r}")
        if owner.get(folded, place) != place:
            raise PlacesError(
                f"{where}: {form!r} (folded {folded!r}) is a form of both "
                f"{owner[folded]!r} and {place!r}"
            )
        owner[folded] = place
        forms.setdefault(place, []).append(form)

    return tuple(
        Place(name, tuple(written), frozenset(fold_form(form) for form in written))
        for name, written in forms.items()
    )


@cache
def places():
    """Every place of ``places.csv``, loaded and checked once."""
    return load()


@cache
def _index():
    return {folded: place for place in places() for folded in place.folded}


def place_for(folded_term):
    """The place one of whose folded forms is ``folded_term``, or ``None``.

    ``folded_term`` is a folded word or a folded phrase of words joined by single spaces, as
    ``search.text.fold`` and ``parse_query`` produce; other spacing or punctuation is
    tolerated.
    """
    index = _index()
    place = index.get(folded_term)
    if place is None and folded_term:
        place = index.get(fold_form(folded_term))
    return place

"""What survives translation: the anchors both the suggester and the detector read in a text.

``analyse(text, language)`` finds, with their offsets in ``text``:

- **dates**: a day and a month, with the year when given (*3 July 1940*, *4 iulie 1940*,
  *27 March/9 April 1918*), or a month and a year (*July 1933*, *iulie 1933*);
- **years**: four-digit numbers from 1000 to 2099 outside dates;
- **numbers**: figures read with the language's conventions — English *50,762* and *23.75*,
  Romanian *50.762* and *23,75* — and number words from two to twelve (*six*, *șase*);
  conversions in brackets (*(19,599 sq mi)*) are left out, as translations often drop them;
- **entities**: names from the variants table (``alignment.variants``);
- **negations**: explicit negations (*not*, *no*, *never*, *unwilling* …; *nu*, *nici*, *fără*
  …), counted per sentence.

Only English (``en``) and Romanian (``ro``) are known; any other language is read with the
English conventions and finds no names.
"""

import re
from dataclasses import dataclass, field

from archive.importers.citations import MONTHS as ENGLISH_MONTHS

from .variants import VARIANTS

#: One character for one, so that offsets in the folded text are offsets in the original.
FOLD = str.maketrans(
    {
        "ă": "a",
        "â": "a",
        "î": "i",
        "ș": "s",
        "ş": "s",
        "ț": "t",
        "ţ": "t",
        "Ă": "A",
        "Â": "A",
        "Î": "I",
        "Ș": "S",
        "Ş": "S",
        "Ț": "T",
        "Ţ": "T",
        "–": "-",
        "—": "-",
        "‑": "-",
    }
)


def fold(text):
    return text.translate(FOLD)


MONTHS = {
    "en": list(ENGLISH_MONTHS),  # the catalogue's, in order
    "ro": [
        "ianuarie",
        "februarie",
        "martie",
        "aprilie",
        "mai",
        "iunie",
        "iulie",
        "august",
        "septembrie",
        "octombrie",
        "noiembrie",
        "decembrie",
    ],
}
MONTH_NUMBER = {
    language: {name.lower(): number for number, name in enumerate(names, start=1)}
    for language, names in MONTHS.items()
}

#: Number words that count things. English "one" and Romanian "un/o/unu" are left out (they
#: are also articles and pronouns), and so is Romanian "nouă" (nine, but also "new").
NUMBER_WORDS = {
    "en": {
        "two": 2,
        "three": 3,
        "four": 4,
        "five": 5,
        "six": 6,
        "seven": 7,
        "eight": 8,
        "nine": 9,
        "ten": 10,
        "eleven": 11,
        "twelve": 12,
    },
    "ro": {
        "doi": 2,
        "doua": 2,
        "trei": 3,
        "patru": 4,
        "cinci": 5,
        "sase": 6,
        "sapte": 7,
        "opt": 8,
        "zece": 10,
        "unsprezece": 11,
        "doisprezece": 12,
        "douasprezece": 12,
    },
}

#: Explicit negations only. Prefixes (un-, in-, ne-) are too often not negations (Romanian
#: "ne-a spus", "necesar"), so only whole words are listed.
NEGATIONS = {
    "en": (
        r"\bnot\b|n't\b|\bno\b(?!\.\s*\d)|\bnever\b|\bneither\b|\bnor\b|\bnone\b|\bnobody\b"
        r"|\bnothing\b|\bwithout\b|\bunwilling(ly)?\b|\bunable\b|\bcannot\b"
    ),
    "ro": (
        r"\bnu\b|\bn-|\bnici\b|\bniciun\w*|\bnicio\b|\bniciodata\b|\bnimeni\b|\bnimic\b"
        r"|\bfara\b|\bneputand\b|\bnevrand\b|\bnedorind\b|\bnestiind\b|\bnefiind\b|\bneavand\b"
    ),
}
NEGATION_RE = {language: re.compile(pattern, re.I) for language, pattern in NEGATIONS.items()}

#: Imperial conversions in brackets after a metric figure: translations drop them.
CONVERSION_RE = re.compile(
    r"\(\s*[\d.,]+\s*(?:sq\s*mi|sq\s*ft|mi2|mi²|mi|ft|yd|in|lb|oz|acres?|°F|mph|gal)\b[^)]*\)"
)
NUMBER_RE = re.compile(r"(?<![\w\d.,])\d(?:[\d.,]*\d)?(?![\w\d])")
ABBREVIATIONS = {
    "mr",
    "mrs",
    "dr",
    "st",
    "no",
    "nr",
    "vol",
    "pp",
    "p",
    "ed",
    "eds",
    "e.g",
    "i.e",
    "etc",
    "cf",
    "c",
    "ca",
    "jr",
    "sr",
    "gen",
    "col",
    "lt",
    "art",
    "al",
    "dl",
    "dna",
}
SENTENCE_END_RE = re.compile(r"[.!?…][\"”’)\]]*(?=\s+[\"“„(\[]?[A-ZĂÂÎȘŞȚŢ0-9])")


@dataclass(frozen=True)
class Item:
    """One anchor found in a text: its kind, its comparable key, and where it is."""

    kind: str
    key: object
    start: int
    end: int
    text: str
    #: Other readings of a figure (``50.762`` in English is 50.762, but may mean 50762).
    alternatives: tuple = ()

    def matches(self, other):
        if self.kind != other.kind:
            return False
        if self.kind == "date":
            day, month, year = self.key
            other_day, other_month, other_year = other.key
            return (
                day == other_day
                and month == other_month
                and (year is None or other_year is None or year == other_year)
            )
        mine = {self.key, *self.alternatives}
        return bool(mine & {other.key, *other.alternatives})


@dataclass
class Analysis:
    text: str
    language: str
    sentences: list
    items: list = field(default_factory=list)

    def of_kind(self, *kinds):
        return [item for item in self.items if item.kind in kinds]

    def negations_in(self, start, end):
        return [item for item in self.of_kind("negation") if start <= item.start < end]

    def anchors(self):
        """The set of comparable keys, for similarity scores."""
        keys = set()
        for item in self.items:
            if item.kind == "negation":
                continue
            if item.kind == "date":
                day, month, year = item.key
                keys.add(("date", day, month))
                if year:
                    keys.add(("year", year))
            else:
                keys.add((item.kind, item.key))
        return keys


def sentences(text):
    """(start, end) of each sentence, without surrounding spaces. Never splits after an
    abbreviation or an initial."""
    bounds, start = [], 0
    for match in SENTENCE_END_RE.finditer(text):
        word = re.search(r"([\w.]+)\.$", text[start : match.start() + 1])
        if match.group().startswith(".") and word:
            token = word.group(1).lower()
            if token in ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
                continue
        bounds.append((start, match.end()))
        start = match.end()
    bounds.append((start, len(text)))
    result = []
    for begin, end in bounds:
        while begin < end and text[begin].isspace():
            begin += 1
        while end > begin and text[end - 1].isspace():
            end -= 1
        if begin < end:
            result.append((begin, end))
    return result


def _month_pattern(language):
    names = "|".join(MONTHS.get(language, MONTHS["en"]))
    flags = "(?i:" if language == "ro" else "(?:"
    return f"{flags}{names})"


def _date_res(language):
    month = _month_pattern(language)
    day = r"(?<![\w\d/.,])(\d{1,2})"
    year = r"(\d{4})(?![\w\d])"
    return (
        # 27 March/9 April 1918 (old and new style): the first date is kept, both are read.
        re.compile(rf"{day}\s+({month})\s*/\s*(\d{{1,2}})\s+({month})(?:,?\s+{year})?"),
        # 2/15 December 1917
        re.compile(rf"{day}\s*/\s*(\d{{1,2}})\s+({month})(?:,?\s+{year})?"),
        # 3 July 1940, 28 June
        re.compile(rf"{day}\s+({month})\b(?:,?\s+{year})?"),
        # July 3, 1940 (English only in practice)
        re.compile(rf"\b({month})\s+(\d{{1,2}})(?![\w\d]),?(?:\s+{year})?"),
        # July 1941
        re.compile(rf"\b({month})\s+{year}"),
    )


DATE_RES = {language: _date_res(language) for language in ("en", "ro")}


def _month(language, name):
    return MONTH_NUMBER.get(language, MONTH_NUMBER["en"]).get(name.lower())


def _dates(text, language):
    """Date items, and the spans they cover (so that their digits are not read again)."""
    items, taken = [], []

    def free(start, end):
        return all(end <= a or start >= b for a, b in taken)

    def add(key, start, end):
        if free(start, end):
            taken.append((start, end))
            items.append(Item("date", key, start, end, text[start:end]))

    double_month, double_day, plain, american, month_year = DATE_RES.get(language, DATE_RES["en"])
    for match in double_month.finditer(text):
        year = int(match.group(5)) if match.group(5) else None
        add((int(match.group(1)), _month(language, match.group(2)), year), *match.span())
    for match in double_day.finditer(text):
        year = int(match.group(4)) if match.group(4) else None
        add((int(match.group(1)), _month(language, match.group(3)), year), *match.span())
    for match in plain.finditer(text):
        day = int(match.group(1))
        if 1 <= day <= 31:
            year = int(match.group(3)) if match.group(3) else None
            add((day, _month(language, match.group(2)), year), *match.span())
    for match in american.finditer(text):
        day = int(match.group(2))
        if 1 <= day <= 31:
            year = int(match.group(3)) if match.group(3) else None
            add((day, _month(language, match.group(1)), year), *match.span())
    for match in month_year.finditer(text):
        add((None, _month(language, match.group(1)), int(match.group(2))), *match.span())
    return items, taken


CONVENTIONS = {"en": (",", "."), "ro": (".", ",")}


def _value_in(token, convention):
    thousands, decimal = CONVENTIONS[convention]
    t, d = re.escape(thousands), re.escape(decimal)
    if not re.fullmatch(rf"\d{{1,3}}(?:{t}\d{{3}})+(?:{d}\d+)?|\d+(?:{d}\d+)?", token):
        return None
    value = token.replace(thousands, "").replace(decimal, ".")
    return float(value) if "." in value else int(value)


def parse_number(token, language):
    """(value, alternatives) of a figure as written in ``language``, or None.

    English writes 50,762 and 23.75, Romanian 50.762 and 23,75. A figure that also reads
    differently in the other convention keeps that reading as an alternative, so that a
    translation that kept the original's convention is not taken for a discrepancy.
    """
    own = language if language in CONVENTIONS else "en"
    other = "ro" if own == "en" else "en"
    primary = _value_in(token, own)
    secondary = _value_in(token, other)
    if primary is None:
        primary, secondary = secondary, None
    if primary is None:
        return None
    alternatives = () if secondary is None or secondary == primary else (secondary,)
    return primary, alternatives


def _numbers(text, language, taken):
    items = []
    hidden = [(m.start(), m.end()) for m in CONVERSION_RE.finditer(text)]
    blocked = taken + hidden
    for match in NUMBER_RE.finditer(text):
        start, end = match.span()
        if any(start < b and end > a for a, b in blocked):
            continue
        parsed = parse_number(match.group(), language)
        if parsed is None:
            continue
        value, alternatives = parsed
        kind = (
            "year"
            if isinstance(value, int) and 1000 <= value <= 2099 and match.group().isdigit()
            else "number"
        )
        items.append(Item(kind, value, start, end, match.group(), tuple(alternatives)))
    folded = fold(text).lower()
    words = NUMBER_WORDS.get(language, NUMBER_WORDS["en"])
    for match in re.finditer(r"\b[a-z]+\b", folded):
        if match.group() in words:
            start, end = match.span()
            if any(start < b and end > a for a, b in blocked):
                continue
            if language == "ro" and re.search(
                r"(\ba|\bal|-a)\s+$", folded[max(0, start - 4) : start]
            ):
                continue  # an ordinal: "a doua", "al doilea", "de-a doua"
            items.append(Item("number", words[match.group()], start, end, text[start:end]))
    return items


ENTITY_RES = {
    language: [
        (key, re.compile(pattern))
        for key, (_label, english, romanian) in VARIANTS.items()
        for pattern in (english if language == "en" else romanian)
    ]
    for language in ("en", "ro")
}


def entity_label(key):
    return VARIANTS[key][0] if key in VARIANTS else key


def _entities(text, language):
    if language not in ENTITY_RES:
        return []
    folded = fold(text)
    found = []
    for key, pattern in ENTITY_RES[language]:
        for match in pattern.finditer(folded):
            found.append((match.start(), -(match.end() - match.start()), key, match.end()))
    items, taken = [], []
    for start, _length, key, end in sorted(found):
        if any(start < b and end > a for a, b in taken):
            continue
        taken.append((start, end))
        items.append(Item("entity", key, start, end, text[start:end]))
    return items


def _negations(text, language):
    pattern = NEGATION_RE.get(language, NEGATION_RE["en"])
    return [
        Item("negation", "neg", m.start(), m.end(), text[m.start() : m.end()])
        for m in pattern.finditer(fold(text))
    ]


def analyse(text, language):
    """Every anchor of ``text``, sorted by position."""
    dates, taken = _dates(text, language)
    items = dates + _numbers(text, language, taken) + _entities(text, language)
    items += _negations(text, language)
    items.sort(key=lambda item: (item.start, item.end))
    return Analysis(text=text, language=language, sentences=sentences(text), items=items)


def capitalised_words(text):
    """Folded capitalised words of four letters or more that do not open a sentence: names a
    translation often keeps as they are (Chilia, Transnistria)."""
    folded = fold(text)
    words = set()
    for match in re.finditer(r"\b[A-Z][a-z]{3,}\b", folded):
        before = folded[: match.start()].rstrip()
        if before and before[-1] not in '.!?:;"“„(':
            words.add(match.group())
    return words

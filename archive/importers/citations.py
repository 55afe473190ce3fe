"""Parse bibliographic lines (Wikipedia CS1 and APA styles) and external-link lines."""

import datetime as dt
import re
from dataclasses import dataclass, field

#: English language names as the sources write them, mapped to ISO 639-1.
LANGUAGES = {
    "English": "en",
    "French": "fr",
    "German": "de",
    "Hungarian": "hu",
    "Romanian": "ro",
    "Russian": "ru",
    "Ukrainian": "uk",
}

MONTHS = {
    name: number
    for number, name in enumerate(
        [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
        start=1,
    )
}

#: Words whose full stop is part of the word, not the end of a segment.
ABBREVIATIONS = {
    "Co",
    "Inc",
    "Ltd",
    "Corp",
    "Bros",
    "Jr",
    "Sr",
    "St",
    "Dr",
    "No",
    "Vol",
    "Ed",
    "p",
    "pp",
}

# ``Family, Given (23 July 1980). rest`` and ``Family, A., & Other, B. (Eds.). (2003). rest``
HEAD = re.compile(
    r"^(?P<names>.+?)(?: \((?P<editors>[Ee]ds?\.)\)\.)?"
    r" \((?P<date>[^()]*?\d{4}[a-z]?)\)\.(?: (?P<rest>.*))?$"
)
LANGUAGE_NOTE = re.compile(r"\(in (?P<name>[A-Z][a-z]+)\)")
FORMAT_NOTE = re.compile(r"\((?P<format>PDF|DOC|DOCX|EPUB)\)")
# Where an unquoted title ends: a full stop, a translated title, or a format or language note.
UNQUOTED_TITLE_END = re.compile(r"\. |\.$| \[| \((?:PDF|DOC|DOCX|EPUB)\)| \(in [A-Z][a-z]+\)")
QUOTED_TITLE = re.compile(r'^"(?P<title>.+?)"(?=$|[.,;:]|\s[\[(])')
ISBN = re.compile(r"^ISBN(?:-1[03])?:? (?P<isbn>[0-9Xx][0-9Xx\- ]*[0-9Xx])$")
ARCHIVED = re.compile(r"^Archived from the original(?: \((?P<format>[A-Z]+)\))? on (?P<date>.+)$")
RETRIEVED = re.compile(r"^Retrieved(?: on)? (?P<date>.+)$")
DAY_MONTH_YEAR = re.compile(r"^(?P<day>\d{1,2}) (?P<month>[A-Z][a-z]+) (?P<year>\d{4})$")
MONTH_DAY_YEAR = re.compile(r"^(?P<month>[A-Z][a-z]+) (?P<day>\d{1,2}), (?P<year>\d{4})$")
MONTH_YEAR = re.compile(r"^(?P<month>[A-Z][a-z]+) (?P<year>\d{4})$")
ISO_DATE = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})$")
YEAR = re.compile(r"^(?P<year>\d{4})[a-z]?$")
# ``Mikhail Meltyukhov, Stalin's Missed Chance``: an author and a title, nothing else.
AUTHOR_TITLE = re.compile(r"^(?P<author>[^,()\"\[\]]+?), (?P<title>[^()\[\]]+)$")

# External links.
LINK_LANGUAGE_PREFIX = re.compile(r"^\(in (?P<name>[A-Z][a-z]+)\)\s*")
LINK_LANGUAGE_SUFFIX = re.compile(r"\s*\(in (?P<name>[A-Z][a-z]+)\)$")
LINK_REMARK = re.compile(r"\s*\((?P<remark>\d{4})\)$")
LINK_ARCHIVE_NOTE = re.compile(
    r"\s*(?P<note>Archived \d{1,2} [A-Z][a-z]+ \d{4} at the Wayback Machine)"
)
LINK_SITE = re.compile(r", from (?P<site>[^,\"]+)$")
LINK_QUOTED = re.compile(r'^"(?P<title>.+)"$')


@dataclass
class ParsedReference:
    """A bibliographic record parsed from one line, with what could not be placed."""

    original_line: str
    line_number: int = 0
    kind: str = "other"
    authors: list = field(default_factory=list)
    editors: list = field(default_factory=list)
    year: int | None = None
    date: dt.date | None = None
    title: str = ""
    translated_title: str = ""
    periodical: str = ""
    publisher: str = ""
    place: str = ""
    isbn: str = ""
    format: str = ""
    url: str = ""
    archived: dt.date | None = None
    retrieved: dt.date | None = None
    language: str = ""
    #: Set by the document parser: ``cited`` or ``further_reading``.
    role: str = ""
    #: Position in the document's list for this role, from 1.
    order: int = 0
    #: Messages about parts of the line that were not placed in a field.
    problems: list = field(default_factory=list)


@dataclass
class ParsedLink:
    """An External links or See also entry."""

    original_line: str
    kind: str
    line_number: int = 0
    order: int = 0
    title: str = ""
    site: str = ""
    language: str = ""
    archive_note: str = ""
    remark: str = ""
    problems: list = field(default_factory=list)
    #: An external-link line that reads as a citation is catalogued as a reference too.
    reference: ParsedReference | None = None


def parse_date(text):
    """Return ``(date, year, problem)`` for a date as written by the source."""
    text = text.strip()
    for pattern in (DAY_MONTH_YEAR, MONTH_DAY_YEAR, ISO_DATE):
        match = pattern.match(text)
        if match:
            month = match["month"]
            month = int(month) if month.isdigit() else MONTHS.get(month)
            try:
                value = dt.date(int(match["year"]), month, int(match["day"]))
            except (TypeError, ValueError):
                break
            return value, value.year, ""
    match = YEAR.match(text)
    if match:
        return None, int(match["year"]), ""
    match = MONTH_YEAR.match(text)
    if match and match["month"] in MONTHS:
        return None, int(match["year"]), f"only the year of {text!r} is kept"
    year = re.search(r"\b(\d{4})\b", text)
    return None, int(year[1]) if year else None, f"date {text!r} not understood"


def parse_language(name):
    """Return ``(code, problem)`` for an English language name."""
    code = LANGUAGES.get(name, "")
    return code, "" if code else f"language {name!r} has no known code"


def split_person(text):
    """Split ``Given Family`` (no comma) into a CSL name."""
    text = text.strip()
    if " " not in text:
        return {"literal": text}
    given, family = text.rsplit(" ", 1)
    return {"family": family, "given": given}


def parse_names(text):
    """Return ``(names, problem)`` for CS1 (``A, B; C, D``) or APA (``A, B., & C, D.``) names."""
    text = text.strip()
    if ";" in text:
        names = []
        for part in (part.strip() for part in text.split(";")):
            if ", " in part:
                family, given = part.split(", ", 1)
                names.append({"family": family.strip(), "given": given.strip()})
            else:
                names.append(split_person(part))
        return names, ""
    tokens = [re.sub(r"^&\s*", "", token.strip()) for token in text.split(",")]
    tokens = [token for token in tokens if token]
    if len(tokens) == 1:
        return [split_person(tokens[0])], ""
    if len(tokens) % 2 == 0:
        pairs = zip(tokens[::2], tokens[1::2], strict=True)
        return [{"family": family, "given": given} for family, given in pairs], ""
    return [{"literal": text}], f"names {text!r} could not be split"


def split_segments(text):
    """Split the part after a title into segments ending in full stops, keeping abbreviations."""
    segments = []
    for piece in re.split(r"(?<=\.)\s+", text.strip()):
        if not piece:
            continue
        if segments and _ends_with_abbreviation(segments[-1]):
            segments[-1] = f"{segments[-1]} {piece}"
        else:
            segments.append(piece)
    return [_strip_full_stop(segment) for segment in segments]


def _ends_with_abbreviation(text):
    last = text.rsplit(" ", 1)[-1]
    return bool(re.fullmatch(r"[A-Z]\.", last)) or last.rstrip(".") in ABBREVIATIONS


def _strip_full_stop(text):
    if text.endswith(".") and not _ends_with_abbreviation(text):
        return text[:-1].rstrip()
    return text


def _matching_bracket(text, start):
    depth = 0
    for index in range(start, len(text)):
        if text[index] == "[":
            depth += 1
        elif text[index] == "]":
            depth -= 1
            if depth == 0:
                return index
    return -1


def looks_like_citation(line):
    """Say whether a line reads as a bibliographic citation (author and year, or an ISBN)."""
    return bool(HEAD.match(line)) or bool(re.search(r"\bISBN\b", line))


def parse_reference(line, line_number=0):
    """Parse one References or Further reading line into a :class:`ParsedReference`."""
    ref = ParsedReference(original_line=line, line_number=line_number)
    head = HEAD.match(line)
    if not head:
        fallback = AUTHOR_TITLE.match(line)
        if fallback:
            ref.authors = [split_person(fallback["author"])]
            ref.title = fallback["title"].strip()
            ref.kind = "book"
            ref.problems.append(
                f"reference has no year or publisher; read as author "
                f"{fallback['author'].strip()!r} and title {ref.title!r}"
            )
        else:
            ref.title = line.strip()
            ref.problems.append("reference not understood; the whole line is its title")
        return ref

    names, problem = parse_names(head["names"])
    if problem:
        ref.problems.append(problem)
    if head["editors"]:
        ref.editors = names
    else:
        ref.authors = names
    ref.date, ref.year, problem = parse_date(head["date"])
    if problem:
        ref.problems.append(problem)
    _parse_rest(ref, head["rest"] or "")
    return ref


def _parse_rest(ref, rest):
    quoted = QUOTED_TITLE.match(rest)
    if quoted:
        ref.title = quoted["title"]
        position = quoted.end()
    else:
        end = UNQUOTED_TITLE_END.search(rest)
        position = end.start() if end else len(rest)
        ref.title = rest[:position].strip()
    if not ref.title:
        ref.problems.append("reference has no title")

    # What may follow a title: [translated title], (PDF), (in Romanian), in any order.
    while True:
        stripped = rest[position:].lstrip()
        offset = len(rest) - len(stripped)
        if stripped.startswith("["):
            close = _matching_bracket(stripped, 0)
            if close < 0:
                break
            ref.translated_title = stripped[1:close].strip()
            position = offset + close + 1
            continue
        note = FORMAT_NOTE.match(stripped)
        if note:
            ref.format = note["format"]
            position = offset + note.end()
            continue
        note = LANGUAGE_NOTE.match(stripped)
        if note:
            _set_language(ref, note["name"])
            position = offset + note.end()
            continue
        break

    tail = rest[position:].strip()
    tail = re.sub(r"^[.,;:]\s*", "", tail)
    container_seen = False
    for segment in split_segments(tail):
        container_seen = _place_segment(ref, segment, quoted=bool(quoted), seen=container_seen)

    if quoted:
        ref.kind = "report" if "report" in ref.periodical.lower() else "article"
    elif ref.publisher:
        ref.kind = "book"
    else:
        ref.kind = "other"


def _place_segment(ref, segment, *, quoted, seen):
    """Put one segment into its field; return whether the container has been seen."""
    match = ISBN.match(segment)
    if match:
        ref.isbn = match["isbn"]
        return seen
    match = ARCHIVED.match(segment)
    if match:
        if match["format"]:
            if ref.format and ref.format != match["format"]:
                ref.problems.append(f"second format {match['format']!r} not kept")
            ref.format = ref.format or match["format"]
        ref.archived, _, problem = parse_date(match["date"])
        if problem or ref.archived is None:
            ref.problems.append(f"archive date {match['date']!r} not understood")
        return seen
    match = RETRIEVED.match(segment)
    if match:
        ref.retrieved, _, problem = parse_date(match["date"])
        if problem or ref.retrieved is None:
            ref.problems.append(f"retrieval date {match['date']!r} not understood")
        return seen
    if seen:
        ref.problems.append(f"could not place {segment!r}")
        return seen
    language = LANGUAGE_NOTE.search(segment)
    if language and segment.endswith(language[0]):
        _set_language(ref, language["name"])
        segment = segment[: language.start()].rstrip()
    if quoted:
        ref.periodical = segment
    elif ": " in segment:
        ref.place, ref.publisher = (part.strip() for part in segment.split(": ", 1))
    else:
        ref.publisher = segment
    return True


def _set_language(ref, name):
    code, problem = parse_language(name)
    if problem:
        ref.problems.append(problem)
    elif ref.language and ref.language != code:
        ref.problems.append(f"second language {name!r} not kept")
    else:
        ref.language = code


def parse_external_link(line, line_number=0):
    """Parse one External links line into a :class:`ParsedLink`."""
    link = ParsedLink(original_line=line, kind="external", line_number=line_number)
    if looks_like_citation(line):
        ref = parse_reference(line, line_number)
        link.title = ref.title
        link.language = ref.language
        link.reference = ref
        fields = _citation_fields(ref)
        link.problems.append(
            "external-link entry looks like a bibliographic citation; kept as an external "
            f"link titled {ref.title!r} and catalogued as a reference too ({ref.kind}"
            + (f": {'; '.join(fields)}" if fields else "")
            + ")"
            + (f"; not understood: {'; '.join(ref.problems)}" if ref.problems else "")
        )
        return link

    rest = line.strip()
    prefix = LINK_LANGUAGE_PREFIX.match(rest)
    if prefix:
        _set_link_language(link, prefix["name"])
        rest = rest[prefix.end() :]
    suffix = LINK_LANGUAGE_SUFFIX.search(rest)
    if suffix:
        _set_link_language(link, suffix["name"])
        rest = rest[: suffix.start()]
    remark = LINK_REMARK.search(rest)
    if remark:
        link.remark = remark["remark"]
        rest = rest[: remark.start()]
    archive = LINK_ARCHIVE_NOTE.search(rest)
    if archive:
        link.archive_note = archive["note"]
        rest = rest[: archive.start()] + rest[archive.end() :]
    site = LINK_SITE.search(rest)
    if site:
        link.site = site["site"].strip()
        rest = rest[: site.start()]
    rest = rest.strip()
    quoted = LINK_QUOTED.match(rest)
    link.title = quoted["title"] if quoted else rest
    return link


def _set_link_language(link, name):
    code, problem = parse_language(name)
    if problem:
        link.problems.append(problem)
    else:
        link.language = code


def _citation_fields(ref):
    """The fields of a citation that a link has no place for, as ``label value`` strings."""
    names = "; ".join(
        name.get("literal") or f"{name.get('given', '')} {name.get('family', '')}".strip()
        for name in ref.authors + ref.editors
    )
    parts = [
        ("author", names),
        ("date", ref.date.isoformat() if ref.date else ""),
        ("year", str(ref.year or "") if not ref.date else ""),
        ("translated title", ref.translated_title),
        ("periodical", ref.periodical),
        ("place", ref.place),
        ("publisher", ref.publisher),
        ("ISBN", ref.isbn),
        ("format", ref.format),
        ("archived", ref.archived.isoformat() if ref.archived else ""),
        ("retrieved", ref.retrieved.isoformat() if ref.retrieved else ""),
    ]
    return [f"{label} {value}" for label, value in parts if value]


def parse_see_also(line, line_number=0):
    """Make a See also entry: its title is the line."""
    return ParsedLink(
        original_line=line, kind="see_also", line_number=line_number, title=line.strip()
    )

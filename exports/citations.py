"""References and documents as citations: CSL-JSON, BibTeX and plain text.

CSL-JSON follows the CSL 1.0 item schema (an array of items); BibTeX is written as UTF-8 with
only BibTeX's special characters escaped, so Romanian diacritics stay as they are.
Citation keys (``king2000moldovans``) are built from the first author's (or editor's) family
name, the year and the first significant word of the title; when two references share a key,
the one with the lower catalogue id keeps it and later ones get ``b``, ``c``, … appended. New
references get higher catalogue ids, so the keys of existing references do not change.
"""

import re
import unicodedata

from django.db.models import Q
from django.utils.translation import get_language_info

from annotations.authors import display_name
from archive.models import Reference, ReferenceKind

#: The keys of a CSL name object this archive stores or may store.
CSL_NAME_KEYS = (
    "family",
    "given",
    "literal",
    "suffix",
    "dropping-particle",
    "non-dropping-particle",
)

#: Words skipped when choosing the title word of a citation key (English and Romanian).
STOPWORDS = frozenset(
    {
        "a",
        "an",
        "the",
        "of",
        "on",
        "in",
        "at",
        "to",
        "for",
        "and",
        "or",
        "with",
        "from",
        "by",
        "as",
        "la",
        "le",
        "les",
        "de",
        "du",
        "des",
        "din",
        "cu",
        "și",
        "si",
        "în",
        "pe",
        "un",
        "o",
        "al",
        "ale",
        "ai",
        "despre",
        "între",
        "intre",
    }
)

#: Periodical names that are journals rather than newspapers.
JOURNAL_PATTERN = re.compile(
    r"\b(journal of|review|quarterly|studies|studia|revista|revue|anale|annals|bulletin|"
    r"buletin|proceedings|zeitschrift|jahrbuch|yearbook)\b",
    re.IGNORECASE,
)

SITE_NAME = "Bessarabia 1940 Archive"

CSL_CONTENT_TYPE = "application/vnd.citationstyles.csl+json"
BIBTEX_CONTENT_TYPE = "application/x-bibtex; charset=utf-8"


# ---------------------------------------------------------------------------
# Citation keys
# ---------------------------------------------------------------------------


def ascii_word(text):
    """``Ciorănescu`` → ``cioranescu``: letters and digits only, diacritics dropped."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]", "", plain.lower())


def reference_year(reference):
    if reference.year:
        return reference.year
    return reference.date.year if reference.date else None


def _name_word(names):
    for name in names:
        if name.get("family"):
            word = ascii_word(name["family"])
        else:
            word = ascii_word((name.get("literal") or "").split(" ")[0])
        if word:
            return word
    return ""


def _title_word(title):
    for word in re.split(r"[\s\-–—:;,.!?\"'“”„«»()\[\]/]+", title or ""):
        if word.lower() in STOPWORDS:
            continue
        plain = ascii_word(word)
        if plain:
            return plain
    return ""


def base_key(reference):
    """The key before disambiguation, e.g. ``king2000moldovans``."""
    name = _name_word(reference.authors) or _name_word(reference.editors)
    year = reference_year(reference)
    year = str(year) if year else "nd"
    word = _title_word(reference.title)
    key = f"{name}{year}{word}" if name else f"{word}{year}"
    if not re.match(r"[a-z]", key):
        key = ascii_word(reference.catalogue_id) + key
    return key


def _suffix(index):
    """0 → "", 1 → "b", 2 → "c", … 25 → "z", 26 → "ba", 27 → "bb" …"""
    if index == 0:
        return ""
    letters = ""
    while index:
        index, remainder = divmod(index, 26)
        letters = "abcdefghijklmnopqrstuvwxyz"[remainder] + letters
    return letters


def assign_keys(references):
    """Map catalogue id → citation key for ``references`` (which must include every reference
    that could share a key with another: :func:`citation_keys` finds those)."""
    by_base = {}
    for reference in sorted(references, key=lambda r: r.catalogue_id):
        by_base.setdefault(base_key(reference), []).append(reference)
    keys = {}
    used = set(by_base)
    for base, group in by_base.items():
        keys[group[0].catalogue_id] = base
        index = 0
        for reference in group[1:]:
            index += 1
            while base + _suffix(index) in used:
                index += 1
            used.add(base + _suffix(index))
            keys[reference.catalogue_id] = base + _suffix(index)
    return keys


def citation_keys(references):
    """Citation keys for ``references``, unique across the whole catalogue (one query)."""
    years = {r.year for r in references}
    condition = Q(year__in=[y for y in years if y is not None])
    if None in years:
        condition |= Q(year__isnull=True)
    candidates = Reference.objects.filter(condition).only(
        "catalogue_id", "authors", "editors", "year", "date", "title"
    )
    keys = assign_keys(candidates)
    return {r.catalogue_id: keys[r.catalogue_id] for r in references}


# ---------------------------------------------------------------------------
# CSL-JSON
# ---------------------------------------------------------------------------


def csl_names(names):
    result = []
    for name in names or []:
        item = {key: name[key] for key in CSL_NAME_KEYS if name.get(key)}
        if item:
            result.append(item)
    return result


def csl_date(value):
    return {"date-parts": [[value.year, value.month, value.day]]}


def csl_type(reference):
    if reference.kind == ReferenceKind.BOOK:
        return "book"
    if reference.kind == ReferenceKind.REPORT:
        return "report"
    if reference.kind == ReferenceKind.ARTICLE:
        if JOURNAL_PATTERN.search(reference.periodical or ""):
            return "article-journal"
        return "article-newspaper"
    return "webpage" if reference.url else "document"


def full_title(reference):
    """The title, followed by the source's translation of it in brackets (as APA and Chicago
    cite a title in another language): CSL has no field of its own for a translated title."""
    if reference.translated_title:
        return f"{reference.title} [{reference.translated_title}]"
    return reference.title


def reference_csl(reference, key):
    """One reference as a CSL-JSON item."""
    item = {"id": key, "type": csl_type(reference), "title": full_title(reference)}
    if reference.authors:
        item["author"] = csl_names(reference.authors)
    if reference.editors:
        item["editor"] = csl_names(reference.editors)
    if reference.date:
        item["issued"] = csl_date(reference.date)
    elif reference.year:
        item["issued"] = {"date-parts": [[reference.year]]}
    if reference.periodical:
        series = reference.kind == ReferenceKind.REPORT
        item["collection-title" if series else "container-title"] = reference.periodical
    if reference.publisher:
        item["publisher"] = reference.publisher
    if reference.place:
        item["publisher-place"] = reference.place
    if reference.isbn:
        item["ISBN"] = reference.isbn
    if reference.format:
        item["medium"] = reference.format
    if reference.url:
        item["URL"] = reference.url
    if reference.retrieved:
        item["accessed"] = csl_date(reference.retrieved)
    if reference.language:
        item["language"] = reference.language
    return item


def references_csl(references):
    references = list(references)
    keys = citation_keys(references)
    return [reference_csl(reference, keys[reference.catalogue_id]) for reference in references]


def document_csl(document, url):
    """The document as the archive holds it: a web page in the archive."""
    item = {
        "id": ascii_word(document.catalogue_id),
        "type": "webpage",
        "title": document.title,
        "container-title": SITE_NAME,
        "URL": url,
        "issued": csl_date(document.date_received),
        "language": document.language,
        "archive": SITE_NAME,
        "archive_location": document.catalogue_id,
    }
    if document.creator:
        item["author"] = [{"literal": document.creator}]
    # The licence goes in the note: CSL 1.0.2's "license" is unknown to CSL 1.0.1 processors.
    note = [f"Received {document.date_received:%Y-%m-%d}"]
    if document.source_url:
        note[0] += f" from {document.source_url}"
    if document.licence:
        note.append(f"Licence: {document.licence}")
    item["note"] = ". ".join(note) + "."
    return item


# ---------------------------------------------------------------------------
# BibTeX
# ---------------------------------------------------------------------------

BIBTEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "$": r"\$",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
BIBTEX_SPECIALS = re.compile("[" + re.escape("".join(BIBTEX_ESCAPES)) + "]")


def bibtex_escape(text):
    """Escape BibTeX's special characters; every other character, ă â î ș ț too, stays."""
    return BIBTEX_SPECIALS.sub(lambda match: BIBTEX_ESCAPES[match.group()], str(text))


def bibtex_url(url):
    """URLs are verbatim in BibTeX (the url package); only braces would unbalance the field."""
    return url.replace("{", "%7B").replace("}", "%7D")


def _bibtex_name(name):
    if name.get("literal"):
        return "{" + bibtex_escape(name["literal"]) + "}"
    family = " ".join(
        part for part in (name.get("non-dropping-particle"), name.get("family")) if part
    )
    family = bibtex_escape(family)
    if "," in family or re.search(r"\band\b", family):
        family = "{" + family + "}"
    parts = [family]
    if name.get("suffix"):
        parts.append(bibtex_escape(name["suffix"]))
    given = " ".join(part for part in (name.get("given"), name.get("dropping-particle")) if part)
    if given:
        parts.append(bibtex_escape(given))
    return ", ".join(parts)


def bibtex_names(names):
    return " and ".join(_bibtex_name(name) for name in names if name)


BIBTEX_TYPES = {
    "book": "book",
    "article-journal": "article",
    "article-newspaper": "article",
    "report": "techreport",
    "webpage": "misc",
    "document": "misc",
}


def language_name(code):
    try:
        return get_language_info(code)["name"]
    except KeyError:
        return code


def format_entry(entry_type, key, fields):
    """``@type{key,`` and one ``name = {value},`` line per field, in order."""
    lines = [f"@{entry_type}{{{key},"]
    width = max((len(name) for name, _ in fields), default=0)
    for name, value in fields:
        lines.append(f"  {name.ljust(width)} = {{{value}}},")
    lines.append("}")
    return "\n".join(lines)


def reference_bibtex(reference, key):
    kind = csl_type(reference)
    fields = []
    if reference.authors:
        fields.append(("author", bibtex_names(csl_names(reference.authors))))
    if reference.editors:
        fields.append(("editor", bibtex_names(csl_names(reference.editors))))
    fields.append(("title", bibtex_escape(reference.title)))
    if reference.translated_title:
        # biblatex's field for "title [translation]"; classic BibTeX styles ignore it.
        fields.append(("titleaddon", bibtex_escape(f"[{reference.translated_title}]")))
    if kind == "report":
        # A report's series often names its institution ("Radio Free Europe report"): the
        # institution is the publisher when given, else the series.
        institution = reference.publisher or reference.periodical
        if institution:
            fields.append(("institution", bibtex_escape(institution)))
        if reference.publisher and reference.periodical:
            fields.append(("series", bibtex_escape(reference.periodical)))
    elif reference.periodical:
        name = "journal" if kind.startswith("article") else "series"
        fields.append((name, bibtex_escape(reference.periodical)))
    if kind != "report" and reference.publisher:
        fields.append(("publisher", bibtex_escape(reference.publisher)))
    if reference.place:
        fields.append(("address", bibtex_escape(reference.place)))
    year = reference_year(reference)
    if year:
        fields.append(("year", str(year)))
    if reference.date:
        fields.append(("month", str(reference.date.month)))
        fields.append(("date", reference.date.isoformat()))
    if reference.isbn:
        fields.append(("isbn", bibtex_escape(reference.isbn)))
    if reference.url:
        fields.append(("url", bibtex_url(reference.url)))
    if reference.retrieved:
        fields.append(("urldate", reference.retrieved.isoformat()))
    if reference.language:
        name = language_name(reference.language)
        fields.append(("language", bibtex_escape(name)))
        fields.append(("langid", bibtex_escape(name.lower())))
    if reference.format:
        fields.append(("note", bibtex_escape(reference.format)))
    return format_entry(BIBTEX_TYPES[kind], key, fields)


def references_bibtex(references):
    references = list(references)
    keys = citation_keys(references)
    entries = [reference_bibtex(r, keys[r.catalogue_id]) for r in references]
    return "".join(entry + "\n\n" for entry in entries)


def document_bibtex(document, url):
    fields = []
    if document.creator:
        fields.append(("author", "{" + bibtex_escape(document.creator) + "}"))
    fields += [
        ("title", bibtex_escape(document.title)),
        ("howpublished", bibtex_escape(SITE_NAME)),
        ("year", str(document.date_received.year)),
        ("month", str(document.date_received.month)),
        ("date", document.date_received.isoformat()),
        ("url", bibtex_url(url)),
        ("language", bibtex_escape(language_name(document.language))),
        ("langid", bibtex_escape(language_name(document.language).lower())),
    ]
    note = [f"Catalogue record {document.catalogue_id}"]
    if document.licence:
        note.append(f"licence {document.licence}")
    note.append(f"received {document.date_received.isoformat()}")
    fields.append(("note", bibtex_escape(", ".join(note))))
    return format_entry("misc", ascii_word(document.catalogue_id), fields) + "\n"


# ---------------------------------------------------------------------------
# Plain text
# ---------------------------------------------------------------------------


def _day(value):
    return f"{value.day} {value:%B %Y}"


def document_plain(document, url):
    """``Wikipedia contributors. “Title.” Bessarabia 1940 Archive, AR-D0001. Received 22
    November 2026. URL. Licence: CC BY-SA 4.0.``"""
    parts = []
    if document.creator:
        parts.append(f"{document.creator.rstrip('.')}.")
    title = document.title if document.title.endswith((".", "?", "!")) else f"{document.title}."
    parts.append(f"“{title}”")
    parts.append(f"{SITE_NAME}, {document.catalogue_id}.")
    parts.append(f"Received {_day(document.date_received)}.")
    parts.append(f"{url}.")
    if document.licence:
        parts.append(f"Licence: {document.licence}.")
    return " ".join(parts)


def annotation_plain(annotation, url):
    """``ana. “Commenting annotation on ‘Title’, passage 3.” Bessarabia 1940 Archive, 22 November
    2026. URL.`` (with the version and its date once it has been edited)."""
    author = display_name(annotation.author)
    document = annotation.passage.document
    what = f"{annotation.get_motivation_display()} annotation"
    parts = [
        f"{author}.",
        f"“{what} on ‘{document.title}’, passage {annotation.passage.order}.”",
        f"{SITE_NAME}, {_day(annotation.created)}",
    ]
    if annotation.version > 1:
        parts[-1] += f", version {annotation.version} of {_day(annotation.modified)}"
    parts[-1] += "."
    parts.append(f"{url}.")
    return " ".join(parts)

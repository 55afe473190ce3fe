"""Reading a query as the reader meant it: a place's other names, and misspelt words corrected.

- **Place names** (``search.places``): a term that is one of a place's names (*Kishinev*) is
  looked for under every name of that place (*Chișinău*, *Chisinau*, *Кишинёв* …).
- **Corrections**: a word of four letters or more that occurs nowhere in the archive is
  replaced by the nearest word that does, at most ``max_edits`` edits away (Levenshtein
  distance, computed by rapidfuzz). The backend's vocabulary proposes the candidates: on
  PostgreSQL the words table's nearest neighbours by trigrams (``search_word``, kept by
  triggers), on SQLite every word of the texts it can read, most frequent first.

The reader sees both ("Showing results for …", "Also searched for …") and can search the exact
words instead (``exact``): then nothing is replaced. A correction that finds nothing the reader
may read is dropped (``SearchBackend.search``), so a word of someone's private note is never
offered to anyone else.
"""

from dataclasses import dataclass, field, replace

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from .places import place_for
from .text import MIN_FUZZY_LENGTH, WORD, ParsedQuery, Term, fold


def max_edits(word):
    """How many edits a correction of ``word`` may make: one up to five letters, else two."""
    return 1 if len(word) <= 5 else 2


def closest(word, candidates):
    """The candidate fewest edits from ``word`` (within ``max_edits``); the earlier one of
    equals (the candidates come best first). None when none is close enough."""
    found = process.extractOne(
        word, candidates, scorer=Levenshtein.distance, score_cutoff=max_edits(word)
    )
    return found[0] if found else None


@dataclass
class Reading:
    """How a query was read: what was searched, and what was replaced on the way."""

    original: ParsedQuery
    query: ParsedQuery
    #: (the word as typed, the word searched instead), in the query's order.
    corrections: list = field(default_factory=list)
    #: (the term as typed, its place): terms searched under all the place's names.
    variants: list = field(default_factory=list)
    #: Whether the reader asked for the exact words (nothing replaced).
    exact: bool = False

    @property
    def corrected_text(self):
        """The reader's query with the corrected words in place of the typed ones."""
        fixes = {fold(typed): corrected for typed, corrected in self.corrections}
        raw = self.original.raw
        parts, position = [], 0
        for match in WORD.finditer(raw):
            if fold(match.group()) in fixes:
                parts += [raw[position : match.start()], fixes[fold(match.group())]]
                position = match.end()
        return "".join(parts) + raw[position:]

    @property
    def changed(self):
        return bool(self.corrections or self.variants)

    def without_corrections(self):
        """The same reading with the typed words kept (place names still widened)."""
        return interpret(self.original, None, places=not self.exact)


def interpret(query, vocabulary, *, places=True):
    """Read ``query``: a Reading. ``vocabulary`` (``known(words)`` → set, ``nearest(word)`` →
    word or None) corrects unknown words; None corrects nothing, and with ``places=False``
    too, the query is searched exactly as typed."""
    exact = vocabulary is None and not places
    reading = Reading(original=query, query=query, exact=exact)
    if exact:
        return reading
    terms = list(
        dict.fromkeys(term for group in query.groups for term in group.include + group.exclude)
    )
    replacements = {}
    for term in terms:
        place = place_for(term.folded)
        if place is not None:
            replacements[term] = replace(term, forms=place.forms)
            reading.variants.append((term, place))
    if vocabulary is not None:
        included = {term for group in query.groups for term in group.include}
        fixes = _corrections(
            [term for term in terms if term in included and term not in replacements],
            vocabulary,
        )
        for term in terms:
            words = term.folded.split()
            if term not in included or term in replacements or not fixes.keys() & set(words):
                continue
            text = " ".join(fixes.get(word, word) for word in words)
            place = place_for(text)
            replacements[term] = Term(text, text, forms=place.forms if place else ())
            if place is not None:
                reading.variants.append((replacements[term], place))
        for match in WORD.finditer(query.raw):
            word = fold(match.group())
            if word in fixes and word not in {typed for typed, _ in reading.corrections}:
                reading.corrections.append((match.group(), fixes[word]))
    if replacements:
        reading.query = query.replace(replacements)
    return reading


def _corrections(terms, vocabulary):
    """{folded word: correction} for the words of ``terms`` the archive does not have."""
    words = list(
        dict.fromkeys(
            word
            for term in terms
            for word in term.folded.split()
            if len(word) >= MIN_FUZZY_LENGTH and not word.isdigit()
        )
    )
    if not words:
        return {}
    known = vocabulary.known(words)
    fixes = {}
    for word in words:
        if word not in known:
            corrected = vocabulary.nearest(word)
            if corrected is not None and corrected != word:
                fixes[word] = corrected
    return fixes

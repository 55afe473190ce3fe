"""Text helpers shared by both search backends: folding, query parsing, snippets.

``fold`` is the one definition of "the same letter for search": SQLite calls it from SQL (it
is registered on every SQLite connection as ``fold``), and both backends use it to decide which
words of a snippet to mark.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache

#: Longest query used, in characters; longer input is cut to this and the reader is told.
MAX_QUERY_LENGTH = 200
#: Most words (and phrases) used from one query; the rest are ignored and the reader is told.
MAX_TERMS = 12
#: Fuzzy (trigram) matching only considers words at least this long.
MIN_FUZZY_LENGTH = 4
#: Characters of text shown around the first match.
SNIPPET_LENGTH = 280

# Letters that Unicode decomposition leaves alone but a reader treats as a plain letter.
# (ş/ș and ţ/ț need no entry: NFKD splits them into s/t and a combining mark.)
_LETTERS = str.maketrans(
    {
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "Ð": "d",
        "ł": "l",
        "Ł": "l",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "þ": "th",
        "Þ": "th",
        "ı": "i",
    }
)

#: A word: letters and digits (with any combining marks), as in the passage text.
WORD = re.compile(r"(?:[^\W_]|[\u0300-\u036f])+")
# A query token: a quoted phrase (the closing quote may be missing), a word, with an optional
# leading minus (exclusion) when it starts the token.
_TOKEN = re.compile(
    r'(?P<neg>(?<![^\s])-)?(?:"(?P<phrase>[^"]*)"?|(?P<word>(?:[^\W_]|[\u0300-\u036f])+))'
)


def fold(text):
    """Fold ``text`` for comparison: no diacritics, no case.

    NFKD, drop combining marks, map the few letters that do not decompose (ø, ł, æ, …),
    casefold. ``fold("Chișinău") == fold("CHIŞINĂU") == "chisinau"``. ``None`` stays ``None``
    (SQLite passes NULL through).
    """
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", str(text))
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return stripped.translate(_LETTERS).casefold()


# ---------------------------------------------------------------------------------------------
# Queries
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """A word or a quoted phrase of the query: as typed (NFC) and folded."""

    text: str
    folded: str

    @property
    def is_phrase(self):
        return " " in self.folded


@dataclass(frozen=True)
class Group:
    """Terms that must all match (and excluded terms that must not); groups are ORed."""

    include: tuple
    exclude: tuple = ()


@dataclass
class ParsedQuery:
    """A query cut to the limits, split into OR groups of terms, with notes for the reader."""

    raw: str
    groups: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    @property
    def is_searchable(self):
        return bool(self.groups)

    @property
    def terms(self):
        """Every term to look for (not the excluded ones), folded, without repeats."""
        seen = []
        for group in self.groups:
            for term in group.include:
                if term.folded not in seen:
                    seen.append(term.folded)
        return seen

    @property
    def words(self):
        """The folded words of every term, phrases split into their words."""
        words = []
        for term in self.terms:
            for word in term.split():
                if word not in words:
                    words.append(word)
        return words

    def websearch_text(self):
        """The query again in ``websearch_to_tsquery`` syntax, built from the parsed terms.

        PostgreSQL then sees exactly the terms the other backend sees (cut to the same
        limits); it is passed as a query parameter, never spliced into SQL.
        """
        parts = []
        for group in self.groups:
            items = [_websearch_term(term) for term in group.include]
            items += ["-" + _websearch_term(term) for term in group.exclude]
            parts.append(" ".join(items))
        return " or ".join(parts)


def _websearch_term(term):
    return f'"{term.text}"' if term.is_phrase else term.text


def parse_query(raw, *, was_cut=False):
    """Parse ``raw`` the way ``websearch_to_tsquery`` reads it, within the limits.

    Words must all match; ``"a phrase"`` matches those words in that order; ``-word``
    excludes; ``or`` between terms offers alternatives. Punctuation is ignored. ``was_cut``
    says the caller already cut a longer query to ``MAX_QUERY_LENGTH``.
    """
    text = unicodedata.normalize("NFC", raw or "").strip()
    query = ParsedQuery(raw=text)
    if not text:
        query.notes.append("Type a word, a name or a phrase to search for.")
        return query
    if was_cut or len(text) > MAX_QUERY_LENGTH:
        text = text[:MAX_QUERY_LENGTH]
        query.raw = text
        query.notes.append(
            f"Your search was longer than {MAX_QUERY_LENGTH} characters; "
            f"only its first {MAX_QUERY_LENGTH} were used."
        )

    groups, include, exclude, used, dropped = [], [], [], 0, False
    for match in _TOKEN.finditer(text):
        if match["phrase"] is not None:
            words = WORD.findall(match["phrase"])
            if not words:
                continue
            term = Term(" ".join(words), " ".join(fold(word) for word in words))
        else:
            word = match["word"]
            if word.casefold() == "or" and not match["neg"]:
                if include or exclude:
                    groups.append(Group(tuple(include), tuple(exclude)))
                include, exclude = [], []
                continue
            term = Term(word, fold(word))
        if used >= MAX_TERMS:
            dropped = True
            continue
        used += 1
        (exclude if match["neg"] else include).append(term)
    groups.append(Group(tuple(include), tuple(exclude)))

    query.groups = [group for group in groups if group.include]
    if dropped:
        query.notes.append(f"Only the first {MAX_TERMS} words of your search were used.")
    if not query.groups:
        if any(group.exclude for group in groups):
            query.notes.append(
                "Add a word to look for: a search cannot consist only of excluded words."
            )
        else:
            query.notes.append("Your search has no letters or digits to look for.")
    return query


# ---------------------------------------------------------------------------------------------
# Snippets
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    text: str
    marked: bool = False


@lru_cache(maxsize=16384)
def _fold_word(word):
    return fold(word)


# Cached: a page's snippets test the same few hundred words against the same query words, and
# the near-spelling comparison (SequenceMatcher) took a third of a second for a page of 20
# hits and three query words.
@lru_cache(maxsize=16384)
def _word_matches(word, term):
    """Whether a folded ``word`` of the text answers a folded query word ``term``.

    Substrings (how SQLite matches), shared stems (how PostgreSQL's stemmers match:
    "occupations" marks "occupation"), and near spellings (the trigram fallback:
    "ciorenescu" marks "Ciorănescu").
    """
    if word == term or word.startswith(term) or (len(term) >= 3 and term in word):
        return True
    if len(term) >= 5:
        stem = max(4, len(term) - 3)
        if word[:stem] == term[:stem]:
            return True
    if len(term) >= MIN_FUZZY_LENGTH and abs(len(word) - len(term)) <= 3:
        return SequenceMatcher(None, word, term).ratio() >= 0.8
    return False


@lru_cache(maxsize=32768)
def _is_match(word, words):
    """Whether a word of the text (as written) answers one of the folded query ``words``."""
    folded = _fold_word(word)
    return any(_word_matches(folded, term) for term in words)


def _window(text, first, length):
    """(start, end) of about ``length`` characters of ``text`` around position ``first``."""
    start, end = 0, len(text)
    if len(text) > length:
        start = max(0, first - length // 4)
        if start:
            space = text.find(" ", start)
            start = space + 1 if 0 <= space < first else start
        end = min(len(text), start + length)
        if end < len(text):
            space = text.rfind(" ", start, end)
            end = space if space > start else end
    return start, end


def snippet(text, words, length=SNIPPET_LENGTH):
    """Cut ``text`` to about ``length`` characters around its first match; mark matching words.

    Returns a list of ``Segment``; templates escape each segment and wrap marked ones in
    ``<mark>``, so nothing of ``text`` is ever trusted as HTML.
    """
    text = text or ""
    words = tuple(words)
    marks, start, end = [], None, None
    for match in WORD.finditer(text):
        if end is not None and match.start() >= end:
            break  # past the part shown: the rest need not be marked
        if _is_match(match.group(), words):
            marks.append((match.start(), match.end()))
            if start is None:
                start, end = _window(text, match.start(), length)
    if start is None:
        start, end = _window(text, 0, length)

    segments = [Segment("…")] if start else []
    position = start
    for mark_start, mark_end in marks:
        if mark_end <= start or mark_start >= end:
            continue
        mark_start, mark_end = max(mark_start, start), min(mark_end, end)
        if mark_start > position:
            segments.append(Segment(text[position:mark_start]))
        segments.append(Segment(text[mark_start:mark_end], marked=True))
        position = mark_end
    if position < end:
        segments.append(Segment(text[position:end]))
    if end < len(text):
        segments.append(Segment("…"))
    return segments

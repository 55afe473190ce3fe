"""Text helpers shared by both search backends: folding and query parsing.

``fold`` is the one definition of "the same letter for search": SQLite calls it from SQL (it
is registered on every SQLite connection as ``fold``), and both backends use it to decide which
words of a snippet to mark.
"""

import re
import unicodedata
from dataclasses import dataclass, field

#: Longest query used, in characters; longer input is cut to this and the reader is told.
MAX_QUERY_LENGTH = 200
#: Most words (and phrases) used from one query; the rest are ignored and the reader is told.
MAX_TERMS = 12
#: Only words at least this long are corrected (search.spelling) or marked as near spellings.
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
    """A word or a quoted phrase of the query: as typed (NFC) and folded.

    ``forms`` are the written forms looked for instead of ``text`` when the term stands for
    more than itself: every name of a place (search.places). Empty: just ``text``.
    """

    text: str
    folded: str
    forms: tuple = ()

    @property
    def is_phrase(self):
        return " " in self.folded

    @property
    def alternatives(self):
        """What to look for, as written: the forms, or the term itself."""
        return self.forms or (self.text,)

    @property
    def folded_alternatives(self):
        return tuple(dict.fromkeys(fold(form) for form in self.alternatives))


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
        """The folded words of every term and of its alternatives, phrases split into their
        words: the words a snippet marks."""
        words = []
        for group in self.groups:
            for term in group.include:
                for alternative in term.folded_alternatives:
                    for word in alternative.split():
                        if word not in words:
                            words.append(word)
        return words

    def replace(self, terms):
        """A copy with some terms replaced: ``terms`` maps a Term to its replacement."""
        groups = [
            Group(
                tuple(terms.get(term, term) for term in group.include),
                tuple(terms.get(term, term) for term in group.exclude),
            )
            for group in self.groups
        ]
        return ParsedQuery(raw=self.raw, groups=groups, notes=list(self.notes))


def parse_query(raw, *, was_cut=False):
    """Parse ``raw`` the way web search boxes (and ``websearch_to_tsquery``) read a query,
    within the limits.

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

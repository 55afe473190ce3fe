"""Snippets: a hit's text cut around its first match, with the matching words marked."""

import html
import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from annotations.rendering import render_markdown

from .text import MIN_FUZZY_LENGTH, SNIPPET_LENGTH, WORD, fold

_BLOCK_TAG = re.compile(r"</?(?:p|br|li|ul|ol|blockquote|pre|h[1-6]|hr)\b[^>]*>")
_TAG = re.compile(r"<[^>]*>")


def plain_text(markdown):
    """What a Markdown body reads as, without its markup: the rendered note, tags removed.

    The result is text (a template escapes it again); ``render_markdown`` has already
    sanitised it, so its tags are well formed.
    """
    rendered = _BLOCK_TAG.sub(" ", str(render_markdown(markdown)))
    return " ".join(html.unescape(_TAG.sub("", rendered)).split())


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
    "occupations" marks "occupation"), and near spellings (a word the search did not correct
    may still be spelt a little differently in the text).
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

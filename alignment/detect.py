"""Compare an aligned pair of texts for what should survive translation.

Pure functions; ``alignment.services.detect_discrepancies`` stores what they find as
suggestions for moderators. For one aligned pair (a translation passage or span and the
original passage or span it translates):

1. both sides are read by ``alignment.anchors.analyse``;
2. their sentences are aligned with each other (in order, by shared anchors and length);
3. dates, years and figures are matched one by one (a figure matches in either number
   convention; a date without a year matches the same day and month with one). What is left
   over is paired in order: a translation date left over beside an original date left over is
   a *different* date; a lone one is an *added* or *missing* date or figure;
4. names are compared as sets: a name on one side only is *added* or *missing*; added names in
   consecutive sentences make one finding, from the clause where the first one stands to the
   end of the sentence of the last one;
5. explicit negations are counted in each pair of aligned sentences; a different count is a
   possible reversal of polarity;
6. a sentence of forty characters or more that the translation already has, word for word,
   in an earlier passage is a *repetition*.

Each finding quotes both sides and names the translation's span to flag.
"""

import re
from dataclasses import dataclass, field

from .anchors import analyse, entity_label, fold
from .suggest import Scorer, _unit

CATEGORY = {
    "date": "date",
    "year": "date",
    "number": "figure",
    "entity": "translation",
    "negation": "translation",
    "repetition": "translation",
}
#: A repeated sentence must be at least this long to count (short ones repeat naturally).
REPETITION_MIN_LENGTH = 40
QUOTE_LIMIT = 400
#: How far apart (as a share of their sentences) two negations may stand and still be paired.
NEGATION_TOLERANCE = 0.2


@dataclass
class Side:
    """One side of a pair: a passage, the part of it aligned, and its analysis."""

    passage: object
    start: int
    end: int
    language: str
    analysis: object = None
    items: list = field(default_factory=list)
    sentences: list = field(default_factory=list)

    @classmethod
    def of(cls, passage, start, end, language):
        start = 0 if start is None else start
        end = len(passage.text) if end is None else end
        side = cls(passage, start, end, language)
        side.analysis = analyse(passage.text, language)
        side.items = [i for i in side.analysis.items if start <= i.start and i.end <= end]
        side.sentences = [
            (max(a, start), min(b, end))
            for a, b in side.analysis.sentences
            if a < end and b > start and _has_words(passage.text[max(a, start) : min(b, end)])
        ] or [(start, end)]
        return side

    def text(self, start=None, end=None):
        return self.passage.text[self.start if start is None else start : end or self.end]

    def sentence_of(self, position):
        for index, (a, b) in enumerate(self.sentences):
            if a <= position < b:
                return index
        return len(self.sentences) - 1


def _has_words(text):
    return any(character.isalnum() for character in text)


@dataclass
class Finding:
    kind: str
    #: "differs", "added" (only in the translation), "missing" (only in the original), or
    #: "count" (negations).
    change: str
    start: int
    end: int
    to_start: int
    to_end: int
    translation_items: list
    original_items: list
    statement: str

    @property
    def category(self):
        return CATEGORY[self.kind]

    @property
    def key(self):
        return f"{self.kind}:{self.change}:{self.start}-{self.end}:{self.to_start}-{self.to_end}"


def _clip(text, limit=QUOTE_LIMIT):
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _quote(text):
    return f"“{_clip(text)}”"


# ---------------------------------------------------------------------------
# Sentences of the two sides, aligned
# ---------------------------------------------------------------------------

BEADS = ((1, 1), (1, 2), (2, 1), (1, 3), (3, 1), (2, 2), (1, 0), (0, 1))


def align_sentences(translation, original):
    """Groups ``([translation sentence indices], [original sentence indices])`` in order."""
    t_units = [
        _unit(translation.passage, a, b, translation.analysis, set())
        for a, b in translation.sentences
    ]
    o_units = [
        _unit(original.passage, a, b, original.analysis, set()) for a, b in original.sentences
    ]
    scorer = Scorer(t_units + o_units)
    n, m = len(t_units), len(o_units)
    best = {(0, 0): (0.0, None)}
    for i in range(n + 1):
        for j in range(m + 1):
            if (i, j) not in best:
                continue
            value = best[(i, j)][0]
            for a, b in BEADS:
                if i + a > n or j + b > m:
                    continue
                if a and b:
                    t_run, o_run = t_units[i : i + a], o_units[j : j + b]
                    gain = (
                        scorer.score(
                            set().union(*(u.anchors for u in t_run)),
                            sum(u.length for u in t_run),
                            set().union(*(u.anchors for u in o_run)),
                            sum(u.length for u in o_run),
                        )
                        - 0.1
                    )
                else:
                    gain = 0.0
                target = (i + a, j + b)
                if target not in best or value + gain > best[target][0]:
                    best[target] = (value + gain, (i, j, a, b))
    groups, position = [], (n, m)
    while position != (0, 0):
        i, j, a, b = best[position][1]
        groups.append((list(range(i, i + a)), list(range(j, j + b))))
        position = (i, j)
    groups.reverse()
    return groups


class Pair:
    def __init__(self, translation, original):
        self.t = translation
        self.o = original
        self.groups = align_sentences(translation, original)

    def _span(self, side, indices):
        if not indices:
            return side.start, side.end
        return side.sentences[indices[0]][0], side.sentences[indices[-1]][1]

    def counterpart(self, side, position):
        """The other side's span aligned with the sentence of ``side`` at ``position``."""
        mine, theirs = (self.t, self.o) if side is self.t else (self.o, self.t)
        index = mine.sentence_of(position)
        for t_indices, o_indices in self.groups:
            own, other = (t_indices, o_indices) if side is self.t else (o_indices, t_indices)
            if index in own:
                return self._span(theirs, other)
        return theirs.start, theirs.end

    def sentence_span(self, side, position):
        a, b = side.sentences[side.sentence_of(position)]
        return a, b


# ---------------------------------------------------------------------------
# The checks
# ---------------------------------------------------------------------------


def _unmatched(mine, theirs, also=()):
    """Items of ``mine`` with no match in ``theirs`` (each match used once) nor in ``also``."""
    left = list(theirs)
    unmatched = []
    for item in mine:
        match = next((other for other in left if item.matches(other)), None)
        if match is not None:
            left.remove(match)
        elif not any(_year_in(item, other) for other in also):
            unmatched.append(item)
    return unmatched


def _year_in(item, other):
    """A bare year matches the year of a date on the other side."""
    return item.kind == "year" and other.kind == "date" and other.key[2] == item.key


def _figures(pair, kind):
    t_items = [i for i in pair.t.items if i.kind == kind]
    o_items = [i for i in pair.o.items if i.kind == kind]
    t_dates = [i for i in pair.t.items if i.kind == "date"]
    o_dates = [i for i in pair.o.items if i.kind == "date"]
    t_left = _unmatched(t_items, o_items, also=o_dates if kind == "year" else ())
    o_left = _unmatched(o_items, t_items, also=t_dates if kind == "year" else ())
    what = {"date": "date", "year": "year", "number": "figure"}[kind]
    findings = []
    for t_item, o_item in zip(t_left, o_left, strict=False):
        t_sentence = pair.sentence_span(pair.t, t_item.start)
        o_sentence = pair.sentence_span(pair.o, o_item.start)
        findings.append(
            Finding(
                kind,
                "differs",
                t_item.start,
                t_item.end,
                o_item.start,
                o_item.end,
                [t_item.text],
                [o_item.text],
                f"The translation has “{t_item.text}” where the original has "
                f"“{o_item.text}”. Translation: {_quote(pair.t.text(*t_sentence))} "
                f"Original: {_quote(pair.o.text(*o_sentence))}",
            )
        )
    pairs = min(len(t_left), len(o_left))
    for t_item in t_left[pairs:]:
        t_sentence = pair.sentence_span(pair.t, t_item.start)
        o_span = pair.counterpart(pair.t, t_item.start)
        findings.append(
            Finding(
                kind,
                "added",
                t_item.start,
                t_item.end,
                *o_span,
                [t_item.text],
                [],
                f"The translation has the {what} “{t_item.text}”, which the original "
                f"does not. Translation: {_quote(pair.t.text(*t_sentence))} "
                f"Original: {_quote(pair.o.text(*o_span))}",
            )
        )
    for o_item in o_left[pairs:]:
        t_span = pair.counterpart(pair.o, o_item.start)
        o_sentence = pair.sentence_span(pair.o, o_item.start)
        findings.append(
            Finding(
                kind,
                "missing",
                *t_span,
                o_item.start,
                o_item.end,
                [],
                [o_item.text],
                f"The original has the {what} “{o_item.text}”, which the translation "
                f"does not. Translation: {_quote(pair.t.text(*t_span))} "
                f"Original: {_quote(pair.o.text(*o_sentence))}",
            )
        )
    return findings


def _clause_start(side, position):
    """Where the clause holding ``position`` starts: after the last comma, semicolon, colon or
    dash before it in its sentence, or the sentence start."""
    sentence_start, _ = side.sentences[side.sentence_of(position)]
    text = side.passage.text
    for index in range(position - 1, sentence_start - 1, -1):
        if text[index] in ",;:" or text[index : index + 2] in (" –", " —"):
            start = index + 1
            while start < position and text[start].isspace():
                start += 1
            return start
    return sentence_start


def _names(pair):
    t_keys = {i.key for i in pair.t.items if i.kind == "entity"}
    o_keys = {i.key for i in pair.o.items if i.kind == "entity"}
    findings = []
    added = [i for i in pair.t.items if i.kind == "entity" and i.key not in o_keys]
    # Consecutive sentences with added names make one finding.
    runs = []
    for item in added:
        index = pair.t.sentence_of(item.start)
        if runs and index - runs[-1][-1][0] <= 1:
            runs[-1].append((index, item))
        else:
            runs.append([(index, item)])
    for run in runs:
        first = run[0][1]
        start = _clause_start(pair.t, first.start)
        end = pair.t.sentences[run[-1][0]][1]
        o_span = pair.counterpart(pair.t, first.start)
        labels = _unique(_name(i) for _, i in run)
        findings.append(
            Finding(
                "entity",
                "added",
                start,
                end,
                *o_span,
                _unique(i.text for _, i in run),
                [],
                f"The translation names {', '.join(labels)}, which the aligned original "
                f"does not. Translation: {_quote(pair.t.text(start, end))} "
                f"Original: {_quote(pair.o.text(*o_span))}",
            )
        )
    missing = {}
    for item in pair.o.items:
        if item.kind == "entity" and item.key not in t_keys:
            missing.setdefault(pair.counterpart(pair.o, item.start), []).append(item)
    for t_span, items in missing.items():
        o_start = min(pair.sentence_span(pair.o, i.start)[0] for i in items)
        o_end = max(pair.sentence_span(pair.o, i.start)[1] for i in items)
        labels = _unique(_name(i) for i in items)
        findings.append(
            Finding(
                "entity",
                "missing",
                *t_span,
                o_start,
                o_end,
                [],
                labels,
                f"The original names {', '.join(labels)}, which the aligned translation "
                f"does not. Translation: {_quote(pair.t.text(*t_span))} "
                f"Original: {_quote(pair.o.text(o_start, o_end))}",
            )
        )
    return findings


def _name(item):
    """“Italiei” (Italy): the name as written, and what the table calls it when that differs."""
    label = entity_label(item.key).split(" (")[0]
    return f"“{item.text}”" if label == item.text else f"“{item.text}” ({label})"


def _unique(values):
    seen = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return seen


#: Words that open a new clause; a polarity finding points at one clause.
CONJUNCTIONS = {
    "en": r"and|but|or|while|whereas|although|though|because|since|yet",
    "ro": r"si|dar|iar|ci|insa|sau|desi|deoarece",
}


def clauses(side, start, end):
    """(start, end) of the clauses of ``side``'s text between ``start`` and ``end``: cut at
    commas, semicolons, colons, brackets, dashes and coordinating conjunctions."""
    words = CONJUNCTIONS.get(side.language, CONJUNCTIONS["en"])
    boundary = re.compile(rf"[,;:()]|\s[-–—]\s|\s(?:{words})\s", re.I)
    text = fold(side.passage.text)
    cuts = [start]
    for match in boundary.finditer(text, start, end):
        cuts.append(match.end())
    cuts.append(end)
    spans = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1] in " ,;:(":
            b -= 1
        if a < b and _has_words(text[a:b]):
            spans.append((a, b))
    return spans or [(start, end)]


def _relative(item, start, end):
    return (item.start - start) / max(1, end - start)


def _clause_at(side, start, end, position):
    for a, b in clauses(side, start, end):
        if position < b:
            return a, b
    return clauses(side, start, end)[-1]


def _negations(pair):
    """Negations paired in order by their place in the aligned sentences; one left over is a
    possible reversal, pointed at the clause where it stands (or, when the original has it,
    the clause of the translation at the same relative place)."""
    findings = []
    for t_indices, o_indices in pair.groups:
        if not t_indices or not o_indices:
            continue
        t_start, t_end = pair._span(pair.t, t_indices)
        o_start, o_end = pair._span(pair.o, o_indices)
        t_neg = [i for i in pair.t.items if i.kind == "negation" and t_start <= i.start < t_end]
        o_neg = [i for i in pair.o.items if i.kind == "negation" and o_start <= i.start < o_end]
        if len(t_neg) == len(o_neg):
            continue
        t_left, o_left = list(t_neg), list(o_neg)
        for o_item in o_neg:
            place = _relative(o_item, o_start, o_end)
            match = next(
                (
                    t_item
                    for t_item in t_left
                    if abs(_relative(t_item, t_start, t_end) - place) <= NEGATION_TOLERANCE
                ),
                None,
            )
            if match is not None:
                t_left.remove(match)
                o_left.remove(o_item)
        if t_left:
            start, end = _clause_at(pair.t, t_start, t_end, t_left[0].start)
        elif o_left:
            place = _relative(o_left[0], o_start, o_end)
            start, end = _clause_at(pair.t, t_start, t_end, t_start + place * (t_end - t_start))
        else:  # pragma: no cover - different counts always leave one over
            start, end = t_start, t_end

        def listed(items):
            return ", ".join(f"“{i.text}”" for i in items) if items else "none"

        findings.append(
            Finding(
                "negation",
                "count",
                start,
                end,
                o_start,
                o_end,
                [i.text for i in t_neg],
                [i.text for i in o_neg],
                f"The original has {len(o_neg)} negation"
                f"{'s' if len(o_neg) != 1 else ''} ({listed(o_neg)}), the translation "
                f"{len(t_neg)} ({listed(t_neg)}); a statement may have been reversed here: "
                f"{_quote(pair.t.text(start, end))}. "
                f"Translation: {_quote(pair.t.text(t_start, t_end))} "
                f"Original: {_quote(pair.o.text(o_start, o_end))}",
            )
        )
    return findings


def _normalised(text):
    return " ".join(text.split())


def _repetitions(pair, earlier_passages):
    findings = []
    seen = {}
    for passage in earlier_passages:
        for a, b in analyse(passage.text, pair.t.language).sentences:
            sentence = _normalised(passage.text[a:b])
            if len(sentence) >= REPETITION_MIN_LENGTH:
                seen.setdefault(sentence, passage)
    text = pair.t.passage.text
    for a, b in pair.t.sentences:
        sentence = _normalised(text[a:b])
        if len(sentence) < REPETITION_MIN_LENGTH:
            continue
        if sentence in seen:
            o_span = pair.counterpart(pair.t, a)
            findings.append(
                Finding(
                    "repetition",
                    "added",
                    a,
                    b,
                    *o_span,
                    [sentence],
                    [],
                    f"The translation repeats, word for word, a sentence it already "
                    f"has in passage {seen[sentence].order}: {_quote(sentence)} "
                    f"Original: {_quote(pair.o.text(*o_span))}",
                )
            )
        else:
            seen[sentence] = pair.t.passage
    return findings


def compare(
    passage,
    span,
    to_passage,
    to_span,
    language,
    original_language,
    earlier_passages=(),
):
    """Findings for one aligned pair, in the order of the translation's text."""
    translation = Side.of(passage, *(span or (None, None)), language)
    original = Side.of(to_passage, *(to_span or (None, None)), original_language)
    pair = Pair(translation, original)
    findings = (
        _figures(pair, "date")
        + _figures(pair, "year")
        + _figures(pair, "number")
        + _names(pair)
        + _negations(pair)
        + _repetitions(pair, earlier_passages)
    )
    findings.sort(key=lambda f: (f.start, f.end, f.kind))
    return findings

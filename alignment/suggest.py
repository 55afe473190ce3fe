"""Propose which passages of an original a translation's passages translate.

Pure functions over passages (anything with ``pk``, ``order``, ``anchor`` and ``text``); the
service in ``alignment.services`` stores what they propose as suggestions.

How: the original is cut into sentences, and each translation passage is matched to a run of
consecutive original sentences (one to eight, possibly across passages: one to many) by a
dynamic programme that keeps the order of both texts. A match scores by the anchors the two
sides share (dates, figures, years, names; rarer anchors weigh more) and by how well their
lengths agree; an original sentence may be left out (the translation skipped it), and so may a
translation passage (it has no counterpart). A translation passage the programme leaves
without a match is looked for again anywhere in the original (a repeated or moved passage); if
nothing scores well enough, it is proposed as having no counterpart.
"""

import math
from dataclasses import dataclass, field

from .anchors import analyse, capitalised_words, entity_label, fold

#: Weight of one shared anchor by kind, before rarity.
KIND_WEIGHT = {"date": 3.0, "number": 3.0, "year": 1.5, "entity": 1.0, "word": 1.0}
#: A match must score above this to be preferred to leaving both sides unmatched.
MATCH_THRESHOLD = 0.2
#: A passage left out by the ordered pass is proposed elsewhere only when it scores this much.
OUT_OF_ORDER_THRESHOLD = 0.5
#: Cost of leaving out an original sentence between two matched ones.
GAP_PENALTY = 0.02
#: Cost of a run of original sentences crossing a passage boundary.
CROSSING_PENALTY = 0.05
MAX_RUN = 8
#: Expected length of a translation relative to its original (Romanian runs a little longer).
LENGTH_RATIO = 1.05
LENGTH_SPREAD = 0.35


@dataclass
class Unit:
    passage: object
    start: int
    end: int
    text: str
    anchors: set
    #: For readable reasons: key -> the text it was found as.
    found_as: dict = field(default_factory=dict)

    @property
    def length(self):
        return max(1, self.end - self.start)


@dataclass
class Proposal:
    """One proposed link: ``passage`` translates ``to_passage`` (span ``start``–``end``, or the
    whole passage when None); ``to_passage`` None proposes "no counterpart"."""

    passage: object
    to_passage: object
    start: object
    end: object
    score: float
    reasons: list
    out_of_order: bool = False

    @property
    def key(self):
        return proposal_key(self.to_passage, self.start, self.end)


def proposal_key(to_passage, start, end):
    if to_passage is None:
        return "none"
    if start is None:
        return f"{to_passage.pk}"
    return f"{to_passage.pk}:{start}-{end}"


def _anchor_key(item):
    if item.kind == "date":
        day, month, _year = item.key
        return ("date", day, month)
    return (item.kind, item.key)


def _unit(passage, start, end, analysis, shared_words):
    anchors, found_as = set(), {}
    for item in analysis.items:
        if item.kind == "negation" or not (start <= item.start < end):
            continue
        keys = [_anchor_key(item)]
        if item.kind == "date" and item.key[2]:
            keys.append(("year", item.key[2]))
        for key in keys:
            anchors.add(key)
            found_as.setdefault(key, item.text)
    for word in capitalised_words(passage.text[start:end]) & shared_words:
        anchors.add(("word", word))
        found_as.setdefault(("word", word), word)
    return Unit(passage, start, end, passage.text[start:end], anchors, found_as)


def sentence_units(passages, language, shared_words):
    units = []
    for passage in passages:
        analysis = analyse(passage.text, language)
        for start, end in analysis.sentences:
            units.append(_unit(passage, start, end, analysis, shared_words))
    return units


def passage_units(passages, language, shared_words):
    units = []
    for passage in passages:
        analysis = analyse(passage.text, language)
        units.append(_unit(passage, 0, len(passage.text), analysis, shared_words))
    return units


class Scorer:
    """Similarity of a translation unit and a run of original units."""

    def __init__(self, units):
        frequency = {}
        for unit in units:
            for key in unit.anchors:
                frequency[key] = frequency.get(key, 0) + 1
        total = max(1, len(units))
        self.weight = {
            key: KIND_WEIGHT.get(key[0], 1.0) * math.log(1 + total / count)
            for key, count in frequency.items()
        }

    def weigh(self, keys):
        return sum(self.weight.get(key, 1.0) for key in keys)

    def score(self, anchors, length, other_anchors, other_length):
        total = self.weigh(anchors) + self.weigh(other_anchors)
        dice = 2 * self.weigh(anchors & other_anchors) / total if total else 0.0
        deviation = math.log(length / other_length) - math.log(LENGTH_RATIO)
        lengths = math.exp(-(deviation**2) / (2 * LENGTH_SPREAD**2))
        return 0.8 * dice + 0.2 * lengths


def _run(units, start, count):
    run = units[start : start + count]
    anchors = set().union(*(unit.anchors for unit in run))
    length = sum(unit.length for unit in run) + len(run) - 1
    crossings = sum(1 for a, b in zip(run, run[1:], strict=False) if a.passage is not b.passage)
    return anchors, length, crossings


def ordered_matches(translation, original, scorer, max_run=MAX_RUN):
    """For each translation unit, (first original unit, count) or None, keeping both orders."""
    n, m = len(translation), len(original)
    runs = {
        (j, k): _run(original, j, k) for j in range(m) for k in range(1, max_run + 1) if j + k <= m
    }
    minus_infinity = float("-inf")
    best = [[minus_infinity] * (m + 1) for _ in range(n + 1)]
    back = [[None] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            value = best[i][j]
            if value == minus_infinity:
                continue
            if j < m:
                penalty = GAP_PENALTY if 0 < i < n else 0.0
                if value - penalty > best[i][j + 1]:
                    best[i][j + 1] = value - penalty
                    back[i][j + 1] = (i, j, None)
            if i < n:
                if value > best[i + 1][j]:
                    best[i + 1][j] = value
                    back[i + 1][j] = (i, j, None)
                unit = translation[i]
                for k in range(1, max_run + 1):
                    if j + k > m:
                        break
                    anchors, length, crossings = runs[(j, k)]
                    gain = (
                        scorer.score(unit.anchors, unit.length, anchors, length)
                        - MATCH_THRESHOLD
                        - CROSSING_PENALTY * crossings
                    )
                    if value + gain > best[i + 1][j + k]:
                        best[i + 1][j + k] = value + gain
                        back[i + 1][j + k] = (i, j, k)
    matches = [None] * n
    i, j = n, m
    while (i, j) != (0, 0):
        previous_i, previous_j, k = back[i][j]
        if k is not None:
            matches[previous_i] = (previous_j, k)
        i, j = previous_i, previous_j
    return matches


def best_anywhere(unit, original, scorer, max_run=4):
    best = (0.0, None)
    for j in range(len(original)):
        for k in range(1, max_run + 1):
            if j + k > len(original):
                break
            anchors, length, crossings = _run(original, j, k)
            if crossings:
                break
            score = scorer.score(unit.anchors, unit.length, anchors, length)
            if score > best[0]:
                best = (score, (j, k))
    return best


def _describe(key, unit, run):
    kind = key[0]
    if kind == "entity":
        return f"name: {entity_label(key[1])}"
    if kind == "word":
        return f"name: {key[1]}"
    if kind == "year":
        return f"year: {key[1]}"
    theirs = next((u.found_as[key] for u in run if key in u.found_as), "")
    ours = unit.found_as.get(key, "")
    label = {"date": "date", "number": "figure"}[kind]
    return f"{label}: {ours} = {theirs}" if ours != theirs else f"{label}: {ours}"


def _reasons(unit, run):
    """Readable shared anchors: dates and figures first, then years, then names; a name the
    table knows is not repeated as a plain capitalised word."""
    shared = unit.anchors & set().union(*(u.anchors for u in run))
    order = {"date": 0, "number": 1, "year": 2, "entity": 3, "word": 4}
    named = {
        fold(text) for key, text in unit.found_as.items() if key in shared and key[0] == "entity"
    }
    reasons = []
    for key in sorted(shared, key=lambda k: (order.get(k[0], 9), str(k[1:]))):
        if key[0] == "word" and any(key[1] in name for name in named):
            continue
        reason = _describe(key, unit, run)
        if reason not in reasons:
            reasons.append(reason)
    return reasons


def _proposals_for(unit, run, score, out_of_order, previous):
    reasons = _reasons(unit, run)
    if out_of_order:
        reasons.append("out of order: found by its anchors elsewhere in the original")
    elif previous is not None:
        reasons.append(f"in order, after {previous}")
    else:
        reasons.append("in order")
    by_passage = {}
    for u in run:
        by_passage.setdefault(u.passage.pk, []).append(u)
    proposals = []
    for units in by_passage.values():
        passage = units[0].passage
        start, end = units[0].start, units[-1].end
        whole = passage.text[:start].strip() == "" and passage.text[end:].strip() == ""
        proposals.append(
            Proposal(
                passage=unit.passage,
                to_passage=passage,
                start=None if whole else start,
                end=None if whole else end,
                score=round(score, 3),
                reasons=reasons,
                out_of_order=out_of_order,
            )
        )
    return proposals


def propose(translation_passages, original_passages, translation_language, original_language):
    """Proposals for every translation passage, in its order."""
    translation_passages = list(translation_passages)
    original_passages = list(original_passages)
    shared_words = set()
    if translation_passages and original_passages:
        shared_words = capitalised_words(
            " ".join(p.text for p in translation_passages)
        ) & capitalised_words(" ".join(p.text for p in original_passages))
    translation = passage_units(translation_passages, translation_language, shared_words)
    original = sentence_units(original_passages, original_language, shared_words)
    scorer = Scorer(translation + original)
    matches = ordered_matches(translation, original, scorer)
    proposals, previous = [], None
    for unit, match in zip(translation, matches, strict=True):
        if match is not None:
            j, k = match
            run = original[j : j + k]
            anchors, length, _ = _run(original, j, k)
            score = scorer.score(unit.anchors, unit.length, anchors, length)
            proposals += _proposals_for(unit, run, score, False, previous)
            previous = f"{unit.passage.anchor} ↔ {run[0].passage.anchor}"
            continue
        score, where = best_anywhere(unit, original, scorer)
        if where is not None and score >= OUT_OF_ORDER_THRESHOLD:
            j, k = where
            proposals += _proposals_for(unit, original[j : j + k], score, True, previous)
            continue
        proposals.append(
            Proposal(
                passage=unit.passage,
                to_passage=None,
                start=None,
                end=None,
                score=round(1 - score, 3),
                reasons=[
                    "no run of original sentences shares enough with it "
                    f"(best candidate scored {score:.2f})"
                ],
            )
        )
    return proposals

"""A revised English article, made from the received one by named edits, and the measure of how
the scholarship re-anchors on it (docs/importer.md, "Revisions")."""

import importlib.util
import random
import re
import time
from dataclasses import dataclass

from annotations.models import Anchoring, Annotation, Motivation, Visibility
from annotations.services import TargetData, create_annotation

ENGLISH_SOURCE = "000_7b11acfc32eec4c2.txt"

#: (kind, old text, new text): each old text occurs once in the received article.
EDITS = (
    ("typo", "would only by peaceful means", "would only be settled by peaceful means"),
    ("typo", "were signatories the London Convention", "were signatories to the London Convention"),
    ("typo", "a national assembly  was formed", "a national assembly was formed"),
    ("typo", "violated the Molotov-Ribbentrop Pact", "violated the Molotov–Ribbentrop Pact"),
    (
        "reworded",
        "This is considered to be an important factor in the Soviets' decision to issue the "
        "ultimatum.",
        "Historians count this among the main reasons why the Soviets decided to issue the "
        "ultimatum.",
    ),
    ("reworded", "were also occupied by the Soviet Army.", "were also seized by the Red Army."),
)
#: The paragraph moved (from the end of the lead to after its second paragraph), the one
#: deleted, and the one inserted (after the first paragraph of Background).
MOVED = "Bessarabia, Northern Bukovina and Hertsa remained part of the Soviet Union until"
MOVED_AFTER = "The Soviet Union had planned to accomplish the annexation"
DELETED = "Back in August 1916, the Entente and the neutral Romania signed"
INSERTED_AFTER = "As a historical region, Bessarabia was the eastern part"
INSERTED = (
    "After 1812 the region was governed as the Bessarabia Oblast and, from 1873, as the "
    "Bessarabia Governorate of the Russian Empire."
)


def line_starting(lines, start):
    (number,) = [n for n, line in enumerate(lines) if line.startswith(start)]
    return number


def revised_text(text):
    """The received English text with every edit applied, as a revision would bring it."""
    for _, old, new in EDITS:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    lines = text.split("\n")
    moved = lines.pop(line_starting(lines, MOVED))
    lines.insert(line_starting(lines, MOVED_AFTER) + 1, moved)
    del lines[line_starting(lines, DELETED)]
    lines.insert(line_starting(lines, INSERTED_AFTER) + 1, INSERTED)
    return "\n".join(lines)


def expected_quote(quote):
    """What ``quote`` should read in the revision: each edit inside it applied."""
    for _, old, new in EDITS:
        quote = quote.replace(old, new)
    return quote


WORDS = re.compile(r"\S+")


def generate_annotations(document, user, *, count, seed=1940):
    """``count`` public annotations on random word spans (one to twelve words) of the document's
    body passages, and one in ten on a whole passage, written through the services."""
    rng = random.Random(seed)
    passages = [p for p in document.passages.order_by("order") if len(p.text) > 80]
    made = []
    for number in range(count):
        passage = rng.choice(passages)
        target = TargetData(passage=passage)
        if number % 10:
            words = list(WORDS.finditer(passage.text))
            first = rng.randrange(len(words))
            last = min(len(words) - 1, first + rng.randrange(12))
            target = TargetData(passage=passage, start=words[first].start(), end=words[last].end())
        made.append(
            create_annotation(
                user=user,
                target=target,
                body=f"Generated note {number + 1}.",
                motivation=Motivation.COMMENTING,
                visibility=Visibility.PUBLIC,
            )
        )
    return made


@dataclass
class Tally:
    before: int = 0
    exact: int = 0
    fuzzy: int = 0
    fuzzy_correct: int = 0
    orphan: int = 0

    def add(self, move):
        self.before += 1
        if move.anchoring == Anchoring.EXACT:
            self.exact += 1
        elif move.anchoring == Anchoring.FUZZY:
            self.fuzzy += 1
            self.fuzzy_correct += move.new_quote == expected_quote(move.old_quote)
        else:
            self.orphan += 1

    @property
    def balanced(self):
        return self.before == self.exact + self.fuzzy + self.orphan


def tally(moves, generated_ids):
    """Count each end's placement by origin: the demo's items and the generated annotations."""
    tallies = {"demo": Tally(), "generated": Tally()}
    for move in moves:
        origin = "generated" if move.item.pk in generated_ids else "demo"
        tallies[origin].add(move)
    return tallies


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


def is_generated(item):
    return isinstance(item, Annotation) and item.body.startswith("Generated note ")


def carry_with_diff_match_patch(old_text, new_text, start, end):
    """``annotations.anchoring.carry_span`` with diff-match-patch instead of rapidfuzz: a
    semantic diff of the two passages and ``diff_xIndex`` for each offset."""
    from diff_match_patch import diff_match_patch  # the bench extra: measured, not used

    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0
    diffs = dmp.diff_main(old_text, new_text)
    dmp.diff_cleanupSemantic(diffs)
    new_start, new_end = dmp.diff_xIndex(diffs, start), dmp.diff_xIndex(diffs, end)
    return (new_start, new_end) if new_start < new_end else None


@dataclass(frozen=True)
class Snapshot:
    """One end of one item as it stood before the revision."""

    pk: object
    generated: bool
    selectors: dict


def snapshot_ends(document):
    """Every end of the document's scholarship, before the revision."""
    from annotations.anchoring import DESTINATION, SOURCE, selectors
    from annotations.models import CrossReference, DisputedClaim

    ends = []
    for model in (Annotation, DisputedClaim, CrossReference):
        for item in model.objects.select_related(
            "passage", "to_passage" if model is CrossReference else "passage"
        ):
            for end in (SOURCE, DESTINATION) if model is CrossReference else (SOURCE,):
                passage = getattr(item, f"{end}passage")
                if passage is None or passage.document_id != document.pk:
                    continue
                if model is Annotation and item.parent_id:
                    continue
                ends.append(Snapshot(item.pk, is_generated(item), selectors(item, end)))
    return ends


def compare_libraries(ends, matches):
    """Place every end with each library's way of carrying a span through an edited passage;
    return {library: ({origin: Tally}, seconds)}."""
    from annotations.anchoring import Anchorer, Move, carry_span

    libraries = [("rapidfuzz", carry_span)]
    if importlib.util.find_spec("diff_match_patch") is not None:  # the bench extra
        libraries.append(("diff-match-patch", carry_with_diff_match_patch))
    results = {}
    for library, carry in libraries:
        anchorer = Anchorer.from_matches(matches, carry=carry)
        tallies = {"demo": Tally(), "generated": Tally()}
        started = time.perf_counter()
        for end in ends:
            placement = anchorer.place(**end.selectors)
            old = end.selectors["exact"] or end.selectors["passage"].text
            new = ""
            if placement.passage is not None:
                span = placement.span or (0, len(placement.passage.text))
                new = placement.passage.text[span[0] : span[1]]
            move = Move(None, "", placement.anchoring, old, new)
            tallies["generated" if end.generated else "demo"].add(move)
        results[library] = (tallies, time.perf_counter() - started)
    return results

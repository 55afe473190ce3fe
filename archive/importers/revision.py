"""Import a revised received text of a catalogued document as its next source revision.

The previous revision stays: its ``SourceRevision`` (text, checksum, file name, date) is never
changed, and its parts are kept, no longer current (``RevisionPart.current``), so that it can
still be read and the scholarship that cannot be placed on the new text stays pinned to it.
The new passages are matched to the old ones (unchanged, edited, new, removed) and the match is
sent to the apps above the catalogue (``archive.signals.revision_received``) in the same
transaction: ``annotations`` re-anchors every annotation, flag and cross-reference with it.
"""

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import reversion
from django.db import transaction
from django.utils import timezone
from rapidfuzz import fuzz

from archive.models import (
    Document,
    DocumentLink,
    DocumentReference,
    Language,
    Note,
    Passage,
    Section,
    SourceRevision,
)
from archive.signals import revision_received

from .article import ImporterError, ImportReport, PartsImporter, read_text, record_revision
from .plaintext import parse

#: Two passages that are not identical are the same passage edited when their texts are at
#: least this similar (rapidfuzz ``fuzz.ratio``, 0–100). Measured on the revised English
#: article (docs/importer.md): its four edited passages score 97.7–99.9 against their old
#: texts; no two different passages of the article (over 80 characters, 2,628 pairs) score
#: above 50.3.
EDITED_SIMILARITY = 70

#: The parts a revision supersedes, in the order they are built.
PART_MODELS = (Section, Passage, Note, DocumentReference, DocumentLink)

#: A few of each catalogue language's commonest words, to tell a text's language apart from
#: the document's: enough for a whole article, and no guess is made on fewer than
#: ``LANGUAGE_MIN_WORDS`` of them.
FUNCTION_WORDS = {
    Language.ENGLISH: {"the", "of", "and", "to", "in", "was", "were", "that", "is", "by", "with"},
    Language.ROMANIAN: {"și", "de", "la", "în", "cu", "pe", "din", "că", "care", "fost", "un"},
}
LANGUAGE_MIN_WORDS = 20
WORD = re.compile(r"\w+")


class MatchKind:
    UNCHANGED = "unchanged"
    EDITED = "edited"
    NEW = "new"
    REMOVED = "removed"


@dataclass(frozen=True)
class PassageMatch:
    """An old passage and what became of it, or a new passage that matches none."""

    old: Passage | None
    new: Passage | None
    kind: str
    #: rapidfuzz ``fuzz.ratio`` of the two texts (100 for unchanged, 0 without a pair).
    similarity: float = 0


def match_passages(old, new, *, threshold=EDITED_SIMILARITY):
    """Pair ``old`` passages with ``new`` ones: identical texts first (a repeated text with
    its nearest namesake), then the rest by similarity, the most similar pairs first; return
    a PassageMatch for every passage of either list."""
    by_text = {}
    for passage in new:
        by_text.setdefault(passage.text, []).append(passage)
    paired, taken = {}, set()
    for passage in old:
        candidates = [p for p in by_text.get(passage.text, ()) if p.pk not in taken]
        if candidates:
            best = min(candidates, key=lambda p: abs(p.order - passage.order))
            taken.add(best.pk)
            paired[passage.pk] = PassageMatch(passage, best, MatchKind.UNCHANGED, 100)
    rest_old = [p for p in old if p.pk not in paired]
    rest_new = [p for p in new if p.pk not in taken]
    scored = sorted(
        (
            (score, -abs(a.order - b.order), i, j)
            for i, a in enumerate(rest_old)
            for j, b in enumerate(rest_new)
            if (score := fuzz.ratio(a.text, b.text, score_cutoff=threshold))
        ),
        reverse=True,
    )
    for score, _, i, j in scored:
        a, b = rest_old[i], rest_new[j]
        if a.pk in paired or b.pk in taken:
            continue
        taken.add(b.pk)
        paired[a.pk] = PassageMatch(a, b, MatchKind.EDITED, score)
    matches = [paired.get(p.pk) or PassageMatch(p, None, MatchKind.REMOVED) for p in old]
    matches += [PassageMatch(None, p, MatchKind.NEW) for p in new if p.pk not in taken]
    return matches


def text_language(text):
    """The catalogue language whose function words the text uses most, or None when it uses
    too few of either to tell."""
    counts = dict.fromkeys(FUNCTION_WORDS, 0)
    for word in WORD.findall(text.lower()):
        for language, words in FUNCTION_WORDS.items():
            if word in words:
                counts[language] += 1
    ranked = sorted(counts.items(), key=lambda item: item[1], reverse=True)
    (best, most), (_, second) = ranked[0], ranked[1]
    if most < LANGUAGE_MIN_WORDS or most < 2 * second:
        return None
    return best


@dataclass
class RevisionReport(ImportReport):
    """What a revision import created, how its passages match the old ones, and what each
    receiver of ``revision_received`` did (e.g. the re-anchoring)."""

    previous: int = 0
    matches: list = field(default_factory=list)
    results: list = field(default_factory=list)

    def count(self, kind):
        return sum(1 for match in self.matches if match.kind == kind)

    def summary(self):
        doc = self.document
        if not self.created:
            return [
                f"Already imported: {doc.catalogue_id} ({doc.slug}) revision {doc.revision} "
                f"holds this file (checksum {doc.checksum[:12]}…); nothing created."
            ]
        lines = [
            f"Imported revision {doc.revision} of {doc.catalogue_id} ({doc.slug}) from "
            f"{doc.source_filename}; revision {self.previous} is kept.",
            "passages: "
            + ", ".join(
                f"{self.count(kind)} {kind}"
                for kind in (MatchKind.UNCHANGED, MatchKind.EDITED, MatchKind.NEW)
            )
            + f", {self.count(MatchKind.REMOVED)} removed",
            f"sections: {self.sections}",
            f"notes: {self.notes}",
            f"references: {self.references} "
            f"({self.references_created} new, {self.references_reused} reused)",
            f"links: {self.links} ({self.links_created} new, {self.links_reused} reused)",
        ]
        for result in self.results:
            lines += result.summary()
        lines.append(f"warnings: {len(self.warnings)}")
        return lines + [f"  {warning}" for warning in self.warnings]


class RevisionImporter(PartsImporter):
    """Import ``path`` as the next revision of the document ``revision_of`` (a slug),
    atomically: every check comes before the first write, and any failure writes nothing."""

    def __init__(self, path, *, revision_of, language=None, date_received=None, user=None):
        self.path = Path(path)
        self.revision_of = revision_of
        self.language = language
        self.date_received = date_received or timezone.localdate()
        self.user = user

    def find_document(self):
        try:
            return Document.objects.defer("source_text").get(slug=self.revision_of)
        except Document.DoesNotExist:
            raise ImporterError(
                f"no document with slug {self.revision_of!r} to import a revision of"
            ) from None

    def check_language(self, document, text):
        """Refuse a text (or a ``--language``) in another language than the document's."""
        if self.language and self.language != document.language:
            raise ImporterError(
                f"the revision's language {self.language!r} differs from "
                f"{document.slug!r}, which is in {document.language!r}"
            )
        found = text_language(text)
        if found is not None and found != document.language:
            raise ImporterError(
                f"the text reads as {Language(found).label} ({found}), but {document.slug!r} "
                f"is in {Language(document.language).label} ({document.language})"
            )

    def check_new(self, document, checksum):
        """Return True when the file is already the current revision; raise when it is an
        earlier revision or another document's text."""
        if document.checksum == checksum:
            return True
        earlier = SourceRevision.objects.filter(document=document, checksum=checksum).first()
        if earlier is not None:
            raise ImporterError(
                f"this file is revision {earlier.number} of {document.slug!r}; "
                "a received text is imported once"
            )
        other = SourceRevision.objects.filter(checksum=checksum).select_related("document")
        other = other.exclude(document=document).first()
        if other is not None:
            raise ImporterError(
                f"this file is already catalogued as {other.document.catalogue_id} "
                f"under slug {other.document.slug!r}"
            )
        return False

    def read_parts(self, data, text):
        """Parse the received file into a ``ParseResult`` (plain text here; TEI in
        ``tei.TeiRevisionImporter``)."""
        return parse(text)

    def run(self):
        """Import the revision and return a :class:`RevisionReport`."""
        document = self.find_document()
        if self.language and self.language not in Language.values:
            known = ", ".join(Language.values)
            raise ImporterError(f"unknown language {self.language!r} (known: {known})")
        data, text = read_text(self.path)
        checksum = hashlib.sha256(data).hexdigest()
        self.check_language(document, text)
        if self.check_new(document, checksum):
            return RevisionReport(document=document, created=False)
        parsed = self.read_parts(data, text)
        with transaction.atomic():
            document = Document.objects.select_for_update().get(pk=document.pk)
            previous = document.revision
            with reversion.create_revision(atomic=False):
                reversion.set_user(self.user)
                reversion.set_comment(
                    f"Imported revision {previous + 1} from {self.path.name} "
                    f"(sha256 {checksum[:12]}…)"
                )
                old_passages = list(document.passages.order_by("order"))
                supersede(document)
                document.revision = previous + 1
                document.source_filename = self.path.name
                document.checksum = checksum
                document.source_text = text
                document.date_received = self.date_received
                document.save()
                record_revision(document)
                report = RevisionReport(
                    document=document, created=True, warnings=parsed.warnings, previous=previous
                )
                passages = self.create_parts(document, parsed, report)
            report.matches = match_passages(old_passages, sorted(passages.values(), key=order))
            for _, result in revision_received.send(
                sender=Document,
                document=document,
                previous=previous,
                matches=report.matches,
                user=self.user,
            ):
                report.results.append(result)
        return report


def order(passage):
    return passage.order


def supersede(document):
    """Mark the current parts of ``document`` as no longer current, each a new version in the
    open revision (``bulk_update`` sends no signals, so they are added explicitly)."""
    for model in PART_MODELS:
        rows = list(model.objects.filter(document=document))
        for row in rows:
            row.current = False
        model.all_revisions.bulk_update(rows, ["current"])
        for row in rows:
            reversion.add_to_revision(row)

"""Suggest an alignment of a translation with its original, and suggest discrepancies.

    manage.py align_documents TRANSLATION ORIGINAL [--dry-run] [--no-discrepancies] [--evaluate]

Writes suggestions only: never a cross-reference, a mark or a flag. Running it again stores
nothing new for what it already proposed.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from alignment import services
from alignment.detect import CATEGORY
from annotations.models import DisputedClaim
from archive.models import Document


class Command(BaseCommand):
    help = (
        "Suggest which passages of ORIGINAL the passages of TRANSLATION translate (by order and "
        "shared dates, figures and names), and suggest discrepancies in the aligned pairs. "
        "Stores suggestions only; people accept them on the compare page."
    )

    def add_arguments(self, parser):
        parser.add_argument("translation", help="slug of the translation")
        parser.add_argument("original", help="slug of the document it translates")
        parser.add_argument(
            "--dry-run", action="store_true", help="print what would be suggested; store nothing"
        )
        parser.add_argument(
            "--no-discrepancies",
            action="store_true",
            help="only suggest alignments; do not compare the aligned pairs",
        )
        parser.add_argument(
            "--evaluate",
            action="store_true",
            help="compare the discrepancies found with the flags already on the translation "
            "(implies --dry-run)",
        )

    def handle(self, *args, translation, original, dry_run, no_discrepancies, evaluate, **options):
        translation_doc = self._document(translation)
        original_doc = self._document(original)
        try:
            services.check_pair(translation_doc, original_doc)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        dry_run = dry_run or evaluate

        if dry_run:
            proposals = services.propose(
                translation_doc.passages.order_by("order"),
                original_doc.passages.order_by("order"),
                translation_doc.language,
                original_doc.language,
            )
            self._print_proposals(proposals)
            if evaluate:
                self._evaluate_alignment(translation_doc, original_doc, proposals)
        else:
            report = services.suggest_alignments(translation=translation_doc, original=original_doc)
            self._print_proposals(report.proposals)
            self.stdout.write(
                f"Alignment suggestions: {report.created} stored, {report.existing} already "
                f"stored, {report.skipped} for passages already aligned or marked."
            )
        if no_discrepancies:
            return
        found = services.find_discrepancies(translation_doc, original_doc)
        self._print_findings(found)
        if evaluate:
            self._evaluate(translation_doc, found)
        elif not dry_run:
            report = services.detect_discrepancies(
                translation=translation_doc, original=original_doc
            )
            self.stdout.write(
                f"Suggested discrepancies: {report.created} stored, {report.existing} already "
                f"stored, from {report.pairs} aligned pair(s) with findings."
            )

    def _document(self, slug):
        try:
            return Document.objects.defer("source_text").get(slug=slug)
        except Document.DoesNotExist:
            raise CommandError(f"No document with the slug “{slug}”.") from None

    def _print_proposals(self, proposals):
        self.stdout.write("Proposed alignment:")
        for proposal in proposals:
            if proposal.to_passage is None:
                target = "no counterpart"
            else:
                target = proposal.to_passage.anchor
                if proposal.start is not None:
                    target += f" [{proposal.start}–{proposal.end}]"
            self.stdout.write(
                f"  {proposal.passage.anchor:>6} → {target:<22} score {proposal.score:.2f}  "
                f"{'; '.join(proposal.reasons)}"
            )

    def _print_findings(self, found):
        self.stdout.write(f"Discrepancies found in the aligned pairs: {len(found)}")
        for number, (crossref, finding) in enumerate(found, start=1):
            quote = crossref.passage.text[finding.start : finding.end]
            self.stdout.write(
                f"  {number}. {crossref.passage.anchor} {finding.kind}/{finding.change} "
                f"[{CATEGORY[finding.kind]}] on “{_clip(quote)}”"
            )

    def _evaluate_alignment(self, translation, original, proposals):
        """Compare the proposals with the alignments people already made."""
        existing = {}
        for crossref in services.alignments(translation, original).select_related("passage"):
            existing.setdefault(crossref.passage_id, set()).add(
                (crossref.to_passage_id, crossref.to_start, crossref.to_end)
            )
        for mark in services.NoCounterpart.objects.live().filter(
            passage__document=translation, original=original
        ):
            existing.setdefault(mark.passage_id, set()).add((None, None, None))
        proposed = {}
        for proposal in proposals:
            target = (
                proposal.to_passage.pk if proposal.to_passage else None,
                proposal.start,
                proposal.end,
            )
            proposed.setdefault(proposal.passage.pk, set()).add(target)
        decided = [pk for pk in proposed if pk in existing]
        same = [pk for pk in decided if proposed[pk] == existing[pk]]
        self.stdout.write(
            f"Evaluation against the alignment already made: {len(same)} of {len(decided)} "
            f"aligned passage(s) proposed exactly as aligned (same passages and spans)."
        )
        by_pk = {proposal.passage.pk: proposal.passage for proposal in proposals}
        for pk in decided:
            if pk not in same:
                self.stdout.write(f"    differs: {by_pk[pk].anchor}")

    def _evaluate(self, translation, found):
        flags = list(
            DisputedClaim.objects.filter(passage__document=translation)
            .select_related("passage")
            .order_by("passage__order", "start")
        )

        def overlaps(flag, crossref, finding):
            if flag.passage_id != crossref.passage_id:
                return False
            return not flag.is_span or (flag.start < finding.end and finding.start < flag.end)

        self.stdout.write(f"Evaluation against the {len(flags)} flag(s) on the translation:")
        agreed, new = [], []
        for crossref, finding in found:
            matching = [flag for flag in flags if overlaps(flag, crossref, finding)]
            (agreed if matching else new).append((crossref, finding, matching))
        self.stdout.write(f"  findings on a flagged span: {len(agreed)}")
        for crossref, finding, matching in agreed:
            names = ", ".join(f"{flag.get_category_display()} flag" for flag in matching)
            self.stdout.write(
                f"    {crossref.passage.anchor} {finding.kind}/{finding.change} ↔ {names} on "
                f"“{_clip(matching[0].quote)}”"
            )
        self.stdout.write(f"  findings on no flagged span: {len(new)}")
        for crossref, finding, _ in new:
            quote = crossref.passage.text[finding.start : finding.end]
            self.stdout.write(
                f"    {crossref.passage.anchor} {finding.kind}/{finding.change} on “{_clip(quote)}”"
            )
        missed = [
            flag
            for flag in flags
            if not any(overlaps(flag, crossref, finding) for crossref, finding in found)
        ]
        self.stdout.write(f"  flags no finding touches: {len(missed)}")
        for flag in missed:
            self.stdout.write(
                f"    {flag.passage.anchor} {flag.get_category_display()} flag on "
                f"“{_clip(flag.quote)}”"
            )


def _clip(text, length=70):
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"

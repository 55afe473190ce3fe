"""Measure re-anchoring on the revised English article, then roll the database back."""

import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from annotations import anchoring
from archive.importers.revision import RevisionImporter
from archive.models import Document
from devdata.demo import ENGLISH
from devdata.revision import (
    ENGLISH_SOURCE,
    compare_libraries,
    generate_annotations,
    revised_text,
    snapshot_ends,
    tally,
    timed,
)

SOURCES = Path(settings.BASE_DIR) / "fixtures" / "sources"


class Rollback(Exception):
    """Raised to leave the measuring transaction without a trace."""


class Command(BaseCommand):
    help = (
        "Load the articles and the demo if absent, add generated annotations, import the "
        "revised English article as revision 2, print how the scholarship re-anchored, and roll "
        "everything back."
    )

    def add_arguments(self, parser):
        parser.add_argument("--generated", type=int, default=300, help="generated annotations")
        parser.add_argument(
            "--write-revision", metavar="PATH", help="also write the revised article to PATH"
        )

    def handle(self, *args, **options):
        self.verbosity = options["verbosity"]
        text = (SOURCES / ENGLISH_SOURCE).read_text(encoding="utf-8")
        revised = revised_text(text)
        if options["write_revision"]:
            Path(options["write_revision"]).write_text(revised, encoding="utf-8")
        try:
            with transaction.atomic():
                self.measure(revised, options["generated"])
                raise Rollback
        except Rollback:
            self.stdout.write("Rolled back: the database is as it was.")

    def measure(self, revised, generated):
        if not Document.objects.filter(slug=ENGLISH).exists():
            call_command("loaddata", "articles", verbosity=0)
        if not get_user_model().objects.filter(username="scholar").exists():
            call_command("loaddata", "demo", verbosity=0)
        scholar = get_user_model().objects.get(username="scholar")
        english = Document.objects.get(slug=ENGLISH)
        if english.revision != 1:
            raise CommandError("The English article is already revised in this database.")
        made = generate_annotations(english, scholar, count=generated)
        ends = snapshot_ends(english)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "000_7b11acfc32eec4c2-revised.txt"
            path.write_text(revised, encoding="utf-8")
            report, seconds = timed(RevisionImporter(path, revision_of=ENGLISH).run)
        for line in report.summary():
            self.stdout.write(line)
        (result,) = [r for r in report.results if isinstance(r, anchoring.AnchoringReport)]
        tallies = tally(result.moves, {item.pk for item in made})
        self.stdout.write(f"import and re-anchoring: {seconds:.2f} s")
        if self.verbosity > 1:
            for move in result.moves:
                if move.anchoring != "exact":
                    self.stdout.write(
                        f"  {move.anchoring}: {move.old_quote!r} -> {move.new_quote!r}"
                    )
        self.stdout.write("origin     | ends | exact | fuzzy (quote as expected) | orphans")
        for origin, counted in tallies.items():
            self.stdout.write(
                f"{origin:<10} | {counted.before:>4} | {counted.exact:>5} | "
                f"{counted.fuzzy:>5} ({counted.fuzzy_correct}) | {counted.orphan:>7}"
                + ("" if counted.balanced else "  UNBALANCED")
            )
        self.stdout.write("The same ends placed again with each library's span carrying:")
        for library, (tallies, seconds) in compare_libraries(ends, report.matches).items():
            for origin, counted in tallies.items():
                self.stdout.write(
                    f"{library:<16} {origin:<9} | {counted.before:>4} | {counted.exact:>5} | "
                    f"{counted.fuzzy:>5} ({counted.fuzzy_correct}) | {counted.orphan:>7}"
                )
            self.stdout.write(f"{library:<16} placing {len(ends)} ends: {seconds * 1000:.0f} ms")

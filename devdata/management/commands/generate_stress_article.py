"""Add the stress article: the English article's text again, carrying thousands of records.

The benchmark (docs/performance.md) measures the reading room on the English article with 500
annotations, flags and cross-references, and on this one with 5,000 of each (by default).
Every record is written through ``annotations.services`` (one transaction and one revision
each), so the article is what the web UI would have made; 15,000 writes take a few minutes.
"""

import random
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from annotations.models import Annotation
from archive.importers.article import ArticleImporter
from archive.importers.manifest import load_manifest, manifest_path
from archive.models import Document, ExternalLink, Passage, Reference
from devdata import scale

ENGLISH = "soviet-occupation-of-bessarabia-and-northern-bukovina"
STRESS = "stress-article"


class Command(BaseCommand):
    help = (
        "Import the English article's text again as the stress article (slug "
        f"'{STRESS}') and write --records annotations, flags and cross-references on it "
        "through the services."
    )

    def add_arguments(self, parser):
        parser.add_argument("--records", type=int, default=5000, help="of each kind (5,000)")
        parser.add_argument("--seed", type=int, default=1941)

    def handle(self, *args, records, seed, **options):
        if records < 1:
            raise CommandError("--records must be at least 1.")
        if Document.objects.filter(slug=STRESS).exists():
            raise CommandError(f"The stress article ({STRESS}) is already there.")
        english = Document.objects.filter(slug=ENGLISH).first()
        scholars = list(User.objects.filter(groups__name="Scholars").order_by("username")[:50])
        moderators = list(User.objects.filter(groups__name="Moderators").order_by("username"))
        if english is None or not scholars or not moderators:
            raise CommandError(
                "Run generate_scale_data first: the stress article needs the English article, "
                "scholars and moderators."
            )
        settings.DEBUG = False  # keep no SQL in memory
        started = time.perf_counter()
        stress = import_stress_copy(english, records)
        passages = passages_of(stress.document)
        english_passages = passages_of(english)
        rng = random.Random(seed)
        tags = list(
            Annotation.tags.through.objects.values_list("tag__name", flat=True).distinct()[:400]
        )
        planner = scale.Planner(
            rng,
            scale.TextModel(rng, scale.read_sources()),
            scholars,
            moderators,
            tags,
            list(Reference.objects.order_by("pk")[:200]),
            list(ExternalLink.objects.order_by("pk")[:200]),
        )
        writer = scale.ServiceWriter()
        writer.annotations(planner.annotations(passages, records, 0, public_only=True))
        self.stdout.write(f"  {records:,} annotations")
        writer.flags(planner.flags(passages, records))
        self.stdout.write(f"  {records:,} flags")
        writer.crossrefs(
            planner.crossrefs(passages, records, to_passages=english_passages, deletes=False)
        )
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"Stress article {stress.document.slug}: {len(passages)} passages, "
            f"{writer.writes:,} writes in {seconds:.0f} s."
        )


def import_stress_copy(english, records):
    """Import the English article's received file again, as the stress article."""
    entry = next(e for e in load_manifest() if e["slug"] == ENGLISH)
    source = manifest_path().parent / entry["file"]
    with tempfile.TemporaryDirectory() as directory, transaction.atomic():
        # One more newline at the end: the importer refuses a file it holds already.
        copy = Path(directory) / source.name
        copy.write_bytes(source.read_bytes() + b"\n")
        stress = ArticleImporter(
            copy,
            language=entry["language"],
            title=f"{entry['title']} (stress copy)",
            slug=STRESS,
            description=(
                f"The English article again, carrying {records:,} annotations, flags and "
                "cross-references each (generate_stress_article), for the benchmark."
            ),
            creator="generate_stress_article",
            provenance=entry["provenance"],
            date_received=english.date_received,
        ).run()
    return stress


def passages_of(document):
    """The document's passages in order, each with its document but not its received text."""
    return list(
        Passage.objects.filter(document=document)
        .select_related("document")
        .defer("document__source_text")
        .order_by("order")
    )

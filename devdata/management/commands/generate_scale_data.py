"""Generate a large synthetic archive from a seed, through the services (see devdata.scale)."""

import random
import tempfile
import time
from collections import Counter

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from annotations.models import Annotation, DisputedClaim, Tag
from archive.models import Document, ExternalLink, Passage, Reference
from devdata import scale

ENGLISH = "soviet-occupation-of-bessarabia-and-northern-bukovina"
ROMANIAN = "ocuparea-sovietica-a-basarabiei-si-bucovinei-de-nord"

#: The sizes an option can set instead of the scaled figure.
OVERRIDES = ("documents", "passages", "annotations", "worked", "flags", "crossrefs", "reading")


class Phase:
    """Times a phase and counts the rows it added to every table."""

    def __init__(self, command, name, writes=None):
        self.command, self.name, self.writes = command, name, writes

    def __enter__(self):
        self.before = scale.table_counts()
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc):
        if exc[0] is not None:
            return False
        seconds = time.perf_counter() - self.started
        added = scale.table_counts() - self.before
        rows = sum(added.values())
        detail = ", ".join(f"{n} {name}" for name, n in added.items() if n)
        writes = f"{self.writes()} writes, " if self.writes else ""
        self.command.stdout.write(
            f"{self.name}: {writes}{rows} rows in {seconds:.1f} s "
            f"({rows / max(seconds, 1e-9):,.0f} rows/s) — {detail}"
        )
        self.command.phases.append((self.name, self.writes() if self.writes else 0, rows, seconds))
        return False


class Command(BaseCommand):
    help = (
        "Generate a reproducible synthetic archive (documents through the importer; "
        "annotations, flags and cross-references as the services write them). "
        "--scale 1: 200 documents, 30,000 passages, 970,000 annotations (100,000 with a few "
        "versions), 5,000 flags, 20,000 cross-references, about 1.2 million versions."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1940)
        parser.add_argument("--scale", type=float, default=1.0, help="e.g. 0.01 for a test")
        for name in OVERRIDES[:-1]:
            parser.add_argument(f"--{name}", type=int, help=f"override the scaled {name}")
        parser.add_argument(
            "--reading",
            type=int,
            help="annotations, flags and cross-references each on the English article, "
            "through the services (default 500 at scale 1)",
        )
        parser.add_argument(
            "--service-share",
            type=float,
            default=0.01,
            help="share of the other records also written through the services (default 1%%)",
        )
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument(
            "--keep-search-indexes",
            action="store_true",
            help="PostgreSQL: keep the GIN search indexes during the bulk load (slower)",
        )

    def handle(self, *args, **options):
        if Annotation.objects.exists() or DisputedClaim.objects.exists():
            raise CommandError(
                "The database already holds scholarship; generate into a fresh database "
                "(manage.py migrate on an empty one)."
            )
        # Recording every query (DEBUG) would keep each bulk insert's SQL in memory.
        settings.DEBUG = False
        seed = options["seed"]
        rng = random.Random(seed)
        sizes = scale.Sizes.at(options["scale"], **{name: options[name] for name in OVERRIDES})
        self.phases = []
        self.stdout.write(f"Seed {seed}, {sizes}, on {connection.vendor}.")
        started = time.perf_counter()
        text = scale.TextModel(rng, scale.read_sources())

        with Phase(self, "catalogue (importer)"), tempfile.TemporaryDirectory() as directory:
            scale.import_documents(rng, text, sizes, directory, {"seed": seed})
        planner = scale.Planner(
            rng,
            text,
            scale.make_users("scholar", sizes.scholars, "Scholars"),
            scale.make_users("moderator", sizes.moderators, "Moderators"),
            tag_vocabulary(text, rng),
            list(Reference.objects.order_by("pk")),
            list(ExternalLink.objects.order_by("pk")),
        )
        english, romanian, generated = passages_by_document()
        self.services = scale.ServiceWriter()
        self.bulk = scale.BulkWriter(batch_size=options["batch_size"])
        self.write_reading_view(
            planner, sizes.reading, english, romanian + generated[:: max(1, len(generated) // 200)]
        )
        self.write_the_rest(planner, sizes, generated, options)
        self.analyze()
        counts = scale.table_counts()
        counts["users"] = User.objects.count()
        counts["tags"] = Tag.objects.count()
        self.stdout.write("Totals: " + ", ".join(f"{n:,} {name}" for name, n in counts.items()))
        self.stdout.write(f"Done in {time.perf_counter() - started:.1f} s.")
        self.summary = {"sizes": sizes, "phases": self.phases, "counts": counts}

    def write_reading_view(self, planner, reading, english, elsewhere):
        """The reading view the benchmark measures: all through the services."""
        services = self.services
        with Phase(self, "English article (services)", lambda: services.writes):
            services.annotations(
                list(planner.annotations(english, reading, 0, fraction=(0.95, 1), public_only=True))
            )
            services.flags(planner.flags(english, reading, fraction=(0.95, 1)))
            services.crossrefs(
                planner.crossrefs(
                    english, reading, to_passages=elsewhere, fraction=(0.95, 1), deletes=False
                )
            )

    def write_the_rest(self, planner, sizes, generated, options):
        """Everything else: a share through the services (measured), the rest in bulk."""
        services, share = self.services, options["service_share"]
        annotations = max(0, sizes.annotations - sizes.reading)
        flags = max(0, sizes.flags - sizes.reading)
        crossrefs = max(0, sizes.crossrefs - sizes.reading)
        plans = planner.annotations(generated, annotations, sizes.worked, fraction=(0, 0.95))
        sample = round(annotations * share)
        services.writes = 0
        with Phase(self, "annotations (services)", lambda: services.writes):
            services.annotations(next(plans) for _ in range(sample))
        flag_plans = planner.flags(generated, flags, fraction=(0, 0.95))
        crossref_plans = planner.crossrefs(generated, crossrefs, fraction=(0, 0.95))
        flag_sample, crossref_sample = round(flags * share), round(crossrefs * share)
        services.writes = 0
        with Phase(self, "flags and cross-references (services)", lambda: services.writes):
            services.flags(flag_plans[:flag_sample])
            services.crossrefs(crossref_plans[:crossref_sample])
        tables = ["annotations_annotation", "annotations_disputedclaim"]
        with scale.search_indexes_dropped(tables, not options["keep_search_indexes"]) as dropped:
            if dropped:
                self.stdout.write(f"Dropped {len(dropped)} GIN indexes for the bulk load.")
            self.write_in_bulk(
                plans, flag_plans[flag_sample:], crossref_plans[crossref_sample:], options
            )
            built = time.perf_counter()
        if dropped:
            self.stdout.write(f"Rebuilt the GIN indexes in {time.perf_counter() - built:.1f} s.")

    def write_in_bulk(self, plans, flag_plans, crossref_plans, options):
        bulk = self.bulk
        with Phase(self, "annotations (bulk)", lambda: bulk.writes):
            chunk = []
            for plan in plans:
                chunk.append(plan)
                if len(chunk) >= 10 * options["batch_size"]:
                    bulk.annotations(chunk)
                    chunk = []
                    self.stdout.write(f"  … {bulk.rows['annotations']:,} annotations")
            bulk.annotations(chunk)
        bulk.writes = 0
        with Phase(self, "flags and cross-references (bulk)", lambda: bulk.writes):
            bulk.flags(flag_plans)
            bulk.crossrefs(crossref_plans)

    def analyze(self):
        analyzed = time.perf_counter()
        with connection.cursor() as cursor:
            vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
        self.stdout.write(f"VACUUM/ANALYZE in {time.perf_counter() - analyzed:.1f} s.")


def passages_by_document():
    """The English article's passages, the Romanian article's, and every generated one."""
    english = Document.objects.get(slug=ENGLISH)
    romanian = Document.objects.get(slug=ROMANIAN)
    # With their documents (for str()), but not each document's received text again for
    # every passage: at scale 1 that took gigabytes.
    passages = Passage.objects.select_related("document").defer("document__source_text")
    generated = list(
        passages.exclude(document__in=[english, romanian]).order_by("document_id", "order")
    )
    if not generated:
        raise CommandError("No generated documents: raise --documents above 2.")
    return (
        list(passages.filter(document=english).order_by("order")),
        list(passages.filter(document=romanian).order_by("order")),
        generated,
    )


def tag_vocabulary(text, rng, size=400):
    """Tag names: frequent longer words of the received texts, lower case."""
    chain, _ = text.chains["en"]
    words = Counter()
    for word, following in chain.items():
        cleaned = word.strip(".,;()\"'").lower()
        if len(cleaned) >= 5 and cleaned.isalpha():
            words[cleaned] += len(following)
    return [word for word, _ in words.most_common(size)]

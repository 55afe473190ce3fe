"""Import the manifest of received texts and write the `articles` fixture."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from archive.importers.article import ImporterError
from archive.importers.fixture import serialize_documents
from archive.importers.manifest import import_manifest


class Command(BaseCommand):
    help = (
        "Import every text of fixtures/sources/manifest.json (idempotent) and write their "
        "catalogue records as a fixture."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default=str(Path(settings.BASE_DIR) / "fixtures" / "articles.json"),
            help="where to write the fixture (default: fixtures/articles.json)",
        )

    def handle(self, *args, **options):
        try:
            reports = import_manifest()
        except ImporterError as error:
            raise CommandError(str(error)) from None
        for report in reports:
            for line in report.summary():
                self.stdout.write(line)
        output = Path(options["output"])
        output.write_text(
            serialize_documents([report.document for report in reports]), encoding="utf-8"
        )
        self.stdout.write(f"Wrote {len(reports)} documents to {output}.")

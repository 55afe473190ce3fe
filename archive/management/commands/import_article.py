"""Import one received article into the catalogue: a plain-text file, or a TEI P5 file."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from archive.importers.article import ArticleImporter, ImporterError
from archive.importers.revision import RevisionImporter
from archive.importers.tei import TeiImporter, TeiRevisionImporter, looks_like_tei
from archive.models import Language


def received_date(value):
    """Parse ``--received`` as YYYY-MM-DD."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--received must be a date as YYYY-MM-DD, not {value!r}") from None


#: Options that describe a new document's record, which a revision does not change.
REVISION_EXCLUDES = (
    "title",
    "slug",
    "translation_of",
    "description",
    "creator",
    "provenance",
    "source_url",
    "licence",
    "licence_url",
)


class Command(BaseCommand):
    help = (
        "Import a received plain-text article (Wikipedia export) into the catalogue, or a TEI "
        "P5 file (*.xml, *.tei, or a file that begins with <?xml or <TEI), whose header gives "
        "what the options do not."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the received text file (UTF-8)")
        parser.add_argument(
            "--language",
            help=f"language code: {', '.join(Language.values)} (required for plain text; with "
            "--revision-of: optional, and must be the document's)",
        )
        parser.add_argument(
            "--title", help="the document's title (required for plain text; not with --revision-of)"
        )
        parser.add_argument(
            "--revision-of",
            default=None,
            metavar="SLUG",
            help="import the file as the next revision of this document's received text; its "
            "scholarship is re-anchored, and the previous revision is kept",
        )
        parser.add_argument("--slug", default=None, help="default: slugified title")
        parser.add_argument(
            "--translation-of", default=None, help="slug of the document this one translates"
        )
        parser.add_argument("--description", default="")
        parser.add_argument("--creator", default="", help='e.g. "Wikipedia contributors"')
        parser.add_argument("--provenance", default="", help="where the text came from")
        parser.add_argument("--source-url", default="", help="URL of the original publication")
        parser.add_argument("--licence", default="", help='e.g. "CC BY-SA 4.0"')
        parser.add_argument("--licence-url", default="")
        parser.add_argument("--received", default=None, help="date received, YYYY-MM-DD (today)")

    def handle(self, *args, **options):
        received = options["received"]
        received = received_date(received) if received is not None else None
        if options["revision_of"] is not None:
            return self.import_revision(options, received)
        importer_class = TeiImporter if looks_like_tei(options["path"]) else ArticleImporter
        if importer_class is ArticleImporter and None in (options["language"], options["title"]):
            raise CommandError("a plain-text file needs --language and --title")
        importer = importer_class(
            options["path"],
            language=options["language"],
            title=options["title"],
            slug=options["slug"],
            translation_of=options["translation_of"],
            description=options["description"],
            creator=options["creator"],
            provenance=options["provenance"],
            source_url=options["source_url"],
            licence=options["licence"],
            licence_url=options["licence_url"],
            date_received=received,
        )
        self.report(importer)

    def import_revision(self, options, received):
        """``--revision-of``: the document's title, slug and translation stay its own."""
        given = [f"--{name.replace('_', '-')}" for name in REVISION_EXCLUDES if options[name]]
        if given:
            raise CommandError(f"--revision-of keeps the document's record; drop {given[0]}")
        importer_class = (
            TeiRevisionImporter if looks_like_tei(options["path"]) else RevisionImporter
        )
        self.report(
            importer_class(
                options["path"],
                revision_of=options["revision_of"],
                language=options["language"],
                date_received=received,
            )
        )

    def report(self, importer):
        try:
            report = importer.run()
        except ImporterError as error:
            raise CommandError(str(error)) from None
        for line in report.summary():
            self.stdout.write(line)

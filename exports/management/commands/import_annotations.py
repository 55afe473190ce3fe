"""manage.py import_annotations FILE --document SLUG --user USERNAME"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from annotations.models import Visibility
from annotations.permissions import can_create
from archive.models import Document
from exports.importer import FileProblem, import_annotations, parse


class Command(BaseCommand):
    help = (
        "Import W3C Web Annotations (one Annotation, an array, an AnnotationPage or an "
        "AnnotationCollection with embedded pages) into a document, re-anchoring each by its "
        "quote. Each annotation imports whole or not at all; the same annotation (same id) is "
        "never imported twice; what cannot be anchored is reported with the reason."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a JSON-LD file, or - for standard input")
        parser.add_argument("--document", required=True, help="the document's slug")
        parser.add_argument("--user", required=True, help="who the annotations are by here")
        parser.add_argument(
            "--visibility",
            choices=Visibility.values,
            default=Visibility.PUBLIC,
            help="visibility of the imported annotations (default: public)",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="anchor and validate everything, report, and store nothing",
        )

    def handle(self, *args, **options):
        name = options["file"]
        text, filename = read_file(name)
        try:
            items = parse(text)
        except FileProblem as exc:
            raise CommandError(f"{name}: {exc}") from None
        document = Document.objects.defer("source_text").filter(slug=options["document"]).first()
        if document is None:
            raise CommandError(f"No document with the slug {options['document']!r}.")
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"No user {options['user']!r}.")
        if not can_create(user):
            raise CommandError(f"{user.username} may not annotate (not in the Scholars group).")

        with transaction.atomic():
            outcomes = import_annotations(
                items,
                document=document,
                user=user,
                visibility=options["visibility"],
                filename=filename,
            )
            if options["dry_run"]:
                transaction.set_rollback(True)

        counts = {"imported": 0, "skipped": 0, "failed": 0}
        for outcome in outcomes:
            counts[outcome.status] += 1
            label = f"#{outcome.index}" + (f" ({outcome.source_id})" if outcome.source_id else "")
            if outcome.status == "failed":
                self.stderr.write(f"{label}: not imported: {outcome.message}")
            elif outcome.status == "skipped":
                self.stdout.write(f"{label}: skipped: {outcome.message}")
            elif options["verbosity"] > 1:
                self.stdout.write(f"{label}: imported: {outcome.message}")
        verb = "would import" if options["dry_run"] else "imported"
        self.stdout.write(
            f"{len(outcomes)} annotation(s) in {filename} for {document.catalogue_id}: "
            f"{counts['imported']} {verb}, {counts['skipped']} skipped, "
            f"{counts['failed']} not imported."
        )
        if counts["failed"]:
            raise CommandError(
                f"{counts['failed']} of {len(outcomes)} annotation(s) could not be imported "
                "(reasons above); the others were "
                + ("checked." if options["dry_run"] else "imported.")
            )


def read_file(name):
    """(text, file name) of the file ``name``, or of standard input for "-"."""
    if name == "-":
        import sys

        return sys.stdin.read(), "stdin"
    path = Path(name)
    try:
        return path.read_text(encoding="utf-8"), path.name
    except FileNotFoundError:
        raise CommandError(f"{name}: no such file") from None
    except UnicodeDecodeError:
        raise CommandError(f"{name}: not UTF-8 text") from None
    except OSError as exc:
        raise CommandError(f"{name}: {exc.strerror}") from None

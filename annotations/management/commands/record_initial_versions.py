"""Give each scholarly record that has no version yet its first one (after ``loaddata``)."""

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand
from django.db import transaction
from reversion.models import Version

from annotations.models import Annotation, CrossReference, DisputedClaim

#: The versioned models whose records a fixture can bring in without a history.
VERSIONED = (Annotation, DisputedClaim, CrossReference)


class Command(BaseCommand):
    help = (
        "Record a first version for every annotation, flag and cross-reference that has none, "
        "e.g. after `loaddata demo`. Safe to run again: records with a version are left alone. "
        "(django-reversion's createinitialrevisions compares UUID keys as text and, on SQLite, "
        "adds a version again on every run.)"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--comment", default="Loaded from a fixture", help="The revision comment."
        )

    def handle(self, *args, comment, **options):
        total = 0
        for model in VERSIONED:
            content_type = ContentType.objects.get_for_model(model)
            versioned = set(
                Version.objects.filter(content_type=content_type).values_list(
                    "object_id", flat=True
                )
            )
            missing = [
                record
                for record in model.objects.order_by("created")
                if str(record.pk) not in versioned
            ]
            for record in missing:
                with transaction.atomic(), reversion.create_revision():
                    reversion.set_comment(comment)
                    reversion.add_to_revision(record)
            total += len(missing)
            self.stdout.write(f"{model._meta.verbose_name_plural}: {len(missing)} first versions")
        self.stdout.write(f"{total} records given a first version")

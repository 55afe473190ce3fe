"""Give each versioned record that has no version yet its first one (after ``loaddata``)."""

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand
from django.db import transaction
from reversion.models import Version


def versioned_models():
    """Every model registered with django-reversion, each after the versioned models it points
    to: a record that follows its children (a flag its evidence) comes before them, so that the
    records it brings along are not versioned twice."""
    models = set(reversion.get_registered_models())

    def depth(model, seen=()):
        parents = {
            field.related_model
            for field in model._meta.concrete_fields
            if field.many_to_one
            and field.related_model in models
            and field.related_model not in seen
        }
        return 1 + max((depth(parent, (*seen, model)) for parent in parents), default=0)

    return sorted(models, key=lambda model: (depth(model), model._meta.label))


class Command(BaseCommand):
    help = (
        "Record a first version for every versioned record that has none, e.g. after "
        "`loaddata articles demo`. Safe to run again: records with a version are left alone. "
        "(django-reversion's createinitialrevisions compares UUID keys as text and, on SQLite, "
        "adds a version again on every run.)"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--comment", default="Loaded from a fixture", help="The revision comment."
        )

    def handle(self, *args, comment, **options):
        total = 0
        for model in versioned_models():
            content_type = ContentType.objects.get_for_model(model)
            versioned = set(
                Version.objects.filter(content_type=content_type).values_list(
                    "object_id", flat=True
                )
            )
            missing = [
                record for record in model.objects.order_by("pk") if str(record.pk) not in versioned
            ]
            for record in missing:
                with transaction.atomic(), reversion.create_revision():
                    reversion.set_comment(comment)
                    reversion.add_to_revision(record)
            total += len(missing)
            if missing:
                self.stdout.write(f"{model._meta.label}: {len(missing)} first versions")
        self.stdout.write(f"{total} records given a first version")

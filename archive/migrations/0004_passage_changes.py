import uuid

import django.db.models.deletion
from django.db import migrations, models


def copy_counts(apps, schema_editor):
    """Each passage bumped so far keeps its count in the new table (with a new token, so that
    no fragment cached under the old key format is read)."""
    Passage = apps.get_model("archive", "Passage")
    PassageChanges = apps.get_model("archive", "PassageChanges")
    rows = Passage.objects.filter(change_count__gt=0).values_list("pk", "change_count")
    PassageChanges.objects.bulk_create(
        [PassageChanges(passage_id=pk, count=count) for pk, count in rows.iterator()],
        batch_size=2000,
    )


def copy_counts_back(apps, schema_editor):
    Passage = apps.get_model("archive", "Passage")
    PassageChanges = apps.get_model("archive", "PassageChanges")
    for pk, count in PassageChanges.objects.values_list("passage_id", "count").iterator():
        Passage.objects.filter(pk=pk).update(change_count=count, change_token=uuid.uuid4())


class Migration(migrations.Migration):
    """The passages' change counters move out of the passage rows into a narrow table: bumping
    a counter on the passage rewrote the row's stored search vectors and their GIN indexes on
    every scholarly write."""

    dependencies = [
        ("archive", "0003_document_changes"),
    ]

    operations = [
        migrations.CreateModel(
            name="PassageChanges",
            fields=[
                (
                    "passage",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="change_counter",
                        serialize=False,
                        to="archive.passage",
                    ),
                ),
                ("count", models.PositiveBigIntegerField(default=0)),
                ("token", models.UUIDField(default=uuid.uuid4)),
            ],
            options={
                "verbose_name": "passage change counter",
            },
        ),
        migrations.RunPython(copy_counts, copy_counts_back, elidable=True),
        migrations.RemoveField(
            model_name="passage",
            name="change_count",
        ),
    ]

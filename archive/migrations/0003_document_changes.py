import uuid

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """The documents' change counters move here from ``annotations`` (which copies its rows
    over in its migration 0006): the catalogue owns them."""

    dependencies = [
        ("archive", "0002_passage_change_counter"),
    ]

    operations = [
        migrations.CreateModel(
            name="DocumentChanges",
            fields=[
                (
                    "document",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="change_counter",
                        serialize=False,
                        to="archive.document",
                    ),
                ),
                ("count", models.PositiveBigIntegerField(default=0)),
                ("token", models.UUIDField(default=uuid.uuid4)),
            ],
            options={
                "verbose_name": "document change counter",
            },
        ),
    ]

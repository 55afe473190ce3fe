from django.db import migrations


def copy(apps, from_app, to_app):
    source = apps.get_model(from_app, "DocumentChanges")
    target = apps.get_model(to_app, "DocumentChanges")
    target.objects.bulk_create(
        target(document_id=row.document_id, count=row.count, token=row.token)
        for row in source.objects.all()
    )


def to_archive(apps, schema_editor):
    copy(apps, "annotations", "archive")


def to_annotations(apps, schema_editor):
    copy(apps, "archive", "annotations")


class Migration(migrations.Migration):
    """The documents' change counters belong to the catalogue (``archive`` 0003): copy the
    rows there, then drop this app's table."""

    dependencies = [
        ("annotations", "0005_document_changes"),
        ("archive", "0003_document_changes"),
    ]

    operations = [
        migrations.RunPython(to_archive, to_annotations),
        migrations.DeleteModel(name="DocumentChanges"),
    ]

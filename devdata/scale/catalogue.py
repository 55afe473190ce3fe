"""People and the catalogue: scholars, moderators and generated documents."""

import datetime as dt
from contextlib import contextmanager
from pathlib import Path

from django.contrib.auth.models import Group, User
from django.db import connection

from .text import document_text


def make_users(prefix, count, group):
    group = Group.objects.get(name=group)
    names = [f"{prefix}{number:04d}" for number in range(1, count + 1)]
    existing = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    for name in names:
        if name not in existing:
            user = User(username=name, is_staff=group.name == "Moderators")
            user.set_unusable_password()
            user.save()
            user.groups.add(group)
    return list(User.objects.filter(username__in=names).order_by("username"))


def import_documents(rng, text, sizes, directory, report):
    """The received articles, then generated documents through the importer."""
    from archive.importers.article import ArticleImporter
    from archive.importers.manifest import import_manifest
    from archive.models import Document, Language

    import_manifest()
    real = Document.objects.count()
    generated = max(0, sizes.documents - real)
    existing_passages = sum(d.passages.count() for d in Document.objects.all())
    per_document = max(5, (sizes.passages - existing_passages) // max(generated, 1))
    directory = Path(directory)
    for number in range(1, generated + 1):
        language = Language.ROMANIAN if rng.random() < 0.2 else Language.ENGLISH
        body = document_text(text, rng, language, per_document)
        path = directory / f"scale-{number:04d}.txt"
        path.write_text(body, encoding="utf-8")
        ArticleImporter(
            path,
            language=language,
            title=f"{text.title(language)} ({number})",
            slug=f"scale-{number:04d}",
            description="Generated for the performance benchmark (generate_scale_data).",
            creator="generate_scale_data",
            provenance=f"Synthetic text from seed {report['seed']}.",
            date_received=dt.date(2026, 1, 1),
        ).run()
    report["documents"] = Document.objects.count()


@contextmanager
def search_indexes_dropped(tables, enabled):
    """Drop the GIN search indexes of ``tables`` during a bulk load and build them again after
    (PostgreSQL; a GIN index is far quicker to build at once than to grow row by row)."""
    if not enabled or connection.vendor != "postgresql" or connection.in_atomic_block:
        yield []
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
            "AND indexdef ILIKE '%%USING gin%%'",
            [list(tables)],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
    try:
        yield [name for name, _ in indexes]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '256MB'")
            for _, definition in indexes:
                cursor.execute(definition)

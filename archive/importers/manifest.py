"""The manifest of received texts: every file with the arguments it is imported with."""

import datetime as dt
import json
from pathlib import Path

from django.conf import settings

from archive.models import DESCRIPTIVE_FIELDS

from .article import ArticleImporter, ImporterError

FIELDS = {
    "file",
    "title",
    "slug",
    "language",
    "translation_of",
    *DESCRIPTIVE_FIELDS,
    "received",
}


def manifest_path():
    """Return the path of the manifest of received texts."""
    return Path(settings.BASE_DIR) / "fixtures" / "sources" / "manifest.json"


def load_manifest(path=None):
    """Return the manifest's entries, checking that each has exactly the known fields."""
    path = Path(path or manifest_path())
    entries = json.loads(path.read_text(encoding="utf-8"))
    for number, entry in enumerate(entries, start=1):
        if set(entry) != FIELDS:
            raise ImporterError(
                f"manifest entry {number} has fields {sorted(entry)}, expected {sorted(FIELDS)}"
            )
    return entries


def importer_for(entry, directory):
    """Make the importer for one manifest entry."""
    return ArticleImporter(
        Path(directory) / entry["file"],
        language=entry["language"],
        title=entry["title"],
        slug=entry["slug"],
        translation_of=entry["translation_of"],
        description=entry["description"],
        creator=entry["creator"],
        provenance=entry["provenance"],
        source_url=entry["source_url"],
        licence=entry["licence"],
        licence_url=entry["licence_url"],
        date_received=dt.date.fromisoformat(entry["received"]),
    )


def import_manifest(path=None):
    """Import every manifest entry, in order; return the reports (idempotent)."""
    path = Path(path or manifest_path())
    return [importer_for(entry, path.parent).run() for entry in load_manifest(path)]

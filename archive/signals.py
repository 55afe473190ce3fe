"""Signals the catalogue sends to the apps above it, which it may not import.

``revision_received`` is sent by ``archive.importers.revision.RevisionImporter`` inside the
import's transaction, once the new revision's parts exist, with ``document`` (at its new
revision), ``previous`` (the number of the revision it replaced), ``matches`` (a
``PassageMatch`` for every old and new passage) and ``user`` (who imported it, or None). A
receiver returns an object with a ``summary()`` (lines for the report); an exception in a
receiver rolls the whole import back. ``annotations`` re-anchors the scholarship with it.
"""

from django.dispatch import Signal

revision_received = Signal()

"""What the exports app keeps: which annotations came from which external annotation."""

from django.conf import settings
from django.db import models


class ImportedAnnotation(models.Model):
    """An annotation created by ``import_annotations`` from an external W3C annotation.

    Written in the same transaction as the annotation, so an external annotation is imported
    once: importing the same file again finds its ``source_id`` and creates nothing.
    """

    #: The external annotation's ``id`` (an IRI), or ``urn:sha256:…`` of its JSON when it has
    #: none.
    source_id = models.CharField(max_length=500, unique=True)
    annotation = models.OneToOneField(
        "annotations.Annotation", on_delete=models.PROTECT, related_name="import_record"
    )
    #: The external annotation's creator, as its file names them.
    source_creator = models.CharField(max_length=300, blank=True)
    #: When the external annotation says it was created.
    source_created = models.CharField(max_length=40, blank=True)
    #: The file it was read from (its name only).
    source_file = models.CharField(max_length=255, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-imported", "pk"]

    def __str__(self):
        return f"{self.source_id} → {self.annotation_id}"

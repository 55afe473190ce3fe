"""Serialize catalogued documents as a deterministic fixture (dumpdata with natural keys)."""

import datetime as dt
from itertools import chain

from django.core import serializers
from django.db.models import Q

from archive import models as catalogue

NAME_KEY_ORDER = {"family": 0, "given": 1, "literal": 2}


def canonical_name(name):
    """Order a CSL name's keys the same on every database (PostgreSQL's jsonb reorders them)."""
    return dict(sorted(name.items(), key=lambda item: (NAME_KEY_ORDER.get(item[0], 3), item[0])))


def fixture_records(documents):
    """Return every archive record of the documents, in the order loaddata needs them."""
    documents = list(catalogue.Document.objects.filter(pk__in=[doc.pk for doc in documents]))
    for document in documents:
        # created/modified change with every import; a fixture is made reproducible by
        # stamping both with the day the text was received, at midnight UTC.
        stamp = dt.datetime.combine(document.date_received, dt.time(0), tzinfo=dt.UTC)
        document.created = document.modified = stamp
    documents.sort(key=lambda doc: doc.catalogue_id)
    by_model = {
        catalogue.Document: documents,
        catalogue.SourceRevision: catalogue.SourceRevision.objects.filter(document__in=documents)
        .select_related("document")
        .order_by("document__catalogue_id", "number"),
        catalogue.Section: catalogue.Section.objects.filter(document__in=documents)
        .select_related("document", "parent")
        .order_by("document__catalogue_id", "order"),
        catalogue.Passage: catalogue.Passage.objects.filter(document__in=documents)
        .select_related("document", "section")
        .order_by("document__catalogue_id", "order"),
        catalogue.Note: catalogue.Note.objects.filter(document__in=documents)
        .select_related("document", "passage__document")
        .order_by("document__catalogue_id", "passage__order", "offset"),
        # The references the documents list, and those catalogued from their link lines.
        catalogue.Reference: catalogue.Reference.objects.filter(
            Q(document_links__document__in=documents)
            | Q(
                original_line__in=catalogue.ExternalLink.objects.filter(
                    document_links__document__in=documents
                ).values("original_line")
            )
        )
        .distinct()
        .order_by("catalogue_id"),
        catalogue.DocumentReference: catalogue.DocumentReference.objects.filter(
            document__in=documents
        )
        .select_related("document", "reference")
        .order_by("document__catalogue_id", "role", "order"),
        catalogue.ExternalLink: catalogue.ExternalLink.objects.filter(
            document_links__document__in=documents
        )
        .distinct()
        .order_by("catalogue_id"),
        catalogue.DocumentLink: catalogue.DocumentLink.objects.filter(document__in=documents)
        .select_related("document", "link")
        .order_by("document__catalogue_id", "link__kind", "order"),
    }
    by_model[catalogue.SourceRevision] = list(by_model[catalogue.SourceRevision])
    for revision in by_model[catalogue.SourceRevision]:
        revision.created = dt.datetime.combine(revision.date_received, dt.time(0), tzinfo=dt.UTC)
    by_model[catalogue.Reference] = list(by_model[catalogue.Reference])
    for reference in by_model[catalogue.Reference]:
        reference.authors = [canonical_name(name) for name in reference.authors]
        reference.editors = [canonical_name(name) for name in reference.editors]
    models = serializers.sort_dependencies([(None, list(by_model))])
    return chain.from_iterable(by_model[model] for model in models)


def serialize_documents(documents):
    """Return the records as ``dumpdata --natural-foreign --natural-primary --indent 2`` JSON."""
    text = serializers.serialize(
        "json",
        fixture_records(documents),
        indent=2,
        use_natural_foreign_keys=True,
        use_natural_primary_keys=True,
    )
    return text.rstrip("\n") + "\n"

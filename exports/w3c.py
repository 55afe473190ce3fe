"""Scholarship as W3C Web Annotation Data Model JSON-LD.

- An annotation: motivation as chosen (a reply: ``replying``, its target the annotation it
  answers), the Markdown body as a ``TextualBody`` (``text/markdown``), tags as ``tagging``
  bodies.
- A disputed-claim flag: motivation ``assessing``; bodies: the statement (``assessing``), the
  category (``classifying``), the status with the moderator's note (``describing``) and each
  piece of evidence (a ``linking`` SpecificResource, its source the reference or link).
- A cross-reference: motivation ``linking``; bodies: the destination (a passage or span, a
  reference, a link), the relation (``classifying``) and the note (``commenting``).

Every target is a ``SpecificResource`` whose source is the passage's absolute URL; a span adds
a TextQuoteSelector and a TextPositionSelector (code points of the passage text).
The ``id`` of each is its ``.jsonld`` URL, which answers this representation.
"""

from datetime import UTC

from django.db.models import CharField, IntegerField, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from annotations.authors import display_name
from annotations.models import Annotation, CrossReference, DisputedClaim

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
JSONLD_CONTENT_TYPE = f'application/ld+json; profile="{ANNO_CONTEXT}"'
#: The Link headers the Web Annotation Protocol (W3C Recommendation, 23 February 2017) gives
#: an annotation (§4.1), a container, here a document's collection (§5.1), and a page (§5.2).
PROTOCOL_LINKS = {
    "annotation": (
        '<http://www.w3.org/ns/ldp#Resource>; rel="type"',
        '<http://www.w3.org/ns/oa#Annotation>; rel="type"',
    ),
    "collection": (
        '<http://www.w3.org/ns/ldp#BasicContainer>; rel="type"',
        '<http://www.w3.org/ns/oa#AnnotationCollection>; rel="type"',
        '<http://www.w3.org/TR/annotation-protocol/>; rel="http://www.w3.org/ns/ldp#constrainedBy"',
    ),
    "page": ('<http://www.w3.org/ns/oa#AnnotationPage>; rel="type"',),
}


def iso(moment):
    """A timezone-aware datetime as ``2026-11-22T12:32:00Z``."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class Serializer:
    """Builds JSON-LD with absolute URLs for ``request``."""

    def __init__(self, request):
        self.request = request

    def url(self, path):
        return self.request.build_absolute_uri(path)

    # -- identifiers ---------------------------------------------------------------------

    def annotation_id(self, pk):
        return self.url(reverse("exports:annotation-jsonld", kwargs={"pk": pk}))

    def flag_id(self, pk):
        return self.url(reverse("exports:flag-jsonld", kwargs={"pk": pk}))

    def crossref_id(self, pk):
        return self.url(reverse("exports:crossref-jsonld", kwargs={"pk": pk}))

    def link_url(self, link):
        if link.url:
            return link.url
        return self.url(reverse("exports:api-link", kwargs={"catalogue_id": link.catalogue_id}))

    # -- parts ---------------------------------------------------------------------------

    def selectors(self, exact, prefix, suffix, start, end):
        quote = {"type": "TextQuoteSelector", "exact": exact}
        if prefix:
            quote["prefix"] = prefix
        if suffix:
            quote["suffix"] = suffix
        return [quote, {"type": "TextPositionSelector", "start": start, "end": end}]

    def target(self, record):
        target = {"type": "SpecificResource", "source": self.url(record.passage.get_absolute_url())}
        if record.is_span:
            target["selector"] = self.selectors(
                record.exact, record.prefix, record.suffix, record.start, record.end
            )
        return target

    def creator(self, user):
        """A ``Person``: the display name, the username, and the ORCID iD's IRI as ``id``."""
        creator = {"type": "Person", "name": display_name(user), "nickname": user.get_username()}
        orcid = getattr(getattr(user, "profile", None), "orcid_url", "")
        return {"id": orcid, **creator} if orcid else creator

    def common(self, record, identifier, motivation, context):
        data = {}
        if context:
            data["@context"] = ANNO_CONTEXT
        data.update(
            id=identifier,
            type="Annotation",
            motivation=motivation,
            created=iso(record.created),
            modified=iso(record.modified),
            creator=self.creator(record.author),
        )
        return data

    # -- records -------------------------------------------------------------------------

    def annotation(self, annotation, context=True):
        is_reply = annotation.parent_id is not None
        motivation = "replying" if is_reply else annotation.motivation
        data = self.common(annotation, self.annotation_id(annotation.pk), motivation, context)
        body = [{"type": "TextualBody", "value": annotation.body, "format": "text/markdown"}]
        body += [
            {"type": "TextualBody", "purpose": "tagging", "value": tag.name}
            for tag in annotation.tags.all()
        ]
        data["body"] = body
        data["target"] = (
            self.annotation_id(annotation.parent_id) if is_reply else self.target(annotation)
        )
        return data

    def flag(self, claim, context=True):
        data = self.common(claim, self.flag_id(claim.pk), "assessing", context)
        status = f"Status: {claim.get_status_display()}."
        if claim.resolution_note:
            status += f" {claim.resolution_note}"
        body = [
            {
                "type": "TextualBody",
                "purpose": "assessing",
                "value": claim.statement,
                "format": "text/plain",
            },
            {
                "type": "TextualBody",
                "purpose": "classifying",
                "value": claim.get_category_display(),
            },
            {"type": "TextualBody", "purpose": "describing", "value": status},
        ]
        for evidence in claim.evidence.all():
            if evidence.reference_id:
                source = self.url(evidence.reference.get_absolute_url())
            else:
                source = self.link_url(evidence.link)
            body.append({"type": "SpecificResource", "purpose": "linking", "source": source})
        data["body"] = body
        data["target"] = self.target(claim)
        return data

    def destination(self, crossref):
        if crossref.to_passage_id:
            resource = {
                "type": "SpecificResource",
                "purpose": "linking",
                "source": self.url(crossref.to_passage.get_absolute_url()),
            }
            if crossref.to_start is not None:
                resource["selector"] = self.selectors(
                    crossref.to_exact,
                    crossref.to_prefix,
                    crossref.to_suffix,
                    crossref.to_start,
                    crossref.to_end,
                )
            return resource
        if crossref.to_reference_id:
            source = self.url(crossref.to_reference.get_absolute_url())
        else:
            source = self.link_url(crossref.to_link)
        return {"type": "SpecificResource", "purpose": "linking", "source": source}

    def crossref(self, crossref, context=True):
        data = self.common(crossref, self.crossref_id(crossref.pk), "linking", context)
        body = [
            self.destination(crossref),
            {
                "type": "TextualBody",
                "purpose": "classifying",
                "value": crossref.get_relation_display(),
            },
        ]
        if crossref.note:
            body.append({"type": "TextualBody", "purpose": "commenting", "value": crossref.note})
        data["body"] = body
        data["target"] = self.target(crossref)
        return data


# ---------------------------------------------------------------------------
# A document's collection
# ---------------------------------------------------------------------------


def collection_querysets(document):
    """What a document's collection holds: its passages' public annotations (replies too),
    disputed-claim flags and live cross-references from its passages."""
    return (
        Annotation.objects.public().for_document(document),
        DisputedClaim.objects.for_document(document),
        CrossReference.objects.live().for_document(document),
    )


def _rows(queryset, kind):
    """(kind, pk, passage order, position, created) for a union across the three models."""
    return (
        queryset.order_by()
        .annotate(
            kind=Value(kind, output_field=CharField()),
            pos=Coalesce("start", Value(-1), output_field=IntegerField()),
        )
        .values_list("kind", "pk", "passage__order", "pos", "created")
    )


class CollectionPage:
    """One page of a document's collection, in the order of the document: by passage, then
    position in it (whole-passage records first), then creation; a fixed number of queries."""

    def __init__(self, document, number, page_size):
        annotations, flags, crossrefs = collection_querysets(document)
        union = _rows(annotations, "annotation").union(
            _rows(flags, "flag"), _rows(crossrefs, "crossref"), all=True
        )
        self.total = union.count()
        self.number = number
        self.last = max(1, -(-self.total // page_size))
        self.start_index = (number - 1) * page_size
        self.rows = []
        if self.total and number <= self.last:
            ordered = union.order_by("passage__order", "pos", "created", "pk")
            self.rows = list(ordered[self.start_index : self.start_index + page_size])
        self.items = self._load(annotations, flags, crossrefs)

    def _load(self, annotations, flags, crossrefs):
        ids = {"annotation": [], "flag": [], "crossref": []}
        for kind, pk, *_ in self.rows:
            ids[kind].append(pk)
        loaded = {}
        if ids["annotation"]:
            for item in annotations.filter(pk__in=ids["annotation"]).with_targets():
                loaded["annotation", item.pk] = item
        if ids["flag"]:
            for item in flags.filter(pk__in=ids["flag"]).with_targets().with_evidence():
                loaded["flag", item.pk] = item
        if ids["crossref"]:
            for item in crossrefs.filter(pk__in=ids["crossref"]).with_targets():
                loaded["crossref", item.pk] = item
        return [(kind, loaded[kind, pk]) for kind, pk, *_ in self.rows if (kind, pk) in loaded]

    @property
    def exists(self):
        return bool(self.rows)


def collection_json(serializer, document, collection_url, page_size):
    """The AnnotationCollection, with its first page embedded."""
    first = CollectionPage(document, 1, page_size)
    data = {
        "@context": ANNO_CONTEXT,
        "id": collection_url,
        "type": "AnnotationCollection",
        "label": f"Annotations, disputed-claim flags and cross-references on “{document.title}”",
        "total": first.total,
    }
    if first.total:
        data["first"] = page_json(serializer, first, collection_url, context=False, part_of=False)
        data["last"] = f"{collection_url}?page={first.last}"
    return data


def page_json(serializer, page, collection_url, context=True, part_of=True):
    data = {}
    if context:
        data["@context"] = ANNO_CONTEXT
    data["id"] = f"{collection_url}?page={page.number}"
    data["type"] = "AnnotationPage"
    if part_of:
        data["partOf"] = {"id": collection_url, "total": page.total}
    data["startIndex"] = page.start_index
    if page.number < page.last:
        data["next"] = f"{collection_url}?page={page.number + 1}"
    if page.number > 1:
        data["prev"] = f"{collection_url}?page={page.number - 1}"
    render = {
        "annotation": serializer.annotation,
        "flag": serializer.flag,
        "crossref": serializer.crossref,
    }
    data["items"] = [render[kind](item, context=False) for kind, item in page.items]
    return data

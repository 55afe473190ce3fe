"""Import W3C Web Annotations (JSON-LD) into one document, re-anchored by their quotes.

Input: one Annotation, an array of them, an AnnotationPage, or an AnnotationCollection whose
pages are embedded (``first`` and each ``next`` an object, not only a URL) — for example an
export of this archive or of another annotation tool (TextQuoteSelector targets, as Hypothesis
writes them).

Anchoring: the quote (TextQuoteSelector ``exact``) is looked for in every passage of the
document. One occurrence: that is the span, whatever the context says (the quote wins). Several:
the ones whose surrounding text (across passage boundaries, spaces normalised) ends with the
``prefix`` and starts with the ``suffix`` are kept; if still several, the passage named by the
target's ``source`` fragment (``#p-3``) and then the TextPositionSelector (which may be stale)
choose. Anything else is reported and not imported. A target without a quote is the whole
passage its ``source`` names (``…/documents/<slug>/#p-3``), if it names one of this document.

Each annotation is created through ``annotations.services.create_annotation`` (so it is
versioned) together with an ``ImportedAnnotation`` row recording its source ``id``, in one
transaction: an item either imports whole or not at all, and an item already imported (same
``id``) is skipped. The file as a whole is not atomic: good items are imported even when others
fail, and running the same file again after a fix imports only what is missing.
"""

import hashlib
import html
import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import nh3
import reversion
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from annotations.models import Annotation, CrossReference, DisputedClaim, Motivation
from annotations.services import TargetData, create_annotation

from .models import ImportedAnnotation

ANNOTATION_TYPES = {"Annotation"}
PAGE_TYPES = {"AnnotationPage", "OrderedCollectionPage"}
COLLECTION_TYPES = {"AnnotationCollection", "OrderedCollection"}
OWN_RECORD = re.compile(
    r"/(annotations|flags|cross-references)/"
    r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:\.jsonld|/)?$"
)
OWN_MODELS = {
    "annotations": (Annotation, "annotation"),
    "flags": (DisputedClaim, "disputed-claim flag"),
    "cross-references": (CrossReference, "cross-reference"),
}
MAX_PAGES = 10_000


class FileProblem(Exception):
    """The whole file cannot be read as W3C annotations (one line for the user)."""


class ItemProblem(Exception):
    """One annotation cannot be imported; the message says why."""


def listify(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def types_of(data):
    """``{"Annotation"}`` for ``"type": "Annotation"``, ``"oa:Annotation"`` or a list."""
    if not isinstance(data, dict):
        return set()
    names = listify(data.get("type", data.get("@type")))
    return {name.rsplit(":", 1)[-1] for name in names if isinstance(name, str)}


def clip(text, length=60):
    text = " ".join(str(text).split())
    return text if len(text) <= length else text[: length - 1] + "…"


def parse(text):
    """The annotations in a JSON text, as a list (items that are not annotations included, to
    be reported one by one); FileProblem when the text is not W3C annotation JSON at all."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileProblem(f"not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    if isinstance(data, list):
        return data
    kinds = types_of(data)
    if kinds & ANNOTATION_TYPES:
        return [data]
    if kinds & PAGE_TYPES:
        return listify(data.get("items"))
    if kinds & COLLECTION_TYPES:
        items = []
        page = data.get("first")
        seen = 0
        while page is not None:
            if not isinstance(page, dict):
                raise FileProblem(
                    f"the collection's page {page!r} is not embedded in the file; "
                    "download each page and import it"
                )
            items += listify(page.get("items"))
            page = page.get("next")
            seen += 1
            if seen > MAX_PAGES:
                raise FileProblem("the collection has too many pages")
        if not items and data.get("total"):
            raise FileProblem("the collection's pages are not embedded in the file")
        return items
    if isinstance(data, dict):
        found = ", ".join(sorted(kinds)) or "no type"
        raise FileProblem(
            f"not W3C Web Annotation JSON-LD: expected an Annotation, an AnnotationPage or an "
            f"AnnotationCollection, found {found}"
        )
    raise FileProblem("not W3C Web Annotation JSON-LD: expected an object or an array")


def source_id(data):
    identifier = data.get("id", data.get("@id"))
    if isinstance(identifier, str) and identifier.strip():
        return identifier.strip()[:500]
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False)
    return "urn:sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------
# Bodies
# ---------------------------------------------------------------------------

FORMAT_PREFERENCE = {"text/markdown": 0, "text/plain": 1, None: 2, "text/html": 3}


def _textual(body):
    value = body.get("value", body.get("rdf:value"))
    if not isinstance(value, str):
        return None
    fmt = body.get("format")
    if fmt == "text/html":
        value = html.unescape(nh3.clean(value, tags=set()))
    return fmt if fmt in FORMAT_PREFERENCE else None, value


def read_body(data):
    """(text, tags) from the bodies: tagging bodies are tags; of alternatives (a Choice) the
    Markdown, plain or HTML version, in that order of preference; linked resources (IRIs,
    SpecificResources) follow the text as links."""
    texts, tags, links = [], [], []
    if isinstance(data.get("bodyValue"), str):
        texts.append(data["bodyValue"])
    for body in listify(data.get("body")):
        if isinstance(body, str):
            links.append(body)  # an IRI: a linked resource
            continue
        if not isinstance(body, dict):
            continue
        purposes = {str(p).rsplit(":", 1)[-1] for p in listify(body.get("purpose"))}
        if "Choice" in types_of(body):
            options = [
                _textual(item) for item in listify(body.get("items")) if isinstance(item, dict)
            ]
            options = [option for option in options if option]
            if options:
                texts.append(min(options, key=lambda o: FORMAT_PREFERENCE[o[0]])[1])
            continue
        textual = _textual(body)
        if textual is None:
            resource = body.get("source", body.get("id"))
            if isinstance(resource, str):
                links.append(resource)
            continue
        if "tagging" in purposes:
            tags.append(textual[1])
        else:
            texts.append(textual[1])
    # Linked resources (a linking annotation's destination) are kept as Markdown links.
    texts += [f"<{link}>" for link in links if re.match(r"^https?://\S+$", link)]
    text = "\n\n".join(t.strip() for t in texts if t.strip())
    return text, tags


def read_motivation(data):
    values = [str(v).rsplit(":", 1)[-1] for v in listify(data.get("motivation"))]
    if not values:
        return Motivation.COMMENTING
    for value in values:
        if value in Motivation.values:
            return value
    raise ItemProblem(
        f"motivation {', '.join(values)} is not one an annotation here can have "
        f"({', '.join(Motivation.values)})"
    )


def read_creator(data):
    names = []
    for creator in listify(data.get("creator")):
        if isinstance(creator, str):
            names.append(creator)
        elif isinstance(creator, dict):
            name = creator.get("name") or creator.get("nickname") or creator.get("id")
            if isinstance(name, str):
                names.append(name)
    return "; ".join(names)[:300]


# ---------------------------------------------------------------------------
# Anchoring
# ---------------------------------------------------------------------------


def normalise(text):
    return " ".join(text.split())


@dataclass
class Occurrence:
    passage: object
    start: int
    stream_start: int


@dataclass
class Anchorer:
    """Finds a target's span in one document's passages."""

    document: object
    passages: list = field(default_factory=list)

    def __post_init__(self):
        self.passages = list(self.document.passages.order_by("order"))
        self.by_anchor = {passage.anchor: passage for passage in self.passages}
        self.offsets = {}
        position = 0
        for passage in self.passages:
            self.offsets[passage.pk] = position
            position += len(passage.text) + 1
        self.stream = "\n".join(passage.text for passage in self.passages)
        self.path = urlsplit(self.document.get_absolute_url()).path

    def passage_named(self, source):
        """The passage a source URL names (``…/documents/<slug>/#p-3``), or None."""
        if not isinstance(source, str):
            return None
        parts = urlsplit(source)
        if parts.path.rstrip("/") != self.path.rstrip("/"):
            return None
        return self.by_anchor.get(parts.fragment)

    def anchor(self, data):
        targets = listify(data.get("target"))
        if not targets:
            raise ItemProblem("it has no target")
        if len(targets) > 1:
            raise ItemProblem(f"it has {len(targets)} targets; import one target per annotation")
        target = targets[0]
        if isinstance(target, str):
            passage = self.passage_named(target)
            if passage is None:
                raise ItemProblem(
                    f"its target {clip(target)} is neither a quote nor a passage of "
                    f"{self.document.catalogue_id}"
                )
            return TargetData(passage=passage)
        if not isinstance(target, dict):
            raise ItemProblem("its target is not an object or an IRI")
        selectors = [s for s in listify(target.get("selector")) if isinstance(s, dict)]
        quote = next((s for s in selectors if "TextQuoteSelector" in types_of(s)), None)
        position = next((s for s in selectors if "TextPositionSelector" in types_of(s)), None)
        named = self.passage_named(target.get("source"))
        if quote is None:
            if named is None:
                raise ItemProblem(
                    "its target has no TextQuoteSelector to find it by, and its source is not "
                    f"a passage of {self.document.catalogue_id}"
                )
            if position is not None:
                return TargetData(
                    passage=named, start=position.get("start"), end=position.get("end")
                )
            return TargetData(passage=named)
        return self._by_quote(quote, position, named)

    def _by_quote(self, quote, position, named):
        exact = quote.get("exact")
        if not isinstance(exact, str) or not exact:
            raise ItemProblem("its TextQuoteSelector has no exact text")
        prefix = quote.get("prefix") if isinstance(quote.get("prefix"), str) else ""
        suffix = quote.get("suffix") if isinstance(quote.get("suffix"), str) else ""
        found = []
        for passage in self.passages:
            start = passage.text.find(exact)
            while start != -1:
                found.append(Occurrence(passage, start, self.offsets[passage.pk] + start))
                start = passage.text.find(exact, start + 1)
        where = self.document.catalogue_id
        if not found:
            if self.stream.find(exact) != -1 or normalise(exact) in normalise(self.stream):
                raise ItemProblem(
                    f"the quote “{clip(exact)}” runs across passages of {where} (or differs "
                    "in spacing); a target here lies within one passage"
                )
            raise ItemProblem(f"the quote “{clip(exact)}” is not in {where}")
        chosen = found
        if len(chosen) > 1:
            chosen = [o for o in found if self._context_fits(o, exact, prefix, suffix)] or found
        if len(chosen) > 1 and named is not None:
            chosen = [o for o in chosen if o.passage.pk == named.pk] or chosen
        if len(chosen) > 1 and position is not None:
            # Positions count in the passage when the source is one of ours, else in the
            # source's whole text (which this document's text may not match: a tie-break only).
            start = position.get("start")
            chosen = [
                o for o in chosen if start == (o.start if named is not None else o.stream_start)
            ] or chosen
        if len(chosen) > 1:
            raise ItemProblem(
                f"the quote “{clip(exact)}” occurs {len(found)} times in {where} and its "
                "prefix, suffix and position do not tell which one is meant"
            )
        occurrence = chosen[0]
        return TargetData(
            passage=occurrence.passage,
            start=occurrence.start,
            end=occurrence.start + len(exact),
            exact=exact,
        )

    def _context_fits(self, occurrence, exact, prefix, suffix):
        before = normalise(self.stream[: occurrence.stream_start][-4 * len(prefix) - 8 :])
        after = normalise(
            self.stream[occurrence.stream_start + len(exact) :][: 4 * len(suffix) + 8]
        )
        prefix, suffix = normalise(prefix), normalise(suffix)
        fits_before = before.endswith(prefix) or (
            len(before) < len(prefix) and prefix.endswith(before)
        )
        fits_after = after.startswith(suffix) or (
            len(after) < len(suffix) and suffix.startswith(after)
        )
        return fits_before and fits_after


# ---------------------------------------------------------------------------
# The import
# ---------------------------------------------------------------------------


@dataclass
class Outcome:
    index: int
    source_id: str
    status: str  # "imported", "skipped" or "failed"
    message: str
    annotation: object = None


def existing(source):
    """Why ``source`` needs no import (already imported, or one of ours), or None."""
    record = ImportedAnnotation.objects.filter(source_id=source).first()
    if record is not None:
        return f"already imported as annotation {record.annotation_id}"
    match = OWN_RECORD.search(urlsplit(source).path) if source.startswith("http") else None
    if match:
        model, name = OWN_MODELS[match.group(1)]
        if model.objects.filter(pk=match.group(2)).exists():
            return f"it is {name} {match.group(2)} of this archive"
    return None


def import_item(index, data, *, anchorer, user, visibility, filename):
    if not isinstance(data, dict) or not (types_of(data) & ANNOTATION_TYPES):
        return Outcome(index, "", "failed", 'not a W3C Annotation (no "type": "Annotation")')
    source = source_id(data)
    reason = existing(source)
    if reason:
        return Outcome(index, source, "skipped", reason)
    try:
        motivation = read_motivation(data)
        text, tags = read_body(data)
        if not text:
            raise ItemProblem("it has no textual body; an annotation here needs one")
        target = anchorer.anchor(data)
        with transaction.atomic(), reversion.create_revision():
            annotation = create_annotation(
                user=user,
                target=target,
                body=text,
                motivation=motivation,
                visibility=visibility,
                tags=tags,
            )
            ImportedAnnotation.objects.create(
                source_id=source,
                annotation=annotation,
                source_creator=read_creator(data),
                source_created=str(data.get("created", ""))[:40],
                source_file=filename[:255],
                imported_by=user,
            )
            reversion.set_comment(f"Imported from {source}"[:500])
    except ItemProblem as exc:
        return Outcome(index, source, "failed", str(exc))
    except ValidationError as exc:
        return Outcome(index, source, "failed", "; ".join(exc.messages))
    except PermissionDenied as exc:
        return Outcome(index, source, "failed", str(exc))
    except IntegrityError:
        return Outcome(index, source, "skipped", "imported meanwhile by another run")
    return Outcome(index, source, "imported", f"annotation {annotation.pk}", annotation)


def import_annotations(items, *, document, user, visibility, filename=""):
    anchorer = Anchorer(document)
    return [
        import_item(
            index, data, anchorer=anchorer, user=user, visibility=visibility, filename=filename
        )
        for index, data in enumerate(items, start=1)
    ]

"""Each passage's rendered text-with-marks and margin summary, cached under its change counter.

The reading page asks the cache for every passage's fragments at once; only the passages
whose counter moved since (``archive.models.PassageChanges``, bumped by every write of
``annotations.services`` that touches the passage, inside its transaction) are rendered
again, from a fixed number of queries whatever their number. Fragments differ by audience:
the public sees published public annotations, a signed-in scholar also their own.
"""

import logging
from collections import Counter

from django.core.cache import caches
from django.template.loader import render_to_string

from annotations.reading import DocumentScholarship
from annotations.summary import summarise
from archive.reading import split_passage

logger = logging.getLogger(__name__)


def fragment_cache():
    return caches["fragments"]


def audience(user):
    """Who a fragment is for: everyone, or one signed-in reader (who may see more)."""
    if not user.is_authenticated:
        return "public"
    moderator = user.has_perm("annotations.moderate_annotation")
    return f"user{user.pk}{'m' if moderator else ''}"


def fragment_key(passage, audience):
    return f"reading:passage:{passage.pk}:{passage.fragment_version}:{audience}"


def render_fragment(passage, summary, *, can_annotate):
    """The cached form of a passage: its text HTML, its summary HTML, and what the page
    counts from them (items, whether it is disputed)."""
    return {
        "text": render_to_string("reading/_passage_marks.html", {"passage": passage}),
        "summary": render_to_string(
            "annotations/_summary.html",
            {"passage": passage, "summary": summary, "can_annotate": can_annotate},
        ),
        "items": summary.total,
        "disputed": summary.disputed,
    }


def attach_fragments(document, reading, user, *, can_annotate=False):
    """Give every passage of ``reading`` its ``fragment``, from the cache or rendered now."""
    passages = reading.passages
    cache, who = fragment_cache(), audience(user)
    keys = {passage.pk: fragment_key(passage, who) for passage in passages}
    try:
        found = cache.get_many(list(keys.values())) if passages else {}
    except Exception:  # a cache that is down costs a render, no more
        logger.warning("Could not read passage fragments", exc_info=True)
        found = {}
    missing = [passage for passage in passages if keys[passage.pk] not in found]
    if missing:
        every = len(missing) == len(passages)
        scholarship = DocumentScholarship.for_document(
            document, user, passages=None if every else [passage.pk for passage in missing]
        )
        fresh = {}
        for passage in missing:
            passage.scholarship = scholarship.items_for(passage.pk)
            passage.segments = split_passage(
                passage, passage.note_list, scholarship.highlights_for(passage.pk)
            )
            fresh[keys[passage.pk]] = render_fragment(
                passage, summarise(passage.scholarship), can_annotate=can_annotate
            )
        try:
            cache.set_many(fresh)
        except Exception:
            logger.warning("Could not store passage fragments", exc_info=True)
        found.update(fresh)
    for passage in passages:
        passage.fragment = found[keys[passage.pk]]
    count_sections(reading.sections, passages)


def count_sections(nodes, passages):
    """Set each section node's ``item_count``: the items on its passages and its subsections'."""
    by_section = Counter()
    for passage in passages:
        by_section[passage.section_id] += passage.fragment["items"]

    def count(node):
        node.item_count = by_section[node.section.pk] + sum(count(c) for c in node.children)
        return node.item_count

    for node in nodes:
        count(node)

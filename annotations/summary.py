"""What the margin says of a passage's scholarship: counts by kind and the latest few words.

The reading room caches it per passage (``reading.fragments``); the compare page shows it
beside each passage of both texts. Its template is ``annotations/_summary.html``.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.utils.html import strip_tags

from .models import FlagStatus, Relation
from .rendering import render_markdown

#: How many of a passage's latest items its margin summary quotes.
LATEST_ITEMS = 3
#: Flags still in dispute: their passages are the stops of "next / previous disputed".
DISPUTED = (FlagStatus.OPEN, FlagStatus.UNDER_REVIEW)


@dataclass
class Summary:
    """What the margin says of a passage: counts by kind and the opening words of the latest
    items (``latest``: (kind, words) pairs, newest first)."""

    annotations: int = 0
    #: (status label, count) pairs.
    flags: list = field(default_factory=list)
    #: (relation label, count) pairs.
    crossrefs: list = field(default_factory=list)
    latest: list = field(default_factory=list)
    disputed: bool = False

    @property
    def total(self):
        return (
            self.annotations
            + sum(count for _, count in self.flags)
            + sum(count for _, count in self.crossrefs)
        )


def summarise(scholarship):
    """The margin summary of one passage's ``PassageScholarship``."""
    statuses = Counter(FlagStatus(flag.status).label for flag in scholarship.flags)
    relations = Counter(Relation(crossref.relation).label for crossref, _ in scholarship.crossrefs)
    items = [
        (a.created, "annotation", strip_tags(render_markdown(a.body)))
        for a in scholarship.annotations
    ]
    items += [(f.created, "flag", f.statement) for f in scholarship.flags]
    items += [
        (c.created, "cross-reference", c.note or Relation(c.relation).label)
        for c, _ in scholarship.crossrefs
    ]
    items.sort(key=lambda item: item[0], reverse=True)
    return Summary(
        annotations=len(scholarship.annotations),
        flags=sorted(statuses.items()),
        crossrefs=sorted(relations.items()),
        latest=[(kind, words) for _, kind, words in items[:LATEST_ITEMS]],
        disputed=any(flag.status in DISPUTED for flag in scholarship.flags),
    )

"""The scholarship beside a passage, rendered in Python.

The reading view of a well-annotated article lists hundreds of annotations, flags and
cross-references; through Django templates each cost about 1 ms (variable lookups, filters,
``reverse()`` for every link), which made the page take over a second with 1,500 records
(docs/performance.md, "Reading view"). These functions write the same HTML with plain string
building: every value is escaped with ``html.escape`` (what Django's autoescape does), links are
built from URL patterns reversed once per URL configuration, dates are formatted as the
``date`` filter formats them.

Used through the ``{% passage_aside %}`` and ``{% annotation_meta %}`` tags
(``annotations/templatetags/annotations.py``) by the reading view, the compare page and the
annotation pages, so there is one rendering of each fragment.
"""

import re
import unicodedata
from functools import cached_property, lru_cache
from html import escape

from django.utils.dates import MONTHS_3
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator, add_truncation_text
from django.utils.timezone import localtime
from django.utils.translation import get_language

from config.reverse import url_maker

from .models import (
    FlagCategory,
    FlagStatus,
    ModerationStatus,
    Motivation,
    Relation,
    Visibility,
)
from .rendering import render_markdown

#: ``get_FOO_display()`` without its per-call flattening of the choices.
LABELS = {
    choices: {value: str(label) for value, label in choices.choices}
    for choices in (FlagCategory, FlagStatus, ModerationStatus, Motivation, Relation)
}


def label(choices, value):
    return LABELS[choices].get(value, value)


_ASCII = re.compile(r"[\x00-\x7f]+")


def truncate(text, length):
    """``text|truncatechars:length``, exactly: Django's ``Truncator`` counts characters one by
    one (to skip combining ones); a text in NFC without combining characters needs no count."""
    if not text.isascii() and (
        not unicodedata.is_normalized("NFC", text)
        or any(unicodedata.combining(char) for char in _ASCII.sub("", text))
    ):
        return Truncator(text).chars(length)
    if len(text) <= length:
        return text
    return add_truncation_text(text[: length - 1])


@lru_cache(maxsize=8)
def _months(language):
    """``MONTHS_3`` as the ``date`` filter's ``M`` shows them, in ``language`` (active)."""
    return [""] + [str(MONTHS_3[month]).title() for month in range(1, 13)]


def _date(value):
    """``(value|date:'c', value|date:'j M Y, H:i')`` in the current time zone."""
    value = localtime(value)
    month = _months(get_language())[value.month]
    return value.isoformat(), f"{value.day} {month} {value.year}, {value:%H:%M}"


class Links:
    """The links of one passage's aside, each kind reversed once (``config.reverse``)."""

    @cached_property
    def annotation(self):
        return url_maker("annotations:annotation-detail", "pk")

    @cached_property
    def flag(self):
        return url_maker("annotations:flag-detail", "pk")

    @cached_property
    def crossref(self):
        return url_maker("annotations:crossref-detail", "pk")

    @cached_property
    def document(self):
        return url_maker("archive:document-detail", "slug")

    @cached_property
    def reference(self):
        return url_maker("archive:reference-detail", "catalogue_id")

    def passage(self, passage):
        return f"{self.document(passage.document.slug)}#{passage.anchor}"

    def create(self, name, passage):
        return url_maker(f"annotations:{name}", "slug", "anchor")(
            passage.document.slug, passage.anchor
        )


def _seconds(value):
    """``value|date:'U'``."""
    return int(value.timestamp())


def author_name(annotation):
    """The author's username: read with the annotation by the reading view, else the user's."""
    name = getattr(annotation, "author_name", None)
    return annotation.author.username if name is None else name


def annotation_meta(annotation):
    """Motivation, author, dates and badges of an annotation (``annotation__meta``)."""
    created_iso, created = _date(annotation.created)
    parts = [
        '<p class="annotation__meta">\n  <span class="badge">',
        escape(label(Motivation, annotation.motivation)),
        "</span>\n  by ",
        escape(author_name(annotation)),
        f', <time datetime="{created_iso}">{created}</time>\n  ',
    ]
    if _seconds(annotation.modified) != _seconds(annotation.created):
        modified_iso, modified = _date(annotation.modified)
        parts.append(f'· edited <time datetime="{modified_iso}">{modified}</time>')
    parts.append("\n  ")
    if annotation.visibility == Visibility.PRIVATE:
        parts.append('· <span class="badge badge--private">Private</span>')
    parts.append("\n  ")
    if annotation.status != ModerationStatus.PUBLISHED:
        parts += [
            '· <span class="badge badge--hidden">',
            escape(label(ModerationStatus, annotation.status)),
            "</span>",
        ]
    parts.append("\n  ")
    if annotation.is_deleted:
        parts.append('· <span class="badge badge--hidden">Deleted</span>')
    parts.append("\n</p>")
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped above


def _flag(flag, language, links):
    parts = [
        f'<p class="flag-note flag-note--{escape(flag.status)}">\n'
        '<span class="badge badge--disputed">Disputed · ',
        escape(label(FlagStatus, flag.status)),
        '</span>\n<a href="',
        escape(links.flag(flag.pk)),
        '">',
        escape(label(FlagCategory, flag.category)),
        ": ",
        escape(truncate(flag.statement, 140)),
        "</a>\n",
    ]
    if flag.is_span:
        parts += [
            f'<span class="muted">on “<span lang="{language}">',
            escape(truncate(flag.exact, 60)),
            "</span>”</span>",
        ]
    else:
        parts.append('<span class="muted">on the whole passage</span>')
    if flag.resolution_note:
        parts += [
            '\n<span class="flag-note__resolution">Moderator\'s note: ',
            escape(truncate(flag.resolution_note, 160)),
            "</span>",
        ]
    parts.append("\n</p>\n")
    return parts


def _annotation(annotation, language, links):
    private = annotation.visibility == Visibility.PRIVATE
    parts = [
        f'<li id="annotation-{annotation.pk}" class="annotation-beside'
        f'{" annotation-beside--private" if private else ""}" tabindex="-1">\n'
    ]
    number = getattr(annotation, "note_number", None)
    if number:
        parts.append(f'<span class="annotation-beside__number">{number}</span>\n')
    parts += [annotation_meta(annotation), "\n"]
    if annotation.is_span:
        parts += [
            f'<p class="annotation-beside__quote">On “<span lang="{language}">',
            escape(truncate(annotation.exact, 80)),
            "</span>”</p>\n",
        ]
    parts += ['<div class="annotation__body">', render_markdown(annotation.body), "</div>\n"]
    # The reading view fetches the names in one query (annotations.reading).
    tags = getattr(annotation, "tag_names", None)
    if tags is None:
        tags = [tag.name for tag in annotation.tags.all()]
    if tags:
        names = " ".join(f'<span class="tag">{escape(name)}</span>' for name in tags)
        parts.append(f'<p class="tags">{names}</p>\n')
    replies = len(getattr(annotation, "reply_list", ()) or ())
    parts += [
        '<p class="annotation-beside__links"><a href="',
        escape(links.annotation(annotation.pk)),
        '">Open<span class="visually-hidden"> annotation by ',
        escape(author_name(annotation)),
        "</span></a>",
    ]
    if replies:
        parts.append(f" · {replies} repl{'y' if replies == 1 else 'ies'}")
    parts.append("</p>\n</li>\n")
    return parts


def _passage_link(passage, links):
    document = passage.document
    return (
        f'<a href="{escape(links.passage(passage))}">'
        f'<span lang="{escape(document.language)}">{escape(document.title)}</span>, '
        f"passage {passage.order}</a>"
    )


def _crossref(crossref, direction, links):
    """``crossref.source`` and ``.target`` are its ends as ``annotations.reading`` found them."""
    parts = [
        '<p class="crossref-note">\n<span class="badge">',
        escape(label(Relation, crossref.relation)),
        "</span>\n",
    ]
    if direction == "out":
        if crossref.target is not None:
            target = crossref.target
            parts += ["→ ", _passage_link(target, links)]
            if crossref.to_exact:
                parts += [
                    f': “<span lang="{escape(target.document.language)}">',
                    escape(truncate(crossref.to_exact, 60)),
                    "</span>”",
                ]
        elif crossref.to_reference_id:
            reference = crossref.to_reference
            lang = f' lang="{escape(reference.language)}"' if reference.language else ""
            parts += [
                f'→ <a href="{escape(links.reference(reference.catalogue_id))}"{lang}>',
                escape(reference.title),
                "</a>",
            ]
        else:
            parts += ["→ ", escape(crossref.to_link.title)]
    else:
        parts += ["← ", _passage_link(crossref.source, links), " links here"]
    parts += [
        f'\n<a class="crossref-note__details" href="{escape(links.crossref(crossref.pk))}">'
        'details<span class="visually-hidden"> of this cross-reference</span></a>\n</p>\n'
    ]
    return parts


def passage_actions(passage, links):
    """Links to annotate, flag and cross-reference the passage (for scholars)."""
    annotate, flag, crossref = (
        escape(links.create(name, passage))
        for name in ("annotation-create", "flag-create", "crossref-create")
    )
    order = passage.order
    return (
        '<p class="passage-actions">\n'
        f'<a href="{annotate}">Annotate<span class="visually-hidden"> passage {order}</span></a>\n'
        f'<a href="{flag}">Flag<span class="visually-hidden"> passage {order} as disputed</span>'
        "</a>\n"
        f'<a href="{crossref}">Cross-reference'
        f'<span class="visually-hidden"> passage {order}</span></a>\n</p>\n'
    )


def passage_aside(passage, can_annotate=False):
    """What is said about ``passage`` (its ``scholarship``) and, for a scholar, the links to
    say more; empty when there is neither."""
    scholarship = getattr(passage, "scholarship", None)
    if not scholarship and not can_annotate:
        return SafeString("")
    language = escape(passage.document.language)
    links = Links()
    parts = [
        '<aside class="passage-aside" lang="en" '
        f'aria-label="Scholarship on passage {passage.order}">\n'
    ]
    if scholarship:
        for flag in scholarship.flags:
            parts += _flag(flag, language, links)
        if scholarship.annotations:
            parts.append('<ul class="annotations-beside">\n')
            for annotation in scholarship.annotations:
                parts += _annotation(annotation, language, links)
            parts.append("</ul>\n")
        for crossref, direction in scholarship.crossrefs:
            parts += _crossref(crossref, direction, links)
    if can_annotate:
        parts.append(passage_actions(passage, links))
    parts.append("</aside>\n")
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped above

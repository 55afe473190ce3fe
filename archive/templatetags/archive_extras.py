"""Inline renderings that are whitespace-sensitive or punctuation-heavy: passage text with
footnote markers, and citations built from a reference's parsed fields."""

from django import template
from django.utils.dateformat import format as format_date
from django.utils.encoding import uri_to_iri
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language_info

register = template.Library()


@register.filter
def language_name(code):
    """``ro`` → ``Romanian``; an unknown code is shown as it is."""
    if not code:
        return ""
    try:
        return get_language_info(code)["name"]
    except KeyError:
        return code


@register.filter
def form_prefix(form):
    """A form's prefix (in a template, ``form.prefix`` finds a field named "prefix" first)."""
    return form.prefix or ""


@register.filter
def readable_url(url):
    """A URL for reading: percent-escapes of non-ASCII letters shown as the letters."""
    return uri_to_iri(url)


#: What a screen reader says where a highlighted span starts and ends: the page shows the span
#: by colour and a solid or dotted underline, a listener hears these words (visually hidden, in
#: English, marked ``data-nontext`` because they are not passage text). A disputed span ends
#: with its visible ``[disputed]`` tag, so it needs no words of its own at the end.
SPOKEN_BOUNDS = {
    "annotation": ("annotated text: ", " end of annotated text "),
    "disputed": ("disputed text: ", ""),
}


#: Between annotation numbers: a comma and a thin space.
THIN_COMMA = ",\u2009"


def _numbers(numbers):
    """Annotation numbers, shown only in print, where the annotations become numbered notes."""
    return THIN_COMMA.join(str(number) for number in numbers if number)


def _spoken(marks, end):
    words = (SPOKEN_BOUNDS.get(mark.item.highlight_kind, ("", ""))[end] for mark in marks)
    return [word for word in words if word]


@register.inclusion_tag("archive/_passage_text.html")
def passage_text(passage):
    """The passage text, exactly, with footnote markers as superscript links and highlighted
    spans as ``<mark>``; a highlight may add a tag after its span (e.g. ``[disputed]``), words
    for screen readers at its ends, and its annotation's number for print, all marked
    ``data-nontext`` because they are not part of the passage text. The template is one line:
    any white space in it would show in the text."""
    pieces = []
    offset = 0
    for segment in passage.segments:
        start, offset = offset, offset + len(segment.text)
        opening = sorted(
            (mark for mark in segment.marks if mark.start == start),
            key=lambda mark: mark.item.highlight_kind,
        )
        kinds = sorted({mark.item.highlight_kind for mark in segment.marks})
        pieces.append(
            {
                "segment": segment,
                "spoken_before": _spoken(opening, 0),
                "classes": " ".join(f"hl--{kind}" for kind in kinds),
                "tags": [mark.item for mark in segment.closes if mark.item.inline_label],
                "spoken_after": _spoken(segment.closes, 1),
                "numbers": _numbers(
                    getattr(mark.item, "note_number", None) for mark in segment.closes
                ),
            }
        )
    scholarship = getattr(passage, "scholarship", None)
    whole = ""
    if scholarship:
        whole = _numbers(
            getattr(annotation, "note_number", None)
            for annotation in scholarship.annotations
            if not annotation.is_span
        )
    return {"pieces": pieces, "whole_passage_numbers": whole}


@register.simple_tag
def citation(reference, link=True):
    """An author–date citation from the parsed fields; the title links to the reference page.

    ``Family, Given (year). Title [translated title] (format). Periodical. Place: Publisher.
    (In language.) ISBN …`` – each part only when the source gives it.
    """
    parts = []
    names = reference.author_names
    if not names and reference.editors:
        names = f"{reference.editor_names} (ed{'s' if len(reference.editors) > 1 else ''}.)"
    when = format_date(reference.date, "j F Y") if reference.date else reference.year
    if names or when:
        parts.append(conditional_escape(" ".join(filter(None, [names, when and f"({when})"]))))
        parts[-1] = _full_stop(parts[-1])

    template = "“{}”" if reference.kind == "article" else "<cite>{}</cite>"
    title = [format_html(template, reference.title)]
    # A title in another language is marked as such, for screen readers' voices.
    lang = format_html(' lang="{}"', reference.language) if reference.language else ""
    if link:
        title[0] = format_html(
            '<a href="{}"{}>{}</a>', reference.get_absolute_url(), lang, title[0]
        )
    elif lang:
        title[0] = format_html("<span{}>{}</span>", lang, title[0])
    if reference.translated_title:
        title.append(conditional_escape(f"[{reference.translated_title}]"))
    if reference.format:
        title.append(conditional_escape(f"({reference.format})"))
    ends_with_punctuation = len(title) == 1 and reference.title.rstrip().endswith(("?", "!", "."))
    title_html = mark_safe(" ".join(title))
    parts.append(title_html if ends_with_punctuation else _full_stop(title_html))

    if reference.periodical:
        parts.append(format_html("<cite>{}</cite>.", reference.periodical))
    publisher = ": ".join(part for part in (reference.place, reference.publisher) if part)
    if publisher:
        parts.append(_full_stop(conditional_escape(publisher)))
    if reference.language and reference.language != "en":
        parts.append(conditional_escape(f"(In {language_name(reference.language)}.)"))
    if reference.isbn:
        parts.append(conditional_escape(f"ISBN {reference.isbn}."))
    return mark_safe(" ".join(parts))


def _full_stop(html):
    """Append a full stop unless the text already ends with one."""
    return html if str(html).rstrip().endswith(".") else mark_safe(f"{html}.")

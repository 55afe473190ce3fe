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
def readable_url(url):
    """A URL for reading: percent-escapes of non-ASCII letters shown as the letters."""
    return uri_to_iri(url)


@register.simple_tag
def passage_text(passage):
    """The passage text, exactly, with footnote markers as superscript links and highlighted
    spans as ``<mark>``; a highlight may add a tag after its span (e.g. ``[disputed]``), marked
    ``data-nontext`` because it is not part of the passage text."""
    html = []
    for segment in passage.segments:
        if segment.note is not None:
            text = format_html(
                '<sup class="note-ref"><a href="#{}" id="ref-{}">{}</a></sup>',
                segment.note.anchor,
                segment.note.anchor,
                segment.text,
            )
        else:
            text = conditional_escape(segment.text)
        if segment.marks:
            kinds = sorted({mark.item.highlight_kind for mark in segment.marks})
            classes = " ".join(f"hl--{kind}" for kind in kinds)
            text = format_html('<mark class="hl {}">{}</mark>', classes, text)
        html.append(text)
        for mark in segment.closes:
            if mark.item.inline_label:
                html.append(
                    format_html(
                        '<sup class="hl-tag hl-tag--{}" data-nontext><a href="{}">{}</a></sup>',
                        mark.item.highlight_kind,
                        mark.item.get_absolute_url(),
                        mark.item.inline_label,
                    )
                )
    return mark_safe("".join(html))


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
    if link:
        title[0] = format_html('<a href="{}">{}</a>', reference.get_absolute_url(), title[0])
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

"""Inline renderings that are whitespace-sensitive or punctuation-heavy: passage text with
footnote markers, and citations built from a reference's parsed fields."""

from django import template
from django.utils.dateformat import format as format_date
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


@register.simple_tag
def passage_text(passage):
    """The passage text, exactly, with each linked footnote marker as a superscript link."""
    html = []
    for segment in passage.segments:
        if segment.note is not None:
            html.append(
                format_html(
                    '<sup class="note-ref"><a href="#{}" id="ref-{}">{}</a></sup>',
                    segment.note.anchor,
                    segment.note.anchor,
                    segment.text,
                )
            )
        else:
            html.append(conditional_escape(segment.text))
    return mark_safe("".join(html))


def _sentence(text):
    """End a citation element with a full stop unless it already ends with punctuation."""
    text = str(text).rstrip()
    return text if text.endswith((".", "?", "!")) else f"{text}."


@register.simple_tag
def citation(reference, link=True):
    """An author–date citation from the parsed fields; the title links to the reference page."""
    parts = []
    names = reference.author_names
    if not names and reference.editors:
        names = f"{reference.editor_names} (ed{'s' if len(reference.editors) > 1 else ''}.)"
    when = format_date(reference.date, "j F Y") if reference.date else reference.year
    if names:
        parts.append(conditional_escape(names + (f" ({when})." if when else ".")))
    elif when:
        parts.append(conditional_escape(f"({when})."))

    if reference.kind == "article":
        title_html = format_html("“{}”", _sentence(reference.title))
    else:
        title_html = format_html("<cite>{}</cite>", reference.title)
    if link:
        title_html = format_html('<a href="{}">{}</a>', reference.get_absolute_url(), title_html)
    if reference.kind != "article" and not reference.title.rstrip().endswith((".", "?", "!")):
        title_html = format_html("{}.", title_html)
    parts.append(title_html)
    if reference.translated_title:
        parts.append(conditional_escape(f"[{reference.translated_title}]"))
    if reference.format:
        parts.append(conditional_escape(f"({reference.format})"))
    if reference.periodical:
        container = format_html("<cite>{}</cite>", reference.periodical)
        parts.append(format_html("{}.", container))
    publisher = ": ".join(part for part in (reference.place, reference.publisher) if part)
    if publisher:
        parts.append(conditional_escape(_sentence(publisher)))
    if reference.language and reference.language != "en":
        parts.append(conditional_escape(f"(In {language_name(reference.language)}.)"))
    if reference.isbn:
        parts.append(conditional_escape(f"ISBN {reference.isbn}."))
    return mark_safe(" ".join(str(part) for part in parts))

from django import template

from annotations import fragments
from annotations.rendering import render_markdown

register = template.Library()


@register.filter
def markdown(body):
    """Render a Markdown body as sanitised HTML."""
    return render_markdown(body)


@register.simple_tag(takes_context=True)
def passage_aside(context, passage):
    """The scholarship beside a passage (``annotations.fragments.passage_aside``); the links
    to annotate, flag and cross-reference it when the page's ``can_annotate`` is true."""
    return fragments.passage_aside(passage, can_annotate=bool(context.get("can_annotate")))


@register.simple_tag
def annotation_meta(annotation):
    """Motivation, author, dates and badges of an annotation."""
    return fragments.annotation_meta(annotation)

from django import template

from annotations import authors
from annotations.rendering import render_markdown

register = template.Library()


@register.filter
def markdown(body):
    """Render a Markdown body as sanitised HTML."""
    return render_markdown(body)


@register.filter
def display_name(user):
    """How the site names a person: their profile's display name, else their username."""
    return authors.display_name(user)


@register.filter
def tag_names(annotation):
    """The annotation's tag names: read with it by the reading room, else looked up."""
    names = getattr(annotation, "tag_names", None)
    return [tag.name for tag in annotation.tags.all()] if names is None else names


@register.inclusion_tag("annotations/_passage_aside.html", takes_context=True)
def passage_aside(context, passage):
    """What is said about ``passage`` (its ``scholarship``) and, when the page's
    ``can_annotate`` is true, the links to annotate, flag and cross-reference it."""
    return {
        "passage": passage,
        "scholarship": getattr(passage, "scholarship", None),
        "can_annotate": bool(context.get("can_annotate")),
    }


@register.inclusion_tag("annotations/_annotation_meta.html")
def annotation_meta(annotation):
    """Motivation, author, dates and badges of an annotation."""
    name = getattr(annotation, "author_name", None)
    return {
        "annotation": annotation,
        "author_name": authors.display_name(annotation.author) if name is None else name,
        "edited": int(annotation.modified.timestamp()) != int(annotation.created.timestamp()),
    }

from django import template

from annotations.rendering import render_markdown

register = template.Library()


@register.filter
def markdown(body):
    """Render a Markdown body as sanitised HTML."""
    return render_markdown(body)

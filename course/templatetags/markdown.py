"""Markdown filters for templates: everything goes through course.rendering's sanitiser."""

from django import template
from django.utils.safestring import mark_safe

from course.rendering import render_inline, render_markdown, render_plain

register = template.Library()


@register.filter
def markdown(text: str) -> str:
    """Render course Markdown (paragraphs, code blocks, lists) as sanitised HTML."""
    return mark_safe(render_markdown(str(text)))  # noqa: S308 - nh3 cleaned it


@register.filter
def inline_markdown(text: str) -> str:
    """Render a phrase's inline Markdown (`code`, *emphasis*) as sanitised HTML."""
    return mark_safe(render_inline(str(text)))  # noqa: S308 - nh3 cleaned it


@register.filter
def plain_markdown(text: str) -> str:
    """Return a phrase without its Markdown (text only, escaped), for an <option>."""
    return mark_safe(render_plain(str(text)))  # noqa: S308 - nh3 left no tag

"""Course Markdown to safe HTML.

Authors (and admins) write Markdown; whatever they type, the page only ever
gets the tags and attributes listed here: nh3 removes the rest, scripts and
event handlers included.
"""

import re

import markdown
import nh3
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape
from django.utils.translation import gettext as _

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "dl",
    "dt",
    "dd",
    "abbr",
    "kbd",
    "sup",
    "sub",
}
ALLOWED_ATTRIBUTES = {
    "h2": {"id"},
    "h3": {"id"},
    "a": {"href", "title"},
    "abbr": {"title"},
    "th": {"scope", "align"},
    "td": {"align"},
    "code": {"class"},
}
# Choices, answers and recaps are phrases inside a label or a list item: only inline markup.
INLINE_TAGS = {"code", "em", "strong", "kbd", "sub", "sup"}
_INTERNAL_LINK = re.compile(r"\]\((glossary|section):([a-z0-9-]+)(#[a-z0-9-]+)?\)")


def _internal_url(kind: str, slug: str, fragment: str | None) -> str:
    try:
        if kind == "glossary":
            return reverse("course:glossary") + f"#{slug}"
        return reverse("course:section", kwargs={"slug": slug}) + (fragment or "")
    except NoReverseMatch:
        return "#"


def _resolve_internal_links(text: str) -> str:
    """Turn `glossary:mta` and `section:pop3#dele` targets into URLs of the active language."""
    return _INTERNAL_LINK.sub(
        lambda m: f"]({_internal_url(m.group(1), m.group(2), m.group(3))})", text
    )


def _scrollable(html: str) -> str:
    """Wrap code and tables in a focusable region, so a keyboard can scroll them on a phone."""
    for tag, label in (("pre", _("Code, scrollable")), ("table", _("Table, scrollable"))):
        opening = (
            f'<div class="scroll-region" tabindex="0" role="region" aria-label="{escape(label)}">'
        )
        html = html.replace(f"<{tag}>", f"{opening}<{tag}>").replace(f"</{tag}>", f"</{tag}></div>")
    return html


def render_markdown(text: str) -> str:
    """Return sanitised HTML for course Markdown, links resolved in the active language."""
    html = markdown.markdown(
        _resolve_internal_links(text), extensions=["extra", "sane_lists"], output_format="html"
    )
    return _scrollable(_sanitise(html))


def _sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def render_inline(text: str) -> str:
    """Return sanitised HTML for a phrase: `code`, *emphasis* and **strong**, nothing else.

    The same Markdown and the same sanitiser as the course, so a choice reads like the
    course paragraph it quotes; paragraphs, links and blocks are reduced to their words.
    """
    html = markdown.markdown(text, extensions=["extra"], output_format="html")
    return nh3.clean(html, tags=INLINE_TAGS, attributes={}).strip()


def render_plain(text: str) -> str:
    """Return a phrase's words without its Markdown, for places that hold no markup (<option>)."""
    html = markdown.markdown(text, extensions=["extra"], output_format="html")
    return nh3.clean(html, tags=set(), attributes={}).strip()

"""Course Markdown to safe HTML.

Authors (and admins) write Markdown; whatever they type, the page only ever
gets the tags and attributes listed here: nh3 removes the rest, scripts and
event handlers included.
"""

import functools
import re

import markdown
import nh3
from django.conf import settings
from django.urls import NoReverseMatch, get_urlconf, reverse
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

# Sections, glossary and questions in two languages fit, with room for edits.
RENDERED_CACHE_SIZE = 1024

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
    "img",
}
ALLOWED_ATTRIBUTES = {
    "h2": {"id"},
    "h3": {"id"},
    "a": {"href", "title"},
    "abbr": {"title"},
    "th": {"scope", "align"},
    "td": {"align"},
    "code": {"class"},
    "img": {"src", "alt"},
}
# Images only from the site's own store of imported question images (checked files).
IMAGE_PREFIX = "/media/questions/"
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
    """Return sanitised HTML for course Markdown, links resolved in the active language.

    Rendered once per text version and language in each process: a section's
    10 KB of Markdown cost most of its page's time when rendered per request.
    The text itself is the key, so an edit is a new entry, never a stale page.
    """
    return _rendered(text, get_language(), get_urlconf() or settings.ROOT_URLCONF)


@functools.lru_cache(maxsize=RENDERED_CACHE_SIZE)
def _rendered(text: str, language: str | None, urlconf: str) -> str:
    html = markdown.markdown(
        _resolve_internal_links(text), extensions=["extra", "sane_lists"], output_format="html"
    )
    return _scrollable(_sanitise(html))


def _own_images_only(element: str, attribute: str, value: str) -> str | None:
    if element == "img" and attribute == "src":
        return value if value.startswith(IMAGE_PREFIX) and ".." not in value else None
    return value


def _sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_own_images_only,
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

"""Which sections a reader has opened, kept in a small cookie.

A cookie rather than the session: it costs no database write on each page,
works for visitors, and holds nothing secret (a tampered list only changes the
reader's own "what to do next").
"""

import re

COOKIE_NAME = "facteur_read"
_MAX_AGE = 365 * 24 * 3600
_SLUG = re.compile(r"^[a-z0-9-]{1,50}$")


def read_slugs(request) -> list[str]:
    """Return the slugs of the sections this browser has opened, in order."""
    raw = request.COOKIES.get(COOKIE_NAME, "")
    return [slug for slug in raw.split(".") if _SLUG.match(slug)][:100]


def mark_read(request, response, slug: str) -> None:
    """Add the section to the cookie on the response, once."""
    read = read_slugs(request)
    if slug not in read:
        response.set_cookie(
            COOKIE_NAME,
            ".".join([*read, slug]),
            max_age=_MAX_AGE,
            samesite="Lax",
            httponly=True,
            secure=request.is_secure(),
        )

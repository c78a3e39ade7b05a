"""Bilingual model fields: `<name>_fr` and `<name>_en` read through one name."""

from django.utils.translation import get_language

FALLBACK_LANGUAGE = "fr"


def active_language() -> str:
    """Return the two-letter code of the active language (French if none)."""
    return (get_language() or FALLBACK_LANGUAGE).split("-")[0]


class Translated:
    """Read `<name>_<lang>` for the active language; an empty text falls back to French.

    The French text is the one we write first, so it is always there: a missing
    English translation shows French rather than an empty page.
    """

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        value = getattr(obj, f"{self.name}_{active_language()}", "")
        return value or getattr(obj, f"{self.name}_{FALLBACK_LANGUAGE}")

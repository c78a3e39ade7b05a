"""Translation helpers that work before Django settings are configured.

The prober runs from tests, benchmarks and management commands; importing it
must not need settings. Django's own gettext_noop reads USE_I18N, so this
module provides one with the same name, which makemessages extracts as well.
"""

from django.utils.translation import gettext


def gettext_noop(message: str) -> str:
    """Return `message` unchanged; the name marks it for makemessages."""
    return message


def translate(message: str, params: dict) -> str:
    """Return `message` in the active language with its named placeholders filled."""
    return gettext(message) % params

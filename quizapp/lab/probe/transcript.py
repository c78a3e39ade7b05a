"""Record a dialogue as S:/C: lines, the way telnet or `openssl s_client` shows it.

Server text is untrusted: every line goes through `clean_text` before it is
stored, so a banner cannot smuggle terminal escapes, bidi overrides or a
megabyte of text into a page.
"""

import unicodedata
from typing import Any

from .i18n import gettext_noop, translate
from .results import TranscriptLine

LINE_LIMIT = 300
_DROPPED_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp"}

# Our own `*` lines. Stored as codes with parameters so that the page can show
# them in the trainee's language while JSON output stays in English.
NOTES = {
    "connecting": gettext_noop("Trying %(address)s port %(port)s..."),
    "connected": gettext_noop("Connected to %(address)s port %(port)s."),
    "refused": gettext_noop("Connection refused."),
    "no_answer": gettext_noop("No answer to the connection attempt."),
    "network_error": gettext_noop("Network error: %(detail)s"),
    "silent": gettext_noop("Nothing received in clear text; trying TLS on a new connection."),
    "tls_start": gettext_noop("Starting the TLS handshake."),
    "tls_ok": gettext_noop("TLS established: %(version)s, %(cipher)s."),
    "tls_failed": gettext_noop("TLS handshake failed: %(detail)s"),
    "not_tls": gettext_noop("The server does not speak TLS on this port."),
    "nudge": gettext_noop("The server does not speak first; sending a fixed web request."),
    "timeout": gettext_noop("No complete reply in time."),
    "too_long": gettext_noop("Reply too long; reading stopped."),
    "closed": gettext_noop("Connection closed by the server."),
    "reset": gettext_noop("Connection reset by the server."),
    "injection": gettext_noop("The server sent data right after accepting the upgrade."),
    "deadline": gettext_noop("Time limit for this port reached."),
}


def clean_text(value: bytes | str, limit: int = LINE_LIMIT) -> str:
    """Return untrusted text without control or format characters, cut to `limit`."""
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
    text = text.replace("\t", " ")
    kept = "".join(ch for ch in text if unicodedata.category(ch) not in _DROPPED_CATEGORIES)
    kept = kept.strip()
    if len(kept) > limit:
        return kept[: limit - 1] + "…"
    return kept


class Transcript:
    """Collect the lines of one port's dialogues; `tls` marks lines inside TLS."""

    def __init__(self) -> None:
        self.lines: list[TranscriptLine] = []

    def server(self, raw: bytes | str, status: str = "", tls: bool = False) -> str:
        """Record a line the server sent; return its cleaned text."""
        text = clean_text(raw)
        self.lines.append(TranscriptLine("S", text, tls, status=status))
        return text

    def client(self, text: str, tls: bool = False) -> None:
        self.lines.append(TranscriptLine("C", text, tls))

    def note(self, code: str, **params: Any) -> None:
        clean = {key: clean_text(str(value)) for key, value in params.items()}
        text = NOTES[code] % clean
        self.lines.append(TranscriptLine("*", text, note=code, params=clean))


def note_text(line: TranscriptLine) -> str:
    """Return a `*` line in the active language (needs Django settings)."""
    if not line.note:
        return line.text
    return translate(NOTES[line.note], line.params)


def render(lines: list[TranscriptLine], translate: bool = False) -> str:
    """Return the transcript as text: `S: ...`, `C: ...`, `* ...`, TLS lines marked."""
    out = []
    for line in lines:
        text = note_text(line) if translate else line.text
        marker = "[TLS] " if line.tls else ""
        if line.direction == "*":
            out.append(f"* {marker}{text}")
        else:
            out.append(f"{marker}{line.direction}: {text}")
    return "\n".join(out)

"""IMAP SEARCH (RFC 9051 6.4.4) as a plain function over parsed search keys and one message.

Twisted's own search mixes bytes and text and fails on SUBJECT, FROM, CHARSET and SINCE; this
one compares decoded text (RFC 2047 words and raw UTF-8 headers alike), case-insensitively, as
Dovecot does. Keys arrive as Twisted's parser leaves them: a list of bytes atoms and nested
lists for parentheses.
"""

import datetime
import email.header
import email.utils
from dataclasses import dataclass
from functools import cached_property

from twisted.mail import imap4

from quizapp.lab.server.headers import split_message
from quizapp.lab.server.imap_encode import decode_octets, header_fields

CHARSETS = ("US-ASCII", "UTF-8")
_MONTHS = {
    month: number
    for number, month in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), 1
    )
}
_FLAG_KEYS = {
    "ANSWERED": ("\\Answered", True),
    "DELETED": ("\\Deleted", True),
    "DRAFT": ("\\Draft", True),
    "FLAGGED": ("\\Flagged", True),
    "SEEN": ("\\Seen", True),
    "OLD": ("\\Recent", False),
    "UNANSWERED": ("\\Answered", False),
    "UNDELETED": ("\\Deleted", False),
    "UNDRAFT": ("\\Draft", False),
    "UNFLAGGED": ("\\Flagged", False),
    "UNSEEN": ("\\Seen", False),
}
_ADDRESS_KEYS = {"FROM", "TO", "CC", "BCC"}


class SearchError(ValueError):
    """The search keys are malformed (IMAP's BAD)."""


@dataclass
class Candidate:
    """One message as SEARCH sees it."""

    sequence: int
    uid: int
    flags: frozenset[str]
    arrived: float
    raw: bytes
    last_sequence: int
    last_uid: int

    @cached_property
    def fields(self) -> list[tuple[str, str]]:
        return [(name, decode_header(value)) for name, value in header_fields(self.raw)]

    def header(self, name: str) -> list[str]:
        return [value for key, value in self.fields if key == name.lower()]

    @cached_property
    def text(self) -> str:
        return decode_octets(split_message(self.raw)[1]).lower()

    @cached_property
    def sent(self) -> datetime.date | None:
        values = self.header("date")
        try:
            return email.utils.parsedate_to_datetime(values[0]).date() if values else None
        except (TypeError, ValueError, IndexError):
            return None


def decode_header(value: bytes) -> str:
    """Return a header value as text: raw UTF-8 and RFC 2047 encoded-words both decoded."""
    text = decode_octets(value)
    try:
        parts = email.header.decode_header(text)
    except (ValueError, LookupError):
        return text
    out = []
    for chunk, charset in parts:
        if isinstance(chunk, bytes):
            try:
                out.append(chunk.decode(charset or "utf-8", "replace"))
            except LookupError:
                out.append(chunk.decode("utf-8", "replace"))
        else:
            out.append(chunk)
    return "".join(out)


def parse_date(token: bytes) -> datetime.date:
    """Return an IMAP date (``1-Feb-2026``) or raise SearchError."""
    try:
        day, month, year = token.decode("ascii").split("-")
        return datetime.date(int(year), _MONTHS[month.upper()], int(day))
    except (ValueError, KeyError, UnicodeDecodeError):
        raise SearchError(f"bad date {token!r}") from None


def check_charset(charset: bytes | None) -> None:
    """Raise LookupError for a charset SEARCH does not take (IMAP's NO [BADCHARSET])."""
    if charset is not None and charset.decode("ascii", "replace").upper() not in CHARSETS:
        raise LookupError(charset)


def matches(keys: list, message: Candidate) -> bool:
    """Return whether ``message`` satisfies every key of ``keys`` (they are ANDed)."""
    queue = list(keys)
    if not queue:
        raise SearchError("empty search")
    while queue:
        if not _one(queue, message):
            # Still parse the rest, so that a malformed query is BAD whatever the message.
            while queue:
                _one(queue, message)
            return False
    return True


def _take(queue: list) -> bytes:
    if not queue:
        raise SearchError("missing argument")
    token = queue.pop(0)
    if isinstance(token, tuple):  # a literal, as Twisted's parser marks it
        token = token[0]
    if isinstance(token, list):
        raise SearchError("unexpected parenthesis")
    return token


def _text(token: bytes) -> str:
    return token.decode("utf-8", "replace").lower()


def _one(queue: list, message: Candidate) -> bool:
    token = queue.pop(0)
    if isinstance(token, list):
        return matches(token, message)
    if isinstance(token, tuple):
        token = token[0]
    key = token.decode("ascii", "replace").upper()
    if key[:1].isdigit() or key[:1] == "*":
        return _in_set(token, message.sequence, message.last_sequence)
    if key == "ALL":
        return True
    if key in ("NEW", "RECENT"):
        return False  # this server keeps no \Recent
    if key in _FLAG_KEYS:
        flag, wanted = _FLAG_KEYS[key]
        return (flag in message.flags) == wanted
    if key in ("KEYWORD", "UNKEYWORD"):
        flag = _take(queue).decode("ascii", "replace").lower()
        has = flag in {f.lower() for f in message.flags}
        return has == (key == "KEYWORD")
    if key == "NOT":
        return not _one(queue, message)
    if key == "OR":
        left, right = _one(queue, message), _one(queue, message)
        return left or right
    if key in ("LARGER", "SMALLER"):
        size = _number(_take(queue))
        return len(message.raw) > size if key == "LARGER" else len(message.raw) < size
    if key == "UID":
        return _in_set(_take(queue), message.uid, message.last_uid)
    if key in ("BEFORE", "ON", "SINCE"):
        arrived = datetime.datetime.fromtimestamp(message.arrived, datetime.UTC).date()
        return _compare(key, arrived, parse_date(_take(queue)))
    if key in ("SENTBEFORE", "SENTON", "SENTSINCE"):
        wanted = parse_date(_take(queue))
        return message.sent is not None and _compare(key[4:], message.sent, wanted)
    if key in _ADDRESS_KEYS or key == "SUBJECT":
        wanted = _text(_take(queue))
        return any(wanted in value.lower() for value in message.header(key))
    if key == "HEADER":
        name, wanted = _take(queue).decode("ascii", "replace"), _text(_take(queue))
        return any(wanted in value.lower() for value in message.header(name))
    if key == "BODY":
        return _text(_take(queue)) in message.text
    if key == "TEXT":
        wanted = _text(_take(queue))
        headers = " ".join(value for _name, value in message.fields).lower()
        return wanted in headers or wanted in message.text
    raise SearchError(f"unknown search key {key}")


def _number(token: bytes) -> int:
    if not token.isdigit():
        raise SearchError("a number is expected")
    return int(token)


def _in_set(token: bytes, value: int, last: int) -> bool:
    try:
        return value in imap4.parseIdList(token, last)
    except (imap4.IllegalIdentifierError, ValueError):
        raise SearchError(f"bad message set {token!r}") from None


def _compare(how: str, day: datetime.date, wanted: datetime.date) -> bool:
    if how == "BEFORE":
        return day < wanted
    if how == "ON":
        return day == wanted
    return day >= wanted

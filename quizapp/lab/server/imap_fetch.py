"""One FETCH response, built in memory from a stored message, as plain functions.

Built whole before anything is written, so that a message that cannot be served (whatever
is wrong with it) costs that message only: the session goes on, never half a response.
Sections follow RFC 9051 6.4.5: ``BODY[]``, ``BODY[HEADER]``, ``BODY[HEADER.FIELDS (..)]``,
``BODY[TEXT]``, ``BODY[1.2]``, ``BODY[1.MIME]``, partial ``<start.length>``; repeated fields
such as ``Received:`` all reach the client, served from the raw octets.
"""

import datetime
from typing import Protocol

from quizapp.lab.server.headers import header_block, split_message
from quizapp.lab.server.imap_encode import (
    as_crlf_bytes,
    body_structure,
    envelope,
    parse,
)

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class Fetchable(Protocol):
    raw: bytes
    uid: int
    flags: list[str]
    arrived: float


def literal(data: bytes) -> bytes:
    return b"{%d}\r\n" % len(data) + data


def internal_date(arrived: float) -> bytes:
    """Return an arrival time as IMAP's date-time (``03-Dec-2026 13:05:00 +0000``)."""
    when = datetime.datetime.fromtimestamp(arrived, datetime.UTC)
    text = f"{when.day:02d}-{_MONTHS[when.month - 1]}-{when.year} {when:%H:%M:%S} +0000"
    return b'"' + text.encode() + b'"'


def _part(raw: bytes, path: tuple[int, ...]) -> bytes | None:
    """Return the octets (MIME header and body) of part ``path`` (zero-based), or None."""
    message = parse(raw)
    for index in path:
        payload = message.get_payload()
        if message.get_content_maintype() == "message" and isinstance(payload, list):
            message = payload[0]
            payload = message.get_payload()
        if message.is_multipart() and isinstance(payload, list):
            if index >= len(payload):
                return None
            message = payload[index]
        elif index != 0:
            return None  # a single-part message has a part 1 and nothing else
    return as_crlf_bytes(message)


def section_data(raw: bytes, item) -> bytes | None:
    """Return the octets a BODY[section] names, or None when the part does not exist."""
    if item.part:
        part = _part(raw, tuple(item.part))
        if part is None:
            return None
        header, body = split_message(part)
        if item.mime:
            return header
        if not (item.header or item.text):
            return body
        raw = body  # HEADER / TEXT of a part: of the message/rfc822 it holds
    if item.header:
        return header_block(raw, item.header.fields or (), item.header.negate)
    if item.text:
        return split_message(raw)[1]
    return raw


def _section(raw: bytes, item) -> bytes:
    data = section_data(raw, item)
    label = item.getBytes()
    if item.partialBegin is not None:
        label = label[: label.rindex(b"<")] + b"<%d>" % item.partialBegin
        if data is not None:
            data = data[item.partialBegin : item.partialBegin + item.partialLength]
    return label + b" " + (b"NIL" if data is None else literal(data))


def fetch_item(message: Fetchable, item) -> bytes:
    """Return one item of a FETCH response (``FLAGS (\\Seen)``, ``BODY[] {12}...``)."""
    kind = item.type
    if kind == "uid":
        return b"UID %d" % message.uid
    if kind == "flags":
        return b"FLAGS (" + " ".join(message.flags).encode() + b")"
    if kind == "internaldate":
        return b"INTERNALDATE " + internal_date(message.arrived)
    if kind == "rfc822size":
        return b"RFC822.SIZE %d" % len(message.raw)
    if kind == "envelope":
        return b"ENVELOPE " + envelope(message.raw)
    if kind == "bodystructure":
        return b"BODYSTRUCTURE " + body_structure(message.raw, extended=True)
    if kind == "rfc822":
        return b"RFC822 " + literal(message.raw)
    if kind == "rfc822header":
        return b"RFC822.HEADER " + literal(header_block(message.raw))
    if kind == "rfc822text":
        return b"RFC822.TEXT " + literal(split_message(message.raw)[1])
    if kind == "body" and not (item.empty or item.header or item.text or item.mime or item.part):
        return b"BODY " + body_structure(message.raw, extended=False)
    if kind == "body":
        return _section(message.raw, item)
    raise ValueError(f"unknown fetch item {kind!r}")


def fetch_response(sequence: int, message: Fetchable, query: list, uid: bool) -> bytes:
    """Return the whole untagged FETCH response for one message, CRLF included."""
    items = [fetch_item(message, item) for item in query]
    if uid and not any(item.type == "uid" for item in query):
        items.append(fetch_item(message, _UID))
    return b"* %d FETCH (" % sequence + b" ".join(items) + b")\r\n"


class _UidItem:
    type = "uid"


_UID = _UidItem()

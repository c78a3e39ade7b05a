"""IMAP's view of a message as plain functions on octets: strings, ENVELOPE and BODYSTRUCTURE.

Whatever arrives is encoded safely. A header with raw 8-bit text (RFC 6532 UTF-8, or any stray
Latin-1 a relay let through) becomes RFC 2047 encoded-words, which every IMAP4rev1 client
reads; an address that cannot be encoded that way (a UTF-8 mailbox name) goes out as a literal,
which IMAP allows to carry 8-bit octets. Nothing here can raise on a message's content: a
malformed header is served as the text it is.

Defaults follow RFC 9051 (7.5.2): a part without MIME headers is ``text/plain;
charset=us-ascii``, ``7bit``; an ENVELOPE field that is absent is NIL, and ``sender`` and
``reply-to`` default to ``from``.
"""

import base64
import codecs
import email
import email.message
import email.policy
import email.utils
import re

from quizapp.lab.server.headers import CRLF, split_message

_FIELD = re.compile(rb"^([\x21-\x39\x3b-\x7e]+)[ \t]*:(.*)$", re.DOTALL)
_QUOTED_SAFE = re.compile(rb"^[\x20-\x7e]*$")
_ENCODED_WORD_BYTES = 45  # 60 base64 characters, within RFC 2047's 75 per word


def imap_string(value: bytes | str | None) -> bytes:
    """Return ``value`` as an IMAP string: NIL, a quoted string, or a literal if it must be."""
    if value is None:
        return b"NIL"
    data = value.encode("utf-8", "surrogateescape") if isinstance(value, str) else value
    if _QUOTED_SAFE.match(data) and len(data) < 1000:
        return b'"' + data.replace(b"\\", b"\\\\").replace(b'"', b'\\"') + b'"'
    return b"{%d}\r\n" % len(data) + data


def imap_list(items) -> bytes:
    """Return a parenthesised list of already encoded items, or NIL for an empty one."""
    items = list(items)
    return b"(" + b" ".join(items) + b")" if items else b"NIL"


def _latin1_fallback(error: UnicodeDecodeError) -> tuple[str, int]:
    return error.object[error.start : error.end].decode("latin-1"), error.end


codecs.register_error("facteur-latin1", _latin1_fallback)


def decode_octets(data: bytes) -> str:
    """Return header octets as text: UTF-8 (RFC 6532) where they are, Latin-1 byte by byte
    where they are not (what a relay that let stray 8-bit through most likely carried)."""
    return data.decode("utf-8", "facteur-latin1")


def encoded_words(text: str) -> str:
    """Return ``text`` unchanged if ASCII, else as RFC 2047 UTF-8 encoded-words."""
    if text.isascii():
        return text
    words, chunk = [], b""
    for char in text:
        encoded = char.encode("utf-8")
        if len(chunk) + len(encoded) > _ENCODED_WORD_BYTES:
            words.append(chunk)
            chunk = b""
        chunk += encoded
    words.append(chunk)
    return " ".join("=?utf-8?b?" + base64.b64encode(w).decode() + "?=" for w in words if w)


def header_fields(raw: bytes) -> list[tuple[str, bytes]]:
    """Return (lower-case name, unfolded raw value) for each header field of a message."""
    section, _body = split_message(raw)
    fields: list[tuple[str, bytes]] = []
    for line in section.split(CRLF):
        if line[:1] in (b" ", b"\t") and fields:
            name, value = fields[-1]
            fields[-1] = (name, value + line)
            continue
        match = _FIELD.match(line)
        if match:
            fields.append((match[1].decode("ascii").lower(), match[2]))
    return [(name, value.strip()) for name, value in fields]


def first_value(fields: list[tuple[str, bytes]], name: str) -> bytes | None:
    return next((value for key, value in fields if key == name), None)


def _text_field(value: bytes | None) -> bytes:
    if value is None:
        return b"NIL"
    return imap_string(encoded_words(decode_octets(value)))


def _address(name: str, address: str) -> bytes:
    mailbox, at, host = address.rpartition("@") if "@" in address else (address, "", "")
    return imap_list(
        [
            imap_string(encoded_words(name)) if name else b"NIL",
            b"NIL",
            imap_string(mailbox) if mailbox else b"NIL",
            imap_string(host) if at else b"NIL",
        ]
    )


def address_list(value: bytes | None) -> bytes:
    """Return an ENVELOPE address list (NIL when the field is absent or names nobody)."""
    if value is None:
        return b"NIL"
    pairs = email.utils.getaddresses([decode_octets(value)])
    return imap_list(_address(name, address) for name, address in pairs if address)


def envelope(raw: bytes) -> bytes:
    """Return the ENVELOPE of a message, as the parenthesised list IMAP sends."""
    fields = header_fields(raw)
    from_ = first_value(fields, "from")
    sender = first_value(fields, "sender") or from_
    reply_to = first_value(fields, "reply-to") or from_
    return imap_list(
        [
            _text_field(first_value(fields, "date")),
            _text_field(first_value(fields, "subject")),
            address_list(from_),
            address_list(sender),
            address_list(reply_to),
            address_list(first_value(fields, "to")),
            address_list(first_value(fields, "cc")),
            address_list(first_value(fields, "bcc")),
            _text_field(first_value(fields, "in-reply-to")),
            _text_field(first_value(fields, "message-id")),
        ]
    )


# BODYSTRUCTURE ---------------------------------------------------------------------------------


def parse(raw: bytes) -> email.message.Message:
    """Return the message parsed leniently (compat32 never raises on odd headers)."""
    return email.message_from_bytes(raw, policy=email.policy.compat32)


def as_crlf_bytes(part: email.message.Message) -> bytes:
    """Return a parsed part's octets again, with the CRLF line endings IMAP serves."""
    return part.as_bytes(policy=part.policy.clone(linesep="\r\n"))


def _octets(text) -> bytes:
    return text.encode("ascii", "surrogateescape") if isinstance(text, str) else bytes(text)


def _header(part: email.message.Message, name: str) -> bytes:
    value = part.get(name)
    return b"NIL" if value is None else _text_field(_octets(str(value)).strip())


def _parameters(part: email.message.Message, header: str, text_default: bool) -> bytes:
    params = part.get_params(header=header) or []
    pairs = []
    for key, value in params[1:]:
        value = email.utils.collapse_rfc2231_value(value)
        pairs += [imap_string(key.upper()), imap_string(encoded_words(value))]
    has_charset = any(key.lower() == "charset" for key, _ in params[1:])
    if text_default and not has_charset:
        pairs = [b'"CHARSET"', b'"US-ASCII"', *pairs]
    return imap_list(pairs)


def _disposition(part: email.message.Message) -> bytes:
    value = part.get("content-disposition")
    if value is None:
        return b"NIL"
    kind = str(value).split(";", 1)[0].strip() or "attachment"
    return imap_list([imap_string(kind.upper()), _parameters(part, "content-disposition", False)])


def _lines(body: bytes) -> int:
    return body.count(b"\n") + (1 if body and not body.endswith(b"\n") else 0)


def _single(part: email.message.Message, extended: bool) -> bytes:
    maintype, subtype = part.get_content_maintype(), part.get_content_subtype()
    payload = part.get_payload()
    if isinstance(payload, list):  # message/rfc822: the encapsulated message
        inner = payload[0] if payload else parse(b"\r\n")
        body = as_crlf_bytes(inner)
    else:
        body = _octets(payload or "")
    encoding = str(part.get("content-transfer-encoding", "7bit")).strip() or "7bit"
    fields = [
        imap_string(maintype.upper()),
        imap_string(subtype.upper()),
        _parameters(part, "content-type", maintype == "text"),
        _header(part, "content-id"),
        _header(part, "content-description"),
        imap_string(encoding.upper()),
        b"%d" % len(body),
    ]
    if maintype == "message" and subtype == "rfc822":
        fields += [envelope(body), structure(inner, extended), b"%d" % _lines(body)]
    elif maintype == "text":
        fields.append(b"%d" % _lines(body))
    if extended:
        fields += [
            _header(part, "content-md5"),
            _disposition(part),
            _header(part, "content-language"),
            _header(part, "content-location"),
        ]
    return imap_list(fields)


def structure(part: email.message.Message, extended: bool = True) -> bytes:
    """Return the BODYSTRUCTURE (``extended``) or BODY of a parsed message or part."""
    if not part.is_multipart() or part.get_content_maintype() != "multipart":
        return _single(part, extended)
    children = [structure(child, extended) for child in part.get_payload()]
    if not children:
        children = [_single(parse(b"\r\n"), extended)]
    fields = [b"".join(children), imap_string(part.get_content_subtype().upper())]
    if extended:
        fields += [
            _parameters(part, "content-type", False),
            _disposition(part),
            _header(part, "content-language"),
            _header(part, "content-location"),
        ]
    return b"(" + b" ".join(fields) + b")"


def body_structure(raw: bytes, extended: bool = True) -> bytes:
    """Return the BODYSTRUCTURE of a message's octets."""
    return structure(parse(raw), extended)

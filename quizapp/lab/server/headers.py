"""Plain functions on message octets: trace headers added on delivery, header sections for IMAP.

The trace headers follow what Postfix (as MSA/MTA) and Dovecot (as MDA) write, so that the hops
a trainee reads in the lab look like the ones they will meet on real servers: the newest
``Received:`` on top, one per hop, ``Return-Path:`` and ``Delivered-To:`` added last by the
delivery agent.
"""

import email.utils
import ipaddress
import re
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass

CRLF = b"\r\n"
_UNSAFE = re.compile(rb"[^\x21-\x7e]|[()\\]")
_HEADER_NAME = re.compile(rb"^([\x21-\x39\x3b-\x7e]+)[ \t]*:")


def to_crlf(data: bytes) -> bytes:
    """Return ``data`` with every line ending (LF, CR or CRLF) turned into CRLF."""
    return re.sub(rb"\r\n|\r|\n", CRLF, data)


def split_message(raw: bytes) -> tuple[bytes, bytes]:
    """Return (header section including its blank line, body) of a CRLF message."""
    if raw.startswith(CRLF):
        return CRLF, raw[2:]
    end = raw.find(CRLF + CRLF)
    if end < 0:
        return (raw if raw.endswith(CRLF) else raw + CRLF) + CRLF, b""
    return raw[: end + 4], raw[end + 4 :]


def _fields(header_section: bytes) -> list[tuple[bytes, bytes]]:
    """Return (lower-case name, raw text with continuation lines) for each header field."""
    fields: list[tuple[bytes, bytes]] = []
    for line in header_section.split(CRLF)[:-2] if header_section != CRLF else []:
        match = _HEADER_NAME.match(line)
        if match is None and fields and line[:1] in (b" ", b"\t"):
            name, text = fields[-1]
            fields[-1] = (name, text + CRLF + line)
        elif match is not None:
            fields.append((match.group(1).lower(), line))
    return fields


def header_block(raw: bytes, names: Iterable[bytes | str] = (), negate: bool = False) -> bytes:
    """Return the header section as IMAP serves it for ``BODY[HEADER...]``.

    Without names, the whole section; with names, only those fields (or all but those when
    ``negate``), in their original order, repeated fields (``Received:``) kept.
    """
    section, _body = split_message(raw)
    wanted = {(n.encode() if isinstance(n, str) else n).lower() for n in names}
    if not wanted:
        return section
    kept = [text for name, text in _fields(section) if (name in wanted) != negate]
    return b"".join(text + CRLF for text in kept) + CRLF


def printable(text: bytes | str | None, limit: int = 64) -> str:
    """Return client-supplied text made safe to place inside a header comment."""
    if text is None:
        return ""
    data = text.encode("utf-8", "replace") if isinstance(text, str) else text
    return _UNSAFE.sub(b"", data)[:limit].decode("ascii")


@dataclass(frozen=True)
class SmtpSession:
    """What the SMTP server knew about the client when it accepted a message."""

    helo: str
    peer_ip: str
    tls: tuple[str, str] | None
    login: str | None
    role: str = ""  # the port role (config.ROLES key) the message came in on

    def origin(self, now: float | None = None) -> dict:
        """Return how the message came in, as the store records it beside the message."""
        return {
            "protocol": "smtp",
            "role": self.role,
            "tls": self.tls[0] if self.tls else "",
            "login": self.login or "",
            "peer": self.peer_ip,
            "helo": self.helo,
            "at": time.time() if now is None else now,
        }

    @property
    def with_protocol(self) -> str:
        """Return the RFC 3848 protocol word: ESMTP, ESMTPS, ESMTPA or ESMTPSA."""
        return "ESMTP" + ("S" if self.tls else "") + ("A" if self.login else "")


def new_queue_id() -> str:
    """Return a short random identifier shared by the trace headers of one delivery."""
    return secrets.token_hex(5).upper()


def _peer_name(ip: str) -> str:
    try:
        return "localhost" if ipaddress.ip_address(ip).is_loopback else "unknown"
    except ValueError:
        return "unknown"


def smtp_received(
    session: SmtpSession, hostname: str, recipient: str, queue_id: str, date: str
) -> bytes:
    """Return the ``Received:`` field the SMTP server adds on accepting a message."""
    ip = session.peer_ip
    lines = [f"Received: from {session.helo or 'unknown'} ({_peer_name(ip)} [{ip}])"]
    if session.tls:
        version, cipher = session.tls
        lines.append(f"\t(using {version} with cipher {cipher})")
    if session.login:
        lines.append(f"\t(Authenticated sender: {session.login})")
    lines.append(f"\tby {hostname} (Facteur lab) with {session.with_protocol} id {queue_id}")
    lines.append(f"\tfor <{recipient}>; {date}")
    return "\r\n".join(lines).encode() + CRLF


def delivery_headers(
    envelope_from: str, recipient: str, hostname: str, queue_id: str, date: str
) -> bytes:
    """Return the fields the delivery agent (MDA) adds when it files the message.

    The hand-off from MSA to MDA happens inside this one process, hence "with local" where a
    Postfix + Dovecot pair would write "with LMTP".
    """
    return (
        f"Return-Path: <{envelope_from}>\r\n"
        f"Delivered-To: {recipient}\r\n"
        f"Received: from {hostname}\r\n"
        f"\tby {hostname} (Facteur lab MDA) with local id {queue_id}\r\n"
        f"\tfor <{recipient}>; {date}\r\n"
    ).encode()


def stamp(
    message: bytes, session: SmtpSession, envelope_from: str, recipient: str, hostname: str
) -> bytes:
    """Return the message as filed in the mailbox: trace headers on top, CRLF line endings."""
    queue_id = new_queue_id()
    date = email.utils.formatdate(localtime=True)
    return (
        delivery_headers(envelope_from, recipient, hostname, queue_id, date)
        + smtp_received(session, hostname, recipient, queue_id, date)
        + to_crlf(message)
    )

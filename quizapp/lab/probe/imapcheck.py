"""Look into a lab mailbox over IMAP without changing it, to see whether a message arrived.

EXAMINE opens the mailbox read-only and BODY.PEEK never sets \\Seen (RFC 9051
6.3.3 and 6.4.5), so the check is invisible to the trainee's own mail client.
The password is only ever sent inside TLS, and the transcript masks it.
"""

import asyncio
import dataclasses
import email.header
import email.parser
import email.policy
import itertools
import re
import ssl
from collections.abc import Iterable

from . import classify
from .results import PortTarget, Protocol, TlsInfo, TranscriptLine
from .safety import Network, check_targets
from .session import Conn, Deadline, ReplyTooLong, UpgradeInjection, error_code
from .tls import client_context
from .transcript import Transcript, clean_text

MAX_MESSAGES = 10
MAX_SCANNED = 50  # the most recent messages looked at
MAX_LITERAL = 64 * 1024
MAX_RESPONSES = 200
HEADER_FIELDS = "RECEIVED SUBJECT FROM TO DATE MESSAGE-ID"
_TOKEN = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_LITERAL = re.compile(r"\{(\d+)\}$")
_UID = re.compile(r"\bUID (\d+)", re.IGNORECASE)
_FLAGS = re.compile(r"\bFLAGS \(([^)]*)\)", re.IGNORECASE)


class CheckFailed(Exception):
    """The check stopped; `code` says why (greeting, no_tls, login_failed, mailbox, fetch)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclasses.dataclass
class FoundMessage:
    uid: int
    flags: list[str]
    headers: list[tuple[str, str]]  # (name, value) in message order, unfolded and cleaned

    @property
    def seen(self) -> bool:
        return "\\SEEN" in (flag.upper() for flag in self.flags)

    @property
    def subject(self) -> str:
        return next((value for name, value in self.headers if name.lower() == "subject"), "")

    def received(self) -> list[str]:
        """Return the Received: headers, the last hop (nearest the mailbox) first."""
        return [value for name, value in self.headers if name.lower() == "received"]


@dataclasses.dataclass
class MailboxCheck:
    messages: list[FoundMessage] = dataclasses.field(default_factory=list)
    error: str = ""
    tls: TlsInfo | None = None
    transcript: list[TranscriptLine] = dataclasses.field(default_factory=list)


async def imap_find_message(
    *,
    host: str,
    port: int,
    allowed_networks: Iterable[str | Network],
    username: str,
    password: str,
    token: str,
    implicit_tls: bool,
    timeout: float = 10.0,
) -> MailboxCheck:
    """Return the recent INBOX messages whose subject contains `token`, with flags and headers.

    Raise safety.TargetRefused before any connection for a host outside the
    lab, and ValueError for a token or credentials that cannot be sent safely.
    """
    if not _TOKEN.match(token):
        raise ValueError("token must be 1-64 letters, digits, dots, dashes or underscores")
    login = f"LOGIN {_quoted(username)} {_quoted(password)}"
    shown = f'LOGIN {_quoted(username)} "********"'
    addresses = await check_targets([PortTarget(host, port)], allowed_networks)
    check, transcript = MailboxCheck(), Transcript()
    check.transcript = transcript.lines
    deadline = Deadline(timeout)
    conn = None
    try:
        async with asyncio.timeout(timeout):
            conn = await Conn.open(addresses[host], port, transcript, deadline.remaining())
            session = _Session(conn, deadline, host)
            check.tls = await session.secure(implicit_tls)
            check.messages = await session.find(login, shown, token)
            await session.command("LOGOUT")
            await conn.close()
            conn = None
    except CheckFailed as exc:
        check.error = exc.code
    except (TimeoutError, ReplyTooLong, UpgradeInjection, OSError, ssl.SSLError) as exc:
        check.error = error_code(exc)
    finally:
        if conn is not None:
            conn.abort()
    return check


def find_message(**options) -> MailboxCheck:
    """Run imap_find_message from synchronous code."""
    return asyncio.run(imap_find_message(**options))


class _Session:
    def __init__(self, conn: Conn, deadline: Deadline, host: str) -> None:
        self.conn, self.deadline, self.host = conn, deadline, host
        self.tags = (f"c{number}" for number in itertools.count(1))

    async def secure(self, implicit_tls: bool) -> TlsInfo:
        """Reach TLS (at once, or by STARTTLS) before anything secret is said."""
        info = None
        if implicit_tls:
            info = await self.conn.start_tls(client_context(), self.host, self.deadline.remaining())
        greeting = await self.conn.read_reply(_one_line, self.deadline.remaining(), _status)
        status = classify.imap_status(greeting[0])
        if status is None or status.tag != "*" or status.status != "OK":
            raise CheckFailed("greeting")
        if info is None:
            word, _ = await self.command("STARTTLS")
            if word != "OK":
                raise CheckFailed("no_tls")
            info = await self.conn.start_tls(client_context(), self.host, self.deadline.remaining())
        return info

    async def find(self, login: str, shown: str, token: str) -> list[FoundMessage]:
        """Log in, open INBOX read-only and keep the recent messages whose subject has `token`.

        The subject is matched here rather than with SEARCH: servers differ in
        how they search encoded subjects, and some lab servers do it badly.
        """
        if (await self.command(login, shown))[0] != "OK":
            raise CheckFailed("login_failed")
        word, responses = await self.command("EXAMINE INBOX")
        if word != "OK":
            raise CheckFailed("mailbox")
        count = _exists(responses)
        if not count:
            return []
        first = max(1, count - MAX_SCANNED + 1)
        items = f"(UID FLAGS BODY.PEEK[HEADER.FIELDS ({HEADER_FIELDS})])"
        word, responses = await self.command(f"FETCH {first}:{count} {items}")
        if word != "OK":
            raise CheckFailed("fetch")
        found = [message for message in map(_fetched, responses) if message is not None]
        return [message for message in found if token in message.subject][-MAX_MESSAGES:]

    async def command(self, command: str, shown: str | None = None) -> tuple[str, list]:
        """Send a tagged command; return its status word and its (text, literals) responses."""
        tag = next(self.tags)
        masked = None if shown is None else f"{tag} {shown}"
        await self.conn.send(f"{tag} {command}", self.deadline.remaining(), masked)
        responses: list[tuple[str, list[bytes]]] = []
        text, literals = "", []
        while len(responses) < MAX_RESPONSES:
            [line] = await self.conn.read_reply(_one_line, self.deadline.remaining(), _status)
            text += line
            size = _LITERAL.search(line)
            if size:
                literals.append(await self._literal(int(size[1])))
                continue
            responses.append((text, literals))
            if line.startswith(tag + " "):
                status = classify.imap_status(line)
                return (status.status if status else ""), responses
            text, literals = "", []
        raise ReplyTooLong

    async def _literal(self, size: int) -> bytes:
        if size > MAX_LITERAL:
            raise ReplyTooLong
        data = await self.conn.read_exact(size, self.deadline.remaining())
        for line in data.decode("utf-8", "replace").splitlines()[:50]:
            self.conn.transcript.server(line, "", self.conn.tls)
        return data


def _one_line(lines: list[str]) -> bool:
    return True


def _status(line: str) -> str:
    return classify.line_status(Protocol.IMAP, line)


def _quoted(value: str) -> str:
    """Return an IMAP quoted string; refuse what a quoted string cannot carry."""
    if not value or any(char in value for char in "\r\n\0") or not value.isascii():
        raise ValueError("credentials must be non-empty printable ASCII")
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _exists(responses: list[tuple[str, list[bytes]]]) -> int:
    for text, _ in responses:
        words = text.split()
        if len(words) == 3 and words[0] == "*" and words[2].upper() == "EXISTS":
            return int(words[1]) if words[1].isdigit() else 0
    return 0


def _fetched(response: tuple[str, list[bytes]]) -> FoundMessage | None:
    text, literals = response
    uid, flags = _UID.search(text), _FLAGS.search(text)
    if " FETCH " not in text.upper() or uid is None:
        return None
    headers = _headers(literals[0]) if literals else []
    return FoundMessage(int(uid[1]), flags[1].split() if flags else [], headers)


def _headers(data: bytes) -> list[tuple[str, str]]:
    parsed = email.parser.BytesParser(policy=email.policy.compat32).parsebytes(
        data, headersonly=True
    )
    return [
        (clean_text(name, 64), clean_text(_decoded(value), 500)) for name, value in parsed.items()
    ]


def _decoded(value: str) -> str:
    """Unfold a header and decode its =?charset?...?= words, best effort."""
    unfolded = " ".join(str(value).split())
    try:
        return str(email.header.make_header(email.header.decode_header(unfolded)))
    except (ValueError, LookupError, UnicodeDecodeError):
        return unfolded

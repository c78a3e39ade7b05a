"""Small misbehaving and well-behaved mail servers on 127.0.0.1, for prober tests.

Each handler is an asyncio stream callback; `serve()` binds it to a free
loopback port. Greetings and capability lists copy what Postfix and Dovecot
really send, so that the prober is tested against familiar shapes.
"""

import asyncio
import contextlib
import dataclasses
import re
import socket
import ssl
import struct
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]

# A TLS alert record: fatal (2), handshake_failure (40).
TLS_HANDSHAKE_FAILURE_ALERT = b"\x15\x03\x03\x00\x02\x02\x28"


def server_context(directory: Path, cert_pem: bytes, key_pem: bytes) -> ssl.SSLContext:
    """Return a server context for a certificate and key (written under directory)."""
    stem = directory / uuid.uuid4().hex
    cert, key = stem.with_suffix(".crt"), stem.with_suffix(".key")
    cert.write_bytes(cert_pem)
    key.write_bytes(key_pem)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


@contextlib.asynccontextmanager
async def serve(handler: Handler, context: ssl.SSLContext | None = None) -> AsyncIterator[int]:
    """Run `handler` on a free loopback port for the duration of the block; yield the port."""
    tasks: set[asyncio.Task] = set()

    async def guarded(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        tasks.add(asyncio.current_task())
        try:
            await handler(reader, writer)
        except (OSError, ssl.SSLError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.transport.abort()

    server = await asyncio.start_server(guarded, "127.0.0.1", 0, ssl=context)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


@contextlib.contextmanager
def filtered_port() -> Iterator[int]:
    """Yield a loopback port whose SYNs are dropped, as behind a firewall.

    A listening socket with a backlog of 0 that never accepts holds one
    connection; Linux silently drops the SYNs of any further one.
    """
    with socket.socket() as listener, socket.socket() as filler:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        filler.connect(listener.getsockname())
        yield listener.getsockname()[1]


def closed_port() -> int:
    """Return a loopback port that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def _lines(reader: asyncio.StreamReader) -> AsyncIterator[str]:
    while line := await reader.readline():
        yield line.decode("utf-8", "replace").rstrip("\r\n")


def _send(writer: asyncio.StreamWriter, *lines: str) -> None:
    writer.write("".join(line + "\r\n" for line in lines).encode())


def _multiline(code: int, items: list[str]) -> list[str]:
    return [f"{code}-{item}" for item in items[:-1]] + [f"{code} {items[-1]}"]


async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Accept and never say anything."""
    await reader.read()


def dripping(lines: int, interval: float) -> Handler:
    """Send an SMTP greeting one line every `interval` seconds; final line after `lines`."""

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for number in range(lines):
            _send(writer, f"220-lab.test greeting line {number}")
            await asyncio.sleep(interval)
        _send(writer, "220 lab.test ESMTP ready")
        await smtp_commands(reader, writer)

    return handler


async def endless(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Send a multi-line SMTP greeting that never ends, as fast as the client reads."""
    while True:
        _send(writer, *["220-and another line of greeting"] * 20)
        await writer.drain()
        await asyncio.sleep(0)


async def garbage(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Greet with binary junk and terminal escapes."""
    writer.write(b"\x00\xff\xfe\x1b[31mHELLO\x1b[0m \xe2\x80\xae gibberish\x07\r\n")
    await reader.read()


async def http(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Answer anything with a 400, like a web server given a non-HTTP request."""
    await reader.read(1)
    _send(writer, "HTTP/1.1 400 Bad Request", "Content-Length: 0", "Connection: close", "")
    await writer.drain()


async def tls_alert(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Answer a ClientHello with a fatal handshake_failure alert; stay silent otherwise."""
    await reader.read(1)
    writer.write(TLS_HANDSHAKE_FAILURE_ALERT)
    await writer.drain()


async def reset_on_ehlo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Greet as SMTP, then reset the connection when the client says EHLO."""
    _send(writer, "220 lab.test ESMTP Postfix")
    await reader.readline()
    sock = writer.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


def smtp(
    context: ssl.SSLContext | None = None,
    *,
    refuse_starttls: bool = False,
    inject: bool = False,
    greeting_delay: float = 0.0,
    implicit: bool = False,
    require_tls: bool = False,
) -> Handler:
    """A Postfix-like SMTP server, with STARTTLS when given a context.

    `inject` sends a second reply in the same packet as the STARTTLS one,
    which a client must not read as if it came inside TLS. `require_tls`
    answers MAIL before TLS with 530, as a submission port does.
    """

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(greeting_delay)
        _send(writer, "220 lab.test ESMTP Postfix (Debian/GNU)")
        options = {"refuse_starttls": refuse_starttls, "inject": inject, "tls": implicit}
        await smtp_commands(reader, writer, context, require_tls=require_tls, **options)

    return handler


async def smtp_commands(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    context: ssl.SSLContext | None = None,
    *,
    refuse_starttls: bool = False,
    inject: bool = False,
    tls: bool = False,
    require_tls: bool = False,
) -> None:
    """Answer EHLO, STARTTLS, MAIL, RSET and QUIT the way Postfix does."""
    async for line in _lines(reader):
        verb = line.split(" ")[0].upper()
        if verb == "EHLO":
            caps = ["lab.test", "PIPELINING", "SIZE 10240000", "VRFY", "ETRN"]
            caps += ["AUTH PLAIN LOGIN"] if tls else (["STARTTLS"] if context else [])
            _send(writer, *_multiline(250, [*caps, "ENHANCEDSTATUSCODES", "8BITMIME", "DSN"]))
        elif verb == "STARTTLS" and refuse_starttls:
            _send(writer, "454 4.7.0 TLS not available due to local problem")
        elif verb == "STARTTLS" and inject:
            _send(writer, "220 2.0.0 Ready to start TLS", "250 injected before TLS")
        elif verb == "STARTTLS" and context and not tls:
            _send(writer, "220 2.0.0 Ready to start TLS")
            await writer.start_tls(context)
            tls = True
        elif verb == "MAIL" and require_tls and not tls:
            _send(writer, "530 5.7.0 Must issue a STARTTLS command first")
        elif verb in ("MAIL", "RSET"):
            _send(writer, "250 2.0.0 Ok")
        elif verb == "QUIT":
            _send(writer, "221 2.0.0 Bye")
            await writer.drain()
            return
        else:
            _send(writer, "502 5.5.2 Error: command not recognized")


def pop3(context: ssl.SSLContext | None = None, *, implicit: bool = False) -> Handler:
    """A Dovecot-like POP3 server, offering STLS when given a context."""

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        tls = implicit
        _send(writer, "+OK Dovecot (Debian) ready.")
        async for line in _lines(reader):
            verb = line.upper()
            if verb == "CAPA":
                caps = ["CAPA", "TOP", "UIDL", "RESP-CODES", "PIPELINING", "AUTH-RESP-CODE"]
                caps += ["USER", "SASL PLAIN LOGIN"] if tls else (["STLS"] if context else [])
                _send(writer, "+OK", *caps, ".")
            elif verb == "STLS" and context and not tls:
                _send(writer, "+OK Begin TLS negotiation now.")
                await writer.start_tls(context)
                tls = True
            elif verb == "QUIT":
                _send(writer, "+OK Logging out.")
                await writer.drain()
                return
            else:
                _send(writer, "-ERR Unknown command.")

    return handler


def imap(context: ssl.SSLContext | None = None, *, implicit: bool = False) -> Handler:
    """A Dovecot-like IMAP server: STARTTLS and LOGINDISABLED before TLS, AUTH=PLAIN after."""

    def capabilities(tls: bool) -> str:
        base = "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+"
        return f"{base} AUTH=PLAIN" if tls else f"{base} STARTTLS LOGINDISABLED"

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        tls = implicit
        _send(writer, f"* OK [CAPABILITY {capabilities(tls)}] Dovecot (Debian) ready.")
        async for line in _lines(reader):
            tag, _, command = line.partition(" ")
            command = command.upper()
            if command == "CAPABILITY":
                _send(writer, f"* CAPABILITY {capabilities(tls)}", f"{tag} OK Pre-login caps.")
            elif command == "STARTTLS" and context and not tls:
                _send(writer, f"{tag} OK Begin TLS negotiation now.")
                await writer.start_tls(context)
                tls = True
            elif command == "LOGOUT":
                _send(writer, "* BYE Logging out", f"{tag} OK Logout completed.")
                await writer.drain()
                return
            else:
                _send(writer, f"{tag} BAD Error in IMAP command received by server.")

    return handler


@dataclasses.dataclass
class StoredMessage:
    uid: int
    raw: bytes
    flags: set[str] = dataclasses.field(default_factory=set)


@dataclasses.dataclass
class Mailbox:
    """What an IMAP mailbox fake holds, and what clients did to it."""

    user: str
    password: str
    messages: list[StoredMessage]
    commands: list[str] = dataclasses.field(default_factory=list)


_LOGIN = re.compile(r'^LOGIN "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)"$', re.IGNORECASE)


def imap_mailbox(box: Mailbox, context: ssl.SSLContext, *, implicit: bool = False) -> Handler:
    """An IMAP server with one INBOX: LOGIN (TLS only), EXAMINE, FETCH by sequence numbers.

    A fetch of BODY[...] without PEEK sets \\Seen, as a real server does.
    """

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        tls = implicit
        _send(writer, "* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready.")
        async for line in _lines(reader):
            tag, _, command = line.partition(" ")
            box.commands.append(command)
            verb = command.split(" ")[0].upper()
            if verb == "STARTTLS" and not tls:
                _send(writer, f"{tag} OK Begin TLS negotiation now.")
                await writer.start_tls(context)
                tls = True
            elif verb == "LOGIN":
                login = _LOGIN.match(command)
                given = [re.sub(r"\\(.)", r"\1", part) for part in login.groups()] if login else []
                ok = tls and given == [box.user, box.password]
                _send(writer, f"{tag} OK Logged in" if ok else f"{tag} NO [AUTHENTICATIONFAILED]")
            elif verb == "EXAMINE":
                _send(writer, f"* {len(box.messages)} EXISTS", f"{tag} OK [READ-ONLY] done")
            elif verb == "FETCH":
                _fetch(writer, box, command)
                _send(writer, f"{tag} OK Fetch completed")
            elif verb == "LOGOUT":
                _send(writer, "* BYE Logging out", f"{tag} OK Logout completed.")
                await writer.drain()
                return
            else:
                _send(writer, f"{tag} BAD Unexpected command")

    return handler


def _fetch(writer: asyncio.StreamWriter, box: Mailbox, command: str) -> None:
    first, _, last = command.split(" ")[1].partition(":")
    for number, message in enumerate(box.messages, start=1):
        if not int(first) <= number <= int(last or first):
            continue
        if "BODY[" in command.upper():
            message.flags.add("\\Seen")
        header = message.raw.split(b"\r\n\r\n")[0] + b"\r\n\r\n"
        flags = " ".join(sorted(message.flags))
        writer.write(
            f"* {number} FETCH (UID {message.uid} FLAGS ({flags}) "
            f"BODY[HEADER.FIELDS (RECEIVED SUBJECT)] {{{len(header)}}}\r\n".encode()
            + header
            + b")\r\n"
        )

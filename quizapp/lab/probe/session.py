"""One TCP connection with bounded, deadline-limited reads of whole replies.

A deadline covers a whole reply, not each read: a server dripping one line a
second cannot stretch a step, and a reply is cut at 4 KiB or 50 lines so an
endless greeting cannot either. This is what smtplib/poplib/imaplib lack.
"""

import asyncio
import dataclasses
import ssl
from collections.abc import Callable

from .results import TlsInfo
from .tls import describe_session
from .transcript import Transcript

MAX_REPLY_BYTES = 4096
MAX_REPLY_LINES = 50
CLOSE_WAIT = 0.2


class PeerClosed(ConnectionError):
    """The server closed the connection in the middle of a reply."""


class ReplyTooLong(Exception):
    """A reply went past MAX_REPLY_BYTES or MAX_REPLY_LINES."""


class UpgradeInjection(Exception):
    """The server sent more data right after accepting STARTTLS/STLS.

    Bytes already buffered would be read as if they came inside TLS; a client
    must drop the connection instead (the mirror of CVE-2011-0411).
    """


# What broke a dialogue, as reason codes (see replycodes.ERRORS), most specific first.
ERROR_CODES: tuple[tuple[type[BaseException], str], ...] = (
    (TimeoutError, "timeout"),
    (ReplyTooLong, "too_long"),
    (PeerClosed, "closed"),
    (ConnectionRefusedError, "refused"),
    (ConnectionResetError, "reset"),
    (BrokenPipeError, "reset"),
    (UpgradeInjection, "injection"),
)


def error_code(exc: BaseException) -> str:
    """Return the reason code for an exception that ended a dialogue."""
    return next((code for kind, code in ERROR_CODES if isinstance(exc, kind)), "network_error")


@dataclasses.dataclass(frozen=True)
class Timing:
    """The time limits of one port: the whole port, one step, the clear-text wait."""

    per_port: float = 5.0
    step: float = 2.5
    clear_wait: float = 1.5
    # With no hint of the port's role, TLS starts after this head start of the clear-text
    # attempt (the race), not after the full wait: an unknown implicit-TLS port would
    # otherwise cost clear_wait. A hinted clear-text port keeps the full wait, since
    # talking before the greeting is what postscreen-style guards punish.
    unhinted_wait: float = 0.25

    @classmethod
    def for_port(cls, per_port: float, step: float | None = None) -> "Timing":
        """Derive the step and clear-text waits from the per-port budget."""
        clear = min(1.5, per_port * 0.3)
        return cls(per_port, step or per_port / 2, clear, min(0.25, clear))


class Deadline:
    """A point in time on the event loop's clock."""

    def __init__(self, seconds: float) -> None:
        self.end = asyncio.get_running_loop().time() + seconds

    def remaining(self) -> float:
        return max(0.0, self.end - asyncio.get_running_loop().time())

    def step(self, limit: float) -> float:
        """Return the time a step may take: its own limit, cut by the deadline."""
        return min(limit, self.remaining())


class Conn:
    """A stream pair that reads lines into its own buffer and records a transcript."""

    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, transcript: Transcript
    ) -> None:
        self.reader = reader
        self.writer = writer
        self.transcript = transcript
        self.buffer = bytearray()
        self.tls = False
        self.last_reply: list[str] = []

    @classmethod
    async def open(cls, address: str, port: int, transcript: Transcript, timeout: float) -> "Conn":
        """Connect to an already checked address; raise ConnectionRefusedError, TimeoutError..."""
        transcript.note("connecting", address=address, port=port)
        async with asyncio.timeout(timeout):
            reader, writer = await asyncio.open_connection(address, port)
        transcript.note("connected", address=address, port=port)
        return cls(reader, writer, transcript)

    async def fill(self, timeout: float) -> bool:
        """Read one chunk into the buffer; return False at end of stream."""
        async with asyncio.timeout(timeout):
            chunk = await self.reader.read(MAX_REPLY_BYTES)
        self.buffer.extend(chunk)
        return bool(chunk)

    async def read_reply(
        self,
        complete: Callable[[list[str]], bool],
        timeout: float,
        status: Callable[[str], str] = lambda line: "",
    ) -> list[str]:
        """Read lines until `complete(lines)`; each line enters the transcript as it comes.

        The lines are returned as received (decoded, line ending removed), for
        parsing; only their transcript copies are cleaned. Whatever is kept
        from them for display must go through `clean_text`.

        On timeout, end of stream or overflow the exception propagates and the
        lines read so far stay in `last_reply`, so the caller can still tell
        which protocol had started to answer.
        """
        self.last_reply = lines = []
        size = 0
        try:
            async with asyncio.timeout(timeout):
                while True:
                    newline = self.buffer.find(b"\n")
                    if newline < 0:
                        if len(self.buffer) + size > MAX_REPLY_BYTES:
                            raise ReplyTooLong
                        if not await self.fill(timeout):
                            raise PeerClosed
                        continue
                    raw = bytes(self.buffer[: newline + 1])
                    del self.buffer[: newline + 1]
                    size += len(raw)
                    line = raw.rstrip(b"\r\n").decode("utf-8", "replace")
                    self.transcript.server(line, status(line), self.tls)
                    lines.append(line)
                    if complete(lines):
                        return lines
                    if size >= MAX_REPLY_BYTES or len(lines) >= MAX_REPLY_LINES:
                        raise ReplyTooLong
        except (TimeoutError, PeerClosed, ReplyTooLong):
            self._keep_partial_line(lines, status)
            raise

    def _keep_partial_line(self, lines: list[str], status: Callable[[str], str]) -> None:
        if self.buffer:
            partial = bytes(self.buffer[:MAX_REPLY_BYTES]).decode("utf-8", "replace")
            self.transcript.server(partial, status(partial), self.tls)
            lines.append(partial)
            self.buffer.clear()

    async def read_exact(self, size: int, timeout: float) -> bytes:
        """Read exactly `size` bytes (an IMAP literal) within `timeout`."""
        async with asyncio.timeout(timeout):
            while len(self.buffer) < size:
                if not await self.fill(timeout):
                    raise PeerClosed
        data = bytes(self.buffer[:size])
        del self.buffer[:size]
        return data

    async def send(self, line: str, timeout: float, shown: str | None = None) -> None:
        """Send one command line; `shown` replaces it in the transcript (to hide a secret)."""
        self.transcript.client(line if shown is None else shown, self.tls)
        self.writer.write(line.encode("ascii") + b"\r\n")
        async with asyncio.timeout(timeout):
            await self.writer.drain()

    async def start_tls(self, context: ssl.SSLContext, host: str, timeout: float) -> TlsInfo:
        """Run the TLS handshake on this connection and return what it showed."""
        if self.buffer:
            raise UpgradeInjection
        self.transcript.note("tls_start")
        async with asyncio.timeout(timeout):
            await self.writer.start_tls(
                context,
                server_hostname=host.strip("[]"),
                ssl_handshake_timeout=timeout + 1.0,  # ours fires first
                ssl_shutdown_timeout=CLOSE_WAIT,
            )
        self.tls = True
        info = describe_session(self.writer.get_extra_info("ssl_object"), host)
        self.transcript.note("tls_ok", version=info.version, cipher=info.cipher)
        return info

    def abort(self) -> None:
        """Drop the connection at once (used on errors and cancellation)."""
        self.writer.transport.abort()

    async def close(self) -> None:
        """Close politely, but never wait more than CLOSE_WAIT for the peer."""
        self.writer.close()
        try:
            async with asyncio.timeout(CLOSE_WAIT):
                await self.writer.wait_closed()
        except (TimeoutError, OSError, ssl.SSLError):
            self.abort()

"""Talk to an opened port: read the greeting, list capabilities, upgrade, say goodbye.

Only fixed commands are ever sent (EHLO with a fixed name, CAPA, CAPABILITY,
STARTTLS/STLS, QUIT/LOGOUT): nothing a user typed reaches the wire.
"""

import contextlib
import ssl
from collections.abc import Callable

from . import classify
from .opening import NUDGE
from .results import (
    Capabilities,
    PortResult,
    PortState,
    Protocol,
    Security,
    TlsInfo,
    Upgrade,
)
from .session import (
    Conn,
    Deadline,
    ReplyTooLong,
    Timing,
    UpgradeInjection,
    error_code,
)
from .tls import handshake_failure
from .transcript import clean_text

EHLO_NAME = "facteur.invalid"  # RFC 6761: a name that can never be anyone's


def _smtp_done(lines: list[str]) -> bool:
    return classify.smtp_reply_done(lines[-1])


def _tagged(tag: str) -> Callable[[list[str]], bool]:
    return lambda lines: lines[-1].startswith(tag + " ")


def _one_line(lines: list[str]) -> bool:
    return True


class _Stop(Exception):
    """The connection cannot be used any more (failed upgrade): drop it, no goodbye."""


class Dialogue:
    """The state of one conversation: the connection, its result and its clock."""

    def __init__(
        self,
        conn: Conn,
        result: PortResult,
        timing: Timing,
        deadline: Deadline,
        context: ssl.SSLContext,
    ) -> None:
        self.conn, self.result, self.timing = conn, result, timing
        self.deadline, self.context = deadline, context
        self.tag = 0

    def status(self, line: str) -> str:
        protocol = self.result.protocol
        return classify.line_status(None if protocol == Protocol.UNKNOWN else protocol, line)

    async def command(self, line: str, complete: Callable[[list[str]], bool]) -> list[str]:
        """Send one fixed command and read its whole reply within one step."""
        await self.conn.send(line, self.deadline.step(self.timing.step))
        return await self.conn.read_reply(
            complete, self.deadline.step(self.timing.step), self.status
        )

    async def imap(self, command: str) -> tuple[list[str], str]:
        """Send a tagged IMAP command; return the lines and the tagged status word."""
        self.tag += 1
        tag = f"a{self.tag}"
        lines = await self.command(f"{tag} {command}", _tagged(tag))
        status = classify.imap_status(lines[-1])
        return lines, status.status if status else ""

    def set_caps(self, caps: Capabilities) -> None:
        if self.conn.tls:
            self.result.capabilities_after = caps
            return
        self.result.capabilities_before = caps
        if caps.starttls:
            self.result.upgrade = Upgrade.NOT_TRIED
            # SMTP is asked directly (_mail_before_tls); POP3 and IMAP say it in their lists.
            if self.result.protocol == Protocol.IMAP:
                self.result.tls_required = caps.login_disabled and not caps.auth
            elif self.result.protocol == Protocol.POP3:
                self.result.tls_required = "USER" not in caps.keywords and not caps.auth

    async def upgrade(self) -> None:
        """Run the TLS handshake after the server accepted STARTTLS/STLS."""
        try:
            info = await self.conn.start_tls(
                self.context, self.result.host, self.deadline.step(self.timing.step)
            )
        except UpgradeInjection:
            self.conn.transcript.note("injection")
            self.result.upgrade = Upgrade.FAILED
            self.result.error = "injection"
            raise _Stop from None
        except (ssl.SSLError, OSError, TimeoutError) as exc:
            code, detail = handshake_failure(exc)
            self.conn.transcript.note("tls_failed", detail=detail or code)
            self.result.upgrade = Upgrade.FAILED
            self.result.tls = TlsInfo(established=False, error=code, error_detail=detail)
            self.result.error, self.result.error_detail = "tls_failed", detail
            raise _Stop from None
        self.result.tls = info
        self.result.upgrade = Upgrade.DONE

    async def goodbye(self, line: str, complete: Callable[[list[str]], bool]) -> None:
        """End politely; a server that does not answer in time is simply dropped."""
        with contextlib.suppress(TimeoutError, ReplyTooLong, OSError, ssl.SSLError):
            await self.command(line, complete)


async def converse(dialogue: Dialogue, implicit_tls: bool) -> None:
    """Run the whole conversation on an open connection and fill in the result.

    On implicit TLS a silent server gets the fixed web request after the
    clear-text wait, to tell an HTTPS server from a mute one.
    """
    conn, result = dialogue.conn, dialogue.result
    polite = True
    try:
        lines = await _greeting(dialogue, nudge=implicit_tls)
        await _PROTOCOLS[result.protocol](dialogue, lines)
    except _Stop:
        polite = False
    except (TimeoutError, ReplyTooLong, OSError, ssl.SSLError) as exc:
        polite = _record_error(dialogue, exc)
        if polite:
            await _blind_goodbye(dialogue)
    result.security = _security(result, implicit_tls)
    if polite:
        await conn.close()
    else:
        conn.abort()


async def _greeting(dialogue: Dialogue, nudge: bool) -> list[str]:
    conn, result = dialogue.conn, dialogue.result
    if nudge and not conn.buffer:
        try:
            await conn.fill(dialogue.deadline.step(dialogue.timing.clear_wait))
        except TimeoutError:
            conn.transcript.note("nudge")
            for line in NUDGE:
                await conn.send(line, dialogue.deadline.step(dialogue.timing.step))
    try:
        lines = await conn.read_reply(
            _greeting_complete, dialogue.deadline.remaining(), dialogue.status
        )
    except BaseException:
        _identify(result, conn.last_reply)
        if conn.last_reply and result.protocol != Protocol.OTHER:
            # An unterminated, endless or enormous banner: it started like a mail server
            # but never finished its greeting, so it is not graded as one.
            result.protocol = Protocol.UNKNOWN
            result.error = "misbehaving"
        raise
    _identify(result, lines)
    return lines


def _greeting_complete(lines: list[str]) -> bool:
    first = classify.smtp_line(lines[0])
    if first and not first.final:
        return classify.smtp_reply_done(lines[-1])
    return True


def _identify(result: PortResult, lines: list[str]) -> None:
    if not lines:
        return
    result.state = PortState.OPEN
    result.protocol = classify.detect_protocol(lines[0])
    result.greeting = "\n".join(clean_text(line) for line in lines)
    result.software = classify.guess_software(result.greeting)
    if result.protocol == Protocol.OTHER:
        result.other_kind = classify.other_kind(lines[0])


async def _smtp(dialogue: Dialogue, greeting: list[str]) -> None:
    last = classify.smtp_line(greeting[-1])
    if last is None or last.code != 220:  # 554 "go away" or garbage: nothing more to ask
        await dialogue.goodbye("QUIT", _smtp_done)
        return
    caps = await _ehlo(dialogue)
    dialogue.set_caps(caps)
    if caps.starttls and not dialogue.conn.tls:
        dialogue.result.tls_required = await _mail_before_tls(dialogue)
        reply = await dialogue.command("STARTTLS", _smtp_done)
        answer = classify.smtp_line(reply[-1])
        if answer and answer.code == 220:
            await dialogue.upgrade()
            dialogue.set_caps(await _ehlo(dialogue))
        else:
            dialogue.result.upgrade = Upgrade.REFUSED
    await dialogue.goodbye("QUIT", _smtp_done)


async def _mail_before_tls(dialogue: Dialogue) -> bool | None:
    """Try MAIL FROM:<> in clear text: 530 means TLS is required, 250 that it is optional.

    Nothing is sent after it but RSET: no recipient, no message.
    """
    reply = await dialogue.command("MAIL FROM:<>", _smtp_done)
    answer = classify.smtp_line(reply[-1])
    if answer is None:
        return None
    if answer.code == 250:
        await dialogue.command("RSET", _smtp_done)
        return False
    return True if answer.code == 530 else None


async def _ehlo(dialogue: Dialogue) -> Capabilities:
    reply = await dialogue.command(f"EHLO {EHLO_NAME}", _smtp_done)
    parsed = classify.smtp_line(reply[-1])
    if parsed and parsed.code == 250:
        return classify.parse_ehlo(reply)
    # A server without ESMTP: HELO works but lists nothing.
    await dialogue.command(f"HELO {EHLO_NAME}", _smtp_done)
    return Capabilities()


async def _pop3(dialogue: Dialogue, greeting: list[str]) -> None:
    if classify.pop3_status(greeting[0]) != "+OK":
        return
    caps = await _capa(dialogue)
    dialogue.set_caps(caps)
    if caps.starttls and not dialogue.conn.tls:
        reply = await dialogue.command("STLS", _one_line)
        if classify.pop3_status(reply[0]) == "+OK":
            await dialogue.upgrade()
            dialogue.set_caps(await _capa(dialogue))
        else:
            dialogue.result.upgrade = Upgrade.REFUSED
    await dialogue.goodbye("QUIT", _one_line)


async def _capa(dialogue: Dialogue) -> Capabilities:
    def complete(lines: list[str]) -> bool:
        if classify.pop3_status(lines[0]) != "+OK":
            return True  # -ERR: a server from before RFC 2449, no list follows
        return len(lines) > 1 and classify.pop3_multiline_done(lines[-1])

    reply = await dialogue.command("CAPA", complete)
    if classify.pop3_status(reply[0]) != "+OK":
        return Capabilities()
    return classify.parse_capa(reply[1:-1])


async def _imap(dialogue: Dialogue, greeting: list[str]) -> None:
    status = classify.imap_status(greeting[0])
    if status is None or status.status == "BYE":
        return
    caps = classify.imap_capabilities(greeting) or Capabilities()
    dialogue.set_caps(caps)
    lines, _ = await dialogue.imap("CAPABILITY")
    caps = classify.imap_capabilities(lines) or caps
    dialogue.set_caps(caps)
    if caps.starttls and not dialogue.conn.tls:
        _, word = await dialogue.imap("STARTTLS")
        if word == "OK":
            await dialogue.upgrade()
            lines, _ = await dialogue.imap("CAPABILITY")
            dialogue.set_caps(classify.imap_capabilities(lines) or Capabilities())
        else:
            dialogue.result.upgrade = Upgrade.REFUSED
    await _logout(dialogue)


async def _logout(dialogue: Dialogue) -> None:
    dialogue.tag += 1
    tag = f"a{dialogue.tag}"
    await dialogue.goodbye(f"{tag} LOGOUT", _tagged(tag))


async def _other(dialogue: Dialogue, greeting: list[str]) -> None:
    """Nothing to say to a service we do not speak."""


_PROTOCOLS = {
    Protocol.SMTP: _smtp,
    Protocol.POP3: _pop3,
    Protocol.IMAP: _imap,
    Protocol.OTHER: _other,
}


def _record_error(dialogue: Dialogue, exc: BaseException) -> bool:
    """Note what broke the dialogue; return True if a polite close is still possible."""
    code = error_code(exc)
    result, transcript = dialogue.result, dialogue.conn.transcript
    if code == "network_error":
        transcript.note("network_error", detail=exc)
        result.error_detail = clean_text(str(exc), 200)
    else:
        transcript.note(code)
    result.error = result.error or code
    misbehaving = result.error == "misbehaving"
    if (
        result.protocol == Protocol.UNKNOWN
        and code in ("timeout", "closed", "reset")
        and not misbehaving
    ):
        result.state = PortState.NO_GREETING
    return code in ("timeout", "too_long")


def _security(result: PortResult, implicit: bool) -> Security:
    if implicit:
        return Security.IMPLICIT_TLS
    if result.protocol == Protocol.OTHER:
        return Security.PLAINTEXT
    caps = result.capabilities_before
    if caps is None:
        return Security.UNKNOWN
    return Security.STARTTLS if caps.starttls else Security.PLAINTEXT


async def _blind_goodbye(dialogue: Dialogue) -> None:
    """Say goodbye to a server that failed to finish a reply, without waiting for it."""
    protocol = dialogue.result.protocol
    if protocol in (Protocol.SMTP, Protocol.POP3):
        line = "QUIT"
    elif protocol == Protocol.IMAP:
        line = f"a{dialogue.tag + 1} LOGOUT"
    else:
        return
    with contextlib.suppress(TimeoutError, OSError, ssl.SSLError):
        await dialogue.conn.send(line, min(0.1, dialogue.deadline.remaining()))

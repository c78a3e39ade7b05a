"""POP3 for the lab over twisted.mail: STLS on the "110" port, implicit TLS on the "995" port.

What differs from Twisted's stock server, and why:
- no login of any kind before TLS (like Dovecot's ``disable_plaintext_auth``), and CAPA says so:
  STLS before TLS, USER and SASL PLAIN after;
- CAPA lists what this server really does (Twisted's lists ``PIPELINE`` for PIPELINING and
  joke entries such as ``CELERITY AUSPEX POTENCE``);
- messages marked by DELE disappear from STAT/LIST/UIDL at once and from the store at QUIT
  (RFC 1939's UPDATE state); a connection lost without QUIT deletes nothing;
- SASL PLAIN works, with or without an initial response (Twisted's only knows CRAM-style);
- no APOP (it needs clear-text passwords on the server), no RPOP, no LAST (gone since RFC 1939);
- a failed login is answered after a delay, and the third one closes the connection.
"""

import io

from twisted.cred import credentials, error
from twisted.internet import protocol
from twisted.mail import pop3
from twisted.mail._except import POP3Error
from zope.interface import implementer

from quizapp.lab.server.auth import decode_sasl_plain
from quizapp.lab.server.guard import (
    LOGIN_FAILURE_DELAY,
    BrakedPortal,
    OneLineAtATime,
    has_pending_input,
)
from quizapp.lab.server.store import MailStore, UnknownMessage

PLAINTEXT_REFUSED = (
    b"[AUTH] Plaintext authentication disallowed on non-secure (SSL/TLS) connections."
)


@implementer(pop3.IMailbox)
class Pop3Mailbox:
    """One POP3 session's view: the messages present at login, numbered from 1."""

    def __init__(self, store: MailStore, name: str) -> None:
        self.store = store
        self.name = name
        state = store.state(name)
        self.uidvalidity = state.uidvalidity
        self.messages = list(state.messages)
        self.deleted: set[int] = set()

    def _index(self, i: int) -> int:
        if not 0 <= i < len(self.messages) or i in self.deleted:
            raise ValueError("no such message")
        return i

    def live(self) -> list[tuple[int, int, bytes]]:
        """Return (number, size, unique id) of each message not marked deleted."""
        return [
            (i + 1, m.size, self.getUidl(i))
            for i, m in enumerate(self.messages)
            if i not in self.deleted
        ]

    def listMessages(self, i: int | None = None):
        if i is None:
            return [0 if n in self.deleted else m.size for n, m in enumerate(self.messages)]
        return self.messages[self._index(i)].size

    def getMessage(self, i: int) -> io.BytesIO:
        try:
            raw = self.store.read(self.name, self.messages[self._index(i)].uid)
        except UnknownMessage:
            raise ValueError("message removed by another session") from None
        # Twisted's sender turns LF into CRLF itself, so hand it LF endings.
        return io.BytesIO(raw.replace(b"\r\n", b"\n"))

    def getUidl(self, i: int) -> bytes:
        return b"%d.%d" % (self.uidvalidity, self.messages[self._index(i)].uid)

    def deleteMessage(self, i: int) -> None:
        self.deleted.add(self._index(i))

    def undeleteMessages(self) -> None:
        self.deleted.clear()

    def sync(self) -> None:
        """Remove the messages marked for deletion (called at QUIT only)."""
        if self.deleted:
            self.store.remove(self.name, [self.messages[i].uid for i in self.deleted], by="pop3")
            self.deleted.clear()


class LabPOP3(OneLineAtATime, pop3.POP3):
    """Twisted's POP3 server with the lab's rules (see the module docstring)."""

    magic = b"Facteur lab POP3 server ready."
    AUTH_CMDS = [b"CAPA", b"USER", b"PASS", b"AUTH", b"STLS", b"QUIT"]
    do_APOP = do_RPOP = do_LAST = None
    timeOut = 300
    _at_line_start = True

    def __init__(self, factory: "Pop3Factory") -> None:
        self.factory = factory
        self.portal = BrakedPortal(factory.portal, self, factory.login_delay)
        self.implicit_tls = factory.implicit_tls
        self.startedTLS = False

    @property
    def secure(self) -> bool:
        return self.implicit_tls or self.startedTLS

    def state_COMMAND(self, line: bytes) -> None:
        try:
            self.processCommand(*line.split(b" "))
        except POP3Error as e:
            self.failResponse(e.args[0])
        except (ValueError, TypeError):
            self.failResponse(b"Invalid command or arguments")

    def listCapabilities(self) -> list[bytes]:
        caps = [b"TOP", b"UIDL", b"RESP-CODES", b"AUTH-RESP-CODE", b"PIPELINING"]
        if self.secure:
            caps += [b"USER", b"SASL PLAIN"]
        elif self.factory.tls_options is not None:
            caps.append(b"STLS")
        return caps

    def do_STLS(self) -> None:
        if self.secure:
            self.failResponse(b"Command not permitted when TLS active")
        elif self.mbox is not None:
            self.failResponse(b"STLS is only allowed before login")
        elif has_pending_input(self):
            self.failResponse(b"Commands sent after STLS before TLS; closing")
            self.transport.loseConnection()
        else:
            self.successResponse(b"Begin TLS negotiation now.")
            self.transport.startTLS(self.factory.tls_options)
            self.startedTLS = True

    def _login_refusal(self) -> bytes | None:
        if self.mbox is not None:
            return b"Already logged in"
        if not self.secure:
            return PLAINTEXT_REFUSED
        return None

    def do_USER(self, user: bytes) -> None:
        refusal = self._login_refusal()
        if refusal:
            self.failResponse(refusal)
        else:
            super().do_USER(user)

    def do_PASS(self, password: bytes, *words: bytes) -> None:
        refusal = self._login_refusal()
        if refusal:
            self.failResponse(refusal)
        else:
            super().do_PASS(password, *words)

    def do_AUTH(self, mechanism: bytes | None = None, initial: bytes | None = None) -> None:
        refusal = self._login_refusal()
        if refusal:
            self.failResponse(refusal)
        elif mechanism is None:
            self.successResponse(b"Supported mechanisms:")
            self.transport.write(b"PLAIN\r\n.\r\n")
        elif mechanism.upper() != b"PLAIN":
            self.failResponse(b"Unsupported authentication mechanism")
        elif initial is not None:
            self._finish_plain(b"" if initial == b"=" else initial)
        else:
            self.sendLine(b"+ ")
            self.state = "AUTH"

    def state_AUTH(self, line: bytes) -> None:
        self.state = "COMMAND"
        if line.strip() == b"*":
            self.failResponse(b"Authentication aborted")
        else:
            self._finish_plain(line.strip())

    def _finish_plain(self, encoded: bytes) -> None:
        decoded = decode_sasl_plain(encoded)
        if decoded is None:
            self.failResponse(b"[AUTH] Malformed SASL PLAIN response")
            return
        user, password = decoded
        d = self.portal.login(credentials.UsernamePassword(user, password), None, pop3.IMailbox)
        d.addCallback(self._cbMailbox, user)
        d.addErrback(self._ebMailbox)
        d.addErrback(self._ebUnexpected)

    def _ebMailbox(self, failure) -> None:
        failure.trap(error.LoginDenied, error.LoginFailed)
        self.failResponse(b"[AUTH] Authentication failed.")

    def too_many_failures(self) -> None:
        self.transport.loseConnection()  # after the -ERR: POP3 has no unsolicited reply

    def do_STAT(self) -> None:
        live = self.mbox.live()
        self.successResponse(b"%d %d" % (len(live), sum(size for _, size, _ in live)))

    def do_LIST(self, i: bytes | None = None) -> None:
        self._listing(i, lambda number, size, uidl: b"%d %d" % (number, size))

    def do_UIDL(self, i: bytes | None = None) -> None:
        self._listing(i, lambda number, size, uidl: b"%d %s" % (number, uidl))

    def _listing(self, i: bytes | None, line) -> None:
        live = self.mbox.live()
        if i is None:
            self.successResponse(b"%d messages" % len(live))
            self.transport.write(b"".join(line(*entry) + b"\r\n" for entry in live) + b".\r\n")
            return
        wanted = [entry for entry in live if entry[0] == int(i)]
        if wanted:
            self.successResponse(line(*wanted[0]))
        else:
            self.failResponse(b"No such message")

    def do_DELE(self, i: bytes) -> None:
        try:
            self.mbox.deleteMessage(int(i) - 1)
        except ValueError:
            self.failResponse(b"No such message")
        else:
            self.successResponse(b"Marked to be deleted.")

    def do_QUIT(self) -> None:
        if self.mbox is not None:
            self.mbox.sync()  # RFC 1939 UPDATE state: only now do DELEs take effect
        self.successResponse(b"Logging out.")
        self.transport.loseConnection()

    def do_RETR(self, i: bytes):
        self._at_line_start = True
        return super().do_RETR(i)

    def do_TOP(self, i: bytes, size: bytes):
        self._at_line_start = True
        return super().do_TOP(i, size)

    def transformChunk(self, chunk: bytes) -> bytes:
        # Twisted byte-stuffs each chunk on its own, missing a "." that starts a chunk right
        # after a line break in the previous one.
        out = chunk.replace(b"\n", b"\r\n").replace(b"\r\n.", b"\r\n..")
        if self._at_line_start and chunk.startswith(b"."):
            out = b"." + out
        self._at_line_start = chunk.endswith(b"\n")
        return out


class Pop3Factory(protocol.ServerFactory):
    """Build LabPOP3 connections; ``tls_options`` None means no STLS (implicit TLS port)."""

    noisy = False

    def __init__(
        self,
        portal,
        tls_options,
        implicit_tls: bool,
        login_delay: float = LOGIN_FAILURE_DELAY,
    ) -> None:
        self.portal = portal
        self.tls_options = None if implicit_tls else tls_options
        self.implicit_tls = implicit_tls
        self.login_delay = login_delay

    def buildProtocol(self, addr) -> LabPOP3:
        return LabPOP3(self)

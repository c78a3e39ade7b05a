"""Defence against commands injected before a STARTTLS / STLS takes effect.

A client (or an attacker on the path) can send ``STARTTLS\\r\\nRCPT TO:...\\r\\n`` in one packet.
Twisted's line receivers split the whole packet into lines up front and keep feeding them after
the handler switched the transport to TLS, so the injected plaintext command would run inside
the encrypted session as if the client had sent it there (CVE-2011-0411 in Postfix was this
bug). The only safe answer is to refuse the upgrade and close: nothing in the packet after
STARTTLS can be trusted.
"""

from twisted.cred.error import UnauthorizedLogin
from twisted.internet import defer
from twisted.protocols import basic

LOGIN_FAILURE_DELAY = 2.0  # seconds, as Dovecot's auth_failure_delay
LOGIN_FAILURE_LIMIT = 3  # failed logins on one connection before it is closed


class OneLineAtATime(basic.LineOnlyReceiver):
    """A LineOnlyReceiver that leaves unprocessed lines in ``_buffer`` while handling one.

    The stock ``dataReceived`` holds the rest of the packet in a local list, invisible to the
    command handler; here the handler can ask has_pending_input(). A handler may also
    ``hold()`` the input (while a failed login waits out its delay) and ``release()`` it:
    commands pipelined behind it then run in order, after its reply.
    """

    _held = False

    def hold(self) -> None:
        self._held = True
        self.transport.pauseProducing()

    def release(self) -> None:
        self._held = False
        if not self.transport.disconnecting:
            self.transport.resumeProducing()
            self.dataReceived(b"")

    def dataReceived(self, data: bytes) -> None:
        self._buffer += data
        while not self.transport.disconnecting and not self._held:
            line, found, rest = self._buffer.partition(self.delimiter)
            if not found:
                break
            self._buffer = rest
            if len(line) > self.MAX_LENGTH:
                self.lineLengthExceeded(line)
                return
            self.lineReceived(line)
        if len(self._buffer) > self.MAX_LENGTH:
            self._buffer = b""  # a flood is answered once, then the connection closes
            self.lineLengthExceeded(b"")


class BrakedPortal:
    """One connection's door to the shared portal: failed logins answer late, then close.

    What Dovecot does (auth_failure_delay, then a disconnect after a few failures): a client
    guessing passwords gets one try every few seconds instead of hundreds. The protocol
    provides ``hold()`` / ``release()`` (stop and resume reading commands, so that pipelined
    ones wait their turn) and ``too_many_failures()`` (say goodbye and close).
    """

    def __init__(
        self,
        portal,
        protocol,
        delay: float = LOGIN_FAILURE_DELAY,
        limit: int = LOGIN_FAILURE_LIMIT,
    ) -> None:
        self.portal = portal
        self.protocol = protocol
        self.delay = delay
        self.limit = limit
        self.failures = 0

    def login(self, credentials, mind, *interfaces) -> defer.Deferred:
        return self.portal.login(credentials, mind, *interfaces).addErrback(self._failed)

    def _failed(self, failure) -> defer.Deferred:
        failure.trap(UnauthorizedLogin)
        self.failures += 1
        self.protocol.hold()
        answered = defer.Deferred()

        def answer() -> None:
            answered.errback(failure)  # the protocol sends its own refusal now
            if self.failures >= self.limit:
                self.protocol.too_many_failures()
            else:
                self.protocol.release()

        if self.delay > 0:
            from twisted.internet import reactor

            reactor.callLater(self.delay, answer)
        else:
            answer()
        return answered


def has_pending_input(protocol: object) -> bool:
    """Return whether bytes already received follow the command being handled."""
    return bool(getattr(protocol, "_buffer", b"")) or bool(getattr(protocol, "blocked", None))

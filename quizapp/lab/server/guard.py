"""Defence against commands injected before a STARTTLS / STLS takes effect.

A client (or an attacker on the path) can send ``STARTTLS\\r\\nRCPT TO:...\\r\\n`` in one packet.
Twisted's line receivers split the whole packet into lines up front and keep feeding them after
the handler switched the transport to TLS, so the injected plaintext command would run inside
the encrypted session as if the client had sent it there (CVE-2011-0411 in Postfix was this
bug). The only safe answer is to refuse the upgrade and close: nothing in the packet after
STARTTLS can be trusted.
"""

from twisted.protocols import basic


class OneLineAtATime(basic.LineOnlyReceiver):
    """A LineOnlyReceiver that leaves unprocessed lines in ``_buffer`` while handling one.

    The stock ``dataReceived`` holds the rest of the packet in a local list, invisible to the
    command handler; here the handler can ask has_pending_input().
    """

    def dataReceived(self, data: bytes) -> None:
        self._buffer += data
        while not self.transport.disconnecting:
            line, found, rest = self._buffer.partition(self.delimiter)
            if not found:
                break
            self._buffer = rest
            if len(line) > self.MAX_LENGTH:
                self.lineLengthExceeded(line)
                return
            self.lineReceived(line)
        if len(self._buffer) > self.MAX_LENGTH:
            self.lineLengthExceeded(self._buffer)


def has_pending_input(protocol: object) -> bool:
    """Return whether bytes already received follow the command being handled."""
    return bool(getattr(protocol, "_buffer", b"")) or bool(getattr(protocol, "blocked", None))

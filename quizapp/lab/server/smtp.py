"""SMTP for the lab over twisted.mail: the relay ("25") role and the submission ("587"/"465") roles.

- relay: accepts mail for the lab domain from anyone, refuses to relay elsewhere (554 5.7.1),
  offers STARTTLS, offers no AUTH (a port-25 MTA talks to other servers, not to users);
- submission: STARTTLS first, then AUTH (PLAIN/LOGIN), then mail; 530 otherwise;
- submissions: the same over implicit TLS.

On every port, what a conformant server does: NOOP, VRFY (252, never a user list), SIZE judged
at MAIL FROM (RFC 1870), PIPELINING, ENHANCEDSTATUSCODES on every reply, 8BITMIME, SMTPUTF8, a
line flood closes the connection, failed logins are slowed then cut off, and after AUTH the
envelope sender must be the user's own address (553 5.7.1), as a real MSA requires.

Each accepted message is filed with its ``origin`` (port role, TLS, login, client address,
time): the grade of exercise 2 reads that, never the headers a client could have written.
"""

from collections.abc import Callable
from dataclasses import dataclass

from twisted.cred.portal import Portal
from twisted.internet import defer, protocol
from twisted.mail import smtp
from twisted.mail.interfaces import IMessageDelivery, IMessageSMTP
from zope.interface import implementer

from quizapp.lab.server.accounts import AccountBook
from quizapp.lab.server.auth import AUTH_MECHANISMS
from quizapp.lab.server.guard import (
    LOGIN_FAILURE_DELAY,
    BrakedPortal,
    OneLineAtATime,
    has_pending_input,
)
from quizapp.lab.server.headers import SmtpSession, printable, stamp
from quizapp.lab.server.smtp_replies import (
    SmtpReply,
    check_mail_parameters,
    check_rcpt,
    check_sender_owned,
    parse_path,
    with_enhanced_code,
)
from quizapp.lab.server.store import NAME_RE, MailStore
from quizapp.lab.server.tls import tls_details

Refusal = SmtpReply  # the name the recipient rules were written with


def route_recipient(
    address: str, domain: str, exists: Callable[[str], bool], authenticated: bool
) -> str:
    """Return the mailbox that receives ``address``, or raise Refusal with the reply to send."""
    local, _, rcpt_domain = address.lower().rpartition("@")
    if rcpt_domain != domain and authenticated:
        # A real MSA would relay; the lab has no way out, and says so.
        raise Refusal(550, f"5.7.1 <{address}>: this lab server only delivers to @{domain}")
    if rcpt_domain != domain:
        raise Refusal(554, f"5.7.1 <{address}>: Relay access denied")
    if not NAME_RE.match(local) or not exists(local):
        raise Refusal(550, f"5.1.1 <{address}>: Recipient address rejected: User unknown")
    return local


@implementer(IMessageSMTP)
class IncomingMessage:
    """One message for one recipient, filed in the store when the client ends DATA."""

    def __init__(self, delivery: "Delivery", name: str, recipient: str, sender: str, session):
        self.delivery = delivery
        self.name = name
        self.recipient = recipient
        self.sender = sender
        self.session = session
        self.lines: list[bytes] = []
        self.size = 0

    def lineReceived(self, line: bytes) -> None:
        self.size += len(line) + 2
        if self.size > self.delivery.max_size:
            raise smtp.SMTPServerError(552, b"5.3.4 Message size exceeds fixed limit")
        self.lines.append(line)

    def eomReceived(self) -> defer.Deferred:
        body = b"\r\n".join(self.lines) + b"\r\n"
        message = stamp(body, self.session, self.sender, self.recipient, self.delivery.hostname)
        self.delivery.store.deliver(self.name, message, origin=self.session.origin())
        self.lines = []
        return defer.succeed(None)

    def connectionLost(self) -> None:
        self.lines = []


@implementer(IMessageDelivery)
@dataclass
class Delivery:
    """Where accepted mail goes; ``login`` is the authenticated user, None on the relay."""

    store: MailStore
    accounts: AccountBook
    domain: str
    hostname: str
    max_size: int
    login: str | None = None

    def receivedHeader(self, helo, origin, recipients) -> None:
        # The trace headers are written by IncomingMessage.eomReceived, once the queue id of
        # the delivery is known; returning nothing tells Twisted not to add its own.
        return None

    def validateFrom(self, helo, origin: smtp.Address) -> smtp.Address:
        return origin

    def validateTo(self, user: smtp.User) -> Callable[[], IncomingMessage]:
        address = str(user.dest)
        try:
            return self.accept(address, str(user.orig), user.protocol.session_info())
        except Refusal as refusal:
            raise smtp.SMTPBadRcpt(address, refusal.code, refusal.text) from None

    def accept(
        self, address: str, sender: str, session: SmtpSession
    ) -> Callable[[], IncomingMessage]:
        """Return what builds the message for ``address``, or raise Refusal."""
        name = route_recipient(address, self.domain, self.accounts.exists, self.login is not None)
        return lambda: IncomingMessage(self, name, address, sender, session)


@dataclass(frozen=True)
class SmtpRole:
    """How one SMTP port behaves."""

    requires_auth: bool
    implicit_tls: bool
    key: str = ""  # the role key of config.ROLES, recorded with each message


RELAY = SmtpRole(requires_auth=False, implicit_tls=False, key="smtp")
SUBMISSION = SmtpRole(requires_auth=True, implicit_tls=False, key="submission")
SUBMISSIONS = SmtpRole(requires_auth=True, implicit_tls=True, key="submissions")


class _Sender(str):
    """The envelope sender as Twisted's DATA code expects it (a true value, even for <>)."""

    def __bool__(self) -> bool:
        return True


class LabESMTP(OneLineAtATime, smtp.ESMTP):
    """Twisted's ESMTP with the lab's rules on TLS, AUTH and relaying."""

    timeout = 300

    def __init__(self, factory: "SmtpFactory") -> None:
        role = factory.role
        super().__init__(
            chal=dict(AUTH_MECHANISMS) if role.requires_auth else {},
            contextFactory=None if role.implicit_tls else factory.tls_options,
        )
        self.factory = factory
        self.role = role
        self.host = factory.delivery_template.hostname
        self.portal = BrakedPortal(factory.portal, self, factory.login_delay)
        self._plain_reply = False
        self._smtputf8 = False
        if not role.requires_auth:
            self.delivery = factory.delivery_template

    @property
    def secure(self) -> bool:
        return self.role.implicit_tls or self.startedTLS

    def greeting(self) -> bytes:
        return self.host + b" ESMTP Facteur lab"

    def connectionMade(self) -> None:
        self._plain_reply = True  # the greeting carries no enhanced code
        super().connectionMade()
        self._plain_reply = False

    def sendCode(self, code: int, message: bytes = b"") -> None:
        if not self._plain_reply:
            message = with_enhanced_code(code, message)
        super().sendCode(code, message)

    def do_EHLO(self, rest: bytes) -> None:
        self._plain_reply = True
        try:
            super().do_EHLO(rest)
        finally:
            self._plain_reply = False

    def do_HELO(self, rest: bytes) -> None:
        self._plain_reply = True
        try:
            super().do_HELO(rest)
        finally:
            self._plain_reply = False

    def do_NOOP(self, rest: bytes) -> None:
        self.sendCode(250, b"2.0.0 Ok")

    def do_VRFY(self, rest: bytes) -> None:
        # RFC 5321 3.5.3: 252 when the server will not say whether a user exists.
        self.sendCode(252, b"2.0.0 Cannot VRFY user, but will accept message and attempt delivery")

    def do_EXPN(self, rest: bytes) -> None:
        self.sendCode(502, b"5.5.1 EXPN is not available")

    def do_HELP(self, rest: bytes) -> None:
        self.sendCode(214, b"2.0.0 See RFC 5321; commands: EHLO MAIL RCPT DATA RSET NOOP QUIT")

    def do_QUIT(self, rest: bytes) -> None:
        self.sendCode(221, b"2.0.0 Bye")
        self.transport.loseConnection()

    def lineLengthExceeded(self, line: bytes) -> None:
        self.sendCode(421, b"4.7.0 " + self.host + b" Error: line too long, closing connection")
        self.transport.loseConnection()

    def extensions(self) -> dict[bytes, list[bytes] | None]:
        ext: dict[bytes, list[bytes] | None] = {
            b"SIZE": [b"%d" % self.factory.delivery_template.max_size],
            b"PIPELINING": None,
            b"ENHANCEDSTATUSCODES": None,
            b"8BITMIME": None,
            b"SMTPUTF8": None,
        }
        if self.canStartTLS and not self.secure:
            ext[b"STARTTLS"] = None
        if self.role.requires_auth and self.secure and not self.authenticated:
            ext[b"AUTH"] = list(self.challengers)
        return ext

    def ext_STARTTLS(self, rest: bytes) -> None:
        if self.secure:
            self.sendCode(503, b"5.5.1 Error: TLS already active")
        elif has_pending_input(self):
            self.sendCode(421, b"4.7.0 Commands sent after STARTTLS before TLS; closing")
            self.transport.loseConnection()
        else:
            super().ext_STARTTLS(rest)
            # RFC 3207: forget everything learnt before TLS; the client must EHLO again.
            self._helo = (None, self.transport.getPeer().host.encode())
            self._from = None
            self._to = []

    def ext_AUTH(self, rest: bytes) -> None:
        if not self.role.requires_auth:
            self.sendCode(503, b"5.5.1 Error: authentication not enabled")
        elif not self.secure:
            self.sendCode(538, b"5.7.11 Encryption required for requested authentication")
        else:
            super().ext_AUTH(rest)

    def too_many_failures(self) -> None:
        self.sendCode(421, b"4.7.0 Too many failed logins, closing connection")
        self.transport.loseConnection()

    def do_MAIL(self, rest: bytes) -> None:
        if self.role.requires_auth and not self.secure:
            self.sendCode(530, b"5.7.0 Must issue a STARTTLS command first")
        elif self.role.requires_auth and not self.authenticated:
            self.sendCode(530, b"5.7.0 Authentication required")
        elif self._from is not None:
            self.sendCode(503, b"5.5.1 Error: nested MAIL command")
        else:
            try:
                path = parse_path(rest, "FROM")
                check_mail_parameters(path, self.factory.delivery_template.max_size)
                if self.role.requires_auth:
                    login = self.delivery.login
                    check_sender_owned(path.address, login, self.delivery.domain)
            except SmtpReply as reply:
                self.sendCode(reply.code, reply.text.encode())
                return
            self._to = []
            self._from = _Sender(path.address)
            self._smtputf8 = "SMTPUTF8" in path.parameters
            self.sendCode(250, b"2.1.0 Ok")

    def do_RCPT(self, rest: bytes) -> None:
        if not self._from:
            self.sendCode(503, b"5.5.1 Error: need MAIL command")
            return
        try:
            path = parse_path(rest, "TO")
            check_rcpt(path, self._smtputf8)
            build = self.delivery.accept(path.address, str(self._from), self.session_info())
        except SmtpReply as reply:
            self.sendCode(reply.code, reply.text.encode())
            return
        self._to.append((path.address, build))
        self.sendCode(250, b"2.1.5 Ok")

    def do_DATA(self, rest: bytes) -> None:
        if self._from is not None and not self._to:
            self.sendCode(554, b"5.5.1 Error: no valid recipients")
        else:
            super().do_DATA(rest)

    def do_RSET(self, rest: bytes) -> None:
        self._from = None
        self._to = []
        self.sendCode(250, b"2.0.0 Ok")

    def timeoutConnection(self) -> None:
        self.sendCode(421, b"4.4.2 " + self.host + b" Error: timeout exceeded")
        self.transport.loseConnection()

    def session_info(self) -> SmtpSession:
        """Return what the server knows of this client, for Received: and the message's origin."""
        helo = self._helo[0] if self._helo else None
        return SmtpSession(
            helo=printable(helo),
            peer_ip=self.transport.getPeer().host,
            tls=tls_details(self.transport) if self.secure else None,
            login=getattr(self.delivery, "login", None) if self.authenticated else None,
            role=self.role.key,
        )


class SmtpFactory(protocol.ServerFactory):
    """Build LabESMTP connections for one role."""

    noisy = False

    def __init__(
        self,
        role: SmtpRole,
        delivery_template: Delivery,
        portal: Portal,
        tls_options,
        login_delay: float = LOGIN_FAILURE_DELAY,
    ):
        self.role = role
        self.delivery_template = delivery_template
        self.portal = portal
        self.tls_options = tls_options
        self.login_delay = login_delay

    def buildProtocol(self, addr) -> LabESMTP:
        return LabESMTP(self)

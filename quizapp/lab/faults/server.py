"""The lab server's faulty endpoints: its own protocol classes with one thing broken each.

One listening port per trainee's ticket, opened and closed as `faults.json`
changes (see endpoints.py). Each fault reuses the lab's SMTP, POP3 and IMAP
servers as they are and changes only what the fault is about, so that
everything else a trainee tries behaves like the real lab.
"""

import datetime
from dataclasses import dataclass
from pathlib import Path

from twisted.application import service
from twisted.cred.portal import IRealm, Portal
from twisted.internet import defer, task
from twisted.internet.error import CannotListenError
from twisted.logger import Logger
from twisted.mail import pop3
from zope.interface import implementer

from quizapp.lab.certs import generate_self_signed
from quizapp.lab.faults.catalogue import FAULT_BY_KEY
from quizapp.lab.faults.dns import broken_mx_zone, dns_factories
from quizapp.lab.faults.endpoints import read_endpoints
from quizapp.lab.server.accounts import AccountBook
from quizapp.lab.server.auth import MailboxChecker
from quizapp.lab.server.config import LabServerConfig
from quizapp.lab.server.imap import ImapFactory
from quizapp.lab.server.pop3 import Pop3Factory, Pop3Mailbox
from quizapp.lab.server.realm import build_portal
from quizapp.lab.server.smtp import (
    RELAY,
    SUBMISSION,
    SUBMISSIONS,
    Delivery,
    LabESMTP,
    Refusal,
    SmtpFactory,
)
from quizapp.lab.server.store import MailStore, write_atomically
from quizapp.lab.server.tls import (
    DAYS_VALID,
    CertificateFiles,
    context_factory,
    needs_renewal,
)

log = Logger()
POLL_SECONDS = 0.5


class PasswordExpired(Exception):
    """The password was right, and has expired."""


class ExpiredPasswordESMTP(LabESMTP):
    """Submission where every right password has expired: 535 5.7.8, as an MSA says it."""

    def _cbAuthenticated(self, loginInfo):
        raise PasswordExpired

    def _ebAuthenticated(self, reason):
        if reason.check(PasswordExpired):
            self.challenge = None
            self.sendCode(535, b"5.7.8 Authentication failed: password expired")
        else:
            super()._ebAuthenticated(reason)


class SlowGreetingESMTP(LabESMTP):
    """Submission that greets only after `delay` seconds, reading nothing meanwhile."""

    def connectionMade(self) -> None:
        self.transport.pauseProducing()
        self._greeting_call = self.factory.clock.callLater(self.factory.delay, self._greet)

    def _greet(self) -> None:
        self.transport.resumeProducing()
        super().connectionMade()

    def connectionLost(self, reason) -> None:
        call = getattr(self, "_greeting_call", None)
        if call is not None and call.active():
            call.cancel()
        super().connectionLost(reason)


class FaultSmtpFactory(SmtpFactory):
    """An SmtpFactory whose connections use a faulty LabESMTP subclass."""

    def __init__(self, protocol_class, *args, delay: float = 0.0, clock=None) -> None:
        super().__init__(*args)
        self.protocol_class = protocol_class
        self.delay = delay
        self.clock = clock

    def buildProtocol(self, addr):
        return self.protocol_class(self)


@dataclass
class FullMailboxDelivery(Delivery):
    """Delivery that finds one mailbox over quota (RFC 3463: 4.2.2 / 5.2.2)."""

    full: str = ""
    code: int = 452

    def accept(self, address: str, sender: str, session):
        if address.lower().rpartition("@")[0] == self.full:
            status = "4.2.2" if self.code < 500 else "5.2.2"
            raise Refusal(self.code, f"{status} <{address}>: Mailbox full, quota exceeded")
        return super().accept(address, sender, session)


class EmptiedPop3Mailbox(Pop3Mailbox):
    """What is left on the server after another device's POP3 client took everything."""

    def __init__(self, store: MailStore, name: str) -> None:
        super().__init__(store, name)
        self.messages = []


@implementer(IRealm)
class EmptiedRealm:
    def __init__(self, store: MailStore) -> None:
        self.store = store

    def requestAvatar(self, avatar_id, mind, *interfaces):
        name = avatar_id.decode() if isinstance(avatar_id, bytes) else avatar_id
        if pop3.IMailbox in interfaces:
            return pop3.IMailbox, EmptiedPop3Mailbox(self.store, name), lambda: None
        raise NotImplementedError(f"no avatar for {interfaces!r}")


class FaultEndpoints(service.Service):
    """Serve each endpoint of faults.json on its port; follow the file as it changes."""

    name = "faults"

    def __init__(self, config: LabServerConfig, tls_options, clock=None) -> None:
        from twisted.internet import reactor

        self.config = config
        self.tls_options = tls_options
        self.clock = clock or reactor
        self.store = MailStore(config.data_dir)
        self.accounts = AccountBook(config.data_dir)
        self.delivery = Delivery(
            self.store, self.accounts, config.domain, config.hostname, config.max_message_size
        )
        self.portal = build_portal(self.store, self.accounts, self.delivery)
        self.listening: dict[int, tuple[dict, list]] = {}
        self._complained: set[tuple[int, str]] = set()
        self._loop: task.LoopingCall | None = None

    def startService(self) -> None:
        super().startService()
        self._loop = task.LoopingCall(self.reconcile)
        self._loop.clock = self.clock
        self._loop.start(POLL_SECONDS, now=True)

    def stopService(self):
        super().stopService()
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        stopping = [
            listener.stopListening()
            for _entry, listeners in self.listening.values()
            for listener in listeners
        ]
        self.listening.clear()
        return defer.DeferredList([d for d in stopping if d is not None])

    def reconcile(self) -> None:
        """Close the ports no longer wanted (or changed), open the new ones."""
        wanted = {
            port: entry
            for port, entry in read_endpoints(self.config.data_dir).items()
            if self._acceptable(port, entry)
        }
        for port, (entry, listeners) in list(self.listening.items()):
            if wanted.get(port) != entry:
                for listener in listeners:
                    listener.stopListening()
                del self.listening[port]
        for port, entry in wanted.items():
            if port not in self.listening:
                self._open(port, entry)

    def _acceptable(self, port: int, entry: dict) -> bool:
        return (
            entry.get("fault") in FAULT_BY_KEY
            and 0 < port < 65536
            and port not in self.config.ports.values()
        )

    def _open(self, port: int, entry: dict) -> None:
        params, host = entry.get("params") or {}, self.config.host
        listeners = []
        try:
            if entry["fault"] == "mx_wrong":
                zone = broken_mx_zone(self.config.domain, str(params.get("old_mx", "mx-old")), host)
                tcp, udp = dns_factories(zone)
                listeners.append(self.clock.listenUDP(port, udp, interface=host))
                listeners.append(self.clock.listenTCP(port, tcp, interface=host))
            else:
                factory, tls = self._factory(port, entry["fault"], params)
                if tls is None:
                    listeners.append(self.clock.listenTCP(port, factory, interface=host))
                else:
                    listeners.append(self.clock.listenSSL(port, factory, tls, interface=host))
        except CannotListenError as exc:
            for listener in listeners:
                listener.stopListening()
            # Retried at the next poll (a port just closed may take a moment to free).
            if (port, entry["fault"]) not in self._complained:
                self._complained.add((port, entry["fault"]))
                log.warn("fault endpoint {port} not opened: {error}", port=port, error=exc)
            return
        self.listening[port] = (entry, listeners)
        log.info("fault endpoint {fault} on port {port}", fault=entry["fault"], port=port)

    def _factory(self, port: int, fault: str, params: dict):
        """Return (factory, TLS options for implicit TLS or None) for one endpoint."""
        tls, size = self.tls_options, self.config.max_message_size
        if fault == "implicit_tls":
            return SmtpFactory(SUBMISSIONS, self.delivery, self.portal, tls), tls
        if fault == "cert_name":
            other = self._certificate(port, str(params.get("certificate_name", "mail.invalid")))
            return ImapFactory(self.portal, other, True, size), other
        if fault == "password_expired":
            args = (SUBMISSION, self.delivery, self.portal, tls)
            return FaultSmtpFactory(ExpiredPasswordESMTP, *args), None
        if fault == "over_quota":
            full = FullMailboxDelivery(
                self.store,
                self.accounts,
                self.config.domain,
                self.config.hostname,
                size,
                full=str(params.get("mailbox", "")),
                code=int(params.get("code", 452)),
            )
            return SmtpFactory(RELAY, full, self.portal, tls), None
        if fault == "relay_denied":
            return SmtpFactory(RELAY, self.delivery, self.portal, tls), None
        if fault == "pop3_deletes":
            portal = Portal(
                EmptiedRealm(self.store), [MailboxChecker(self.accounts, self.config.domain)]
            )
            return Pop3Factory(portal, tls, implicit_tls=False), None
        if fault == "slow_greeting":
            args = (SUBMISSION, self.delivery, self.portal, tls)
            delay = float(params.get("delay", 30.0))
            return FaultSmtpFactory(SlowGreetingESMTP, *args, delay=delay, clock=self.clock), None
        raise ValueError(fault)

    def _certificate(self, port: int, name: str):
        """Return TLS options with a certificate for `name`, not for the lab's host."""
        files = CertificateFiles.under(Path(self.config.data_dir) / "faults" / str(port))
        kept = files.cert.exists() and files.key.exists()
        if not kept or needs_renewal(
            files.cert.read_bytes(), name, datetime.datetime.now(datetime.UTC)
        ):
            # Only this name in the certificate: the lab's own also names 127.0.0.1 and localhost.
            cert_pem, key_pem = generate_self_signed(name, DAYS_VALID)
            files.cert.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(files.key, key_pem, mode=0o600)
            write_atomically(files.cert, cert_pem, mode=0o644)
        return context_factory(files)

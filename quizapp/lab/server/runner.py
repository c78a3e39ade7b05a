"""Start every service of the lab mail server in one Twisted reactor."""

import sys
from typing import TextIO

from twisted.application import internet, service
from twisted.logger import globalLogBeginner, textFileLogObserver

from quizapp.lab.faults.server import FaultEndpoints
from quizapp.lab.server.accounts import AccountBook
from quizapp.lab.server.config import ROLE_BY_KEY, LabServerConfig, describe_ports
from quizapp.lab.server.imap import ImapFactory
from quizapp.lab.server.pop3 import Pop3Factory
from quizapp.lab.server.realm import build_portal
from quizapp.lab.server.smtp import RELAY, SUBMISSION, SUBMISSIONS, Delivery, SmtpFactory
from quizapp.lab.server.store import MailStore
from quizapp.lab.server.tls import certificate_fingerprint, context_factory, ensure_certificate

READY = "Facteur lab mail server ready"


def build_factories(config: LabServerConfig, tls_options) -> dict:
    """Return the protocol factory of each role, all over one store and one portal."""
    store = MailStore(config.data_dir)
    accounts = AccountBook(config.data_dir)
    delivery = Delivery(store, accounts, config.domain, config.hostname, config.max_message_size)
    portal = build_portal(store, accounts, delivery)
    delay = config.login_failure_delay
    size = config.max_message_size
    return {
        "smtp": SmtpFactory(RELAY, delivery, portal, tls_options, delay),
        "submission": SmtpFactory(SUBMISSION, delivery, portal, tls_options, delay),
        "submissions": SmtpFactory(SUBMISSIONS, delivery, portal, tls_options, delay),
        "pop3": Pop3Factory(portal, tls_options, implicit_tls=False, login_delay=delay),
        "pop3s": Pop3Factory(portal, tls_options, implicit_tls=True, login_delay=delay),
        "imap": ImapFactory(portal, tls_options, False, size, login_delay=delay),
        "imaps": ImapFactory(portal, tls_options, True, size, login_delay=delay),
    }


def build_services(config: LabServerConfig) -> service.MultiService:
    """Return one parent service holding a listening service per role (not started yet)."""
    config.data_dir.mkdir(parents=True, exist_ok=True)
    tls_options = context_factory(ensure_certificate(config.data_dir, config.hostname))
    parent = service.MultiService()
    for key, factory in build_factories(config, tls_options).items():
        port = config.port_of(key)
        if ROLE_BY_KEY[key].security == "implicit":
            child = internet.SSLServer(port, factory, tls_options, interface=config.host)
        else:
            child = internet.TCPServer(port, factory, interface=config.host)
        child.setName(key)
        child.setServiceParent(parent)
    # Exercise 4's per-trainee faulty endpoints, opened as the site asks (faults.json).
    FaultEndpoints(config, tls_options).setServiceParent(parent)
    return parent


def banner(config: LabServerConfig) -> list[str]:
    """Return the lines printed at start-up: where each role listens, the fingerprint."""
    return [
        f"Lab mail server for @{config.domain} on {config.host}, data in {config.data_dir}",
        *describe_ports(config),
        f"Certificate SHA-256 fingerprint: {certificate_fingerprint(config.data_dir)}",
    ]


def run(config: LabServerConfig, out: TextIO = sys.stdout) -> None:
    """Listen on every port, print the banner, and serve until SIGINT/SIGTERM."""
    from twisted.internet import reactor

    services = build_services(config)
    services.startService()  # binds every port now, so a busy port fails before "ready"
    reactor.addSystemEventTrigger("before", "shutdown", services.stopService)
    globalLogBeginner.beginLoggingTo([textFileLogObserver(out)], redirectStandardIO=False)
    for line in [*banner(config), READY]:
        print(line, file=out, flush=True)
    reactor.run()

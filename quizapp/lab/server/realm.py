"""The twisted.cred realm: after a login, hand each protocol its view of the mailbox."""

from dataclasses import replace

from twisted.cred.portal import IRealm, Portal
from twisted.mail import imap4, pop3
from twisted.mail.interfaces import IMessageDelivery
from zope.interface import implementer

from quizapp.lab.server.accounts import AccountBook
from quizapp.lab.server.auth import MailboxChecker
from quizapp.lab.server.imap_account import LabAccount
from quizapp.lab.server.pop3 import Pop3Mailbox
from quizapp.lab.server.smtp import Delivery
from quizapp.lab.server.store import MailStore


def _nothing() -> None:
    return None


@implementer(IRealm)
class LabRealm:
    """Give SMTP a delivery agent, POP3 a session mailbox, IMAP an account."""

    def __init__(self, store: MailStore, delivery: Delivery) -> None:
        self.store = store
        self.delivery = delivery

    def requestAvatar(self, avatar_id, mind, *interfaces):
        name = avatar_id.decode() if isinstance(avatar_id, bytes) else avatar_id
        for interface in interfaces:
            if interface is IMessageDelivery:
                return interface, replace(self.delivery, login=name), _nothing
            if interface is pop3.IMailbox:
                return interface, Pop3Mailbox(self.store, name), _nothing
            if interface is imap4.IAccount:
                return interface, LabAccount(self.store, name), _nothing
        raise NotImplementedError(f"no avatar for {interfaces!r}")


def build_portal(store: MailStore, accounts: AccountBook, delivery: Delivery) -> Portal:
    """Return the portal shared by every protocol of the lab."""
    return Portal(LabRealm(store, delivery), [MailboxChecker(accounts, delivery.domain)])

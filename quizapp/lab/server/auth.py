"""Logins for the three protocols: one twisted.cred checker over the lab's AccountBook."""

import base64
import binascii

from twisted.cred import credentials, error
from twisted.cred.checkers import ICredentialsChecker
from twisted.internet import defer
from twisted.mail import imap4
from zope.interface import implementer

from quizapp.lab.server.accounts import AccountBook, login_to_name


class LoginCredentials(imap4.LOGINCredentials):
    """SASL LOGIN with the prompts every client expects ("Username:"), not Twisted's own."""

    def __init__(self) -> None:
        super().__init__()
        self.challenges = [b"Password:", b"Username:"]


# Mechanisms offered once the connection is encrypted (and never before).
AUTH_MECHANISMS = {b"PLAIN": imap4.PLAINCredentials, b"LOGIN": LoginCredentials}


def decode_sasl_plain(encoded: bytes) -> tuple[bytes, bytes] | None:
    """Return (user, password) from a base64 SASL PLAIN response, or None if malformed."""
    try:
        parts = base64.b64decode(encoded, validate=True).split(b"\0")
    except (binascii.Error, ValueError):
        return None
    if len(parts) != 3 or not parts[1]:
        return None
    return parts[1], parts[2]


def _text(value: bytes | str) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else value


@implementer(ICredentialsChecker)
class MailboxChecker:
    """Check a username and password against the lab's accounts; the avatar id is the mailbox."""

    credentialInterfaces = (credentials.IUsernamePassword,)

    def __init__(self, accounts: AccountBook, domain: str) -> None:
        self.accounts = accounts
        self.domain = domain

    def requestAvatarId(self, creds: credentials.IUsernamePassword) -> defer.Deferred:
        try:
            name = login_to_name(_text(creds.username), self.domain)
            password = _text(creds.password)
        except (UnicodeDecodeError, AttributeError, TypeError):
            name = password = None
        if name and password and self.accounts.verify(name, password):
            return defer.succeed(name)
        return defer.fail(error.UnauthorizedLogin())

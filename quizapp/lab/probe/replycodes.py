"""Explain to a trainee, in their language, what each reply and each finding means.

All texts are lazy: they are translated when shown, in the language of the
request, not when this module is imported.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .results import PortState, Protocol, Security, Upgrade

SMTP_CODES = {
    211: _("System status or help reply."),
    214: _("Help message for a human reader."),
    220: _("The server is ready (greeting, or ready to start TLS after STARTTLS)."),
    221: _("The server is closing the connection, as asked by QUIT."),
    235: _("Authentication succeeded."),
    250: _("Requested action done: command accepted."),
    251: _("The recipient is not local; the server will forward the message."),
    252: _("The server cannot verify the recipient but will try to deliver."),
    334: _("The server waits for the next step of authentication."),
    354: _("The server waits for the message content, ended by a line with a single dot."),
    421: _("Service not available: the server is closing the connection. Try again later."),
    450: _("Mailbox temporarily unavailable: try again later."),
    451: _("Local error while processing: try again later."),
    452: _("Not enough storage on the server for now."),
    454: _("TLS (or authentication) is temporarily unavailable on this server."),
    455: _("The server cannot accept these parameters for now."),
    500: _("Syntax error: command not recognised."),
    501: _("Syntax error in the parameters or arguments."),
    502: _("Command not implemented by this server."),
    503: _("Bad sequence of commands (for example MAIL before EHLO)."),
    504: _("Command parameter not implemented."),
    521: _("This host does not accept mail."),
    530: _("Authentication required (often after STARTTLS)."),
    534: _("The authentication mechanism is too weak for this server."),
    535: _("Authentication failed: wrong user name or password."),
    538: _("This authentication mechanism requires an encrypted connection."),
    550: _("Refused: mailbox unavailable, unknown user or relaying denied."),
    551: _("User not local: the server will not forward the message."),
    552: _("Message too big for the mailbox or the server's SIZE limit."),
    553: _(
        "Mailbox name not allowed: bad address syntax, or (5.7.1) a sender address the "
        "logged-in user does not own."
    ),
    554: _("Transaction failed, or the server refuses this connection."),
    555: _("MAIL FROM or RCPT TO parameters not recognised."),
    556: _("The domain does not accept mail."),
}

SMTP_CLASSES = {
    2: _("Success: the command was carried out."),
    3: _("Intermediate: the server waits for more from the client."),
    4: _("Temporary failure: the same command may work later."),
    5: _("Permanent failure: repeating the same command will not help."),
}

POP3_STATUS = {
    "+OK": _("POP3 positive answer: the command succeeded."),
    "-ERR": _("POP3 negative answer: the command failed or is not known."),
}

IMAP_STATUS = {
    "OK": _("IMAP success: the command completed (or, untagged, an information)."),
    "NO": _("IMAP failure: the command was understood but refused."),
    "BAD": _("IMAP protocol error: the command was not understood."),
    "BYE": _("IMAP: the server is closing the connection."),
    "PREAUTH": _("IMAP greeting: already authenticated, no login needed."),
}

ERRORS = {
    "refused": _("Nothing listens on this port: the connection was refused."),
    "no_answer": _("No answer to the connection: a firewall probably drops it."),
    "network_error": _("The network could not reach this address."),
    "timeout": _("The server did not answer completely in time."),
    "deadline": _("The check of this port took too long and was stopped."),
    "too_long": _("The reply was too long; reading stopped."),
    "misbehaving": _(
        "Unknown / misbehaving: the server started a banner but never finished a greeting "
        "(unterminated, endless or enormous), so the site does not say which protocol it is."
    ),
    "closed": _("The server closed the connection."),
    "reset": _("The server reset the connection in the middle of the dialogue."),
    "not_tls": _("Something answers on this port but neither greets nor speaks TLS."),
    "tls_failed": _("The TLS handshake failed."),
    "injection": _("The server sent data right after accepting TLS: unsafe, connection dropped."),
    "internal": _("The check of this port failed on our side; the error was logged."),
}

CERTIFICATE_PROBLEMS = {
    "expired": _("The certificate has expired."),
    "not_yet_valid": _("The certificate is not valid yet (check the server clock)."),
    "self_signed": _("The certificate is self-signed: no authority vouches for it."),
    "hostname_mismatch": _("The certificate is for another name than this server."),
    "untrusted": _("The certificate is not signed by an authority this site trusts."),
    "no_certificate": _("The server sent no certificate."),
}

STATES = {
    PortState.CLOSED: _("closed"),
    PortState.FILTERED: _("filtered (no answer)"),
    PortState.NO_GREETING: _("open, but no greeting"),
    PortState.OPEN: _("open"),
}

PROTOCOLS = {
    Protocol.SMTP: "SMTP",
    Protocol.POP3: "POP3",
    Protocol.IMAP: "IMAP",
    Protocol.OTHER: _("something else"),
    Protocol.UNKNOWN: _("unknown"),
}

SECURITY = {
    Security.PLAINTEXT: _("plain text only"),
    Security.STARTTLS: _("STARTTLS offered"),
    Security.IMPLICIT_TLS: _("TLS from the start (implicit TLS)"),
    Security.UNKNOWN: _("unknown"),
}

TLS_REQUIRED = {
    True: _("required: nothing is accepted before TLS (530, LOGINDISABLED)"),
    False: _("optional: the server also accepts mail or logins in clear text"),
}

UPGRADES = {
    Upgrade.NOT_OFFERED: _("not offered"),
    Upgrade.DONE: _("upgrade to TLS succeeded"),
    Upgrade.REFUSED: _("the server refused the upgrade"),
    Upgrade.FAILED: _("the TLS handshake failed after the upgrade was accepted"),
    Upgrade.NOT_TRIED: _("offered, but not tried"),
}


def explain(protocol: Protocol | str, status: str) -> Promise | str:
    """Return what a reply status means (`250`, `+OK`, `NO`...) or "" if unknown."""
    if protocol == Protocol.SMTP and status.isdigit():
        code = int(status)
        return SMTP_CODES.get(code) or SMTP_CLASSES.get(code // 100, "")
    if protocol == Protocol.POP3:
        return POP3_STATUS.get(status.upper(), "")
    if protocol == Protocol.IMAP:
        return IMAP_STATUS.get(status.upper(), "")
    return ""


def explain_error(code: str) -> Promise | str:
    """Return the trainee-facing text for a PortResult.error code, or ""."""
    return ERRORS.get(code, "")


def explain_problem(code: str) -> Promise | str:
    """Return the trainee-facing text for a certificate problem code, or ""."""
    return CERTIFICATE_PROBLEMS.get(code, "")

"""Failed logins are slowed down and cut off on SMTP, POP3 and IMAP (issue 14, 6).

The module's server answers each failure after LOGIN_DELAY (the real default is 2 s), and
closes the connection at the third, as Dovecot does.
"""

import imaplib
import poplib
import smtplib
import socket
import ssl
import time

import pytest

from tests.lab import conftest_server
from tests.lab.conftest_server import HOST, LOGIN_DELAY

lab_server = conftest_server.lab_server
mailbox = conftest_server.mailbox


def test_smtp_slows_each_failed_auth_and_closes_at_the_third(lab_server, mailbox):
    client = smtplib.SMTP(HOST, lab_server.port("submission"), timeout=10)
    client.starttls(context=lab_server.tls_context())
    client.ehlo()
    client.user, client.password = mailbox.address, "wrong-password"
    started = time.monotonic()
    codes = []
    for _ in range(3):  # one mechanism each time: smtplib's login() would try them all
        try:
            client.auth("PLAIN", client.auth_plain)
        except smtplib.SMTPAuthenticationError as error:
            codes.append(error.smtp_code)
    assert codes == [535, 535, 535]
    assert time.monotonic() - started >= 3 * LOGIN_DELAY
    assert client.getreply()[0] == 421  # said after the third 535, then the server hangs up
    with pytest.raises(smtplib.SMTPServerDisconnected):
        client.noop()


def test_a_good_password_after_one_failure_still_logs_in(lab_server, mailbox):
    client = smtplib.SMTP(HOST, lab_server.port("submission"), timeout=10)
    client.starttls(context=lab_server.tls_context())
    client.ehlo()
    client.user, client.password = mailbox.address, "wrong-password"
    with pytest.raises(smtplib.SMTPAuthenticationError):
        client.auth("PLAIN", client.auth_plain)
    assert client.login(mailbox.address, mailbox.password)[0] == 235
    client.quit()


def test_pop3_closes_after_three_failed_passwords(lab_server, mailbox):
    client = poplib.POP3_SSL(HOST, lab_server.port("pop3s"), context=lab_server.tls_context())
    for _ in range(3):
        client.user(mailbox.name)
        with pytest.raises(poplib.error_proto, match="AUTH"):
            client.pass_("wrong-password")
    with pytest.raises((poplib.error_proto, OSError)):
        client.stat()


def test_imap_closes_with_bye_after_three_failed_logins(lab_server, mailbox):
    client = imaplib.IMAP4_SSL(
        HOST, lab_server.port("imaps"), ssl_context=lab_server.tls_context(), timeout=10
    )
    started = time.monotonic()
    failures = 0
    for _ in range(3):
        try:
            client.login(mailbox.name, "wrong-password")
        except imaplib.IMAP4.abort:
            break  # the BYE came with the third refusal
        except imaplib.IMAP4.error:
            failures += 1
    assert failures >= 2
    assert time.monotonic() - started >= 2 * LOGIN_DELAY
    with pytest.raises((imaplib.IMAP4.abort, OSError)):
        client.noop()


def test_commands_pipelined_behind_a_failed_login_wait_for_its_answer(lab_server, mailbox):
    context = lab_server.tls_context()
    with (
        socket.create_connection((HOST, lab_server.port("imaps")), timeout=5) as raw,
        context.wrap_socket(raw, server_hostname="mail.lab.facteur.test") as sock,
    ):
        sock.recv(1024)
        sock.sendall(b"a LOGIN " + mailbox.name.encode() + b" wrong\r\nb NOOP\r\n")
        data = b""
        while b"b OK" not in data:
            try:
                data += sock.recv(4096)
            except (TimeoutError, ssl.SSLError):
                break
    assert data.index(b"a NO") < data.index(b"b OK")

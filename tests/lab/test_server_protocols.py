"""The lab server's protocol details: STARTTLS injection, CAPA, LOGINDISABLED, IMAP fetches."""

import base64
import imaplib
import poplib
import smtplib
import socket

import pytest

from tests.lab import conftest_server
from tests.lab.conftest_server import HOST

lab_server = conftest_server.lab_server
mailbox = conftest_server.mailbox

POP3_COMMON = {"TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING"}


def read_until_closed(sock: socket.socket) -> tuple[bytes, bool]:
    """Return everything the server sends, and whether it closed the connection."""
    data = b""
    try:
        while chunk := sock.recv(4096):
            data += chunk
    except TimeoutError:
        return data, False
    return data, True


@pytest.mark.parametrize(
    ("role", "injection", "accepted"),
    [
        ("smtp", b"STARTTLS\r\nRCPT TO:<x@example.net>\r\n", b"220 "),
        ("submission", b"STARTTLS\r\nAUTH PLAIN AGEAYg==\r\n", b"220 "),
        ("pop3", b"STLS\r\nUSER alice\r\n", b"+OK Begin"),
        ("imap", b"a STARTTLS\r\nb LOGIN alice secret\r\n", b"a OK"),
    ],
)
def test_a_command_pipelined_after_starttls_closes_the_connection(
    lab_server, role, injection, accepted
):
    with socket.create_connection((HOST, lab_server.port(role)), timeout=3) as sock:
        greeting = sock.recv(4096)
        sock.sendall(injection)
        reply, closed = read_until_closed(sock)
    assert greeting and closed
    assert accepted not in reply  # TLS never started, so the injected line never ran in it


def test_smtp_starttls_alone_still_upgrades(lab_server):
    with smtplib.SMTP(HOST, lab_server.port("smtp"), timeout=5) as client:
        assert client.starttls(context=lab_server.tls_context())[0] == 220
        assert client.ehlo()[0] == 250


def test_pop3_offers_stls_and_no_login_before_tls(lab_server, mailbox):
    client = poplib.POP3(HOST, lab_server.port("pop3"), timeout=5)
    assert set(client.capa()) == POP3_COMMON | {"STLS"}
    with pytest.raises(poplib.error_proto, match=r"\[AUTH\]"):
        client.user(mailbox.name)
    client.quit()


def test_pop3_capa_after_stls_lists_user_and_sasl_plain_and_no_joke(lab_server):
    client = poplib.POP3(HOST, lab_server.port("pop3"), timeout=5)
    client.stls(context=lab_server.tls_context())
    capabilities = client.capa()
    client.quit()
    assert set(capabilities) == POP3_COMMON | {"USER", "SASL"}
    assert capabilities["SASL"] == ["PLAIN"]


def test_pop3_sasl_plain_logs_in_with_an_initial_response(lab_server, mailbox):
    token = base64.b64encode(b"\0" + mailbox.name.encode() + b"\0" + mailbox.password.encode())
    client = poplib.POP3_SSL(HOST, lab_server.port("pop3s"), context=lab_server.tls_context())
    assert client._shortcmd("AUTH PLAIN " + token.decode()).startswith(b"+OK")
    assert client.stat() == (0, 0)
    client.quit()


def test_imap_announces_logindisabled_and_refuses_login_before_starttls(lab_server, mailbox):
    client = imaplib.IMAP4(HOST, lab_server.port("imap"), timeout=5)
    assert {"STARTTLS", "LOGINDISABLED"} <= set(client.capabilities)
    assert not any(cap.startswith("AUTH=") for cap in client.capabilities)
    with pytest.raises(imaplib.IMAP4.error, match="PRIVACYREQUIRED"):
        client.login(mailbox.name, mailbox.password)

    client.starttls(ssl_context=lab_server.tls_context())
    assert "LOGINDISABLED" not in client.capabilities and "AUTH=PLAIN" in client.capabilities
    assert client.login(mailbox.name, mailbox.password)[0] == "OK"
    client.logout()


def test_imap_authenticate_plain_works_over_tls(lab_server, mailbox):
    client = imaplib.IMAP4_SSL(HOST, lab_server.port("imaps"), ssl_context=lab_server.tls_context())
    secret = b"\0" + mailbox.name.encode() + b"\0" + mailbox.password.encode()
    assert client.authenticate("PLAIN", lambda _challenge: secret)[0] == "OK"
    client.logout()


def deliver_one(lab_server, box, body: bytes = b"Subject: t\r\n\r\n0123456789\r\n") -> None:
    with smtplib.SMTP(HOST, lab_server.port("smtp"), timeout=5) as client:
        client.sendmail("sender@example.org", [box.address], body)


def logged_in(lab_server, box) -> imaplib.IMAP4_SSL:
    client = imaplib.IMAP4_SSL(
        HOST, lab_server.port("imaps"), ssl_context=lab_server.tls_context(), timeout=5
    )
    client.login(box.name, box.password)
    return client


def test_imap_examine_never_marks_a_message_seen(lab_server, mailbox):
    deliver_one(lab_server, mailbox)
    client = logged_in(lab_server, mailbox)
    client.select("INBOX", readonly=True)
    client.fetch("1", "(BODY[])")
    client.select("INBOX")
    assert b"\\Seen" not in client.fetch("1", "(FLAGS)")[1][0]
    client.logout()


def test_imap_partial_fetch_returns_only_the_octets_asked_for(lab_server, mailbox):
    deliver_one(lab_server, mailbox)
    client = logged_in(lab_server, mailbox)
    client.select("INBOX")
    whole = client.fetch("1", "(BODY.PEEK[TEXT])")[1][0][1]
    part = client.fetch("1", "(BODY.PEEK[TEXT]<2.5>)")[1][0]
    client.logout()
    assert part[0].endswith(b"BODY[TEXT]<2> {5}")
    assert part[1] == whole[2:7]


def test_imap_idle_session_is_told_of_new_mail_at_once(lab_server, mailbox):
    client = logged_in(lab_server, mailbox)
    client.select("INBOX")
    tag = client._new_tag()
    client.send(tag + b" IDLE\r\n")
    assert client.readline().startswith(b"+")

    deliver_one(lab_server, mailbox)

    assert client.readline() == b"* 1 EXISTS\r\n"
    client.send(b"DONE\r\n")
    assert client.readline().startswith(tag + b" OK")
    client.logout()


MULTIPART = (
    b"Subject: with attachment\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: multipart/mixed; boundary="b1"\r\n'
    b"\r\n"
    b"--b1\r\nContent-Type: text/plain\r\n\r\nHello\r\n"
    b"--b1\r\nContent-Type: text/csv\r\n\r\nport,protocol\r\n"
    b"--b1--\r\n"
)


def test_imap_serves_the_parts_of_a_multipart_message(lab_server, mailbox):
    deliver_one(lab_server, mailbox, MULTIPART)
    client = logged_in(lab_server, mailbox)
    client.select("INBOX")
    structure = client.fetch("1", "(BODYSTRUCTURE ENVELOPE)")[1][0]
    second = client.fetch("1", "(BODY.PEEK[2])")[1][0][1]
    client.logout()
    assert b'"TEXT" "CSV"' in structure.upper() and b'"with attachment"' in structure
    assert second.startswith(b"port,protocol")


def test_imap_append_files_a_message_and_refuses_an_oversized_one(lab_server, mailbox):
    client = logged_in(lab_server, mailbox)
    assert client.append("INBOX", "(\\Seen)", None, b"Subject: draft\r\n\r\nx\r\n")[0] == "OK"
    client.select("INBOX")
    assert b"\\Seen" in client.fetch("1", "(FLAGS)")[1][0]

    tag = client._new_tag()
    client.send(tag + b" APPEND INBOX {999999999}\r\n")
    assert client.readline().startswith(tag + b" BAD")
    client.logout()

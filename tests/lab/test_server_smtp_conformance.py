"""The lab's SMTP server against RFC 5321 and friends, by smtplib and raw sockets (issue 14, 5)."""

import contextlib
import smtplib
import socket

import pytest

from quizapp.lab.probe import PortTarget, Security, probe
from quizapp.lab.server.smtp_replies import (
    SmtpReply,
    check_mail_parameters,
    check_sender_owned,
    parse_path,
    with_enhanced_code,
)
from quizapp.lab.server.store import MailStore
from tests.lab import conftest_server
from tests.lab.conftest_server import HOST

lab_server = conftest_server.lab_server
mailbox = conftest_server.mailbox
other_mailbox = conftest_server.other_mailbox


def relay(server) -> smtplib.SMTP:
    client = smtplib.SMTP(HOST, server.port("smtp"), timeout=5)
    client.ehlo("laptop")
    return client


def submission(server, box) -> smtplib.SMTP:
    client = smtplib.SMTP(HOST, server.port("submission"), timeout=5)
    client.starttls(context=server.tls_context())
    client.login(box.address, box.password)
    return client


# Plain rules -----------------------------------------------------------------------------------


def test_replies_get_an_enhanced_code_unless_they_have_one_or_must_not():
    assert with_enhanced_code(250, b"Ok") == b"2.0.0 Ok"
    assert with_enhanced_code(550, b"5.1.1 User unknown") == b"5.1.1 User unknown"
    assert with_enhanced_code(334, b"VXNlcm5hbWU6") == b"VXNlcm5hbWU6"
    assert with_enhanced_code(354, b"Continue") == b"Continue"


def test_paths_are_parsed_with_their_parameters():
    path = parse_path(b"FROM:<alice@lab.facteur.test> SIZE=1200 BODY=8BITMIME", "FROM")
    assert path.address == "alice@lab.facteur.test"
    assert path.parameters == {"SIZE": "1200", "BODY": "8BITMIME"}
    assert parse_path(b"FROM:<>", "FROM").address == ""
    assert parse_path(b"TO:<@relay.example:bob@lab.facteur.test>", "TO").address == (
        "bob@lab.facteur.test"
    )


@pytest.mark.parametrize(
    ("command", "code"),
    [
        (b"FROM:<a@b.c> SIZE=20000000", 552),
        (b"FROM:<a@b.c> SIZE=big", 501),
        (b"FROM:<a@b.c> FRUIT=apple", 555),
        ("FROM:<zoé@b.c>".encode(), 553),
    ],
)
def test_mail_parameters_the_server_will_not_take_are_refused_at_once(command, code):
    with pytest.raises(SmtpReply) as refusal:
        check_mail_parameters(parse_path(command, "FROM"), max_size=10_000_000)
    assert refusal.value.code == code


def test_smtputf8_lets_a_utf8_sender_through():
    check_mail_parameters(parse_path("FROM:<zoé@b.c> SMTPUTF8".encode(), "FROM"), 10_000)


def test_the_sender_must_be_the_logged_in_users_own_address():
    check_sender_owned("Alice@Lab.Facteur.Test", "alice", "lab.facteur.test")
    with pytest.raises(SmtpReply, match=r"5\.7\.1"):
        check_sender_owned("bob@lab.facteur.test", "alice", "lab.facteur.test")


# The running server ----------------------------------------------------------------------------


def test_noop_and_vrfy_answer_as_rfc_5321_asks(lab_server):
    client = relay(lab_server)
    assert client.noop() == (250, b"2.0.0 Ok")
    code, text = client.verify("anyone@lab.facteur.test")
    assert code == 252 and text.startswith(b"2.0.0")
    client.quit()


def test_ehlo_advertises_what_the_server_does(lab_server):
    client = relay(lab_server)
    for extension in ("pipelining", "enhancedstatuscodes", "smtputf8", "8bitmime", "size"):
        assert client.has_extn(extension), extension
    assert client.esmtp_features["size"] == str(10 * 1024 * 1024)
    client.quit()


def test_a_message_too_big_is_refused_at_mail_from_before_any_data(lab_server, mailbox):
    client = relay(lab_server)
    code, text = client.mail("sender@example.org", ["SIZE=20000000"])
    assert (code, text[:5]) == (552, b"5.3.4")
    client.quit()


def test_an_smtputf8_message_is_accepted_and_filed(lab_server, mailbox):
    client = relay(lab_server)
    message = "From: zoé@exemple.fr\r\nSubject: été\r\n\r\nSalut\r\n".encode()
    client.sendmail("zoé@exemple.fr", [mailbox.address], message, mail_options=["SMTPUTF8"])
    client.quit()
    [info] = MailStore(lab_server.data_dir).messages(mailbox.name)
    assert info.origin["role"] == "smtp"


def test_every_reply_of_a_whole_session_carries_an_enhanced_code(lab_server, mailbox):
    client = relay(lab_server)
    replies = [
        client.mail("sender@example.org"),
        client.rcpt("nobody@lab.facteur.test"),
        client.rcpt(mailbox.address),
        client.rset(),
        client.docmd("BOGUS"),
    ]
    client.quit()
    for code, text in replies:
        assert text[:1] == str(code)[0].encode() and text[1:2] == b".", (code, text)


def test_a_long_line_flood_closes_the_connection(lab_server):
    with socket.create_connection((HOST, lab_server.port("smtp")), timeout=5) as sock:
        sock.recv(1024)
        with contextlib.suppress(ConnectionError):  # the server may close mid-flood
            sock.sendall(b"X" * 100_000)
        data = b""
        try:
            while chunk := sock.recv(4096):
                data += chunk
        except ConnectionError:
            pass
    assert data.startswith(b"421 4.7.0")


def test_after_auth_the_envelope_sender_must_be_your_own(lab_server, mailbox, other_mailbox):
    client = submission(lab_server, mailbox)
    code, text = client.mail(other_mailbox.address)
    assert code == 553 and text.startswith(b"5.7.1")
    assert b"not owned by user" in text
    assert client.mail(mailbox.address)[0] == 250
    client.quit()


def test_a_submitted_message_is_filed_with_the_servers_own_record_of_it(lab_server, mailbox):
    client = submission(lab_server, mailbox)
    client.sendmail(mailbox.address, [mailbox.address], b"Subject: hi\r\n\r\nx\r\n")
    client.quit()
    [info] = MailStore(lab_server.data_dir).messages(mailbox.name)
    assert info.origin["role"] == "submission"
    assert info.origin["login"] == mailbox.name
    assert info.origin["tls"].startswith("TLSv1")
    assert info.origin["peer"] == HOST


def test_the_prober_tells_the_optional_starttls_relay_from_the_required_submission(lab_server):
    targets = [PortTarget(HOST, lab_server.port(role), False) for role in ("smtp", "submission")]

    relay_port, submission_port = probe(targets, allowed_networks=["127.0.0.1/32"])

    assert relay_port.security == submission_port.security == Security.STARTTLS
    assert (relay_port.tls_required, submission_port.tls_required) == (False, True)

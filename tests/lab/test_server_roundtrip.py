"""The lab server end to end: submit by SMTP, list by POP3, fetch by IMAP, on one store."""

import base64
import email
import imaplib
import poplib
import smtplib
import uuid

import pytest

from quizapp.lab.server.accounts import create_mailbox
from tests.lab import conftest_server
from tests.lab.conftest_server import DOMAIN, HOST

lab_server = conftest_server.lab_server
mailbox = conftest_server.mailbox
other_mailbox = conftest_server.other_mailbox


def submit(server, sender, recipient, subject: str, body: str = "Bonjour.\r\n") -> None:
    """Send a message as a mail client does: port 587 role, STARTTLS, then AUTH."""
    message = (
        f"From: {sender.address}\r\nTo: {recipient.address}\r\nSubject: {subject}\r\n\r\n{body}"
    )
    with smtplib.SMTP(HOST, server.port("submission"), timeout=5) as client:
        client.starttls(context=server.tls_context())
        client.login(sender.address, sender.password)
        client.sendmail(sender.address, [recipient.address], message.encode())


def pop3(server, box) -> poplib.POP3:
    client = poplib.POP3(HOST, server.port("pop3"), timeout=5)
    client.stls(context=server.tls_context())
    client.user(box.name)
    client.pass_(box.password)
    return client


def imap(server, box) -> imaplib.IMAP4_SSL:
    client = imaplib.IMAP4_SSL(HOST, server.port("imaps"), ssl_context=server.tls_context())
    client.login(box.address, box.password)
    client.select("INBOX")
    return client


def flags_of(client: imaplib.IMAP4, uid: bytes) -> bytes:
    status, data = client.uid("FETCH", uid, "(FLAGS)")
    assert status == "OK"
    return data[0]


def only_uid(client: imaplib.IMAP4) -> bytes:
    status, data = client.uid("SEARCH", None, "ALL")
    uids = data[0].split()
    assert status == "OK" and len(uids) == 1
    return uids[0]


def test_submitted_message_is_listed_by_pop3_and_fetched_by_imap(lab_server, mailbox):
    subject = "token " + uuid.uuid4().hex
    submit(
        lab_server,
        mailbox,
        mailbox,
        subject,
        body="Ligne 1\r\n.ligne qui commence par un point\r\n",
    )

    client = pop3(lab_server, mailbox)
    count, _size = client.stat()
    _resp, lines, _octets = client.retr(1)
    client.quit()
    assert count == 1
    assert b"Subject: " + subject.encode() in lines
    assert b".ligne qui commence par un point" in lines

    client = imap(lab_server, mailbox)
    _status, data = client.uid("FETCH", only_uid(client), "(BODY.PEEK[])")
    client.logout()
    assert email.message_from_bytes(data[0][1])["Subject"] == subject


def test_received_headers_show_the_msa_and_the_mda_hops(lab_server, mailbox):
    submit(lab_server, mailbox, mailbox, "hops")
    client = imap(lab_server, mailbox)
    _status, data = client.uid(
        "FETCH", only_uid(client), "(BODY.PEEK[HEADER.FIELDS (RECEIVED DELIVERED-TO)])"
    )
    client.logout()
    received = email.message_from_bytes(data[0][1]).get_all("Received")
    assert len(received) == 2
    assert "MDA" in received[0] and f"for <{mailbox.address}>" in received[0]
    assert "with ESMTPSA" in received[1] and "using TLS" in received[1]


def test_pop3_dele_removes_the_message_at_quit_for_imap_too(lab_server, mailbox):
    submit(lab_server, mailbox, mailbox, "to delete")
    watcher = imap(lab_server, mailbox)

    client = pop3(lab_server, mailbox)
    client.dele(1)
    assert client.stat()[0] == 0  # hidden from this session at once...
    assert len(imap(lab_server, mailbox).uid("SEARCH", None, "ALL")[1][0].split()) == 1
    client.quit()  # ...and gone from the store only now

    assert imap(lab_server, mailbox).uid("SEARCH", None, "ALL")[1][0] == b""
    watcher.noop()
    assert watcher.untagged_responses.get("EXPUNGE") == [b"1"]
    watcher.logout()


def test_pop3_dele_without_quit_deletes_nothing(lab_server, mailbox):
    submit(lab_server, mailbox, mailbox, "kept")
    client = pop3(lab_server, mailbox)
    client.dele(1)
    client.close()  # connection dropped: no UPDATE state

    assert pop3(lab_server, mailbox).stat()[0] == 1


def test_seen_set_by_one_imap_client_is_seen_by_the_next(lab_server, mailbox):
    submit(lab_server, mailbox, mailbox, "read me on the phone")
    phone = imap(lab_server, mailbox)
    uid = only_uid(phone)
    phone.uid("STORE", uid, "+FLAGS", "(\\Seen)")
    phone.logout()

    laptop = imap(lab_server, mailbox)
    assert b"\\Seen" in flags_of(laptop, uid)
    laptop.logout()


def test_body_peek_leaves_the_message_unseen_and_body_marks_it_seen(lab_server, mailbox):
    submit(lab_server, mailbox, mailbox, "peek")
    client = imap(lab_server, mailbox)
    uid = only_uid(client)

    client.uid("FETCH", uid, "(BODY.PEEK[])")
    assert b"\\Seen" not in flags_of(imap(lab_server, mailbox), uid)

    client.uid("FETCH", uid, "(BODY[TEXT])")
    assert b"\\Seen" in flags_of(imap(lab_server, mailbox), uid)
    client.logout()


def test_relay_port_takes_mail_for_the_lab_domain_without_auth(lab_server, mailbox):
    with smtplib.SMTP(HOST, lab_server.port("smtp"), timeout=5) as client:
        client.ehlo("mx.example.org")
        assert "auth" not in client.esmtp_features
        client.sendmail(
            "someone@example.org", [mailbox.address], b"Subject: from outside\r\n\r\nHi"
        )
    assert imap(lab_server, mailbox).uid("SEARCH", None, "ALL")[1][0] != b""


def test_relay_port_refuses_to_relay_to_another_domain(lab_server):
    with smtplib.SMTP(HOST, lab_server.port("smtp"), timeout=5) as client:
        client.ehlo("mx.example.org")
        client.mail("someone@example.org")
        code, reply = client.rcpt("victim@example.net")
    assert code == 554 and b"Relay access denied" in reply


def test_relay_port_refuses_an_unknown_local_user(lab_server):
    with smtplib.SMTP(HOST, lab_server.port("smtp"), timeout=5) as client:
        client.mail("someone@example.org")
        code, _ = client.rcpt("nobody@" + DOMAIN)
    assert code == 550


def test_submission_refuses_mail_before_starttls_and_before_auth(lab_server, mailbox):
    with smtplib.SMTP(HOST, lab_server.port("submission"), timeout=5) as client:
        client.ehlo()
        assert "auth" not in client.esmtp_features and "starttls" in client.esmtp_features
        assert client.mail(mailbox.address)[0] == 530
        assert client.docmd("AUTH", "PLAIN")[0] == 538
        client.starttls(context=lab_server.tls_context())
        client.ehlo()
        assert "PLAIN" in client.esmtp_features["auth"]
        assert client.mail(mailbox.address)[0] == 530


def test_submissions_port_speaks_tls_at_once_and_requires_auth(lab_server, mailbox):
    context = lab_server.tls_context()
    with smtplib.SMTP_SSL(HOST, lab_server.port("submissions"), context=context, timeout=5) as c:
        c.ehlo()
        assert "starttls" not in c.esmtp_features
        assert c.mail(mailbox.address)[0] == 530
        c.login(mailbox.name, mailbox.password)
        assert c.sendmail(mailbox.address, [mailbox.address], b"Subject: 465\r\n\r\nok") == {}
    client = imap(lab_server, mailbox)
    _status, data = client.uid("FETCH", only_uid(client), "(BODY.PEEK[HEADER.FIELDS (RECEIVED)])")
    client.logout()
    assert b"using TLS" in data[0][1] and b"with ESMTPSA" in data[0][1]


def test_wrong_password_is_refused_everywhere(lab_server, mailbox):
    with smtplib.SMTP_SSL(
        HOST, lab_server.port("submissions"), context=lab_server.tls_context(), timeout=5
    ) as client:
        token = base64.b64encode(b"\0" + mailbox.name.encode() + b"\0wrong").decode()
        assert client.docmd("AUTH", "PLAIN " + token)[0] == 535
    client = poplib.POP3_SSL(HOST, lab_server.port("pop3s"), context=lab_server.tls_context())
    client.user(mailbox.name)
    with pytest.raises(poplib.error_proto, match=r"\[AUTH\]"):
        client.pass_("wrong")


def test_a_reset_password_replaces_the_old_one_without_restart(lab_server, mailbox):
    new_password = create_mailbox(lab_server.data_dir, mailbox.name)
    client = imaplib.IMAP4_SSL(HOST, lab_server.port("imaps"), ssl_context=lab_server.tls_context())
    with pytest.raises(imaplib.IMAP4.error):
        client.login(mailbox.name, mailbox.password)
    assert client.login(mailbox.name, new_password)[0] == "OK"


def test_store_survives_a_restart(lab_server, mailbox, other_mailbox):
    submit(lab_server, mailbox, other_mailbox, "persistent")
    client = imap(lab_server, other_mailbox)
    uid = only_uid(client)
    client.uid("FETCH", uid, "(BODY[])")
    uidvalidity = client.status("INBOX", "(UIDVALIDITY)")[1]
    client.logout()
    fingerprint = (lab_server.data_dir / "tls" / "cert.pem").read_bytes()

    lab_server.restart()

    client = imap(lab_server, other_mailbox)
    assert only_uid(client) == uid
    assert b"\\Seen" in flags_of(client, uid)
    assert client.status("INBOX", "(UIDVALIDITY)")[1] == uidvalidity
    assert (lab_server.data_dir / "tls" / "cert.pem").read_bytes() == fingerprint
    client.logout()


def test_submission_accepts_auth_login_with_the_usual_prompts(lab_server, mailbox):
    with smtplib.SMTP(HOST, lab_server.port("submission"), timeout=5) as client:
        client.starttls(context=lab_server.tls_context())
        client.ehlo()
        client.user, client.password = mailbox.address, mailbox.password
        prompt = client.docmd("AUTH", "LOGIN")
        client.docmd("*")  # abort, then let smtplib run the whole exchange
        assert client.auth("LOGIN", client.auth_login)[0] == 235
    assert prompt == (334, base64.b64encode(b"Username:"))

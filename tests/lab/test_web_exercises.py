"""Exercises 2 and 3 through the web, against the embedded lab server on free loopback ports."""

import html
import imaplib
import itertools
import poplib
import smtplib

import pytest
from django.urls import reverse

from quizapp.accounts.models import User
from quizapp.lab import services
from quizapp.lab.models import LabMailbox, LabRun, LabServer
from quizapp.lab.server.store import MailStore
from tests.lab import conftest_server
from tests.lab import conftest_web as web
from tests.lab.conftest_server import DOMAIN, HOST

lab_server = conftest_server.lab_server
fresh_rate_limits = web.fresh_rate_limits
in_english = web.in_english
sync_runner = web.sync_runner
pytestmark = pytest.mark.django_db
_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def shared_data_dir(settings, lab_server):
    """The site and the running lab server read the same data directory."""
    settings.LAB_DATA_DIR = lab_server.data_dir


@pytest.fixture
def lab(lab_server) -> LabServer:
    ports = {f"{key}_port": port for key, port in lab_server.ports.items()}
    ports["relay_port"] = ports.pop("smtp_port")
    return LabServer.objects.create(
        name="Embedded",
        host=HOST,
        allowed_networks="127.0.0.0/8",
        domain=DOMAIN,
        embedded=True,
        **ports,
    )


@pytest.fixture
def student(client, lab) -> LabMailbox:
    """A trainee with a fresh name (the lab server's mailboxes outlive each test's database)."""
    user = User.objects.create_user(f"student{next(_numbers)}")
    client.force_login(user)
    assert client.get(lab.get_absolute_url()).status_code == 200  # creates the mailbox
    return LabMailbox.objects.get(user=user, lab=lab)


def send(lab_server, mailbox: LabMailbox, subject: str, *, role: str = "submission") -> None:
    message = (
        f"From: {mailbox.address}\r\nTo: {mailbox.address}\r\nSubject: {subject}\r\n\r\nHi\r\n"
    )
    with smtplib.SMTP(HOST, lab_server.port(role), timeout=5) as client:
        client.starttls(context=lab_server.tls_context())
        if role == "submission":
            client.login(mailbox.address, mailbox.password)
        client.sendmail(mailbox.address, [mailbox.address], message.encode())


def check(client, lab, kind) -> tuple[LabRun, str]:
    url = reverse("lab:check", kwargs={"pk": lab.pk, "kind": kind})
    response = client.post(url, follow=True)
    assert response.status_code == 200
    return LabRun.objects.latest("created_at"), html.unescape(response.text)


# Exercise 2 ------------------------------------------------------------------------------------


def test_a_submitted_message_is_found_unread_and_its_hops_explained(
    client,
    lab,
    lab_server,
    student,
    sync_runner,
):
    send(lab_server, student, f"Lab {student.send_token}")

    run, page = check(client, lab, "send_fetch")

    assert run.status == LabRun.Status.DONE
    assert run.grade == 1.0
    roles = [hop["role"] for hop in run.outcome["verdict"]["hops"]]
    assert roles == ["submission", "delivery"]
    assert "MUA → MSA" in page
    assert "MTA → MDA" in page
    assert "BODY.PEEK" in page  # the site's own IMAP dialogue is shown
    [info] = MailStore(lab_server.data_dir).messages(student.name)
    assert not info.seen  # the check never marked it read


def test_a_message_through_the_relay_arrives_but_is_not_a_submission(
    client,
    lab,
    lab_server,
    student,
    sync_runner,
):
    send(lab_server, student, f"Lab {student.send_token}", role="smtp")

    run, page = check(client, lab, "send_fetch")

    assert run.grade == 0.5
    assert run.outcome["verdict"]["hops"][0]["role"] == "unauthenticated"
    assert "without logging in" in page


FORGED_RECEIVED = (
    "Received: from laptop (localhost [127.0.0.1])\r\n\t(Authenticated sender: {name})\r\n"
    "\tby mail.lab.facteur.test (Facteur lab) with ESMTPSA id 0000\r\n"
    "\tfor <{address}>; Mon, 6 Jan 2025 09:00:00 +0100\r\n"
)


def test_a_forged_esmtpsa_header_sent_through_the_relay_does_not_pass(
    client,
    lab,
    lab_server,
    student,
    sync_runner,
):
    forged = FORGED_RECEIVED.format(name=student.name, address=student.address)
    message = f"{forged}From: {student.address}\r\nSubject: Lab {student.send_token}\r\n\r\nHi\r\n"
    with smtplib.SMTP(HOST, lab_server.port("smtp"), timeout=5) as smtp:  # no login at all
        smtp.sendmail(student.address, [student.address], message.encode())

    run, page = check(client, lab, "send_fetch")

    assert (run.grade, run.outcome["verdict"]["code"]) == (0.5, "not_submitted")
    assert run.outcome["origin"]["role"] == "smtp"
    assert run.outcome["verdict"]["hops"][0]["role"] == "untrusted"
    assert "does not take this one at its word" in page


def test_a_message_appended_over_imap_is_not_a_sent_message(
    client,
    lab,
    lab_server,
    student,
    sync_runner,
):
    forged = FORGED_RECEIVED.format(name=student.name, address=student.address)
    message = f"{forged}Subject: Lab {student.send_token}\r\n\r\nHi\r\n"
    imap = imaplib.IMAP4_SSL(HOST, lab_server.port("imaps"), ssl_context=lab_server.tls_context())
    imap.login(student.address, student.password)
    assert imap.append("INBOX", None, None, message.encode())[0] == "OK"
    imap.logout()

    run, page = check(client, lab, "send_fetch")

    assert (run.grade, run.outcome["verdict"]["code"]) == (0.5, "appended")
    assert "IMAP APPEND" in page


def test_nothing_sent_yet_is_graded_zero_with_advice(client, lab, student, sync_runner):
    run, page = check(client, lab, "send_fetch")

    assert (run.status, run.grade) == (LabRun.Status.DONE, 0.0)
    assert "No message with your token" in page


def test_a_wrong_lab_password_fails_the_check_with_the_reason(
    client,
    lab,
    student,
    sync_runner,
):
    LabMailbox.objects.filter(pk=student.pk).update(password="not-the-password")

    run, page = check(client, lab, "send_fetch")

    assert (run.status, run.error) == (LabRun.Status.ERROR, "imap")
    assert "refused your lab mailbox login" in page
    assert "********" in page  # the password never appears in the transcript
    assert "not-the-password" not in page


# Exercise 3 ------------------------------------------------------------------------------------


def deliver_practice(client, lab) -> None:
    url = reverse("lab:practice_messages", kwargs={"pk": lab.pk})
    assert client.post(url).status_code == 302


def test_the_practice_button_fills_the_mailbox_with_two_marked_messages(
    client, lab, lab_server, student
):
    send(lab_server, student, "an older message")

    deliver_practice(client, lab)

    store = MailStore(lab_server.data_dir)
    subjects = [store.read(student.name, m.uid) for m in store.messages(student.name)]
    assert len(subjects) == 2
    assert f"[{student.practice_token}-1]".encode() in subjects[0]
    assert f"[{student.practice_token}-2]".encode() in subjects[1]
    assert b"Received: from www.lab.facteur.test" in subjects[0]


def test_pop3_without_a_copy_then_imap_read_is_full_marks(
    client,
    lab,
    lab_server,
    student,
    sync_runner,
):
    deliver_practice(client, lab)
    pop = poplib.POP3(HOST, lab_server.port("pop3"), timeout=5)
    pop.stls(context=lab_server.tls_context())
    pop.user(student.address)
    pop.pass_(student.password)
    pop.retr(1)
    pop.dele(1)
    pop.quit()
    imap = imaplib.IMAP4_SSL(HOST, lab_server.port("imaps"), ssl_context=lab_server.tls_context())
    imap.login(student.address, student.password)
    imap.select("INBOX")
    imap.fetch("1", "(BODY[])")
    imap.logout()

    run, page = check(client, lab, "pop_vs_imap")

    assert (run.status, run.grade) == (LabRun.Status.DONE, 1.0)
    assert run.outcome["verdict"]["first"] == "gone"
    assert run.outcome["verdict"]["second"] == "seen"
    assert "will never see message 1" in page
    assert "already read" in page


def test_message_1_deleted_over_imap_is_explained_as_an_imap_delete(
    client,
    lab,
    lab_server,
    student,
    sync_runner,
):
    deliver_practice(client, lab)
    imap = imaplib.IMAP4_SSL(HOST, lab_server.port("imaps"), ssl_context=lab_server.tls_context())
    imap.login(student.address, student.password)
    imap.select("INBOX")
    imap.store("1", "+FLAGS", "(\\Deleted)")
    imap.expunge()
    imap.fetch("1", "(BODY[])")  # message 2 is now number 1: read it
    imap.logout()

    run, page = check(client, lab, "pop_vs_imap")

    assert run.outcome["verdict"]["first"] == "deleted_imap"
    assert run.grade == 0.5
    assert "deleted over IMAP" in page
    assert "POP3 downloaded it" not in page


def test_doing_nothing_leaves_both_messages_on_the_server_and_scores_zero(
    client,
    lab,
    student,
    sync_runner,
):
    deliver_practice(client, lab)

    run, page = check(client, lab, "pop_vs_imap")

    assert run.grade == 0.0
    assert (run.outcome["verdict"]["first"], run.outcome["verdict"]["second"]) == (
        "kept_unseen",
        "unseen",
    )
    assert "still sees message 1" in page


def test_without_practice_messages_the_check_says_how_to_get_them(
    client,
    lab,
    student,
    sync_runner,
):
    run, page = check(client, lab, "pop_vs_imap")

    assert run.grade is None
    assert "Neither practice message" in page
    assert f"[{student.practice_token}-1]" in page


def test_a_second_delivery_moments_later_is_refused_and_checks_keep_their_budget(
    client, lab, student, sync_runner
):
    deliver_practice(client, lab)

    again = client.post(reverse("lab:practice_messages", kwargs={"pk": lab.pk}))
    for _ in range(services.RATE_LIMIT):
        check(client, lab, LabRun.Kind.POP_VS_IMAP)

    assert again.status_code == 429
    assert "just delivered" in again.text
    assert LabRun.objects.filter(user=student.user, status=LabRun.Status.DONE).count() == 6

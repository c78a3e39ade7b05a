"""Clients nobody here wrote, against the lab server: swaks for SMTP, mbsync for IMAP (issue 14).

Both come from Debian (packages ``swaks`` and ``isync``), installed by ``.ci/run`` and
``make test``; a missing one fails these tests rather than skipping them.
"""

import email
import shutil
import subprocess
from pathlib import Path

import pytest

from quizapp.lab.server.store import MailStore, folder_key
from tests.lab import conftest_server
from tests.lab.conftest_server import HOST

lab_server = conftest_server.lab_server
mailbox = conftest_server.mailbox
other_mailbox = conftest_server.other_mailbox


def tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: install the Debian package {package} (make test does)")
    return path


def swaks(*args: str) -> subprocess.CompletedProcess:
    command = [tool("swaks", "swaks"), "--server", HOST, "--timeout", "10", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


# swaks -----------------------------------------------------------------------------------------


def test_swaks_submits_with_starttls_and_auth_and_the_server_records_it(lab_server, mailbox):
    result = swaks(
        "--port", str(lab_server.port("submission")),
        "--from", mailbox.address, "--to", mailbox.address,
        "--tls", "--auth", "PLAIN",
        "--auth-user", mailbox.address, "--auth-password", mailbox.password,
        "--header", "Subject: swaks submission",
    )  # fmt: skip

    assert result.returncode == 0, result.stdout
    assert "250 2.0.0" in result.stdout
    [info] = MailStore(lab_server.data_dir).messages(mailbox.name)
    assert (info.origin["role"], info.origin["login"]) == ("submission", mailbox.name)


def test_swaks_over_implicit_tls_on_the_465_role(lab_server, mailbox):
    result = swaks(
        "--port", str(lab_server.port("submissions")), "--tls-on-connect",
        "--from", mailbox.address, "--to", mailbox.address,
        "--auth", "LOGIN", "--auth-user", mailbox.name, "--auth-password", mailbox.password,
    )  # fmt: skip

    assert result.returncode == 0, result.stdout
    assert MailStore(lab_server.data_dir).messages(mailbox.name)[0].origin["role"] == (
        "submissions"
    )


def test_swaks_pipelines_a_whole_transaction_on_the_relay(lab_server, mailbox):
    result = swaks(
        "--port", str(lab_server.port("smtp")), "--pipeline",
        "--from", "outside@example.org", "--to", mailbox.address,
    )  # fmt: skip

    assert result.returncode == 0, result.stdout
    assert "PIPELINING" in result.stdout
    assert len(MailStore(lab_server.data_dir).messages(mailbox.name)) == 1


def test_swaks_is_refused_a_sender_it_does_not_own(lab_server, mailbox, other_mailbox):
    result = swaks(
        "--port", str(lab_server.port("submission")), "--tls",
        "--from", other_mailbox.address, "--to", mailbox.address,
        "--auth", "PLAIN", "--auth-user", mailbox.name, "--auth-password", mailbox.password,
    )  # fmt: skip

    assert result.returncode != 0
    assert "553 5.7.1" in result.stdout
    assert MailStore(lab_server.data_dir).messages(mailbox.name) == ()


def test_swaks_quits_cleanly_after_noop_and_vrfy_free_sessions(lab_server, mailbox):
    result = swaks(
        "--port", str(lab_server.port("smtp")), "--quit-after", "RCPT",
        "--from", "outside@example.org", "--to", "nobody@lab.facteur.test",
    )  # fmt: skip

    assert "550 5.1.1" in result.stdout
    assert "221 2.0.0" in result.stdout


def test_a_forged_received_header_sent_by_swaks_stays_a_relay_message(lab_server, mailbox):
    forged = (
        f"Received: from laptop (localhost [127.0.0.1]) (Authenticated sender: {mailbox.name}) "
        f"by mail.lab.facteur.test (Facteur lab) with ESMTPSA id 0; Mon, 6 Jan 2025 09:00 +0100"
    )
    result = swaks(
        "--port", str(lab_server.port("smtp")),
        "--from", mailbox.address, "--to", mailbox.address, "--add-header", forged,
    )  # fmt: skip

    assert result.returncode == 0, result.stdout
    [info] = MailStore(lab_server.data_dir).messages(mailbox.name)
    assert (info.origin["role"], info.origin["login"]) == ("smtp", "")


# mbsync ----------------------------------------------------------------------------------------


def mbsync_config(tmp_path: Path, server, box) -> Path:
    local = tmp_path / "Mail"
    local.mkdir()
    config = tmp_path / "mbsyncrc"
    config.write_text(
        f"""IMAPAccount lab
Host {HOST}
Port {server.port("imaps")}
User {box.name}
Pass {box.password}
SSLType IMAPS
CertificateFile {server.data_dir / "tls" / "cert.pem"}

IMAPStore lab-remote
Account lab

MaildirStore lab-local
Path {local}/
Inbox {local}/INBOX
SubFolders Verbatim

Channel lab
Far :lab-remote:
Near :lab-local:
Patterns *
Create Both
Expunge Both
SyncState *
"""
    )
    return config


def mbsync(config: Path) -> subprocess.CompletedProcess:
    command = [tool("mbsync", "isync"), "-c", str(config), "-a"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def maildir_messages(folder: Path) -> list[Path]:
    return sorted((folder / "cur").glob("*")) + sorted((folder / "new").glob("*"))


def test_mbsync_syncs_the_inbox_the_folders_and_a_sent_message_both_ways(
    tmp_path, lab_server, mailbox
):
    swaks(
        "--port", str(lab_server.port("smtp")), "--from", "outside@example.org",
        "--to", mailbox.address, "--header", "Subject: for mbsync",
    )  # fmt: skip
    config = mbsync_config(tmp_path, lab_server, mailbox)
    local = tmp_path / "Mail"

    mbsync(config)

    assert {p.name for p in local.iterdir()} >= {"INBOX", "Sent", "Drafts", "Trash"}
    [inbox_copy] = maildir_messages(local / "INBOX")
    assert "for mbsync" in email.message_from_bytes(inbox_copy.read_bytes())["Subject"]

    # The mail client saves what it sent in Sent, and reads the INBOX message.
    sent = local / "Sent" / "cur" / "1767225600.1.laptop:2,S"
    sent.write_bytes(b"From: me@lab.facteur.test\nSubject: sent by me\n\nHello\n")
    inbox_copy.rename(inbox_copy.parent.parent / "cur" / (inbox_copy.name.split(":")[0] + ":2,S"))

    mbsync(config)

    store = MailStore(lab_server.data_dir)
    [on_server] = store.messages(folder_key(mailbox.name, "Sent"))
    assert b"Subject: sent by me" in store.read(folder_key(mailbox.name, "Sent"), on_server.uid)
    assert on_server.seen and on_server.origin["protocol"] == "imap"
    assert store.messages(mailbox.name)[0].seen

    # Deleting on the client (trashed flag, then expunge) removes it from the server.
    [inbox_copy] = maildir_messages(local / "INBOX")
    inbox_copy.rename(inbox_copy.with_name(inbox_copy.name.replace(":2,S", ":2,ST")))
    mbsync(config)
    assert store.messages(mailbox.name) == ()

"""The prober against a real Dovecot (Debian's dovecot-imapd and dovecot-pop3d), on loopback.

The test writes a throwaway configuration under tmp_path (its own base_dir,
certificate, passwd-file and Maildir) and starts Dovecot in the foreground on
free high ports. As root, Dovecot's login processes refuse to run as root, so
they get the unprivileged `dovenull` (or `nobody`); as any other user,
everything runs as that user.
"""

import asyncio
import grp
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from quizapp.lab.certs import fingerprint_sha256, generate_self_signed
from quizapp.lab.probe import (
    PortState,
    PortTarget,
    Protocol,
    Security,
    Upgrade,
    find_message,
    probe_ports,
)
from tests.lab.conftest_server import free_ports

DOVECOT = Path("/usr/sbin/dovecot")
LOCAL = "127.0.0.1"
# Dovecot counts a client whose address equals the server's as secure, and then
# never says LOGINDISABLED. Connecting to 127.0.0.2 comes from 127.0.0.1: a
# different address, still the loopback interface and the test's own server.
OTHER_LOOPBACK = "127.0.0.2"
USER, PASSWORD = "alice", "k7pm-x2qa-9dfe"

pytestmark = pytest.mark.skipif(
    not DOVECOT.exists(),
    reason="Dovecot is not installed (apt install dovecot-imapd dovecot-pop3d; .ci/run does)",
)

CONFIG = """
base_dir = {dir}/run
state_dir = {dir}/state
log_path = {dir}/dovecot.log
listen = {local}, {other}
protocols = imap pop3
ssl = yes
ssl_cert = <{dir}/cert.pem
ssl_key = <{dir}/key.pem
disable_plaintext_auth = yes
auth_mechanisms = plain login
default_internal_user = {internal}
default_internal_group = {group}
default_login_user = {login}
first_valid_uid = {uid}
mail_location = maildir:{mail}/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {dir}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {dir}/passwd
  default_fields = uid={uid} gid={gid}
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    port = {imap}
  }}
  inet_listener imaps {{
    port = {imaps}
    ssl = yes
  }}
}}
service pop3-login {{
  chroot =
  inet_listener pop3 {{
    port = {pop3}
  }}
  inet_listener pop3s {{
    port = {pop3s}
    ssl = yes
  }}
}}
"""


def process_users() -> dict:
    """Return who Dovecot's processes run as: see the module docstring."""
    me = pwd.getpwuid(os.getuid())
    users = {
        "internal": me.pw_name,
        "group": grp.getgrgid(me.pw_gid).gr_name,
        "login": me.pw_name,
        "uid": me.pw_uid,
        "gid": me.pw_gid,
    }
    if me.pw_uid == 0:
        # Login processes refuse root, and Dovecot never gives mail to uid 0.
        unprivileged = pwd.getpwnam(next(n for n in ("dovenull", "nobody") if _exists(n)))
        users.update(login=unprivileged.pw_name, uid=unprivileged.pw_uid, gid=unprivileged.pw_gid)
    return users


def _exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def wait_for_greeting(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((LOCAL, port), timeout=1) as sock:
                if sock.recv(100).startswith(b"* OK"):
                    return
        except OSError:
            time.sleep(0.05)
    pytest.fail("Dovecot did not start")


def mail_root(directory: Path, users: dict) -> Path:
    """Return where the Maildirs live: readable by the mail user, even when that is not us."""
    if os.getuid() != 0:
        return directory / "mail"
    # tmp_path sits under a 0700 directory of root's: the mail user needs a way in.
    root = Path(tempfile.mkdtemp(prefix="facteur-dovecot-"))
    os.chown(root, users["uid"], users["gid"])
    return root


def hand_over(root: Path, users: dict) -> None:
    """Give what the test wrote under the mail root to the mail user."""
    if os.getuid() == 0:
        for path in [root, *root.rglob("*")]:
            os.chown(path, users["uid"], users["gid"])


@pytest.fixture(scope="module")
def dovecot(tmp_path_factory):
    directory = tmp_path_factory.mktemp("dovecot")
    users = process_users()
    mail = mail_root(directory, users)
    cert_pem, key_pem = generate_self_signed(LOCAL, 30)
    (directory / "cert.pem").write_bytes(cert_pem)
    (directory / "key.pem").write_bytes(key_pem)
    line = f"{USER}:{{PLAIN}}{PASSWORD}::::{mail / USER}::\n"  # uid and gid: default_fields
    (directory / "passwd").write_text(line)
    ports = dict(zip(("imap", "imaps", "pop3", "pop3s"), free_ports(4), strict=True))
    config = CONFIG.format(
        dir=directory, mail=mail, local=LOCAL, other=OTHER_LOOPBACK, **ports, **users
    )
    (directory / "dovecot.conf").write_text(config)
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", directory / "dovecot.conf"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_greeting(ports["imap"])
        yield {
            "mail": mail,
            "users": users,
            "ports": ports,
            "fingerprint": fingerprint_sha256(cert_pem),
        }
    finally:
        process.terminate()
        process.wait(timeout=10)
        if mail != directory / "mail":
            shutil.rmtree(mail, ignore_errors=True)


def probe_all(host: str, ports: dict) -> dict:
    targets = [
        PortTarget(host, ports["imap"], False),
        PortTarget(host, ports["imaps"], True),
        PortTarget(host, ports["pop3"], False),
        PortTarget(host, ports["pop3s"], True),
    ]
    results = asyncio.run(
        probe_ports(targets, allowed_networks=[f"{host}/32"], per_port_timeout=5.0)
    )
    return dict(zip(("imap", "imaps", "pop3", "pop3s"), results, strict=True))


@pytest.fixture(scope="module")
def found(dovecot):
    return probe_all(LOCAL, dovecot["ports"])


def test_imap_offers_starttls_and_the_upgrade_works(found):
    imap = found["imap"]

    assert (imap.state, imap.protocol, imap.security) == (
        PortState.OPEN,
        Protocol.IMAP,
        Security.STARTTLS,
    )
    assert imap.upgrade == Upgrade.DONE
    assert imap.software == "Dovecot"
    assert imap.tls.version.startswith("TLSv1.")
    assert "STARTTLS" in imap.capabilities_before.keywords
    assert "STARTTLS" not in imap.capabilities_after.keywords
    assert "PLAIN" in imap.capabilities_after.auth


def test_pop3_offers_stls_and_the_upgrade_works(found):
    pop3 = found["pop3"]

    assert (pop3.protocol, pop3.security, pop3.upgrade) == (
        Protocol.POP3,
        Security.STARTTLS,
        Upgrade.DONE,
    )
    assert "STLS" in pop3.capabilities_before.keywords
    assert "STLS" not in pop3.capabilities_after.keywords
    assert pop3.software == "Dovecot"


@pytest.mark.parametrize(("role", "protocol"), [("imaps", Protocol.IMAP), ("pop3s", Protocol.POP3)])
def test_implicit_tls_ports_are_read_with_their_certificate(found, dovecot, role, protocol):
    result = found[role]

    assert (result.protocol, result.security) == (protocol, Security.IMPLICIT_TLS)
    assert result.error == ""
    assert result.tls.certificate.fingerprint_sha256 == dovecot["fingerprint"]
    assert result.tls.certificate.self_signed
    assert "self_signed" in result.tls.verification.problems


def test_imap_says_logindisabled_before_tls_to_a_client_that_is_not_local(dovecot):
    imap = probe_all(OTHER_LOOPBACK, dovecot["ports"])["imap"]

    assert imap.capabilities_before.login_disabled
    assert not imap.capabilities_after.login_disabled
    assert "PLAIN" in imap.capabilities_after.auth


def deliver(dovecot, subject: str) -> None:
    """File a message straight into the Maildir, as Dovecot's LDA would."""
    new = dovecot["mail"] / USER / "new"  # mail_location is the Maildir itself
    for folder in ("new", "cur", "tmp"):
        (new.parent / folder).mkdir(parents=True, exist_ok=True)
    message = (
        "Received: from mail.lab.test by mail.lab.test with LMTP id 1;\r\n"
        " Mon, 6 Jan 2025 10:00:01 +0000\r\n"
        "Received: from pc (localhost [127.0.0.1]) by mail.lab.test with ESMTPSA id 1;\r\n"
        " Mon, 6 Jan 2025 10:00:00 +0000\r\n"
        f"Subject: {subject}\r\nFrom: {USER}@lab.test\r\n\r\nHello\r\n"
    )
    (new / f"{time.time_ns()}.test.lab").write_text(message)
    hand_over(dovecot["mail"], dovecot["users"])


def test_the_mailbox_check_finds_a_message_in_dovecot_without_marking_it_read(dovecot):
    deliver(dovecot, "Lab LAB-K7PM9Q")
    options = {
        "host": LOCAL,
        "port": dovecot["ports"]["imap"],
        "allowed_networks": [f"{LOCAL}/32"],
        "username": USER,
        "password": PASSWORD,
        "token": "LAB-K7PM9Q",
        "implicit_tls": False,
        "timeout": 5.0,
    }

    first = find_message(**options)
    second = find_message(**options)

    assert first.error == ""
    [message] = second.messages
    assert not message.seen
    assert len(message.received()) == 2
    assert any("EXAMINE" in line.text for line in first.transcript)

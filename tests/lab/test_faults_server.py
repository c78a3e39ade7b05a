"""Each fault of exercise 4, served by the real lab server: a trainee following the evidence
with ordinary tools (smtplib, poplib, ssl: what swaks, openssl s_client and nc do) reaches
the right diagnosis, and the site's own investigation marks the lines that prove it."""

import poplib
import random
import smtplib
import socket
import ssl
import time

import pytest
from cryptography import x509
from twisted.names import dns

from quizapp.lab.exercises.diagnose import Answer, grade_diagnosis
from quizapp.lab.faults import catalogue
from quizapp.lab.faults.endpoints import write_endpoints
from quizapp.lab.faults.evidence import Endpoint, investigate
from tests.lab import conftest_server
from tests.lab.conftest_server import DOMAIN, HOST, free_ports

lab_server = conftest_server.lab_server
mailbox = conftest_server.mailbox
DELAY = 0.6  # the greeting delay, 30 s on the demo lab


@pytest.fixture(scope="module")
def tickets(lab_server) -> dict[str, dict]:
    """Serve every fault on a port of its own, as the site does for seven trainees."""
    rng = random.Random(14)
    entries, found = [], {}
    for fault, port in zip(catalogue.FAULTS, free_ports(len(catalogue.FAULTS)), strict=True):
        params = catalogue.draw_params(fault, rng, domain=DOMAIN, greeting_delay=DELAY)
        entries.append(catalogue.endpoint_entry(fault, port, params))
        found[fault.key] = {"port": port, "params": params}
    write_endpoints(lab_server.data_dir, entries)
    for ticket in found.values():
        wait_listening(ticket["port"])
    return found


def wait_listening(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection((HOST, port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"fault endpoint {port} never listened")


def unverified() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def site_evidence(ticket, fault, box=None) -> list[str]:
    endpoint = Endpoint(
        HOST,
        ticket["port"],
        ["127.0.0.0/8"],
        DOMAIN,
        login=box.address if box else "",
        password=box.password if box else "",
    )
    transcript = investigate(endpoint, fault, ticket["params"])
    return [transcript.lines[i].text for i in transcript.proof]


def graded(fault, diagnosis, setting, value="", **context) -> float:
    verdict = grade_diagnosis(fault, Answer(diagnosis, setting, value), context)
    return verdict.grade


def test_implicit_tls_on_the_submission_port(tickets):
    port = tickets["implicit_tls"]["port"]
    # nc / a client waiting for a clear-text greeting: nothing comes.
    with pytest.raises((TimeoutError, smtplib.SMTPServerDisconnected)):
        smtplib.SMTP(HOST, port, timeout=1)
    # openssl s_client -connect (no -starttls): TLS at once, then the greeting.
    with smtplib.SMTP_SSL(HOST, port, context=unverified(), timeout=5) as client:
        code, _ = client.ehlo()
    assert code == 250

    assert graded("implicit_tls", "implicit_tls", "security", "SSL/TLS") == 1.0
    proof = site_evidence(tickets["implicit_tls"], "implicit_tls")
    assert any("Nothing in clear text" in line for line in proof)
    assert any(line.startswith("220 ") for line in proof)


def test_certificate_for_another_name(tickets):
    port = tickets["cert_name"]["port"]
    with (
        socket.create_connection((HOST, port), timeout=5) as raw,
        unverified().wrap_socket(raw) as tls,
    ):
        der = tls.getpeercert(binary_form=True)
    cert = x509.load_der_x509_certificate(der)
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    name = names.get_values_for_type(x509.DNSName)[0]
    # The client checks the certificate against the host it was given: it fails.
    checking = ssl.create_default_context(cadata=ssl.DER_cert_to_PEM_cert(der))
    with (
        socket.create_connection((HOST, port), timeout=5) as raw,
        pytest.raises(ssl.SSLCertVerificationError, match="mismatch"),
    ):
        checking.wrap_socket(raw, server_hostname=HOST)

    assert name == tickets["cert_name"]["params"]["certificate_name"]
    assert graded("cert_name", "cert_name", "server", name, **tickets["cert_name"]["params"]) == 1
    proof = site_evidence(tickets["cert_name"], "cert_name")
    assert name in proof[0] and HOST in proof[0]


def test_password_expired(tickets, lab_server, mailbox):
    port = tickets["password_expired"]["port"]
    with smtplib.SMTP(HOST, port, timeout=5) as client:
        client.starttls(context=lab_server.tls_context())
        with pytest.raises(smtplib.SMTPAuthenticationError) as wrong:
            client.login(mailbox.address, "not-the-password")
        with pytest.raises(smtplib.SMTPAuthenticationError) as right:
            client.login(mailbox.address, mailbox.password)
    # A wrong password and an expired one are told apart by the text of the 535.
    assert wrong.value.smtp_code == right.value.smtp_code == 535
    assert b"expired" not in wrong.value.smtp_error
    assert b"5.7.8" in right.value.smtp_error and b"expired" in right.value.smtp_error

    assert graded("password_expired", "password_expired", "password") == 1.0
    assert graded("password_expired", "wrong_password", "password") == 0.5
    proof = site_evidence(tickets["password_expired"], "password_expired", mailbox)
    assert proof[0].startswith("535 5.7.8") and "expired" in proof[0]


def test_mailbox_over_quota(tickets, mailbox):
    ticket = tickets["over_quota"]
    full = f"{ticket['params']['mailbox']}@{DOMAIN}"
    with smtplib.SMTP(HOST, ticket["port"], timeout=5) as client:
        client.ehlo("mx.example.net")
        client.mail(f"colleague@{DOMAIN}")
        code, text = client.rcpt(full)
        other_code, _ = client.rcpt(mailbox.address)
    assert code == ticket["params"]["code"]
    assert text.startswith((b"4.2.2", b"5.2.2")) and b"quota" in text
    assert other_code == 250  # only that mailbox is full

    assert graded("over_quota", "over_quota", "mailbox_space") == 1.0
    proof = site_evidence(ticket, "over_quota")
    assert proof[0].startswith(str(ticket["params"]["code"]))


def test_relay_refused_on_port_25_without_auth(tickets):
    ticket = tickets["relay_denied"]
    with smtplib.SMTP(HOST, ticket["port"], timeout=5) as client:
        client.ehlo("pc-accueil")
        offers_auth = client.has_extn("auth")
        client.mail(f"marc@{DOMAIN}")
        code, text = client.rcpt(ticket["params"]["outside"])
    assert not offers_auth
    assert (code, b"Relay access denied" in text) == (554, True)

    assert graded("relay_denied", "relay_denied", "port", "2587", submission_port=2587) == 1.0
    assert graded("relay_denied", "relay_denied", "port", "25", submission_port=2587) == 0.5
    proof = site_evidence(ticket, "relay_denied")
    assert "no AUTH" in proof[0] and proof[1].startswith("554 5.7.1")


def test_pop3_client_deleting_from_the_server(tickets, lab_server, mailbox):
    ticket = tickets["pop3_deletes"]
    client = poplib.POP3(HOST, ticket["port"], timeout=5)
    client.stls(context=lab_server.tls_context())
    client.user(mailbox.address)
    client.pass_(mailbox.password)
    assert client.stat() == (0, 0)
    client.quit()
    log = catalogue.server_log(ticket["params"], mailbox.address)
    count = ticket["params"]["messages"]
    assert f"del={count}/{count}" in log[-1]

    assert graded("pop3_deletes", "pop3_deletes", "leave_copy") == 1.0
    proof = site_evidence(ticket, "pop3_deletes", mailbox)
    assert proof[0].startswith("+OK 0 ") and f"del={count}/{count}" in proof[1]


def test_greeting_after_the_clients_timeout(tickets):
    ticket = tickets["slow_greeting"]
    started = time.monotonic()
    with socket.create_connection((HOST, ticket["port"]), timeout=5) as raw:
        first = raw.recv(512)
    waited = time.monotonic() - started
    assert first.startswith(b"220 ") and waited >= DELAY * 0.9
    with pytest.raises((TimeoutError, smtplib.SMTPServerDisconnected)):
        smtplib.SMTP(HOST, ticket["port"], timeout=DELAY / 3)

    context = ticket["params"]
    assert graded("slow_greeting", "slow_greeting", "timeout", "60 s", **context) == 1.0
    assert graded("slow_greeting", "slow_greeting", "timeout", "0.1", **context) == 0.5
    proof = site_evidence(ticket, "slow_greeting")
    assert "greeting came" in proof[0]


def dig(port: int, name: str, kind: int) -> dns.Message:
    """What `dig @127.0.0.1 -p PORT NAME TYPE` does: one UDP question, one answer."""
    query = dns.Message(id=4242)
    query.queries = [dns.Query(name.encode(), kind)]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(5)
        sock.sendto(query.toStr(), (HOST, port))
        data, _ = sock.recvfrom(4096)
    reply = dns.Message()
    reply.fromStr(data)
    return reply


def test_mx_record_naming_a_host_that_does_not_exist(tickets):
    ticket = tickets["mx_wrong"]
    mx = dig(ticket["port"], DOMAIN, dns.MX)
    exchange = str(mx.answers[0].payload.name)
    missing = dig(ticket["port"], exchange, dns.A)
    mail = dig(ticket["port"], f"mail.{DOMAIN}", dns.A)
    # The MX names an old host that has no address, while mail.<domain> has one.
    assert exchange == f"{ticket['params']['old_mx']}.{DOMAIN}"
    assert (missing.rCode, missing.answers) == (dns.ENAME, [])
    assert mail.answers[0].payload.dottedQuad() == HOST

    context = {"domain": DOMAIN}
    assert graded("mx_wrong", "mx_wrong", "mx_record", f"10 mail.{DOMAIN}.", **context) == 1.0
    assert graded("mx_wrong", "mx_wrong", "mx_record", exchange, **context) == 0.5
    proof = site_evidence(ticket, "mx_wrong")
    assert exchange in proof[0] and "NXDOMAIN" in proof[1]


def test_a_closed_ticket_closes_its_port(lab_server, tickets):
    port = free_ports(1)[0]
    fault = catalogue.FAULT_BY_KEY["relay_denied"]
    write_endpoints(lab_server.data_dir, [catalogue.endpoint_entry(fault, port, {})])
    wait_listening(port)
    write_endpoints(lab_server.data_dir, [])
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            socket.create_connection((HOST, port), timeout=0.5).close()
        except ConnectionRefusedError:
            return
        time.sleep(0.1)
    pytest.fail("the port stayed open")

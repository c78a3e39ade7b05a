"""A trainee sets up their lab account from the autoconfig file, then works a fault ticket.

The browser fetches config-v1.1.xml at the address Thunderbird uses and parses it
as Thunderbird does (first IMAP incoming server, first outgoing server,
%EMAILADDRESS% as the login); the test then uses exactly those settings against
the real lab server. The new pages pass axe at 375 and 1280 px.
"""

import imaplib
import re
import smtplib
import ssl
import uuid
from pathlib import Path

import pytest

from course.loading import load_course
from quizapp.accounts.models import User
from quizapp.lab import runner
from quizapp.lab.faults import services as fault_services
from quizapp.lab.models import LabServer
from tests.browser.conftest import ROOT
from tests.browser.test_trainer_and_lab_pages import log_in
from tests.lab import conftest_server
from tests.lab.conftest_server import HOST, free_ports

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
lab_server = conftest_server.lab_server
SHOTS = ROOT / "var" / "screenshots"

THUNDERBIRD_PARSE = """async (address) => {
  const response = await fetch('/mail/config-v1.1.xml?emailaddress=' + encodeURIComponent(address));
  const xml = new DOMParser().parseFromString(await response.text(), 'application/xml');
  const pick = (server) => server && {
    type: server.getAttribute('type'),
    hostname: server.querySelector('hostname').textContent,
    port: Number(server.querySelector('port').textContent),
    socketType: server.querySelector('socketType').textContent,
    authentication: server.querySelector('authentication').textContent,
    username: server.querySelector('username').textContent.replace('%EMAILADDRESS%', address),
  };
  const incoming = [...xml.querySelectorAll('incomingServer')];
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    incoming: pick(incoming.find((s) => s.getAttribute('type') === 'imap') || incoming[0]),
    outgoing: pick(xml.querySelector('outgoingServer')),
  };
}"""


@pytest.fixture
def site(settings, lab_server, monkeypatch):
    settings.LAB_DATA_DIR = lab_server.data_dir
    settings.LAB_FAULT_FIRST_PORT = free_ports(1)[0]
    settings.LAB_FAULT_PORT_COUNT = 1
    settings.LAB_FAULT_GREETING_DELAY = 0.5
    monkeypatch.setattr(runner, "submit", runner.execute_run)
    load_course(source_dir=ROOT / "fixtures" / "course")
    User.objects.create_user("trainee", password="a-long-pass-phrase-1")
    User.objects.create_user("trainer", password="a-long-pass-phrase-2", role="trainer")
    ports = {f"{key}_port": lab_server.port(key) for key in lab_server.ports if key != "smtp"}
    return LabServer.objects.create(
        name="Labo local",
        host=HOST,
        allowed_networks="127.0.0.0/8",
        domain=conftest_server.DOMAIN,
        embedded=True,
        relay_port=lab_server.port("smtp"),
        **ports,
    )


def shoot(tab, name: str, *sections: str) -> None:
    """Save the page, and each section on its own (a whole lab page is too tall to read)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)
    for section in sections:
        path = Path(SHOTS) / f"{name}-{section.strip('#.')}.png"
        tab.page.locator(section).first.screenshot(path=str(path))


def client_context(lab_server) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=lab_server.data_dir / "tls" / "cert.pem")


def test_a_trainee_sets_up_the_lab_account_from_the_autoconfig_file(
    live_server, open_tab, site, lab_server
):
    tab = open_tab(width=1280)
    log_in(tab.page, live_server.url, "trainee", "a-long-pass-phrase-1")
    tab.page.goto(f"{live_server.url}/lab/{site.pk}/")
    address = tab.page.locator("dl.lab-facts dd code").nth(1).inner_text()
    password = tab.page.locator("#lab-password").inner_text()

    found = tab.page.evaluate(THUNDERBIRD_PARSE, address)

    assert found["status"] == 200 and found["contentType"].startswith("application/xml")
    incoming, outgoing = found["incoming"], found["outgoing"]
    assert (incoming["type"], incoming["socketType"]) == ("imap", "SSL")
    assert (incoming["port"], incoming["authentication"]) == (
        lab_server.port("imaps"),
        "password-cleartext",
    )
    assert (outgoing["port"], outgoing["socketType"]) == (lab_server.port("submissions"), "SSL")
    # Configured as the file says, the account sends to itself and reads it back.
    subject = f"autoconfig {uuid.uuid4().hex[:8]}"
    context = client_context(lab_server)
    with smtplib.SMTP_SSL(outgoing["hostname"], outgoing["port"], context=context) as smtp:
        smtp.login(outgoing["username"], password)
        smtp.sendmail(address, [address], f"Subject: {subject}\r\n\r\nHello.\r\n".encode())
    with imaplib.IMAP4_SSL(incoming["hostname"], incoming["port"], ssl_context=context) as imap:
        imap.login(incoming["username"], password)
        imap.select("INBOX", readonly=True)
        _, headers = imap.fetch("1:*", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
    assert any(subject.encode() in part[1] for part in headers if isinstance(part, tuple))
    assert tab.page.get_by_text("« Mot de passe normal »").first.is_visible()
    assert tab.csp_violations() == []


@pytest.mark.parametrize("width", [375, 1280])
def test_the_ticket_the_answer_and_the_evidence_pages_pass_axe(live_server, open_tab, site, width):
    tab = open_tab(width=width)
    log_in(tab.page, live_server.url, "trainee", "a-long-pass-phrase-1")
    tab.page.goto(f"{live_server.url}/lab/{site.pk}/")
    tab.page.get_by_role("button", name="Donnez-moi un ticket").click()
    fault_services.publish_endpoints()
    assert tab.page.get_by_role("heading", name=re.compile("^Ticket")).is_visible()
    found = {"lab": tab.axe_violations()}
    shoot(tab, f"lab-{width}", "#client-setup", "#diagnose")

    tab.page.get_by_label(re.compile("saisi dans le client est faux")).check()
    tab.page.get_by_label("Le réglage à changer").select_option("password")
    tab.page.get_by_role("button", name="Vérifier mon diagnostic").click()
    tab.page.get_by_role("heading", name="Votre diagnostic").wait_for(timeout=40_000)
    assert tab.page.get_by_text("◀ preuve").first.is_visible()
    found["run"] = tab.axe_violations()
    shoot(tab, f"diagnosis-{width}", "#run-results")

    log_in(tab.page, live_server.url, "trainer", "a-long-pass-phrase-2")
    tab.page.goto(f"{live_server.url}/lab/trainer/{site.pk}/tickets/")
    assert tab.page.get_by_role("heading", level=1).is_visible()
    found["trainer"] = tab.axe_violations()
    shoot(tab, f"tickets-{width}")
    assert found == {"lab": [], "run": [], "trainer": []}
    assert tab.csp_violations() == []

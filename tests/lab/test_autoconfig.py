"""The lab's settings in the formats clients read: ISPDB XML, Apple profile, Autodiscover, SRV."""

import plistlib

from defusedxml import ElementTree as ET

from quizapp.lab import autoconfig
from quizapp.lab.models import LabServer

EVERY_PORT = {
    "relay_port": 2525,
    "submission_port": 2587,
    "submissions_port": 2465,
    "pop3_port": 2110,
    "pop3s_port": 2995,
    "imap_port": 2143,
    "imaps_port": 2993,
}


def lab(**fields) -> LabServer:
    values = {"pk": 3, "name": "Labo", "host": "127.0.0.1", "domain": "lab.test", **fields}
    return LabServer(**values)


def servers(xml: bytes) -> list[tuple[str, str, str, str, str]]:
    provider = ET.fromstring(xml).find("emailProvider")
    return [
        (
            server.tag,
            server.get("type"),
            server.findtext("port"),
            server.findtext("socketType"),
            server.findtext("authentication"),
        )
        for server in provider
        if server.tag in ("incomingServer", "outgoingServer")
    ]


def test_it_gives_ssl_to_implicit_ports_and_starttls_to_the_others():
    xml = autoconfig.thunderbird_xml(lab(**EVERY_PORT))

    assert servers(xml) == [
        ("incomingServer", "imap", "2993", "SSL", "password-cleartext"),
        ("incomingServer", "imap", "2143", "STARTTLS", "password-cleartext"),
        ("incomingServer", "pop3", "2995", "SSL", "password-cleartext"),
        ("incomingServer", "pop3", "2110", "STARTTLS", "password-cleartext"),
        ("outgoingServer", "smtp", "2465", "SSL", "password-cleartext"),
        ("outgoingServer", "smtp", "2587", "STARTTLS", "password-cleartext"),
    ]


def test_it_never_offers_the_relay_to_a_mail_client():
    xml = autoconfig.thunderbird_xml(lab(relay_port=2525, imap_port=2143))

    assert "2525" not in xml.decode()


def test_it_names_the_domain_the_host_and_the_address_placeholder():
    root = ET.fromstring(autoconfig.thunderbird_xml(lab(**EVERY_PORT)))
    provider = root.find("emailProvider")

    assert root.get("version") == "1.1"
    assert provider.get("id") == "lab.test"
    assert provider.findtext("domain") == "lab.test"
    assert {s.findtext("hostname") for s in provider.iter("incomingServer")} == {"127.0.0.1"}
    assert {s.findtext("username") for s in provider.iter("outgoingServer")} == {"%EMAILADDRESS%"}


def test_it_escapes_a_lab_name_in_the_xml():
    xml = autoconfig.thunderbird_xml(lab(name="A & <B>", **EVERY_PORT))

    assert ET.fromstring(xml).find("emailProvider").findtext("displayShortName") == "A & <B>"


def test_the_apple_profile_prefers_implicit_tls_and_holds_no_password():
    profile = plistlib.loads(autoconfig.apple_profile(lab(**EVERY_PORT), "ana@lab.test"))
    account = profile["PayloadContent"][0]

    assert account["EmailAccountType"] == "EmailTypeIMAP"
    assert (account["IncomingMailServerPortNumber"], account["OutgoingMailServerPortNumber"]) == (
        2993,
        2465,
    )
    assert account["IncomingMailServerUsername"] == "ana@lab.test"
    assert "IncomingPassword" not in account and "OutgoingPassword" not in account


def test_there_is_no_apple_profile_without_imap():
    assert autoconfig.apple_profile(lab(pop3_port=2110, submission_port=2587), "a@lab.test") is None


def test_autodiscover_says_ssl_or_tls_encryption_as_outlook_reads_it():
    xml = autoconfig.autodiscover_xml(lab(imaps_port=2993, submission_port=2587), "a@lab.test")
    ns = {"r": autoconfig.AUTODISCOVER_RESPONSE_NS}
    protocols = ET.fromstring(xml).findall(".//r:Protocol", ns)

    found = [
        (
            p.findtext("r:Type", namespaces=ns),
            p.findtext("r:Port", namespaces=ns),
            p.findtext("r:SSL", namespaces=ns),
            p.findtext("r:Encryption", namespaces=ns),
        )
        for p in protocols
    ]
    assert found == [("IMAP", "2993", "on", None), ("SMTP", "2587", "off", "TLS")]


def test_srv_records_point_at_a_host_name_with_implicit_tls_first():
    records = autoconfig.srv_records(lab(imaps_port=2993, imap_port=2143, submission_port=2587))

    assert records[0].split() == ["mail.lab.test.", "IN", "A", "127.0.0.1"]
    assert records[1].split() == [
        "_imaps._tcp.lab.test.",
        "IN",
        "SRV",
        "0",
        "1",
        "2993",
        "mail.lab.test.",
    ]
    assert records[2].split()[2:5] == ["SRV", "10", "1"]
    assert records[3].split()[0] == "_submission._tcp.lab.test."


def test_srv_records_use_a_lab_host_name_as_it_is():
    records = autoconfig.srv_records(lab(host="mx.lab.test", imaps_port=2993))

    assert records == [records[0]]
    assert records[0].endswith("2993 mx.lab.test.")

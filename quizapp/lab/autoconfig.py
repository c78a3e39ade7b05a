"""What a mail client needs to set up a lab account, in the formats clients read on their own.

- Thunderbird autoconfig (`config-v1.1.xml`, the Mozilla ISPDB format), also read by
  Thunderbird for Android/K-9, Evolution and KMail;
- an Apple configuration profile (`.mobileconfig`, a property list);
- an Outlook Autodiscover (POX) answer;
- the RFC 6186 / RFC 8314 SRV records a lab with its own DNS would publish.

Plain functions over a LabServer-like object: no request, no database.
"""

import dataclasses
import ipaddress
import plistlib
import uuid
import xml.etree.ElementTree as ET

from quizapp.lab.models import LabServer

# Preferred first, as a client tries them: implicit TLS before STARTTLS (RFC 8314 §3).
_INCOMING = ("imaps", "imap", "pop3s", "pop3")
_OUTGOING = ("submissions", "submission")  # never the relay: it takes no login
_SRV_NAMES = {
    "imaps": "_imaps._tcp",
    "imap": "_imap._tcp",
    "pop3s": "_pop3s._tcp",
    "pop3": "_pop3._tcp",
    "submissions": "_submissions._tcp",
    "submission": "_submission._tcp",
}
AUTODISCOVER_NS = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"
AUTODISCOVER_RESPONSE_NS = (
    "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"
)
USERNAME_PLACEHOLDER = "%EMAILADDRESS%"  # Thunderbird puts the address typed here


@dataclasses.dataclass(frozen=True)
class ServerSetting:
    """One server a client may use: which way mail goes, protocol, host, port, TLS."""

    key: str  # the Service key: imaps, imap, pop3s, pop3, submissions, submission
    direction: str  # incoming or outgoing
    protocol: str  # imap, pop3 or smtp
    host: str
    port: int
    implicit_tls: bool

    @property
    def socket_type(self) -> str:
        """Return the ISPDB socketType: SSL for implicit TLS, STARTTLS otherwise."""
        return "SSL" if self.implicit_tls else "STARTTLS"


def server_settings(lab: LabServer) -> list[ServerSetting]:
    """Return the lab's client-facing servers, incoming then outgoing, preferred first."""
    found = {service.key: (service, port) for service, port in lab.services()}
    settings = []
    for direction, keys in (("incoming", _INCOMING), ("outgoing", _OUTGOING)):
        for key in keys:
            if key in found:
                service, port = found[key]
                settings.append(
                    ServerSetting(
                        key, direction, service.protocol, lab.host, port, service.implicit_tls
                    )
                )
    return settings


def _sub(parent: ET.Element, tag: str, text: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    element.text = text
    return element


def thunderbird_xml(lab: LabServer, *, documentation_url: str = "") -> bytes:
    """Return the lab's `config-v1.1.xml` (Mozilla ISPDB format), UTF-8 with its declaration."""
    root = ET.Element("clientConfig", version="1.1")
    provider = ET.SubElement(root, "emailProvider", id=lab.domain)
    _sub(provider, "domain", lab.domain)
    _sub(provider, "displayName", f"{lab.name} (Facteur)")
    _sub(provider, "displayShortName", lab.name)
    for setting in server_settings(lab):
        tag = "incomingServer" if setting.direction == "incoming" else "outgoingServer"
        server = ET.SubElement(provider, tag, type=setting.protocol)
        _sub(server, "hostname", setting.host)
        _sub(server, "port", str(setting.port))
        _sub(server, "socketType", setting.socket_type)
        _sub(server, "authentication", "password-cleartext")
        _sub(server, "username", USERNAME_PLACEHOLDER)
    if documentation_url:
        docs = ET.SubElement(provider, "documentation", url=documentation_url)
        _sub(docs, "descr", "Facteur lab", lang="en")
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _best(lab: LabServer, direction: str, protocol: str | None = None) -> ServerSetting | None:
    for setting in server_settings(lab):
        if setting.direction == direction and protocol in (None, setting.protocol):
            return setting
    return None


def apple_profile(lab: LabServer, address: str) -> bytes | None:
    """Return an Apple configuration profile for `address`, or None without IMAP and SMTP.

    No password inside: the device asks for it, so the file can sit in a download
    folder without giving the mailbox away. "UseSSL" on a STARTTLS port makes Apple
    Mail upgrade with STARTTLS; on an implicit port it speaks TLS at once.
    """
    incoming, outgoing = _best(lab, "incoming", "imap"), _best(lab, "outgoing")
    if incoming is None or outgoing is None:
        return None
    identifier = f"test.facteur.lab.{lab.pk}"
    account = {
        "PayloadType": "com.apple.mail.managed",
        "PayloadVersion": 1,
        "PayloadIdentifier": f"{identifier}.mail",
        "PayloadUUID": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{identifier}/{address}/mail")),
        "PayloadDisplayName": lab.name,
        "EmailAccountDescription": lab.name,
        "EmailAccountType": "EmailTypeIMAP",
        "EmailAddress": address,
        "IncomingMailServerHostName": incoming.host,
        "IncomingMailServerPortNumber": incoming.port,
        "IncomingMailServerUseSSL": True,
        "IncomingMailServerAuthentication": "EmailAuthPassword",
        "IncomingMailServerUsername": address,
        "OutgoingMailServerHostName": outgoing.host,
        "OutgoingMailServerPortNumber": outgoing.port,
        "OutgoingMailServerUseSSL": True,
        "OutgoingMailServerAuthentication": "EmailAuthPassword",
        "OutgoingMailServerUsername": address,
        "OutgoingPasswordSameAsIncomingPassword": True,
    }
    profile = {
        "PayloadType": "Configuration",
        "PayloadVersion": 1,
        "PayloadIdentifier": identifier,
        "PayloadUUID": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{identifier}/{address}")),
        "PayloadDisplayName": f"{lab.name} (Facteur)",
        "PayloadRemovalDisallowed": False,
        "PayloadContent": [account],
    }
    return plistlib.dumps(profile)


def autodiscover_xml(lab: LabServer, address: str) -> bytes:
    """Return Outlook's Autodiscover (POX) answer: one Protocol per incoming/outgoing server.

    Outlook says SSL for implicit TLS and, on SMTP, Encryption TLS for STARTTLS.
    """
    root = ET.Element("Autodiscover", xmlns=AUTODISCOVER_NS)
    response = ET.SubElement(root, "Response", xmlns=AUTODISCOVER_RESPONSE_NS)
    account = ET.SubElement(response, "Account")
    _sub(account, "AccountType", "email")
    _sub(account, "Action", "settings")
    for setting in server_settings(lab):
        protocol = ET.SubElement(account, "Protocol")
        _sub(protocol, "Type", setting.protocol.upper())
        _sub(protocol, "Server", setting.host)
        _sub(protocol, "Port", str(setting.port))
        _sub(protocol, "LoginName", address)
        _sub(protocol, "DomainRequired", "off")
        _sub(protocol, "SPA", "off")
        if setting.implicit_tls:
            _sub(protocol, "SSL", "on")
        else:
            _sub(protocol, "SSL", "off")
            _sub(protocol, "Encryption", "TLS")
        _sub(protocol, "AuthRequired", "on")
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def srv_records(lab: LabServer) -> list[str]:
    """Return the zone-file lines (RFC 6186, RFC 8314) that point clients at the lab.

    An SRV target must be a host name, never an address: a lab known by its
    address gets a `mail.<domain>` name with its A or AAAA record.
    """
    host = lab.host.rstrip(".")
    lines = []
    if _is_address(host):
        kind = "AAAA" if ipaddress.ip_address(host).version == 6 else "A"
        target = f"mail.{lab.domain}."
        lines.append(f"{target:<32} IN {kind:<4} {host}")
    else:
        target = f"{host}."
    for setting in server_settings(lab):
        # Implicit TLS first (priority 0), as RFC 8314 §5.1 recommends.
        priority = 0 if setting.implicit_tls else 10
        name = f"{_SRV_NAMES[setting.key]}.{lab.domain}."
        lines.append(f"{name:<32} IN SRV  {priority} 1 {setting.port} {target}")
    return lines

"""The lab domain's DNS, served by Twisted Names on a ticket's port, with its MX gone wrong.

The zone says what a real domain after a botched move says: the MX names an
old host that has no address, while the host that does receive mail
(`mail.<domain>`) is there. Only this loopback server is ever asked: no
resolver of the machine, and nothing outside the lab's networks.
"""

import ipaddress

from twisted.internet import defer
from twisted.names import common, dns, error, server
from twisted.python import failure

TTL = 300


class LabZone(common.ResolverBase):
    """An authoritative zone held in memory: {(name, type): [RRHeader]}."""

    def __init__(self, domain: str, records: dict[tuple[str, int], list[dns.RRHeader]]) -> None:
        super().__init__()
        self.domain = domain
        self.records = records
        self.names = {name for name, _type in records}

    def _lookup(self, name, cls, type, timeout=None):
        key = (name.decode("ascii", "replace").lower().rstrip("."), type)
        if key in self.records:
            return defer.succeed((self.records[key], [], []))
        if key[0] in self.names:
            return defer.succeed(([], [], []))  # the name exists, not this type: NODATA
        # NXDOMAIN, answered with authority for names inside the zone.
        return defer.fail(failure.Failure(error.AuthoritativeDomainError(name)))


def _address_record(name: str, host: str) -> dns.RRHeader:
    address = ipaddress.ip_address(host)
    if address.version == 6:
        return dns.RRHeader(name, dns.AAAA, ttl=TTL, payload=dns.Record_AAAA(host, ttl=TTL))
    return dns.RRHeader(name, dns.A, ttl=TTL, payload=dns.Record_A(host, ttl=TTL))


def broken_mx_zone(domain: str, old_mx: str, mail_host: str) -> LabZone:
    """Return the zone of `domain` whose MX points at `old_mx`.<domain>, a name with no address."""
    try:
        ipaddress.ip_address(mail_host)
    except ValueError:
        mail_host = "127.0.0.1"
    if ipaddress.ip_address(mail_host).is_unspecified:
        mail_host = "127.0.0.1"
    mail, old = f"mail.{domain}", f"{old_mx}.{domain}"
    mx = dns.RRHeader(domain, dns.MX, ttl=TTL, payload=dns.Record_MX(10, old, ttl=TTL))
    return LabZone(
        domain,
        {
            (domain, dns.MX): [mx],
            (mail, dns.A if ":" not in mail_host else dns.AAAA): [_address_record(mail, mail_host)],
        },
    )


def dns_factories(zone: LabZone) -> tuple[server.DNSServerFactory, dns.DNSDatagramProtocol]:
    """Return the TCP factory and the UDP protocol serving `zone` (dig uses UDP first)."""
    factory = server.DNSServerFactory(authorities=[zone])
    factory.noisy = False
    return factory, dns.DNSDatagramProtocol(factory)

"""Decide, before any socket is opened, which address each lab target may reach.

A host is resolved once; every address it resolves to must lie in the lab's
allowed networks, and the prober then connects to the address checked here,
never to the name again. Resolving twice would let a DNS answer change between
the check and the connection (DNS rebinding).
"""

import asyncio
import ipaddress
import re
import socket
from collections.abc import Iterable

from .i18n import gettext_noop, translate
from .results import PortTarget

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

MAX_TARGETS = 32
_HOSTNAME = re.compile(
    r"^(?=.{1,253}$)[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\.[A-Za-z0-9_-]{1,63})*\.?$"
)

MESSAGES = {
    "no_networks": gettext_noop("This lab has no allowed addresses."),
    "bad_host": gettext_noop("%(host)s is not a valid host name."),
    "bad_port": gettext_noop("%(port)s is not a valid port."),
    "too_many": gettext_noop("Too many ports to check at once."),
    "resolve_failed": gettext_noop("%(host)s could not be resolved."),
    "not_allowed": gettext_noop("%(host)s resolves to %(address)s, outside this lab's addresses."),
}


class TargetRefused(Exception):
    """A target the prober will not contact; `message` is in the active language."""

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(MESSAGES[code] % params)

    @property
    def message(self) -> str:
        return translate(MESSAGES[self.code], self.params)


# Never a lab, whoever asks: link-local (where clouds answer metadata requests,
# 169.254.169.254 and the like), cloud metadata elsewhere, and addresses that
# are not one host (unspecified, multicast, reserved, broadcast).
NEVER_REACHABLE = tuple(
    ipaddress.ip_network(n)
    for n in (
        "169.254.0.0/16",
        "fe80::/10",
        "100.100.100.200/32",
        "fd00:ec2::254/128",
        "0.0.0.0/8",
        "224.0.0.0/4",
        "240.0.0.0/4",
        "::/128",
        "ff00::/8",
    )
)


def never_reachable(value: Address | Network) -> bool:
    """Return True for an address or network that touches a range no lab may reach."""
    if isinstance(value, ipaddress.IPv6Address) and value.ipv4_mapped:
        value = value.ipv4_mapped
    if isinstance(value, (ipaddress.IPv4Address, ipaddress.IPv6Address)):
        return any(value.version == n.version and value in n for n in NEVER_REACHABLE)
    return any(value.version == n.version and value.overlaps(n) for n in NEVER_REACHABLE)


def parse_networks(networks: Iterable[str | Network]) -> list[Network]:
    """Return the networks as objects; a bare address is a one-address network."""
    return [ipaddress.ip_network(network, strict=False) for network in networks]


def address_allowed(address: Address, networks: list[Network]) -> bool:
    """Return True if `address` may be contacted: inside a network, and a unicast address."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if address.is_unspecified or address.is_multicast or never_reachable(address):
        return False
    return any(address.version == net.version and address in net for net in networks)


async def check_targets(
    targets: list[PortTarget], allowed_networks: Iterable[str | Network], *, timeout: float = 3.0
) -> dict[str, str]:
    """Return {host: address to connect to}, or raise TargetRefused for the first bad target.

    Nothing is contacted here except the resolver, and only for well-formed names.
    """
    networks = parse_networks(allowed_networks)
    if not networks:
        raise TargetRefused("no_networks")
    if len(targets) > MAX_TARGETS:
        raise TargetRefused("too_many")
    checked: dict[str, str] = {}
    for target in targets:
        if not isinstance(target.port, int) or not 0 < target.port < 65536:
            raise TargetRefused("bad_port", port=target.port)
        if target.host not in checked:
            checked[target.host] = await _resolve_checked(target.host, networks, timeout)
    return checked


async def _resolve_checked(host: str, networks: list[Network], timeout: float) -> str:
    addresses = await _resolve(host, timeout)
    for address in addresses:
        if not address_allowed(address, networks):
            raise TargetRefused("not_allowed", host=host, address=str(address))
    return str(addresses[0])


async def _resolve(host: str, timeout: float) -> list[Address]:
    literal = _literal(host)
    if literal is not None:
        return [literal]
    if not _HOSTNAME.match(host):
        raise TargetRefused("bad_host", host=host[:100])
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(timeout):
            infos = await loop.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, TimeoutError) as exc:
        raise TargetRefused("resolve_failed", host=host) from exc
    addresses = [_literal(str(info[4][0])) for info in infos]
    found = list(dict.fromkeys(address for address in addresses if address is not None))
    if not found:
        raise TargetRefused("resolve_failed", host=host)
    return found


def _literal(host: str) -> Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]").partition("%")[0])
    except ValueError:
        return None

import asyncio
import ipaddress
import socket

import pytest

from quizapp.lab.probe import PortTarget, Protocol, TargetRefused, probe_ports
from quizapp.lab.probe.safety import address_allowed, parse_networks

from . import fakeservers as fake

LOOPBACK = ["127.0.0.1/32"]


@pytest.fixture
def no_connection(monkeypatch):
    """Fail the test if anything tries to open a connection."""

    def forbidden(*args, **kwargs):
        raise AssertionError("a connection was attempted")

    async def forbidden_async(*args, **kwargs):
        forbidden()

    monkeypatch.setattr(asyncio, "open_connection", forbidden_async)
    monkeypatch.setattr(asyncio.BaseEventLoop, "create_connection", forbidden_async)
    monkeypatch.setattr(asyncio.BaseEventLoop, "sock_connect", forbidden_async)
    monkeypatch.setattr(socket.socket, "connect", forbidden)
    monkeypatch.setattr(socket.socket, "connect_ex", forbidden)


@pytest.fixture
def resolver(monkeypatch):
    """Answer name lookups from a table; record every name asked."""
    table: dict[str, list[str]] = {}
    asked: list[str] = []
    real = asyncio.BaseEventLoop.getaddrinfo

    async def getaddrinfo(self, host, port, *args, **kwargs):
        if host not in table:
            return await real(self, host, port, *args, **kwargs)
        asked.append(host)
        return [
            (
                socket.AF_INET6 if ":" in address else socket.AF_INET,
                socket.SOCK_STREAM,
                6,
                "",
                (address, port or 0),
            )
            for address in table[host]
        ]

    monkeypatch.setattr(asyncio.BaseEventLoop, "getaddrinfo", getaddrinfo)
    return table, asked


def refused(targets, networks=LOOPBACK):
    with pytest.raises(TargetRefused) as caught:
        asyncio.run(probe_ports(targets, allowed_networks=networks, per_port_timeout=0.5))
    return caught.value


def test_address_outside_the_lab_is_refused_without_any_connection(no_connection):
    error = refused([PortTarget("192.0.2.10", 25)])

    assert error.code == "not_allowed"
    assert "192.0.2.10" in str(error)


def test_one_bad_target_refuses_the_whole_check_before_any_connection(no_connection):
    error = refused([PortTarget("127.0.0.1", 25), PortTarget("10.0.0.1", 25)])

    assert error.code == "not_allowed"


def test_name_with_one_address_outside_the_lab_is_refused(no_connection, resolver):
    table, _ = resolver
    table["mixed.lab.test"] = ["127.0.0.1", "198.51.100.7"]

    error = refused([PortTarget("mixed.lab.test", 25)])

    assert error.params["address"] == "198.51.100.7"


def test_lab_without_allowed_networks_refuses_everything(no_connection):
    assert refused([PortTarget("127.0.0.1", 25)], networks=[]).code == "no_networks"


@pytest.mark.parametrize("host", ["lab.test; rm -rf /", "bad host", "", "-x.test", "a" * 300])
def test_malformed_host_is_refused_without_asking_the_resolver(no_connection, resolver, host):
    _, asked = resolver

    assert refused([PortTarget(host, 25)]).code == "bad_host"
    assert asked == []


@pytest.mark.parametrize("port", [0, 65536, -1])
def test_impossible_port_is_refused(no_connection, port):
    assert refused([PortTarget("127.0.0.1", port)]).code == "bad_port"


def test_unresolvable_name_is_refused(no_connection, resolver):
    table, _ = resolver
    table["empty.lab.test"] = []

    assert refused([PortTarget("empty.lab.test", 25)]).code == "resolve_failed"


@pytest.mark.parametrize("address", ["0.0.0.0", "224.0.0.1", "::", "ff02::1"])  # noqa: S104
def test_unspecified_and_multicast_addresses_are_never_allowed(address):
    everything = parse_networks(["0.0.0.0/0", "::/0"])

    assert not address_allowed(ipaddress.ip_address(address), everything)


def test_ipv4_mapped_ipv6_address_is_checked_as_ipv4():
    networks = parse_networks(["127.0.0.0/8"])

    assert address_allowed(ipaddress.ip_address("::ffff:127.0.0.1"), networks)
    assert not address_allowed(ipaddress.ip_address("::ffff:10.0.0.1"), networks)


def test_name_is_resolved_once_and_the_checked_address_is_contacted(resolver):
    table, asked = resolver
    table["lab.test"] = ["127.0.0.1"]

    async def scenario():
        async with fake.serve(fake.smtp()) as smtp, fake.serve(fake.pop3()) as pop3:
            targets = [PortTarget("lab.test", smtp), PortTarget("lab.test", pop3)]
            return await probe_ports(targets, allowed_networks=LOOPBACK, per_port_timeout=1.0)

    results = asyncio.run(scenario())

    assert asked == ["lab.test"]
    assert [result.address for result in results] == ["127.0.0.1", "127.0.0.1"]
    assert [result.protocol for result in results] == [Protocol.SMTP, Protocol.POP3]

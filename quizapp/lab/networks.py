"""Where labs may point: the networks an administrator allowed, and the mail ports.

The prober connects to whatever a lab names, so what a lab may name is the
site's own security boundary. A trainer picks a host and its networks inside
the networks an administrator allowed (LabNetwork); the site's own machine
(loopback) is reachable only by the embedded lab, which only an administrator
creates; link-local and cloud-metadata addresses are never reachable, whoever
asks. Ports are the mail ports a lab declares, from a known list, so the port
map cannot become a port scanner.
"""

import ipaddress

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from quizapp.lab.probe.safety import never_reachable

# The widest network a trainer's lab may name: one machine or one classroom.
MIN_PREFIX = {4: 16, 6: 48}
# Standard mail ports, and the embedded lab server's own high ports.
MAIL_PORTS = frozenset({25, 465, 587, 110, 995, 143, 993, 2525, 2465, 2587, 2110, 2995, 2143, 2993})


def parse_network_lines(text: str) -> list[str]:
    """Return the non-empty lines of an allowed-networks text, comments (#) removed."""
    lines = (line.partition("#")[0].strip() for line in text.splitlines())
    return [line for line in lines if line]


def _network_errors(line: str, *, widest: dict) -> tuple[object, list]:
    try:
        network = ipaddress.ip_network(line, strict=False)
    except ValueError:
        return None, [_("“%(line)s” is not a network such as 10.0.0.0/24.") % {"line": line}]
    if network.prefixlen < widest[network.version] and not network.is_loopback:
        message = _("%(line)s is too wide: allow at most a /%(prefix)s.")
        return network, [message % {"line": line, "prefix": widest[network.version]}]
    if never_reachable(network):
        message = _("%(line)s is a link-local or cloud-metadata range: no lab may use it.")
        return network, [message % {"line": line}]
    return network, []


def validate_networks(text: str) -> None:
    """Raise ValidationError unless every line is a network (CIDR) or address, not too wide."""
    lines = parse_network_lines(text)
    if not lines:
        raise ValidationError(_("Give at least one network, such as 192.168.10.0/24."))
    errors = [e for line in lines for e in _network_errors(line, widest=MIN_PREFIX)[1]]
    if errors:
        raise ValidationError(errors)


def validate_admin_network(text: str) -> None:
    """Raise ValidationError for a network no administrator may open to labs."""
    network, errors = _network_errors(text.strip(), widest={4: 8, 6: 32})
    if not errors and network.is_loopback:
        errors = [_("Loopback is the embedded lab's alone: it cannot be opened to labs.")]
    if errors:
        raise ValidationError(errors)


def outside_allowed(networks: list[str], *, embedded: bool, allowed: list[str]) -> list[str]:
    """Return the lines of `networks` a lab may not use, given the administrators' `allowed`."""
    opened = [ipaddress.ip_network(n, strict=False) for n in allowed]
    refused = []
    for line in networks:
        network = ipaddress.ip_network(line, strict=False)
        if network.is_loopback and embedded:
            continue
        inside = any(
            network.version == o.version and network.subnet_of(o) and not network.is_loopback
            for o in opened
        )
        if not inside:
            refused.append(line)
    return refused


def permitted_ports() -> frozenset[int]:
    """Return the ports a lab may declare: mail ports, plus LAB_EXTRA_PORTS."""
    return MAIL_PORTS | frozenset(getattr(settings, "LAB_EXTRA_PORTS", ()))


def loopback_for_every_lab() -> bool:
    """Return True where any lab may reach loopback (LAB_LOOPBACK_LABS: tests, a laptop)."""
    return bool(getattr(settings, "LAB_LOOPBACK_LABS", False))

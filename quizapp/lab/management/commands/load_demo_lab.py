import ipaddress

from django.conf import settings
from django.core.management.base import BaseCommand

from quizapp.lab.models import SERVICES, LabServer
from quizapp.lab.server.config import ROLE_BY_KEY

DEMO_NAME = "Labo local"
LOOPBACK = ["127.0.0.0/8", "::1/128"]


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def demo_lab_fields() -> dict:
    """Return the demo lab: the embedded lab server at LAB_HOST on its default ports.

    Allowed: loopback, plus LAB_HOST itself when it is another address (a lab
    server listening on the classroom network so that phones can reach it).
    """
    host, networks = settings.LAB_HOST, list(LOOPBACK)
    address = _address(host)
    if address is not None and address.is_unspecified:
        # Listening on every address: the site reaches it on loopback.
        host = "127.0.0.1" if address.version == 4 else "::1"
    elif address is not None and not address.is_loopback:
        networks.append(str(ipaddress.ip_network(address)))
    fields = {
        "host": host,
        "domain": settings.LAB_DOMAIN,
        "allowed_networks": "\n".join(networks),
        "embedded": True,
        "active": True,
    }
    for service in SERVICES:
        fields[f"{service.key}_port"] = ROLE_BY_KEY[service.server_role].default_port
    return fields


class Command(BaseCommand):
    help = (
        f"Create the demo lab “{DEMO_NAME}” (the embedded lab server started by make run) "
        "if it does not exist yet; an existing one is left as it is."
    )

    def handle(self, *args, **options):
        lab, created = LabServer.objects.get_or_create(name=DEMO_NAME, defaults=demo_lab_fields())
        if created:
            ports = ", ".join(str(port) for port in lab.ports())
            self.stdout.write(f"Demo lab “{lab.name}” created: {lab.host} ports {ports}.")
        else:
            self.stdout.write(f"Demo lab “{lab.name}” already exists; left unchanged.")

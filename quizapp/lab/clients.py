"""The settings a trainee types by hand, in each mail client's own words.

Mapping « SSL/TLS » and « STARTTLS » to ports is what the assessment asks, so
each client's labels are shown beside what the autoconfig file says. The labels
are the clients' own (their French versions in the French catalogue).
"""

import dataclasses

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from quizapp.lab.autoconfig import ServerSetting, server_settings
from quizapp.lab.models import LabServer


@dataclasses.dataclass(frozen=True)
class Client:
    key: str
    name: str
    security_field: Promise
    implicit_label: Promise
    starttls_label: Promise
    auth_field: Promise
    auth_label: Promise
    reads_autoconfig: bool


CLIENTS: tuple[Client, ...] = (
    Client(
        "thunderbird",
        "Thunderbird",
        pgettext_lazy("Thunderbird", "Connection security"),
        "SSL/TLS",
        "STARTTLS",
        pgettext_lazy("Thunderbird", "Authentication method"),
        pgettext_lazy("Thunderbird", "Normal password"),
        True,
    ),
    Client(
        "android",
        "Thunderbird for Android / K-9 Mail",
        pgettext_lazy("K-9 Mail", "Security"),
        "SSL/TLS",
        "STARTTLS",
        pgettext_lazy("K-9 Mail", "Authentication"),
        pgettext_lazy("K-9 Mail", "Normal password"),
        True,
    ),
    Client(
        "outlook",
        "Outlook (Windows)",
        pgettext_lazy("Outlook", "Use the following type of encrypted connection"),
        "SSL/TLS",
        "STARTTLS",
        pgettext_lazy("Outlook", "Require logon using Secure Password Authentication (SPA)"),
        pgettext_lazy("Outlook", "unticked"),
        False,
    ),
    Client(
        "apple",
        "Apple Mail (iPhone, iPad)",
        pgettext_lazy("Apple Mail", "Use SSL"),
        pgettext_lazy("Apple Mail", "on"),
        pgettext_lazy("Apple Mail", "on (Mail then sends STARTTLS)"),
        pgettext_lazy("Apple Mail", "Authentication"),
        pgettext_lazy("Apple Mail", "Password"),
        False,
    ),
)

DIRECTIONS = {"incoming": _("Incoming server"), "outgoing": _("Outgoing server (SMTP)")}


def _row(client: Client, setting: ServerSetting, username: str) -> dict:
    return {
        "direction": DIRECTIONS[setting.direction],
        "protocol": setting.protocol.upper(),
        "host": setting.host,
        "port": setting.port,
        "security": client.implicit_label if setting.implicit_tls else client.starttls_label,
        "auth": client.auth_label,
        "username": username,
        "socket_type": setting.socket_type,
    }


def client_tables(lab: LabServer, username: str) -> list[dict]:
    """Return, per client, one row per server: what to type, and what autoconfig says."""
    settings = server_settings(lab)
    return [
        {"client": client, "rows": [_row(client, setting, username) for setting in settings]}
        for client in CLIENTS
    ]

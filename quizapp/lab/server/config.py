"""Settings of the lab mail server: where it listens, what each port does, where it keeps data.

The lab runs unprivileged, so every role gets a high port whose last digits recall the standard
one (2525 for 25, 2587 for 587...). The mapping is part of what trainees learn to read, which is
why it lives here as data and is printed when the server starts.
"""

import argparse
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Role:
    """One service of the lab: its option name, the standard port it stands for, what it does."""

    key: str
    protocol: str
    standard_port: int
    default_port: int
    security: str  # "starttls" or "implicit"
    description: str


ROLES: tuple[Role, ...] = (
    Role("smtp", "SMTP", 25, 2525, "starttls", "relay (MTA): mail for the lab domain, no AUTH"),
    Role("submission", "SMTP", 587, 2587, "starttls", "submission (MSA): STARTTLS then AUTH"),
    Role("submissions", "SMTP", 465, 2465, "implicit", "submission (MSA) over implicit TLS"),
    Role("pop3", "POP3", 110, 2110, "starttls", "POP3, login only after STLS"),
    Role("pop3s", "POP3", 995, 2995, "implicit", "POP3 over implicit TLS"),
    Role("imap", "IMAP", 143, 2143, "starttls", "IMAP, LOGINDISABLED before STARTTLS"),
    Role("imaps", "IMAP", 993, 2993, "implicit", "IMAP over implicit TLS"),
)
ROLE_BY_KEY = {role.key: role for role in ROLES}

DEFAULT_HOST = "127.0.0.1"
DEFAULT_DOMAIN = "lab.facteur.test"
DEFAULT_DATA_DIR = Path("var/lab")
MAX_MESSAGE_SIZE = 10 * 1024 * 1024
LOGIN_FAILURE_DELAY = 2.0  # seconds before answering a failed login (Dovecot's default)


def _default_ports() -> dict[str, int]:
    return {role.key: role.default_port for role in ROLES}


@dataclass(frozen=True)
class LabServerConfig:
    """Everything the runner needs; built from command-line options or by tests."""

    host: str = DEFAULT_HOST
    data_dir: Path = DEFAULT_DATA_DIR
    domain: str = DEFAULT_DOMAIN
    ports: dict[str, int] = field(default_factory=_default_ports)
    max_message_size: int = MAX_MESSAGE_SIZE
    login_failure_delay: float = LOGIN_FAILURE_DELAY

    @property
    def hostname(self) -> str:
        """Return the name the server gives itself in greetings and Received: headers."""
        return "mail." + self.domain

    def port_of(self, key: str) -> int:
        """Return the port serving the role ``key`` (one of ROLES)."""
        return self.ports[key]

    def with_ports(self, **ports: int) -> "LabServerConfig":
        """Return a copy with some ports changed."""
        unknown = set(ports) - set(ROLE_BY_KEY)
        if unknown:
            raise ValueError("unknown roles: " + ", ".join(sorted(unknown)))
        return replace(self, ports={**self.ports, **ports})


def add_arguments(
    parser: argparse.ArgumentParser,
    *,
    data_dir_default: Path = DEFAULT_DATA_DIR,
    domain_default: str = DEFAULT_DOMAIN,
) -> None:
    """Declare the server's options on an argparse parser (used by -m and by manage.py)."""
    parser.add_argument("--host", default=DEFAULT_HOST, help="address to listen on")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=data_dir_default,
        help="where mailboxes, accounts and the certificate are kept",
    )
    parser.add_argument("--domain", default=domain_default, help="the lab's mail domain")
    parser.add_argument(
        "--login-failure-delay",
        type=float,
        default=LOGIN_FAILURE_DELAY,
        help="seconds each failed login waits before its answer",
    )
    for role in ROLES:
        parser.add_argument(
            f"--{role.key}-port",
            type=int,
            default=role.default_port,
            help=f"{role.description} (stands for {role.standard_port})",
        )


def config_from_options(options: dict[str, Any]) -> LabServerConfig:
    """Build a config from parsed options (argparse namespace vars or Django's options dict)."""
    ports = {role.key: int(options[role.key + "_port"]) for role in ROLES}
    for key, port in ports.items():
        if not 0 < port < 65536:
            raise ValueError(f"port for {key} must be between 1 and 65535, not {port}")
    if len(set(ports.values())) != len(ports):
        raise ValueError("each role needs its own port")
    return LabServerConfig(
        host=options["host"],
        data_dir=Path(options["data_dir"]),
        domain=options["domain"].strip().lower(),
        ports=ports,
        login_failure_delay=float(options.get("login_failure_delay", LOGIN_FAILURE_DELAY)),
    )


def describe_ports(config: LabServerConfig) -> list[str]:
    """Return one line per role, for the start-up banner and the docs."""
    return [
        f"{config.port_of(role.key):5d}  {role.protocol:4} {role.security:8} "
        f"stands for {role.standard_port:<3d}  {role.description}"
        for role in ROLES
    ]

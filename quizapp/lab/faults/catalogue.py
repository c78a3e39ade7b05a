"""The faults of exercise 4 and the per-trainee details that make each ticket its own.

Each fault stands for a call the help desk gets. Its details are drawn per
trainee (a port of their own, a certificate name, a mailbox, a delay), so that
a neighbour's answer does not fit. Pure data and functions: no Django, no socket.
"""

import dataclasses
import random
import string

GREETING_DELAY = 30.0  # seconds; the site's setting LAB_FAULT_GREETING_DELAY overrides it


@dataclasses.dataclass(frozen=True)
class Fault:
    key: str
    service: str  # what the endpoint speaks: smtp, imap, pop3 or dns
    implicit_tls: bool  # whether the endpoint speaks TLS from the first byte


FAULTS: tuple[Fault, ...] = (
    Fault("implicit_tls", "smtp", True),
    Fault("cert_name", "imap", True),
    Fault("password_expired", "smtp", False),
    Fault("over_quota", "smtp", False),
    Fault("relay_denied", "smtp", False),
    Fault("pop3_deletes", "pop3", False),
    Fault("slow_greeting", "smtp", False),
    Fault("mx_wrong", "dns", False),
)
FAULT_BY_KEY = {fault.key: fault for fault in FAULTS}
_WORD = string.ascii_lowercase + string.digits
_PEOPLE = ("lea", "karim", "chloe", "marc", "sofia", "hugo", "ines", "yanis", "emma", "noah")


def _tag(rng: random.Random, size: int = 4) -> str:
    return "".join(rng.choice(_WORD) for _ in range(size))


def draw_fault(rng: random.Random, *, avoid: str = "") -> Fault:
    """Return a fault at random, never `avoid` (the trainee's previous one)."""
    return rng.choice([fault for fault in FAULTS if fault.key != avoid])


def draw_params(
    fault: Fault, rng: random.Random, *, domain: str, greeting_delay: float = GREETING_DELAY
) -> dict:
    """Return the details of one trainee's ticket for `fault` (JSON-ready)."""
    person = rng.choice(_PEOPLE)
    params: dict = {"person": person}
    if fault.key == "cert_name":
        params["certificate_name"] = f"mail-{_tag(rng)}.{domain}"
    elif fault.key == "over_quota":
        params["mailbox"] = f"{person}-{_tag(rng)}"
        params["code"] = rng.choice([452, 552])
    elif fault.key == "relay_denied":
        params["outside"] = f"client-{_tag(rng)}@example.org"
    elif fault.key == "pop3_deletes":
        params["messages"] = rng.randint(8, 40)
        params["client_ip"] = f"192.0.2.{rng.randint(10, 250)}"  # RFC 5737 documentation range
    elif fault.key == "mx_wrong":
        params["old_mx"] = f"mx-old-{_tag(rng)}"
    elif fault.key == "slow_greeting":
        params["delay"] = greeting_delay
        params["client_timeout"] = max(1, int(greeting_delay // 2))
    return params


def endpoint_entry(fault: Fault, port: int, params: dict) -> dict:
    """Return what the lab server needs to serve this fault on `port`."""
    return {"port": port, "fault": fault.key, "params": params}


def server_log(params: dict, login: str) -> list[str]:
    """Return the lab server's log of the other device's POP3 session (Dovecot's wording).

    `del=N/N` at logout is the line a help desk looks for: that client deleted
    every message it downloaded.
    """
    count = int(params.get("messages", 0))
    size = count * 24_317
    client = params.get("client_ip", "192.0.2.10")
    return [
        f"dovecot: pop3-login: Login: user=<{login}>, method=PLAIN, rip={client}, TLS",
        f"dovecot: pop3({login}): Disconnected: Logged out top=0/0, retr={count}/{size}, "
        f"del={count}/{count}, size={size}",
    ]

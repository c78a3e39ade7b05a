"""Exercise 2, send and fetch: the openssl steps, and the hops a message's Received: headers tell.

Each server a message crosses adds a Received: header on top, so read from the
bottom up they tell its path: the MUA hands it to the MSA (authenticated
submission, ESMTPA/ESMTPSA in RFC 3848 words), MTAs relay it, and the MDA files
it in the mailbox (LMTP or a local delivery). The parsing tolerates what
Postfix, Exim, Dovecot and Exchange write, comments nested in comments included.

Anyone can write a Received: header: a client may put one claiming "with ESMTPSA" in the
message it hands to a relay. So the grade trusts only the headers the lab's own hosts
stamped, from the top of the message down to the hop where the message entered the lab;
whatever lies below was written before the lab saw the message, and is shown as such.
The embedded lab does better still: its server records how each message came in, and the
grade reads that record (grade_origin), not the headers at all.
"""

import base64
import dataclasses
import ipaddress
import re
from collections.abc import Iterable, Sequence

_COMMENT = re.compile(r"\(([^()]*)\)")
_FROM = re.compile(r"^\s*from\s+(\S+)", re.IGNORECASE)
_BY = re.compile(r"\bby\s+(\S+)", re.IGNORECASE)
_WITH = re.compile(r"\bwith\s+(\S+)", re.IGNORECASE)
_ADDRESS = re.compile(r"\[([0-9A-Fa-f:.]+)\]")
_DELIVERY = {"LMTP", "LMTPS", "LMTPA", "LMTPSA", "LOCAL", "LDA"}
_SUBMISSION_PROTOCOLS = {"MAPI", "HTTP", "HTTPS"}  # Exchange: Outlook and webmail clients
_AUTH_COMMENT = re.compile(r"authenticated|auth=", re.IGNORECASE)
_TLS_COMMENT = re.compile(r"using TLS|version=TLS|TLS1_|TLSv1", re.IGNORECASE)


@dataclasses.dataclass(frozen=True)
class Hop:
    """One step of a message's path, oldest first; `role` says which agents it joins.

    Roles: "submission" (MUA → MSA, authenticated), "unauthenticated" (a client
    handed the message over without logging in, as to a port-25 relay), "relay"
    (MTA → MTA), "delivery" (→ MDA, into the mailbox) and "untrusted" (a header
    written before the message reached the lab: nobody can vouch for it).
    """

    number: int
    from_host: str
    from_address: str
    by_host: str
    protocol: str
    tls: bool
    authenticated: bool
    date: str
    role: str


@dataclasses.dataclass(frozen=True)
class SendVerdict:
    grade: float
    code: str  # not_found, submitted, not_submitted
    hops: tuple[Hop, ...] = ()


def auth_plain(login: str, password: str) -> str:
    """Return the AUTH PLAIN argument for a login (RFC 4616: NUL login NUL password, base64)."""
    return base64.b64encode(f"\0{login}\0{password}".encode()).decode("ascii")


def openssl_command(host: str, port: int, starttls: str | None) -> str:
    """Return the `openssl s_client` line that opens a session a person can type into.

    `-ign_eof` also stops s_client from reading a line that starts with R or Q
    as its own command (renegotiate, quit): "RCPT TO" would never reach the server.
    """
    try:
        shown = f"[{host}]" if ipaddress.ip_address(host).version == 6 else host
    except ValueError:
        shown = host
    upgrade = f"-starttls {starttls} " if starttls else ""
    return f"openssl s_client {upgrade}-connect {shown}:{port} -crlf -ign_eof"


def _split_comments(value: str) -> tuple[str, list[str]]:
    """Return the header without its (comments), innermost first, and the comments."""
    comments: list[str] = []
    while True:
        found = _COMMENT.findall(value)
        if not found:
            return value, comments
        comments.extend(found)
        value = _COMMENT.sub(" ", value)


def parse_received(value: str, number: int = 1) -> Hop:
    """Return what one Received: header says; unknown parts are left empty."""
    head, _, date = value.rpartition(";") if ";" in value else (value, "", "")
    bare, comments = _split_comments(head)
    found_from, found_by, found_with = _FROM.search(bare), _BY.search(bare), _WITH.search(bare)
    protocol = found_with[1] if found_with else ""
    upper = protocol.upper()
    address = next((m[1] for c in comments for m in [_ADDRESS.search(c)] if m), "")
    authenticated = (upper.startswith(("ESMTP", "LMTP")) and upper.endswith("A")) or any(
        _AUTH_COMMENT.search(comment) for comment in comments
    )
    tls = upper in {"ESMTPS", "ESMTPSA", "LMTPS", "LMTPSA"} or any(
        _TLS_COMMENT.search(comment) for comment in comments
    )
    return Hop(
        number=number,
        from_host=found_from[1] if found_from else "",
        from_address=address,
        by_host=found_by[1] if found_by else "",
        protocol=protocol,
        tls=tls,
        authenticated=authenticated,
        date=date.strip(),
        role="",
    )


def _host(name: str) -> str:
    return name.strip("[]").rstrip(".").lower()


def is_lab_host(name: str, lab_hosts: Iterable[str]) -> bool:
    """Return whether a Received: ``by`` name is one of the lab's hosts (or under its domain)."""
    name = _host(name)
    return bool(name) and any(
        name == host or name.endswith("." + host) for host in map(_host, lab_hosts) if host
    )


def trusted_count(received: Sequence[str], lab_hosts: Iterable[str]) -> int:
    """Return how many Received: headers, from the top (newest), the lab itself wrote.

    The topmost header is the mailbox server's own (nothing can be written above it), so its
    ``by`` name joins the lab's hosts. The walk stops after the first hop that is not a
    delivery: that is where the message entered the lab, and what lies below came with it.
    """
    hosts = list(lab_hosts)
    if received:
        hosts.append(parse_received(received[0]).by_host)
    count = 0
    for value in received:
        hop = parse_received(value)
        if not is_lab_host(hop.by_host, hosts):
            break
        count += 1
        if hop.protocol.upper() not in _DELIVERY:
            break
    return count


def hops_from_received(
    received: Sequence[str], lab_hosts: Iterable[str] | None = None
) -> list[Hop]:
    """Return the hops of a message, oldest first, from its Received: headers (newest first).

    With ``lab_hosts``, only the headers the lab wrote are read for what they say; the older
    ones get the role "untrusted". Without, every header is taken at its word (to describe
    a path, never to grade one).
    """
    trusted = len(received) if lab_hosts is None else trusted_count(received, lab_hosts)
    oldest_trusted = len(received) - trusted + 1
    hops = []
    for number, value in enumerate(reversed(received), start=1):
        hop = parse_received(value, number)
        role = "untrusted" if number < oldest_trusted else _role(hop, number == oldest_trusted)
        hops.append(dataclasses.replace(hop, role=role))
    return hops


def _role(hop: Hop, first: bool) -> str:
    upper = hop.protocol.upper()
    if upper in _DELIVERY:
        return "delivery"
    if first and (hop.authenticated or upper in _SUBMISSION_PROTOCOLS):
        return "submission"
    if first:
        return "unauthenticated"
    return "relay"


def grade_send_fetch(found: Sequence[Sequence[str]], *, lab_hosts: Iterable[str]) -> SendVerdict:
    """Grade exercise 2 from the Received: headers of each message found (newest last).

    Full marks when the newest message entered the lab by authenticated submission, as
    the lab's own headers tell; half when it arrived another way (through the relay,
    without logging in), whatever headers the client wrote itself.
    """
    if not found:
        return SendVerdict(0.0, "not_found")
    hops = tuple(hops_from_received(found[-1], lab_hosts))
    entry = next((hop for hop in hops if hop.role != "untrusted"), None)
    if entry is not None and entry.role == "submission":
        return SendVerdict(1.0, "submitted", hops)
    return SendVerdict(0.5, "not_submitted", hops)


SUBMISSION_ROLES = ("submission", "submissions")


def grade_origin(
    origin: dict | None,
    mailbox_name: str,
    received: Sequence[str] = (),
    *,
    lab_hosts: Iterable[str] = (),
) -> SendVerdict:
    """Grade exercise 2 from what the embedded lab's server recorded when the message came in.

    Full marks only for a message the trainee submitted themselves: SMTP on a submission
    port, logged in as their own mailbox. The hops are shown for reading, not graded.
    """
    hops = tuple(hops_from_received(received, lab_hosts))
    origin = origin or {}
    if origin.get("protocol") == "imap":
        return SendVerdict(0.5, "appended", hops)
    submitted = (
        origin.get("protocol") == "smtp"
        and origin.get("role") in SUBMISSION_ROLES
        and origin.get("login") == mailbox_name
    )
    return SendVerdict(
        1.0 if submitted else 0.5, "submitted" if submitted else "not_submitted", hops
    )

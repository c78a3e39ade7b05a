"""Exercise 2, send and fetch: the openssl steps, and the hops a message's Received: headers tell.

Each server a message crosses adds a Received: header on top, so read from the
bottom up they tell its path: the MUA hands it to the MSA (authenticated
submission, ESMTPA/ESMTPSA in RFC 3848 words), MTAs relay it, and the MDA files
it in the mailbox (LMTP or a local delivery). The parsing tolerates what
Postfix, Exim, Dovecot and Exchange write, comments nested in comments included.
"""

import base64
import dataclasses
import ipaddress
import re
from collections.abc import Sequence

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
    (MTA → MTA) and "delivery" (→ MDA, into the mailbox).
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


def hops_from_received(received: Sequence[str]) -> list[Hop]:
    """Return the hops of a message, oldest first, from its Received: headers (newest first)."""
    hops = []
    for number, value in enumerate(reversed(received), start=1):
        hop = parse_received(value, number)
        hops.append(dataclasses.replace(hop, role=_role(hop, first=number == 1)))
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


def grade_send_fetch(found: Sequence[Sequence[str]]) -> SendVerdict:
    """Grade exercise 2 from the Received: headers of each message found (newest last).

    Full marks when the newest message came in by authenticated submission;
    half when it arrived another way (through the relay, without logging in).
    """
    if not found:
        return SendVerdict(0.0, "not_found")
    hops = tuple(hops_from_received(found[-1]))
    if hops and hops[0].role == "submission":
        return SendVerdict(1.0, "submitted", hops)
    return SendVerdict(0.5, "not_submitted", hops)

"""Plain functions behind the lab's SMTP replies: command paths, ESMTP parameters, status codes.

Kept apart from the Twisted protocol so that every rule (RFC 5321 paths, RFC 1870 SIZE,
RFC 6531 SMTPUTF8, RFC 3463 enhanced status codes, the MSA's sender check) is tested on bytes,
and so that other lab servers (the fault-finding ones) can reuse them.
"""

import re
from dataclasses import dataclass, field

_ENHANCED = re.compile(rb"^[245]\.\d{1,3}\.\d{1,3}( |$)")
_PATH = re.compile(rb"^\s*(FROM|TO):\s*(<[^<>]*>|[^\s<>]+)(?:\s+(.*))?$", re.IGNORECASE)
_ROUTE = re.compile(r"^@[^:]+:")
_PARAMETER = re.compile(r"^([A-Za-z0-9][A-Za-z0-9-]*)(?:=([\x21-\x3c\x3e-\x7e]+))?$")

# The enhanced code (RFC 3463) a reply gets when its text does not carry one already.
DEFAULT_ENHANCED = {
    211: b"2.0.0",
    214: b"2.0.0",
    221: b"2.0.0",
    235: b"2.7.0",
    250: b"2.0.0",
    252: b"2.0.0",
    421: b"4.3.0",
    450: b"4.2.0",
    451: b"4.3.0",
    452: b"4.3.1",
    454: b"4.7.0",
    500: b"5.5.2",
    501: b"5.5.4",
    502: b"5.5.1",
    503: b"5.5.1",
    504: b"5.5.4",
    530: b"5.7.0",
    535: b"5.7.8",
    538: b"5.7.11",
    550: b"5.0.0",
    552: b"5.3.4",
    553: b"5.1.3",
    554: b"5.0.0",
    555: b"5.5.4",
}


class SmtpReply(Exception):
    """A refusal, carrying the reply a real MTA would send (text with its enhanced code)."""

    def __init__(self, code: int, text: str) -> None:
        super().__init__(text)
        self.code = code
        self.text = text


def with_enhanced_code(code: int, text: bytes) -> bytes:
    """Return ``text`` prefixed with the enhanced status code its reply code implies.

    Greetings, the STARTTLS go-ahead (220), SASL challenges (334) and the DATA go-ahead (354)
    carry none, as in Postfix; neither does a text that already starts with one.
    """
    if code in (220, 334, 354) or _ENHANCED.match(text) or code not in DEFAULT_ENHANCED:
        return text
    return DEFAULT_ENHANCED[code] + b" " + text


@dataclass(frozen=True)
class Path:
    """A MAIL FROM or RCPT TO command, parsed: the address (``""`` for ``<>``) and parameters."""

    address: str
    parameters: dict[str, str | None] = field(default_factory=dict)

    @property
    def is_ascii(self) -> bool:
        return self.address.isascii()


def parse_path(rest: bytes, keyword: str) -> Path:
    """Parse the argument of MAIL (``keyword`` "FROM") or RCPT ("TO"), or raise SmtpReply."""
    match = _PATH.match(rest)
    if match is None or match[1].upper().decode() != keyword:
        raise SmtpReply(
            501, f"5.5.4 Syntax: {'MAIL FROM' if keyword == 'FROM' else 'RCPT TO'}:<address>"
        )
    try:
        address = match[2].decode("utf-8").strip("<>")
        words = (match[3] or b"").decode("ascii").split()
    except UnicodeDecodeError:
        raise SmtpReply(501, "5.5.4 Invalid characters in the command") from None
    address = _ROUTE.sub("", address)  # RFC 5321 4.1.1.3: a source route is ignored
    if address and not _looks_like_address(address):
        raise SmtpReply(553, f"5.1.3 <{address}>: Bad address syntax")
    if not address and keyword == "TO":
        raise SmtpReply(553, "5.1.3 A recipient address is required")
    parameters: dict[str, str | None] = {}
    for word in words:
        found = _PARAMETER.match(word)
        if found is None:
            raise SmtpReply(501, "5.5.4 Bad parameter syntax: " + word)
        parameters[found[1].upper()] = found[2]
    return Path(address, parameters)


def _looks_like_address(address: str) -> bool:
    local, at, domain = address.rpartition("@")
    return bool(at and local and domain) and not any(c.isspace() for c in address)


def check_mail_parameters(path: Path, max_size: int) -> None:
    """Refuse (SmtpReply) the MAIL FROM parameters this server does not take.

    SIZE is judged here, before any data is sent (RFC 1870); an address that is not ASCII
    needs SMTPUTF8 (RFC 6531).
    """
    for name, value in path.parameters.items():
        if name == "SIZE":
            if value is None or not value.isdigit():
                raise SmtpReply(501, "5.5.4 Bad SIZE parameter")
            if int(value) > max_size:
                raise SmtpReply(552, "5.3.4 Message size exceeds fixed maximum message size")
        elif name == "BODY":
            if (value or "").upper() not in ("7BIT", "8BITMIME"):
                raise SmtpReply(501, "5.5.4 BODY is 7BIT or 8BITMIME")
        elif name == "SMTPUTF8":
            if value is not None:
                raise SmtpReply(501, "5.5.4 SMTPUTF8 takes no value")
        elif name != "AUTH":  # RFC 4954 AUTH=<> is allowed and ignored
            raise SmtpReply(555, f"5.5.4 Unsupported option: {name}")
    if not path.is_ascii and "SMTPUTF8" not in path.parameters:
        raise SmtpReply(553, "5.6.7 Non-ASCII address requires SMTPUTF8")


def check_rcpt(path: Path, smtputf8: bool) -> None:
    """Refuse RCPT TO parameters (none are supported) and non-ASCII without SMTPUTF8."""
    if path.parameters:
        raise SmtpReply(555, "5.5.4 Unsupported option: " + next(iter(path.parameters)))
    if not path.is_ascii and not smtputf8:
        raise SmtpReply(553, "5.6.7 Non-ASCII address requires SMTPUTF8")


def check_sender_owned(sender: str, login: str, domain: str) -> None:
    """Refuse (553 5.7.1) an envelope sender that is not the logged-in user's own address.

    A real MSA binds the sender to the login (Postfix: reject_sender_login_mismatch): without
    it, anyone with an account could send mail in anybody else's name.
    """
    own = f"{login}@{domain}".lower()
    if sender.lower() != own:
        shown = sender or "<>"
        raise SmtpReply(553, f"5.7.1 <{shown}>: Sender address rejected: not owned by user {own}")

"""Decide what a server said: pure functions over reply lines, no sockets.

Lines arrive here already decoded and stripped of their line ending. The rules
follow the RFCs (5321 for SMTP, 1939/2449 for POP3, 9051/3501 for IMAP) but
accept what real servers send: lower-case status words, `AUTH=` in EHLO from
old Outlook days, brackets at the end of an Exchange IMAP greeting.
"""

import dataclasses
import re

from .results import Capabilities, Protocol
from .transcript import clean_text

KEYWORD_LIMIT = 64
MAX_KEYWORDS = 100

_SMTP_LINE = re.compile(r"^([2-5]\d\d)(?:([ -])(.*)|)$", re.DOTALL)
_IMAP_STATUS = re.compile(
    r"^(\*|[A-Za-z0-9.]+)\s+(OK|NO|BAD|BYE|PREAUTH)\b(?:\s*\[([^\]]*)\])?\s*(.*)$",
    re.IGNORECASE,
)
_FTP = re.compile(r"ftp", re.IGNORECASE)  # vsFTPd, ProFTPD, Pure-FTPd...
_SOFTWARE = (
    ("Microsoft Exchange", re.compile(r"Microsoft (ESMTP|Exchange)", re.IGNORECASE)),
    ("Postfix", re.compile(r"\bPostfix\b", re.IGNORECASE)),
    ("Exim", re.compile(r"\bExim\b", re.IGNORECASE)),
    ("Dovecot", re.compile(r"\bDovecot\b", re.IGNORECASE)),
    ("Sendmail", re.compile(r"\bSendmail\b", re.IGNORECASE)),
    ("Courier", re.compile(r"\bCourier\b", re.IGNORECASE)),
    ("Cyrus", re.compile(r"\bCyrus\b", re.IGNORECASE)),
    ("Twisted", re.compile(r"\bTwisted\b", re.IGNORECASE)),
)


@dataclasses.dataclass(frozen=True)
class SmtpLine:
    code: int
    final: bool
    text: str


@dataclasses.dataclass(frozen=True)
class ImapStatus:
    tag: str  # "*" for untagged
    status: str  # OK, NO, BAD, BYE or PREAUTH, upper case
    code: str  # the [response code] without brackets, or ""
    text: str


def detect_protocol(first_line: str) -> Protocol:
    """Return the protocol that a server's first line belongs to."""
    line = first_line.strip()
    if _SMTP_LINE.match(line):
        # FTP greets with "220" too; its banners almost always name it.
        if _FTP.search(line) and "SMTP" not in line.upper():
            return Protocol.OTHER
        return Protocol.SMTP
    if pop3_status(line):
        return Protocol.POP3
    status = imap_status(line)
    if status and status.tag == "*" and status.status in {"OK", "PREAUTH", "BYE"}:
        return Protocol.IMAP
    return Protocol.OTHER


def other_kind(first_line: str) -> str:
    """Return a name for a non-mail service (http, ssh, ftp) or ""."""
    line = first_line.strip()
    if line.upper().startswith("HTTP/"):
        return "http"
    if line.startswith("SSH-"):
        return "ssh"
    if _SMTP_LINE.match(line) and _FTP.search(line):
        return "ftp"
    return ""


def guess_software(greeting: str) -> str:
    """Return the server software a greeting names (Postfix, Dovecot...) or ""."""
    for name, pattern in _SOFTWARE:
        if pattern.search(greeting):
            return name
    return ""


def smtp_line(line: str) -> SmtpLine | None:
    """Parse one SMTP reply line: code, whether it ends the reply, text."""
    match = _SMTP_LINE.match(line)
    if not match:
        return None
    return SmtpLine(int(match[1]), match[2] != "-", match[3] or "")


def smtp_reply_done(line: str) -> bool:
    """Return True if `line` ends an SMTP reply (any line that is not `ddd-`).

    A malformed line also ends it: waiting for more after garbage would only
    let a broken server hold the dialogue.
    """
    parsed = smtp_line(line)
    return parsed is None or parsed.final


def parse_ehlo(lines: list[str]) -> Capabilities:
    """Return the capabilities of an EHLO reply; the first line is the server name."""
    caps = Capabilities()
    for line in lines[1:]:
        parsed = smtp_line(line)
        words = (parsed.text if parsed else line).split()
        if not words:
            continue
        keyword = words[0].upper()
        if keyword.startswith("AUTH="):  # pre-RFC 4954 Outlook style: AUTH=LOGIN PLAIN
            keyword, words = "AUTH", [words[0][5:], *words[1:]]
        else:
            words = words[1:]
        _add(caps.keywords, keyword)
        if keyword == "AUTH":
            for mechanism in words:
                _add(caps.auth, mechanism.upper())
        elif keyword == "SIZE" and words and words[0].isdigit():
            caps.size = int(words[0])
        elif keyword == "STARTTLS":
            caps.starttls = True
    return caps


def pop3_status(line: str) -> str:
    """Return "+OK" or "-ERR" if the line starts with one, else ""."""
    head = line[:4].upper()
    if head.startswith("+OK") and (len(line) == 3 or not line[3].isalnum()):
        return "+OK"
    if head == "-ERR":
        return "-ERR"
    return ""


def pop3_multiline_done(line: str) -> bool:
    """Return True for the lone dot that ends a POP3 multi-line reply."""
    return line == "."


def parse_capa(lines: list[str]) -> Capabilities:
    """Return the capabilities of a POP3 CAPA reply (status line and dot excluded)."""
    caps = Capabilities()
    for line in lines:
        words = line.split()
        if not words:
            continue
        keyword = words[0].upper()
        _add(caps.keywords, keyword)
        if keyword == "SASL":
            for mechanism in words[1:]:
                _add(caps.auth, mechanism.upper())
        elif keyword == "STLS":
            caps.starttls = True
    return caps


def imap_status(line: str) -> ImapStatus | None:
    """Parse an IMAP status response (`* OK [CODE] text`, `a1 NO text`...)."""
    match = _IMAP_STATUS.match(line.strip())
    if not match:
        return None
    return ImapStatus(match[1], match[2].upper(), match[3] or "", match[4])


def imap_capabilities(lines: list[str]) -> Capabilities | None:
    """Return the capabilities found in IMAP lines, from `* CAPABILITY` or a [CAPABILITY] code.

    The untagged CAPABILITY response wins over a response code because it is
    the answer to our own command; None means no line listed capabilities.
    """
    found = None
    for line in lines:
        words = line.split()
        if len(words) >= 2 and words[0] == "*" and words[1].upper() == "CAPABILITY":
            return _imap_atoms(words[2:])
        status = imap_status(line)
        if found is None and status and status.code.upper().startswith("CAPABILITY"):
            found = _imap_atoms(status.code.split()[1:])
    return found


def _imap_atoms(atoms: list[str]) -> Capabilities:
    caps = Capabilities()
    for atom in atoms:
        keyword = atom.upper()
        _add(caps.keywords, keyword)
        if keyword.startswith("AUTH="):
            _add(caps.auth, keyword[5:])
        elif keyword == "STARTTLS":
            caps.starttls = True
        elif keyword == "LOGINDISABLED":
            caps.login_disabled = True
    return caps


def _add(items: list[str], item: str) -> None:
    """Append a keyword once, cleaned: it comes from the server and may be shown."""
    item = clean_text(item, KEYWORD_LIMIT)
    if item and item not in items and len(items) < MAX_KEYWORDS:
        items.append(item)


def line_status(protocol: Protocol | None, line: str) -> str:
    """Return the status token of a reply line (`250`, `+OK`, `NO`...) or "".

    With no protocol yet (a greeting), try each in turn.
    """
    if protocol in (None, Protocol.SMTP):
        parsed = smtp_line(line)
        if parsed:
            return str(parsed.code)
    if protocol in (None, Protocol.POP3):
        status = pop3_status(line)
        if status:
            return status
    if protocol in (None, Protocol.IMAP):
        parsed_imap = imap_status(line)
        if parsed_imap:
            return parsed_imap.status
    return ""

"""What the prober finds about each port, as plain dataclasses ready for JSON.

Every text field that came from the server (greeting, certificate names,
transcript lines) has already been cleaned by `transcript.clean_text`:
control characters removed and length bounded. Escaping is the template's job.
"""

import dataclasses
import datetime
import enum
from typing import Any


class PortState(enum.StrEnum):
    CLOSED = "closed"  # connection refused
    FILTERED = "filtered"  # no answer to the connection attempt
    NO_GREETING = "no_greeting"  # connected, but nothing identifiable came
    OPEN = "open"  # something answered; see `protocol`


class Protocol(enum.StrEnum):
    SMTP = "smtp"
    POP3 = "pop3"
    IMAP = "imap"
    OTHER = "other"  # something answered, but not a mail protocol (HTTP, SSH...)
    UNKNOWN = "unknown"  # not open, or TLS failed before anything was said


class Security(enum.StrEnum):
    PLAINTEXT = "plaintext"  # clear text and no STARTTLS/STLS offered
    STARTTLS = "starttls"  # clear text, upgrade offered (see `upgrade`)
    IMPLICIT_TLS = "implicit_tls"  # TLS from the first byte
    UNKNOWN = "unknown"


class Upgrade(enum.StrEnum):
    NOT_OFFERED = "not_offered"
    DONE = "done"
    REFUSED = "refused"  # the server answered STARTTLS/STLS with an error
    FAILED = "failed"  # accepted, but the TLS handshake failed
    NOT_TRIED = "not_tried"  # offered, but the dialogue stopped before


@dataclasses.dataclass(frozen=True)
class PortTarget:
    """One port of a lab server. `implicit_tls` is a hint: None means guess from the port."""

    host: str
    port: int
    implicit_tls: bool | None = None


@dataclasses.dataclass
class Capabilities:
    keywords: list[str] = dataclasses.field(default_factory=list)
    auth: list[str] = dataclasses.field(default_factory=list)
    size: int | None = None
    starttls: bool = False
    login_disabled: bool = False


@dataclasses.dataclass
class CertificateInfo:
    subject: str
    issuer: str
    not_before: datetime.datetime
    not_after: datetime.datetime
    self_signed: bool
    fingerprint_sha256: str
    names: list[str] = dataclasses.field(default_factory=list)
    key: str = ""


@dataclasses.dataclass
class Verification:
    """Outcome of checking the chain and the name; `problems` holds reason codes."""

    ok: bool
    problems: list[str] = dataclasses.field(default_factory=list)
    detail: str = ""


@dataclasses.dataclass
class TlsInfo:
    established: bool
    version: str = ""
    cipher: str = ""
    certificate: CertificateInfo | None = None
    verification: Verification | None = None
    error: str = ""  # reason code when the handshake failed
    error_detail: str = ""


@dataclasses.dataclass
class TranscriptLine:
    """One line of a dialogue: S (server), C (client) or * (a note of ours)."""

    direction: str
    text: str
    tls: bool = False
    status: str = ""  # reply code or status word, for explanations
    note: str = ""  # note code, for translation of `*` lines
    params: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class PortResult:
    host: str
    port: int
    address: str = ""
    state: PortState = PortState.NO_GREETING
    protocol: Protocol = Protocol.UNKNOWN
    security: Security = Security.UNKNOWN
    upgrade: Upgrade = Upgrade.NOT_OFFERED
    greeting: str = ""
    software: str = ""  # a guess from the greeting: Postfix, Dovecot...
    other_kind: str = ""  # for Protocol.OTHER: http, ssh, ftp or ""
    tls: TlsInfo | None = None
    capabilities_before: Capabilities | None = None
    capabilities_after: Capabilities | None = None
    # With STARTTLS offered: must the client use it? True (SMTP 530 to MAIL FROM before TLS,
    # IMAP LOGINDISABLED, POP3 without USER/SASL before TLS), False, None when not known.
    tls_required: bool | None = None
    error: str = ""  # reason code; see replycodes.explain_error
    error_detail: str = ""
    elapsed: float = 0.0
    transcript: list[TranscriptLine] = dataclasses.field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return the result as JSON-ready builtins (enums as values, dates as ISO 8601)."""
        return _jsonable(dataclasses.asdict(self))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 3)
    return value

"""The lab prober: what answers on each port of a lab mail server, and how it is secured.

Plain asyncio, no Django models or requests. `probe_ports` (async) and `probe`
(sync) are the entry points; `imap_find_message` / `find_message` look for a
message in a lab mailbox without marking it read. `TargetRefused` is raised
before any connection for a target outside the lab's allowed networks.
`replycodes` explains results to the trainee; `transcript.render` prints a
dialogue as telnet would.
"""

from .imapcheck import FoundMessage, MailboxCheck, find_message, imap_find_message
from .prober import probe, probe_port, probe_ports
from .results import (
    Capabilities,
    CertificateInfo,
    PortResult,
    PortState,
    PortTarget,
    Protocol,
    Security,
    TlsInfo,
    TranscriptLine,
    Upgrade,
    Verification,
)
from .safety import TargetRefused

__all__ = [
    "Capabilities",
    "CertificateInfo",
    "FoundMessage",
    "MailboxCheck",
    "PortResult",
    "PortState",
    "PortTarget",
    "Protocol",
    "Security",
    "TargetRefused",
    "TlsInfo",
    "TranscriptLine",
    "Upgrade",
    "Verification",
    "find_message",
    "imap_find_message",
    "probe",
    "probe_port",
    "probe_ports",
]

"""Exercise 1, the port map: for each port, which protocol answers and how it is secured.

The trainee answers in a small vocabulary (PROTOCOLS, SECURITIES); the probe's
finding is mapped onto the same vocabulary, and each half of a cell is worth
one point. A half the probe could not settle (a TLS server that refused our
handshake says nothing of its protocol) is not graded rather than graded wrong.
"""

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

PROTOCOLS = ("smtp", "pop3", "imap", "none")
SECURITIES = ("plaintext", "starttls", "implicit_tls", "closed")
_MAIL = {"smtp", "pop3", "imap"}
_SECURITY = {"plaintext", "starttls", "implicit_tls"}


@dataclasses.dataclass(frozen=True)
class Expected:
    """The right answer for one port; None where the probe cannot tell."""

    protocol: str | None
    security: str | None


@dataclasses.dataclass(frozen=True)
class Cell:
    """One half of a port's answer: what was given, what was right, whether it counts."""

    given: str
    expected: str | None

    @property
    def graded(self) -> bool:
        return self.expected is not None

    @property
    def right(self) -> bool:
        return self.graded and self.given == self.expected


@dataclasses.dataclass(frozen=True)
class PortGrade:
    protocol: Cell
    security: Cell

    @property
    def points(self) -> int:
        return sum(cell.right for cell in (self.protocol, self.security))

    @property
    def possible(self) -> int:
        return sum(cell.graded for cell in (self.protocol, self.security))

    @property
    def score(self) -> float | None:
        """Return the share of graded halves answered right, or None if none is graded."""
        return self.points / self.possible if self.possible else None


def expected_for(result: Mapping[str, Any]) -> Expected:
    """Return the right answer for a probe result (PortResult.to_dict())."""
    state = result.get("state")
    if state in ("closed", "filtered"):
        return Expected("none", "closed")
    protocol = result.get("protocol")
    security = result.get("security")
    if state == "no_greeting":
        # Something accepted the connection but spoke no mail protocol.
        return Expected("none", security if security in _SECURITY else None)
    if protocol in _MAIL:
        expected_protocol = protocol
    elif protocol == "other":
        expected_protocol = "none"
    else:
        expected_protocol = None
    return Expected(expected_protocol, security if security in _SECURITY else None)


def grade_port(answer: Mapping[str, str], result: Mapping[str, Any]) -> PortGrade:
    """Grade one port's answer ({"protocol": ..., "security": ...}) against the probe."""
    expected = expected_for(result)
    return PortGrade(
        Cell(answer.get("protocol", ""), expected.protocol),
        Cell(answer.get("security", ""), expected.security),
    )


def grade_run(grades: Iterable[PortGrade]) -> float | None:
    """Return the run's grade: all points over all graded halves, None if nothing is graded."""
    grades = list(grades)
    possible = sum(grade.possible for grade in grades)
    return sum(grade.points for grade in grades) / possible if possible else None


def answer_key(port: int) -> str:
    """Return the key of a port in a run's answers (JSON object keys are strings)."""
    return str(port)

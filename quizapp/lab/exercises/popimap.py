"""Exercise 3, POP3 versus IMAP: what the server kept, and what a second device therefore sees.

Two practice messages are marked in their subject: [POP-XXXXXX-1] and
[POP-XXXXXX-2]. The trainee downloads the first with POP3 without leaving a
copy (RFC 1939: DELE, effective at QUIT, removes it from the server) and reads
the second over IMAP (RFC 9051: the \\Seen flag lives on the server). The grade
checks the server state; the explanation says what any other client sees.
"""

import dataclasses
from collections.abc import Iterable


@dataclasses.dataclass(frozen=True)
class MessageState:
    present: bool
    seen: bool = False
    removed_by: str = ""  # for a message gone: "pop3" or "imap" when the server knows


GONE = MessageState(present=False)


@dataclasses.dataclass(frozen=True)
class PopImapVerdict:
    """The grade and, for each message, a finding code and what a second device sees."""

    grade: float
    first: str  # gone, deleted_imap, kept_seen, kept_unseen
    second: str  # seen, unseen, gone
    setup_missing: bool  # neither message is on the server: nothing to grade


def marker(token: str, number: int) -> str:
    """Return the subject marker of practice message `number` (1 or 2)."""
    return f"[{token}-{number}]"


def states_from_subjects(
    token: str, messages: Iterable[tuple[str, bool]]
) -> tuple[MessageState, MessageState]:
    """Return the state of practice messages 1 and 2 from (subject, seen) pairs."""
    states = [GONE, GONE]
    for subject, seen in messages:
        for index in (0, 1):
            if marker(token, index + 1) in subject:
                previous = states[index]
                # A message sent twice counts as read once any copy is.
                states[index] = MessageState(True, seen or (previous.present and previous.seen))
    return states[0], states[1]


def with_removals(state: MessageState, subject_marker: str, removals) -> MessageState:
    """Return a gone message's state with the protocol that removed it, from the store's log."""
    if state.present:
        return state
    by = [r.get("by", "") for r in removals if subject_marker in r.get("subject", "")]
    return dataclasses.replace(state, removed_by=by[-1]) if by else state


def grade_pop_vs_imap(
    first: MessageState, second: MessageState, *, delivered: bool = False
) -> PopImapVerdict:
    """Grade: half for the first message gone from the server, half for the second \\Seen.

    With both messages absent, only `delivered` (the site put them there itself)
    tells a POP3 client that took everything from messages that never came.
    """
    if not first.present and not second.present and not delivered:
        return PopImapVerdict(0.0, "gone", "gone", setup_missing=True)
    if not first.present:
        # The embedded server knows who removed it: deleting over IMAP is not what was asked.
        first_code = "deleted_imap" if first.removed_by == "imap" else "gone"
    else:
        first_code = "kept_seen" if first.seen else "kept_unseen"
    second_code = "gone" if not second.present else ("seen" if second.seen else "unseen")
    grade = 0.5 * (first_code == "gone") + 0.5 * (second_code == "seen")
    return PopImapVerdict(grade, first_code, second_code, setup_missing=False)

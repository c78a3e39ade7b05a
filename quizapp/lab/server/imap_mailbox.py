"""The IMAP side of the store: messages as twisted.mail sees them, and one session's INBOX.

IMAP numbers messages 1..N per session, and those numbers may only shift when the server tells
the client (an EXPUNGE response). So each session keeps its own list of UIDs; changes made by
others (POP3, other IMAP clients, new mail) reach that list only in ``refresh``, which also
writes the responses that tell the client.
"""

import contextlib
import datetime
import email
import email.policy
import email.utils
import io

from twisted.internet import defer
from twisted.mail import imap4
from zope.interface import implementer

from quizapp.lab.server.headers import split_message, to_crlf
from quizapp.lab.server.store import DELETED, SEEN, SYSTEM_FLAGS, MailStore, UnknownMessage


@implementer(imap4.IMessagePart)
class StoredPart:
    """A message or MIME part served from its octets."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        self._parsed: email.message.Message | None = None

    def _message(self) -> email.message.Message:
        if self._parsed is None:
            self._parsed = email.message_from_bytes(self.raw, policy=email.policy.compat32)
        return self._parsed

    def getHeaders(self, negate: bool, *names) -> dict[str, str]:
        wanted = {(n.decode() if isinstance(n, bytes) else n).lower() for n in names}
        headers: dict[str, str] = {}
        for key, value in self._message().items():
            if wanted and (key.lower() in wanted) == negate:
                continue
            headers.setdefault(key.lower(), str(value))
        return headers

    def getBodyFile(self) -> io.BytesIO:
        return io.BytesIO(split_message(self.raw)[1])

    def getSize(self) -> int:
        return len(self.raw)

    def isMultipart(self) -> bool:
        return self._message().is_multipart()

    def getSubPart(self, part: int) -> "StoredPart":
        return StoredPart(to_crlf(self._message().get_payload(part).as_bytes()))


@implementer(imap4.IMessage, imap4.IMessageFile)
class StoredMessage(StoredPart):
    """A message of the store as IMAP sees it: octets, UID, flags, arrival date."""

    def __init__(self, raw: bytes, uid: int, flags, arrived: float) -> None:
        super().__init__(raw)
        self.uid = uid
        self.flags = sorted(flags)
        self.arrived = arrived

    def getUID(self) -> int:
        return self.uid

    def getFlags(self) -> list[str]:
        return self.flags

    def getInternalDate(self) -> str:
        when = datetime.datetime.fromtimestamp(self.arrived, datetime.UTC)
        return email.utils.format_datetime(when)

    def open(self) -> io.BytesIO:
        return io.BytesIO(self.raw)


@implementer(imap4.IMailbox, imap4.ICloseableMailbox)
class InboxView:
    """One session's INBOX: the store seen through this session's sequence numbers."""

    def __init__(self, store: MailStore, name: str, writeable: bool) -> None:
        self.mailstore = store
        self.name = name
        self.writeable = writeable
        state = store.ensure(name)
        self.uidvalidity = state.uidvalidity
        self.uids = [m.uid for m in state.messages]
        self.flags = {m.uid: m.flags for m in state.messages}
        self.listeners: list = []

    # Mailbox information ------------------------------------------------------------------------

    def getFlags(self) -> list[str]:
        return list(SYSTEM_FLAGS)

    def getHierarchicalDelimiter(self) -> str:
        return "/"

    def getUIDValidity(self) -> int:
        return self.uidvalidity

    def getUIDNext(self) -> int:
        return self.mailstore.state(self.name).uidnext

    def getUID(self, message: int) -> int:
        return self.uids[message - 1]

    def getMessageCount(self) -> int:
        return len(self.uids)

    def getRecentCount(self) -> int:
        return 0  # \Recent is optional per session and gone from IMAP4rev2

    def getUnseenCount(self) -> int:
        return sum(1 for uid in self.uids if SEEN not in self.flags[uid])

    def isWriteable(self) -> bool:
        return self.writeable

    def destroy(self) -> None:
        raise imap4.MailboxException("INBOX cannot be deleted")

    def requestStatus(self, names) -> dict:
        return imap4.statusRequestHelper(self, names)

    def close(self) -> None:
        self.mailstore.unsubscribe(self.name, self._changed)

    # Listeners: sessions in IDLE hear about changes at once -------------------------------------

    def addListener(self, listener) -> None:
        if not self.listeners:
            self.mailstore.subscribe(self.name, self._changed)
        self.listeners.append(listener)

    def removeListener(self, listener) -> None:
        if listener in self.listeners:
            self.listeners.remove(listener)
        if not self.listeners:
            self.mailstore.unsubscribe(self.name, self._changed)

    def _changed(self, name: str) -> None:
        for listener in list(self.listeners):
            if getattr(listener, "parseState", None) == "idle":
                self.refresh(listener)

    def refresh(self, listener) -> None:
        """Bring this session up to date with the store and tell ``listener`` what changed."""
        current = self.mailstore.state(self.name).by_uid()
        for seq in self._drop_vanished(set(current)):
            listener.sendUntaggedResponse(b"%d EXPUNGE" % seq)
        new = [uid for uid in current if uid not in self.flags]
        for seq, uid in enumerate(self.uids, 1):
            if current[uid].flags != self.flags[uid]:
                self.flags[uid] = current[uid].flags
                encoded = " ".join(sorted(current[uid].flags)).encode()
                listener.sendUntaggedResponse(b"%d FETCH (FLAGS (%b))" % (seq, encoded))
        if new:
            self.uids.extend(sorted(new))
            self.flags.update((uid, current[uid].flags) for uid in new)
            listener.sendUntaggedResponse(b"%d EXISTS" % len(self.uids))

    def _drop_vanished(self, present: set[int]) -> list[int]:
        """Forget UIDs no longer in the store; return their sequence numbers, highest first.

        Highest first, so that each number is still right when the client reads it.
        """
        gone = [seq for seq, uid in enumerate(self.uids, 1) if uid not in present]
        for seq in reversed(gone):
            del self.flags[self.uids[seq - 1]]
            del self.uids[seq - 1]
        return list(reversed(gone))

    # Messages -----------------------------------------------------------------------------------

    def _targets(self, messages: imap4.MessageSet, uid: bool) -> list[tuple[int, int]]:
        """Return (sequence number, UID) for each message a sequence set names."""
        if not self.uids:
            return []
        # A FETCH that marks \Seen resolves its set twice; the second time "last" is set.
        with contextlib.suppress(ValueError):
            messages.last = self.uids[-1] if uid else len(self.uids)
        return [(seq, u) for seq, u in enumerate(self.uids, 1) if (u if uid else seq) in messages]

    def fetch(self, messages: imap4.MessageSet, uid: bool) -> list[tuple[int, StoredMessage]]:
        current = self.mailstore.state(self.name).by_uid()
        found = []
        for seq, u in self._targets(messages, uid):
            info = current.get(u)
            try:
                raw = self.mailstore.read(self.name, u) if info else None
            except UnknownMessage:
                raw = None
            if raw is not None:
                found.append((seq, StoredMessage(raw, u, info.flags, info.arrived)))
        return found

    def store(self, messages: imap4.MessageSet, flags, mode: int, uid: bool) -> dict:
        if not self.writeable:
            raise imap4.ReadOnlyMailbox()
        targets = self._targets(messages, uid)
        changed = self.mailstore.store_flags(self.name, [u for _, u in targets], flags, mode)
        self.flags.update(changed)
        return {seq: sorted(changed[u]) for seq, u in targets if u in changed}

    def mark_seen(self, messages: imap4.MessageSet, uid: bool) -> None:
        """Set \\Seen on the messages a FETCH of their content names."""
        targets = [u for _, u in self._targets(messages, uid) if SEEN not in self.flags[u]]
        if targets:
            self.flags.update(self.mailstore.store_flags(self.name, targets, [SEEN], 1))

    def addMessage(self, message, flags, date=None) -> defer.Deferred:
        """Add a message (Twisted's IMailbox); the lab's APPEND calls ``append`` instead."""
        return defer.succeed(self.append(to_crlf(message.read()), flags))

    def append(
        self, raw: bytes, flags, arrived: float | None = None, origin: dict | None = None
    ) -> int:
        """File a message in this mailbox and return its UID; the session sees it at refresh."""
        return self.mailstore.deliver(self.name, raw, flags, arrived=arrived, origin=origin)

    def copy_to(
        self, target: "InboxView", messages: imap4.MessageSet, uid: bool
    ) -> list[tuple[int, int]]:
        """Copy messages to another mailbox (flags and arrival kept); return (old, new) UIDs."""
        pairs = []
        known = self.mailstore.state(self.name).by_uid()
        for _seq, message in self.fetch(messages, uid):
            origin = known[message.uid].origin if message.uid in known else None
            new = target.append(message.raw, message.flags, message.arrived, origin)
            pairs.append((message.uid, new))
        return pairs

    def expunge(self) -> list[int]:
        if not self.writeable:
            raise imap4.ReadOnlyMailbox()
        return self.expunge_uids([uid for uid in self.uids if DELETED in self.flags[uid]])

    def expunge_uids(self, uids) -> list[int]:
        """Remove these messages for good; return the sequence numbers to report, highest first."""
        if not self.writeable:
            raise imap4.ReadOnlyMailbox()
        self.mailstore.remove(self.name, list(uids), by="imap")
        return self._drop_vanished(set(self.mailstore.state(self.name).by_uid()))

"""The one mailbox store behind SMTP, POP3 and IMAP.

Layout under ``<data_dir>/mail/<name>/``: ``index.json`` (UIDVALIDITY, UIDNEXT, and for each
message its UID, flags, arrival time and size) and ``msg/<uid>.eml`` (the message, CRLF line
endings, exactly the octets IMAP serves). Every write goes to a temporary file that replaces the
old one, so a reader never sees half a file and a crash never leaves a torn index.

Inside the server all three protocols run in one reactor thread, so each call below is atomic
for them. The web site runs in other processes (it empties a trainee's mailbox, it may read one),
hence the ``flock`` around every read-modify-write: two processes can never both allocate a UID
or both rewrite the index from stale data.
"""

import email.parser
import email.policy
import fcntl
import json
import os
import re
import shutil
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

NAME_RE = re.compile(r"^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$")

MAX_FOLDERS = 40
MAX_FOLDER_NAME = 120
REMOVALS_KEPT = 20
SEEN = "\\Seen"
DELETED = "\\Deleted"
SYSTEM_FLAGS = ("\\Seen", "\\Answered", "\\Flagged", "\\Deleted", "\\Draft")


class UnknownMessage(LookupError):
    """The message is not (or no longer) in the mailbox."""


class FolderError(ValueError):
    """A folder cannot be created, renamed or deleted; the text says why, for IMAP's NO."""


def check_name(name: str) -> str:
    """Return ``name`` if it can be a mailbox (and a directory) name, else raise ValueError."""
    if not NAME_RE.match(name):
        raise ValueError(f"invalid mailbox name: {name!r}")
    return name


def check_folder(folder: str) -> str:
    """Return ``folder`` if it can name a folder (``Sent``, ``Archives/2026``), else raise."""
    parts = folder.split("/")
    if (
        not folder
        or len(folder) > MAX_FOLDER_NAME
        or any(part in ("", ".", "..") for part in parts)
        or any(ord(c) < 32 or c == "\x7f" for c in folder)
        or parts[0].upper() == "INBOX"
    ):
        raise FolderError(f"invalid folder name: {folder!r}")
    return folder


def folder_key(name: str, folder: str | None) -> str:
    """Return the store key of a trainee's folder: ``alice`` for INBOX, ``alice/Sent``."""
    return name if not folder else f"{name}/{folder}"


@dataclass(frozen=True)
class MessageInfo:
    """What the index knows about one message; ``origin`` says how it came in, if known.

    ``origin`` is written by the server itself (never read from the message): for SMTP the
    port role, TLS version, login, client address and time; for IMAP APPEND the login.
    """

    uid: int
    flags: frozenset[str]
    arrived: float
    size: int
    origin: dict | None = field(default=None, compare=True, hash=False)

    @property
    def seen(self) -> bool:
        return SEEN in self.flags


@dataclass(frozen=True)
class MailboxState:
    """A snapshot of one mailbox: UID counters, messages in UID order, recent removals.

    ``removed`` keeps the last few removals (uid, subject, by which protocol, when), so that
    an exercise can tell a POP3 download from an IMAP delete after the fact.
    """

    uidvalidity: int
    uidnext: int
    messages: tuple[MessageInfo, ...]
    removed: tuple[dict, ...] = ()

    def by_uid(self) -> dict[int, MessageInfo]:
        return {info.uid: info for info in self.messages}


def write_atomically(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix="." + path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def locked(lock_path: Path) -> Iterator[None]:
    """Hold an exclusive advisory lock on ``lock_path`` (created if missing)."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _to_state(data: dict) -> MailboxState:
    messages = tuple(
        MessageInfo(m["uid"], frozenset(m["flags"]), m["arrived"], m["size"], m.get("origin"))
        for m in data["messages"]
    )
    removed = tuple(data.get("removed", ())[-REMOVALS_KEPT:])
    return MailboxState(data["uidvalidity"], data["uidnext"], messages, removed)


def _entry(m: MessageInfo) -> dict:
    entry = {"uid": m.uid, "flags": sorted(m.flags), "arrived": m.arrived, "size": m.size}
    if m.origin is not None:
        entry["origin"] = m.origin
    return entry


def _to_json(state: MailboxState) -> bytes:
    data = {
        "uidvalidity": state.uidvalidity,
        "uidnext": state.uidnext,
        "messages": [_entry(m) for m in state.messages],
        "removed": list(state.removed),
    }
    return json.dumps(data, indent=1).encode()


def apply_flags(current: frozenset[str], flags: Iterable[str], mode: int) -> frozenset[str]:
    """Return the flags after an IMAP STORE: mode 1 adds, -1 removes, 0 replaces."""
    wanted = frozenset(flags)
    if mode > 0:
        return current | wanted
    if mode < 0:
        return current - wanted
    return wanted


Listener = Callable[[str], None]


class MailStore:
    """Mailboxes on disk, shared by every protocol and by the web site."""

    def __init__(self, data_dir: Path) -> None:
        self.root = Path(data_dir) / "mail"
        self._listeners: dict[str, list[Listener]] = {}

    # Paths -------------------------------------------------------------------------------------

    def _dir(self, name: str) -> Path:
        user, _, folder = name.partition("/")
        if not folder:
            return self.root / check_name(user)
        return self._folders_dir(user) / urllib.parse.quote(check_folder(folder), safe="")

    def _folders_dir(self, user: str) -> Path:
        return self.root / check_name(user) / "folders"

    def _index(self, name: str) -> Path:
        return self._dir(name) / "index.json"

    def _message_path(self, name: str, uid: int) -> Path:
        return self._dir(name) / "msg" / f"{uid}.eml"

    # Reading -----------------------------------------------------------------------------------

    def state(self, name: str) -> MailboxState:
        """Return the mailbox's current snapshot (an empty one if it never received mail)."""
        try:
            return _to_state(json.loads(self._index(name).read_bytes()))
        except FileNotFoundError:
            return MailboxState(0, 1, ())

    def ensure(self, name: str) -> MailboxState:
        """Return the mailbox's snapshot, creating the mailbox (and its UIDVALIDITY) if new."""
        state = self.state(name)
        if state.uidvalidity:
            return state
        with self._editing(name):
            pass
        return self.state(name)

    def messages(self, name: str) -> tuple[MessageInfo, ...]:
        """Return the messages of a mailbox in UID order."""
        return self.state(name).messages

    def read(self, name: str, uid: int) -> bytes:
        """Return a message's octets, or raise UnknownMessage."""
        try:
            return self._message_path(name, uid).read_bytes()
        except FileNotFoundError:
            raise UnknownMessage(uid) from None

    # Writing -----------------------------------------------------------------------------------

    @contextmanager
    def _editing(self, name: str) -> Iterator[dict]:
        """Lock a mailbox and yield its index as a dict; save it if the block succeeds."""
        directory = self._dir(name)
        (directory / "msg").mkdir(parents=True, exist_ok=True)
        with locked(directory / ".lock"):
            try:
                data = json.loads(self._index(name).read_bytes())
            except FileNotFoundError:
                # A new mailbox: UIDVALIDITY from the clock, so a mailbox re-created after
                # being wiped never reuses the UIDVALIDITY under which old UIDs were seen.
                data = {"uidvalidity": int(time.time()), "uidnext": 1, "messages": []}
            yield data
            write_atomically(self._index(name), _to_json(_to_state(data)))
        self._notify(name)

    def deliver(
        self,
        name: str,
        message: bytes,
        flags: Iterable[str] = (),
        arrived: float | None = None,
        origin: dict | None = None,
    ) -> int:
        """Add a message (CRLF line endings) to a mailbox and return its UID."""
        with self._editing(name) as data:
            uid = data["uidnext"]
            write_atomically(self._message_path(name, uid), message)
            data["uidnext"] = uid + 1
            info = MessageInfo(
                uid,
                frozenset(flags),
                time.time() if arrived is None else arrived,
                len(message),
                origin,
            )
            data["messages"].append(_entry(info))
        return uid

    def store_flags(
        self, name: str, uids: Iterable[int], flags: Iterable[str], mode: int
    ) -> dict[int, frozenset[str]]:
        """Change the flags of some messages; return the new flags of those that exist."""
        wanted = set(uids)
        flags = tuple(flags)
        changed: dict[int, frozenset[str]] = {}
        with self._editing(name) as data:
            for entry in data["messages"]:
                if entry["uid"] in wanted:
                    new = apply_flags(frozenset(entry["flags"]), flags, mode)
                    entry["flags"] = sorted(new)
                    changed[entry["uid"]] = new
        return changed

    def remove(self, name: str, uids: Iterable[int], by: str = "") -> list[int]:
        """Delete some messages for good; return the UIDs that were actually removed.

        ``by`` (``pop3``, ``imap``) names the protocol that removed them, kept in the index's
        short removal log with each message's subject.
        """
        doomed = set(uids)
        with self._editing(name) as data:
            kept = [m for m in data["messages"] if m["uid"] not in doomed]
            removed = [m["uid"] for m in data["messages"] if m["uid"] in doomed]
            data["messages"] = kept
            if by and removed:
                log = data.setdefault("removed", [])
                now = time.time()
                log.extend(
                    {"uid": uid, "by": by, "at": now, "subject": self._subject(name, uid)}
                    for uid in removed
                )
                data["removed"] = log[-REMOVALS_KEPT:]
        # Files go after the index no longer lists them: a reader may find a file the index
        # forgot, never an index entry without its file (except in the instant below).
        for uid in removed:
            self._message_path(name, uid).unlink(missing_ok=True)
        return removed

    def _subject(self, name: str, uid: int) -> str:
        try:
            raw = self.read(name, uid)
        except UnknownMessage:
            return ""
        headers = email.parser.BytesParser(policy=email.policy.compat32).parsebytes(
            raw, headersonly=True
        )
        return str(headers.get("Subject", ""))[:300]

    def empty(self, name: str) -> int:
        """Delete every message of a mailbox; return how many there were."""
        return len(self.remove(name, [m.uid for m in self.messages(name)]))

    # Folders (IMAP mailboxes other than INBOX) -----------------------------------------------

    def folders(self, name: str) -> list[str]:
        """Return the names of a trainee's folders, sorted (INBOX not included)."""
        try:
            entries = [p for p in self._folders_dir(name).iterdir() if p.is_dir()]
        except FileNotFoundError:
            return []
        return sorted(urllib.parse.unquote(p.name) for p in entries)

    def has_folder(self, name: str, folder: str) -> bool:
        return (self._dir(folder_key(name, folder)) / "index.json").exists()

    def create_folder(self, name: str, folder: str) -> None:
        """Create an empty folder, or raise FolderError (exists, bad name, too many)."""
        with locked(self.root / check_name(name) / ".folders.lock"):
            if self.has_folder(name, folder):
                raise FolderError("Mailbox already exists")
            if len(self.folders(name)) >= MAX_FOLDERS:
                raise FolderError(f"At most {MAX_FOLDERS} folders per lab mailbox")
            self.ensure(folder_key(name, folder))

    def delete_folder(self, name: str, folder: str) -> None:
        """Delete a folder and its messages; one with sub-folders is refused, as Dovecot does."""
        with locked(self.root / check_name(name) / ".folders.lock"):
            if not self.has_folder(name, folder):
                raise FolderError("Mailbox does not exist")
            if any(f.startswith(folder + "/") for f in self.folders(name)):
                raise FolderError("Mailbox has children, delete them first")
            shutil.rmtree(self._dir(folder_key(name, folder)))
        self._notify(folder_key(name, folder))

    def rename_folder(self, name: str, old: str, new: str) -> None:
        """Rename a folder and its sub-folders (``A`` → ``B`` moves ``A/x`` to ``B/x``)."""
        check_folder(new)
        with locked(self.root / check_name(name) / ".folders.lock"):
            if not self.has_folder(name, old):
                raise FolderError("Mailbox does not exist")
            if self.has_folder(name, new):
                raise FolderError("Target mailbox already exists")
            moving = [f for f in self.folders(name) if f == old or f.startswith(old + "/")]
            for folder in moving:
                target = new + folder[len(old) :]
                os.replace(self._dir(folder_key(name, folder)), self._dir(folder_key(name, target)))

    # In-process change notification ------------------------------------------------------------

    def subscribe(self, name: str, listener: Listener) -> None:
        """Call ``listener(name)`` after each change to that mailbox made by this process."""
        self._listeners.setdefault(name, []).append(listener)

    def unsubscribe(self, name: str, listener: Listener) -> None:
        """Stop calling ``listener``; unknown listeners are ignored."""
        listeners = self._listeners.get(name, [])
        if listener in listeners:
            listeners.remove(listener)

    def _notify(self, name: str) -> None:
        for listener in list(self._listeners.get(name, ())):
            listener(name)

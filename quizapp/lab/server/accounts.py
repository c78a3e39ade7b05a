"""Lab mailboxes and their passwords, kept in ``<data_dir>/accounts.json``.

The web site creates a mailbox for each trainee and shows them the generated password; the
lab server only reads the file to check logins. Passwords are stored as scrypt hashes. The
server re-reads the file whenever it changes on disk, so a mailbox created or reset by the web
site works at once, without restarting the lab server.
"""

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from quizapp.lab.server.store import NAME_RE, check_name, locked, write_atomically

# Easy to read aloud and to type on a phone: no 0/o, 1/l/i.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # noqa: S105 - not a password
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def generate_password(groups: int = 3, size: int = 4) -> str:
    """Return a random password such as ``k7pm-x2qa-9dfe`` (about 59 bits)."""
    return "-".join(
        "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(size)) for _ in range(groups)
    )


def hash_password(password: str) -> str:
    """Return a salted scrypt hash of ``password`` in a self-describing text form."""
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **_SCRYPT)
    params = "{n}${r}${p}".format(**_SCRYPT)
    salt_text = base64.b64encode(salt).decode()
    return f"scrypt${params}${salt_text}${base64.b64encode(digest).decode()}"


def verify_password(password: str, encoded: str) -> bool:
    """Return whether ``password`` matches a hash made by hash_password."""
    try:
        scheme, n, r, p, salt, digest = encoded.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p)
        )
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)


def mailbox_name_for(username: str) -> str:
    """Return a valid mailbox name derived from a site username (``Élodie.M`` → ``elodie.m``)."""
    ascii_name = unicodedata.normalize("NFKD", username).encode("ascii", "ignore").decode()
    cleaned = "".join(c if c.isalnum() or c in "._-" else "-" for c in ascii_name.lower())
    cleaned = cleaned.strip("._-")[:64].strip("._-") or "trainee"
    return check_name(cleaned)


def login_to_name(login: str, domain: str) -> str | None:
    """Return the mailbox a login names (``alice`` or ``alice@<domain>``), or None."""
    login = login.strip().lower()
    local, at, login_domain = login.partition("@")
    if at and login_domain != domain.lower():
        return None
    return local if NAME_RE.match(local) else None


def _accounts_file(data_dir: Path) -> Path:
    return Path(data_dir) / "accounts.json"


def _load(data_dir: Path) -> dict:
    try:
        return json.loads(_accounts_file(data_dir).read_bytes())
    except FileNotFoundError:
        return {"mailboxes": {}}


def _save(data_dir: Path, data: dict) -> None:
    write_atomically(_accounts_file(data_dir), json.dumps(data, indent=1).encode())


def create_mailbox(data_dir: Path, name: str, password: str | None = None) -> str:
    """Create a mailbox, or give an existing one a new password; return the password.

    Messages already in the mailbox are kept: use MailStore.empty to start afresh.
    """
    check_name(name)
    password = password or generate_password()
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    with locked(Path(data_dir) / ".accounts.lock"):
        data = _load(data_dir)
        data["mailboxes"][name] = {"password": hash_password(password), "set_at": time.time()}
        _save(data_dir, data)
    return password


def delete_mailbox(data_dir: Path, name: str) -> bool:
    """Remove a mailbox's login (its messages stay on disk); return whether it existed."""
    with locked(Path(data_dir) / ".accounts.lock"):
        data = _load(data_dir)
        existed = data["mailboxes"].pop(name, None) is not None
        if existed:
            _save(data_dir, data)
    return existed


def mailbox_exists(data_dir: Path, name: str) -> bool:
    """Return whether a mailbox of that name has a login."""
    return name in _load(data_dir)["mailboxes"]


@dataclass
class _Snapshot:
    stamp: tuple[int, int, int]
    hashes: dict[str, str]


class AccountBook:
    """The server's read-only view of accounts.json, reloaded when the file changes."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self._snapshot = _Snapshot((0, 0, 0), {})
        # Logins repeat (a mail client polls every few minutes): remember which passwords
        # already passed scrypt, keyed by the stored hash so that a reset forgets them.
        self._passed: dict[str, bytes] = {}

    def _hashes(self) -> dict[str, str]:
        try:
            st = _accounts_file(self.data_dir).stat()
        except FileNotFoundError:
            return {}
        stamp = (st.st_ino, st.st_mtime_ns, st.st_size)
        if stamp != self._snapshot.stamp:
            mailboxes = _load(self.data_dir)["mailboxes"]
            hashes = {name: entry["password"] for name, entry in mailboxes.items()}
            self._snapshot = _Snapshot(stamp, hashes)
        return self._snapshot.hashes

    def exists(self, name: str) -> bool:
        """Return whether the mailbox has a login."""
        return name in self._hashes()

    def verify(self, name: str, password: str) -> bool:
        """Return whether ``password`` opens mailbox ``name``."""
        encoded = self._hashes().get(name)
        if encoded is None:
            return False
        quick = hashlib.sha256(encoded.encode() + b"\0" + password.encode()).digest()
        remembered = self._passed.get(encoded)
        if remembered is not None and hmac.compare_digest(remembered, quick):
            return True
        if not verify_password(password, encoded):
            return False
        self._passed[encoded] = quick
        return True

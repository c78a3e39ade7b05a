"""A trainee's IMAP account: INBOX plus folders, the usual three marked with SPECIAL-USE.

Mail clients save what they send in Sent, keep drafts in Drafts and move deleted mail to
Trash; RFC 6154 attributes (``\\Sent``, ``\\Drafts``, ``\\Trash``) tell them which folder is
which, whatever its name. The three exist from the first login, as Dovecot's ``auto = create``
does; trainees may create, rename and delete others (and these too).
"""

from twisted.mail import imap4
from zope.interface import implementer

from quizapp.lab.server.imap_mailbox import InboxView
from quizapp.lab.server.store import FolderError, MailStore, folder_key

DELIMITER = "/"
SPECIAL_USE = {"Sent": "\\Sent", "Drafts": "\\Drafts", "Trash": "\\Trash"}


@implementer(imap4.IMailboxInfo)
class MailboxInfo:
    """What LIST shows of a mailbox: its attributes and the hierarchy delimiter."""

    def __init__(self, attributes: list[str]) -> None:
        self.attributes = attributes

    def getFlags(self) -> list[str]:
        return self.attributes

    def getHierarchicalDelimiter(self) -> str:
        return DELIMITER


def folder_of(name: str) -> str | None:
    """Return the store folder an IMAP mailbox name means: None for INBOX (any case)."""
    name = name.strip(DELIMITER)
    return None if name.upper() == "INBOX" else name


def list_attributes(folder: str, all_folders: list[str]) -> list[str]:
    """Return LIST's attributes for a folder: children or not, and its special use."""
    children = any(other.startswith(folder + DELIMITER) for other in all_folders)
    attributes = ["\\HasChildren" if children else "\\HasNoChildren"]
    if folder in SPECIAL_USE:
        attributes.append(SPECIAL_USE[folder])
    return attributes


@implementer(imap4.IAccount, imap4.INamespacePresenter)
class LabAccount:
    """A trainee's IMAP account over the shared store."""

    def __init__(self, store: MailStore, name: str) -> None:
        self.store = store
        self.name = name
        for folder in SPECIAL_USE:
            if not store.has_folder(name, folder):
                store.ensure(folder_key(name, folder))

    def listMailboxes(self, ref: str, wildcard: str) -> list:
        if not wildcard:
            # LIST "" "" asks for the hierarchy delimiter (RFC 3501, 6.3.8).
            return [("", MailboxInfo(["\\Noselect"]))]
        pattern = imap4.wildcardToRegexp(ref + wildcard, DELIMITER)
        folders = self.store.folders(self.name)
        found = []
        if pattern.match("INBOX") or imap4.wildcardToRegexp(
            (ref + wildcard).upper(), DELIMITER
        ).match("INBOX"):
            found.append(("INBOX", MailboxInfo(["\\HasNoChildren"])))
        for folder in folders:
            if pattern.match(folder):
                found.append((folder, MailboxInfo(list_attributes(folder, folders))))
        return found

    def select(self, name: str, rw: bool = True) -> InboxView | None:
        folder = folder_of(name)
        try:
            if folder is not None and not self.store.has_folder(self.name, folder):
                return None
        except FolderError:
            return None
        return InboxView(self.store, folder_key(self.name, folder), bool(rw))

    def create(self, pathspec: str) -> bool:
        folder = folder_of(pathspec)
        if folder is None:
            raise imap4.MailboxException("INBOX already exists")
        parts = folder.split(DELIMITER)
        try:
            for depth in range(1, len(parts)):  # RFC 9051 6.3.4: create the parents too
                parent = DELIMITER.join(parts[:depth])
                if not self.store.has_folder(self.name, parent):
                    self.store.create_folder(self.name, parent)
            self.store.create_folder(self.name, folder)
        except FolderError as error:
            raise imap4.MailboxException(str(error)) from None
        return True

    def delete(self, name: str) -> None:
        folder = folder_of(name)
        if folder is None:
            raise imap4.MailboxException("INBOX cannot be deleted")
        try:
            self.store.delete_folder(self.name, folder)
        except FolderError as error:
            raise imap4.MailboxException(str(error)) from None

    def rename(self, oldname: str, newname: str) -> None:
        old, new = folder_of(oldname), folder_of(newname)
        if old is None or new is None:
            raise imap4.MailboxException("INBOX cannot be renamed here")
        try:
            self.store.rename_folder(self.name, old, new)
        except FolderError as error:
            raise imap4.MailboxException(str(error)) from None

    def addMailbox(self, name: str, mbox=None) -> None:
        self.create(name)

    def isSubscribed(self, name: str) -> bool:
        return self.select(name, False) is not None

    def subscribe(self, name: str) -> None:
        if self.select(name, False) is None:
            raise imap4.MailboxException("No such mailbox")

    def unsubscribe(self, name: str) -> None:
        # Every folder stays subscribed: the lab has no hidden folders to forget.
        return None

    def getPersonalNamespaces(self) -> list:
        return [[b"", DELIMITER.encode()]]

    def getSharedNamespaces(self) -> None:
        return None

    def getUserNamespaces(self) -> None:
        return None

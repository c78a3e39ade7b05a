"""IMAP for the lab over twisted.mail: STARTTLS on the "143" port, implicit TLS on the "993" port.

One mailbox per trainee, INBOX, over the shared store. What differs from Twisted's stock server:
- LOGINDISABLED and no AUTH= before TLS; LOGIN and AUTHENTICATE refused with PRIVACYREQUIRED;
- fetching ``BODY[...]``, ``RFC822`` or ``RFC822.TEXT`` sets ``\\Seen`` (Twisted never does),
  ``BODY.PEEK[...]`` and ``RFC822.HEADER`` do not (RFC 3501, 6.4.5);
- header sections are served from the raw octets, so repeated fields such as ``Received:``
  all reach the client (Twisted rebuilds them from a dict and keeps one), and partial fetches
  (``BODY[]<0.100>``) return the requested octets only;
- changes made by other sessions (a POP3 DELE at QUIT, a new message, another client's flags)
  are reported at NOOP, CHECK and IDLE, as EXPUNGE / EXISTS / FETCH responses.
"""

from twisted.internet import protocol
from twisted.mail import imap4
from zope.interface import implementer

from quizapp.lab.server.auth import AUTH_MECHANISMS
from quizapp.lab.server.guard import has_pending_input
from quizapp.lab.server.headers import header_block, split_message
from quizapp.lab.server.imap_mailbox import InboxView, StoredMessage
from quizapp.lab.server.store import MailStore

PRIVACY_REQUIRED = (
    b"[PRIVACYREQUIRED] Plaintext authentication disallowed on non-secure connections"
)


def fetch_marks_seen(query: list) -> bool:
    """Return whether a parsed FETCH request reads message content without PEEK."""
    for item in query:
        if item.type in ("rfc822", "rfc822text"):
            return True
        has_section = item.type == "body" and (item.empty or item.header or item.text or item.mime)
        if has_section and not item.peek:
            return True
    return False


def partial(item, data: bytes) -> tuple[bytes, bytes]:
    """Return (response label, octets) of a BODY section, honouring ``<start.length>``."""
    label = item.getBytes()
    if item.partialBegin is None:
        return label, data
    label = label[: label.rindex(b"<")] + b"<%d>" % item.partialBegin
    return label, data[item.partialBegin : item.partialBegin + item.partialLength]


@implementer(imap4.IMailboxInfo)
class MailboxInfo:
    """What LIST shows of a mailbox: its attributes and the hierarchy delimiter."""

    def __init__(self, attributes: list[str]) -> None:
        self.attributes = attributes

    def getFlags(self) -> list[str]:
        return self.attributes

    def getHierarchicalDelimiter(self) -> str:
        return "/"


@implementer(imap4.IAccount, imap4.INamespacePresenter)
class LabAccount:
    """A trainee's IMAP account: INBOX and nothing else."""

    def __init__(self, store: MailStore, name: str) -> None:
        self.store = store
        self.name = name

    def listMailboxes(self, ref: str, wildcard: str) -> list:
        if not wildcard:
            # LIST "" "" asks for the hierarchy delimiter (RFC 3501, 6.3.8).
            return [("", MailboxInfo(["\\Noselect"]))]
        pattern = imap4.wildcardToRegexp((ref + wildcard).upper(), "/")
        return [("INBOX", MailboxInfo(["\\HasNoChildren"]))] if pattern.match("INBOX") else []

    def select(self, name: str, rw: bool = True) -> InboxView | None:
        if name.upper() != "INBOX":
            return None
        return InboxView(self.store, self.name, bool(rw))

    def create(self, pathspec: str) -> bool:
        return False

    def addMailbox(self, name: str, mbox=None) -> None:
        raise imap4.MailboxException("This lab account only has INBOX")

    delete = addMailbox

    def rename(self, oldname: str, newname: str) -> None:
        raise imap4.MailboxException("This lab account only has INBOX")

    def isSubscribed(self, name: str) -> bool:
        return name.upper() == "INBOX"

    def subscribe(self, name: str) -> None:
        if name.upper() != "INBOX":
            raise imap4.MailboxException("No such mailbox")

    def unsubscribe(self, name: str) -> None:
        raise imap4.MailboxException("INBOX stays subscribed")

    def getPersonalNamespaces(self) -> list:
        return [[b"", b"/"]]

    def getSharedNamespaces(self) -> None:
        return None

    def getUserNamespaces(self) -> None:
        return None


class LabIMAP4Server(imap4.IMAP4Server):
    """Twisted's IMAP4 server with the lab's rules (see the module docstring)."""

    IDENT = b"Facteur lab IMAP4rev1 server ready"

    def __init__(self, factory: "ImapFactory") -> None:
        implicit = factory.implicit_tls
        super().__init__(
            chal=dict(AUTH_MECHANISMS) if implicit else {},
            contextFactory=None if implicit else factory.tls_options,
        )
        self.factory = factory
        self.portal = factory.portal
        self.implicit_tls = implicit

    @property
    def secure(self) -> bool:
        return self.implicit_tls or self.startedTLS

    def capabilities(self) -> dict[bytes, list[bytes] | None]:
        cap: dict[bytes, list[bytes] | None] = {}
        if self.secure:
            cap[b"AUTH"] = list(self.challengers)
        elif self.ctx and self.canStartTLS:
            cap[b"STARTTLS"] = None
            cap[b"LOGINDISABLED"] = None
        cap[b"NAMESPACE"] = None
        cap[b"IDLE"] = None
        return cap

    def connectionLost(self, reason) -> None:
        if self.mbox is not None:
            self.mbox.removeListener(self)
        super().connectionLost(reason)

    # Before TLS ---------------------------------------------------------------------------------

    def do_STARTTLS(self, tag: bytes) -> None:
        if self.secure:
            self.sendBadResponse(tag, b"TLS is already active")
        elif has_pending_input(self):
            self.sendBadResponse(tag, b"Commands sent after STARTTLS before TLS")
            self.sendUntaggedResponse(b"BYE Closing connection")
            self.transport.loseConnection()
        elif not (self.ctx and self.canStartTLS):
            self.sendNegativeResponse(tag, b"TLS not available")
        else:
            self.sendPositiveResponse(tag, b"Begin TLS negotiation now")
            self.transport.startTLS(self.ctx)
            self.startedTLS = True
            self.challengers = dict(AUTH_MECHANISMS)

    unauth_STARTTLS = (do_STARTTLS,)

    def do_LOGIN(self, tag: bytes, user: bytes, passwd: bytes) -> None:
        if not self.secure:
            self.sendNegativeResponse(tag, PRIVACY_REQUIRED)
        else:
            super().do_LOGIN(tag, user, passwd)

    unauth_LOGIN = (do_LOGIN, imap4.IMAP4Server.arg_astring, imap4.IMAP4Server.arg_finalastring)

    def do_AUTHENTICATE(self, tag: bytes, args: bytes) -> None:
        if not self.secure:
            self.sendNegativeResponse(tag, PRIVACY_REQUIRED)
        else:
            super().do_AUTHENTICATE(tag, args)

    unauth_AUTHENTICATE = (do_AUTHENTICATE, imap4.IMAP4Server.arg_atom)

    # Reporting other sessions' changes ----------------------------------------------------------

    def do_NOOP(self, tag: bytes) -> None:
        if self.mbox is not None:
            self.mbox.refresh(self)
        super().do_NOOP(tag)

    unauth_NOOP = auth_NOOP = select_NOOP = logout_NOOP = (do_NOOP,)

    def checkpoint(self) -> None:
        if self.mbox is not None:
            self.mbox.refresh(self)

    def do_IDLE(self, tag: bytes) -> None:
        if self.mbox is not None:
            self.mbox.refresh(self)
        super().do_IDLE(tag)

    auth_IDLE = select_IDLE = (do_IDLE,)

    # APPEND: Twisted takes a literal of any size, so cap it like SMTP's SIZE ----------------------

    def arg_literal(self, line: bytes):
        size = line[1:-1] if line[:1] == b"{" and line[-1:] == b"}" else b""
        if size.isdigit() and int(size) > self.factory.max_message_size:
            raise imap4.IllegalClientResponse("Message too large")
        return super().arg_literal(line)

    auth_APPEND = select_APPEND = (
        imap4.IMAP4Server.do_APPEND,
        imap4.IMAP4Server.arg_astring,
        imap4.IMAP4Server.opt_plist,
        imap4.IMAP4Server.opt_datetime,
        arg_literal,
    )

    # SEARCH: RFC 3501 wants "* SEARCH" even when nothing matches; Twisted sends nothing --------

    _search_reported = True

    def do_SEARCH(self, tag: bytes, charset, query, uid: int = 0) -> None:
        self._search_reported = False
        super().do_SEARCH(tag, charset, query, uid=uid)

    select_SEARCH = (
        do_SEARCH,
        imap4.IMAP4Server.opt_charset,
        imap4.IMAP4Server.arg_searchkeys,
    )

    def sendUntaggedResponse(self, message: bytes, isAsync=None) -> None:
        if message.startswith(b"SEARCH"):
            self._search_reported = True
        super().sendUntaggedResponse(message, isAsync)

    def sendPositiveResponse(self, tag=None, message: bytes = b"") -> None:
        if message == b"SEARCH completed" and not self._search_reported:
            self.sendUntaggedResponse(b"SEARCH")
        super().sendPositiveResponse(tag, message)

    # FETCH ----------------------------------------------------------------------------------------

    def do_FETCH(self, tag: bytes, messages, query, uid: int = 0) -> None:
        if query and self.mbox.isWriteable() and fetch_marks_seen(query):
            self.mbox.mark_seen(messages, uid=bool(uid))
            if not any(item.type == "flags" for item in query):
                # RFC 3501: a \Seen set by this FETCH should be reported in its response.
                query = [*query, imap4._FetchParser.Flags()]
        super().do_FETCH(tag, messages, query, uid=uid)

    select_FETCH = (do_FETCH, imap4.IMAP4Server.arg_seqset, imap4.IMAP4Server.arg_fetchatt)

    def spew_body(self, part, id, msg, _w=None, _f=None):
        if part.part or part.mime or not isinstance(msg, StoredMessage):
            return super().spew_body(part, id, msg, _w, _f)
        if part.header:
            data = header_block(msg.raw, part.header.fields or (), part.header.negate)
        elif part.text:
            data = split_message(msg.raw)[1]
        elif part.empty:
            data = msg.raw
        else:
            return super().spew_body(part, id, msg, _w, _f)
        label, data = partial(part, data)
        (_w or self.transport.write)(label + b" " + imap4._literal(data))
        return None

    def spew_rfc822header(self, id, msg, _w=None, _f=None):
        if not isinstance(msg, StoredMessage):
            return super().spew_rfc822header(id, msg, _w, _f)
        (_w or self.transport.write)(b"RFC822.HEADER " + imap4._literal(header_block(msg.raw)))
        return None


class ImapFactory(protocol.ServerFactory):
    """Build LabIMAP4Server connections; ``implicit_tls`` for the "993" port."""

    noisy = False

    def __init__(self, portal, tls_options, implicit_tls: bool, max_message_size: int) -> None:
        self.portal = portal
        self.tls_options = tls_options
        self.implicit_tls = implicit_tls
        self.max_message_size = max_message_size

    def buildProtocol(self, addr) -> LabIMAP4Server:
        return LabIMAP4Server(self)

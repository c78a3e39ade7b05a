"""IMAP for the lab over twisted.mail: STARTTLS on the "143" port, implicit TLS on the "993" port.

One account per trainee (INBOX, Sent, Drafts, Trash and their own folders) over the shared
store. What differs from Twisted's stock server:
- LOGINDISABLED and no AUTH= before TLS; LOGIN and AUTHENTICATE refused with PRIVACYREQUIRED;
- fetching ``BODY[...]``, ``RFC822`` or ``RFC822.TEXT`` sets ``\\Seen`` (Twisted never does),
  ``BODY.PEEK[...]`` and ``RFC822.HEADER`` do not (RFC 3501, 6.4.5);
- header sections are served from the raw octets, so repeated fields such as ``Received:``
  all reach the client (Twisted rebuilds them from a dict and keeps one), and partial fetches
  (``BODY[]<0.100>``) return the requested octets only;
- changes made by other sessions (a POP3 DELE at QUIT, a new message, another client's flags)
  are reported at NOOP, CHECK and IDLE, as EXPUNGE / EXISTS / FETCH responses;
- FETCH responses are built whole by imap_fetch (ENVELOPE, BODYSTRUCTURE with RFC 9051's
  defaults, any 8-bit header encoded safely): a message that cannot be served costs a NO for
  that FETCH, never the session;
- SEARCH by imap_search (SUBJECT, FROM, CHARSET, SINCE... on decoded text, literals allowed);
- folders with SPECIAL-USE, CREATE / DELETE / RENAME, APPEND with or without flags and date,
  ``NO [TRYCREATE]`` for a missing target, MOVE (RFC 6851) and UIDPLUS (RFC 4315);
- failed logins are answered late and the third one closes the connection (guard.BrakedPortal).
"""

import datetime
import time

from twisted.internet import protocol
from twisted.logger import Logger
from twisted.mail import imap4

from quizapp.lab.server.auth import AUTH_MECHANISMS
from quizapp.lab.server.guard import LOGIN_FAILURE_DELAY, BrakedPortal, has_pending_input
from quizapp.lab.server.headers import to_crlf
from quizapp.lab.server.imap_account import LabAccount, MailboxInfo
from quizapp.lab.server.imap_fetch import fetch_response
from quizapp.lab.server.imap_search import Candidate, SearchError, check_charset, matches

__all__ = ["ImapFactory", "LabAccount", "LabIMAP4Server", "MailboxInfo"]
log = Logger()

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
        self.portal = BrakedPortal(factory.portal, self, factory.login_delay)
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
        for name in (b"NAMESPACE", b"IDLE", b"UIDPLUS", b"MOVE", b"SPECIAL-USE", b"CHILDREN"):
            cap[name] = None
        return cap

    # Failed logins (guard.BrakedPortal) ---------------------------------------------------------

    def hold(self) -> None:
        if self.blocked is None:
            self.blocked = []
        self.transport.pauseProducing()

    def release(self) -> None:
        self.transport.resumeProducing()
        self._unblock()

    def too_many_failures(self) -> None:
        self.sendUntaggedResponse(b"BYE Too many failed logins, closing connection")
        self.transport.loseConnection()

    def lineLengthExceeded(self, line) -> None:
        self.sendUntaggedResponse(b"BYE Line too long, closing connection")
        self.transport.loseConnection()

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

    # APPEND, COPY, MOVE, UID EXPUNGE: the folders' commands --------------------------------------

    def arg_literal(self, line: bytes):
        # Twisted takes a literal of any size, so cap it like SMTP's SIZE.
        size = line[1:-1] if line[:1] == b"{" and line[-1:] == b"}" else b""
        if size.isdigit() and int(size) > self.factory.max_message_size:
            raise imap4.IllegalClientResponse("Message too large")
        return super().arg_literal(line)

    def do_APPEND(self, tag: bytes, mailbox, flags, date, message) -> None:
        try:
            arrived = parse_append_date(date)
        except ValueError:
            self.sendBadResponse(tag, b"Invalid date-time")
            return
        target = self.account.select(imap4._parseMbox(mailbox))
        if target is None:
            self.sendNegativeResponse(tag, b"[TRYCREATE] Mailbox does not exist")
            return
        flag_names = [
            f.decode("ascii", "replace") if isinstance(f, bytes) else f for f in flags or ()
        ]
        origin = {"protocol": "imap", "login": self.account.name, "at": time.time()}
        uid = target.append(to_crlf(message.read()), flag_names, arrived, origin)
        self._refresh_if_selected(target)
        code = b"[APPENDUID %d %d]" % (target.getUIDValidity(), uid)
        self.sendPositiveResponse(tag, code + b" APPEND completed")

    auth_APPEND = select_APPEND = (
        do_APPEND,
        imap4.IMAP4Server.arg_astring,
        imap4.IMAP4Server.opt_plist,
        imap4.IMAP4Server.opt_datetime,
        arg_literal,
    )

    def _refresh_if_selected(self, target) -> None:
        if self.mbox is not None and self.mbox.name == target.name:
            self.mbox.refresh(self)

    def do_COPY(self, tag: bytes, messages, mailbox, uid: int = 0) -> None:
        self._copy(tag, messages, mailbox, bool(uid), move=False)

    select_COPY = (do_COPY, imap4.IMAP4Server.arg_seqset, imap4.IMAP4Server.arg_finalastring)

    def do_MOVE(self, tag: bytes, messages, mailbox, uid: int = 0) -> None:
        if not self.mbox.isWriteable():
            self.sendNegativeResponse(tag, b"[READ-ONLY] Mailbox is read-only")
            return
        self._copy(tag, messages, mailbox, bool(uid), move=True)

    select_MOVE = (do_MOVE, imap4.IMAP4Server.arg_seqset, imap4.IMAP4Server.arg_finalastring)

    def _copy(self, tag: bytes, messages, mailbox, uid: bool, move: bool) -> None:
        target = self.account.select(imap4._parseMbox(mailbox))
        if target is None:
            self.sendNegativeResponse(tag, b"[TRYCREATE] Mailbox does not exist")
            return
        pairs = self.mbox.copy_to(target, messages, uid)
        verb = b"MOVE" if move else b"COPY"
        if not pairs:
            self.sendPositiveResponse(tag, verb + b" completed, no messages")
            return
        code = b"[COPYUID %d %b %b]" % (
            target.getUIDValidity(),
            uid_set([old for old, _ in pairs]),
            uid_set([new for _, new in pairs]),
        )
        if not move:
            self._refresh_if_selected(target)
            self.sendPositiveResponse(tag, code + b" COPY completed")
            return
        self.sendUntaggedResponse(b"OK " + code + b" Moved")
        for seq in self.mbox.expunge_uids([old for old, _ in pairs]):
            self.sendUntaggedResponse(b"%d EXPUNGE" % seq)
        self._refresh_if_selected(target)
        self.sendPositiveResponse(tag, b"MOVE completed")

    def do_UID_EXPUNGE(self, tag: bytes, messages, uid: int = 1) -> None:
        if not self.mbox.isWriteable():
            self.sendNegativeResponse(tag, b"EXPUNGE ignored on read-only mailbox")
            return
        wanted = [u for _seq, u in self.mbox._targets(messages, uid=True)]
        doomed = [u for u in wanted if "\\Deleted" in self.mbox.flags[u]]
        for seq in self.mbox.expunge_uids(doomed):
            self.sendUntaggedResponse(b"%d EXPUNGE" % seq)
        self.sendPositiveResponse(tag, b"EXPUNGE completed")

    select_UIDEXPUNGE = (do_UID_EXPUNGE, imap4.IMAP4Server.arg_seqset)

    def do_UID(self, tag: bytes, command: bytes, line: bytes) -> None:
        command = command.upper()
        if command == b"EXPUNGE":
            self.dispatchCommand(tag, b"UIDEXPUNGE", line, uid=1)
        elif command in (b"COPY", b"FETCH", b"STORE", b"SEARCH", b"MOVE"):
            self.dispatchCommand(tag, command, line, uid=1)
        else:
            raise imap4.IllegalClientResponse(command)

    select_UID = (do_UID, imap4.IMAP4Server.arg_atom, imap4.IMAP4Server.arg_line)

    # SEARCH -------------------------------------------------------------------------------------

    def arg_searchkeys(self, line: bytes):
        """Read search keys, with the literals a client sends for non-ASCII text (``{5}``)."""
        return self._keys_with_literals(line)

    def _keys_with_literals(self, line: bytes):
        stripped = line.rstrip()
        if stripped.endswith(b"}") and b"{" in stripped:
            start = stripped.rindex(b"{")
            size = stripped[start + 1 : -1].rstrip(b"+")
            if size.isdigit():
                head = stripped[:start] + b"{%d}" % int(size)
                d = self._stringLiteral(int(size))
                d.addCallback(
                    lambda result: self._keys_with_literals(head + b"\r\n" + result[0] + result[1])
                )
                return d
        try:
            return imap4.parseNestedParens(line), b""
        except (imap4.MismatchedNesting, ValueError) as error:
            raise imap4.IllegalClientResponse(str(error)) from None

    def do_SEARCH(self, tag: bytes, charset, query, uid: int = 0) -> None:
        try:
            check_charset(charset)
        except LookupError:
            self.sendNegativeResponse(tag, b"[BADCHARSET (US-ASCII UTF-8)] Unsupported charset")
            return
        try:
            found = self._search(query, bool(uid))
        except SearchError as error:
            self.sendBadResponse(tag, b"Invalid search: " + str(error).encode("ascii", "replace"))
            return
        self.sendUntaggedResponse(b" ".join([b"SEARCH", *(b"%d" % n for n in found)]))
        self.sendPositiveResponse(tag, b"SEARCH completed")

    select_SEARCH = (do_SEARCH, imap4.IMAP4Server.opt_charset, arg_searchkeys)

    def _search(self, query: list, uid: bool) -> list[int]:
        messages = self.mbox.fetch(imap4.MessageSet(1, None), uid=False)
        last_seq = len(self.mbox.uids)
        last_uid = self.mbox.uids[-1] if self.mbox.uids else 0
        found = []
        for seq, message in messages:
            candidate = Candidate(
                seq,
                message.uid,
                frozenset(message.flags),
                message.arrived,
                message.raw,
                last_seq,
                last_uid,
            )
            if matches(query, candidate):
                found.append(message.uid if uid else seq)
        if not messages:
            matches(query, Candidate(1, 1, frozenset(), 0.0, b"\r\n", 1, 1))  # still BAD if bad
            return []
        return found

    # FETCH ----------------------------------------------------------------------------------------

    def do_FETCH(self, tag: bytes, messages, query, uid: int = 0) -> None:
        if query and self.mbox.isWriteable() and fetch_marks_seen(query):
            self.mbox.mark_seen(messages, uid=bool(uid))
            if not any(item.type == "flags" for item in query):
                # RFC 3501: a \Seen set by this FETCH should be reported in its response.
                query = [*query, imap4._FetchParser.Flags()]
        failed = 0
        for seq, message in self.mbox.fetch(messages, uid=bool(uid)):
            try:
                response = fetch_response(seq, message, query, bool(uid))
            except Exception:  # one bad message must not end the session
                log.failure("FETCH of UID {uid} failed", uid=message.uid)
                failed += 1
                continue
            self.transport.write(response)
        if failed:
            self.sendNegativeResponse(tag, b"[SERVERBUG] Some messages could not be fetched")
        else:
            self.sendPositiveResponse(tag, b"FETCH completed")

    select_FETCH = (do_FETCH, imap4.IMAP4Server.arg_seqset, imap4.IMAP4Server.arg_fetchatt)


def parse_append_date(date: bytes | None) -> float | None:
    """Return the time an APPEND's date-time names (``03-Dec-2026 13:05:00 +0100``), or None."""
    if date is None:
        return None
    text = date.decode("ascii").strip()
    day, rest = text.split("-", 1)
    parsed = datetime.datetime.strptime(f"{int(day):02d}-{rest}", "%d-%b-%Y %H:%M:%S %z")
    return parsed.timestamp()


def uid_set(uids: list[int]) -> bytes:
    """Return UIDs as a compact IMAP set (``3:5,9``), as COPYUID wants them."""
    ranges: list[list[int]] = []
    for uid in sorted(uids):
        if ranges and uid == ranges[-1][1] + 1:
            ranges[-1][1] = uid
        else:
            ranges.append([uid, uid])
    return b",".join(b"%d" % a if a == b else b"%d:%d" % (a, b) for a, b in ranges)


class ImapFactory(protocol.ServerFactory):
    """Build LabIMAP4Server connections; ``implicit_tls`` for the "993" port."""

    noisy = False

    def __init__(
        self,
        portal,
        tls_options,
        implicit_tls: bool,
        max_message_size: int,
        login_delay: float = LOGIN_FAILURE_DELAY,
    ) -> None:
        self.portal = portal
        self.tls_options = tls_options
        self.implicit_tls = implicit_tls
        self.max_message_size = max_message_size
        self.login_delay = login_delay

    def buildProtocol(self, addr) -> LabIMAP4Server:
        return LabIMAP4Server(self)

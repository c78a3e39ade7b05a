"""The site's own investigation of a trainee's faulty endpoint: the lines that prove the fault.

What a help desk would type (nc, openssl s_client, swaks), played over the
prober's bounded connection (probe.session.Conn), recorded as a transcript.
`proof` marks the lines that show the diagnosis: the page highlights them.
Only the lab's own endpoint is contacted, after the prober's safety check.
"""

import asyncio
import base64
import dataclasses
import secrets

from twisted.names import dns

from quizapp.lab.faults.catalogue import server_log
from quizapp.lab.probe import PortTarget
from quizapp.lab.probe.i18n import gettext_noop
from quizapp.lab.probe.results import TranscriptLine
from quizapp.lab.probe.safety import check_targets
from quizapp.lab.probe.session import Conn, ReplyTooLong, UpgradeInjection, error_code
from quizapp.lab.probe.tls import client_context
from quizapp.lab.probe.transcript import NOTES, Transcript, clean_text

STEP = 4.0
CLEAR_WAIT = 2.0  # how long a client waits for a clear-text greeting before giving up

FAULT_NOTES = {
    "no_clear_greeting": gettext_noop(
        "Nothing in clear text after %(seconds)s s: a client expecting a greeting (to send "
        "STARTTLS) waits in vain. Trying TLS at once on a new connection."
    ),
    "certificate_names": gettext_noop(
        "The certificate is for %(names)s; the client was given %(host)s."
    ),
    "no_auth": gettext_noop("EHLO offers no AUTH here: this port takes no login."),
    "greeting_after": gettext_noop("The greeting came %(seconds)s s after the connection."),
    "server_log": gettext_noop("Server log: %(line)s"),
    "failed": gettext_noop("The investigation stopped: %(code)s."),
}


class FaultTranscript(Transcript):
    """A transcript that also knows exercise 4's own notes, and which lines prove the fault."""

    def __init__(self) -> None:
        super().__init__()
        self.proof: list[int] = []

    def note(self, code: str, **params) -> None:
        clean = {key: clean_text(str(value)) for key, value in params.items()}
        text = (FAULT_NOTES.get(code) or NOTES[code]) % clean
        self.lines.append(TranscriptLine("*", text, note=code, params=clean))

    def mark(self) -> None:
        """Mark the last line as proof."""
        self.proof.append(len(self.lines) - 1)


@dataclasses.dataclass(frozen=True)
class Endpoint:
    host: str
    port: int
    allowed_networks: list[str]
    domain: str
    login: str = ""
    password: str = ""


def _smtp_status(line: str) -> str:
    return line[:3] if line[:3].isdigit() else ""


def _smtp_done(lines: list[str]) -> bool:
    return len(lines[-1]) < 4 or lines[-1][3] != "-"


def _one_line(lines: list[str]) -> bool:
    return True


def _pop_status(line: str) -> str:
    return line.split(" ", 1)[0] if line.startswith(("+OK", "-ERR")) else ""


async def _smtp(conn: Conn, command: str | None, shown: str | None = None) -> list[str]:
    if command is not None:
        await conn.send(command, STEP, shown)
    return await conn.read_reply(_smtp_done, STEP, _smtp_status)


async def _open(endpoint: Endpoint, transcript: Transcript, address: str) -> Conn:
    return await Conn.open(address, endpoint.port, transcript, STEP)


async def _implicit_tls(endpoint, params, t, address) -> None:
    conn = await _open(endpoint, t, address)
    try:
        await conn.read_reply(_smtp_done, CLEAR_WAIT, _smtp_status)
    except TimeoutError:
        t.note("no_clear_greeting", seconds=CLEAR_WAIT)
        t.mark()
    finally:
        conn.abort()
    conn = await _open(endpoint, t, address)
    try:
        await conn.start_tls(client_context(), endpoint.host, STEP)
        t.mark()
        await _smtp(conn, None)
        t.mark()
        await _smtp(conn, "QUIT")
    finally:
        await conn.close()


async def _cert_name(endpoint, params, t, address) -> None:
    conn = await _open(endpoint, t, address)
    try:
        info = await conn.start_tls(client_context(), endpoint.host, STEP)
        names = ", ".join(info.certificate.names) if info.certificate else "?"
        t.note("certificate_names", names=names, host=endpoint.host)
        t.mark()
        await conn.read_reply(_one_line, STEP)
        await conn.send("a LOGOUT", STEP)
        await conn.read_reply(lambda lines: lines[-1].startswith("a "), STEP)
    finally:
        await conn.close()


async def _smtp_starttls(conn: Conn, endpoint: Endpoint) -> None:
    await _smtp(conn, None)
    await _smtp(conn, "EHLO helpdesk.facteur.test")
    await _smtp(conn, "STARTTLS")
    await conn.start_tls(client_context(), endpoint.host, STEP)
    await _smtp(conn, "EHLO helpdesk.facteur.test")


async def _password_expired(endpoint, params, t, address) -> None:
    conn = await _open(endpoint, t, address)
    try:
        await _smtp_starttls(conn, endpoint)
        secret = f"\0{endpoint.login}\0{endpoint.password}".encode()
        command = "AUTH PLAIN " + base64.b64encode(secret).decode()
        reply = await _smtp(conn, command, shown="AUTH PLAIN ********")
        if reply[-1].startswith("535"):
            t.mark()
        await _smtp(conn, "QUIT")
    finally:
        await conn.close()


async def _over_quota(endpoint, params, t, address) -> None:
    conn = await _open(endpoint, t, address)
    try:
        await _smtp(conn, None)
        await _smtp(conn, "EHLO mx.example.net")
        await _smtp(conn, f"MAIL FROM:<colleague@{endpoint.domain}>")
        reply = await _smtp(conn, f"RCPT TO:<{params.get('mailbox', '')}@{endpoint.domain}>")
        if reply[-1][:3] in ("452", "552"):
            t.mark()
        await _smtp(conn, "QUIT")
    finally:
        await conn.close()


async def _relay_denied(endpoint, params, t, address) -> None:
    conn = await _open(endpoint, t, address)
    try:
        await _smtp(conn, None)
        ehlo = await _smtp(conn, "EHLO pc-accueil")
        if not any(line[4:].upper().startswith("AUTH") for line in ehlo):
            t.note("no_auth")
            t.mark()
        await _smtp(conn, f"MAIL FROM:<{params.get('person', 'user')}@{endpoint.domain}>")
        reply = await _smtp(conn, f"RCPT TO:<{params.get('outside', 'client@example.org')}>")
        if reply[-1].startswith("554"):
            t.mark()
        await _smtp(conn, "QUIT")
    finally:
        await conn.close()


async def _pop3_deletes(endpoint, params, t, address) -> None:
    conn = await _open(endpoint, t, address)

    async def pop(command: str | None, shown: str | None = None) -> list[str]:
        if command is not None:
            await conn.send(command, STEP, shown)
        return await conn.read_reply(_one_line, STEP, _pop_status)

    try:
        await pop(None)
        await pop("STLS")
        await conn.start_tls(client_context(), endpoint.host, STEP)
        await pop(f"USER {endpoint.login}")
        await pop(f"PASS {endpoint.password}", shown="PASS ********")
        stat = await pop("STAT")
        if stat[-1].startswith("+OK 0 "):
            t.mark()
        await pop("QUIT")
    finally:
        await conn.close()
    for line in server_log(params, endpoint.login):
        t.note("server_log", line=line)
    t.mark()


async def _slow_greeting(endpoint, params, t, address) -> None:
    loop = asyncio.get_running_loop()
    conn = await _open(endpoint, t, address)
    started = loop.time()
    try:
        await conn.read_reply(_smtp_done, float(params.get("delay", 30)) + STEP, _smtp_status)
        t.note("greeting_after", seconds=f"{loop.time() - started:.1f}")
        t.mark()
        await _smtp(conn, "QUIT")
    finally:
        await conn.close()


DNS_STATUS = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 5: "REFUSED"}


def _record_text(record: dns.RRHeader) -> str:
    payload = record.payload
    if record.type == dns.MX:
        value = f"{payload.preference} {payload.name}."
    elif record.type in (dns.A, dns.AAAA):
        value = payload.dottedQuad() if record.type == dns.A else str(payload._address)
    else:
        value = str(payload)
    kind = dns.QUERY_TYPES.get(record.type, str(record.type))
    return f"{record.name}. {record.ttl} IN {kind} {value}"


async def _dns_query(
    t: Transcript, endpoint: Endpoint, address: str, name: str, kind: int
) -> dns.Message:
    """Ask the lab's DNS server one question over UDP, as `dig @host -p port` does."""
    loop = asyncio.get_running_loop()
    answer: asyncio.Future = loop.create_future()

    class Client(asyncio.DatagramProtocol):
        def datagram_received(self, data, addr):
            if not answer.done():
                answer.set_result(data)

    query = dns.Message(id=secrets.randbelow(65536))
    query.queries = [dns.Query(name.encode("ascii"), kind)]
    t.client(f"dig @{endpoint.host} -p {endpoint.port} {name} {dns.QUERY_TYPES[kind]}")
    transport, _ = await loop.create_datagram_endpoint(Client, remote_addr=(address, endpoint.port))
    try:
        transport.sendto(query.toStr())
        async with asyncio.timeout(STEP):
            data = await answer
    finally:
        transport.close()
    reply = dns.Message()
    reply.fromStr(data)
    if reply.id != query.id:
        raise ValueError("reply to another query")
    status = DNS_STATUS.get(reply.rCode, str(reply.rCode))
    t.server(f";; status: {status}, answers: {len(reply.answers)}", status)
    for record in reply.answers:
        t.server(_record_text(record), status)
    return reply


async def _mx_wrong(endpoint, params, t, address) -> None:
    domain = endpoint.domain
    reply = await _dns_query(t, endpoint, address, domain, dns.MX)
    exchanges = [str(r.payload.name) for r in reply.answers if r.type == dns.MX]
    if exchanges:
        t.mark()
    for exchange in exchanges[:2]:
        found = await _dns_query(t, endpoint, address, exchange, dns.A)
        if found.rCode == dns.ENAME or not found.answers:
            t.proof.append(len(t.lines) - 1 - len(found.answers))
    await _dns_query(t, endpoint, address, f"mail.{domain}", dns.A)


INVESTIGATIONS = {
    "mx_wrong": _mx_wrong,
    "implicit_tls": _implicit_tls,
    "cert_name": _cert_name,
    "password_expired": _password_expired,
    "over_quota": _over_quota,
    "relay_denied": _relay_denied,
    "pop3_deletes": _pop3_deletes,
    "slow_greeting": _slow_greeting,
}


async def _investigate(endpoint: Endpoint, fault: str, params: dict) -> FaultTranscript:
    transcript = FaultTranscript()
    target = PortTarget(endpoint.host, endpoint.port)
    address = (await check_targets([target], endpoint.allowed_networks))[endpoint.host]
    try:
        await INVESTIGATIONS[fault](endpoint, params, transcript, address)
    except (OSError, TimeoutError, ReplyTooLong, UpgradeInjection, ValueError) as exc:
        transcript.note("failed", code=error_code(exc))
    return transcript


def investigate(endpoint: Endpoint, fault: str, params: dict) -> FaultTranscript:
    """Investigate one endpoint in an event loop of its own; raise TargetRefused if not allowed."""
    return asyncio.run(_investigate(endpoint, fault, params))

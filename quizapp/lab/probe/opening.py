"""Open a port and find out whether it talks in clear text or expects TLS first.

The port's role (or, without a hint, its number) only decides which attempt
starts first. A clear-text server speaks first (SMTP, POP3 and IMAP all greet),
a TLS server waits for our ClientHello. So the clear connection waits a moment
(the full clear-text wait on a port said to be clear text, a short head start
on a port nobody described); if nothing comes, a TLS attempt starts on a second
connection while the first keeps listening, and whichever is conclusive wins:

- bytes on the clear connection: a clear-text server (even a slow one);
- a completed handshake: implicit TLS;
- a TLS alert: a TLS server that refused us;
- the TLS attempt read clear text back: the server waits for the client
  (HTTP...), so the clear connection sends a fixed web request to identify it.
"""

import asyncio
import dataclasses
import ssl

from .results import PortState, PortTarget, TlsInfo
from .session import Conn, Deadline, Timing, UpgradeInjection
from .tls import handshake_failure
from .transcript import Transcript

IMPLICIT_TLS_PORTS = frozenset({465, 993, 995})
NUDGE = ("HEAD / HTTP/1.0", "")
_DECISIVE = {"spoke", "tls", "rejected"}
_FAILURE_KINDS = {"not_tls": "not_tls", "rejected": "rejected", "timeout": "silent"}


@dataclasses.dataclass
class Opening:
    """How the port answered; `conn` is ready for the greeting when open."""

    state: PortState
    conn: Conn | None = None
    tls: TlsInfo | None = None
    error: str = ""
    detail: str = ""


@dataclasses.dataclass
class _Outcome:
    kind: str  # spoke, tls, rejected, not_tls, silent, closed
    conn: Conn | None = None
    tls: TlsInfo | None = None


async def open_port(
    target: PortTarget,
    address: str,
    transcript: Transcript,
    timing: Timing,
    deadline: Deadline,
    context: ssl.SSLContext,
) -> Opening:
    """Connect and race clear text against TLS; see the module docstring."""
    try:
        conn = await Conn.open(address, target.port, transcript, deadline.step(timing.step))
    except ConnectionRefusedError:
        transcript.note("refused")
        return Opening(PortState.CLOSED, error="refused")
    except TimeoutError:
        transcript.note("no_answer")
        return Opening(PortState.FILTERED, error="no_answer")
    except OSError as exc:
        transcript.note("network_error", detail=exc.strerror or exc)
        return Opening(PortState.FILTERED, error="network_error", detail=str(exc.strerror or ""))
    tls_first = target.implicit_tls
    if tls_first is None:
        tls_first = target.port in IMPLICIT_TLS_PORTS
    race = _Race(target, address, transcript, timing, deadline, context)
    head_start = timing.clear_wait if target.implicit_tls is not None else timing.unhinted_wait
    return await race.run(conn, tls_first, head_start)


class _Race:
    def __init__(
        self,
        target: PortTarget,
        address: str,
        transcript: Transcript,
        timing: Timing,
        deadline: Deadline,
        context: ssl.SSLContext,
    ) -> None:
        self.target, self.address, self.transcript = target, address, transcript
        self.timing, self.deadline, self.context = timing, deadline, context
        self.conns: list[Conn] = []
        self.go = asyncio.Event()  # start the second attempt now
        self.not_tls = asyncio.Event()  # the TLS attempt got clear text back
        self.not_tls_after = 0.0  # how long the server took to send that clear text

    async def run(self, conn: Conn, tls_first: bool, head_start: float) -> Opening:
        self.head_start = head_start
        self.conns.append(conn)
        first, second = (self._tls, self._clear) if tls_first else (self._clear, self._tls)
        tasks = {asyncio.create_task(first(conn)), asyncio.create_task(self._second(second))}
        outcomes: list[_Outcome] = []
        winner = None
        try:
            while tasks and winner is None:
                done, tasks = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    outcome = task.result()
                    outcomes.append(outcome)
                    if outcome.kind in _DECISIVE and winner is None:
                        winner = outcome
                self.go.set()
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            for each in self.conns:
                if winner is None or each is not winner.conn:
                    each.abort()
        return _opening(winner, outcomes)

    async def _second(self, attempt) -> _Outcome:
        try:
            async with asyncio.timeout(self.head_start):
                await self.go.wait()
        except TimeoutError:
            pass
        if attempt == self._tls:
            self.transcript.note("silent")
        try:
            conn = await Conn.open(
                self.address, self.target.port, self.transcript, self.deadline.remaining()
            )
        except (OSError, TimeoutError):
            return _Outcome("closed")
        self.conns.append(conn)
        return await attempt(conn)

    async def _clear(self, conn: Conn) -> _Outcome:
        loop = asyncio.get_running_loop()
        nudger = asyncio.create_task(self._nudge(conn, loop.time()))
        try:
            spoke = await conn.fill(self.deadline.remaining())
        except TimeoutError:
            return _Outcome("silent", conn)
        except OSError:
            return _Outcome("closed", conn)
        finally:
            nudger.cancel()
        return _Outcome("spoke" if spoke else "closed", conn)

    async def _nudge(self, conn: Conn, opened: float) -> None:
        """Send a fixed web request once TLS failed and this connection stayed silent.

        The wait covers both the clear-text wait and the time the server took to
        answer the TLS attempt, so a slow greeter gets to greet before we talk.
        """
        await self.not_tls.wait()
        loop = asyncio.get_running_loop()
        silent_for = max(self.timing.clear_wait, 1.5 * self.not_tls_after)
        await asyncio.sleep(max(0.0, opened + silent_for - loop.time()))
        self.transcript.note("nudge")
        try:
            for line in NUDGE:
                await conn.send(line, self.deadline.step(self.timing.step))
        except (OSError, TimeoutError):
            return

    async def _tls(self, conn: Conn) -> _Outcome:
        loop = asyncio.get_running_loop()
        started = loop.time()
        try:
            info = await conn.start_tls(self.context, self.target.host, self.deadline.remaining())
        except (ssl.SSLError, OSError, TimeoutError, UpgradeInjection) as exc:
            code, detail = handshake_failure(exc)
            self.transcript.note("tls_failed", detail=detail or code)
            if code == "not_tls":
                self.not_tls_after = loop.time() - started
                self.not_tls.set()
                self.transcript.note("not_tls")
            info = TlsInfo(established=False, error=code, error_detail=detail)
            return _Outcome(_FAILURE_KINDS.get(code, "closed"), conn, info)
        return _Outcome("tls", conn, info)


def _opening(winner: _Outcome | None, outcomes: list[_Outcome]) -> Opening:
    if winner is None:
        kinds = {outcome.kind for outcome in outcomes}
        error = next((kind for kind in ("not_tls", "closed") if kind in kinds), "timeout")
        return Opening(PortState.NO_GREETING, error=error)
    if winner.kind == "rejected":
        detail = winner.tls.error_detail if winner.tls else ""
        return Opening(PortState.OPEN, tls=winner.tls, error="tls_failed", detail=detail)
    return Opening(PortState.OPEN, conn=winner.conn, tls=winner.tls)

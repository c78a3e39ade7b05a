"""Probe every port of a lab at once, each within its own deadline and all within one."""

import asyncio
import logging
import ssl
from collections.abc import Callable, Iterable

from .dialogue import Dialogue, converse
from .opening import open_port
from .results import PortResult, PortTarget, Security
from .safety import Network, check_targets
from .session import Deadline, Timing
from .tls import client_context
from .transcript import Transcript

logger = logging.getLogger(__name__)

# Time allowed past a port's own deadline to close its sockets and write the result.
GRACE = 0.25


async def probe_ports(
    targets: list[PortTarget],
    *,
    allowed_networks: Iterable[str | Network],
    per_port_timeout: float = 5.0,
    step_timeout: float | None = None,
    overall_timeout: float | None = None,
    on_result: Callable[[PortResult], None] | None = None,
) -> list[PortResult]:
    """Probe all targets concurrently and return one result per target, in order.

    Raise safety.TargetRefused, before any connection, if a host resolves
    outside `allowed_networks`. `on_result` is called as each port finishes,
    so a page can show results as they arrive. The overall deadline defaults
    to twice the per-port one, plus time for name resolution; a port still
    running then is cut off with error "deadline".
    """
    loop = asyncio.get_running_loop()
    overall = overall_timeout or 2 * per_port_timeout + 3.0
    started = loop.time()
    addresses = await check_targets(targets, allowed_networks, timeout=min(3.0, overall / 2))
    timing = Timing.for_port(per_port_timeout, step_timeout)
    results = [PortResult(t.host, t.port, addresses[t.host]) for t in targets]
    finished: set[int] = set()

    context = client_context()

    async def run(index: int) -> None:
        await probe_port(targets[index], results[index], timing, context)
        finished.add(index)
        if on_result is not None:
            on_result(results[index])

    try:
        async with asyncio.timeout_at(started + overall):
            await asyncio.gather(*(run(index) for index in range(len(targets))))
    except TimeoutError:
        for index, result in enumerate(results):
            if index not in finished:
                result.error = "deadline"
                result.elapsed = loop.time() - started
    return results


async def probe_port(
    target: PortTarget,
    result: PortResult,
    timing: Timing,
    context: ssl.SSLContext | None = None,
) -> None:
    """Probe one port at `result.address`, filling `result` as facts come in.

    The result is filled in place so that whatever was learnt before a hard
    deadline is kept.
    """
    loop = asyncio.get_running_loop()
    started = loop.time()
    transcript = Transcript()
    result.transcript = transcript.lines
    deadline = Deadline(timing.per_port)
    context = context or client_context()
    try:
        async with asyncio.timeout(timing.per_port + GRACE):
            opening = await open_port(target, result.address, transcript, timing, deadline, context)
            result.state, result.tls = opening.state, opening.tls
            result.error, result.error_detail = opening.error, opening.detail
            if opening.conn is not None:
                dialogue = Dialogue(opening.conn, result, timing, deadline, context)
                await converse(dialogue, implicit_tls=opening.tls is not None)
            elif opening.tls is not None:  # a TLS server refused our handshake
                result.security = Security.IMPLICIT_TLS
    except TimeoutError:
        transcript.note("deadline")
        result.error = result.error or "deadline"
    except Exception:  # one port's bug must not lose the other ports' results
        logger.exception("probe of %s port %s failed", target.host, target.port)
        result.error = "internal"
    finally:
        result.elapsed = loop.time() - started


def probe(targets: list[PortTarget], **options) -> list[PortResult]:
    """Run probe_ports from synchronous code (a management command, a worker thread)."""
    return asyncio.run(probe_ports(targets, **options))

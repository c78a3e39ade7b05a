"""Benchmark the lab prober: seven ports at once cost about one port, a closed port is instant.

Run: .venv/bin/python benchmarks/probe.py [--json] [--latency 0.02] [--no-hints]

The seven fake servers (the roles of a lab: relay, submission with STARTTLS,
submission over TLS, POP3 with STLS, POP3S, IMAP with STARTTLS, IMAPS) run in
a child process, so that their TLS work does not share the prober's event
loop, as a real server would not. `--latency` adds that many seconds before
each server reply (a network round trip); 0 measures pure loopback.

Targets:
- all seven probed concurrently in at most 1.5 x the slowest port probed alone;
- a closed port reported in under 100 ms.
"""

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quizapp.lab.probe import PortTarget, probe_ports  # noqa: E402

ROLES = ("relay", "submission", "submissions", "pop3", "pop3s", "imap", "imaps")
IMPLICIT = {"submissions", "pop3s", "imaps"}
LOOPBACK = ["127.0.0.1/32"]
RATIO_TARGET = 1.5
CLOSED_TARGET_MS = 100.0


class _SlowReader:
    """A StreamReader that waits `latency` before handing each command to the server."""

    def __init__(self, reader: asyncio.StreamReader, latency: float) -> None:
        self.reader, self.latency = reader, latency

    async def readline(self) -> bytes:
        line = await self.reader.readline()
        await asyncio.sleep(self.latency)
        return line

    async def read(self, n: int = -1) -> bytes:
        return await self.reader.read(n)


async def serve_forever(latency: float) -> None:
    """Child process: start the seven servers, print their ports, run until stdin closes."""
    from quizapp.lab.certs import generate_self_signed
    from tests.lab import fakeservers as fake

    context = fake.server_context(Path(tempfile.mkdtemp()), *generate_self_signed("127.0.0.1", 30))
    handlers = {
        "relay": (fake.smtp(context), None),
        "submission": (fake.smtp(context), None),
        "submissions": (fake.smtp(implicit=True), context),
        "pop3": (fake.pop3(context), None),
        "pop3s": (fake.pop3(implicit=True), context),
        "imap": (fake.imap(context), None),
        "imaps": (fake.imap(implicit=True), context),
    }
    ports = {}
    async with _Servers() as servers:
        for role, (handler, tls) in handlers.items():
            ports[role] = await servers.start(_delayed(handler, latency), tls)
        print(json.dumps(ports), flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)


def _delayed(handler, latency: float):
    async def run(reader, writer):
        await asyncio.sleep(latency)  # the greeting crosses the network too
        await handler(_SlowReader(reader, latency), writer)

    return run


class _Servers:
    async def __aenter__(self):
        from contextlib import AsyncExitStack

        self.stack = AsyncExitStack()
        await self.stack.__aenter__()
        return self

    async def start(self, handler, context) -> int:
        from tests.lab import fakeservers as fake

        return await self.stack.enter_async_context(fake.serve(handler, context))

    async def __aexit__(self, *exc):
        return await self.stack.__aexit__(*exc)


async def measure(ports: dict[str, int], per_port: float, hints: bool) -> dict:
    """Probe each port alone, then all together, then a closed port; return the figures."""
    from tests.lab.fakeservers import closed_port

    def target(role: str) -> PortTarget:
        return PortTarget("127.0.0.1", ports[role], (role in IMPLICIT) if hints else None)

    async def timed(targets: list[PortTarget]) -> tuple[float, list]:
        started = time.perf_counter()
        results = await probe_ports(targets, allowed_networks=LOOPBACK, per_port_timeout=per_port)
        return time.perf_counter() - started, results

    await timed([target("imaps")])  # warm-up: imports, trust store, first handshake
    alone = {role: (await timed([target(role)]))[0] for role in ROLES}
    together, results = await timed([target(role) for role in ROLES])
    closed = PortTarget("127.0.0.1", closed_port())
    closed_alone, _ = await timed([closed])
    _, mixed = await timed([*(target(role) for role in ROLES), closed])
    slowest = max(alone.values())
    return {
        "per_port_timeout": per_port,
        "hints": hints,
        "alone_seconds": {role: round(value, 4) for role, value in alone.items()},
        "slowest_alone_seconds": round(slowest, 4),
        "sum_alone_seconds": round(sum(alone.values()), 4),
        "concurrent_seconds": round(together, 4),
        "concurrent_over_slowest": round(together / slowest, 3),
        "concurrent_over_sum": round(together / sum(alone.values()), 3),
        "closed_alone_ms": round(closed_alone * 1000, 2),
        "closed_among_seven_ms": round(mixed[-1].elapsed * 1000, 2),
        "all_identified": all(r.protocol.value != "unknown" and not r.error for r in results),
        "ratio_ok": together / slowest <= RATIO_TARGET,
        "closed_ok": closed_alone * 1000 < CLOSED_TARGET_MS,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--latency", type=float, default=0.02, help="server reply delay (s)")
    parser.add_argument("--per-port", type=float, default=5.0, help="per-port deadline (s)")
    parser.add_argument(
        "--no-hints", action="store_true", help="do not say which ports are implicit TLS"
    )
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve_forever(args.latency))
        return 0
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve", "--latency", str(args.latency)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        ports = json.loads(child.stdout.readline())
        figures = asyncio.run(measure(ports, args.per_port, not args.no_hints))
    finally:
        child.stdin.close()
        child.wait(timeout=10)
    figures["latency_seconds"] = args.latency
    _report(figures, args.json)
    return 0 if figures["ratio_ok"] and figures["closed_ok"] else 1


def _report(figures: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(figures, indent=2))
        return
    print(f"latency per reply        {figures['latency_seconds']:.3f} s")
    print(f"implicit TLS hints       {'yes' if figures['hints'] else 'no'}")
    for role, seconds in figures["alone_seconds"].items():
        print(f"  {role:<22} {seconds:.4f} s alone")
    print(f"slowest port alone       {figures['slowest_alone_seconds']:.4f} s")
    print(f"seven ports together     {figures['concurrent_seconds']:.4f} s")
    print(
        f"together / slowest       {figures['concurrent_over_slowest']:.3f}"
        f"  (target <= {RATIO_TARGET}: {'ok' if figures['ratio_ok'] else 'FAIL'})"
    )
    print(f"together / sum of alone  {figures['concurrent_over_sum']:.3f}")
    print(
        f"closed port              {figures['closed_alone_ms']:.2f} ms alone, "
        f"{figures['closed_among_seven_ms']:.2f} ms among seven"
        f"  (target < {CLOSED_TARGET_MS:.0f} ms: {'ok' if figures['closed_ok'] else 'FAIL'})"
    )
    print(f"every port identified    {figures['all_identified']}")


if __name__ == "__main__":
    sys.exit(main())

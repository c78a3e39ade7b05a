"""Run the asyncio fake servers of fakeservers.py from synchronous tests.

The web side runs checks from plain threads, so its tests cannot host the
fake servers on their own event loop: the servers get a loop of their own in
a background thread, on free loopback ports.
"""

import asyncio
import contextlib
import ssl
import threading
from collections.abc import Iterator

from . import fakeservers as fake


@contextlib.contextmanager
def serving(*servers: tuple[fake.Handler, ssl.SSLContext | None]) -> Iterator[list[int]]:
    """Serve each (handler, TLS context or None) on 127.0.0.1; yield their ports in order."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="fake-servers", daemon=True)
    thread.start()
    stack = contextlib.AsyncExitStack()

    async def start() -> list[int]:
        return [await stack.enter_async_context(fake.serve(h, ctx)) for h, ctx in servers]

    try:
        yield asyncio.run_coroutine_threadsafe(start(), loop).result(timeout=5)
    finally:
        asyncio.run_coroutine_threadsafe(stack.aclose(), loop).result(timeout=5)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)
        loop.close()

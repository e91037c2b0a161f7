"""The persistent eISCP connection to one device.

The connection itself (one TCP connection, the supervisor that reconnects with backoff,
listeners, the keepalive that detects a half-open connection, received bytes handled as
they arrive) is the protocol-independent :class:`~.connection.Connection`. This module
adds eISCP: received bytes -> frames (:class:`~.frame.FrameDecoder`) -> typed messages
-> waiting queries and listeners; one queue of frames, written at least ``pacing``
apart (a device needs 50 ms between the messages it receives); ``PWRQSTN`` as the
keepalive's question. Only decoded messages are signs of life, never bytes. When the
connection is lost, every send and query still pending (the one being written too)
fails with ConnectionClosedError; a query whose reply came in a frame too large to read
fails at once with MessageTooLargeError.
"""

from __future__ import annotations

import asyncio
from typing import Any

from . import commands, parser
from .connection import (
    Connection,
    ConnectionListener,
    ConnectionStats,
    Footprint,
    MessageListener,
    backoff_delay,
)
from .const import DEFAULT_PORT
from .errors import MessageTooLargeError, QueryTimeoutError
from .frame import FrameDecoder, encode
from .messages import Message

__all__ = [
    "Client",
    "ConnectionListener",
    "ConnectionStats",
    "Footprint",
    "MessageListener",
    "backoff_delay",
]


# A frame waiting to be written, and its outcome.
type _Send = tuple[bytes, asyncio.Future[None]]


class Client(Connection[ConnectionStats, _Send]):
    """A self-healing connection to one eISCP device."""

    def __init__(
        self,
        host: str,
        port: int = DEFAULT_PORT,
        *,
        pacing: float = 0.05,
        query_timeout: float = 2.0,
        connect_timeout: float = 5.0,
        keepalive_idle: float = 30.0,
        keepalive_timeout: float = 5.0,
        keepalive_query: str = "PWR",
        reconnect_max_delay: float = 15.0,
    ) -> None:
        """Configure the connection; :meth:`connect` opens it."""
        super().__init__(
            host,
            port,
            stats=ConnectionStats(),
            name="eiscp",
            pacing=pacing,
            connect_timeout=connect_timeout,
            keepalive_idle=keepalive_idle,
            keepalive_timeout=keepalive_timeout,
            reconnect_max_delay=reconnect_max_delay,
        )
        self._query_timeout = query_timeout
        self._keepalive_frame = encode(commands.query(keepalive_query))
        self._waiters: dict[str, list[asyncio.Future[Message]]] = {}
        self._decoder = FrameDecoder()

    # --- sending ---------------------------------------------------------------------

    async def send(self, message: str) -> None:
        """Send ``message`` (e.g. ``"PWR01"``) through the paced queue; return once written.

        Raises ConnectionClosedError when not connected or the connection drops first,
        FrameError for a message that cannot be framed.
        """
        frame = encode(message)
        await self._submit((frame, asyncio.get_running_loop().create_future()))

    async def query(self, code: str, *, timeout: float | None = None) -> Message:
        """Ask for ``code``'s state (``codeQSTN``); the reply, or QueryTimeoutError."""
        return await self.request(commands.query(code), code, timeout=timeout)

    async def request(
        self, message: str, reply_code: str, *, timeout: float | None = None
    ) -> Message:
        """Send ``message`` and return the first message with ``reply_code`` after it.

        A device's ``N/A`` comes back as NotAvailable. QueryTimeoutError when nothing
        arrives in time (devices ignore some queries: that is normal), MessageTooLargeError
        at once when the reply came in a frame too large to read, ConnectionClosedError
        when the connection is or goes down first.
        """
        reply: asyncio.Future[Message] = asyncio.get_running_loop().create_future()
        self._waiters.setdefault(reply_code, []).append(reply)
        try:
            await self.send(message)
            async with asyncio.timeout(self._query_timeout if timeout is None else timeout):
                return await reply
        except TimeoutError as err:
            raise QueryTimeoutError(f"no {reply_code} reply to {message}") from err
        finally:
            self._forget(reply_code, reply)

    def _forget(self, code: str, reply: asyncio.Future[Message]) -> None:
        """Unregister a reply future whose request is over, leaving nothing behind.

        When the send failed, the reply may have been failed too, and never awaited:
        its exception is retrieved here so that asyncio has nothing to report.
        """
        waiters = self._waiters.get(code)
        if waiters is not None:
            if reply in waiters:
                waiters.remove(reply)
            if not waiters:
                del self._waiters[code]
        if not reply.done():
            reply.cancel()
        elif not reply.cancelled():
            reply.exception()

    # --- the protocol ----------------------------------------------------------------

    def _opening(self) -> None:
        self._decoder = FrameDecoder()

    def _received(self, data: bytes) -> None:
        decoder, stats = self._decoder, self.stats
        garbage, dropped = decoder.garbage_bytes, decoder.dropped_frames
        texts = decoder.feed(data)
        if decoder.garbage_bytes != garbage or decoder.dropped_frames != dropped:
            stats.garbage_bytes += decoder.garbage_bytes - garbage
            stats.dropped_frames += decoder.dropped_frames - dropped
            for code in decoder.dropped:
                for waiter in self._waiters.pop(code, ()):
                    if not waiter.done():
                        waiter.set_exception(
                            MessageTooLargeError(f"the {code} reply was too large and was dropped")
                        )
        if not texts:
            return
        self._alive()
        waiters = self._waiters
        for text in texts:
            message = parser.parse(text)
            if waiters:  # the queries waiting for this reply first, then the listeners
                for waiter in waiters.pop(message.code, ()):
                    if not waiter.done():
                        waiter.set_result(message)
            self._dispatch(message)
        self._end_batch()

    async def _deliver(self, pending: _Send) -> None:
        frame, done = pending
        await self._pace()
        await self._write(frame)
        self.stats.messages_out += 1
        if not done.done():
            done.set_result(None)

    def _outcome(self, pending: _Send) -> asyncio.Future[Any]:
        return pending[1]

    def _probe(self) -> _Send:
        return (self._keepalive_frame, asyncio.get_running_loop().create_future())

    def _fail_waiters(self, reason: str) -> None:
        waiters, self._waiters = self._waiters, {}
        for futures in waiters.values():
            for waiter in futures:
                if not waiter.done():
                    waiter.set_exception(self._lost_error(reason))

    def _waiter_count(self) -> int:
        return sum(map(len, self._waiters.values()))

"""The persistent eISCP connection to one device.

One TCP connection per device. While it is up, three tasks run: a reader (bytes ->
frames -> typed messages -> listeners and waiting queries), a writer (one queue, writes
paced at least ``pacing`` apart, because a device needs 50 ms between the messages it
receives) and a keepalive (after ``keepalive_idle`` seconds without a message it asks
the device something; no message within ``keepalive_timeout`` means the connection is
half-open, as when a receiver with network standby off is switched off, or that the
device sends nothing that decodes). Only decoded messages are signs of life, never bytes.
When any of the tasks ends, the connection is lost: every send and query still pending
fails with ConnectionClosedError, and a supervisor reconnects, first at once, then with
exponential backoff and jitter capped at ``reconnect_max_delay``, until
:meth:`Client.close`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import contextlib
from dataclasses import dataclass
import logging
import random
import time
from typing import Any, Self

from . import commands, parser
from .const import DEFAULT_PORT
from .errors import ConnectionClosedError, MessageTooLargeError, QueryTimeoutError
from .frame import FrameDecoder, encode
from .messages import Message

_LOGGER = logging.getLogger(__name__)

_READ_SIZE = 64 * 1024
_BACKOFF_BASE = 0.5


@dataclass(slots=True)
class ConnectionStats:
    """Counters for diagnostics."""

    connects: int = 0
    drops: int = 0
    reconnect_attempts: int = 0
    keepalive_failures: int = 0
    # Sessions in a row that the device accepted but never answered in, each ended by a
    # keepalive failure: its network module hangs while its TCP stack still accepts.
    silent_sessions: int = 0
    messages_in: int = 0
    messages_out: int = 0
    bytes_in: int = 0
    # Bytes skipped as not eISCP, and frames dropped for an impossible header.
    garbage_bytes: int = 0
    dropped_frames: int = 0
    last_error: str | None = None
    connected_since: float | None = None


@dataclass(frozen=True, slots=True)
class Footprint:
    """What a client holds at one moment (for leak checks and benchmarks).

    Between sessions and after :meth:`Client.close`, ``sends`` and ``waiters`` are 0;
    ``tasks`` is 0 after close.
    """

    tasks: int  # the supervisor and the reader, writer and keepalive of the session
    sends: int  # sends queued or being written
    waiters: int  # queries waiting for their reply
    listeners: int  # message, batch and connection listeners


def backoff_delay(attempt: int, cap: float, rng: Callable[[], float] = random.random) -> float:
    """Seconds to wait before reconnect attempt ``attempt`` (0: at once).

    Exponential from 0.5 s, capped at ``cap``, with "equal jitter": a random point in
    the upper half of the window, so many clients do not retry in step.
    """
    if attempt <= 0:
        return 0.0
    window = min(cap, _BACKOFF_BASE * 2.0 ** (attempt - 1))
    jitter: float = rng()
    return window / 2 + jitter * window / 2


type MessageListener = Callable[[Message], None]
type ConnectionListener = Callable[[bool], None]


class Client:
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
        self._host = host
        self._port = port
        self._pacing = pacing
        self._query_timeout = query_timeout
        self._connect_timeout = connect_timeout
        self._keepalive_idle = keepalive_idle
        self._keepalive_timeout = keepalive_timeout
        self._keepalive_frame = encode(commands.query(keepalive_query))
        self._reconnect_max_delay = reconnect_max_delay
        self.stats = ConnectionStats()
        self._message_listeners: list[MessageListener] = []
        self._batch_listeners: list[Callable[[], None]] = []
        self._connection_listeners: list[ConnectionListener] = []
        self._waiters: dict[str, list[asyncio.Future[Message]]] = {}
        self._queue: asyncio.Queue[tuple[bytes, asyncio.Future[None]]] = asyncio.Queue()
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._supervisor: asyncio.Task[None] | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._writing = False
        self._connected = False
        self._closed = False
        self._last_message = 0.0
        self._heard = False
        self._last_write = float("-inf")

    # --- properties ----------------------------------------------------------------

    @property
    def host(self) -> str:
        """The device's host."""
        return self._host

    @property
    def port(self) -> int:
        """The device's port."""
        return self._port

    @property
    def connected(self) -> bool:
        """Whether the connection is up."""
        return self._connected

    def footprint(self) -> Footprint:
        """The tasks, pending sends, waiting queries and listeners the client holds now."""
        return Footprint(
            tasks=len(self._tasks) + (self._supervisor is not None),
            sends=self._queue.qsize() + self._writing,
            waiters=sum(map(len, self._waiters.values())),
            listeners=len(self._message_listeners)
            + len(self._batch_listeners)
            + len(self._connection_listeners),
        )

    # --- lifecycle -------------------------------------------------------------------

    async def connect(self) -> None:
        """Open the connection; afterwards it is kept up until :meth:`close`.

        Raises ConnectionClosedError when the device cannot be reached.
        """
        if self._closed:
            raise ConnectionClosedError("client is closed")
        if self._supervisor is not None:
            return
        await self._open()
        self._supervisor = asyncio.create_task(
            self._supervise(), name=f"eiscp {self._host}:{self._port}"
        )

    async def close(self) -> None:
        """Close the connection for good; nothing of the client survives. Idempotent."""
        self._closed = True
        await self.release()

    async def release(self) -> None:
        """Close the connection until the next :meth:`connect` (no reconnecting meanwhile).

        For a controller that leaves a device alone while it sleeps: some receivers do
        not enter auto-standby while a client holds a connection open. Listeners stay.
        """
        supervisor, self._supervisor = self._supervisor, None
        if supervisor is not None:
            supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await supervisor
        self._drop_socket()
        self._connected = False
        self._fail_pending()

    async def __aenter__(self) -> Self:
        """Connect."""
        await self.connect()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        """Close."""
        await self.close()

    # --- listeners -------------------------------------------------------------------

    def add_message_listener(self, listener: MessageListener) -> Callable[[], None]:
        """Call ``listener`` with every message received; returns an unsubscribe function."""
        self._message_listeners.append(listener)
        return lambda: _discard(self._message_listeners, listener)

    def add_batch_listener(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call ``listener()`` after the messages of each read have gone to the listeners.

        Messages that arrive together (a device sends bursts) end in one call, so a
        caller can apply them all and then update once, with no timer.
        """
        self._batch_listeners.append(listener)
        return lambda: _discard(self._batch_listeners, listener)

    def add_connection_listener(self, listener: ConnectionListener) -> Callable[[], None]:
        """Call ``listener(False)`` on each loss and ``listener(True)`` on each reconnect."""
        self._connection_listeners.append(listener)
        return lambda: _discard(self._connection_listeners, listener)

    # --- sending ---------------------------------------------------------------------

    async def send(self, message: str) -> None:
        """Send ``message`` (e.g. ``"PWR01"``) through the paced queue; return once written.

        Raises ConnectionClosedError when not connected or the connection drops first,
        FrameError for a message that cannot be framed.
        """
        frame = encode(message)
        if not self._connected:
            raise ConnectionClosedError(f"not connected to {self._host}:{self._port}")
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((frame, done))
        await done

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
            _discard(waiters, reply)
            if not waiters:
                del self._waiters[code]
        if not reply.done():
            reply.cancel()
        elif not reply.cancelled():
            reply.exception()

    # --- the connection --------------------------------------------------------------

    async def _open(self) -> None:
        try:
            async with asyncio.timeout(self._connect_timeout):
                reader, writer = await asyncio.open_connection(self._host, self._port)
        except (OSError, TimeoutError) as err:
            reason = str(err) or type(err).__name__
            self.stats.last_error = reason
            raise ConnectionClosedError(
                f"cannot connect to {self._host}:{self._port}: {reason}"
            ) from err
        self._reader, self._writer = reader, writer
        self._connected = True
        self._last_message = asyncio.get_running_loop().time()
        self.stats.connects += 1
        self.stats.connected_since = time.time()
        _LOGGER.debug("Connected to %s:%s", self._host, self._port)

    async def _supervise(self) -> None:
        """Run sessions back to back, reconnecting in between."""
        while True:
            await self._session()
            self._connected = False
            self.stats.drops += 1
            self.stats.connected_since = None
            self._fail_pending()
            _LOGGER.debug(
                "Connection to %s:%s lost: %s", self._host, self._port, self.stats.last_error
            )
            self._notify(False)
            await self._reconnect()
            self._notify(True)

    async def _reconnect(self) -> None:
        attempt = 0
        while True:
            delay = backoff_delay(attempt, self._reconnect_max_delay)
            attempt += 1
            if delay:
                await asyncio.sleep(delay)
            self.stats.reconnect_attempts += 1
            try:
                await self._open()
            except ConnectionClosedError as err:
                _LOGGER.debug("Reconnect attempt %d failed: %s", attempt, err)
            else:
                return

    async def _session(self) -> None:
        """Run reader, writer and keepalive until one of them ends; then drop the socket."""
        self._heard = False
        tasks = self._tasks = [
            asyncio.create_task(self._read_loop()),
            asyncio.create_task(self._write_loop()),
            asyncio.create_task(self._keepalive_loop()),
        ]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            results = await asyncio.gather(*tasks, return_exceptions=True)
            self._tasks = []
            self._drop_socket()
        for result in results:
            if isinstance(result, Exception):
                _LOGGER.error("Error in the connection to %s", self._host, exc_info=result)

    async def _read_loop(self) -> None:
        reader = self._reader
        assert reader is not None
        decoder = FrameDecoder()
        loop = asyncio.get_running_loop()
        stats = self.stats
        garbage_before, dropped_before = stats.garbage_bytes, stats.dropped_frames
        while True:
            try:
                data = await reader.read(_READ_SIZE)
            except OSError as err:
                stats.last_error = str(err) or type(err).__name__
                return
            if not data:
                stats.last_error = "closed by the device"
                return
            stats.bytes_in += len(data)
            texts = decoder.feed(data)
            stats.garbage_bytes = garbage_before + decoder.garbage_bytes
            stats.dropped_frames = dropped_before + decoder.dropped_frames
            for code in decoder.dropped:
                self._fail_waiters(
                    code, MessageTooLargeError(f"the {code} reply was too large and was dropped")
                )
            if not texts:
                continue
            self._last_message = loop.time()
            if not self._heard:
                self._heard = True
                stats.silent_sessions = 0
            for text in texts:
                self._dispatch(parser.parse(text))
            self._end_batch()

    def _dispatch(self, message: Message) -> None:
        self.stats.messages_in += 1
        for waiter in self._waiters.pop(message.code, ()):
            if not waiter.done():
                waiter.set_result(message)
        for listener in list(self._message_listeners):
            try:
                listener(message)
            except Exception:
                _LOGGER.exception("Error in a listener of %s", message.code)

    def _end_batch(self) -> None:
        for listener in list(self._batch_listeners):
            try:
                listener()
            except Exception:
                _LOGGER.exception("Error in a batch listener")

    async def _write_loop(self) -> None:
        writer = self._writer
        assert writer is not None
        loop = asyncio.get_running_loop()
        while True:
            frame, done = await self._queue.get()
            if done.done():
                continue
            # Once out of the queue, the send is settled here whatever happens, even
            # when the session is cancelled during the pacing wait or the drain.
            self._writing = True
            try:
                wait = self._last_write + self._pacing - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                writer.write(frame)
                await writer.drain()
            except OSError as err:
                self.stats.last_error = str(err) or type(err).__name__
                _fail(done, self._lost())
                return
            except asyncio.CancelledError:
                _fail(done, self._lost())
                raise
            finally:
                self._writing = False
            self._last_write = loop.time()
            self.stats.messages_out += 1
            if not done.done():
                done.set_result(None)

    async def _keepalive_loop(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            quiet = loop.time() - self._last_message
            if quiet < self._keepalive_idle:
                await asyncio.sleep(self._keepalive_idle - quiet)
                continue
            asked = loop.time()
            sent: asyncio.Future[None] = loop.create_future()
            sent.add_done_callback(_consume)
            self._queue.put_nowait((self._keepalive_frame, sent))
            await asyncio.sleep(self._keepalive_timeout)
            if self._last_message < asked:
                self.stats.keepalive_failures += 1
                self.stats.last_error = "no reply to keepalive"
                if not self._heard:
                    self.stats.silent_sessions += 1
                return

    def _drop_socket(self) -> None:
        writer, self._writer, self._reader = self._writer, None, None
        if writer is not None:
            writer.transport.abort()

    def _lost(self) -> ConnectionClosedError:
        reason = "client closed" if self._closed else self.stats.last_error
        return ConnectionClosedError(f"connection to {self._host}:{self._port} lost: {reason}")

    def _fail_pending(self) -> None:
        """Fail queued sends and waiting queries: the connection they needed is gone."""
        while not self._queue.empty():
            _, done = self._queue.get_nowait()
            _fail(done, self._lost())
        for code in list(self._waiters):
            self._fail_waiters(code, self._lost())

    def _fail_waiters(self, code: str, error: Exception) -> None:
        for waiter in self._waiters.pop(code, ()):
            _fail(waiter, error)

    def _notify(self, connected: bool) -> None:
        for listener in list(self._connection_listeners):
            try:
                listener(connected)
            except Exception:
                _LOGGER.exception("Error in a connection listener")


def _discard[T](items: list[T], item: T) -> None:
    with contextlib.suppress(ValueError):
        items.remove(item)


def _fail(future: asyncio.Future[Any], error: Exception) -> None:
    if not future.done():
        future.set_exception(error)


def _consume(future: asyncio.Future[None]) -> None:
    """Retrieve a fire-and-forget future's outcome so asyncio does not warn about it."""
    if not future.cancelled():
        future.exception()

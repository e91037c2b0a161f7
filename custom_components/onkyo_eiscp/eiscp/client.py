"""The persistent eISCP connection to one device.

One TCP connection per device. While it is up, three tasks run: a reader (bytes ->
frames -> typed messages -> listeners and waiting queries), a writer (one queue, writes
paced at least ``pacing`` apart, because a device needs 50 ms between the messages it
receives) and a keepalive (after ``keepalive_idle`` quiet seconds it asks the device
something; no answer within ``keepalive_timeout`` means the connection is half-open,
as when a receiver with network standby off is switched off). When any of them ends,
the connection is lost: a supervisor reconnects, first at once, then with exponential
backoff and jitter capped at ``reconnect_max_delay``, until :meth:`Client.close`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import contextlib
from dataclasses import dataclass
import logging
import random
import time
from typing import Self

from . import commands, parser
from .const import DEFAULT_PORT
from .errors import ConnectionClosedError, QueryTimeoutError
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
    last_error: str | None = None
    connected_since: float | None = None


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
        self._wake = asyncio.Event()
        self._connected = False
        self._closed = False
        self._last_received = 0.0
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

    def reconnect_now(self) -> None:
        """Skip the current reconnect wait (e.g. the device was just re-discovered)."""
        self._wake.set()

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
        arrives in time (devices ignore some queries: that is normal).
        """
        reply: asyncio.Future[Message] = asyncio.get_running_loop().create_future()
        waiters = self._waiters.setdefault(reply_code, [])
        waiters.append(reply)
        try:
            await self.send(message)
            async with asyncio.timeout(self._query_timeout if timeout is None else timeout):
                return await reply
        except TimeoutError as err:
            raise QueryTimeoutError(f"no {reply_code} reply to {message}") from err
        finally:
            _discard(self._waiters.get(reply_code, []), reply)

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
        self._last_received = asyncio.get_running_loop().time()
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
            self._wake.clear()
            if delay:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(delay):
                        await self._wake.wait()
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
        tasks = [
            asyncio.create_task(self._read_loop()),
            asyncio.create_task(self._write_loop()),
            asyncio.create_task(self._keepalive_loop()),
        ]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            self._drop_socket()

    async def _read_loop(self) -> None:
        reader = self._reader
        assert reader is not None
        decoder = FrameDecoder()
        loop = asyncio.get_running_loop()
        while True:
            try:
                data = await reader.read(_READ_SIZE)
            except OSError as err:
                self.stats.last_error = str(err) or type(err).__name__
                return
            if not data:
                self.stats.last_error = "closed by the device"
                return
            self._last_received = loop.time()
            self.stats.bytes_in += len(data)
            if not self._heard:
                self._heard = True
                self.stats.silent_sessions = 0
            texts = decoder.feed(data)
            for text in texts:
                self._dispatch(parser.parse(text))
            if texts:
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
            wait = self._last_write + self._pacing - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                writer.write(frame)
                await writer.drain()
            except OSError as err:
                self.stats.last_error = str(err) or type(err).__name__
                done.set_exception(ConnectionClosedError(self.stats.last_error))
                return
            self._last_write = loop.time()
            self.stats.messages_out += 1
            done.set_result(None)

    async def _keepalive_loop(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            quiet = loop.time() - self._last_received
            if quiet < self._keepalive_idle:
                await asyncio.sleep(self._keepalive_idle - quiet)
                continue
            asked = loop.time()
            sent: asyncio.Future[None] = loop.create_future()
            sent.add_done_callback(_consume)
            self._queue.put_nowait((self._keepalive_frame, sent))
            await asyncio.sleep(self._keepalive_timeout)
            if self._last_received < asked:
                self.stats.keepalive_failures += 1
                self.stats.last_error = "no reply to keepalive"
                if not self._heard:
                    self.stats.silent_sessions += 1
                return

    def _drop_socket(self) -> None:
        writer, self._writer, self._reader = self._writer, None, None
        if writer is not None:
            writer.transport.abort()

    def _fail_pending(self) -> None:
        """Fail queued sends and waiting queries: the connection they needed is gone."""
        while not self._queue.empty():
            _, done = self._queue.get_nowait()
            if not done.done():
                done.set_exception(ConnectionClosedError("connection lost"))
        waiters, self._waiters = self._waiters, {}
        for futures in waiters.values():
            for future in futures:
                if not future.done():
                    future.set_exception(ConnectionClosedError("connection lost"))

    def _notify(self, connected: bool) -> None:
        for listener in list(self._connection_listeners):
            try:
                listener(connected)
            except Exception:
                _LOGGER.exception("Error in a connection listener")


def _discard[T](items: list[T], item: T) -> None:
    with contextlib.suppress(ValueError):
        items.remove(item)


def _consume(future: asyncio.Future[None]) -> None:
    """Retrieve a fire-and-forget future's outcome so asyncio does not warn about it."""
    if not future.cancelled():
        future.exception()

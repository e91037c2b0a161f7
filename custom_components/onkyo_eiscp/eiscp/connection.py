"""A self-healing TCP connection to one device, whatever protocol it speaks.

The protocol-independent core of both clients (eISCP, :mod:`.client`; the legacy
Pioneer line protocol, :mod:`.pioneer.client`). One TCP connection; received bytes are
handled as they arrive, in the :class:`asyncio.Protocol`'s ``data_received`` callback
(decoder -> parser -> listeners and waiting requests -> batch end), with no reader task
and no event-loop turn between the socket and the listeners. While the connection is
up, a session runs two tasks: a writer (one queue, writes paced at least ``pacing``
apart and held back while the socket's buffer is full) and a keepalive (after
``keepalive_idle`` seconds without a decoded message it asks the device something
(:meth:`Connection._probe`); no message within ``keepalive_timeout`` means the
connection is half-open, or that the device sends nothing that decodes). Liveness means
decoded messages, never bytes.

The session ends when the socket closes (the reason goes to ``stats.last_error``), the
writer loses the connection or the keepalive fails. Then a supervisor fails every send
still queued or being written and every request still waiting, tells the connection
listeners, and reconnects, first at once, then with exponential backoff and jitter capped
at ``reconnect_max_delay``, until :meth:`Connection.close`.

A protocol subclass supplies :meth:`Connection._received` (decode the bytes of one read,
call :meth:`Connection._alive` when they held a message, :meth:`Connection._dispatch`
for each message, :meth:`Connection._end_batch` after them), :meth:`Connection._deliver`
(write one queued send and settle it), :meth:`Connection._outcome` (a send's future),
:meth:`Connection._probe` and, where the protocol
has waiting requests apart from the sends, :meth:`Connection._fail_waiters`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
import asyncio
from collections.abc import Callable
import contextlib
from dataclasses import dataclass
import logging
import random
import time
from typing import Any, Self

from .errors import ConnectionClosedError
from .messages import Message

_LOGGER = logging.getLogger(__name__)

_BACKOFF_BASE = 0.5

type MessageListener = Callable[[Message], None]
type ConnectionListener = Callable[[bool], None]


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

    Between sessions and after :meth:`Connection.close`, ``sends`` and ``waiters`` are
    0; ``tasks`` is 0 after close.
    """

    tasks: int  # the supervisor and the writer and keepalive of the session
    sends: int  # sends queued or being written
    waiters: int  # requests waiting for their reply apart from the sends
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


class _Socket(asyncio.Protocol):
    """One TCP connection: bytes in go straight to the client; write flow control."""

    __slots__ = (
        "_aborted",
        "_lost_reason",
        "_on_data",
        "_paused",
        "_resumed",
        "_stats",
        "lost",
        "transport",
    )

    def __init__(
        self,
        on_data: Callable[[bytes], None],
        lost_reason: Callable[[str], None],
        lost: asyncio.Future[None],
        stats: ConnectionStats,
    ) -> None:
        self._on_data = on_data
        self._stats = stats
        self._lost_reason = lost_reason
        self.lost = lost  # done when the connection is gone, whoever ended it
        self.transport: asyncio.Transport | None = None
        self._aborted = False  # ended by the client: its reason is already told
        self._paused = False
        self._resumed: asyncio.Future[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        # Listeners' errors are caught where they are called; anything else raised here
        # makes asyncio log it and close the transport (connection_lost with the error).
        self._stats.bytes_in += len(data)
        self._on_data(data)

    def eof_received(self) -> bool:
        self._end("closed by the device")
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        if exc is not None:
            self._end(str(exc) or type(exc).__name__)
        else:
            self._end("closed")

    def pause_writing(self) -> None:
        self._paused = True

    def resume_writing(self) -> None:
        self._paused = False
        self._wake()

    async def write(self, data: bytes) -> None:
        """Write ``data``; wait while the socket's buffer is over its high-water mark.

        ConnectionClosedError when the connection is gone before or while waiting.
        """
        if self.lost.done() or self.transport is None:
            raise ConnectionClosedError("connection lost")
        self.transport.write(data)
        while self._paused and not self.lost.done():
            resumed = self._resumed = asyncio.get_running_loop().create_future()
            try:
                await resumed
            finally:
                self._resumed = None
        if self.lost.done():
            raise ConnectionClosedError("connection lost")

    def abort(self) -> None:
        """Close the connection at once; its reason is the client's to tell."""
        self._aborted = True
        if self.transport is not None:
            self.transport.abort()
        self._end_quietly()

    def _end(self, reason: str) -> None:
        """The connection ends for ``reason``: tell the client, once."""
        if not self._aborted and not self.lost.done():
            self._lost_reason(reason)
        self._end_quietly()

    def _end_quietly(self) -> None:
        if not self.lost.done():
            self.lost.set_result(None)
        self._wake()

    def _wake(self) -> None:
        resumed = self._resumed
        if resumed is not None and not resumed.done():
            resumed.set_result(None)


class Connection[S: ConnectionStats, P](ABC):
    """A self-healing connection to one device (see the module docstring)."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        stats: S,
        name: str,
        pacing: float,
        connect_timeout: float,
        keepalive_idle: float,
        keepalive_timeout: float,
        reconnect_max_delay: float,
    ) -> None:
        """Configure the connection; :meth:`connect` opens it."""
        self._host = host
        self._port = port
        self._name = name
        self._pacing = pacing
        self._connect_timeout = connect_timeout
        self._keepalive_idle = keepalive_idle
        self._keepalive_timeout = keepalive_timeout
        self._reconnect_max_delay = reconnect_max_delay
        self.stats = stats
        self._message_listeners: list[MessageListener] = []
        self._batch_listeners: list[Callable[[], None]] = []
        self._connection_listeners: list[ConnectionListener] = []
        self._queue: asyncio.Queue[P] = asyncio.Queue()
        self._current: P | None = None  # taken by the writer, not settled yet
        self._socket: _Socket | None = None
        self._supervisor: asyncio.Task[None] | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._connected = False
        self._closed = False
        self._last_received = 0.0
        self._last_write = float("-inf")
        self._heard = False

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
        """The tasks, pending sends, waiting requests and listeners the client holds now."""
        return Footprint(
            tasks=len(self._tasks) + (self._supervisor is not None),
            sends=self._queue.qsize() + (self._current is not None),
            waiters=self._waiter_count(),
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
        if self._was_closed():  # close() was called while the connection opened
            self._drop_socket()
            self._connected = False
            raise ConnectionClosedError("client is closed")
        self._supervisor = asyncio.create_task(
            self._supervise(), name=f"{self._name} {self._host}:{self._port}"
        )

    async def close(self) -> None:
        """Close the connection for good; nothing of the client survives. Idempotent."""
        self._closed = True
        await self._stop("client closed")

    async def release(self) -> None:
        """Close the connection until the next :meth:`connect` (no reconnecting meanwhile).

        For a controller that leaves a device alone while it sleeps: some receivers do
        not enter auto-standby while a client holds a connection open. Listeners stay.
        """
        await self._stop("connection released")

    async def _stop(self, reason: str) -> None:
        supervisor, self._supervisor = self._supervisor, None
        if supervisor is not None:
            supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await supervisor
        self._drop_socket()
        self._connected = False
        self._fail_pending(reason)

    def _was_closed(self) -> bool:
        """Whether close() has been called (read after an await: mypy narrows attributes)."""
        return self._closed

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

        Messages that arrive together (devices send bursts) end in one call, so a caller
        can apply them all and then update once, with no timer.
        """
        self._batch_listeners.append(listener)
        return lambda: _discard(self._batch_listeners, listener)

    def add_connection_listener(self, listener: ConnectionListener) -> Callable[[], None]:
        """Call ``listener(False)`` on each loss and ``listener(True)`` on each reconnect."""
        self._connection_listeners.append(listener)
        return lambda: _discard(self._connection_listeners, listener)

    # --- for protocols -----------------------------------------------------------------

    @abstractmethod
    def _received(self, data: bytes) -> None:
        """Handle the bytes of one read (see the module docstring). Must not block."""

    @abstractmethod
    async def _deliver(self, pending: P) -> None:
        """Write one send (with :meth:`_write`) and settle it.

        Raising ConnectionClosedError (from :meth:`_write`) ends the session; the send
        is then failed with the others.
        """

    @abstractmethod
    def _outcome(self, pending: P) -> asyncio.Future[Any]:
        """The future of a send: settled when it is over, failed on a drop."""

    @abstractmethod
    def _probe(self) -> P:
        """A send of a question the device answers: the keepalive."""

    @abstractmethod
    def _opening(self) -> None:
        """A new connection is about to open: start a fresh decoder and the like."""

    @abstractmethod
    def _fail_waiters(self, reason: str) -> None:
        """Fail the requests waiting apart from the sends, if the protocol has any."""

    def _waiter_count(self) -> int:
        """How many requests wait apart from the sends."""
        return 0

    def _lost_error(self, reason: str) -> ConnectionClosedError:
        return ConnectionClosedError(f"connection to {self._host}:{self._port} lost: {reason}")

    async def _submit(self, pending: P) -> None:
        """Queue ``pending`` for the writer; return once it is settled."""
        if not self._connected:
            raise ConnectionClosedError(f"not connected to {self._host}:{self._port}")
        self._queue.put_nowait(pending)
        await self._outcome(pending)

    async def _pace(self) -> None:
        """Wait until ``pacing`` has passed since the last write."""
        wait = self._last_write + self._pacing - asyncio.get_running_loop().time()
        if wait > 0:
            await asyncio.sleep(wait)

    async def _write(self, data: bytes) -> None:
        """Write ``data`` now; return once the socket has taken it.

        ConnectionClosedError when the connection is gone.
        """
        socket = self._socket
        if socket is None:
            raise ConnectionClosedError("connection lost")
        await socket.write(data)
        self._last_write = asyncio.get_running_loop().time()

    def _alive(self) -> None:
        """A message was decoded: the device is there."""
        self._last_received = asyncio.get_running_loop().time()
        if not self._heard:
            self._heard = True
            self.stats.silent_sessions = 0

    def _dispatch(self, message: Message) -> None:
        """Pass a message to every message listener; a failing listener is logged."""
        self.stats.messages_in += 1
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

    # --- the connection --------------------------------------------------------------

    def _socket_lost(self, reason: str) -> None:
        self.stats.last_error = reason

    async def _open(self) -> None:
        loop = asyncio.get_running_loop()
        self._heard = False
        self._opening()
        lost: asyncio.Future[None] = loop.create_future()
        try:
            async with asyncio.timeout(self._connect_timeout):
                _, socket = await loop.create_connection(
                    lambda: _Socket(self._received, self._socket_lost, lost, self.stats),
                    self._host,
                    self._port,
                )
        except (OSError, TimeoutError) as err:
            reason = str(err) or type(err).__name__
            self.stats.last_error = reason
            raise ConnectionClosedError(
                f"cannot connect to {self._host}:{self._port}: {reason}"
            ) from err
        self._socket = socket
        self._connected = True
        self._last_received = loop.time()
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
            self._fail_pending(str(self.stats.last_error))
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
        """Run the writer and keepalive until the socket, or one of them, ends; then drop it."""
        socket = self._socket
        assert socket is not None
        tasks = self._tasks = [
            asyncio.create_task(self._write_loop()),
            asyncio.create_task(self._keepalive_loop()),
        ]
        try:
            await asyncio.wait([socket.lost, *tasks], return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            results = await asyncio.gather(*tasks, return_exceptions=True)
            self._tasks = []
            self._drop_socket()
        for result in results:
            if isinstance(result, Exception):
                _LOGGER.error("Error in the connection to %s", self._host, exc_info=result)

    async def _write_loop(self) -> None:
        while True:
            pending = await self._queue.get()
            if self._outcome(pending).done():
                continue  # given up by its caller
            # Until settled, the send is the writer's; a drop fails it (_fail_pending),
            # even when the session is cancelled during the pacing wait or the write.
            self._current = pending
            try:
                await self._deliver(pending)
            except ConnectionClosedError:
                return
            self._current = None

    async def _keepalive_loop(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            quiet = loop.time() - self._last_received
            if quiet < self._keepalive_idle:
                await asyncio.sleep(self._keepalive_idle - quiet)
                continue
            asked = loop.time()
            probe = self._probe()
            self._outcome(probe).add_done_callback(_consume)
            self._queue.put_nowait(probe)
            await asyncio.sleep(self._keepalive_timeout)
            if self._last_received < asked:
                self.stats.keepalive_failures += 1
                self.stats.last_error = "no reply to keepalive"
                if not self._heard:
                    self.stats.silent_sessions += 1
                return

    def _drop_socket(self) -> None:
        socket, self._socket = self._socket, None
        if socket is not None:
            socket.abort()

    def _fail_pending(self, reason: str) -> None:
        """Fail every queued and in-flight send and waiting request: their connection is gone."""
        current, self._current = self._current, None
        if current is not None:
            _fail(self._outcome(current), self._lost_error(reason))
        while not self._queue.empty():
            _fail(self._outcome(self._queue.get_nowait()), self._lost_error(reason))
        self._fail_waiters(reason)

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


def _consume(future: asyncio.Future[Any]) -> None:
    """Retrieve a fire-and-forget future's outcome so asyncio does not warn about it."""
    if not future.cancelled():
        future.exception()

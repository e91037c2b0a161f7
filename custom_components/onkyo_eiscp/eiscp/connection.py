"""A self-healing TCP connection to one device, whatever protocol it speaks.

The protocol-independent half of a client: one TCP connection; while it is up, a
session of three tasks (a reader, a writer, a keepalive), and when any of them ends the
connection is lost: a supervisor fails what was pending, tells the connection listeners,
and reconnects, first at once, then with exponential backoff and jitter capped at
``reconnect_max_delay``, until :meth:`Connection.close`. The keepalive asks the device
something (:meth:`Connection._probe`) after ``keepalive_idle`` seconds without a decoded
message; none within ``keepalive_timeout`` means the connection is half-open.

A protocol subclass supplies the reader and writer loops, the probe and what to fail on a
drop, and calls :meth:`Connection._alive` for each decoded message (liveness means
messages, not bytes), :meth:`Connection._dispatch` for each message and
:meth:`Connection._end_batch` after each read. The legacy Pioneer client
(:mod:`.pioneer.client`) is built on it; the eISCP client can be.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
import asyncio
from collections.abc import Callable
import contextlib
import logging
import time
from typing import Self

from .client import ConnectionStats, backoff_delay
from .errors import ConnectionClosedError
from .messages import Message

_LOGGER = logging.getLogger(__name__)

type MessageListener = Callable[[Message], None]
type ConnectionListener = Callable[[bool], None]


class Connection[S: ConnectionStats](ABC):
    """A self-healing connection to one device (see the module docstring)."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        stats: S,
        name: str,
        connect_timeout: float,
        keepalive_idle: float,
        keepalive_timeout: float,
        reconnect_max_delay: float,
    ) -> None:
        """Configure the connection; :meth:`connect` opens it."""
        self._host = host
        self._port = port
        self._name = name
        self._connect_timeout = connect_timeout
        self._keepalive_idle = keepalive_idle
        self._keepalive_timeout = keepalive_timeout
        self._reconnect_max_delay = reconnect_max_delay
        self.stats = stats
        self._message_listeners: list[MessageListener] = []
        self._batch_listeners: list[Callable[[], None]] = []
        self._connection_listeners: list[ConnectionListener] = []
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._supervisor: asyncio.Task[None] | None = None
        self._connected = False
        self._closed = False
        self._last_received = 0.0
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
            self._supervise(), name=f"{self._name} {self._host}:{self._port}"
        )

    async def close(self) -> None:
        """Close the connection for good; nothing of the client survives. Idempotent."""
        self._closed = True
        supervisor, self._supervisor = self._supervisor, None
        if supervisor is not None:
            supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await supervisor
        self._drop_socket()
        self._connected = False
        self._fail_pending("client closed")

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
    async def _read_loop(self, reader: asyncio.StreamReader) -> None:
        """Read until the connection ends (set ``stats.last_error`` when it does)."""

    @abstractmethod
    async def _write_loop(self, writer: asyncio.StreamWriter) -> None:
        """Write what callers queue until the connection ends."""

    @abstractmethod
    def _probe(self) -> None:
        """Queue a question the device answers: the keepalive."""

    @abstractmethod
    def _fail_pending(self, reason: str) -> None:
        """Fail every queued and in-flight send: the connection it needed is gone."""

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
            self._fail_pending(f"connection lost: {self.stats.last_error}")
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
        reader, writer = self._reader, self._writer
        assert reader is not None
        assert writer is not None
        self._heard = False
        tasks = [
            asyncio.create_task(self._read_loop(reader)),
            asyncio.create_task(self._write_loop(writer)),
            asyncio.create_task(self._keepalive_loop()),
        ]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            self._drop_socket()

    async def _keepalive_loop(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            quiet = loop.time() - self._last_received
            if quiet < self._keepalive_idle:
                await asyncio.sleep(self._keepalive_idle - quiet)
                continue
            asked = loop.time()
            self._probe()
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

    def _notify(self, connected: bool) -> None:
        for listener in list(self._connection_listeners):
            try:
                listener(connected)
            except Exception:
                _LOGGER.exception("Error in a connection listener")


def _discard[T](items: list[T], item: T) -> None:
    with contextlib.suppress(ValueError):
        items.remove(item)

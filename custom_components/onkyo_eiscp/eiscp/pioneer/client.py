"""The persistent connection to one receiver that speaks the legacy Pioneer protocol.

It has the qualities and the public API of the eISCP :class:`~..client.Client`, so a
coordinator can drive either. The protocol-independent half (one TCP connection, the
supervisor that reconnects with backoff, listeners, the keepalive that detects a
half-open connection) is :class:`~..connection.Connection`; this module adds a reader
(bytes -> lines -> typed messages -> listeners), a writer that sends one command at a
time, at least ``pacing`` apart (these receivers drop commands that come faster;
aiopioneer's tested default is 100 ms), the keepalive's question (``?P``) and the
settling of every pending send when the connection drops.

Two things are particular to this protocol:

- **Answers.** The receiver answers each command with a status line (``PO`` ->
  ``PWR0``) or an error (``E04`` command error, ``E06`` parameter error, ``E03``
  unsupported, ``E02`` not available now, ``B00`` busy) that does not say which command
  it answers. So the writer keeps one command in flight until its answer (known from
  :func:`.commands.expected_reply`), an error, or ``reply_timeout``: the error then
  belongs to that command, and :meth:`Client.send` raises it as a
  :class:`~.errors.CommandError` to the caller that caused it. ``B00`` is retried after
  ``busy_delay``. ``E02`` is the protocol's "N/A": :meth:`Client.request` returns it as
  :class:`~..messages.NotAvailable`, as the eISCP client does.
- **Waking.** After a quiet period the receiver ignores the first command it gets,
  until it has been woken by a bare CR (Pioneer: send CR, then the command 100 ms
  later). Before a command that follows ``wake_after`` seconds without one, the writer
  sends a CR and waits ``wake_delay``. The receiver answers the CR with ``R``; ``R``
  lines (also a periodic sign of life on port 8102) keep the connection alive but are
  not passed to the message listeners.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, replace
import logging

from ..client import ConnectionStats
from ..connection import Connection
from ..errors import ConnectionClosedError, QueryTimeoutError
from ..messages import Message, NotAvailable
from .codec import WAKE, LineDecoder, encode
from .commands import expected_reply, query_for
from .const import DEFAULT_PORT, NOT_AVAILABLE_NOW
from .errors import CommandError
from .messages import ErrorReply, Ready
from .parser import parse

_LOGGER = logging.getLogger(__name__)

_READ_SIZE = 64 * 1024


@dataclass(slots=True)
class PioneerStats(ConnectionStats):
    """The eISCP client's counters, and this protocol's own."""

    wakes: int = 0
    error_replies: int = 0
    busy_retries: int = 0
    unanswered: int = 0


@dataclass(slots=True, eq=False)
class _Pending:
    """A command waiting to be written and answered."""

    line: str
    expect: str | None  # the start of the answer, when known
    timeout: float  # how long to wait for the answer
    strict: bool  # request(): no answer is an error; send(): it is not
    done: asyncio.Future[Message | None]


class Client(Connection[PioneerStats]):
    """A self-healing connection to one legacy Pioneer receiver."""

    def __init__(
        self,
        host: str,
        port: int = DEFAULT_PORT,
        *,
        pacing: float = 0.1,
        query_timeout: float = 2.0,
        reply_timeout: float = 1.0,
        connect_timeout: float = 5.0,
        keepalive_idle: float = 30.0,
        keepalive_timeout: float = 5.0,
        keepalive_query: str = "?P",
        reconnect_max_delay: float = 15.0,
        wake_after: float | None = 5.0,
        wake_delay: float = 0.1,
        busy_retries: int = 2,
        busy_delay: float = 0.5,
    ) -> None:
        """Configure the connection; :meth:`connect` opens it.

        ``wake_after`` None never wakes the receiver (for receivers without the quirk).
        """
        super().__init__(
            host,
            port,
            stats=PioneerStats(),
            name="pioneer",
            connect_timeout=connect_timeout,
            keepalive_idle=keepalive_idle,
            keepalive_timeout=keepalive_timeout,
            reconnect_max_delay=reconnect_max_delay,
        )
        self._pacing = pacing
        self._query_timeout = query_timeout
        self._reply_timeout = reply_timeout
        self._keepalive_query = keepalive_query
        self._wake_after = wake_after
        self._wake_delay = wake_delay
        self._busy_retries = busy_retries
        self._busy_delay = busy_delay
        self._queue: asyncio.Queue[_Pending] = asyncio.Queue()
        self._current: _Pending | None = None
        self._in_flight: tuple[_Pending, asyncio.Future[Message]] | None = None
        self._last_write = float("-inf")
        self._last_command = float("-inf")

    # --- sending ---------------------------------------------------------------------

    async def send(self, message: str) -> None:
        """Send a command (e.g. ``"PO"``); return once the receiver has taken it.

        Raises CommandError when the receiver refuses it (``E03``/``E04``/``E06``, or
        still ``B00`` after the retries), ConnectionClosedError when not connected or the
        connection drops first, FrameError for a line that cannot be sent. A receiver
        that answers nothing within ``reply_timeout`` (or ``E02``, not available now) is
        not an error: the command was delivered.
        """
        await self._submit(message, expected_reply(message), self._reply_timeout, strict=False)

    async def query(self, code: str, *, timeout: float | None = None) -> Message:
        """Ask for the state a reply code reports (``"PWR"`` sends ``?P``); the reply.

        ValueError for a code that has no query; otherwise as :meth:`request`.
        """
        command = query_for(code)
        if command is None:
            raise ValueError(f"no query answers {code!r}")
        return await self.request(command, code, timeout=timeout)

    async def request(
        self, message: str, reply_code: str, *, timeout: float | None = None
    ) -> Message:
        """Send ``message``; return the first line that starts with ``reply_code`` after it.

        ``E02`` comes back as NotAvailable; other refusals raise CommandError;
        QueryTimeoutError when nothing arrives in time.
        """
        wait = self._query_timeout if timeout is None else timeout
        reply = await self._submit(message, reply_code, wait, strict=True)
        assert reply is not None
        return reply

    async def _submit(
        self, line: str, expect: str | None, timeout: float, *, strict: bool
    ) -> Message | None:
        encode(line)  # FrameError now, for the caller, rather than in the writer
        if not self._connected:
            raise ConnectionClosedError(f"not connected to {self._host}:{self._port}")
        done: asyncio.Future[Message | None] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(_Pending(line, expect, timeout, strict, done))
        return await done

    # --- the connection --------------------------------------------------------------

    async def _open(self) -> None:
        await super()._open()
        self._last_command = float("-inf")  # a new connection starts with a wake-up

    async def _read_loop(self, reader: asyncio.StreamReader) -> None:
        decoder = LineDecoder()
        while True:
            try:
                data = await reader.read(_READ_SIZE)
            except OSError as err:
                self.stats.last_error = str(err) or type(err).__name__
                return
            if not data:
                self.stats.last_error = "closed by the receiver"
                return
            self.stats.bytes_in += len(data)
            lines = decoder.feed(data)
            if not lines:
                continue  # garbage is no sign of life
            self._alive()
            dispatched = False
            for line in lines:
                dispatched |= self._receive(line)
            if dispatched:
                self._end_batch()

    def _receive(self, line: str) -> bool:
        """Answer the command in flight and pass the message on; False for ``R``."""
        message = parse(line)
        if isinstance(message, Ready):
            return False
        if isinstance(message, ErrorReply):
            self.stats.error_replies += 1
        if self._in_flight is not None:
            pending, answer = self._in_flight
            if isinstance(message, ErrorReply):
                message = replace(message, command=pending.line)
            answers = isinstance(message, ErrorReply) or (
                pending.expect is not None and line.startswith(pending.expect)
            )
            if answers and not answer.done():
                answer.set_result(message)
        self._dispatch(message)
        return True

    async def _write_loop(self, writer: asyncio.StreamWriter) -> None:
        loop = asyncio.get_running_loop()
        while True:
            pending = await self._queue.get()
            if pending.done.done():
                continue
            # Until settled, the command is the writer's: a drop fails it (_fail_pending).
            self._current = pending
            answer: Message | None = None
            for attempt in range(self._busy_retries + 1):
                if attempt:
                    self.stats.busy_retries += 1
                    await asyncio.sleep(self._busy_delay)
                future: asyncio.Future[Message] = loop.create_future()
                self._in_flight = (pending, future)
                try:
                    if not await self._write(writer, pending.line):
                        return
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(pending.timeout):
                            answer = await future
                finally:
                    self._in_flight = None
                if not (isinstance(answer, ErrorReply) and answer.busy):
                    break
            self._current = None
            _settle(pending, answer, self.stats)

    async def _write(self, writer: asyncio.StreamWriter, line: str) -> bool:
        """Write one command, paced, woken first after a quiet spell; False if lost."""
        loop = asyncio.get_running_loop()
        wait = self._last_write + self._pacing - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)
        try:
            if self._wake_after is not None and loop.time() - self._last_command >= (
                self._wake_after
            ):
                self.stats.wakes += 1
                writer.write(WAKE)
                await writer.drain()
                await asyncio.sleep(self._wake_delay)
            writer.write(encode(line))
            await writer.drain()
        except OSError as err:
            self.stats.last_error = str(err) or type(err).__name__
            return False
        self._last_write = self._last_command = loop.time()
        self.stats.messages_out += 1
        return True

    def _probe(self) -> None:
        sent: asyncio.Future[Message | None] = asyncio.get_running_loop().create_future()
        sent.add_done_callback(_consume)
        expect = expected_reply(self._keepalive_query)
        self._queue.put_nowait(
            _Pending(self._keepalive_query, expect, self._keepalive_timeout, False, sent)
        )

    def _fail_pending(self, reason: str) -> None:
        """Fail queued and in-flight commands: the connection they needed is gone."""
        current, self._current = self._current, None
        if current is not None and not current.done.done():
            current.done.set_exception(ConnectionClosedError(reason))
        while not self._queue.empty():
            pending = self._queue.get_nowait()
            if not pending.done.done():
                pending.done.set_exception(ConnectionClosedError(reason))


def _settle(pending: _Pending, answer: Message | None, stats: PioneerStats) -> None:
    """Complete a command's future with what the receiver answered."""
    done = pending.done
    if done.done():
        return
    if answer is None:
        stats.unanswered += 1
        if pending.strict:
            done.set_exception(QueryTimeoutError(f"no {pending.expect} reply to {pending.line}"))
        else:
            done.set_result(None)
    elif isinstance(answer, ErrorReply):
        if answer.code == NOT_AVAILABLE_NOW:
            code = pending.expect or answer.code
            done.set_result(NotAvailable(code=code, raw=answer.code) if pending.strict else None)
        else:
            done.set_exception(CommandError(answer.code, pending.line))
    else:
        done.set_result(answer if pending.strict else None)


def _consume(future: asyncio.Future[Message | None]) -> None:
    """Retrieve a fire-and-forget future's outcome so asyncio does not warn about it."""
    if not future.cancelled():
        future.exception()

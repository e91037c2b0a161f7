"""The persistent connection to one receiver that speaks the legacy Pioneer protocol.

It has the qualities and the public API of the eISCP :class:`~..client.Client`, so a
coordinator can drive either. The protocol-independent half (one TCP connection, the
supervisor that reconnects with backoff, listeners, the keepalive that detects a
half-open connection, received bytes handled as they arrive, every pending send settled
when the connection drops) is :class:`~..connection.Connection`; this module adds the
protocol: received bytes -> lines -> typed messages -> listeners, a writer that sends
one command at a time, at least ``pacing`` apart (these receivers drop commands that
come faster; aiopioneer's tested default is 100 ms), and the keepalive's question
(``?P``).

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
from typing import Any

from ..connection import Connection, ConnectionStats
from ..errors import QueryTimeoutError
from ..messages import Message, NotAvailable
from .codec import WAKE, LineDecoder, encode
from .commands import expected_reply, query_for
from .const import DEFAULT_PORT, NOT_AVAILABLE_NOW
from .errors import CommandError
from .messages import ErrorReply, Ready
from .parser import parse


@dataclass(slots=True)
class PioneerStats(ConnectionStats):
    """The connection's counters (as the eISCP client's), and this protocol's own."""

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


class Client(Connection[PioneerStats, _Pending]):
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
            pacing=pacing,
            connect_timeout=connect_timeout,
            keepalive_idle=keepalive_idle,
            keepalive_timeout=keepalive_timeout,
            reconnect_max_delay=reconnect_max_delay,
        )
        self._query_timeout = query_timeout
        self._reply_timeout = reply_timeout
        self._keepalive_query = keepalive_query
        self._wake_after = wake_after
        self._wake_delay = wake_delay
        self._busy_retries = busy_retries
        self._busy_delay = busy_delay
        self._decoder = LineDecoder()
        self._in_flight: tuple[_Pending, asyncio.Future[Message]] | None = None
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
        await self._command(message, expected_reply(message), self._reply_timeout, strict=False)

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
        reply = await self._command(message, reply_code, wait, strict=True)
        assert reply is not None
        return reply

    async def _command(
        self, line: str, expect: str | None, timeout: float, *, strict: bool
    ) -> Message | None:
        encode(line)  # FrameError now, for the caller, rather than in the writer
        pending = _Pending(
            line, expect, timeout, strict, asyncio.get_running_loop().create_future()
        )
        await self._submit(pending)
        return pending.done.result()

    # --- the protocol ----------------------------------------------------------------

    def _opening(self) -> None:
        self._decoder = LineDecoder()
        self._last_command = float("-inf")  # a new connection starts with a wake-up

    def _received(self, data: bytes) -> None:
        lines = self._decoder.feed(data)
        if not lines:
            return  # garbage is no sign of life
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

    async def _deliver(self, pending: _Pending) -> None:
        loop = asyncio.get_running_loop()
        answer: Message | None = None
        for attempt in range(self._busy_retries + 1):
            if attempt:
                self.stats.busy_retries += 1
                await asyncio.sleep(self._busy_delay)
            future: asyncio.Future[Message] = loop.create_future()
            self._in_flight = (pending, future)
            try:
                await self._transmit(pending.line)
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(pending.timeout):
                        answer = await future
            finally:
                self._in_flight = None
            if not (isinstance(answer, ErrorReply) and answer.busy):
                break
        _settle(pending, answer, self.stats)

    async def _transmit(self, line: str) -> None:
        """Write one command, paced, woken first after a quiet spell."""
        loop = asyncio.get_running_loop()
        await self._pace()
        if self._wake_after is not None and loop.time() - self._last_command >= self._wake_after:
            self.stats.wakes += 1
            await self._write(WAKE)
            await asyncio.sleep(self._wake_delay)
        await self._write(encode(line))
        self._last_command = loop.time()
        self.stats.messages_out += 1

    def _outcome(self, pending: _Pending) -> asyncio.Future[Any]:
        return pending.done

    def _fail_waiters(self, reason: str) -> None:
        """Nothing to do: here every request is a send, settled with the others."""

    def _probe(self) -> _Pending:
        expect = expected_reply(self._keepalive_query)
        return _Pending(
            self._keepalive_query,
            expect,
            self._keepalive_timeout,
            False,
            asyncio.get_running_loop().create_future(),
        )


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

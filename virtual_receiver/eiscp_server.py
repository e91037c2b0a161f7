"""The eISCP server of a virtual device: TCP sessions, UDP discovery, and a record of both.

It frames and unframes; what a message means is the device's business, reached through
``respond``. Each client has a :class:`Session`; everything clients send is recorded in
order (with the loop time it arrived, to check a client's pacing). A stalled device (see
:class:`~.faults.Faults`) takes bytes and answers nothing, as a half-open connection does.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
import logging
from typing import Protocol

from .faults import Faults
from .framing import DEVICE_END, DISCOVERY_END, Decoder, frame

_LOGGER = logging.getLogger(__name__)
_READ = 65536


class Replies(Protocol):
    """What the device answers: to the sender, and to every client."""

    @property
    def to_sender(self) -> list[str]:
        """Messages for the client that sent the message."""

    @property
    def to_all(self) -> list[str]:
        """Messages for every client."""


@dataclass(eq=False)
class Session:
    """One TCP client."""

    writer: asyncio.StreamWriter
    received: list[str] = field(default_factory=list)

    def send(self, data: bytes) -> None:
        """Send ``data`` unless the connection is closing."""
        if not self.writer.is_closing():
            self.writer.write(data)


class _Discovery(asyncio.DatagramProtocol):
    """Answers ``ECNQSTN`` broadcasts."""

    def __init__(self, server: EiscpServer) -> None:
        self._server = server
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.DatagramTransport)
        self.transport = transport

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        for message in Decoder().feed(data):
            if message == "ECNQSTN" and self.transport and not self._server.faults.stalled:
                self.transport.sendto(frame(self._server.ecn(), end=DISCOVERY_END), addr)


class EiscpServer:
    """Serves one device over TCP, with ECN discovery on the same UDP port."""

    def __init__(
        self,
        *,
        respond: Callable[[str], Replies],
        ecn: Callable[[], str],
        faults: Faults,
        host: str = "127.0.0.1",
        port: int = 0,
        udp: bool = True,
        log_commands: bool = False,
    ) -> None:
        """Serve on ``host:port`` (0: a free port, kept across restarts)."""
        self.respond = respond
        self.ecn = ecn
        self.faults = faults
        self.host = host
        self.port = port
        self.udp = udp
        self.log_commands = log_commands
        self.received: list[str] = []
        self.received_at: list[float] = []
        self._received_changed = asyncio.Event()
        self._sessions: set[Session] = set()
        self._handlers: set[asyncio.Task[None]] = set()
        self._server: asyncio.Server | None = None
        self._discovery: asyncio.DatagramTransport | None = None

    async def start(self) -> None:
        """Listen."""
        self._server = await asyncio.start_server(self._serve, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        if self.udp:
            transport, _ = await asyncio.get_running_loop().create_datagram_endpoint(
                lambda: _Discovery(self), local_addr=(self.host, self.port)
            )
            self._discovery = transport

    async def stop(self) -> None:
        """Stop listening and drop every client."""
        if self._server is not None:
            self._server.close()
        await self.drop_clients()
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None
        if self._discovery is not None:
            self._discovery.close()
            self._discovery = None

    @property
    def client_count(self) -> int:
        """Connected clients."""
        return len(self._sessions)

    def push(self, message: str) -> None:
        """Send ``message`` to every client (nothing while stalled)."""
        if not self.faults.stalled:
            self.broadcast(frame(message))

    def broadcast(self, data: bytes) -> None:
        """Send raw bytes to every client."""
        for session in list(self._sessions):
            session.send(data)

    async def drop_clients(self) -> None:
        """Close every client connection at once."""
        for session in list(self._sessions):
            session.writer.transport.abort()
        self._sessions.clear()
        handlers = list(self._handlers)
        for task in handlers:
            task.cancel()
        await asyncio.gather(*handlers, return_exceptions=True)

    def clear_received(self) -> None:
        """Forget what clients sent so far."""
        self.received.clear()
        self.received_at.clear()

    async def wait_for(self, message: str, timeout: float = 2.0) -> None:
        """Wait until a client has sent ``message`` (TimeoutError otherwise)."""
        async with asyncio.timeout(timeout):
            while message not in self.received:
                self._received_changed.clear()
                await self._received_changed.wait()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self.faults.admits(len(self._sessions)):
            writer.transport.abort()
            return
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        session = Session(writer)
        self._sessions.add(session)
        decoder = Decoder()
        try:
            while data := await reader.read(_READ):
                if self.faults.stalled:
                    continue
                for message in decoder.feed(data):
                    self._receive(session, message)
        except OSError:
            pass
        finally:
            self._sessions.discard(session)
            self._handlers.discard(task)
            writer.transport.abort()

    def _receive(self, session: Session, message: str) -> None:
        self.received.append(message)
        self.received_at.append(asyncio.get_running_loop().time())
        session.received.append(message)
        self._received_changed.set()
        if self.log_commands:
            print(f"received {message}", flush=True)  # noqa: T201 - the option's purpose
        try:
            replies = self.respond(message)
        except Exception:  # a virtual device must survive anything a client sends
            _LOGGER.exception("Virtual receiver failed to handle %r", message[:80])
            return
        for reply in replies.to_sender:
            session.send(frame(reply, end=DEVICE_END))
        for push in replies.to_all:
            self.push(push)


__all__ = ["EiscpServer", "Session"]

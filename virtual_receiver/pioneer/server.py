"""A virtual legacy Pioneer receiver on loopback: TCP control port and UPnP description.

It answers every command of :mod:`.device` with the real reply formats, pushes each change
to every connected client (whoever made it: a client, or :meth:`VirtualPioneer.press`,
the front panel), answers a bare CR with ``R``, and has the protocol's wake-up quirk:
after ``sleep_after`` seconds without a line from any client, the line that arrives is
lost (it only wakes the receiver), and so is any line in the ``wake_time`` after it. Its
UPnP description (with a UDN) is served over HTTP on its own port.

Fault injection, as on the eISCP virtual receiver: ``stalled`` (a half-open receiver
that reads and never answers), ``ignore`` (lines it silently drops), ``refuse`` (lines
it answers with an error code, ``E04`` or ``E06``, as a model without that function
does), ``busy`` (answer ``B00`` to the next commands), :meth:`VirtualPioneer.push_raw` (garbage),
:meth:`VirtualPioneer.drop_clients` and :meth:`VirtualPioneer.restart`. ``received``
records the lines it took, ``lost`` the lines it slept through.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
import logging
import sys
from typing import Self

from .device import Device, Outcome
from .profile import VSX_1021, Profile, description_xml

_LOGGER = logging.getLogger(__name__)

END = b"\r\n"
BUSY = "B00"
DESCRIPTION_PATH = "/AVTransport/desc.xml"


@dataclass(eq=False)
class _Client:
    """One TCP client."""

    writer: asyncio.StreamWriter
    received: list[str] = field(default_factory=list)

    def send(self, lines: list[str]) -> None:
        if lines and not self.writer.is_closing():
            self.writer.write(b"".join(line.encode("ascii", "replace") + END for line in lines))


class _Lines:
    """Splits what a client sends into lines; a bare CR is an empty line."""

    def __init__(self) -> None:
        self._buffer = ""
        self._after_cr = False

    def feed(self, data: bytes) -> list[str]:
        text = data.decode("ascii", errors="replace")
        if self._after_cr and text.startswith("\n"):
            text = text[1:]  # the LF of a CR LF split across reads
        if text:
            self._after_cr = text.endswith("\r")
        text = self._buffer + text.replace("\r\n", "\r").replace("\n", "\r")
        *lines, self._buffer = text.split("\r")
        return [line.strip(" \t\x00") for line in lines]


class VirtualPioneer:
    """A virtual legacy Pioneer receiver (see the module docstring)."""

    def __init__(
        self,
        profile: Profile = VSX_1021,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        upnp_port: int | None = 0,
        sleep_after: float | None = 60.0,
        wake_time: float = 0.05,
        ready_interval: float | None = None,
        log_commands: bool = False,
    ) -> None:
        """Set the receiver up; :meth:`start` serves it (port 0: any free port)."""
        self.profile = profile
        self.device = Device(profile)
        self.host = host
        self.port = port
        self.upnp_port = upnp_port
        self.sleep_after = sleep_after
        self.wake_time = wake_time
        self.ready_interval = ready_interval
        self.log_commands = log_commands
        self.stalled = False
        self.ignore: set[str] = set()
        self.refuse: dict[str, str] = {}
        self.busy = 0
        self.received: list[str] = []
        self.received_at: list[float] = []
        self.lost: list[str] = []
        self.wakeups = 0
        self._received_changed = asyncio.Event()
        self._last_heard: float | None = None
        self._awake_at = 0.0
        self._clients: set[_Client] = set()
        self._handlers: set[asyncio.Task[None]] = set()
        self._server: asyncio.Server | None = None
        self._upnp: asyncio.Server | None = None
        self._ticker: asyncio.Task[None] | None = None

    # --- lifecycle ---------------------------------------------------------------------

    async def start(self) -> None:
        """Serve the control port (and the UPnP description unless ``upnp_port`` is None)."""
        self._server = await asyncio.start_server(self._handle, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        if self.upnp_port is not None:
            self._upnp = await asyncio.start_server(self._serve_http, self.host, self.upnp_port)
            self.upnp_port = self._upnp.sockets[0].getsockname()[1]
        self._last_heard = asyncio.get_running_loop().time()
        if self.ready_interval is not None:
            self._ticker = asyncio.create_task(self._tick(self.ready_interval))

    async def stop(self) -> None:
        """Close every socket and task."""
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
            self._ticker = None
        for server in (self._server, self._upnp):
            if server is not None:
                server.close()
        await self.drop_clients()
        for server in (self._server, self._upnp):
            if server is not None:
                await server.wait_closed()
        self._server = self._upnp = None

    async def restart(self, downtime: float = 0.0) -> None:
        """Go away and come back on the same ports, as a receiver that reboots."""
        await self.stop()
        await asyncio.sleep(downtime)
        await self.start()

    async def __aenter__(self) -> Self:
        """Start."""
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        """Stop."""
        await self.stop()

    @property
    def client_count(self) -> int:
        """Connected clients."""
        return len(self._clients)

    @property
    def description_url(self) -> str:
        """Where the UPnP description is."""
        return f"http://{self.host}:{self.upnp_port}{DESCRIPTION_PATH}"

    # --- what clients sent ---------------------------------------------------------------

    def clear_received(self) -> None:
        """Forget what clients sent so far."""
        self.received.clear()
        self.received_at.clear()
        self.lost.clear()

    async def wait_for(self, line: str, timeout: float = 2.0) -> None:
        """Wait until a client has sent ``line`` (TimeoutError otherwise)."""
        async with asyncio.timeout(timeout):
            while line not in self.received:
                self._received_changed.clear()
                await self._received_changed.wait()

    # --- the front panel and pushes -------------------------------------------------------

    def press(self, command: str) -> None:
        """Apply a command as the front panel or the remote does: every client hears it.

        ValueError when the receiver refuses it (in standby, or a bad command).
        """
        outcome = self.device.handle(command)
        if outcome.refused or not command:
            raise ValueError(f"the receiver refuses {command!r}: {outcome.reply}")
        self.push(*outcome.push)

    def push(self, *lines: str) -> None:
        """Send ``lines`` to every client now, as the receiver does on a change."""
        if not self.stalled:
            for client in list(self._clients):
                client.send(list(lines))

    def push_raw(self, data: bytes) -> None:
        """Send raw bytes to every client (garbage, over-long lines, ...)."""
        for client in list(self._clients):
            if not client.writer.is_closing():
                client.writer.write(data)

    async def drop_clients(self) -> None:
        """Close every client connection."""
        for client in list(self._clients):
            client.writer.transport.abort()
        self._clients.clear()
        handlers = list(self._handlers)
        for task in handlers:
            task.cancel()
        await asyncio.gather(*handlers, return_exceptions=True)

    async def _tick(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            self.push("R")

    # --- clients -------------------------------------------------------------------------

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        client = _Client(writer)
        self._clients.add(client)
        lines = _Lines()
        try:
            while data := await reader.read(65536):
                if self.stalled:
                    continue
                for line in lines.feed(data):
                    try:
                        self._receive(client, line)
                    except Exception:  # a virtual receiver must survive anything a client sends
                        _LOGGER.exception("Virtual Pioneer failed to handle %r", line[:80])
        except OSError:
            pass
        finally:
            self._clients.discard(client)
            self._handlers.discard(task)
            writer.transport.abort()

    def _receive(self, client: _Client, line: str) -> None:
        now = asyncio.get_running_loop().time()
        last, self._last_heard = self._last_heard, now
        if self.sleep_after is not None and last is not None and now - last >= self.sleep_after:
            # Asleep: this line only wakes the receiver, which takes wake_time to listen.
            self.wakeups += 1
            self._awake_at = now + self.wake_time
            if line:
                self.lost.append(line)
            return
        if now < self._awake_at:
            if line:
                self.lost.append(line)
            return
        if not line:
            client.send(self.device.handle(line).reply)
            return
        self.received.append(line)
        self.received_at.append(now)
        client.received.append(line)
        self._received_changed.set()
        if self.log_commands:
            sys.stdout.write(f"received {line}\n")
            sys.stdout.flush()
        if line in self.ignore:
            return
        if line in self.refuse:
            client.send([self.refuse[line]])
            return
        if self.busy > 0:
            self.busy -= 1
            client.send([BUSY])
            return
        outcome: Outcome = self.device.handle(line)
        client.send(outcome.reply)
        self.push(*outcome.push)

    # --- UPnP description ----------------------------------------------------------------

    async def _serve_http(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            async with asyncio.timeout(5):
                head = await reader.readuntil(b"\r\n\r\n")
            parts = head.split(b"\r\n", 1)[0].split()
            path = parts[1].decode("ascii", "replace") if len(parts) > 1 else ""
            if parts[:1] == [b"GET"] and path == DESCRIPTION_PATH:
                body = description_xml(self.profile).encode()
                status = b"200 OK"
            else:
                body, status = b"not found", b"404 Not Found"
            writer.write(
                b"HTTP/1.1 " + status + b'\r\nContent-Type: text/xml; charset="utf-8"\r\n'
                b"Content-Length: "
                + str(len(body)).encode()
                + b"\r\nConnection: close\r\n\r\n"
                + body
            )
            await writer.drain()
        except OSError, TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError:
            pass
        finally:
            writer.close()

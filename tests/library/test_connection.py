"""The connection core that both drivers share, against peers that misbehave on loopback.

The peers here are plain asyncio servers: one that stops reading, one that sends a
burst and hangs up mid-frame, one that resets the connection. The drivers' own tests
(test_client.py, test_pioneer_client.py) run against the virtual receivers.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable
import contextlib
import socket
import struct

import pytest

from custom_components.onkyo_eiscp.eiscp import messages as m
from custom_components.onkyo_eiscp.eiscp.client import Client, Footprint
from custom_components.onkyo_eiscp.eiscp.connection import ConnectionStats, backoff_delay
from custom_components.onkyo_eiscp.eiscp.errors import ConnectionClosedError
from custom_components.onkyo_eiscp.eiscp.frame import DEVICE_END, encode
from custom_components.onkyo_eiscp.eiscp.pioneer.client import Client as PioneerClient
from virtual_receiver import VirtualReceiver

pytestmark = pytest.mark.usefixtures("no_escaped_exceptions")

type Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


class Peer:
    """A loopback TCP server that runs ``handler`` for each connection (a fake device)."""

    def __init__(self, handler: Handler, *, receive_buffer: int | None = None) -> None:
        """Serve ``handler``; ``receive_buffer`` sets SO_RCVBUF of the accepted sockets."""
        self._handler = handler
        self._receive_buffer = receive_buffer
        self._server: asyncio.Server | None = None
        self.writers: list[asyncio.StreamWriter] = []
        self._handlers: list[asyncio.Task[None]] = []
        self.port = 0

    async def __aenter__(self) -> Peer:
        """Listen on a free loopback port."""
        sock = socket.socket()
        if self._receive_buffer is not None:
            # Set before listening, so every accepted socket has it.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, self._receive_buffer)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        self._server = await asyncio.start_server(self._serve, sock=sock)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        """Close the server, its connections and their handlers."""
        assert self._server is not None
        self._server.close()
        for writer in self.writers:
            writer.transport.abort()
        for handler in self._handlers:
            handler.cancel()
        await asyncio.gather(*self._handlers, return_exceptions=True)
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.writers.append(writer)
        task = asyncio.current_task()
        assert task is not None
        self._handlers.append(task)
        with contextlib.suppress(ConnectionError):
            await self._handler(reader, writer)


async def _hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Accept and never read: the socket's buffers fill up."""
    await asyncio.Event().wait()


async def _until(predicate: Callable[[], object], timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.005)


def _frame(message: str) -> bytes:
    return encode(message, terminator=DEVICE_END)


def test_stats_and_backoff_are_the_clients() -> None:
    """client.py re-exports the core's ConnectionStats and backoff_delay (callers import them)."""
    from custom_components.onkyo_eiscp.eiscp import client  # noqa: PLC0415 - the re-export

    assert client.ConnectionStats is ConnectionStats
    assert client.backoff_delay is backoff_delay


async def test_writes_wait_for_a_peer_that_stops_reading_and_a_drop_settles_them() -> None:
    """Flow control: once the socket's buffers are full, sends wait; a drop fails them all.

    The peer accepts and never reads. Sends of 256 KB each go out until one stays
    unsettled: it waits for the socket (pause_writing), and the next one waits in the
    queue. When the peer then resets the connection, both fail with
    ConnectionClosedError, the reason is in ``stats.last_error``, and nothing is left.
    """
    big = "NTI" + "x" * (256 * 1024)
    async with (
        Peer(_hold, receive_buffer=4096) as peer,
        Client("127.0.0.1", peer.port, pacing=0, keepalive_idle=3600) as client,
    ):
        events: list[bool] = []
        client.add_connection_listener(events.append)
        stuck: asyncio.Task[None] | None = None
        for _ in range(400):  # some 100 MB: far more than loopback buffers hold
            send = asyncio.create_task(client.send(big))
            done, _ = await asyncio.wait([send], timeout=0.5)
            if not done:
                stuck = send
                break
            send.result()
        assert stuck is not None, "every send was written: the peer's buffers never filled"
        written = client.stats.messages_out
        queued = asyncio.create_task(client.send("PWRQSTN"))
        await _until(lambda: client.footprint().sends == 2)
        assert not stuck.done()
        assert client.stats.messages_out == written

        peer.writers[0].transport.abort()  # a reset, with our data unread
        results = await asyncio.gather(stuck, queued, return_exceptions=True)
        assert all(isinstance(r, ConnectionClosedError) for r in results), results
        assert client.stats.last_error
        await _until(lambda: events == [False, True])
        assert client.footprint() == Footprint(tasks=3, sends=0, waiters=0, listeners=1)


async def test_waiting_writes_go_on_when_the_peer_reads_again() -> None:
    """Sends held back by a full socket are written, in order, once the peer reads."""
    reading = asyncio.Event()
    received = bytearray()

    async def slow_reader(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reading.wait()
        while data := await reader.read(1024 * 1024):
            received.extend(data)

    big = "NTI" + "x" * (256 * 1024)
    async with (
        Peer(slow_reader, receive_buffer=4096) as peer,
        Client("127.0.0.1", peer.port, pacing=0, keepalive_idle=3600) as client,
    ):
        sends: list[asyncio.Task[None]] = []
        for _ in range(400):
            sends.append(asyncio.create_task(client.send(big)))
            done, _ = await asyncio.wait(sends[-1:], timeout=0.5)
            if not done:
                break
        assert not sends[-1].done(), "every send was written: the peer's buffers never filled"
        last = asyncio.create_task(client.send("PWRQSTN"))
        reading.set()
        await asyncio.gather(*sends, last)
        total = len(encode(big)) * len(sends) + len(encode("PWRQSTN"))
        await _until(lambda: len(received) == total)
        assert received.endswith(encode("PWRQSTN"))
        assert client.stats.messages_out == len(sends) + 1
        assert client.stats.drops == 0


async def test_a_burst_then_a_hang_up_mid_frame() -> None:
    """The peer sends 200 messages and half of one, then closes: all 200 arrive, in order.

    The session ends as "closed by the device" (EOF), the half frame goes with the
    connection (the next connection's first message is read whole), and the client
    reconnects.
    """
    burst = b"".join(_frame(f"MVL{n % 100:02X}") for n in range(200))
    sessions = 0

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal sessions
        sessions += 1
        if sessions == 1:
            writer.write(burst + _frame("NTIcut short")[:20])
            await writer.drain()
            writer.close()
        else:
            writer.write(_frame("PWR01"))
            await asyncio.Event().wait()

    seen: list[m.Message] = []
    ends: list[int] = []
    events: list[tuple[bool, str | None]] = []
    async with (
        Peer(serve) as peer,
        Client("127.0.0.1", peer.port, reconnect_max_delay=0.05, keepalive_idle=3600) as client,
    ):
        client.add_message_listener(seen.append)
        client.add_batch_listener(lambda: ends.append(len(seen)))
        client.add_connection_listener(lambda up: events.append((up, client.stats.last_error)))
        await _until(lambda: any(isinstance(x, m.Power) for x in seen))
        volumes = [x for x in seen if isinstance(x, m.Volume)]
        assert [x.level for x in volumes] == [n % 100 for n in range(200)]
        assert seen[200:] == [m.Power(code="PWR", raw="01", zone=m.Zone.MAIN, on=True)]
        assert events == [(False, "closed by the device"), (True, "closed by the device")]
        assert ends[-1] == len(seen)  # every read ended in a batch call
        assert client.stats.drops == 1
        assert client.stats.dropped_frames == 0


async def test_a_reset_ends_the_session_with_its_reason() -> None:
    """A peer that resets the connection: the session ends with the socket's error."""
    sessions = 0

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal sessions
        sessions += 1
        if sessions == 1:
            await reader.readexactly(len(encode("PWRQSTN")))  # the client's query
            raw = writer.get_extra_info("socket")
            raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.transport.abort()  # closed with linger 0: a reset
        else:
            await asyncio.Event().wait()

    async with (
        Peer(serve) as peer,
        Client("127.0.0.1", peer.port, reconnect_max_delay=0.05, keepalive_idle=3600) as client,
    ):
        events: list[bool] = []
        client.add_connection_listener(events.append)
        with pytest.raises(ConnectionClosedError, match="reset"):
            await client.query("PWR", timeout=5)
        assert "reset" in str(client.stats.last_error).lower()
        await _until(lambda: events == [False, True])


@pytest.fixture
async def receiver() -> AsyncGenerator[VirtualReceiver]:
    async with VirtualReceiver("TX-NR686") as vr:
        yield vr


async def test_a_raising_listener_stops_no_other(
    receiver: VirtualReceiver, caplog: pytest.LogCaptureFixture
) -> None:
    """A listener that raises mid-batch: the others get every message, the batch ends once.

    The messages after the one that made it raise are delivered too, to it as well, and
    the connection stays up.
    """
    first: list[str] = []
    second: list[str] = []
    batches: list[int] = []

    def fragile(message: m.Message) -> None:
        first.append(message.raw)
        if message.raw == "b":
            raise RuntimeError("listener bug")

    async with Client(receiver.host, receiver.port) as client:
        client.add_message_listener(fragile)
        client.add_message_listener(lambda message: second.append(message.raw))
        client.add_batch_listener(lambda: (_ for _ in ()).throw(RuntimeError("batch bug")))
        client.add_batch_listener(lambda: batches.append(len(second)))
        receiver.push_raw(_frame("NTIa") + _frame("NTIb") + _frame("NTIc"))
        await _until(lambda: batches)
        assert first == second == ["a", "b", "c"]
        assert batches == [3]
        assert "Error in a listener of NTI" in caplog.text
        assert "Error in a batch listener" in caplog.text
        assert isinstance(await client.query("PWR"), m.Power)
        assert client.stats.drops == 0


async def test_both_drivers_share_the_core() -> None:
    """The Pioneer driver settles its in-flight command on a drop through the same core."""

    async def answer_nothing(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(asyncio.IncompleteReadError):  # the client closed first
            await reader.readuntil(b"PO\r")  # after the wake-up CR
        writer.transport.abort()

    async with Peer(answer_nothing) as peer:
        client = PioneerClient("127.0.0.1", peer.port, reply_timeout=10, reconnect_max_delay=5)
        await client.connect()
        try:
            with pytest.raises(ConnectionClosedError, match="lost"):
                await client.send("PO")
            assert client.footprint().sends == 0
        finally:
            await client.close()
        assert client.footprint() == Footprint(tasks=0, sends=0, waiters=0, listeners=0)


async def test_close_while_connecting_leaves_nothing(receiver: VirtualReceiver) -> None:
    """close() while connect() is opening the socket: connect fails, nothing keeps running.

    Before, the connection opened after close() was kept, with a supervisor that
    reconnected for ever.
    """
    client = Client(receiver.host, receiver.port)
    connecting = asyncio.create_task(client.connect())
    await asyncio.sleep(0)  # connect() is inside the socket's opening now
    await client.close()
    with pytest.raises(ConnectionClosedError, match="closed"):
        await connecting
    assert not client.connected
    assert client.footprint() == Footprint(tasks=0, sends=0, waiters=0, listeners=0)
    await _until(lambda: receiver.client_count == 0)

"""The connection against the virtual receiver over loopback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
import logging
import socket

import pytest

from custom_components.onkyo_eiscp.eiscp import messages as m
from custom_components.onkyo_eiscp.eiscp.client import Client, backoff_delay
from custom_components.onkyo_eiscp.eiscp.errors import (
    ConnectionClosedError,
    FrameError,
    QueryTimeoutError,
)
from custom_components.onkyo_eiscp.eiscp.frame import encode
from virtual_receiver import VirtualReceiver


@pytest.fixture
async def receiver() -> AsyncGenerator[VirtualReceiver]:
    async with VirtualReceiver("TX-NR686") as vr:
        yield vr


@pytest.fixture
async def client(receiver: VirtualReceiver) -> AsyncGenerator[Client]:
    async with Client(
        receiver.host, receiver.port, query_timeout=0.5, reconnect_max_delay=0.2
    ) as connection:
        yield connection


async def _until(predicate: object, timeout: float = 5.0) -> None:
    assert callable(predicate)
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.01)


async def test_query_round_trip(client: Client, receiver: VirtualReceiver) -> None:
    """A query returns the typed reply; the device saw exactly the query."""
    reply = await client.query("MVL")
    assert reply == m.Volume(code="MVL", raw="14", zone=m.Zone.MAIN, level=20)
    assert receiver.received == ["MVLQSTN"]
    assert client.connected
    assert (client.host, client.port) == ("127.0.0.1", receiver.port)


async def test_not_available_reply(client: Client) -> None:
    """A device's N/A comes back as NotAvailable for that code."""
    reply = await client.query("PW3")
    assert reply == m.NotAvailable(code="PW3", raw="N/A")


async def test_concurrent_queries_share_one_reply(client: Client) -> None:
    """Two waiters for the same code both resolve."""
    first, second = await asyncio.gather(client.query("PWR"), client.query("PWR"))
    assert isinstance(first, m.Power)
    assert isinstance(second, m.Power)


async def test_query_timeout_is_an_error_not_a_hang(
    client: Client, receiver: VirtualReceiver
) -> None:
    """A device ignoring a query times out cleanly; the connection stays up."""
    receiver.ignore.add("NRI")
    with pytest.raises(QueryTimeoutError):
        await client.query("NRI", timeout=0.2)
    assert client.connected
    assert isinstance(await client.query("PWR"), m.Power)


async def test_request_waits_for_the_reply_code(client: Client, receiver: VirtualReceiver) -> None:
    """request() sends any command and returns the reply with the given code."""
    reply = await client.request("MVL30", "MVL")
    assert isinstance(reply, m.Volume)
    assert reply.level == 0x30
    assert receiver.state.zones[m.Zone.MAIN].volume == 0x30


async def test_pushes_reach_listeners_in_order(client: Client, receiver: VirtualReceiver) -> None:
    """Every message, typed, in arrival order; unsubscribe stops delivery."""
    seen: list[m.Message] = []
    unsubscribe = client.add_message_listener(seen.append)
    receiver.push("NTIRoses Are Red")
    receiver.push("NATAqua")
    await _until(lambda: len(seen) == 2)
    assert [type(x) for x in seen] == [m.Title, m.Artist]
    unsubscribe()
    unsubscribe()  # idempotent
    receiver.push("NALAquarium")
    await client.query("PWR")
    assert len(seen) == 2
    assert client.stats.messages_in >= 3


async def test_writes_are_paced(receiver: VirtualReceiver) -> None:
    """Commands reach the device at least 50 ms apart; an idle client sends at once."""
    async with Client(receiver.host, receiver.port) as client:
        await asyncio.gather(*(client.send(f"MVL{level:02X}") for level in range(10)))
        await _until(lambda: len(receiver.received) == 10)
        gaps = [b - a for a, b in zip(receiver.received_at, receiver.received_at[1:], strict=False)]
        assert min(gaps) >= 0.045
        assert receiver.received == [f"MVL{level:02X}" for level in range(10)]
        assert client.stats.messages_out == 10


async def test_garbage_and_oversize_do_not_break_the_connection(
    client: Client, receiver: VirtualReceiver
) -> None:
    """Garbage and a huge declared size from the device are skipped; the next message arrives."""
    seen: list[m.Message] = []
    client.add_message_listener(seen.append)
    receiver.push_raw(b"\x00garbage\xff")
    receiver.push_raw(
        b"ISCP" + (16).to_bytes(4, "big") + (10**9).to_bytes(4, "big") + b"\x01\0\0\0"
    )
    receiver.push_raw(b"x" * 100)
    await asyncio.sleep(0.05)
    await receiver.drop_clients()  # the huge frame is never completed: reconnect clears it
    await _until(lambda: client.connected and receiver.client_count == 1)
    receiver.push("NTIStill here")
    await _until(lambda: any(isinstance(x, m.Title) for x in seen))


async def test_listener_errors_are_logged_and_isolated(
    client: Client, receiver: VirtualReceiver, caplog: pytest.LogCaptureFixture
) -> None:
    """A failing listener is logged; other listeners and the connection carry on."""
    seen: list[m.Message] = []

    def broken(message: m.Message) -> None:
        raise RuntimeError("listener bug")

    client.add_message_listener(broken)
    client.add_message_listener(seen.append)
    client.add_connection_listener(lambda up: (_ for _ in ()).throw(RuntimeError("bug")))
    receiver.push("NATAqua")
    await _until(lambda: seen)
    assert "Error in a listener of NAT" in caplog.text
    await receiver.drop_clients()
    await _until(lambda: "Error in a connection listener" in caplog.text)


async def test_reconnects_after_drop(client: Client, receiver: VirtualReceiver) -> None:
    """A dropped connection is reported once and re-established at once."""
    events: list[bool] = []
    client.add_connection_listener(events.append)
    await receiver.drop_clients()
    await _until(lambda: events == [False, True])
    assert client.connected
    assert isinstance(await client.query("PWR"), m.Power)
    assert client.stats.drops == 1
    assert client.stats.connects == 2


async def test_reconnects_after_restart(client: Client, receiver: VirtualReceiver) -> None:
    """A device that reboots (port closed for a while) is found again with backoff."""
    events: list[bool] = []
    client.add_connection_listener(events.append)
    await receiver.restart(downtime=0.5)
    await _until(lambda: events == [False, True])
    assert client.stats.reconnect_attempts >= 2
    assert client.stats.last_error


async def test_reconnect_now_skips_the_wait(receiver: VirtualReceiver) -> None:
    """reconnect_now() ends a long backoff wait."""
    async with Client(receiver.host, receiver.port, reconnect_max_delay=60) as client:
        await receiver.stop()
        await _until(lambda: client.stats.reconnect_attempts >= 3)  # now waiting 1 s or more
        await receiver.start()
        client.reconnect_now()
        await _until(lambda: client.connected, timeout=0.9)


async def test_half_open_connection_is_detected(receiver: VirtualReceiver) -> None:
    """A device that stops answering while the socket stays open is a lost connection."""
    async with Client(
        receiver.host,
        receiver.port,
        keepalive_idle=0.1,
        keepalive_timeout=0.1,
        reconnect_max_delay=0.2,
    ) as client:
        events: list[bool] = []
        client.add_connection_listener(events.append)
        await asyncio.sleep(0.3)
        assert events == []  # the keepalive was answered
        receiver.stalled = True
        await _until(lambda: events[:1] == [False])
        assert client.stats.keepalive_failures >= 1
        receiver.stalled = False
        await _until(lambda: events[-1:] == [True] and client.connected)


async def test_silent_sessions_count_connections_never_answered(
    receiver: VirtualReceiver,
) -> None:
    """Sessions the device accepts but never answers in are counted; one answer resets."""
    async with Client(
        receiver.host,
        receiver.port,
        keepalive_idle=0.05,
        keepalive_timeout=0.05,
        reconnect_max_delay=0.05,
    ) as client:
        await client.query("PWR")
        receiver.stalled = True
        await _until(lambda: client.stats.silent_sessions >= 3, timeout=5)
        # The session that heard the device before the stall is not one of them.
        assert client.stats.keepalive_failures > client.stats.silent_sessions
        receiver.stalled = False
        await _until(lambda: client.stats.silent_sessions == 0, timeout=5)


async def test_send_while_disconnected_raises(receiver: VirtualReceiver) -> None:
    """Sending without a connection raises; so do pending queries when it drops."""
    client = Client(receiver.host, receiver.port)
    with pytest.raises(ConnectionClosedError):
        await client.send("PWR01")
    with pytest.raises(FrameError):
        await client.send("PWR\r")
    await client.connect()
    await client.connect()  # already connected: nothing happens
    receiver.stalled = True
    pending = asyncio.ensure_future(client.query("PWR", timeout=5))
    await asyncio.sleep(0.05)
    await client.close()
    with pytest.raises(ConnectionClosedError):
        await pending
    with pytest.raises(ConnectionClosedError):
        await client.connect()


async def test_connect_failure_raises() -> None:
    """Nothing listening: a clear ConnectionClosedError."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = Client("127.0.0.1", port, connect_timeout=1)
    with pytest.raises(ConnectionClosedError, match="cannot connect"):
        await client.connect()
    assert client.stats.last_error
    await client.close()


async def test_close_during_reconnect_leaves_nothing(receiver: VirtualReceiver) -> None:
    """close() while reconnecting cancels everything (the test plugin checks for leftovers)."""
    client = Client(receiver.host, receiver.port, reconnect_max_delay=5)
    await client.connect()
    await receiver.stop()
    await _until(lambda: client.stats.reconnect_attempts >= 2)
    await client.close()
    await client.close()
    assert not client.connected


async def test_ipv6_loopback() -> None:
    """IPv6 hosts work like IPv4 ones."""
    if not socket.has_ipv6:
        pytest.skip("no IPv6")
    try:
        receiver = VirtualReceiver("NS-6130", host="::1")
        await receiver.start()
    except OSError:
        pytest.skip("::1 is not available")
    try:
        async with Client("::1", receiver.port) as client:
            assert isinstance(await client.query("PWR"), m.Power)
    finally:
        await receiver.stop()


def test_backoff_schedule() -> None:
    """First retry at once; then doubling from 0.5 s with jitter, capped."""
    assert backoff_delay(0, 15) == 0
    assert [backoff_delay(n, 15, rng=lambda: 1.0) for n in range(1, 8)] == [
        0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 15.0,
    ]  # fmt: skip
    assert [backoff_delay(n, 15, rng=lambda: 0.0) for n in (1, 6)] == [0.25, 7.5]


def test_frames_sent_by_the_client_end_in_cr() -> None:
    """The client ends its messages with CR, as the spec asks of controllers."""
    assert encode("PWRQSTN").endswith(b"!1PWRQSTN\r")


async def test_stats_and_logs_on_drop(
    client: Client, receiver: VirtualReceiver, caplog: pytest.LogCaptureFixture
) -> None:
    """Losing the connection is logged at debug level by the library (the caller decides more)."""
    caplog.set_level(logging.DEBUG, "custom_components.onkyo_eiscp.eiscp.client")
    await receiver.drop_clients()
    await _until(lambda: client.stats.drops == 1 and client.connected)
    assert "lost" in caplog.text
    await client.query("PWR")
    assert client.stats.bytes_in > 0
    assert client.stats.messages_in >= 1
    assert client.stats.connected_since is not None


async def test_batch_listener_marks_the_end_of_each_read(
    client: Client, receiver: VirtualReceiver, caplog: pytest.LogCaptureFixture
) -> None:
    """Messages of one read reach listeners first, then one batch call; errors are isolated."""
    events: list[str] = []
    client.add_message_listener(lambda message: events.append(message.code))
    unsubscribe = client.add_batch_listener(lambda: events.append("end"))
    client.add_batch_listener(lambda: (_ for _ in ()).throw(RuntimeError("bug")))
    receiver.push_raw(encode("NTIa") + encode("NATb") + encode("NALc"))
    await _until(lambda: "end" in events)
    assert events == ["NTI", "NAT", "NAL", "end"]
    assert "Error in a batch listener" in caplog.text
    unsubscribe()
    receiver.push("NTId")
    await _until(lambda: events[-1] == "NTI")
    await client.query("PWR")
    assert "end" not in events[4:]

"""The connection against the virtual receiver over loopback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
import contextlib
import gc
import logging
import socket

import pytest

from custom_components.onkyo_eiscp.eiscp import messages as m
from custom_components.onkyo_eiscp.eiscp.client import Client, Footprint, backoff_delay
from custom_components.onkyo_eiscp.eiscp.errors import (
    ConnectionClosedError,
    FrameError,
    MessageTooLargeError,
    QueryTimeoutError,
)
from custom_components.onkyo_eiscp.eiscp.frame import MAX_DATA_SIZE, encode
from virtual_receiver import VirtualReceiver
from virtual_receiver.faults import impossible_size

# Every test fails if an exception escaped to asyncio ("... was never retrieved").
pytestmark = pytest.mark.usefixtures("no_escaped_exceptions")


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


async def _until(predicate: object, timeout: float = 5.0, poll: float = 0.01) -> None:
    assert callable(predicate)
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(poll)


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
    """Queued commands all reach the device, one at a time and in order.

    The gaps themselves are a timing figure: ``scripts/bench library`` prints them.
    """
    async with Client(receiver.host, receiver.port) as client:
        await asyncio.gather(*(client.send(f"MVL{level:02X}") for level in range(10)))
        await _until(lambda: len(receiver.received) == 10)
        assert receiver.received == [f"MVL{level:02X}" for level in range(10)]
        assert client.stats.messages_out == 10


async def test_impossible_header_is_skipped_at_once(
    client: Client, receiver: VirtualReceiver
) -> None:
    """Garbage and a header declaring 2 GB are skipped; the status after them arrives at once.

    Nothing waits for the declared bytes, whether the header comes in one read or in
    pieces, and the connection is not dropped.
    """
    seen: list[m.Message] = []
    client.add_message_listener(seen.append)
    bad = impossible_size()
    receiver.push_raw(b"\x00garbage\xff" + bad + b"x" * 100)
    receiver.push("PWR01")
    await _until(lambda: [x.code for x in seen] == ["PWR"])
    for piece in (bad[:7], bad[7:] + b"!1NT"):  # the start of a message after it, too
        received = client.stats.bytes_in
        receiver.push_raw(piece)
        await _until(lambda before=received: client.stats.bytes_in > before)
    receiver.push("NTIStill here")
    await _until(lambda: [x.code for x in seen] == ["PWR", "NTI"])
    assert isinstance(seen[-1], m.Title)
    assert client.stats.drops == 0
    assert client.stats.dropped_frames == 2
    assert client.stats.garbage_bytes == 9 + 12 + 100 + 12 + 4


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


@pytest.mark.parametrize(
    "junk",
    [b"\x00garbage\xff" * 50, impossible_size() + b"x" * 300],
    ids=["garbage", "endless-impossible-frame"],
)
async def test_device_streaming_junk_is_dead(junk: bytes, receiver: VirtualReceiver) -> None:
    """Bytes are no sign of life: a device that streams only junk fails the keepalive.

    The client drops it, counts a session never answered in, reconnects, and follows
    the device again once it speaks eISCP.
    """

    async def babble() -> None:
        while True:
            receiver.push_raw(junk)
            await asyncio.sleep(0.005)

    receiver.stalled = True  # answers nothing, keepalives included
    babbler = asyncio.create_task(babble())
    events: list[tuple[bool, int]] = []

    def on_connection(up: bool) -> None:
        events.append((up, client.stats.silent_sessions))
        babbler.cancel()
        receiver.stalled = False

    try:
        async with Client(
            receiver.host,
            receiver.port,
            keepalive_idle=0.1,
            keepalive_timeout=0.1,
            reconnect_max_delay=0.05,
        ) as client:
            seen: list[m.Message] = []
            client.add_connection_listener(on_connection)
            client.add_message_listener(seen.append)
            await _until(lambda: len(events) == 2)
            assert events == [(False, 1), (True, 1)]  # dropped as a session never answered in
            assert client.stats.keepalive_failures == 1
            assert client.stats.bytes_in > 0
            receiver.push("NTIBack")
            await _until(lambda: [x.code for x in seen] == ["NTI"])
            assert isinstance(await client.query("PWR"), m.Power)
            assert client.stats.silent_sessions == 0
    finally:
        babbler.cancel()


async def test_sends_in_flight_fail_when_the_connection_drops(receiver: VirtualReceiver) -> None:
    """Sends waiting in the paced queue, or for their turn, fail on a drop; none hangs."""
    async with Client(receiver.host, receiver.port, pacing=0.5) as client:
        await client.send("PWRQSTN")  # the next write must wait for the pacing
        sends = [asyncio.create_task(client.send(f"MVL{n:02X}")) for n in range(3)]
        query = asyncio.create_task(client.query("AMT"))
        await _until(lambda: client.footprint().sends == 4)
        await receiver.drop_clients()
        done, pending = await asyncio.wait([*sends, query], timeout=5)
        for task in pending:
            task.cancel()
        assert not pending
        for task in done:
            assert isinstance(task.exception(), ConnectionClosedError)
        await _until(lambda: client.connected and receiver.client_count == 1)
        assert client.footprint() == Footprint(tasks=3, sends=0, waiters=0, listeners=0)
        assert isinstance(await client.query("PWR"), m.Power)


async def test_failed_request_leaves_no_exception_unretrieved(
    receiver: VirtualReceiver, caplog: pytest.LogCaptureFixture
) -> None:
    """A request whose send fails on a drop raises once, and nothing escapes to asyncio."""
    async with Client(receiver.host, receiver.port, pacing=0.5) as client:
        await client.send("PWRQSTN")
        held = asyncio.create_task(client.send("MVLUP"))  # taken, waiting for the pacing
        request = asyncio.create_task(client.request("AMT01", "AMT"))  # still queued
        await _until(lambda: client.footprint() == Footprint(3, 2, 1, 0))
        await receiver.drop_clients()
        done, _ = await asyncio.wait([request], timeout=5)
        assert done == {request}
        with pytest.raises(ConnectionClosedError):
            request.result()
        held.cancel()
        with contextlib.suppress(asyncio.CancelledError, ConnectionClosedError):
            await held
        del request, done, held
        gc.collect()
        escaped = [r.getMessage() for r in caplog.records if "never retrieved" in r.getMessage()]
        assert escaped == []


async def test_oversize_reply_fails_the_query_at_once(receiver: VirtualReceiver) -> None:
    """An NRI over the size cap is dropped, and the query for it fails at once.

    The query's own timeout is far away; the next query works on the same connection.
    """
    receiver.nri_override = f"<response status='ok'>{'x' * MAX_DATA_SIZE}</response>"
    async with Client(receiver.host, receiver.port) as client:
        with pytest.raises(MessageTooLargeError, match="NRI"):
            await client.query("NRI", timeout=10)
        assert client.footprint().waiters == 0
        assert isinstance(await client.query("PWR"), m.Power)
        assert client.stats.dropped_frames == 1
        assert client.stats.drops == 0


async def test_send_while_disconnected_raises(receiver: VirtualReceiver) -> None:
    """Sending without a connection raises; so do pending queries when it drops."""
    client = Client(receiver.host, receiver.port)
    with pytest.raises(ConnectionClosedError):
        await client.send("PWR01")
    with pytest.raises(ConnectionClosedError):
        await client.query("PWR")
    assert client.footprint() == Footprint(tasks=0, sends=0, waiters=0, listeners=0)
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
    caplog.set_level(logging.DEBUG, "custom_components.onkyo_eiscp.eiscp")
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


async def _drop_cycle(client: Client, receiver: VirtualReceiver, number: int) -> None:
    """Start sends and queries, drop the connection after ``number % 4`` loop turns.

    So the drop finds a send being written, one waiting for its pacing slot, others
    queued, and queries waiting for replies. Every one of them must be settled.
    """
    work: list[asyncio.Task[object]] = [
        asyncio.create_task(client.send(f"MVL{level:02X}")) for level in range(3)
    ]
    work.append(asyncio.create_task(client.query("PWR")))
    work.append(asyncio.create_task(client.request("AMT01", "AMT")))
    for _ in range(number % 4):
        await asyncio.sleep(0)
    await receiver.drop_clients()
    done, pending = await asyncio.wait(work, timeout=5)
    for task in pending:
        task.cancel()
    assert not pending, f"cycle {number}: {len(pending)} sends or queries never settled"
    for task in done:
        error = task.exception()
        assert error is None or isinstance(error, ConnectionClosedError), error


@pytest.mark.parametrize("cycles", [300, 1000], ids=["300-cycles", "soak-1000-cycles"])
async def test_drop_reconnect_cycles_leave_nothing_behind(
    receiver: VirtualReceiver, cycles: int
) -> None:
    """Drop/reconnect cycles with work in flight: after the last, every count is at baseline.

    Counted: the event loop's tasks, and the client's footprint (its tasks, pending
    sends, waiting queries, listeners). The memory of such a run is the soak
    benchmark's to print. The cycles run without asyncio debug mode, which records a
    stack for every callback and makes a cycle some 20 times slower.
    """
    asyncio.get_running_loop().set_debug(False)
    async with Client(
        receiver.host, receiver.port, pacing=0.002, reconnect_max_delay=0.01
    ) as client:
        ups: list[bool] = []
        seen: list[m.Message] = []
        client.add_connection_listener(ups.append)
        client.add_message_listener(seen.append)
        await client.query("PWR")
        baseline_tasks = len(asyncio.all_tasks())
        baseline = client.footprint()
        assert baseline == Footprint(tasks=3, sends=0, waiters=0, listeners=2)

        for number in range(cycles):
            await _drop_cycle(client, receiver, number)
            await _until(
                lambda n=number: ups.count(True) == n + 1 and receiver.client_count == 1,
                poll=0.001,
            )

        assert client.stats.drops == cycles
        assert client.footprint() == baseline
        assert len(asyncio.all_tasks()) == baseline_tasks
        # The client still follows the device.
        assert isinstance(await client.query("PWR"), m.Power)
        receiver.push("NTIStill here")
        await _until(lambda: isinstance(seen[-1], m.Title))
    assert client.footprint() == Footprint(tasks=0, sends=0, waiters=0, listeners=2)

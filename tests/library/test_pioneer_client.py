"""The legacy Pioneer connection against the virtual Pioneer receiver over loopback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
import contextlib
import dataclasses
import socket

import pytest

from custom_components.onkyo_eiscp.eiscp import messages as m
from custom_components.onkyo_eiscp.eiscp.const import Zone
from custom_components.onkyo_eiscp.eiscp.errors import (
    ConnectionClosedError,
    FrameError,
    QueryTimeoutError,
)
from custom_components.onkyo_eiscp.eiscp.pioneer import HDZONE, commands as c
from custom_components.onkyo_eiscp.eiscp.pioneer.client import Client
from custom_components.onkyo_eiscp.eiscp.pioneer.errors import CommandError
from custom_components.onkyo_eiscp.eiscp.pioneer.messages import ErrorReply, InputName
from tests.pioneer_support import receiver, until
from virtual_receiver.pioneer import (
    HDZONE as HDZONE_NAME,
    MAIN,
    VSX_1021,
    ZONE2,
    ZONE3,
    VirtualPioneer,
)

__all__ = ["receiver"]

pytestmark = pytest.mark.usefixtures("no_escaped_exceptions")


@pytest.fixture
async def client(receiver: VirtualPioneer) -> AsyncGenerator[Client]:
    async with Client(
        receiver.host, receiver.port, query_timeout=0.5, reply_timeout=0.3, reconnect_max_delay=0.2
    ) as connection:
        yield connection


async def test_query_returns_the_typed_reply(client: Client, receiver: VirtualPioneer) -> None:
    """query() sends the reply code's query and returns its typed answer."""
    assert await client.query("PWR") == m.Power(code="PWR", raw="0", zone=Zone.MAIN, on=True)
    assert await client.query("VOL") == m.Volume(code="VOL", raw="101", zone=Zone.MAIN, level=101)
    assert receiver.received == ["?P", "?V"]
    assert (client.host, client.port, client.connected) == ("127.0.0.1", receiver.port, True)
    with pytest.raises(ValueError, match="no query"):
        await client.query("XYZ")


async def test_every_command_reaches_the_device(client: Client, receiver: VirtualPioneer) -> None:
    """Each builder's command leaves the device in the asked state, zone by zone."""
    device = receiver.device
    await client.send(c.set_power(Zone.ZONE2, True))
    await client.send(c.set_power(Zone.ZONE3, True))
    assert device.zones[ZONE2].power
    assert device.zones[ZONE3].power
    zones = ((Zone.MAIN, MAIN, 150), (Zone.ZONE2, ZONE2, 60), (Zone.ZONE3, ZONE3, 7))
    for zone, name, level in zones:
        await client.send(c.set_volume(zone, level))
        assert device.zones[name].volume == level
        await client.send(c.volume_up(zone))
        assert device.zones[name].volume == level + 1
        await client.send(c.volume_down(zone))
        assert device.zones[name].volume == level
        await client.send(c.set_mute(zone, True))
        assert device.zones[name].muted
        await client.send(c.set_mute(zone, False))
        assert not device.zones[name].muted
        await client.send(c.select_source(zone, "01"))
        assert device.zones[name].source == "01"
    await client.send(c.select_listening_mode("0010"))
    assert device.listening_mode == "0010"
    await client.send(c.set_bass(Zone.MAIN, 4))
    await client.send(c.set_treble(Zone.ZONE2, -6))
    assert (device.zones[MAIN].bass, device.zones[ZONE2].treble) == (2, 12)
    await client.send(c.recall_preset("C", 4))
    assert device.preset == "C04"
    await client.send(c.set_power(Zone.ZONE3, False))
    assert not device.zones[ZONE3].power
    assert receiver.received[:3] == ["APO", "BPO", "150VL"]


async def test_requests_return_each_zones_state(client: Client, receiver: VirtualPioneer) -> None:
    """The replies carry the right zone and value: zones do not mix."""
    receiver.press("APO")
    receiver.press("33ZV")
    receiver.press("05ZS")
    assert await client.request(c.query_volume(Zone.ZONE2), "ZV") == m.Volume(
        code="ZV", raw="33", zone=Zone.ZONE2, level=33
    )
    source = await client.request(c.query_source(Zone.ZONE2), "Z2F")
    assert source == m.Source(code="Z2F", raw="05", zone=Zone.ZONE2, selector="05")
    main = await client.request(c.query_source(Zone.MAIN), "FN")
    assert main == m.Source(code="FN", raw="25", zone=Zone.MAIN, selector="25")
    power3 = await client.request(c.query_power(Zone.ZONE3), "BPR")
    assert power3 == m.Power(code="BPR", raw="1", zone=Zone.ZONE3, on=False)
    name = await client.request(c.query_input_name("19"), "RGB19")
    assert name == InputName(
        code="RGB", raw="191Apple TV", input_id="19", renamed=True, name="Apple TV"
    )
    mode = await client.request(c.query_listening_mode(), "SR")
    assert mode == m.ListeningMode(code="SR", raw="0005", mode="0005")
    bass = await client.request(c.query_bass(Zone.MAIN), "BA")
    assert bass == m.Tone(code="BA", raw="06", zone=Zone.MAIN, bass=0, treble=None)


async def test_front_panel_changes_are_pushed(client: Client, receiver: VirtualPioneer) -> None:
    """What the front panel or another client changes reaches every listener, typed."""
    seen: list[m.Message] = []
    batches: list[int] = []
    unsubscribe = client.add_message_listener(seen.append)
    client.add_batch_listener(lambda: batches.append(len(seen)))
    receiver.press("080VL")
    receiver.press("MO")
    await until(lambda: len(seen) >= 2)
    assert seen[:2] == [
        m.Volume(code="VOL", raw="080", zone=Zone.MAIN, level=80),
        m.Mute(code="MUT", raw="0", zone=Zone.MAIN, muted=True),
    ]
    async with Client(receiver.host, receiver.port) as other:
        await other.send(c.select_source(Zone.MAIN, "04"))
    await until(lambda: any(isinstance(x, m.Source) for x in seen))
    assert batches
    unsubscribe()
    unsubscribe()
    receiver.press("MF")
    await client.query("MUT")
    assert not any(isinstance(x, m.Mute) and not x.muted for x in seen)


async def test_refusals_raise_on_the_call_that_caused_them(
    client: Client, receiver: VirtualPioneer
) -> None:
    """E04 and E06 fail the command that caused them, and only that one."""
    seen: list[m.Message] = []
    client.add_message_listener(seen.append)
    results = await asyncio.gather(
        client.send("XYZ"),
        client.send(c.set_volume(Zone.MAIN, 100)),
        client.send("999VL"),
        client.send(c.set_mute(Zone.MAIN, True)),
        return_exceptions=True,
    )
    assert isinstance(results[0], CommandError)
    assert (results[0].reply, results[0].command) == ("E04", "XYZ")
    assert isinstance(results[2], CommandError)
    assert (results[2].reply, results[2].command) == ("E06", "999VL")
    assert results[1] is None
    assert results[3] is None
    assert receiver.device.zones[MAIN].volume == 100
    assert receiver.device.zones[MAIN].muted
    errors = [x for x in seen if isinstance(x, ErrorReply)]
    assert [(e.code, e.command, e.reason) for e in errors] == [
        ("E04", "XYZ", "command error"),
        ("E06", "999VL", "parameter error"),
    ]
    with pytest.raises(CommandError, match="E06"):
        await client.request(c.query_input_name("99"), "RGB99")
    assert client.stats.error_replies == 3


async def test_not_available_now_is_not_available(client: Client, receiver: VirtualPioneer) -> None:
    """E02 (a zone in standby) is the protocol's N/A: NotAvailable, not an error."""
    reply = await client.request(c.set_volume(Zone.ZONE2, 10), "ZV")
    assert reply == m.NotAvailable(code="ZV", raw="E02")
    await client.send(c.set_volume(Zone.ZONE2, 10))  # delivered; the device said no
    assert receiver.device.zones[ZONE2].volume == 41


async def test_busy_is_retried_and_does_not_break_the_stream(
    client: Client, receiver: VirtualPioneer
) -> None:
    """B00 makes the client send again; R lines are signs of life, not messages."""
    seen: list[m.Message] = []
    client.add_message_listener(seen.append)
    receiver.busy = 2
    await client.send(c.set_volume(Zone.MAIN, 90))
    assert receiver.device.zones[MAIN].volume == 90
    assert receiver.received[-3:] == ["090VL"] * 3
    assert client.stats.busy_retries == 2
    receiver.busy = 5
    with pytest.raises(CommandError, match="B00"):
        await client.send(c.set_volume(Zone.MAIN, 91))
    receiver.busy = 0
    receiver.push("R", "R")
    receiver.press("MO")
    await until(lambda: any(isinstance(x, m.Mute) for x in seen))
    assert not any(x.code == "R" for x in seen)
    assert await client.query("VOL") == m.Volume(code="VOL", raw="090", zone=Zone.MAIN, level=90)


async def test_an_unanswered_query_times_out_and_the_connection_stays(
    client: Client, receiver: VirtualPioneer
) -> None:
    """A query the device ignores is a QueryTimeoutError; a command it ignores is delivered."""
    receiver.ignore |= {"?V", "MO"}
    with pytest.raises(QueryTimeoutError):
        await client.query("VOL", timeout=0.2)
    await client.send("MO")  # no answer within reply_timeout: delivered all the same
    assert client.stats.unanswered == 2
    assert client.connected
    assert isinstance(await client.query("PWR"), m.Power)


async def test_writes_are_paced(receiver: VirtualPioneer) -> None:
    """Commands reach the device at least 100 ms apart, in order."""
    async with Client(receiver.host, receiver.port) as client:
        await asyncio.gather(*(client.send(f"{level:03d}VL") for level in range(5)))
        gaps = [b - a for a, b in zip(receiver.received_at, receiver.received_at[1:], strict=False)]
        assert min(gaps) >= 0.09  # receipt times jitter by a few ms under load
        assert receiver.received == [f"{level:03d}VL" for level in range(5)]
        assert client.stats.messages_out == 5


async def test_a_quiet_receiver_is_woken_first(receiver: VirtualPioneer) -> None:
    """After a quiet period the device drops the first command; the client wakes it first.

    Without the wake-up (wake_after None, the state before the fix) the command is lost.
    """
    receiver.sleep_after = 0.5
    async with Client(receiver.host, receiver.port, wake_after=None) as naive:
        await naive.send(c.select_source(Zone.MAIN, "01"))  # the device is still awake
        await asyncio.sleep(0.6)
        await naive.send(c.select_source(Zone.MAIN, "05"))
        assert receiver.device.zones[MAIN].source == "01"
        assert receiver.lost == ["05FN"]
    receiver.clear_received()
    async with Client(receiver.host, receiver.port, wake_after=0.3) as client:
        await client.send(c.select_source(Zone.MAIN, "04"))
        await asyncio.sleep(0.6)  # quiet: the device sleeps again
        await client.send(c.select_source(Zone.MAIN, "05"))
        assert receiver.device.zones[MAIN].source == "05"
        assert receiver.lost == []
        assert receiver.received == ["04FN", "05FN"]
        assert client.stats.wakes == 2


async def test_garbage_and_overlong_lines_do_not_break_the_stream(
    client: Client, receiver: VirtualPioneer
) -> None:
    """Noise and a line over the cap are dropped; the next line arrives."""
    seen: list[m.Message] = []
    client.add_message_listener(seen.append)
    receiver.push_raw(b"\x00\xff\xfe garbage\r\n" + b"x" * 5000 + b"\r\nVOL055\r\n")
    await until(lambda: any(isinstance(x, m.Volume) for x in seen))
    assert seen[0] == m.RawMessage(code="", raw="\ufffd\ufffd garbage")
    assert seen[-1] == m.Volume(code="VOL", raw="055", zone=Zone.MAIN, level=55)
    assert client.connected


async def test_half_open_connection_is_detected(receiver: VirtualPioneer) -> None:
    """A receiver that stops answering while the socket stays open is a lost connection."""
    async with Client(
        receiver.host,
        receiver.port,
        keepalive_idle=0.1,
        keepalive_timeout=0.5,
        reconnect_max_delay=0.2,
    ) as client:
        events: list[bool] = []
        client.add_connection_listener(events.append)
        await until(lambda: client.stats.messages_out >= 2)  # two keepalives answered
        assert events == []  # the keepalive was answered
        receiver.stalled = True
        await until(lambda: events[:1] == [False])
        assert client.stats.keepalive_failures >= 1
        receiver.stalled = False
        await until(lambda: events[-1:] == [True] and client.connected)
        assert isinstance(await client.query("PWR"), m.Power)


async def test_garbage_is_no_sign_of_life(receiver: VirtualPioneer) -> None:
    """Bytes that make no line (an endless over-long line) do not keep a dead link alive."""
    async with Client(
        receiver.host, receiver.port, keepalive_idle=0.1, keepalive_timeout=0.2
    ) as client:
        events: list[bool] = []
        client.add_connection_listener(events.append)
        receiver.stalled = True

        async def noise() -> None:
            while True:
                receiver.push_raw(b"y" * 500)
                await asyncio.sleep(0.05)

        babbling = asyncio.create_task(noise())
        try:
            await until(lambda: events[:1] == [False], timeout=3)
        finally:
            babbling.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await babbling


async def test_reconnects_after_drop_and_restart(client: Client, receiver: VirtualPioneer) -> None:
    """A dropped connection and a rebooting receiver are reported and re-established."""
    events: list[bool] = []
    client.add_connection_listener(events.append)
    await receiver.drop_clients()
    await until(lambda: events == [False, True])
    assert isinstance(await client.query("PWR"), m.Power)
    await receiver.restart(downtime=0.4)
    await until(lambda: events == [False, True, False, True])
    assert client.stats.drops == 2
    assert client.stats.reconnect_attempts >= 3
    assert isinstance(await client.query("PWR"), m.Power)


async def test_pending_sends_are_settled_on_drop(receiver: VirtualPioneer) -> None:
    """Queued and in-flight commands fail when the connection goes; nothing waits forever."""
    async with Client(
        receiver.host, receiver.port, reply_timeout=10, query_timeout=10, reconnect_max_delay=0.2
    ) as client:
        receiver.stalled = True
        pending = [asyncio.ensure_future(client.send(f"{n:03d}VL")) for n in range(3)]
        query = asyncio.ensure_future(client.query("PWR"))
        await until(lambda: client.stats.messages_out >= 1)
        await receiver.drop_clients()
        results = await asyncio.gather(*pending, query, return_exceptions=True)
        assert all(isinstance(r, ConnectionClosedError) for r in results), results
        receiver.stalled = False
        await until(lambda: client.connected)
        await client.send(c.set_volume(Zone.MAIN, 70))
        assert receiver.device.zones[MAIN].volume == 70


async def test_listener_errors_are_logged_and_isolated(
    client: Client, receiver: VirtualPioneer, caplog: pytest.LogCaptureFixture
) -> None:
    """A failing listener is logged; other listeners and the connection carry on."""
    seen: list[m.Message] = []

    def broken(_: object) -> None:
        raise RuntimeError("listener bug")

    client.add_message_listener(broken)
    client.add_message_listener(seen.append)
    client.add_batch_listener(lambda: broken(None))
    client.add_connection_listener(broken)
    receiver.press("MO")
    await until(lambda: seen)
    assert "Error in a listener of MUT" in caplog.text
    assert "Error in a batch listener" in caplog.text
    await receiver.drop_clients()
    await until(lambda: "Error in a connection listener" in caplog.text)


async def test_send_while_disconnected_and_close(receiver: VirtualPioneer) -> None:
    """Sending without a connection raises; bad lines are refused; close() ends everything."""
    client = Client(receiver.host, receiver.port)
    with pytest.raises(ConnectionClosedError):
        await client.send("PO")
    with pytest.raises(FrameError):
        await client.send("PO\rPF")
    await client.connect()
    await client.connect()  # already connected: nothing happens
    receiver.stalled = True
    pending = asyncio.ensure_future(client.query("PWR", timeout=5))
    await asyncio.sleep(0.05)
    await client.close()
    await client.close()
    with pytest.raises(ConnectionClosedError, match="closed"):
        await pending
    with pytest.raises(ConnectionClosedError):
        await client.connect()


async def test_connect_failure_and_close_while_reconnecting(receiver: VirtualPioneer) -> None:
    """Nothing listening: ConnectionClosedError; close() during reconnect leaves nothing."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    lonely = Client("127.0.0.1", port, connect_timeout=1)
    with pytest.raises(ConnectionClosedError, match="cannot connect"):
        await lonely.connect()
    assert lonely.stats.last_error
    async with Client(receiver.host, receiver.port, reconnect_max_delay=5) as client:
        await receiver.stop()
        await until(lambda: client.stats.reconnect_attempts >= 2)
    assert not client.connected


async def test_zones_stay_separate(client: Client, receiver: VirtualPioneer) -> None:
    """A change in one zone changes that zone only, and its push names that zone."""
    seen: list[m.Message] = []
    client.add_message_listener(seen.append)
    before = dataclasses.replace(receiver.device.zones[MAIN])
    await client.send(c.set_power(Zone.ZONE2, True))
    await client.send(c.set_volume(Zone.ZONE2, 20))
    await client.send(c.set_mute(Zone.ZONE2, True))
    await client.send(c.select_source(Zone.ZONE2, "06"))
    assert receiver.device.zones[MAIN] == before
    assert not receiver.device.zones[ZONE3].power
    zoned = [x for x in seen if isinstance(x, m.ZoneMessage)]
    assert {x.zone for x in zoned} == {Zone.ZONE2}
    assert [type(x) for x in zoned] == [m.Power, m.Volume, m.Mute, m.Source]


async def test_hdzone_commands_reach_a_receiver_that_has_one() -> None:
    """The HDZone's own codes (ZEO, nnHZV, HZMO, nnZEA) drive the HDZone."""
    profile = dataclasses.replace(VSX_1021, zones=(MAIN, ZONE2, ZONE3, HDZONE_NAME))
    async with VirtualPioneer(profile) as receiver, Client(receiver.host, receiver.port) as client:
        await client.send(c.set_power(HDZONE, True))
        await client.send(c.set_volume(HDZONE, 30))
        await client.send(c.set_mute(HDZONE, True))
        await client.send(c.select_source(HDZONE, "19"))
        state = receiver.device.zones[HDZONE_NAME]
        assert (state.power, state.volume, state.muted, state.source) == (True, 30, True, "19")
        assert await client.query("XV") == m.Volume(code="XV", raw="30", zone=HDZONE, level=30)


async def test_cancelled_commands_are_not_sent(client: Client, receiver: VirtualPioneer) -> None:
    """A caller that gives up on a queued or in-flight command leaves nothing behind."""
    receiver.ignore.add("001VL")
    first = asyncio.ensure_future(client.send("001VL"))  # unanswered: in flight for a while
    second = asyncio.ensure_future(client.send("002VL"))
    await until(lambda: "001VL" in receiver.received)
    second.cancel()
    first.cancel()
    await asyncio.gather(first, second, return_exceptions=True)
    await client.send(c.set_volume(Zone.MAIN, 3))
    assert receiver.received == ["001VL", "003VL"]
    assert receiver.device.zones[MAIN].volume == 3

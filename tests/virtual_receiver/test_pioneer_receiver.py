"""The virtual Pioneer receiver, seen through raw sockets as a real receiver would be."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
import contextlib

import pytest

from tests.pioneer_support import until
from virtual_receiver.pioneer import HDZONE, MAIN, VSX_1021, ZONE2, Device, VirtualPioneer
from virtual_receiver.pioneer.__main__ import arguments, main, serve

pytestmark = pytest.mark.usefixtures("no_escaped_exceptions")


class Line:
    """A raw TCP client: sends lines ending in CR, reads lines ending in CR LF."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Wrap a connection."""
        self.reader, self.writer = reader, writer

    async def send(self, *lines: str, end: bytes = b"\r") -> None:
        """Send lines."""
        self.writer.write(b"".join(line.encode() + end for line in lines))
        await self.writer.drain()

    async def read(self, timeout: float = 2.0) -> str:
        """The next line the receiver sends."""
        async with asyncio.timeout(timeout):
            raw = await self.reader.readuntil(b"\r\n")
        assert raw.endswith(b"\r\n")
        return raw[:-2].decode()

    async def ask(self, line: str) -> str:
        """Send a line; the next line back."""
        await self.send(line)
        return await self.read()

    async def silent(self, wait: float = 0.15) -> bool:
        """Whether the receiver sends nothing for ``wait`` seconds."""
        with contextlib.suppress(TimeoutError):
            await self.read(wait)
            return False
        return True


@contextlib.asynccontextmanager
async def connect(receiver: VirtualPioneer) -> AsyncGenerator[Line]:
    reader, writer = await asyncio.open_connection(receiver.host, receiver.port)
    try:
        yield Line(reader, writer)
    finally:
        writer.close()


@pytest.fixture
async def receiver() -> AsyncGenerator[VirtualPioneer]:
    async with VirtualPioneer() as vr:
        yield vr


async def test_every_command_and_query_in_the_real_formats(receiver: VirtualPioneer) -> None:
    """Each command answers with its status line; queries with the state; CR with R."""
    async with connect(receiver) as tv:
        expected = [
            ("?P", "PWR1"), ("PO", "PWR0"), ("?P", "PWR0"), ("", "R"),
            ("?V", "VOL101"), ("150VL", "VOL150"), ("VU", "VOL151"), ("VD", "VOL150"),
            ("185VL", "VOL185"), ("VU", "VOL185"), ("000VL", "VOL000"), ("VD", "VOL000"),
            ("?M", "MUT1"), ("MO", "MUT0"), ("?M", "MUT0"), ("MF", "MUT1"),
            ("?F", "FN25"), ("04FN", "FN04"),
            ("?S", "SR0005"), ("0010SR", "SR0010"), ("?S", "SR0010"),
            ("?TO", "TO1"), ("?BA", "BA06"), ("00BA", "BA00"), ("?TR", "TR06"), ("12TR", "TR12"),
            ("?AP", "APR1"), ("APO", "APR0"), ("?ZV", "ZV41"), ("81ZV", "ZV81"), ("ZU", "ZV81"),
            ("ZD", "ZV80"), ("Z2MO", "Z2MUT0"), ("?Z2M", "Z2MUT0"), ("Z2MF", "Z2MUT1"),
            ("?ZS", "Z2F04"), ("05ZS", "Z2F05"), ("?ZGB", "ZGB06"), ("03ZGC", "ZGC03"),
            ("?ZGC", "ZGC03"),
            ("BPO", "BPR0"), ("?BP", "BPR0"), ("07YV", "YV07"), ("YU", "YV08"), ("YD", "YV07"),
            ("?YV", "YV07"), ("Z3MO", "Z3MUT0"), ("?Z3M", "Z3MUT0"), ("01ZT", "Z3F01"),
            ("?ZT", "Z3F01"), ("BPF", "BPR1"),
            ("?RGB19", "RGB191Apple TV"), ("?RGB25", "RGB250BD"), ("?RGB99", "E06"),
            ("?RGD", "RGD<VSX-1021>"), ("?SVB", "E04"), ("?FR", "FRF08750"), ("?PR", "PRA01"),
            ("B02PR", "PRB02"), ("?FR", "FRA01008"), ("A00PR", "E06"),
            ("?ZEP", "E04"), ("ZEO", "E04"), ("40HZV", "E04"), ("XYZ", "E04"), ("?", "E04"),
            ("186VL", "E06"), ("5VL", "E06"), ("99FN", "E06"), ("19ZS", "E06"), ("9999SR", "E06"),
            ("13BA", "E06"),
        ]  # fmt: skip
        for command, reply in expected:
            await tv.send(command)
            line = await tv.read()
            # The front display follows power and input changes; a recalled preset
            # reports its frequency after the preset.
            while line.startswith("FL") or (line.startswith("FR") and command != "?FR"):
                line = await tv.read()
            assert line == reply, command
        assert (await tv.ask("?FL")).startswith("FL02" + b"DVD".hex().upper())


async def test_standby_zones_refuse_changes_but_answer_queries(receiver: VirtualPioneer) -> None:
    """In standby, volume, mute, input, mode and tone changes answer E02."""
    async with connect(receiver) as tv:
        for command in ("100VL", "VU", "MO", "01FN", "0010SR", "00BA", "40ZV", "01ZT", "A02PR"):
            assert await tv.ask(command) == "E02", command
        assert await tv.ask("?V") == "VOL101"
    assert receiver.device.zones[MAIN].volume == 101


async def test_changes_are_pushed_to_every_client(receiver: VirtualPioneer) -> None:
    """A change by one client, or on the front panel, reaches all; queries only the asker."""
    async with connect(receiver) as first, connect(receiver) as second:
        await until(lambda: receiver.client_count == 2)
        await first.send("PO")
        display = "FL02" + b"BD".ljust(14).hex().upper()
        assert [await first.read(), await first.read()] == ["PWR0", display]
        assert await second.read() == "PWR0"
        await second.read()
        assert await first.ask("?V") == "VOL101"
        assert await second.silent()
        receiver.press("25FN")
        assert await first.read() == "FN25"
        assert await second.read() == "FN25"
        with pytest.raises(ValueError, match="refuses"):
            receiver.press("999VL")
        with pytest.raises(ValueError, match="refuses"):
            receiver.press("")
        assert receiver.received == ["PO", "?V"]
        receiver.clear_received()
        assert receiver.received == []


async def test_line_endings_and_noise_from_clients(receiver: VirtualPioneer) -> None:
    """CR, CR LF and LF all end a line, even split across writes; junk gets E04."""
    async with connect(receiver) as tv:
        await tv.send("?P", end=b"\r\n")
        assert await tv.read() == "PWR1"
        await tv.send("?V", end=b"\n")
        assert await tv.read() == "VOL101"
        tv.writer.write(b"?M\r")
        await tv.writer.drain()
        await asyncio.sleep(0.05)
        tv.writer.write(b"\n?F\r")
        assert await tv.read() == "MUT1"
        assert await tv.read() == "FN25"
        assert await tv.silent()  # the split CR LF was one ending, not an extra empty line
        tv.writer.write(b"\xff\xfe\x00junk\r")
        assert await tv.read() == "E04"


async def test_the_wake_up_quirk(receiver: VirtualPioneer) -> None:
    """After a quiet spell the first line is lost; a CR wakes it; then it listens again."""
    receiver.sleep_after, receiver.wake_time = 0.5, 0.3
    async with connect(receiver) as tv:
        assert await tv.ask("?P") == "PWR1"
        await asyncio.sleep(0.6)
        await tv.send("PO")
        assert await tv.silent(0.4)
        assert receiver.lost == ["PO"]
        assert await tv.ask("PO") == "PWR0"  # awake again
        assert (await tv.read()).startswith("FL")
        await asyncio.sleep(0.6)
        await tv.send("", "PF")  # a bare CR wakes it; the command right after it is too soon
        assert await tv.silent(0.4)
        assert await tv.ask("PF") == "PWR1"
        assert receiver.lost == ["PO", "PF"]
        assert receiver.wakeups == 2


async def test_faults(receiver: VirtualPioneer) -> None:
    """Stalled (half-open), ignored lines, busy, garbage and drops, as the eISCP receiver has."""
    async with connect(receiver) as tv:
        receiver.ignore.add("?V")
        await tv.send("?V")
        assert await tv.silent()
        receiver.busy = 1
        assert await tv.ask("PO") == "B00"
        assert await tv.ask("PO") == "PWR0"
        await tv.read()  # the display line
        receiver.stalled = True
        await tv.send("?P")
        assert await tv.silent()
        receiver.press("MO")
        assert await tv.silent()
        receiver.stalled = False
        receiver.push_raw(b"\x00garbage\r\n")
        assert await tv.read() == "\x00garbage"
        await receiver.drop_clients()
        assert await tv.reader.read() == b""
    assert receiver.client_count == 0


async def test_ready_lines_and_restart() -> None:
    """The receiver can send R every few seconds as port 8102 does; it restarts on its ports."""
    async with VirtualPioneer(ready_interval=0.05) as receiver:
        async with connect(receiver) as tv:
            assert await tv.read() == "R"
        port, upnp_port = receiver.port, receiver.upnp_port
        await receiver.restart(downtime=0.05)
        assert (receiver.port, receiver.upnp_port) == (port, upnp_port)
        async with connect(receiver) as tv:
            assert await tv.read() == "R"


async def test_upnp_description_over_http(receiver: VirtualPioneer) -> None:
    """The description is served with its UDN; other paths are 404; junk is survived."""
    assert receiver.upnp_port is not None
    for request, status in (
        (b"GET /AVTransport/desc.xml HTTP/1.1\r\nHost: x\r\n\r\n", b"200"),
        (b"GET /other HTTP/1.1\r\n\r\n", b"404"),
        (b"POST /AVTransport/desc.xml HTTP/1.1\r\n\r\n", b"404"),
        (b"\r\n\r\n", b"404"),
    ):
        reader, writer = await asyncio.open_connection(receiver.host, receiver.upnp_port)
        writer.write(request)
        response = await reader.read()
        writer.close()
        assert response.split(b" ")[1] == status
    reader, writer = await asyncio.open_connection(receiver.host, receiver.upnp_port)
    writer.write(b"GET / HTTP/1.1")  # never completed: the server gives up, nothing escapes
    writer.close()
    body = response.partition(b"\r\n\r\n")[2]
    assert body == b"not found"


def test_device_profile_and_zones() -> None:
    """The profile has main, zone 2 and zone 3, named inputs; HDZone only where it exists."""
    device = Device(VSX_1021)
    assert set(device.zones) == {MAIN, ZONE2, "zone3"}
    assert HDZONE not in device.zones
    assert device.handle("?RGB38").reply == ["RGB380INTERNET RADIO"]
    assert device.handle("").reply == ["R"]
    assert device.model_line() == "RGD<VSX-1021>"


async def test_the_command_line_serves_until_stopped(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``python -m virtual_receiver.pioneer`` serves on the given ports until stopped."""
    args = arguments(["--port", "0", "--upnp-port", "0", "--on", "--sleep-after", "0"])
    assert (args.port, args.on, args.sleep_after, args.ready_interval) == (0, True, 0.0, 30.0)
    stop = asyncio.Event()
    task = asyncio.create_task(serve(args, stop))
    await until(lambda: "Press Ctrl-C" in capsys.readouterr().out or task.done())
    stop.set()
    await task
    assert "Stopped." in capsys.readouterr().out


def test_main_runs_and_stops(monkeypatch: pytest.MonkeyPatch) -> None:
    """main() runs the server and returns 0 when interrupted."""

    async def interrupted(_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("virtual_receiver.pioneer.__main__.serve", interrupted)
    assert main(["--port", "0"]) == 0


async def test_records_and_logs_what_clients_send(capsys: pytest.CaptureFixture[str]) -> None:
    """Every line is recorded per receiver and per client, and printed when asked."""
    async with VirtualPioneer(log_commands=True) as receiver, connect(receiver) as tv:
        await tv.send("?P", "?V")
        await receiver.wait_for("?V")
        assert receiver.received == ["?P", "?V"]
        assert "received ?V" in capsys.readouterr().out
        with pytest.raises(TimeoutError):
            await receiver.wait_for("?M", timeout=0.1)


async def test_tuner_display_zone_lists_and_refusals(receiver: VirtualPioneer) -> None:
    """The display shows the tuner's station (hex); zones take their own inputs; refuse.

    ``refuse`` answers a chosen line with an error code, as a model without it does.
    """
    async with connect(receiver) as tv:
        for command in ("PO", "02FN", "A02PR"):
            await tv.send(command)
        await tv.send("?FL")
        shown = []  # the display after power on, input, recall, and the answer to ?FL
        while len(shown) < 4:
            line = await tv.read()
            if line.startswith("FL"):
                shown.append(bytes.fromhex(line[4:]).decode().strip())
        assert shown == ["BD", "FM  87.50MHz", "FM  91.50MHz", "FM  91.50MHz"]
        receiver.refuse["MO"] = "E04"
        assert await tv.ask("MO") == "E04"
        assert receiver.device.zones["main"].muted is False
    receiver.press("APO")
    with pytest.raises(ValueError, match="E06"):
        receiver.press("19ZS")  # Apple TV: HDMI, not for zone 2
    receiver.press("02ZS")
    assert receiver.device.zones["zone2"].source == "02"


async def test_direct_tuning(receiver: VirtualPioneer) -> None:
    """Band (TN), direct access (TAC) and digits (TP): the receiver tunes when complete."""
    async with connect(receiver) as tv:
        assert await tv.ask("TAC") == "E02"  # in standby
        assert await tv.ask("PO") == "PWR0"
        assert (await tv.read()).startswith("FL")
        assert await tv.ask("5TP") == "E04"  # not entering a frequency
        assert await tv.ask("01TN") == "FRA00531"  # AM: its last station
        assert await tv.ask("TAC") == "TAC"
        for digit in "100":
            assert await tv.ask(f"{digit}TP") == "TP"
        await tv.send("8TP")
        assert [await tv.read(), await tv.read()] == ["TP", "FRA01008"]
        assert await tv.ask("00TN") == "FRF08750"  # FM: its last station
        assert await tv.ask("TAC") == "TAC"
        for digit in "999":
            await tv.ask(f"{digit}TP")
        assert await tv.ask("9TP") == "E06"  # 99.99 MHz: not on the 50 kHz raster
        assert receiver.device.tuner == "F08750"

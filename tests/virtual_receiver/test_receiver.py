"""The virtual receiver: answers, commands, pushes, playback, faults, CLI."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
import dataclasses
import os
from pathlib import Path
import signal
import sys

import pytest

from custom_components.onkyo_eiscp.eiscp import messages as m
from custom_components.onkyo_eiscp.eiscp.art import ArtAssembler, ArtImage
from custom_components.onkyo_eiscp.eiscp.client import Client
from custom_components.onkyo_eiscp.eiscp.const import Zone
from custom_components.onkyo_eiscp.eiscp.errors import QueryTimeoutError
from custom_components.onkyo_eiscp.eiscp.frame import encode
from virtual_receiver import Track, VirtualReceiver, ZoneState, available_profiles
from virtual_receiver.__main__ import arguments, main, serve
from virtual_receiver.art import bmp, track_colour

ROOT = Path(__file__).resolve().parents[2]


async def _until(predicate: object, timeout: float = 5.0) -> None:
    assert callable(predicate)
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.01)


@pytest.fixture
async def receiver() -> AsyncGenerator[VirtualReceiver]:
    async with VirtualReceiver("TX-NR686", tick=0.02) as vr:
        yield vr


@pytest.fixture
async def client(receiver: VirtualReceiver) -> AsyncGenerator[Client]:
    async with Client(receiver.host, receiver.port, pacing=0.0, query_timeout=1) as c:
        yield c


async def _raw(client: Client, code: str) -> str:
    return (await client.query(code)).raw


async def test_profiles() -> None:
    """Every corpus device is a profile; an unknown one is a clear error."""
    assert len(available_profiles()) == 38
    with pytest.raises(ValueError, match="unknown profile"):
        VirtualReceiver("TX-NOPE")


@pytest.mark.parametrize(
    ("code", "raw"),
    [
        ("PWR", "00"), ("ZPW", "00"), ("MVL", "14"), ("AMT", "00"), ("SLI", "10"),
        ("TFR", "B00T00"), ("LMD", "00"), ("DIM", "00"), ("CTL", "00"), ("SWL", "00"),
        ("IFA", "HDMI 1,PCM,48 kHz,2.0 ch,Stereo,2.1 ch,"), ("UPD", "FF"), ("PRS", "01"),
        ("NST", "S--"), ("NTR", "----/----"), ("NTM", "00:00:00/00:00:00"), ("NJA", "n-"),
        ("NDS", "E--"), ("NMS", "xxxxxS100"), ("NFI", ""), ("NTI", ""), ("NAT", ""), ("NAL", ""),
        ("NLT", "F301000000000110FFFF00NET"), ("PW3", "N/A"), ("HDO", "N/A"), ("XYZ", "N/A"),
    ],
)  # fmt: skip
async def test_answers(client: Client, code: str, raw: str) -> None:
    """QSTN answers from state; N/A for what the profile lacks."""
    assert await _raw(client, code) == raw


async def test_identity(client: Client, receiver: VirtualReceiver) -> None:
    """ECN and NRI over TCP; NRI arrives as one message and parses."""
    ecn = await client.query("ECN")
    assert isinstance(ecn, m.DeviceDiscovery)
    assert (ecn.model, ecn.identifier, ecn.port) == ("TX-NR686", receiver.identifier, receiver.port)
    nri = await client.query("NRI")
    assert isinstance(nri, m.ReceiverInfo)
    assert "<model>TX-NR686</model>" in nri.xml
    receiver.nri_override = "<broken"
    assert (await client.query("NRI")).raw == "<broken"


@pytest.mark.parametrize(
    ("command", "pushed"),
    [
        ("PWR01", "PWR01"), ("MVL30", "MVL30"), ("MVLUP", "MVL15"), ("MVLDOWN1", "MVL13"),
        ("MVLFF", "MVL52"), ("AMTTG", "AMT01"), ("AMT01", "AMT01"), ("SLI2b", "SLI2B"),
        ("ZPW01", "ZPW01"), ("ZVL20", "ZVL20"), ("SLZ2B", "SLZ2B"), ("TFRB+2", "TFRB+2T00"),
        ("TFRTUP", "TFRB00T+1"), ("TFRBDOWN", "TFRB-1T00"), ("LMD0C", "LMD0C"), ("DIM02", "DIM02"),
        ("CTL+3", "CTL+3"), ("SWL-A", "SWL-A"), ("PRS05", "PRS05"), ("NTCPLAY", "NSTP--"),
        ("NTCREPEAT", "NSTSR-"), ("NTCRANDOM", "NSTS-S"), ("NTCP/P", "NSTP--"),
        ("NSV0E0", "NLT0E01000000090100FF0E00TuneIn Radio"),  # the seed's NLT
        ("NTS00:01:00", "NTM00:00:00/00:00:00"),
    ],
)  # fmt: skip
async def test_commands_push_to_every_client(
    receiver: VirtualReceiver, client: Client, command: str, pushed: str
) -> None:
    """A command changes state and every connected client hears the result."""
    async with Client(receiver.host, receiver.port) as other:
        heard: list[str] = []
        other.add_message_listener(lambda message: heard.append(message.code + message.raw))
        await client.send(command)
        await _until(lambda: pushed in heard)
    assert receiver.received[-1] == command


@pytest.mark.parametrize(
    "command",
    ["PWR05", "MVLXX", "AMT7", "SLI99", "TFRX1", "TFRBZZ", "LMDZZ", "LMD1", "CTLZZ", "HDO01",
     "PRSZZ", "NTCJUMP", "NTSab", "UPDUSB", "NSV", "PW301", "VL310", "XYZ1"],
)  # fmt: skip
async def test_bad_or_unsupported_commands_get_na(client: Client, command: str) -> None:
    """Invalid values and missing features answer N/A."""
    reply = await client.request(command, command[:3])
    assert isinstance(reply, m.NotAvailable)


async def test_network_player_has_no_volume_or_receiver_features() -> None:
    """The NS-6130 profile: no MVL, LMD, IFA; network playback yes."""
    async with (
        VirtualReceiver("NS-6130") as player,
        Client(player.host, player.port, query_timeout=1) as client,
    ):
        for code in ("MVL", "LMD", "IFA", "IFV", "TFR", "ZPW"):
            assert isinstance(await client.query(code), m.NotAvailable)
        assert isinstance(await client.query("NST"), m.PlayStatus)
        assert isinstance(await client.request("MVL10", "MVL"), m.NotAvailable)


async def test_devices_without_net_or_presets() -> None:
    """A profile without net services answers N/A to player commands."""
    async with VirtualReceiver("TX-8150") as plain, Client(plain.host, plain.port) as client:
        plain.info = dataclasses.replace(plain.info, net_services=(), presets=())
        for code in ("NST", "PRS"):
            assert isinstance(await client.query(code), m.NotAvailable)
        for command in ("NTCPLAY", "NTS00:10", "PRS01", "NSV0E0"):
            assert isinstance(await client.request(command, command[:3]), m.NotAvailable)


async def test_playback_ticks_and_changes_tracks(receiver: VirtualReceiver, client: Client) -> None:
    """play_playlist plays; NTM ticks; a track's end moves to the next; TRUP/TRDN/STOP work."""
    heard: list[m.Message] = []
    client.add_message_listener(heard.append)
    receiver.play_playlist([Track("A", "X", "Y", 3), Track("B", "X", "Y", 3)], loop=False)
    assert receiver.state.zones[Zone.MAIN].power
    await _until(lambda: receiver.state.net.title == "B")
    await _until(lambda: receiver.state.net.play == "S")
    assert any(isinstance(x, m.TimeInfo) and x.elapsed == 2 for x in heard)
    await client.send("NTCPLAY")
    await receiver.next_track()
    await client.send("NTCTRDN")
    await client.send("NTCFF")
    await client.send("NTCREW")
    await client.send("NTCPAUSE")
    await client.send("NTCSTOP")
    await _until(lambda: receiver.received[-1] == "NTCSTOP")
    assert receiver.state.net.play == "S"
    receiver.set_now_playing("T", "A", "B", elapsed=5, duration=100, play="p")
    await receiver.restart()
    assert receiver.state.net.title == "T"


async def test_replay_track_change(receiver: VirtualReceiver, client: Client) -> None:
    """The seed's burst arrives in order, art URL pointing at the receiver."""
    heard: list[m.Message] = []
    client.add_message_listener(heard.append)
    await receiver.replay_track_change(time_scale=0)
    await _until(lambda: len(heard) >= 31)
    assert heard[1] == m.Title(
        code="NTI", raw="09-Roses Are Red.flac", text="09-Roses Are Red.flac"
    )
    art = next(x for x in heard if isinstance(x, m.AlbumArt))
    assert art.url == receiver.art_url
    assert isinstance(next(x for x in heard if x.code == "NLA"), m.ListXml)
    await receiver.replay_track_change(time_scale=0.001)


async def test_album_art_server() -> None:
    """With art_port, album art is served over HTTP as a PNG."""
    async with VirtualReceiver("NS-6130", art_port=0) as player:
        assert ":" in player.art_url.removeprefix("http://")
        host, port = player.art_url.removeprefix("http://").split("/")[0].split(":")
        for path, expected in (("/album_art.cgi", b"\x89PNG"), ("/other", b"not found")):
            reader, writer = await asyncio.open_connection(host, int(port))
            writer.write(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            response = await reader.read()
            writer.close()
            assert expected in response


async def test_streamed_album_art() -> None:
    """With art_stream, art goes out as hex BMP packets, pushed and in answer to NJAQSTN."""
    async with (
        VirtualReceiver("TX-NR686", art_stream=True) as player,
        Client(player.host, player.port, pacing=0.0) as client,
    ):
        assembler = ArtAssembler()
        images: list[ArtImage] = []

        def collect(message: m.Message) -> None:
            if isinstance(message, m.AlbumArt) and (image := assembler.feed(message)):
                images.append(image)

        client.add_message_listener(collect)
        player.play_playlist()
        await _until(lambda: len(images) == 1)
        await client.send("NJAQSTN")
        await _until(lambda: len(images) == 2)
        track = player.state.net
        assert (
            images[0]
            == images[1]
            == ArtImage(bmp(track_colour(track.album, track.title)), "image/bmp")
        )
        assert images[0].data[:2] == b"BM"
        assert len(images[0].data) == 54 + 64 * 64 * 3


async def test_faults(receiver: VirtualReceiver) -> None:
    """Client limit, stall, garbage from clients, drops and a failing handler."""
    receiver.max_clients = 1
    async with Client(receiver.host, receiver.port) as first:
        reader, writer = await asyncio.open_connection(receiver.host, receiver.port)
        assert await reader.read() == b""  # over the limit: closed at once
        writer.close()
        receiver.stalled = True
        receiver.push("NTIunheard")
        with pytest.raises(QueryTimeoutError, match="no PWR reply"):
            await first.query("PWR", timeout=0.2)
        receiver.stalled = False
        first._queue.put_nowait(
            (b"junk" + encode("PWRQSTN"), asyncio.get_running_loop().create_future())
        )
        await _until(lambda: receiver.received[-1:] == ["PWRQSTN"])
        receiver.ignore.add("AMT")
        with pytest.raises(QueryTimeoutError, match="no AMT reply"):
            await first.query("AMT", timeout=0.2)
        receiver.state.zones.clear()  # the zones are gone: zoned commands get N/A
        assert isinstance(await first.request("MVLUP", "MVL"), m.NotAvailable)
        receiver.push_raw(b"\x00garbage\xff")
        receiver.push("NTIheard")
        assert (await first.query("NTI")).raw == "heard"
        assert receiver.client_count == 1
        receiver.clear_received()
        assert receiver.received == receiver.received_at == []
        await receiver.drop_clients()
        assert receiver.client_count == 0
    with pytest.raises(ValueError, match="does not take"):
        receiver.press("XYZ1")


async def test_wait_for_times_out(receiver: VirtualReceiver) -> None:
    """wait_for() raises TimeoutError for a message never sent."""
    with pytest.raises(TimeoutError):
        await receiver.wait_for("PWR01", timeout=0.05)


def test_cli_lists_profiles(capsys: pytest.CaptureFixture[str]) -> None:
    """--list-profiles prints every profile."""
    assert main(["--list-profiles"]) == 0
    assert "NS-6130" in capsys.readouterr().out.split()


async def test_cli_serves_until_interrupted() -> None:
    """Python -m virtual_receiver serves, prints what it serves, and stops on SIGINT."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "virtual_receiver", "--port", "0", "--play", "--profile", "NS-6130",
        cwd=ROOT, stdout=asyncio.subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert process.stdout is not None
    try:
        async with asyncio.timeout(20):
            banner = await process.stdout.readuntil(b"Ctrl-C to stop.\n")
            assert b"Virtual ONKYO NS-6130" in banner
            process.send_signal(signal.SIGINT)
            rest = await process.stdout.read()
            assert b"Stopped." in rest
            assert await process.wait() == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def test_serve_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    """serve() prints what it serves and stops when asked."""
    stop = asyncio.Event()
    options = ["--port", "0", "--play", "--art-port", "0", "--log-commands", "--art-stream"]
    task = asyncio.create_task(serve(arguments(options), stop))
    await _until(lambda: "Ctrl-C" in capsys.readouterr().out or task.done())
    stop.set()
    await task


async def test_log_commands(capsys: pytest.CaptureFixture[str]) -> None:
    """With log_commands, every received message is printed (for out-of-process tests)."""
    async with (
        VirtualReceiver("NS-6130", log_commands=True) as player,
        Client(player.host, player.port) as client,
    ):
        await client.query("PWR")
    assert "received PWRQSTN" in capsys.readouterr().out


async def test_identity_attributes(receiver: VirtualReceiver) -> None:
    """What ECN says, from the receiver's attributes."""
    assert receiver.ecn() == f"ECN{receiver.model}/{receiver.port}/{receiver.region}/" + (
        receiver.identifier
    )
    assert "<model>TX-NR686</model>" in receiver.nri_xml


@pytest.mark.parametrize(
    ("command", "pushed"),
    [
        ("MVLUP1", "MVL92"), ("MVLDOWN1", "MVL8E"), ("MVLUP", "MVL91"), ("VL3UP1", "VL392"),
        ("PWRALL", "PW300"), ("NTZPLAY", "NSTP--"), ("DIM08", "DIM08"),
    ],
)  # fmt: skip
async def test_spec_parameters(command: str, pushed: str) -> None:
    """Half-dB devices: UP/DOWN move a step, UP1/DOWN1 a dB; PWRALL; zone net keys."""
    async with (
        VirtualReceiver("DRX-5.2") as device,
        Client(device.host, device.port, pacing=0.0) as client,
    ):
        for zone in ("MVL", "VL3"):
            device.press(f"{zone}90")
        heard: list[str] = []
        client.add_message_listener(lambda message: heard.append(message.code + message.raw))
        await client.send(command)
        await _until(lambda: pushed in heard)


@pytest.mark.parametrize(
    "command",
    ["LMD10", "LMDMOVIE", "DIM04", "PRS29", "PRS00", "NT4P/P", "NTZJUMP", "VL4UP1", "PWRTG",
     "HDO06", "MVLC9X"],
)  # fmt: skip
async def test_what_the_spec_lacks_gets_na(command: str) -> None:
    """Values the spec does not list for a command are answered N/A."""
    async with (
        VirtualReceiver("DRX-5.2") as device,
        Client(device.host, device.port, pacing=0.0, query_timeout=1) as client,
    ):
        device.state.zones.setdefault(Zone.ZONE4, ZoneState())
        reply = await client.request(command, command[:3])
        assert isinstance(reply, m.NotAvailable)


async def test_a_failing_handler_is_logged_and_survived(
    receiver: VirtualReceiver, client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    """A message whose handling fails is logged; the device goes on answering."""
    receiver.state.net.playlist = ("not a track",)  # the fault: a track that is not one
    await client.send("NTCTRUP")
    await _until(lambda: "failed to handle 'NTCTRUP'" in caplog.text)
    assert await _raw(client, "PWR") == "00"


@pytest.mark.parametrize(
    ("profile", "code", "raw"),
    [("TX-RZ70", "HDO", "01"), ("TX-RZ70", "IFV", "HDMI 1,1920 x 1080p  60 Hz,RGB,24bit,HDMI Main,"
     "1920 x 1080p  60 Hz,RGB,24bit,Standard,"), ("DTR-40.5", "NTM", "00:00/00:00"),
     ("TX-RZ70", "HDO00", "00"), ("TX-RZ70", "UPDNET", "FF")],
)  # fmt: skip
async def test_other_profiles(profile: str, code: str, raw: str) -> None:
    """Features some profiles have: HDMI out, video info, a mm:ss clock, a net update."""
    async with (
        VirtualReceiver(profile) as device,
        Client(device.host, device.port, pacing=0.0, query_timeout=1) as client,
    ):
        if len(code) > 3:
            heard: list[str] = []
            client.add_message_listener(lambda message: heard.append(message.code + message.raw))
            await client.send(code)
            await _until(lambda: code[:3] + raw in heard)
        else:
            assert await _raw(client, code) == raw


async def test_set_now_playing_without_a_player() -> None:
    """A device without network services has nothing to tell of a track."""
    async with VirtualReceiver("TX-8150") as plain, Client(plain.host, plain.port) as client:
        plain.info = dataclasses.replace(plain.info, net_services=())
        heard: list[str] = []
        client.add_message_listener(lambda message: heard.append(message.code))
        plain.set_now_playing("T", "A", "B")
        plain.push("PWR00")
        await _until(lambda: heard == ["PWR"])


async def test_discovery_answers_ecn_unless_stalled(receiver: VirtualReceiver) -> None:
    """ECNQSTN over UDP gets the ECN reply ending in 0x19 CR LF; a stalled device is silent."""
    loop = asyncio.get_running_loop()
    replies: asyncio.Queue[bytes] = asyncio.Queue()

    class Listener(asyncio.DatagramProtocol):
        def datagram_received(self, data: bytes, addr: object) -> None:
            replies.put_nowait(data)

    transport, _ = await loop.create_datagram_endpoint(
        Listener, remote_addr=(receiver.host, receiver.port)
    )
    try:
        receiver.stalled = True
        transport.sendto(encode("!xECNQSTN"))
        receiver.stalled = False
        transport.sendto(b"noise" + encode("!xPWRQSTN") + encode("!xECNQSTN"))
        reply = await asyncio.wait_for(replies.get(), 5)
        assert reply.endswith(f"!1{receiver.ecn()}\x19\r\n".encode())
        assert replies.empty()
    finally:
        transport.close()


async def test_list_title_has_the_spec_layout(client: Client) -> None:
    """NLT: 22 characters of fields, then the title bar's text (it used to read "00NET")."""
    title = await client.query("NLT")
    assert isinstance(title, m.ListTitle)
    assert (title.service, title.title) == ("F3", "NET")
    title = await client.request("NSV0A0", "NLT")
    assert isinstance(title, m.ListTitle)
    assert (title.service, title.title) == ("0A", "Spotify")

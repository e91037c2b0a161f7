"""The virtual receiver's UPnP MediaRenderer, driven by async-upnp-client as a controller.

Real sockets on loopback: a media server serves the files, the renderer fetches them,
and an eISCP connection watches the device switch to NET and play.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator
import contextlib
import io
import socket
from typing import Self
import wave

import aiohttp
from aiohttp import web
from async_upnp_client.aiohttp import AiohttpNotifyServer, AiohttpRequester
from async_upnp_client.client import UpnpDevice
from async_upnp_client.client_factory import UpnpFactory
from async_upnp_client.exceptions import UpnpActionError
from async_upnp_client.profiles.dlna import DmrDevice, TransportState
import pytest

from virtual_receiver import VirtualReceiver
from virtual_receiver.__main__ import arguments, serve
from virtual_receiver.upnp_server import sniff, wav_length

# Nothing may escape, in the faults above all (asyncio logs what nobody retrieved).
pytestmark = pytest.mark.usefixtures("no_escaped_exceptions")

RENDERER = "urn:schemas-upnp-org:device:MediaRenderer:1"


def wav(seconds: float, rate: int = 8000) -> bytes:
    """A silent mono 8-bit WAV file of ``seconds``."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(rate)
        out.writeframes(b"\x80" * int(rate * seconds))
    return buffer.getvalue()


MEDIA = {
    "/chime.wav": (wav(1.0), "audio/wav"),
    "/speech.wav": (wav(2.0), "audio/wav"),
    "/ten.wav": (wav(10.0), "audio/wav"),  # half a second at the tests' tick
    "/long.wav": (wav(40.0), "audio/wav"),
    "/tone.mp3": (b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" * 64, "audio/mpeg"),
    "/note.txt": (b"not a sound", "text/plain"),
    "/server.xml": (
        b'<?xml version="1.0"?><root xmlns="urn:schemas-upnp-org:device-1-0">'
        b"<specVersion><major>1</major><minor>0</minor></specVersion><device>"
        b"<deviceType>urn:schemas-upnp-org:device:MediaServer:1</deviceType>"
        b"<friendlyName>NAS</friendlyName><manufacturer>x</manufacturer>"
        b"<modelName>x</modelName><UDN>uuid:1</UDN></device></root>",
        "text/xml",
    ),
}


class MediaServer:
    """Serves :data:`MEDIA` on loopback and records what was asked (GET and HEAD)."""

    def __init__(self) -> None:
        """Not serving until started."""
        self.requests: list[str] = []
        self.files = dict(MEDIA)
        self.port = 0
        self._runner: web.AppRunner | None = None

    def url(self, path: str) -> str:
        """The URL of ``path``."""
        return f"http://127.0.0.1:{self.port}{path}"

    def gets(self, path: str) -> int:
        """How many times ``path`` was fetched (GET)."""
        return self.requests.count(f"GET {path}")

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(f"{request.method} {request.path}")
        if request.path not in self.files:
            raise web.HTTPNotFound
        body, content_type = self.files[request.path]
        return web.Response(body=body, content_type=content_type)

    async def start(self) -> None:
        """Serve on a free loopback port."""
        app = web.Application()
        app.router.add_route("*", "/{name}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert isinstance(server, asyncio.Server)
        self.port = server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Stop serving."""
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> Self:
        """Start."""
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        """Stop."""
        await self.stop()


@pytest.fixture
async def media() -> AsyncGenerator[MediaServer]:
    """A media server on loopback."""
    async with MediaServer() as server:
        yield server


@pytest.fixture
async def vr() -> AsyncGenerator[VirtualReceiver]:
    """A virtual receiver with its renderer, M-SEARCH answered on a free UDP port."""
    async with VirtualReceiver(tick=0.05, upnp=True, ssdp_port=0) as receiver:
        yield receiver


@contextlib.asynccontextmanager
async def controller(vr: VirtualReceiver) -> AsyncIterator[DmrDevice]:
    """A DLNA controller subscribed to the renderer's events."""
    assert vr.upnp is not None
    requester = AiohttpRequester()
    device: UpnpDevice = await UpnpFactory(requester).async_create_device(vr.upnp.location)
    server = AiohttpNotifyServer(requester, ("127.0.0.1", 0))
    await server.async_start_server()
    dmr = DmrDevice(device, server.event_handler)
    try:
        await dmr.async_subscribe_services()
        yield dmr
    finally:
        await dmr.async_unsubscribe_services()
        await server.async_stop_server()


async def until(predicate: object, timeout: float = 5.0) -> None:
    """Wait until ``predicate()`` holds."""
    assert callable(predicate)
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.01)


async def search(port: int, target: str = RENDERER) -> bytes:
    """Send a unicast M-SEARCH to 127.0.0.1:``port``; the answer."""
    loop = asyncio.get_running_loop()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.setblocking(False)
        sock.bind(("127.0.0.1", 0))
        packet = (
            "M-SEARCH * HTTP/1.1\r\nHOST: 127.0.0.1:1900\r\n"
            f'MAN: "ssdp:discover"\r\nMX: 1\r\nST: {target}\r\n\r\n'
        )
        await loop.sock_sendto(sock, packet.encode(), ("127.0.0.1", port))
        async with asyncio.timeout(2):
            data, _ = await loop.sock_recvfrom(sock, 2048)
    return data


async def test_unicast_search_finds_the_renderer_on_its_host(vr: VirtualReceiver) -> None:
    assert vr.upnp is not None
    answer = (await search(vr.upnp.ssdp_port)).decode()
    assert answer.startswith("HTTP/1.1 200 OK")
    assert f"LOCATION:{vr.upnp.location}" in answer
    assert f"ST:{RENDERER}" in answer
    for target in ("ssdp:all", "upnp:rootdevice", vr.upnp.udn):
        assert "LOCATION:http://127.0.0.1:" in (await search(vr.upnp.ssdp_port, target)).decode()
    with pytest.raises(TimeoutError):
        await search(vr.upnp.ssdp_port, "urn:schemas-upnp-org:device:MediaServer:1")
    assert vr.upnp.searches == 4


async def test_description_has_the_three_services(vr: VirtualReceiver) -> None:
    async with controller(vr) as dmr:
        ids = {service.service_id for service in dmr.profile_device.all_services}
        assert ids == {
            "urn:upnp-org:serviceId:AVTransport",
            "urn:upnp-org:serviceId:RenderingControl",
            "urn:upnp-org:serviceId:ConnectionManager",
        }
        assert dmr.model_name == vr.model
        assert dmr.is_subscribed
        await dmr.async_update()
        assert dmr.transport_state is TransportState.NO_MEDIA_PRESENT
        assert "http-get:*:audio/wav:*" in dmr.sink_protocol_info
        assert dmr.volume_level is not None


async def test_play_fetches_the_url_and_the_device_plays_it(
    vr: VirtualReceiver, media: MediaServer
) -> None:
    vr.set_now_playing("Before", "Artist", "Album", duration=200, play="S")
    async with controller(vr) as dmr:
        url = media.url("/ten.wav")
        metadata = await dmr.construct_play_media_metadata(url, "Laundry is done")
        await dmr.async_set_transport_uri(url, "Laundry is done", metadata)
        await until(lambda: dmr.transport_state is TransportState.STOPPED)
        await dmr.async_play()
        assert media.gets("/ten.wav") == 1
        main = vr.state.zones[next(iter(vr.state.zones))]
        assert main.power
        assert main.source == "2B"
        assert vr.state.net.title == "Laundry is done"
        assert vr.state.net.play == "P"
        assert vr.state.net.file_info == "WAV"
        await until(lambda: dmr.transport_state is TransportState.PLAYING)
        # Ten seconds of media at 0.05 s per second: over soon, and reported.
        await until(lambda: dmr.transport_state is TransportState.STOPPED)
        assert vr.state.net.play == "S"
        assert vr.state.net.title == "Before"
        assert vr.upnp is not None
        assert vr.upnp.transport.log == [f"play {url}", f"end {url}"]


async def test_length_from_didl_duration(vr: VirtualReceiver, media: MediaServer) -> None:
    assert vr.upnp is not None
    url = media.url("/tone.mp3")
    metadata = (
        '<DIDL-Lite xmlns="urn:schemas-upnp-org:metadata-1-0/DIDL-Lite/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:upnp="urn:schemas-upnp-org:metadata-1-0/upnp/">'
        '<item id="0" parentID="-1" restricted="false"><dc:title>Tone</dc:title>'
        "<upnp:artist>Someone</upnp:artist><upnp:album>Tones</upnp:album>"
        "<upnp:class>object.item.audioItem</upnp:class>"
        f'<res protocolInfo="http-get:*:audio/mpeg:*" duration="0:00:10.000">{url}</res>'
        "</item></DIDL-Lite>"
    )
    async with controller(vr) as dmr:
        await dmr.async_set_transport_uri(url, "Tone", metadata)
        await dmr.async_play()
        assert vr.upnp.transport.duration == 10.0
        assert (vr.state.net.title, vr.state.net.artist, vr.state.net.album) == (
            "Tone",
            "Someone",
            "Tones",
        )
        assert vr.state.net.total == 10
        await until(lambda: dmr.transport_state is TransportState.STOPPED)


async def test_media_without_length_plays_until_stopped(
    vr: VirtualReceiver, media: MediaServer
) -> None:
    assert vr.upnp is not None
    async with controller(vr) as dmr:
        url = media.url("/tone.mp3")
        await dmr.async_set_transport_uri(url, "", "not xml <")
        await dmr.async_play()
        assert vr.state.net.title == "tone.mp3"
        await until(lambda: dmr.transport_state is TransportState.PLAYING)
        await asyncio.sleep(0.2)
        assert dmr.transport_state is TransportState.PLAYING
        await dmr.async_stop()
        await until(lambda: dmr.transport_state is TransportState.STOPPED)
        assert vr.state.net.play == "S"


@pytest.mark.parametrize(
    ("path", "code"),
    [("/note.txt", 714), ("/missing.wav", 716)],
)
async def test_play_of_what_it_cannot_play_is_refused(
    vr: VirtualReceiver, media: MediaServer, path: str, code: int
) -> None:
    async with controller(vr) as dmr:
        await dmr.async_set_transport_uri(media.url(path), "x", "")
        with pytest.raises(UpnpActionError) as err:
            await dmr.async_play()
        assert err.value.error_code == code
        await until(lambda: dmr.transport_state is TransportState.STOPPED)
        assert vr.state.net.play == "S"


def didl(url: str, mime_type: str) -> str:
    """DIDL-Lite metadata of one item at ``url`` whose protocolInfo names ``mime_type``."""
    return (
        '<DIDL-Lite xmlns="urn:schemas-upnp-org:metadata-1-0/DIDL-Lite/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:upnp="urn:schemas-upnp-org:metadata-1-0/upnp/">'
        '<item id="0" parentID="-1" restricted="false"><dc:title>Tone</dc:title>'
        "<upnp:class>object.item.audioItem.musicTrack</upnp:class>"
        f'<res protocolInfo="http-get:*:{mime_type}:*">{url}</res></item></DIDL-Lite>'
    )


@pytest.mark.parametrize(
    ("mime_type", "taken"),
    [
        ("audio/mpeg", True),
        ("AUDIO/MPEG; charset=binary", True),  # parameters and case do not matter
        ("*", True),  # not said: the file's bytes decide
        ("audio/ogg", False),
        ("application/octet-stream", False),
    ],
)
async def test_protocol_info_is_checked_against_what_it_plays(
    vr: VirtualReceiver, media: MediaServer, mime_type: str, taken: bool
) -> None:
    """The metadata's MIME type is one of SinkProtocolInfo's, or SetAVTransportURI fails."""
    url = media.url("/tone.mp3")
    async with controller(vr) as dmr:
        if not taken:
            with pytest.raises(UpnpActionError) as err:
                await dmr.async_set_transport_uri(url, "Tone", didl(url, mime_type))
            assert err.value.error_code == 714
            assert media.requests == []
            return
        await dmr.async_set_transport_uri(url, "Tone", didl(url, mime_type))
        await dmr.async_play()
        assert vr.state.net.title == "Tone"
        await dmr.async_stop()


async def test_refused_uris(vr: VirtualReceiver, media: MediaServer) -> None:
    assert vr.upnp is not None
    async with controller(vr) as dmr:
        with pytest.raises(UpnpActionError) as err:
            await dmr.async_set_transport_uri("rtsp://127.0.0.1/x", "x", "")
        assert err.value.error_code == 716
        vr.upnp.faults.refuse_format = True
        with pytest.raises(UpnpActionError) as err:
            await dmr.async_set_transport_uri(media.url("/chime.wav"), "x", "")
        assert err.value.error_code == 714
        assert media.requests == []
        # Play with nothing set.
        play = dmr.profile_device.service_id("urn:upnp-org:serviceId:AVTransport")
        assert play is not None
        with pytest.raises(UpnpActionError) as err:
            await play.action("Play").async_call(InstanceID=0, Speed="1")
        assert err.value.error_code == 701


async def test_never_stop_fault(vr: VirtualReceiver, media: MediaServer) -> None:
    assert vr.upnp is not None
    vr.upnp.faults.never_stop = True
    async with controller(vr) as dmr:
        await dmr.async_set_transport_uri(media.url("/chime.wav"), "Chime", "")
        await dmr.async_play()
        await asyncio.sleep(0.3)  # six times the chime's length at this tick
        assert dmr.transport_state is TransportState.PLAYING
        assert vr.state.net.play == "P"


async def test_vanish_takes_the_stream_with_it(vr: VirtualReceiver, media: MediaServer) -> None:
    assert vr.upnp is not None
    vr.set_now_playing("Before", "Artist", "Album", duration=200, play="S")
    async with controller(vr) as dmr:
        await dmr.async_set_transport_uri(media.url("/long.wav"), "Long", "")
        await dmr.async_play()
        assert vr.state.net.title == "long.wav"  # no metadata: the file name
        await vr.upnp.vanish()
        assert not vr.upnp.running
        assert vr.state.net.play == "S"
        with pytest.raises(aiohttp.ClientError):
            await dmr.async_update()


async def test_events_refused_fault(vr: VirtualReceiver) -> None:
    assert vr.upnp is not None
    vr.upnp.faults.no_events = True
    with pytest.raises(Exception, match="501"):
        async with controller(vr):
            pass


async def test_a_stream_resumes_the_queue_it_interrupted(
    vr: VirtualReceiver, media: MediaServer
) -> None:
    vr.play_playlist()
    await until(lambda: vr.state.net.elapsed >= 2)
    title = vr.state.net.title
    async with controller(vr) as dmr:
        await dmr.async_set_transport_uri(media.url("/ten.wav"), "Ten", "")
        await dmr.async_play()
        assert vr.state.net.title == "ten.wav"
        await until(lambda: dmr.transport_state is TransportState.STOPPED)
    assert (vr.state.net.title, vr.state.net.play) == (title, "S")
    vr.press("NTCPLAY")
    assert vr.state.net.play == "P"
    assert vr.state.net.title == title


def test_wav_length_and_sniff() -> None:
    assert wav_length(wav(1.5)) == 1.5
    assert wav_length(wav(1.0)[:30]) is None  # no data chunk in what was read
    assert sniff(wav(0.1)) == "WAV"
    assert sniff(b"fLaC\x00") == "FLAC"
    assert sniff(b"\xff\xfb\x90\x00") == "MP3"
    assert sniff(b"<html>") is None


async def test_command_line_serves_a_renderer(capsys: pytest.CaptureFixture[str]) -> None:
    """``--upnp`` adds the renderer and prints where its description is."""
    stop = asyncio.Event()
    options = ["--port", "0", "--upnp", "--upnp-port", "0", "--ssdp-port", "0"]
    task = asyncio.create_task(serve(arguments(options), stop))
    out = ""

    def printed() -> bool:
        nonlocal out
        out += capsys.readouterr().out
        return "Ctrl-C" in out or task.done()

    await until(printed)
    stop.set()
    await task
    assert "media renderer: http://127.0.0.1:" in out
    assert "/description.xml (unicast M-SEARCH on udp port " in out


async def test_a_subscriber_that_vanished_is_no_error(vr: VirtualReceiver) -> None:
    """A controller gone without unsubscribing: its events fail quietly, nothing escapes."""
    assert vr.upnp is not None
    requester = AiohttpRequester()
    device = await UpnpFactory(requester).async_create_device(vr.upnp.location)
    server = AiohttpNotifyServer(requester, ("127.0.0.1", 0))
    await server.async_start_server()
    await DmrDevice(device, server.event_handler).async_subscribe_services()
    server.event_handler._subscriptions.clear()  # forget them: nothing unsubscribes
    await server.async_stop_server()
    vr.upnp.stop_playback()  # an event to every subscriber
    await asyncio.sleep(0.2)
    async with controller(vr) as dmr:  # the renderer still serves
        await dmr.async_update()
        assert dmr.transport_state is TransportState.STOPPED

"""The receiver's renderer: finding it, playing URLs, announcements that restore the zone.

Everything runs over real sockets on loopback against the virtual receiver: its UPnP
renderer (found by SSDP location or unicast M-SEARCH, played through async-upnp-client)
and its eISCP server (read and restored through a real aioeiscp Client).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
import logging
from pathlib import Path

from async_upnp_client.const import HttpRequest
from async_upnp_client.exceptions import UpnpConnectionError
import pytest

from custom_components.onkyo_eiscp.announce import (
    Announcer,
    EiscpZoneControl,
    InvalidMediaUrlError,
    check_media_url,
)
from custom_components.onkyo_eiscp.eiscp import Client
from custom_components.onkyo_eiscp.eiscp.errors import QueryTimeoutError
from custom_components.onkyo_eiscp.renderer import (
    PlayableMedia,
    Renderer,
    RendererLocator,
    RendererRefusedError,
    RendererUnavailableError,
    async_resolve_play_media,
)
from homeassistant.const import EVENT_HOMEASSISTANT_START
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.setup import async_setup_component
from tests.virtual_receiver.test_upnp import MediaServer, wav
from virtual_receiver import VirtualReceiver
from virtual_receiver.zones import Zone

from .helpers import free_port, until

# Nothing may escape, in the faults above all (asyncio logs what nobody retrieved).
pytestmark = pytest.mark.usefixtures("no_escaped_exceptions")

BD = "10"  # BD/DVD
NET = "2B"


@pytest.fixture
def disable_http_server() -> None:
    """Keep Home Assistant's HTTP server: the device fetches media-source files from it."""


@pytest.fixture
async def vr() -> AsyncGenerator[VirtualReceiver]:
    """A virtual receiver with its renderer (M-SEARCH answered on a free UDP port)."""
    async with VirtualReceiver(tick=0.05, upnp=True, ssdp_port=0) as receiver:
        yield receiver


@pytest.fixture
async def media() -> AsyncGenerator[MediaServer]:
    """A media server on loopback."""
    async with MediaServer() as server:
        yield server


@pytest.fixture
async def renderer(hass: HomeAssistant, vr: VirtualReceiver) -> Renderer:
    """The HA-side client of the virtual receiver's renderer, polling fast."""
    assert vr.upnp is not None
    return await Renderer.async_create(
        async_get_clientsession(hass), vr.upnp.location, poll_interval=0.05, start_limit=1.0
    )


@pytest.fixture
async def client(vr: VirtualReceiver) -> AsyncGenerator[Client]:
    """A real eISCP connection to the virtual receiver."""
    async with Client(vr.host, vr.port, pacing=0.0) as eiscp:
        yield eiscp


@pytest.fixture
def announcer(renderer: Renderer, client: Client) -> Announcer:
    """Announcements on the main zone, cut after 2 s."""
    return Announcer(EiscpZoneControl(client), renderer, limit=2.0)


def main_zone(vr: VirtualReceiver) -> tuple[bool, str, int, bool]:
    """Power, input, volume and muting of the main zone."""
    zone = vr.state.zones[Zone.MAIN]
    return zone.power, zone.source, zone.volume, zone.muted


def set_main(vr: VirtualReceiver, *, power: bool, source: str, volume: int) -> None:
    """Put the main zone in a state, as the front panel would."""
    vr.press(f"PWR{'01' if power else '00'}")
    vr.press(f"SLI{source}")
    vr.press(f"MVL{volume:02X}")


# --- finding the renderer -----------------------------------------------------------


async def test_found_by_the_ssdp_location(vr: VirtualReceiver) -> None:
    assert vr.upnp is not None
    locator = RendererLocator(vr.host, ssdp_port=vr.upnp.ssdp_port)
    assert await locator.async_locate(vr.upnp.location) == vr.upnp.location
    assert locator.found_by == "ssdp"
    assert vr.upnp.searches == 0  # nothing else asked


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
async def test_found_by_unicast_search(vr: VirtualReceiver, host: str) -> None:
    assert vr.upnp is not None
    locator = RendererLocator(host, ssdp_port=vr.upnp.ssdp_port)
    assert await locator.async_locate() == vr.upnp.location
    assert locator.found_by == "search"
    assert vr.upnp.searches == 1


async def test_description_from_another_host_is_ignored_and_logged_once(
    vr: VirtualReceiver, caplog: pytest.LogCaptureFixture
) -> None:
    assert vr.upnp is not None
    foreign = "http://127.0.0.2:49152/description.xml"
    locator = RendererLocator(vr.host, ssdp_port=vr.upnp.ssdp_port, search_timeout=0.3)
    caplog.set_level(logging.WARNING)
    # A discovery location on another host: ignored, the host itself is asked instead.
    assert await locator.async_locate(foreign) == vr.upnp.location
    assert locator.found_by == "search"
    # The host's own answer points elsewhere: no renderer.
    assert await locator.async_locate("http://[::1") == vr.upnp.location  # unreadable: ignored
    vr.upnp.faults.location = foreign
    assert await locator.async_locate(foreign) is None
    assert await locator.async_locate() is None
    assert locator.found_by is None
    warnings = [r for r in caplog.records if "127.0.0.2" in r.getMessage()]
    assert len(warnings) == 1
    assert "not served by 127.0.0.1" in warnings[0].getMessage()
    assert sum("[::1" in r.getMessage() for r in caplog.records) == 1


async def test_a_device_without_renderer(vr: VirtualReceiver) -> None:
    assert vr.upnp is not None
    port = vr.upnp.ssdp_port
    await vr.upnp.stop()
    locator = RendererLocator(vr.host, ssdp_port=port, search_timeout=0.3)
    assert await locator.async_locate() is None


async def test_a_description_that_is_not_a_renderer(
    hass: HomeAssistant, media: MediaServer
) -> None:
    session = async_get_clientsession(hass)
    with pytest.raises(RendererUnavailableError):
        await Renderer.async_create(session, media.url("/missing.xml"))
    with pytest.raises(RendererUnavailableError, match="describes no media renderer"):
        await Renderer.async_create(session, media.url("/server.xml"))


# --- playing a URL ------------------------------------------------------------------


async def test_url_playback(vr: VirtualReceiver, media: MediaServer, renderer: Renderer) -> None:
    assert vr.upnp is not None
    url = media.url("/ten.wav")
    await renderer.play(url, "Hello")
    assert vr.upnp.transport.fetched == [url]
    assert (vr.state.net.title, vr.state.net.play) == ("Hello", "P")
    assert main_zone(vr)[:2] == (True, NET)
    info = renderer.info
    assert (info.location, info.model, info.udn) == (vr.upnp.location, vr.model, vr.upnp.udn)
    await renderer.stop()
    assert vr.state.net.play == "S"


def test_media_urls() -> None:
    check_media_url("http://127.0.0.1/a.mp3")
    check_media_url("HTTPS://host.example/a.mp3")
    check_media_url("media-source://tts/cloud?message=hi")
    for bad in ("ftp://host/a.mp3", "/local/a.mp3", "file:///etc/passwd", "http://", "http://[::1"):
        with pytest.raises(InvalidMediaUrlError):
            check_media_url(bad)


# --- announcements ------------------------------------------------------------------


async def test_announcement_over_another_input_restores_it_exactly(
    vr: VirtualReceiver, media: MediaServer, announcer: Announcer
) -> None:
    set_main(vr, power=True, source=BD, volume=30)
    vr.press("AMT01")
    vr.clear_received()
    url = media.url("/chime.wav")
    await announcer.announce(url, "Doorbell", volume=45)
    assert vr.upnp is not None
    assert vr.upnp.transport.log == [f"play {url}", f"end {url}"]
    assert "MVL2D" in vr.received  # the announcement's volume was set
    assert "AMT00" in vr.received  # and it was heard
    assert main_zone(vr) == (True, BD, 30, True)


async def test_announcement_resumes_network_playback(
    vr: VirtualReceiver, media: MediaServer, announcer: Announcer
) -> None:
    vr.play_playlist()
    vr.press("MVL20")
    await until(lambda: vr.state.net.elapsed >= 1)
    title = vr.state.net.title
    await announcer.announce(media.url("/chime.wav"), "Doorbell")
    assert main_zone(vr) == (True, NET, 0x20, False)
    assert (vr.state.net.title, vr.state.net.play) == (title, "P")


async def test_announcement_with_the_zone_off(
    vr: VirtualReceiver, media: MediaServer, announcer: Announcer
) -> None:
    set_main(vr, power=False, source=BD, volume=25)
    await announcer.announce(media.url("/chime.wav"), "Doorbell", volume=40)
    assert main_zone(vr) == (False, BD, 25, False)
    assert vr.state.net.play == "S"


async def test_two_announcements_back_to_back_queue(
    vr: VirtualReceiver, media: MediaServer, announcer: Announcer
) -> None:
    set_main(vr, power=True, source=BD, volume=30)
    first, second = media.url("/chime.wav"), media.url("/speech.wav")
    await asyncio.gather(
        announcer.announce(first, "One", volume=40), announcer.announce(second, "Two", volume=40)
    )
    assert vr.upnp is not None
    assert vr.upnp.transport.log == [
        f"play {first}",
        f"end {first}",
        f"play {second}",
        f"end {second}",
    ]
    assert main_zone(vr) == (True, BD, 30, False)
    assert not announcer.busy


async def test_announcement_with_polling_when_events_are_refused(
    vr: VirtualReceiver, media: MediaServer, announcer: Announcer, renderer: Renderer
) -> None:
    assert vr.upnp is not None
    vr.upnp.faults.no_events = True
    set_main(vr, power=True, source=BD, volume=30)
    await announcer.announce(media.url("/speech.wav"), "Doorbell")
    assert renderer.subscribed is False
    assert vr.upnp.transport.log[-1].startswith("end ")
    assert main_zone(vr) == (True, BD, 30, False)


@pytest.mark.parametrize(
    ("refuse_format", "path", "code"),
    [(True, "/chime.wav", 714), (False, "/note.txt", 714), (False, "/missing.wav", 716)],
)
async def test_refused_media_raises_and_restores(
    vr: VirtualReceiver,
    media: MediaServer,
    announcer: Announcer,
    refuse_format: bool,
    path: str,
    code: int,
) -> None:
    """The format refused at SetAVTransportURI, or the media found unplayable at Play."""
    assert vr.upnp is not None
    vr.upnp.faults.refuse_format = refuse_format
    set_main(vr, power=False, source=BD, volume=30)
    with pytest.raises(RendererRefusedError) as err:
        await announcer.announce(media.url(path), "Doorbell", volume=50)
    assert err.value.code == code
    assert main_zone(vr) == (False, BD, 30, False)


async def test_renderer_that_never_reports_the_end_is_cut_at_the_limit(
    vr: VirtualReceiver, media: MediaServer, announcer: Announcer
) -> None:
    assert vr.upnp is not None
    vr.upnp.faults.never_stop = True
    set_main(vr, power=True, source=BD, volume=30)
    announcer.limit = 0.5
    with pytest.raises(TimeoutError):
        await announcer.announce(media.url("/chime.wav"), "Doorbell", volume=50)
    assert vr.upnp.transport.state == "STOPPED"  # stopped through the renderer
    assert vr.state.net.play == "S"
    assert main_zone(vr) == (True, BD, 30, False)


async def test_renderer_that_vanishes_mid_announcement_is_restored_over_eiscp(
    vr: VirtualReceiver, media: MediaServer, announcer: Announcer
) -> None:
    assert vr.upnp is not None
    upnp = vr.upnp
    vr.play_playlist()
    vr.press("MVL20")
    title = vr.state.net.title
    announcer.limit = 30.0
    task = asyncio.create_task(announcer.announce(media.url("/long.wav"), "Long", volume=50))
    await until(lambda: upnp.transport.state == "PLAYING")
    await upnp.vanish()
    with pytest.raises(RendererUnavailableError):
        await task
    assert main_zone(vr) == (True, NET, 0x20, False)
    assert (vr.state.net.title, vr.state.net.play) == (title, "P")


async def test_renderer_gone_when_cut_stops_over_eiscp(
    vr: VirtualReceiver, media: MediaServer, client: Client, renderer: Renderer
) -> None:
    """A renderer that cannot be stopped: the network player is stopped over eISCP."""
    assert vr.upnp is not None
    upnp = vr.upnp
    upnp.faults.never_stop = True
    set_main(vr, power=True, source=BD, volume=30)
    announcer = Announcer(EiscpZoneControl(client), renderer, limit=30.0)
    task = asyncio.create_task(announcer.announce(media.url("/long.wav"), "Long"))
    await until(lambda: upnp.transport.state == "PLAYING")
    # Gone without a trace: the device's stream goes on until someone stops it.
    await upnp.stop()
    with pytest.raises(RendererUnavailableError):
        await task
    assert "NTCSTOP" in vr.received
    assert vr.state.net.play == "S"
    assert main_zone(vr) == (True, BD, 30, False)


async def test_invalid_url_is_rejected_before_anything_is_sent(
    vr: VirtualReceiver, media: MediaServer, announcer: Announcer
) -> None:
    vr.clear_received()
    for url in ("ftp://127.0.0.1/a.wav", "/local/a.wav"):
        with pytest.raises(InvalidMediaUrlError):
            await announcer.announce(url, "x")
        with pytest.raises(InvalidMediaUrlError):
            await announcer.play(url, "x")
    assert vr.received == []
    assert vr.upnp is not None
    assert vr.upnp.transport.fetched == []
    assert media.requests == []


async def test_play_waits_for_the_announcement(
    vr: VirtualReceiver, media: MediaServer, announcer: Announcer
) -> None:
    set_main(vr, power=True, source=BD, volume=30)
    chime, speech = media.url("/chime.wav"), media.url("/ten.wav")
    await asyncio.gather(announcer.announce(chime, "Doorbell"), announcer.play(speech, "Radio"))
    assert vr.upnp is not None
    assert vr.upnp.transport.log[:3] == [f"play {chime}", f"end {chime}", f"play {speech}"]
    assert vr.state.net.title == "Radio"


async def test_media_source_playback(
    hass: HomeAssistant, vr: VirtualReceiver, renderer: Renderer, tmp_path: Path
) -> None:
    """A media-source id: resolved, signed, served by Home Assistant, fetched by the device."""
    port = free_port()
    (tmp_path / "chime.wav").write_bytes(wav(10.0))
    hass.config.media_dirs = {"local": str(tmp_path)}
    hass.config.internal_url = f"http://127.0.0.1:{port}"
    http = {"server_host": ["127.0.0.1"], "server_port": port}
    assert await async_setup_component(hass, "http", {"http": http})
    assert await async_setup_component(hass, "media_source", {})
    hass.bus.async_fire(EVENT_HOMEASSISTANT_START)  # the HTTP server starts with Home Assistant
    await hass.async_block_till_done()
    media = await async_resolve_play_media(
        hass, "media-source://media_source/local/chime.wav", None, "Chime"
    )
    assert media.url.startswith(f"http://127.0.0.1:{port}/media/local/chime.wav?authSig=")
    assert media.mime_type == "audio/x-wav"
    await renderer.play(media.url, media.title, mime_type=media.mime_type)
    assert vr.upnp is not None
    assert vr.upnp.transport.fetched == [media.url]
    assert (vr.state.net.title, vr.state.net.play) == ("Chime", "P")
    await until(lambda: vr.state.net.play == "S")


async def test_a_plain_url_is_played_as_given(hass: HomeAssistant) -> None:
    media = await async_resolve_play_media(
        hass, "http://127.0.0.1:8123/chime.wav", "media_player.x"
    )
    assert media == PlayableMedia("http://127.0.0.1:8123/chime.wav", None, "chime.wav")
    with pytest.raises(InvalidMediaUrlError):
        await async_resolve_play_media(hass, "smb://nas/chime.wav", "media_player.x")


async def test_renderer_that_takes_play_and_never_plays(
    vr: VirtualReceiver, media: MediaServer, announcer: Announcer
) -> None:
    assert vr.upnp is not None
    vr.upnp.faults.silent = True
    set_main(vr, power=True, source=BD, volume=30)
    with pytest.raises(RendererRefusedError, match="did not start"):
        await announcer.announce(media.url("/chime.wav"), "Doorbell", volume=50)
    assert main_zone(vr) == (True, BD, 30, False)


async def test_device_that_stops_answering_eiscp(
    vr: VirtualReceiver,
    media: MediaServer,
    client: Client,
    renderer: Renderer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Every restoring step is still tried when the device stops answering; each is logged."""
    caplog.set_level(logging.WARNING)
    set_main(vr, power=True, source=BD, volume=30)
    announcer = Announcer(EiscpZoneControl(client, timeout=0.2), renderer, limit=5.0)
    task = asyncio.create_task(announcer.announce(media.url("/long.wav"), "Long", volume=50))
    assert vr.upnp is not None
    upnp = vr.upnp
    await until(lambda: upnp.transport.state == "PLAYING")
    vr.stalled = True
    upnp.stop_playback()  # the announcement ends; the device no longer answers eISCP
    await task
    failed = [r.getMessage() for r in caplog.records if "After the announcement" in r.getMessage()]
    assert len(failed) == 2  # volume, input
    # Stalled from the start: nothing is known, nothing is played.
    with pytest.raises(QueryTimeoutError):
        await announcer.announce(media.url("/chime.wav"), "Doorbell")
    assert upnp.transport.log[-1] == f"end {media.url('/long.wav')}"


async def test_urls_of_another_host_in_a_description_are_never_contacted(
    hass: HomeAssistant,
    vr: VirtualReceiver,
    media: MediaServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A description on the host whose control URLs point elsewhere: nothing is sent there."""
    caplog.set_level(logging.WARNING)
    assert vr.upnp is not None
    session = async_get_clientsession(hass)
    async with session.get(vr.upnp.location) as response:
        description = await response.text()
    for tag in ("controlURL", "eventSubURL"):
        description = description.replace(f"<{tag}>", f"<{tag}>http://127.0.0.2:9")
    media.files["/foreign.xml"] = (description.encode(), "text/xml")
    # The library drops such services; what is left is no renderer.
    with pytest.raises(RendererUnavailableError, match="describes no media renderer"):
        await Renderer.async_create(session, media.url("/foreign.xml"))
    # Whatever a description says, the requester passes on only the host's URLs.
    renderer = await Renderer.async_create(session, vr.upnp.location)
    guard = renderer.guard
    with pytest.raises(UpnpConnectionError):
        await guard.async_http_request(HttpRequest("POST", "http://127.0.0.2:9/x", {}, None))
    assert guard.refused == ["http://127.0.0.2:9/x"]
    assert "not the media renderer's host" in caplog.text

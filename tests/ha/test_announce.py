"""Playing URLs and announcements on the receiver, through Home Assistant's media player.

The integration finds the virtual receiver's UPnP renderer by itself after setup (SSDP
location or unicast M-SEARCH over loopback), plays through it, and restores the zone over
the same eISCP connection its entities use.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Generator
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import (
    ClientSessionGenerator,
    WebSocketGenerator,
)

from custom_components.onkyo_eiscp import speaker as speaker_module
from custom_components.onkyo_eiscp.const import (
    CONF_ANNOUNCE_TIME_LIMIT,
    CONF_ANNOUNCE_VOLUME,
    DOMAIN,
)
from custom_components.onkyo_eiscp.diagnostics import async_get_config_entry_diagnostics
from custom_components.onkyo_eiscp.renderer import MEDIA_RENDERER
from custom_components.onkyo_eiscp.speaker import Speaker
from homeassistant.components.media_player.const import (
    ATTR_MEDIA_ANNOUNCE,
    ATTR_MEDIA_CONTENT_ID,
    ATTR_MEDIA_CONTENT_TYPE,
    DOMAIN as MP_DOMAIN,
    SERVICE_PLAY_MEDIA,
    MediaPlayerEntityFeature,
)
from homeassistant.components.media_source import PlayMedia
from homeassistant.const import (
    ATTR_ENTITY_ID,
    ATTR_SUPPORTED_FEATURES,
    CONF_HOST,
    CONF_PORT,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.service_info.ssdp import SsdpServiceInfo
from homeassistant.setup import async_setup_component
from tests.virtual_receiver.test_upnp import MediaServer, wav
from virtual_receiver import DEMO_PLAYLIST, VirtualReceiver
from virtual_receiver.zones import Zone

from .conftest import settle
from .helpers import free_port, until

pytestmark = pytest.mark.usefixtures("no_escaped_exceptions")

MAIN = "media_player.onkyo_tx_nr686"
ZONE2 = "media_player.onkyo_tx_nr686_zone_2"
BD = "10"
NET = "2B"
ANNOUNCE = MediaPlayerEntityFeature.MEDIA_ANNOUNCE
PLAYLIST = {track.title for track in DEMO_PLAYLIST}
# What an announcement on a zone that is on must not ask: the coordinator knows it.
ZONE_QUERIES = ("PWRQSTN", "SLIQSTN", "MVLQSTN", "AMTQSTN")


@pytest.fixture
def receiver_options(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The virtual receiver with its renderer (parametrize to change)."""
    return dict(getattr(request, "param", {"upnp": True, "ssdp_port": 0}))


@pytest.fixture
def entry_options(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The entry's options (parametrize to change)."""
    return dict(getattr(request, "param", {}))


@pytest.fixture
def config_entry(receiver: VirtualReceiver, entry_options: dict[str, Any]) -> MockConfigEntry:
    """A config entry for the virtual receiver, with the options asked for."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=f"Onkyo {receiver.model}",
        data={CONF_HOST: receiver.host, CONF_PORT: receiver.port},
        options=entry_options,
        unique_id=receiver.identifier,
    )


@pytest.fixture(autouse=True)
def _ssdp_port(receiver: VirtualReceiver) -> Generator[None]:
    """Unicast searches go to the virtual receiver's SSDP port; no answer within 0.3 s: none."""
    port = receiver.upnp.ssdp_port if receiver.upnp is not None else free_port()
    with (
        patch.object(speaker_module, "SSDP_PORT", port),
        patch.object(speaker_module, "SEARCH_TIMEOUT", 0.3),
    ):
        yield


@pytest.fixture
async def media() -> AsyncGenerator[MediaServer]:
    """A media server on loopback."""
    async with MediaServer() as server:
        yield server


def speaker_of(entry: MockConfigEntry) -> Speaker:
    """The entry's speaker."""
    speaker: Speaker = entry.runtime_data.speaker
    return speaker


async def searched(hass: HomeAssistant, entry: MockConfigEntry) -> Speaker:
    """The speaker once its search is over, with the entities' state written."""
    speaker = speaker_of(entry)
    task = speaker._task
    assert task is not None
    await task
    await settle(hass, entry)
    return speaker


@pytest.fixture
async def loaded(hass: HomeAssistant, init_integration: MockConfigEntry) -> MockConfigEntry:
    """The integration set up, its renderer found, every setup query answered."""
    speaker = await searched(hass, init_integration)
    assert speaker.renderer is not None
    return init_integration


def assert_playlist_plays(vr: VirtualReceiver) -> None:
    """The device's playlist plays again (it moves on by itself every few tenths)."""
    assert vr.state.net.play == "P"
    assert vr.state.net.title in PLAYLIST


def main_zone(vr: VirtualReceiver) -> tuple[bool, str, int, bool]:
    """Power, input, volume and muting of the main zone."""
    zone = vr.state.zones[Zone.MAIN]
    return zone.power, zone.source, zone.volume, zone.muted


async def front_panel(
    hass: HomeAssistant, entry: MockConfigEntry, vr: VirtualReceiver, *commands: str
) -> None:
    """Change the device as its front panel does, and let Home Assistant see it."""
    for command in commands:
        vr.press(command)
    # Twice: the first reply may come before the zone's own queries (a zone turned on is
    # asked its state) have been sent.
    await settle(hass, entry)
    await settle(hass, entry)


async def play(hass: HomeAssistant, url: str, *, announce: bool = False) -> None:
    """media_player.play_media on the main zone."""
    data: dict[str, Any] = {
        ATTR_ENTITY_ID: MAIN,
        ATTR_MEDIA_CONTENT_TYPE: "music",
        ATTR_MEDIA_CONTENT_ID: url,
    }
    if announce:
        data[ATTR_MEDIA_ANNOUNCE] = True
    await hass.services.async_call(MP_DOMAIN, SERVICE_PLAY_MEDIA, data, blocking=True)


def features(hass: HomeAssistant, entity_id: str) -> MediaPlayerEntityFeature:
    """The entity's supported features."""
    state = hass.states.get(entity_id)
    assert state is not None
    return MediaPlayerEntityFeature(state.attributes[ATTR_SUPPORTED_FEATURES])


# --- finding the renderer -----------------------------------------------------------


async def test_found_by_unicast_search(
    hass: HomeAssistant, loaded: MockConfigEntry, receiver: VirtualReceiver
) -> None:
    """No setup step: found in the background; the main zone's player gains URLs."""
    assert receiver.upnp is not None
    speaker = speaker_of(loaded)
    assert speaker.found_by == "search"
    assert receiver.upnp.searches == 1
    assert speaker.renderer is not None
    assert speaker.renderer.location == receiver.upnp.location
    main = features(hass, MAIN)
    assert main & ANNOUNCE
    assert main & MediaPlayerEntityFeature.PLAY_MEDIA
    assert main & MediaPlayerEntityFeature.BROWSE_MEDIA
    assert not features(hass, ZONE2) & ANNOUNCE


def _discovery(location: str) -> SsdpServiceInfo:
    return SsdpServiceInfo(
        ssdp_usn=f"uuid:x::{MEDIA_RENDERER}",
        ssdp_st=MEDIA_RENDERER,
        ssdp_location=location,
        upnp={},
    )


@pytest.fixture
def discovered(hass: HomeAssistant) -> Generator[list[SsdpServiceInfo]]:
    """What Home Assistant's SSDP discovery has seen (its cache, filled by the test)."""
    infos: list[SsdpServiceInfo] = []

    async def by_st(hass: HomeAssistant, st: str) -> list[SsdpServiceInfo]:
        return [info for info in infos if info.ssdp_st == st]

    hass.config.components.add("ssdp")
    with patch("homeassistant.components.ssdp.async_get_discovery_info_by_st", by_st):
        yield infos


async def test_found_by_ssdp_discovery(
    hass: HomeAssistant,
    receiver: VirtualReceiver,
    config_entry: MockConfigEntry,
    discovered: list[SsdpServiceInfo],
) -> None:
    """The discovery's location on the device's host is taken: nothing is searched."""
    assert receiver.upnp is not None
    discovered.append(_discovery("http://127.0.0.2:8888/description.xml"))  # another device
    discovered.append(_discovery(receiver.upnp.location))
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    speaker = await searched(hass, config_entry)
    assert speaker.found_by == "ssdp"
    assert speaker.renderer is not None
    assert speaker.renderer.location == receiver.upnp.location
    assert receiver.upnp.searches == 0
    assert features(hass, MAIN) & ANNOUNCE
    await hass.config_entries.async_unload(config_entry.entry_id)


async def test_discovery_of_another_host_is_ignored(
    hass: HomeAssistant,
    receiver: VirtualReceiver,
    config_entry: MockConfigEntry,
    discovered: list[SsdpServiceInfo],
) -> None:
    """Only other hosts' renderers discovered: the device's host itself is asked."""
    assert receiver.upnp is not None
    discovered.append(_discovery("http://127.0.0.2:8888/description.xml"))
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    speaker = await searched(hass, config_entry)
    assert speaker.found_by == "search"
    assert speaker.renderer is not None
    assert speaker.renderer.location == receiver.upnp.location
    await hass.config_entries.async_unload(config_entry.entry_id)


async def test_answer_pointing_at_another_host_is_ignored(
    hass: HomeAssistant, receiver: VirtualReceiver, config_entry: MockConfigEntry
) -> None:
    """The host answers the search with a description elsewhere: no renderer, no URLs."""
    assert receiver.upnp is not None
    receiver.upnp.faults.location = "http://127.0.0.2:8888/description.xml"
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    speaker = await searched(hass, config_entry)
    assert speaker.renderer is None
    assert not features(hass, MAIN) & ANNOUNCE
    await hass.config_entries.async_unload(config_entry.entry_id)


@pytest.mark.parametrize("receiver_options", [{}], indirect=True)
async def test_device_without_renderer_has_no_url_features(
    hass: HomeAssistant, init_integration: MockConfigEntry, receiver: VirtualReceiver
) -> None:
    speaker = await searched(hass, init_integration)
    assert speaker.renderer is None
    main = features(hass, MAIN)
    assert not main & ANNOUNCE
    # The player still plays the device's presets and services, but no URL.
    assert main & MediaPlayerEntityFeature.PLAY_MEDIA
    with pytest.raises(HomeAssistantError) as err:
        await play(hass, "http://127.0.0.1:9/chime.wav", announce=True)
    assert err.value.translation_key == "no_renderer"
    diagnostics = await async_get_config_entry_diagnostics(hass, init_integration)
    assert diagnostics["renderer"] is None


async def test_diagnostics_name_the_renderer(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    loaded: MockConfigEntry,
    receiver: VirtualReceiver,
) -> None:
    assert await async_setup_component(hass, "diagnostics", {})
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, loaded)
    renderer = diagnostics["renderer"]
    assert renderer["found_by"] == "search"
    assert renderer["model"] == receiver.model
    assert renderer["location"] == "**REDACTED**"
    assert renderer["udn"] == "**REDACTED**"


# --- playing ------------------------------------------------------------------------


async def test_url_playback(
    hass: HomeAssistant, loaded: MockConfigEntry, receiver: VirtualReceiver, media: MediaServer
) -> None:
    """A URL plays on the device: fetched, the zone on NET, the title shown."""
    assert receiver.upnp is not None
    url = media.url("/ten.wav")
    await play(hass, url)
    assert receiver.upnp.transport.fetched == [url]
    assert main_zone(receiver)[:2] == (True, NET)
    assert receiver.state.net.play == "P"
    await until(lambda: (s := hass.states.get(MAIN)) is not None and s.state == "playing")
    state = hass.states.get(MAIN)
    assert state is not None
    assert state.attributes["media_title"] == "ten.wav"


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/a.wav", "/local/a.wav", "file:///etc/passwd"])
async def test_invalid_url_is_refused_before_anything_is_sent(
    hass: HomeAssistant,
    loaded: MockConfigEntry,
    receiver: VirtualReceiver,
    media: MediaServer,
    url: str,
) -> None:
    receiver.clear_received()
    for announce in (False, True):
        with pytest.raises(ServiceValidationError) as err:
            await play(hass, url, announce=announce)
        assert err.value.translation_key == "invalid_media_url"
    assert receiver.received == []
    assert receiver.upnp is not None
    assert receiver.upnp.transport.log == []


async def test_browse_offers_media_sources_beside_the_device(
    hass: HomeAssistant,
    loaded: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
    tmp_path: Path,
) -> None:
    (tmp_path / "chime.wav").write_bytes(wav(1.0))
    (tmp_path / "notes.txt").write_text("not a sound")
    hass.config.media_dirs = {"local": str(tmp_path)}
    assert await async_setup_component(hass, "media_source", {})
    client = await hass_ws_client(hass)
    await client.send_json_auto_id({"type": "media_player/browse_media", "entity_id": MAIN})
    reply = await client.receive_json()
    assert reply["success"], reply
    children = reply["result"]["children"]
    ids = [child["media_content_id"] for child in children]
    assert "media-source://" in [i[: len("media-source://")] for i in ids]
    assert len(ids) > 1  # and the device's own tree
    source = next(i for i in ids if i.startswith("media-source://"))
    await client.send_json_auto_id(
        {
            "type": "media_player/browse_media",
            "entity_id": MAIN,
            "media_content_id": source,
            "media_content_type": "app",
        }
    )
    reply = await client.receive_json()
    assert reply["success"], reply
    # What a receiver can play: the sound, not the text file.
    assert [c["title"] for c in reply["result"]["children"]] == ["chime.wav"]


async def test_description_on_the_host_that_is_no_renderer(
    hass: HomeAssistant,
    receiver: VirtualReceiver,
    config_entry: MockConfigEntry,
    media: MediaServer,
) -> None:
    """The host answers with a description of something else: no renderer, no URLs."""
    assert receiver.upnp is not None
    receiver.upnp.faults.location = media.url("/server.xml")  # a media server, same host
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    speaker = await searched(hass, config_entry)
    assert speaker.renderer is None
    assert not features(hass, MAIN) & ANNOUNCE
    await hass.config_entries.async_unload(config_entry.entry_id)


# --- announcements ------------------------------------------------------------------


@pytest.mark.parametrize("entry_options", [{CONF_ANNOUNCE_VOLUME: 50}], indirect=True)
async def test_announcement_over_another_input_restores_it_exactly(
    hass: HomeAssistant, loaded: MockConfigEntry, receiver: VirtualReceiver, media: MediaServer
) -> None:
    """Power, input, volume and muting come back; the announcement was heard at its volume."""
    await front_panel(hass, loaded, receiver, "PWR01", f"SLI{BD}", "MVL1E", "AMT01")
    receiver.clear_received()
    url = media.url("/chime.wav")
    await play(hass, url, announce=True)
    assert receiver.upnp is not None
    assert receiver.upnp.transport.log == [f"play {url}", f"end {url}"]
    assert "AMT00" in receiver.received  # heard
    volume = loaded.runtime_data.zone_capabilities(Zone.MAIN).volume.to_raw(0.5)
    assert f"MVL{volume:02X}" in receiver.received  # at 50 %
    assert main_zone(receiver) == (True, BD, 0x1E, True)
    # What the zone did was known: nothing was asked before it played.
    assert not [m for m in receiver.received if m in ZONE_QUERIES]


async def test_announcement_resumes_network_playback(
    hass: HomeAssistant, loaded: MockConfigEntry, receiver: VirtualReceiver, media: MediaServer
) -> None:
    receiver.play_playlist()
    await front_panel(hass, loaded, receiver, "MVL20")
    await until(lambda: receiver.state.net.elapsed >= 1)
    await settle(hass, loaded)
    await play(hass, media.url("/chime.wav"), announce=True)
    assert main_zone(receiver) == (True, NET, 0x20, False)
    assert_playlist_plays(receiver)
    state = await_state(hass)
    await until(lambda: await_state(hass).attributes.get("media_title") in PLAYLIST)
    assert state.state == "playing"


def await_state(hass: HomeAssistant) -> Any:
    """The main zone's state."""
    state = hass.states.get(MAIN)
    assert state is not None
    return state


async def test_announcement_with_the_zone_off(
    hass: HomeAssistant, loaded: MockConfigEntry, receiver: VirtualReceiver, media: MediaServer
) -> None:
    await front_panel(hass, loaded, receiver, "PWR01", f"SLI{BD}", "MVL19", "PWR00")
    assert await_state(hass).state == "off"
    url = media.url("/chime.wav")
    await play(hass, url, announce=True)
    assert receiver.upnp is not None
    assert receiver.upnp.transport.log == [f"play {url}", f"end {url}"]
    assert main_zone(receiver) == (False, BD, 0x19, False)
    await until(lambda: await_state(hass).state == "off")


async def test_two_announcements_back_to_back_play_one_after_the_other(
    hass: HomeAssistant, loaded: MockConfigEntry, receiver: VirtualReceiver, media: MediaServer
) -> None:
    await front_panel(hass, loaded, receiver, "PWR01", f"SLI{BD}", "MVL1E")
    first, second = media.url("/chime.wav"), media.url("/speech.wav")
    await asyncio.gather(play(hass, first, announce=True), play(hass, second, announce=True))
    assert receiver.upnp is not None
    assert receiver.upnp.transport.log == [
        f"play {first}",
        f"end {first}",
        f"play {second}",
        f"end {second}",
    ]
    assert main_zone(receiver) == (True, BD, 0x1E, False)


# --- faults -------------------------------------------------------------------------


@pytest.mark.parametrize(("refuse_format", "path"), [(True, "/chime.wav"), (False, "/note.txt")])
async def test_refused_format_is_a_translated_error_and_restores(
    hass: HomeAssistant,
    loaded: MockConfigEntry,
    receiver: VirtualReceiver,
    media: MediaServer,
    refuse_format: bool,
    path: str,
) -> None:
    assert receiver.upnp is not None
    receiver.upnp.faults.refuse_format = refuse_format
    await front_panel(hass, loaded, receiver, "PWR01", f"SLI{BD}", "MVL1E")
    with pytest.raises(HomeAssistantError) as err:
        await play(hass, media.url(path), announce=True)
    assert err.value.translation_key == "renderer_refused"
    assert main_zone(receiver) == (True, BD, 0x1E, False)
    with pytest.raises(HomeAssistantError) as err:
        await play(hass, media.url(path))
    assert err.value.translation_key == "renderer_refused"


@pytest.mark.parametrize("entry_options", [{CONF_ANNOUNCE_TIME_LIMIT: 0.5}], indirect=True)
async def test_announcement_that_never_ends_is_cut_at_the_time_limit(
    hass: HomeAssistant, loaded: MockConfigEntry, receiver: VirtualReceiver, media: MediaServer
) -> None:
    assert receiver.upnp is not None
    receiver.upnp.faults.never_stop = True
    await front_panel(hass, loaded, receiver, "PWR01", f"SLI{BD}", "MVL1E")
    with pytest.raises(HomeAssistantError) as err:
        await play(hass, media.url("/chime.wav"), announce=True)
    assert err.value.translation_key == "announcement_timeout"
    assert receiver.upnp.transport.state == "STOPPED"
    assert main_zone(receiver) == (True, BD, 0x1E, False)


async def test_renderer_that_vanishes_is_restored_over_eiscp(
    hass: HomeAssistant, loaded: MockConfigEntry, receiver: VirtualReceiver, media: MediaServer
) -> None:
    upnp = receiver.upnp
    assert upnp is not None
    receiver.play_playlist()
    await front_panel(hass, loaded, receiver, "MVL20")
    task = asyncio.create_task(play(hass, media.url("/long.wav"), announce=True))
    await until(lambda: upnp.transport.state == "PLAYING")
    await upnp.vanish()
    with pytest.raises(HomeAssistantError) as err:
        await task
    assert err.value.translation_key == "renderer_unavailable"
    assert main_zone(receiver) == (True, NET, 0x20, False)
    assert_playlist_plays(receiver)


@pytest.mark.parametrize("profile", ["NS-6130"], indirect=True)
@pytest.mark.parametrize("entry_options", [{CONF_ANNOUNCE_VOLUME: 50}], indirect=True)
async def test_announcement_on_a_network_player(
    hass: HomeAssistant, loaded: MockConfigEntry, receiver: VirtualReceiver, media: MediaServer
) -> None:
    """No volume: none asked or set; its playlist plays again."""
    player = "media_player.onkyo_ns_6130"
    receiver.play_playlist()
    await until(lambda: receiver.state.net.elapsed >= 1)
    await settle(hass, loaded)
    assert features(hass, player) & ANNOUNCE
    receiver.clear_received()
    await hass.services.async_call(
        MP_DOMAIN,
        SERVICE_PLAY_MEDIA,
        {
            ATTR_ENTITY_ID: player,
            ATTR_MEDIA_CONTENT_TYPE: "music",
            ATTR_MEDIA_CONTENT_ID: media.url("/chime.wav"),
            ATTR_MEDIA_ANNOUNCE: True,
        },
        blocking=True,
    )
    assert receiver.upnp is not None
    assert receiver.upnp.transport.log[-1] == f"end {media.url('/chime.wav')}"
    assert_playlist_plays(receiver)
    assert not [m for m in receiver.received if m[:3] in ("MVL", "AMT")]


async def test_announce_volume_option_set_and_emptied(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The options form sets the announcement volume; emptied, the current volume is used."""
    entry = init_integration
    for given, stored in ((40, 40), (None, None)):
        result = await hass.config_entries.options.async_init(entry.entry_id)
        options = {**entry.options, CONF_ANNOUNCE_TIME_LIMIT: 30}
        options.pop(CONF_ANNOUNCE_VOLUME, None)
        if given is not None:
            options[CONF_ANNOUNCE_VOLUME] = given
        await hass.config_entries.options.async_configure(result["flow_id"], options)
        await hass.async_block_till_done()
        assert entry.options.get(CONF_ANNOUNCE_VOLUME) == stored
        assert entry.options[CONF_ANNOUNCE_TIME_LIMIT] == 30
    speaker = speaker_of(entry)
    assert speaker.announce_volume() is None
    assert speaker.time_limit == 30


# --- the media's type -------------------------------------------------------------------


def transport_state(vr: VirtualReceiver) -> str | None:
    """The renderer's transport state."""
    return None if vr.upnp is None else vr.upnp.transport.state


MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" * 64


@pytest.mark.parametrize("announce", [False, True])
async def test_media_source_type_is_told_to_the_renderer(
    hass: HomeAssistant,
    loaded: MockConfigEntry,
    receiver: VirtualReceiver,
    media: MediaServer,
    announce: bool,
) -> None:
    """A media source's MIME type goes into the metadata: a stream that does not say is taken.

    The stream's server calls it application/octet-stream (as radio and TTS servers
    may); Home Assistant's media source knows it is MP3.
    """
    assert receiver.upnp is not None
    media.files["/stream"] = (MP3, "application/octet-stream")
    url = media.url("/stream")
    await front_panel(hass, loaded, receiver, "PWR01", f"SLI{BD}", "MVL1E")
    resolved = PlayMedia(url, "audio/mpeg")
    with patch("homeassistant.components.media_source.async_resolve_media", return_value=resolved):
        task = asyncio.create_task(play(hass, "media-source://tts/x?m=Hi", announce=announce))
        await until(
            lambda: receiver.upnp is not None and receiver.upnp.transport.state == "PLAYING"
        )
    assert receiver.upnp.transport.fetched == [url]
    assert 'protocolInfo="http-get:*:audio/mpeg:' in receiver.upnp.transport.metadata
    if announce:
        receiver.upnp.stop_playback()  # a stream has no end of its own
    await task
    if announce:
        assert main_zone(receiver) == (True, BD, 0x1E, False)


@pytest.mark.parametrize(
    ("path", "body", "content_type", "plays"),
    [
        pytest.param("/tone.mp3", MP3, "audio/mpeg", True, id="mp3"),
        pytest.param("/clip.ogg", b"OggS\x00\x02" * 8, "audio/ogg", False, id="ogg"),
    ],
)
async def test_a_type_the_renderer_plays_and_one_it_does_not(
    hass: HomeAssistant,
    loaded: MockConfigEntry,
    receiver: VirtualReceiver,
    media: MediaServer,
    path: str,
    body: bytes,
    content_type: str,
    plays: bool,
) -> None:
    """Announced: an MP3 plays; Ogg, which the renderer does not list, is refused and undone."""
    assert receiver.upnp is not None
    media.files[path] = (body, content_type)
    await front_panel(hass, loaded, receiver, "PWR01", f"SLI{BD}", "MVL1E")
    url = media.url(path)
    if plays:
        task = asyncio.create_task(play(hass, url, announce=True))
        await until(
            lambda: receiver.upnp is not None and receiver.upnp.transport.state == "PLAYING"
        )
        assert receiver.state.net.title == "tone.mp3"
        receiver.upnp.stop_playback()
        await task
    else:
        with pytest.raises(HomeAssistantError) as err:
            await play(hass, url, announce=True)
        assert err.value.translation_key == "renderer_refused"
        assert "UPnP error 714" in str(err.value)  # Illegal MIME-type
        assert receiver.upnp.transport.fetched == []
    assert main_zone(receiver) == (True, BD, 0x1E, False)

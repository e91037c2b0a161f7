"""Playing URLs and announcements on the receiver, through Home Assistant's media player.

The integration finds the virtual receiver's UPnP renderer by itself after setup (SSDP
location or unicast M-SEARCH over loopback), plays through it, and restores the zone over
the same eISCP connection its entities use.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable, Generator, Iterator
import contextlib
from pathlib import Path
import socket
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
    CONF_LISTENING_MODE_NAMES,
    CONF_SOURCE_NAMES,
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
from homeassistant.components.ssdp.scanner import SsdpChange
from homeassistant.const import (
    ATTR_ENTITY_ID,
    ATTR_SUPPORTED_FEATURES,
    CONF_HOST,
    CONF_PORT,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.service_info.ssdp import SsdpServiceInfo
from homeassistant.setup import async_setup_component
from tests.virtual_receiver.test_upnp import MediaServer, wav
from virtual_receiver import DEMO_PLAYLIST, VirtualReceiver
from virtual_receiver.zones import Zone

from .conftest import settle
from .helpers import until

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


@contextlib.contextmanager
def silent_udp_port() -> Iterator[int]:
    """A loopback UDP port held open for the block, where nothing ever answers."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        yield port


@pytest.fixture(autouse=True)
def _ssdp_port(receiver: VirtualReceiver) -> Iterator[None]:
    """Unicast searches go to the virtual receiver's SSDP port; no answer within 0.3 s: none.

    A device without renderer is searched on a port held silent: never UDP 1900, where a
    developer's virtual receiver (scripts/develop, e2e) may answer.
    """
    with contextlib.ExitStack() as stack:
        if receiver.upnp is not None:
            port = receiver.upnp.ssdp_port
        else:
            port = stack.enter_context(silent_udp_port())
        stack.enter_context(patch.object(speaker_module, "SSDP_PORT", port))
        stack.enter_context(patch.object(speaker_module, "SEARCH_TIMEOUT", 0.3))
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


async def set_up(hass: HomeAssistant, entry: MockConfigEntry) -> Speaker:
    """Set the entry up; the speaker once its first search is over."""
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    return await searched(hass, entry)


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


def _discovery(location: str, *, advertised: bool = False) -> SsdpServiceInfo:
    """What SSDP saw: an answer to a search (ST), or an advertisement (NT only)."""
    header = "nt" if advertised else "st"
    return SsdpServiceInfo(
        ssdp_usn=f"uuid:x::{MEDIA_RENDERER}",
        ssdp_st=MEDIA_RENDERER,  # Home Assistant fills it from NT for an advertisement
        ssdp_nt=MEDIA_RENDERER if advertised else None,
        ssdp_location=location,
        ssdp_headers={header: MEDIA_RENDERER, "location": location},
        upnp={},
    )


class FakeSsdp:
    """Home Assistant's SSDP discovery as the test tells it: its cache and its callbacks."""

    def __init__(self) -> None:
        """Nothing seen, nobody called back yet."""
        self.infos: list[SsdpServiceInfo] = []
        self.callbacks: list[tuple[Callable[..., Any], dict[str, str]]] = []

    def append(self, info: SsdpServiceInfo) -> None:
        """Seen before the entry was set up (in the cache)."""
        self.infos.append(info)

    async def by_st(self, hass: HomeAssistant, st: str) -> list[SsdpServiceInfo]:
        """ssdp.async_get_discovery_info_by_st."""
        return [info for info in self.infos if info.ssdp_st == st]

    async def register(
        self, hass: HomeAssistant, callback: Callable[..., Any], match: dict[str, str]
    ) -> Callable[[], None]:
        """ssdp.async_register_callback."""
        entry = (callback, match)
        self.callbacks.append(entry)
        return lambda: self.callbacks.remove(entry)

    async def see(self, info: SsdpServiceInfo, change: SsdpChange = SsdpChange.ALIVE) -> None:
        """A device advertises itself: call back whoever matches it, as the scanner does."""
        headers = info.ssdp_headers
        for callback, match in list(self.callbacks):
            if all(headers.get(key) == value for key, value in match.items()):
                await callback(info, change)


@pytest.fixture
def discovered(hass: HomeAssistant) -> Generator[FakeSsdp]:
    """What Home Assistant's SSDP discovery has seen (filled by the test)."""
    fake = FakeSsdp()
    hass.config.components.add("ssdp")
    with (
        patch("homeassistant.components.ssdp.async_get_discovery_info_by_st", fake.by_st),
        patch("homeassistant.components.ssdp.async_register_callback", fake.register),
    ):
        yield fake


async def test_found_by_ssdp_discovery(
    hass: HomeAssistant,
    receiver: VirtualReceiver,
    config_entry: MockConfigEntry,
    discovered: FakeSsdp,
) -> None:
    """The discovery's location on the device's host is taken: nothing is searched."""
    assert receiver.upnp is not None
    discovered.append(_discovery("http://127.0.0.2:8888/description.xml"))  # another device
    discovered.append(_discovery(receiver.upnp.location))
    speaker = await set_up(hass, config_entry)
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
    discovered: FakeSsdp,
) -> None:
    """Only other hosts' renderers discovered: the device's host itself is asked."""
    assert receiver.upnp is not None
    discovered.append(_discovery("http://127.0.0.2:8888/description.xml"))
    speaker = await set_up(hass, config_entry)
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
    speaker = await set_up(hass, config_entry)
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
    speaker = await set_up(hass, config_entry)
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
        result = await hass.config_entries.options.async_configure(result["flow_id"], options)
        await hass.config_entries.options.async_configure(  # names: the device's
            result["flow_id"], {CONF_SOURCE_NAMES: {}, CONF_LISTENING_MODE_NAMES: {}}
        )
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


# --- searching again, and what Repairs say ------------------------------------------------


async def idle(speaker: Speaker) -> None:
    """Wait until the speaker's check of a failed renderer, and its search, are over."""
    if speaker._check is not None:
        await speaker._check
    if speaker._task is not None:  # read after the check: it may have started one
        await speaker._task


class Retries:
    """The speaker's schedule of searches, at test speed: each delay asked for is recorded."""

    FIRST = 0.05
    MAX = 0.4

    def __init__(self) -> None:
        """Nothing scheduled yet."""
        self.delays: list[float] = []

    def call_later(self, hass: HomeAssistant, delay: float, action: Any) -> Callable[[], None]:
        """async_call_later, recorded."""
        self.delays.append(delay)
        cancel: Callable[[], None] = async_call_later(hass, delay, action)
        return cancel


@pytest.fixture
def retries() -> Generator[Retries]:
    """Searches again after 0.05 s, doubling up to 0.4 s (an hour and a minute in use)."""
    recorder = Retries()
    with (
        patch.object(speaker_module, "RETRY_FIRST", Retries.FIRST),
        patch.object(speaker_module, "RETRY_MAX", Retries.MAX),
        patch.object(speaker_module, "async_call_later", recorder.call_later),
    ):
        yield recorder


async def found(speaker: Speaker) -> None:
    """Wait until the speaker has found the renderer again."""
    await until(lambda: speaker.renderer is not None, timeout=10)


def issue(hass: HomeAssistant, key: str, entry: MockConfigEntry) -> ir.IssueEntry | None:
    """The entry's repair ``key``, if raised."""
    return ir.async_get(hass).async_get_issue(DOMAIN, f"{key}_{entry.entry_id}")


def renderer_issues(hass: HomeAssistant) -> list[str]:
    """The IDs of the renderer repairs raised."""
    return [
        issue_id
        for (domain, issue_id) in ir.async_get(hass).issues
        if domain == DOMAIN and "renderer" in issue_id
    ]


@pytest.fixture
async def without_renderer(
    hass: HomeAssistant, receiver: VirtualReceiver, config_entry: MockConfigEntry
) -> AsyncGenerator[Speaker]:
    """The entry set up while the device's renderer is down (it answers M-SEARCH later)."""
    assert receiver.upnp is not None
    await receiver.upnp.stop()
    speaker = await set_up(hass, config_entry)
    assert speaker.renderer is None
    assert not features(hass, MAIN) & ANNOUNCE
    yield speaker
    await hass.config_entries.async_unload(config_entry.entry_id)


async def test_renderer_that_appears_later_is_found_by_a_later_search(
    hass: HomeAssistant,
    retries: Retries,
    without_renderer: Speaker,
    receiver: VirtualReceiver,
    media: MediaServer,
) -> None:
    """Searched again by unicast M-SEARCH, later and later, until it answers."""
    speaker = without_renderer
    assert receiver.upnp is not None
    await until(lambda: len(retries.delays) >= 5, timeout=10)
    # Each search that finds none waits twice as long as the last, up to the maximum.
    assert retries.delays[:5] == [0.05, 0.1, 0.2, 0.4, 0.4]
    await receiver.upnp.start()
    await found(speaker)
    assert speaker.found_by == "search"
    assert speaker.retry_delay == Retries.FIRST  # the next loss starts over
    assert speaker._retry is None  # found: no more searches
    await settle(hass, speaker.coordinator.entry)
    assert features(hass, MAIN) & ANNOUNCE  # written to the state
    assert not features(hass, ZONE2) & ANNOUNCE
    url = media.url("/chime.wav")
    await play(hass, url)
    assert receiver.upnp.transport.fetched == [url]


@pytest.mark.parametrize("advertised", [False, True])
async def test_renderer_that_appears_later_is_found_by_an_ssdp_callback(
    hass: HomeAssistant,
    receiver: VirtualReceiver,
    config_entry: MockConfigEntry,
    discovered: FakeSsdp,
    advertised: bool,
) -> None:
    """Home Assistant's SSDP sees the device's renderer: searched there at once."""
    assert receiver.upnp is not None
    await receiver.upnp.stop()
    speaker = await set_up(hass, config_entry)
    assert speaker.renderer is None
    assert [match for _, match in discovered.callbacks] == [
        {"st": MEDIA_RENDERER},
        {"nt": MEDIA_RENDERER},
    ]
    # Another device's renderer, or a renderer saying goodbye: nothing is searched.
    await discovered.see(_discovery("http://127.0.0.2:8888/description.xml"))
    await receiver.upnp.start()
    await discovered.see(_discovery(receiver.upnp.location), SsdpChange.BYEBYE)
    await idle(speaker)
    assert speaker.searches == 1
    await discovered.see(_discovery(receiver.upnp.location, advertised=advertised))
    await idle(speaker)
    assert speaker.searches == 2
    assert speaker.found_by == "ssdp"
    assert speaker.renderer is not None
    assert speaker.renderer.location == receiver.upnp.location
    assert receiver.upnp.searches == 0  # the location was taken: nothing searched
    await settle(hass, config_entry)
    assert features(hass, MAIN) & ANNOUNCE
    await hass.config_entries.async_unload(config_entry.entry_id)
    assert discovered.callbacks == []


async def test_renderer_saying_goodbye_is_checked(
    hass: HomeAssistant,
    receiver: VirtualReceiver,
    config_entry: MockConfigEntry,
    discovered: FakeSsdp,
) -> None:
    """SSDP byebye of the renderer in use: kept while it answers, lost once it does not."""
    upnp = receiver.upnp
    assert upnp is not None
    speaker = await set_up(hass, config_entry)
    renderer = speaker.renderer
    assert renderer is not None
    goodbye = _discovery(upnp.location)
    await discovered.see(goodbye, SsdpChange.BYEBYE)  # standby, renderer still there
    await idle(speaker)
    assert speaker.renderer is renderer
    await upnp.stop()
    await discovered.see(goodbye, SsdpChange.BYEBYE)
    await idle(speaker)
    assert speaker.renderer is None
    assert issue(hass, "renderer_lost", config_entry) is not None
    await settle(hass, config_entry)
    assert not features(hass, MAIN) & ANNOUNCE
    await hass.config_entries.async_unload(config_entry.entry_id)


async def test_renderer_found_when_the_connection_comes_back(
    hass: HomeAssistant, without_renderer: Speaker, receiver: VirtualReceiver
) -> None:
    """The device reboots (eISCP drops and comes back): its renderer is searched at once."""
    speaker = without_renderer
    await receiver.restart()  # the renderer starts with it
    await until(lambda: speaker.searches == 2)
    await idle(speaker)
    assert speaker.renderer is not None
    await settle(hass, speaker.coordinator.entry)
    assert features(hass, MAIN) & ANNOUNCE


async def test_lost_renderer_is_a_repair_until_it_is_found_again(
    hass: HomeAssistant,
    retries: Retries,
    loaded: MockConfigEntry,
    receiver: VirtualReceiver,
    media: MediaServer,
) -> None:
    """An action finds it gone, its description too: Repairs name it; found again, cleared."""
    upnp = receiver.upnp
    assert upnp is not None
    speaker = speaker_of(loaded)
    location = upnp.location
    await upnp.stop()
    with pytest.raises(HomeAssistantError) as err:
        await play(hass, media.url("/chime.wav"))
    assert err.value.translation_key == "renderer_unavailable"
    await idle(speaker)
    assert speaker.renderer is None
    await settle(hass, loaded)
    assert not features(hass, MAIN) & ANNOUNCE
    lost = issue(hass, "renderer_lost", loaded)
    assert lost is not None
    assert lost.translation_key == "renderer_lost"
    assert not lost.is_fixable
    assert lost.severity is ir.IssueSeverity.WARNING
    placeholders = lost.translation_placeholders or {}
    assert placeholders["name"] == f"{receiver.info.brand} {receiver.model}"
    assert placeholders["model"] == receiver.model
    assert placeholders["location"] == location
    assert placeholders["title"] == loaded.title
    # Asked again while lost: the lost renderer explains it, nothing more is raised.
    with pytest.raises(HomeAssistantError) as err:
        await play(hass, media.url("/chime.wav"))
    assert err.value.translation_key == "no_renderer"
    assert renderer_issues(hass) == [f"renderer_lost_{loaded.entry_id}"]
    await upnp.start()
    await found(speaker)
    assert issue(hass, "renderer_lost", loaded) is None
    await settle(hass, loaded)
    assert features(hass, MAIN) & ANNOUNCE


async def test_renderer_that_answers_again_at_once_is_kept(
    hass: HomeAssistant, loaded: MockConfigEntry, receiver: VirtualReceiver, media: MediaServer
) -> None:
    """A failure while its description still answers: kept, no repair."""
    upnp = receiver.upnp
    assert upnp is not None
    speaker = speaker_of(loaded)
    renderer = speaker.renderer
    assert renderer is not None
    renderer.guard.media_url = None
    media.files.pop("/chime.wav")
    # The renderer answers, but the media is gone: refused (716), not unavailable.
    with pytest.raises(HomeAssistantError) as err:
        await play(hass, media.url("/chime.wav"))
    assert err.value.translation_key == "renderer_refused"
    await idle(speaker)
    assert speaker.renderer is renderer
    assert renderer_issues(hass) == []


async def test_renderer_found_before_a_reload_and_not_after(
    hass: HomeAssistant, loaded: MockConfigEntry, receiver: VirtualReceiver
) -> None:
    """Found before the entry was reloaded, missing after it: Repairs name the one lost."""
    assert receiver.upnp is not None
    await receiver.upnp.stop()
    assert await hass.config_entries.async_reload(loaded.entry_id)
    speaker = await searched(hass, loaded)
    assert speaker.renderer is None
    lost = issue(hass, "renderer_lost", loaded)
    assert lost is not None
    assert (lost.translation_placeholders or {})["model"] == receiver.model
    await hass.config_entries.async_unload(loaded.entry_id)
    assert renderer_issues(hass) == []  # the repairs go with the entry


async def test_description_on_another_host_is_a_repair_until_the_host_answers(
    hass: HomeAssistant,
    retries: Retries,
    receiver: VirtualReceiver,
    config_entry: MockConfigEntry,
) -> None:
    assert receiver.upnp is not None
    foreign = "http://127.0.0.2:8888/description.xml"
    receiver.upnp.faults.location = foreign
    speaker = await set_up(hass, config_entry)
    assert speaker.renderer is None
    ignored = issue(hass, "renderer_foreign", config_entry)
    assert ignored is not None
    assert ignored.translation_placeholders == {
        "title": config_entry.title,
        "host": receiver.host,
        "location": foreign,
    }
    receiver.upnp.faults.location = None
    await found(speaker)
    assert renderer_issues(hass) == []
    await hass.config_entries.async_unload(config_entry.entry_id)


@pytest.mark.parametrize("receiver_options", [{}], indirect=True)
async def test_no_renderer_is_a_repair_once_urls_are_asked(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A device without renderer raises nothing by itself; asked for a URL, Repairs explain."""
    speaker = await searched(hass, init_integration)
    assert speaker.renderer is None
    assert renderer_issues(hass) == []
    with pytest.raises(HomeAssistantError):
        await play(hass, "http://127.0.0.1:9/chime.wav", announce=True)
    none = issue(hass, "no_renderer", init_integration)
    assert none is not None
    assert none.translation_placeholders == {
        "title": init_integration.title,
        "host": init_integration.data[CONF_HOST],
    }


async def test_renderer_found_before_a_restart_and_not_after(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    receiver: VirtualReceiver,
    config_entry: MockConfigEntry,
) -> None:
    """A renderer found in an earlier run and gone since is named as lost, not as none."""
    known = {
        "location": "http://127.0.0.1:8888/description.xml",
        "name": "Living room",
        "manufacturer": "ONKYO",
        "model": receiver.model,
        "udn": "uuid:0009b0c0-ffee",
    }
    hass_storage[f"{DOMAIN}.renderer.{config_entry.entry_id}"] = {
        "version": 1,
        "key": f"{DOMAIN}.renderer.{config_entry.entry_id}",
        "data": known,
    }
    assert receiver.upnp is not None
    await receiver.upnp.stop()
    speaker = await set_up(hass, config_entry)
    assert speaker.renderer is None
    lost = issue(hass, "renderer_lost", config_entry)
    assert lost is not None
    placeholders = lost.translation_placeholders or {}
    assert (placeholders["name"], placeholders["location"]) == (known["name"], known["location"])
    await hass.config_entries.async_unload(config_entry.entry_id)


async def test_found_renderer_is_saved_and_forgotten_with_the_entry(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    config_entry: MockConfigEntry,
    receiver: VirtualReceiver,
) -> None:
    """The renderer found is saved for the next run; removing the entry removes it."""
    speaker = await set_up(hass, config_entry)
    assert speaker.renderer is not None
    key = f"{DOMAIN}.renderer.{config_entry.entry_id}"
    await until(lambda: key in hass_storage)
    saved = hass_storage[key]["data"]
    assert saved["model"] == receiver.model
    assert saved["location"].startswith(f"http://{receiver.host}:")
    assert await hass.config_entries.async_remove(config_entry.entry_id)
    await hass.async_block_till_done()
    assert key not in hass_storage


async def test_malformed_saved_renderer_is_ignored_with_a_warning(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    receiver: VirtualReceiver,
    config_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A saved renderer that does not read is not a loss: nothing raised, a warning."""
    hass_storage[f"{DOMAIN}.renderer.{config_entry.entry_id}"] = {
        "version": 1,
        "key": f"{DOMAIN}.renderer.{config_entry.entry_id}",
        "data": {"location": "http://127.0.0.1:8888/description.xml"},
    }
    assert receiver.upnp is not None
    await receiver.upnp.stop()
    speaker = await set_up(hass, config_entry)
    assert speaker.renderer is None
    assert renderer_issues(hass) == []
    assert "malformed saved renderer" in caplog.text
    await hass.config_entries.async_unload(config_entry.entry_id)

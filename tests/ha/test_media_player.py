"""Media players: entities per device, state from pushes, services down to the wire."""

from __future__ import annotations

import asyncio
from collections.abc import Generator
from http import HTTPStatus
from typing import Any
from unittest.mock import patch

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import (
    ClientSessionGenerator,
    WebSocketGenerator,
)
from syrupy.assertion import SnapshotAssertion

from homeassistant.components.media_player import (
    ATTR_INPUT_SOURCE,
    ATTR_MEDIA_ALBUM_NAME,
    ATTR_MEDIA_ARTIST,
    ATTR_MEDIA_CONTENT_ID,
    ATTR_MEDIA_CONTENT_TYPE,
    ATTR_MEDIA_DURATION,
    ATTR_MEDIA_POSITION,
    ATTR_MEDIA_REPEAT,
    ATTR_MEDIA_SEEK_POSITION,
    ATTR_MEDIA_SHUFFLE,
    ATTR_MEDIA_TITLE,
    ATTR_MEDIA_TRACK,
    ATTR_MEDIA_VOLUME_LEVEL,
    ATTR_MEDIA_VOLUME_MUTED,
    ATTR_SOUND_MODE,
    DOMAIN as MP_DOMAIN,
    SERVICE_PLAY_MEDIA,
    SERVICE_SELECT_SOUND_MODE,
    SERVICE_SELECT_SOURCE,
    MediaPlayerEntityFeature,
    RepeatMode,
)
from homeassistant.const import (
    ATTR_ENTITY_ID,
    ATTR_SUPPORTED_FEATURES,
    SERVICE_MEDIA_NEXT_TRACK,
    SERVICE_MEDIA_PAUSE,
    SERVICE_MEDIA_PLAY,
    SERVICE_MEDIA_PREVIOUS_TRACK,
    SERVICE_MEDIA_SEEK,
    SERVICE_MEDIA_STOP,
    SERVICE_REPEAT_SET,
    SERVICE_SHUFFLE_SET,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    SERVICE_VOLUME_DOWN,
    SERVICE_VOLUME_MUTE,
    SERVICE_VOLUME_SET,
    SERVICE_VOLUME_UP,
    STATE_IDLE,
    STATE_OFF,
    STATE_ON,
    STATE_PAUSED,
    STATE_PLAYING,
    Platform,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr, entity_registry as er
from virtual_receiver import VirtualReceiver
from virtual_receiver.art import bmp, track_colour

from .helpers import StateWrites, state_until, until

MAIN = "media_player.onkyo_tx_nr686"
ZONE2 = "media_player.onkyo_tx_nr686_zone_2"
PLAYER = "media_player.onkyo_ns_6130"


@pytest.fixture(autouse=True)
def _only_media_player() -> Generator[None]:
    with patch("custom_components.onkyo_eiscp.PLATFORMS", [Platform.MEDIA_PLAYER]):
        yield


def _playing(receiver: VirtualReceiver, elapsed: int = 34) -> None:
    """The main zone on NET, playing a track, as the device reports it."""
    receiver.press("PWR01")
    receiver.press("SLI2B")
    receiver.set_now_playing(
        "Roses Are Red", "Aqua", "Aquarium", elapsed=elapsed, duration=223, track=9, track_count=11
    )


async def _browse(client: Any, entity_id: str, content_id: str | None = None) -> dict[str, Any]:
    """The websocket reply to browsing ``content_id`` (the root when None)."""
    message: dict[str, Any] = {"type": "media_player/browse_media", "entity_id": entity_id}
    if content_id is not None:
        message |= {"media_content_type": "", "media_content_id": content_id}
    await client.send_json_auto_id(message)
    response: dict[str, Any] = await client.receive_json()
    return response


async def _call(hass: HomeAssistant, service: str, entity_id: str, **data: Any) -> None:
    await hass.services.async_call(
        MP_DOMAIN, service, {ATTR_ENTITY_ID: entity_id, **data}, blocking=True
    )


@pytest.mark.parametrize("profile", ["NS-6130", "TX-NR474", "TX-NR686", "TX-RZ630"], indirect=True)
async def test_entities_snapshot(
    hass: HomeAssistant,
    settled: MockConfigEntry,
    receiver: VirtualReceiver,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """One media player per enabled zone, with the device's inputs and modes."""
    players = hass.states.async_entity_ids(MP_DOMAIN)
    await until(lambda: all(hass.states.is_state(p, STATE_OFF) for p in players))
    await snapshot_platform(hass, entity_registry, snapshot, settled.entry_id)
    devices = dr.async_entries_for_config_entry(device_registry, settled.entry_id)
    assert devices == snapshot(name="devices")


@pytest.mark.usefixtures("init_integration")
async def test_zone_state_follows_pushes(hass: HomeAssistant, receiver: VirtualReceiver) -> None:
    """Power, volume, mute, input and listening mode pushed by the device reach the entity."""
    for command in ("PWR01", "MVL29", "AMT01", "SLI10", "LMD0C"):  # MVL29: 41 of 82
        receiver.press(command)
    state = await state_until(
        hass, MAIN, lambda s: s.attributes.get(ATTR_SOUND_MODE) == "All Ch Stereo"
    )
    assert state.state == STATE_ON
    assert state.attributes[ATTR_MEDIA_VOLUME_LEVEL] == pytest.approx(0.5)
    assert state.attributes[ATTR_MEDIA_VOLUME_MUTED] is True
    assert state.attributes[ATTR_INPUT_SOURCE] == "BD/DVD"
    assert state.attributes[ATTR_SOUND_MODE] == "All Ch Stereo"
    receiver.press("PWR00")
    await state_until(hass, MAIN, lambda s: s.state == STATE_OFF)


@pytest.mark.usefixtures("init_integration")
async def test_zone2_is_independent(hass: HomeAssistant, receiver: VirtualReceiver) -> None:
    """Zone 2 follows its own commands (ZPW/ZVL/SLZ) and sends zone-2 codes."""
    receiver.press("ZPW01")
    receiver.press("SLZ2B")
    state = await state_until(
        hass, ZONE2, lambda s: s.state != STATE_OFF and s.attributes.get(ATTR_INPUT_SOURCE)
    )
    assert state.attributes[ATTR_INPUT_SOURCE] == "NET"
    await _call(hass, SERVICE_VOLUME_SET, ZONE2, **{ATTR_MEDIA_VOLUME_LEVEL: 0.5})
    await receiver.wait_for("ZVL29")  # 0.5 * 82 = 41


@pytest.mark.parametrize("receiver_options", [{"art_stream": True}])
async def test_streamed_album_art(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    receiver: VirtualReceiver,
    hass_client: ClientSessionGenerator,
) -> None:
    """Art a device streams as hex BMP packets is shown, changes per track, and clears."""
    _playing(receiver)
    state = await state_until(hass, MAIN, lambda s: "entity_picture" in s.attributes)
    first = bmp(track_colour("Aquarium", "Roses Are Red"))
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, init_integration)
    assert diagnostics["state"]["net"]["art"] == {"content_type": "image/bmp", "bytes": len(first)}

    client = await hass_client()
    response = await client.get(state.attributes["entity_picture"])
    assert response.status == HTTPStatus.OK
    assert response.content_type == "image/bmp"
    assert await response.read() == first

    picture = state.attributes["entity_picture"]
    receiver.set_now_playing("Barbie Girl", "Aqua", "Aquarium")
    state = await state_until(hass, MAIN, lambda s: s.attributes.get("entity_picture") != picture)
    response = await client.get(state.attributes["entity_picture"])
    assert await response.read() == bmp(track_colour("Aquarium", "Barbie Girl"))

    receiver.push("NJAn-")
    await state_until(hass, MAIN, lambda s: "entity_picture" not in s.attributes)


@pytest.mark.usefixtures("init_integration")
async def test_network_playback(hass: HomeAssistant, receiver: VirtualReceiver) -> None:
    """On NET, the player's status, metadata, position and art reach the entity."""
    receiver.state.net.shuffle = "S"
    _playing(receiver)
    state = await state_until(hass, MAIN, lambda s: s.attributes.get(ATTR_MEDIA_POSITION) == 34)
    assert state.state == STATE_PLAYING
    assert state.attributes[ATTR_MEDIA_TITLE] == "Roses Are Red"
    assert state.attributes[ATTR_MEDIA_ARTIST] == "Aqua"
    assert state.attributes[ATTR_MEDIA_ALBUM_NAME] == "Aquarium"
    assert state.attributes[ATTR_MEDIA_TRACK] == 9
    assert state.attributes[ATTR_MEDIA_DURATION] == 223
    assert state.attributes[ATTR_MEDIA_SHUFFLE] is True
    assert state.attributes[ATTR_MEDIA_REPEAT] == RepeatMode.OFF
    assert state.attributes["entity_picture"].startswith("/api/media_player_proxy/")
    features = state.attributes[ATTR_SUPPORTED_FEATURES]
    assert features & MediaPlayerEntityFeature.SEEK
    assert features & MediaPlayerEntityFeature.SHUFFLE_SET
    receiver.press("NTCPAUSE")
    await state_until(hass, MAIN, lambda s: s.state == STATE_PAUSED)
    receiver.press("NTCSTOP")
    await state_until(hass, MAIN, lambda s: s.state == STATE_IDLE)
    receiver.push("NSTPxx")
    state = await state_until(
        hass,
        MAIN,
        lambda s: not s.attributes[ATTR_SUPPORTED_FEATURES] & MediaPlayerEntityFeature.SHUFFLE_SET,
    )
    assert ATTR_MEDIA_SHUFFLE not in state.attributes
    receiver.press("SLI10")
    state = await state_until(hass, MAIN, lambda s: s.state == STATE_ON)
    assert ATTR_MEDIA_TITLE not in state.attributes


@pytest.mark.usefixtures("init_integration")
async def test_position_ticks_do_not_write_state(
    hass: HomeAssistant, receiver: VirtualReceiver
) -> None:
    """NTM ticking along with the clock writes no state; a jump (seek) does."""
    _playing(receiver, elapsed=10)
    await state_until(hass, MAIN, lambda s: s.attributes.get(ATTR_MEDIA_POSITION) == 10)
    await hass.async_block_till_done()
    writes = StateWrites(hass, MAIN)
    receiver.push("NTM00:00:10/00:03:43")
    receiver.push("NTM00:00:11/00:03:43")
    receiver.push("NTM00:01:30/00:03:43")  # processed after the ticks: pushes keep their order
    await state_until(hass, MAIN, lambda s: s.attributes.get(ATTR_MEDIA_POSITION) == 90)
    assert writes.count == 1
    writes.stop()


@pytest.mark.usefixtures("init_integration")
async def test_track_change_burst_is_coalesced(
    hass: HomeAssistant, receiver: VirtualReceiver
) -> None:
    """The seed's ~30-message track change ends in a handful of writes, not one per message."""
    receiver.press("PWR01")
    receiver.press("SLI2B")
    receiver.set_now_playing("Barbie Girl", "Aqua", "Aquarium", duration=197, track=3)
    await state_until(hass, MAIN, lambda s: s.attributes.get(ATTR_MEDIA_TITLE) == "Barbie Girl")
    await hass.async_block_till_done()
    writes = StateWrites(hass, MAIN)
    await receiver.replay_track_change(time_scale=0)
    await until(lambda: receiver.state.net.title == "Roses Are Red")  # the burst is out
    state = await state_until(
        hass, MAIN, lambda s: s.attributes.get(ATTR_MEDIA_TITLE) == "Roses Are Red"
    )
    assert state.attributes[ATTR_MEDIA_ARTIST] == "Aqua"
    assert state.attributes[ATTR_MEDIA_TRACK] == 9
    await hass.async_block_till_done()
    assert 1 <= writes.count <= 4
    writes.stop()


@pytest.mark.parametrize(
    ("service", "data", "sent"),
    [
        (SERVICE_TURN_ON, {}, "PWR01"),
        (SERVICE_TURN_OFF, {}, "PWR00"),
        (SERVICE_VOLUME_SET, {ATTR_MEDIA_VOLUME_LEVEL: 0.5}, "MVL29"),
        (SERVICE_VOLUME_UP, {}, "MVLUP"),
        (SERVICE_VOLUME_DOWN, {}, "MVLDOWN"),
        (SERVICE_VOLUME_MUTE, {ATTR_MEDIA_VOLUME_MUTED: True}, "AMT01"),
        (SERVICE_VOLUME_MUTE, {ATTR_MEDIA_VOLUME_MUTED: False}, "AMT00"),
        (SERVICE_SELECT_SOURCE, {ATTR_INPUT_SOURCE: "BD/DVD"}, "SLI10"),
        (SERVICE_SELECT_SOUND_MODE, {ATTR_SOUND_MODE: "Stereo"}, "LMD00"),
        (
            SERVICE_PLAY_MEDIA,
            {ATTR_MEDIA_CONTENT_TYPE: "radio", ATTR_MEDIA_CONTENT_ID: "3"},
            "PRS03",
        ),
        (SERVICE_MEDIA_PLAY, {}, "NTCPLAY"),
        (SERVICE_MEDIA_PAUSE, {}, "NTCPAUSE"),
        (SERVICE_MEDIA_STOP, {}, "NTCSTOP"),
        (SERVICE_MEDIA_NEXT_TRACK, {}, "NTCTRUP"),
        (SERVICE_MEDIA_PREVIOUS_TRACK, {}, "NTCTRDN"),
        (SERVICE_MEDIA_SEEK, {ATTR_MEDIA_SEEK_POSITION: 90}, "NTS00:01:30"),  # time_hhmmss
    ],
)
@pytest.mark.usefixtures("init_integration")
async def test_services_reach_the_device(
    hass: HomeAssistant, receiver: VirtualReceiver, service: str, data: dict[str, Any], sent: str
) -> None:
    """Each service sends exactly its eISCP command."""
    _playing(receiver)
    await state_until(
        hass,
        MAIN,
        lambda s: s.attributes.get(ATTR_SUPPORTED_FEATURES, 0) & MediaPlayerEntityFeature.SEEK,
    )
    receiver.clear_received()
    await _call(hass, service, MAIN, **data)
    await receiver.wait_for(sent)


@pytest.mark.usefixtures("init_integration")
async def test_shuffle_and_repeat_cycle_until_reached(
    hass: HomeAssistant, receiver: VirtualReceiver
) -> None:
    """RANDOM/REPEAT are sent until NST shows the requested mode."""
    _playing(receiver)
    await state_until(hass, MAIN, lambda s: s.attributes.get(ATTR_MEDIA_SHUFFLE) is False)
    receiver.clear_received()
    await _call(hass, SERVICE_REPEAT_SET, MAIN, **{ATTR_MEDIA_REPEAT: RepeatMode.ONE})
    assert receiver.received.count("NTCREPEAT") == 2  # - -> R -> 1
    await _call(hass, SERVICE_SHUFFLE_SET, MAIN, **{ATTR_MEDIA_SHUFFLE: True})
    assert receiver.received.count("NTCRANDOM") == 1
    await _call(hass, SERVICE_SHUFFLE_SET, MAIN, **{ATTR_MEDIA_SHUFFLE: True})
    assert receiver.received.count("NTCRANDOM") == 1  # already there: nothing sent


@pytest.mark.usefixtures("init_integration")
async def test_mode_never_reached_raises(hass: HomeAssistant, receiver: VirtualReceiver) -> None:
    """A device that ignores REPEAT ends in a translated error, not a hang."""
    _playing(receiver)
    await state_until(hass, MAIN, lambda s: s.state == STATE_PLAYING)
    receiver.stalled = True
    with (
        patch("custom_components.onkyo_eiscp.coordinator._NST_STEP_TIMEOUT", 0.1),
        pytest.raises(HomeAssistantError) as err,
    ):
        await _call(hass, SERVICE_REPEAT_SET, MAIN, **{ATTR_MEDIA_REPEAT: RepeatMode.ALL})
    assert err.value.translation_key == "mode_not_reached"
    receiver.stalled = False


@pytest.mark.usefixtures("init_integration")
async def test_reported_mode_outside_the_table_joins_the_list(
    hass: HomeAssistant, receiver: VirtualReceiver
) -> None:
    """A listening mode the model's table lacks is shown, listed and selectable."""
    mode = "Dolby EX + Audyssey DSX"  # LMDA7, not in the TX-NR686's table
    receiver.press("PWR01")
    receiver.press("LMDA7")
    state = await state_until(hass, MAIN, lambda s: s.attributes.get(ATTR_SOUND_MODE) is not None)
    assert state.attributes[ATTR_SOUND_MODE] == mode
    assert state.attributes["sound_mode_list"][-1] == mode
    receiver.press("LMD00")
    await state_until(hass, MAIN, lambda s: s.attributes.get(ATTR_SOUND_MODE) == "Stereo")
    receiver.clear_received()
    await _call(
        hass, SERVICE_SELECT_SOUND_MODE, MAIN, **{ATTR_SOUND_MODE: "Dolby EX + Audyssey DSX"}
    )
    await receiver.wait_for("LMDA7")


@pytest.mark.parametrize(
    ("service", "data", "key"),
    [
        (SERVICE_SELECT_SOURCE, {ATTR_INPUT_SOURCE: "Gramophone"}, "invalid_source"),
        (SERVICE_SELECT_SOUND_MODE, {ATTR_SOUND_MODE: "Cathedral"}, "invalid_sound_mode"),
        (  # the library's range: the error boundary translates its ValueError
            SERVICE_PLAY_MEDIA,
            {ATTR_MEDIA_CONTENT_TYPE: "radio", ATTR_MEDIA_CONTENT_ID: "41"},
            "invalid_value",
        ),
        (
            SERVICE_PLAY_MEDIA,
            {ATTR_MEDIA_CONTENT_TYPE: "music", ATTR_MEDIA_CONTENT_ID: "x"},
            "invalid_media",
        ),
        (SERVICE_MEDIA_SEEK, {ATTR_MEDIA_SEEK_POSITION: 999}, "invalid_position"),
        (
            SERVICE_PLAY_MEDIA,
            {ATTR_MEDIA_CONTENT_TYPE: "app", ATTR_MEDIA_CONTENT_ID: "Napster"},
            "invalid_service",
        ),
        (  # AirPlay is listed by the device, but playback starts on the phone
            SERVICE_PLAY_MEDIA,
            {ATTR_MEDIA_CONTENT_TYPE: "app", ATTR_MEDIA_CONTENT_ID: "44"},
            "invalid_service",
        ),
    ],
)
@pytest.mark.usefixtures("init_integration")
async def test_invalid_values_send_nothing(
    hass: HomeAssistant, receiver: VirtualReceiver, service: str, data: dict[str, Any], key: str
) -> None:
    """An invalid value raises a translated validation error and nothing reaches the device."""
    _playing(receiver)
    await state_until(
        hass,
        MAIN,
        lambda s: s.attributes.get(ATTR_SUPPORTED_FEATURES, 0) & MediaPlayerEntityFeature.SEEK,
    )
    await hass.async_block_till_done()
    receiver.clear_received()
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, service, MAIN, **data)
    assert err.value.translation_key == key
    await asyncio.sleep(0.2)
    assert not [m for m in receiver.received if not m.endswith("QSTN")]


@pytest.mark.usefixtures("init_integration")
async def test_browse_services_and_presets(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator
) -> None:
    """The browser lists the zone's startable network services and the stored presets."""
    client = await hass_ws_client(hass)

    async def browse(content_id: str | None = None) -> dict[str, Any]:
        response = await _browse(client, MAIN, content_id)
        assert response["success"], response
        result: dict[str, Any] = response["result"]
        return result

    state = hass.states.get(MAIN)
    assert state.attributes[ATTR_SUPPORTED_FEATURES] & MediaPlayerEntityFeature.BROWSE_MEDIA
    root = await browse()
    assert [c["media_content_id"] for c in root["children"]] == ["services", "presets"]
    services = await browse("services")
    assert [(c["title"], c["media_content_id"]) for c in services["children"]] == [
        ("TuneIn Radio", "eiscp:nsv:0E"),
        ("Spotify", "eiscp:nsv:0A"),
        ("Deezer", "eiscp:nsv:12"),
        ("TIDAL", "eiscp:nsv:1B"),
        ("Music Server", "eiscp:nsv:00"),
        ("USB", "eiscp:nsv:F0"),
        ("Play Queue", "eiscp:nsv:1D"),
    ]  # not AirPlay, FlareConnect, Chromecast or DTS Play-Fi: those start on the phone
    assert all(
        c["can_play"] and c["can_expand"] and c["media_content_type"] == "app"
        for c in services["children"]
    )
    presets = await browse("presets")
    titles = [c["title"] for c in presets["children"]]
    assert titles[:3] == ["FM 89.90", "FM 90.70", "smoothfm (FM 91.50)"]
    assert presets["children"][2]["media_content_id"] == "3"

    response = await _browse(client, MAIN, "elsewhere")
    assert not response["success"]
    assert "nothing to browse" in response["error"]["message"]


@pytest.mark.usefixtures("init_integration")
async def test_play_service_powers_on_and_selects_net(
    hass: HomeAssistant, receiver: VirtualReceiver
) -> None:
    """Playing a service by name turns the zone on, selects NET, then sends NSV."""
    await state_until(hass, MAIN, lambda s: s.state == STATE_OFF)
    receiver.clear_received()
    await _call(
        hass, SERVICE_PLAY_MEDIA, MAIN,
        **{ATTR_MEDIA_CONTENT_TYPE: "app", ATTR_MEDIA_CONTENT_ID: "spotify"},
    )  # fmt: skip
    await receiver.wait_for("NSV0A0")
    assert [m for m in receiver.received if not m.endswith("QSTN")][:3] == [
        "PWR01",
        "SLI2B",
        "NSV0A0",
    ]
    await state_until(hass, MAIN, lambda s: s.attributes.get(ATTR_INPUT_SOURCE) == "NET")
    receiver.clear_received()
    await _call(
        hass, SERVICE_PLAY_MEDIA, MAIN,
        **{ATTR_MEDIA_CONTENT_TYPE: "app", ATTR_MEDIA_CONTENT_ID: "1d"},
    )  # fmt: skip
    await receiver.wait_for("NSV1D0")
    assert [m for m in receiver.received if not m.endswith("QSTN")] == ["NSV1D0"]


@pytest.mark.parametrize("profile", ["NS-6130"], indirect=True)
@pytest.mark.usefixtures("init_integration")
async def test_network_player_browses_services_only(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator
) -> None:
    """A network player has services and its USB inputs to browse, and no presets."""
    state = hass.states.get(PLAYER)
    assert state.attributes[ATTR_SUPPORTED_FEATURES] & MediaPlayerEntityFeature.BROWSE_MEDIA
    response = await _browse(await hass_ws_client(hass), PLAYER)
    assert [c["media_content_id"] for c in response["result"]["children"]] == [
        "services",
        "storage",
    ]


@pytest.mark.usefixtures("init_integration")
async def test_command_while_disconnected(hass: HomeAssistant, receiver: VirtualReceiver) -> None:
    """A command while the connection is down raises a translated error."""
    await state_until(hass, MAIN, lambda s: s.state in (STATE_ON, STATE_OFF))
    await receiver.stop()
    await state_until(hass, MAIN, lambda s: s.state == "unavailable")
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            "onkyo_eiscp",
            "send_command",
            {
                "config_entry_id": hass.config_entries.async_entries("onkyo_eiscp")[0].entry_id,
                "command": "PWR01",
            },
            blocking=True,
        )
    assert err.value.translation_key == "not_connected"


@pytest.mark.parametrize("profile", ["NS-6130"], indirect=True)
@pytest.mark.usefixtures("init_integration")
async def test_network_player_has_no_volume(hass: HomeAssistant, receiver: VirtualReceiver) -> None:
    """NRI's NoVolume: no volume features, and no volume query is ever sent."""
    await until(lambda: "PWRQSTN" in receiver.received)
    receiver.press("PWR01")
    state = await state_until(hass, PLAYER, lambda s: s.state != STATE_OFF)
    assert not state.attributes[ATTR_SUPPORTED_FEATURES] & MediaPlayerEntityFeature.VOLUME_SET
    assert "MVLQSTN" not in receiver.received


@pytest.mark.usefixtures("init_integration")
async def test_play_then_shuffle_on_ends_with_shuffle_on(
    hass: HomeAssistant, receiver: VirtualReceiver
) -> None:
    """An NST pushed for another reason (here: the reply to PLAY) does not confirm a press.

    The device answers PLAY with an NST whose shuffle field is unchanged; counting it as
    the answer to RANDOM would press again and turn shuffle back off.
    """
    _playing(receiver)
    await state_until(hass, MAIN, lambda s: s.attributes.get(ATTR_MEDIA_SHUFFLE) is False)
    await _call(hass, SERVICE_MEDIA_PLAY, MAIN)
    await _call(hass, SERVICE_SHUFFLE_SET, MAIN, **{ATTR_MEDIA_SHUFFLE: True})
    await _call(hass, SERVICE_MEDIA_PLAY, MAIN)
    await _call(hass, SERVICE_REPEAT_SET, MAIN, **{ATTR_MEDIA_REPEAT: RepeatMode.ALL})
    coordinator = hass.config_entries.async_entries("onkyo_eiscp")[0].runtime_data
    await coordinator.client.query("NST")  # replies come in order: every press is answered
    await hass.async_block_till_done()
    assert (receiver.state.net.shuffle, receiver.state.net.repeat) == ("S", "R")
    state = hass.states.get(MAIN)
    assert state.attributes[ATTR_MEDIA_SHUFFLE] is True
    assert state.attributes[ATTR_MEDIA_REPEAT] == RepeatMode.ALL


@pytest.mark.usefixtures("init_integration")
async def test_seek_beyond_the_protocol_on_a_track_of_unknown_length(
    hass: HomeAssistant, receiver: VirtualReceiver
) -> None:
    """A seek the protocol cannot carry is a translated validation error, not a ValueError."""
    _playing(receiver)
    receiver.push("NTM00:00:10/--:--:--")  # a stream: no length to check the seek against
    await state_until(
        hass,
        MAIN,
        lambda s: (
            ATTR_MEDIA_DURATION not in s.attributes
            and s.attributes.get(ATTR_SUPPORTED_FEATURES, 0) & MediaPlayerEntityFeature.SEEK
        ),
    )
    receiver.clear_received()
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, SERVICE_MEDIA_SEEK, MAIN, **{ATTR_MEDIA_SEEK_POSITION: 100 * 3600})
    assert err.value.translation_key == "invalid_value"
    assert "99:59:59" in str(err.value)
    assert not [m for m in receiver.received if m.startswith("NTS")]


async def test_action_while_disconnected(
    hass: HomeAssistant, init_integration: MockConfigEntry, receiver: VirtualReceiver
) -> None:
    """An action that meets a closed connection raises a translated error.

    Home Assistant skips unavailable entities, so the action is called as a press that
    was already on its way when the connection dropped.
    """
    player = next(
        e for e in hass.data["entity_components"][MP_DOMAIN].entities if e.entity_id == MAIN
    )
    await receiver.stop()
    await state_until(hass, MAIN, lambda s: s.state == "unavailable")
    for action in (player.async_turn_on(), player.async_play_media("radio", "3")):
        with pytest.raises(HomeAssistantError) as err:
            await action
        assert err.value.translation_key == "not_connected"

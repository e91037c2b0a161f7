"""Per zone: tuner presets and direct tuning, the station shown, zone 2's listening mode.

Also every field of IFA/IFV as a sensor attribute.
"""

from __future__ import annotations

from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.onkyo_eiscp import browse
from homeassistant.components.media_player import (
    ATTR_INPUT_SOURCE,
    ATTR_MEDIA_CHANNEL,
    ATTR_MEDIA_CONTENT_ID,
    ATTR_MEDIA_CONTENT_TYPE,
    ATTR_SOUND_MODE,
    ATTR_SOUND_MODE_LIST,
    DOMAIN as MEDIA_PLAYER,
    SERVICE_PLAY_MEDIA,
    SERVICE_SELECT_SOUND_MODE,
    MediaPlayerEntityFeature,
    MediaType,
)
from homeassistant.const import ATTR_ENTITY_ID, ATTR_SUPPORTED_FEATURES
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
from virtual_receiver import VirtualReceiver
from virtual_receiver.zones import Zone

from .conftest import settle
from .helpers import state_until

MAIN = "media_player.onkyo_tx_nr686"
ZONE2 = "media_player.onkyo_tx_nr686_zone_2"
_SOUND_MODE = MediaPlayerEntityFeature.SELECT_SOUND_MODE


async def _play(hass: HomeAssistant, entity_id: str, media_type: str, media_id: str) -> None:
    await hass.services.async_call(
        MEDIA_PLAYER,
        SERVICE_PLAY_MEDIA,
        {
            ATTR_ENTITY_ID: entity_id,
            ATTR_MEDIA_CONTENT_TYPE: media_type,
            ATTR_MEDIA_CONTENT_ID: media_id,
        },
        blocking=True,
    )


async def _zones_on(hass: HomeAssistant, entry: MockConfigEntry, receiver: VirtualReceiver) -> None:
    receiver.press("PWR01")
    receiver.press("ZPW01")
    await settle(hass, entry)


@pytest.mark.parametrize(
    ("entity_id", "zone", "media_type", "media_id", "sent"),
    [
        (MAIN, Zone.MAIN, MediaType.CHANNEL, "3", "PRS03"),
        (ZONE2, Zone.ZONE2, MediaType.CHANNEL, "3", "PRZ03"),
        (ZONE2, Zone.ZONE2, "radio", "12", "PRZ0C"),
        (ZONE2, Zone.ZONE2, MediaType.CHANNEL, "FM 91.50", "TUZ09150"),
        (ZONE2, Zone.ZONE2, MediaType.CHANNEL, "AM 1008", "TUZ01008"),
        (MAIN, Zone.MAIN, MediaType.CHANNEL, "fm 100.3", "TUN10030"),
    ],
)
async def test_presets_and_tuning_in_their_zone(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    receiver: VirtualReceiver,
    entity_id: str,
    zone: Zone,
    media_type: str,
    media_id: str,
    sent: str,
) -> None:
    """A preset is recalled, a station tuned, in the zone that asks (not always PRS)."""
    await _zones_on(hass, init_integration, receiver)
    receiver.clear_received()
    await _play(hass, entity_id, media_type, media_id)
    await receiver.wait_for(sent)
    assert [m for m in receiver.received if m[:2] in ("PR", "TU")] == [sent]
    device = receiver.device
    if sent.startswith("PRS"):
        assert device.state.preset == int(sent[3:], 16)
    elif sent.startswith("PR"):
        assert device.settings.tuners[zone].preset == int(sent[3:], 16)
    else:
        assert device.settings.tuners[zone].frequency == sent[3:]


@pytest.mark.parametrize("media_id", ["FM 200", "AM 91.5", "LW 198", "DAB 1"])
@pytest.mark.usefixtures("init_integration")
async def test_untunable_station_is_refused(hass: HomeAssistant, media_id: str) -> None:
    """A station the spec's direct tuning cannot carry is the caller's mistake."""
    with pytest.raises(ServiceValidationError):
        await _play(hass, ZONE2, MediaType.CHANNEL, media_id)


async def test_station_shown_while_tuner_plays(
    hass: HomeAssistant, init_integration: MockConfigEntry, receiver: VirtualReceiver
) -> None:
    """media_channel: the preset's name, else "FM 91.50"/"AM 1008"; nothing off the tuner."""
    await _zones_on(hass, init_integration, receiver)
    receiver.press("SLZ24")
    await state_until(hass, ZONE2, lambda s: s.attributes.get(ATTR_INPUT_SOURCE) is not None)
    receiver.press("TUZ09150")
    receiver.press("PRZ03")  # the profile's preset 3: smoothfm, FM 91.50
    await state_until(hass, ZONE2, lambda s: s.attributes.get(ATTR_MEDIA_CHANNEL) == "smoothfm")
    receiver.press("TUZ09950")
    await state_until(hass, ZONE2, lambda s: s.attributes.get(ATTR_MEDIA_CHANNEL) == "FM 99.50")
    receiver.press("TUZ01008")
    await state_until(hass, ZONE2, lambda s: s.attributes.get(ATTR_MEDIA_CHANNEL) == "AM 1008")
    receiver.press("SLZ2B")
    await state_until(hass, ZONE2, lambda s: ATTR_MEDIA_CHANNEL not in s.attributes)
    # The main zone tunes separately.
    state = hass.states.get(MAIN)
    assert state is not None
    assert ATTR_MEDIA_CHANNEL not in state.attributes


async def test_presets_browsed_in_each_tuner_zone(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Zone 2 has a tuner input: it lists the presets too."""
    coordinator = init_integration.runtime_data
    for zone in coordinator.zones:
        node = browse.browse(coordinator, zone, browse.PRESETS)
        assert node.children
        assert node.children[2].title == "smoothfm (FM 91.50)"


@pytest.mark.parametrize("receiver_options", [{"settings": ["LMZ"]}], indirect=True)
async def test_zone2_listening_mode(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    receiver: VirtualReceiver,
    entity_registry: er.EntityRegistry,
) -> None:
    """Zone 2's own modes on its player and its select; the device ends in the mode."""
    before = hass.states.get(ZONE2)
    assert before is not None
    assert (
        not before.attributes[ATTR_SUPPORTED_FEATURES] & MediaPlayerEntityFeature.SELECT_SOUND_MODE
    )
    await _zones_on(hass, init_integration, receiver)
    state = await state_until(hass, ZONE2, lambda s: s.attributes.get(ATTR_SOUND_MODE) == "Stereo")
    assert state.attributes[ATTR_SOUND_MODE_LIST] == [
        "Stereo",
        "Direct",
        "Mono",
        "Multiplex",
        "DVS (PLII)",
        "DVS (Neo:6)",
    ]
    assert state.attributes[ATTR_SUPPORTED_FEATURES] & MediaPlayerEntityFeature.SELECT_SOUND_MODE
    select = entity_registry.async_get("select.onkyo_tx_nr686_zone_2_listening_mode")
    assert select is not None
    assert select.unique_id == f"{receiver.identifier}_zone2_listening_mode"
    await hass.services.async_call(
        MEDIA_PLAYER,
        SERVICE_SELECT_SOUND_MODE,
        {ATTR_ENTITY_ID: ZONE2, ATTR_SOUND_MODE: "Mono"},
        blocking=True,
    )
    await receiver.wait_for("LMZ0F")
    await state_until(hass, ZONE2, lambda s: s.attributes.get(ATTR_SOUND_MODE) == "Mono")
    assert receiver.device.settings.values["LMZ"] == "0F"
    await state_until(
        hass, "select.onkyo_tx_nr686_zone_2_listening_mode", lambda s: s.state == "mono"
    )


@pytest.mark.parametrize("receiver_options", [{"settings": []}], indirect=True)
async def test_zone2_without_listening_mode(
    hass: HomeAssistant, init_integration: MockConfigEntry, receiver: VirtualReceiver
) -> None:
    """A receiver whose zone 2 has no LMZ offers no zone 2 sound mode."""
    await _zones_on(hass, init_integration, receiver)
    await receiver.wait_for("LMZQSTN", timeout=10)
    await settle(hass, init_integration)
    state = hass.states.get(ZONE2)
    assert state is not None
    assert (
        not state.attributes[ATTR_SUPPORTED_FEATURES] & MediaPlayerEntityFeature.SELECT_SOUND_MODE
    )
    assert hass.states.get("select.onkyo_tx_nr686_zone_2_listening_mode") is None


@pytest.mark.usefixtures("init_integration")
async def test_every_audio_and_video_field(hass: HomeAssistant, receiver: VirtualReceiver) -> None:
    """IFA's and IFV's later fields (newer models) are attributes too."""
    receiver.push("IFAHDMI 1,PCM,48 kHz,2.0 ch,Stereo,2.1 ch,96 kHz,Off,4ms,Normal,NeuralX,")
    receiver.push(
        "IFVHDMI 1,3840 x 2160p  60 Hz,YCbCr 4:2:0,10bit,HDMI Main,"
        "3840 x 2160p  60 Hz,YCbCr 4:2:0,10bit,Standard,HDR10,"
    )
    audio = await state_until(
        hass,
        "sensor.onkyo_tx_nr686_audio_input",
        lambda s: s.attributes.get("upmix_mode") == "NeuralX",
    )
    expected: dict[str, Any] = {
        "output_sample_rate": "96 kHz",
        "pqls": "Off",
        "auto_phase_control_delay": "4ms",
        "auto_phase_control_phase": "Normal",
    }
    assert {k: audio.attributes[k] for k in expected} == expected
    video = await state_until(
        hass,
        "sensor.onkyo_tx_nr686_video_input",
        lambda s: s.attributes.get("input_hdr") == "HDR10",
    )
    assert video.attributes["input_color_depth"] == "10bit"

"""Sensors: signal information, NET service, file format."""

from __future__ import annotations

from collections.abc import Generator
from unittest.mock import patch

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from syrupy.assertion import SnapshotAssertion

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from virtual_receiver import VirtualReceiver

from .helpers import state_until


@pytest.fixture(autouse=True)
def _only_sensor() -> Generator[None]:
    with patch("custom_components.onkyo_eiscp.PLATFORMS", [Platform.SENSOR]):
        yield


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("profile", ["NS-6130", "TX-NR686"], indirect=True)
async def test_sensors_snapshot(
    hass: HomeAssistant,
    settled: MockConfigEntry,
    receiver: VirtualReceiver,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """Which sensors each kind of device gets."""
    await hass.async_block_till_done()
    await snapshot_platform(hass, entity_registry, snapshot, settled.entry_id)


@pytest.mark.usefixtures("entity_registry_enabled_by_default", "init_integration")
async def test_sensors_follow_the_device(hass: HomeAssistant, receiver: VirtualReceiver) -> None:
    """IFA/IFV fields, the NET service and the file format reach the sensors."""
    service = "sensor.onkyo_tx_nr686_network_service"
    receiver.push("NMSxxxxxS10E")  # before any NLT: the service icon says TuneIn
    await state_until(hass, service, lambda s: s.state == "TuneIn Radio")
    receiver.push("NLT0A01000000090100FF0E00Spotify")  # NLT's service type wins
    await state_until(hass, service, lambda s: s.state == "Spotify")
    receiver.push("IFAHDMI 2,Dolby Atmos,48 kHz,7.1.4 ch,Dolby Atmos,5.1.2 ch,")
    receiver.push(
        "IFVHDMI 2,3840 x 2160p  60 Hz,YCbCr,10bit,HDMI Main,4K,YCbCr,10bit,Cinema,HDR10,"
    )
    receiver.push("NLT0E01000000090100FF0E00TuneIn Radio")
    receiver.push("NFIFLAC/96kHz/24bit")
    audio = await state_until(
        hass, "sensor.onkyo_tx_nr686_audio_input", lambda s: s.state == "Dolby Atmos"
    )
    assert audio.attributes["input_channels"] == "7.1.4 ch"
    output = await state_until(
        hass, "sensor.onkyo_tx_nr686_audio_output", lambda s: s.state == "5.1.2 ch"
    )
    assert output.attributes["input_port"] == "HDMI 2"
    video = await state_until(
        hass, "sensor.onkyo_tx_nr686_video_input", lambda s: s.state == "3840 x 2160p  60 Hz"
    )
    assert video.attributes["picture_mode"] == "Cinema"
    await state_until(hass, "sensor.onkyo_tx_nr686_video_output", lambda s: s.state == "4K")
    await state_until(
        hass, "sensor.onkyo_tx_nr686_network_service", lambda s: s.state == "TuneIn Radio"
    )
    await state_until(
        hass, "sensor.onkyo_tx_nr686_file_format", lambda s: s.state == "FLAC/96kHz/24bit"
    )


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_network_service_of_a_device_already_playing(
    hass: HomeAssistant, config_entry: MockConfigEntry, receiver: VirtualReceiver
) -> None:
    """A device playing a service before Home Assistant connects: the sensor shows it.

    The device pushed NLT when the service started, to nobody; it is asked for.
    """
    receiver.press("PWR01")
    receiver.press("SLI2B")
    receiver.press("NSV0A0")  # Spotify
    receiver.play_playlist()
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await state_until(hass, "sensor.onkyo_tx_nr686_network_service", lambda s: s.state == "Spotify")
    assert await hass.config_entries.async_unload(config_entry.entry_id)

"""Diagnostics: NRI, state and connection figures, with identifying data redacted."""

from __future__ import annotations

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
    get_diagnostics_for_device,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from virtual_receiver import VirtualReceiver

from .helpers import until


@pytest.mark.usefixtures("settled")
async def test_entry_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    config_entry: MockConfigEntry,
    receiver: VirtualReceiver,
    snapshot: SnapshotAssertion,
) -> None:
    """The diagnostics carry NRI and state, and no MAC, serial or host."""
    coordinator = config_entry.runtime_data
    await until(lambda: coordinator.state.zones[coordinator.zones[0]].power is not None)
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, config_entry)
    assert diagnostics == snapshot(exclude=props("bytes_in", "messages_in", "messages_out", "port"))
    text = str(diagnostics)
    assert receiver.identifier not in text
    assert "127.0.0.1" not in text


@pytest.mark.usefixtures("init_integration")
async def test_device_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    config_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    receiver: VirtualReceiver,
) -> None:
    """Device diagnostics are the entry's (one device per entry)."""
    device = dr.async_entries_for_config_entry(device_registry, config_entry.entry_id)[0]
    diagnostics = await get_diagnostics_for_device(hass, hass_client, config_entry, device)
    assert diagnostics["receiver_info"]["model"] == "TX-NR686"
    assert receiver.identifier not in str(diagnostics)


@pytest.mark.usefixtures("settled")
async def test_diagnostics_show_the_settings_asked_and_answered(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    config_entry: MockConfigEntry,
    receiver: VirtualReceiver,
) -> None:
    """Once the main zone is on, the settings asked and the device's answers are shown."""
    coordinator = config_entry.runtime_data
    before = await get_diagnostics_for_config_entry(hass, hass_client, config_entry)
    assert before["settings"]["kept"]["settings"] == {}  # in standby: nothing asked yet
    receiver.press("PWR01")
    await until(lambda: coordinator.has_setting("SLP"))
    await until(lambda: not coordinator.settings_diagnostics()["asking"])
    settings = (await get_diagnostics_for_config_entry(hass, hass_client, config_entry))["settings"]
    assert settings["kept"]["settings"]["SLP"] is True  # answered with a value
    assert settings["kept"]["settings"]["DLC"] is False  # answered N/A
    assert "SLP" in settings["to_ask"]
    assert settings["asking"] == []

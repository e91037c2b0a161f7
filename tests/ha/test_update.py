"""Firmware update entity."""

from __future__ import annotations

from collections.abc import Generator
from unittest.mock import patch

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from syrupy.assertion import SnapshotAssertion

from homeassistant.components.update import DOMAIN as UPDATE, SERVICE_INSTALL
from homeassistant.const import ATTR_ENTITY_ID, STATE_OFF, STATE_ON, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from virtual_receiver import VirtualReceiver

from .helpers import state_until

ENTITY = "update.onkyo_tx_nr686_firmware"


@pytest.fixture(autouse=True)
def _only_update() -> Generator[None]:
    with patch("custom_components.onkyo_eiscp.PLATFORMS", [Platform.UPDATE]):
        yield


async def test_update_snapshot(
    hass: HomeAssistant,
    settled: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """The firmware entity, off while the device says there is nothing new."""
    await state_until(hass, ENTITY, lambda s: s.state == STATE_OFF)
    await snapshot_platform(hass, entity_registry, snapshot, settled.entry_id)


@pytest.mark.usefixtures("init_integration")
async def test_update_available_and_install(hass: HomeAssistant, receiver: VirtualReceiver) -> None:
    """UPD00 turns it on; install sends UPDNET only when asked; progress shows."""
    receiver.push("UPD00")
    state = await state_until(hass, ENTITY, lambda s: s.state == STATE_ON)
    assert state.attributes["latest_version"] == "newer"
    assert "UPDNET" not in receiver.received
    receiver.push("UPDDL-40")
    state = await state_until(hass, ENTITY, lambda s: s.attributes.get("in_progress") is True)
    assert state.attributes["update_percentage"] == 40
    receiver.push("UPD00")
    await state_until(hass, ENTITY, lambda s: s.attributes.get("in_progress") is False)
    await hass.services.async_call(UPDATE, SERVICE_INSTALL, {ATTR_ENTITY_ID: ENTITY}, blocking=True)
    await receiver.wait_for("UPDNET")
    await state_until(hass, ENTITY, lambda s: s.state == STATE_OFF)


async def test_unknown_until_the_device_says(
    hass: HomeAssistant, config_entry: MockConfigEntry, receiver: VirtualReceiver
) -> None:
    """A device that ignores UPDQSTN leaves the entity unknown, and nothing breaks."""
    receiver.ignore.add("UPD")
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await receiver.wait_for("UPDQSTN")
    await hass.async_block_till_done()
    assert hass.states.get(ENTITY).state == "unknown"
    receiver.push("UPDFF")
    await state_until(hass, ENTITY, lambda s: s.state == STATE_OFF)
    assert await hass.config_entries.async_unload(config_entry.entry_id)


@pytest.mark.parametrize("profile", ["TX-8150"], indirect=True)
@pytest.mark.usefixtures("settled")
async def test_no_entity_without_network_update(
    hass: HomeAssistant, receiver: VirtualReceiver
) -> None:
    """A device whose NRI says NetUpdate 0 gets no firmware entity and no UPD query."""
    assert hass.states.async_entity_ids(UPDATE) == []
    assert "PWRQSTN" in receiver.received
    assert "UPDQSTN" not in receiver.received

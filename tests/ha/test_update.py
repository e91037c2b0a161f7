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


@pytest.mark.parametrize("profile", ["TX-NR474"], indirect=True)
@pytest.mark.usefixtures("init_integration")
async def test_unknown_before_the_device_says(
    hass: HomeAssistant, receiver: VirtualReceiver
) -> None:
    """Until UPD is answered the entity is unknown; no entity without network update."""
    receiver.ignore.add("UPD")
    assert hass.states.async_entity_ids(UPDATE) in ([], ["update.onkyo_tx_nr474_firmware"])

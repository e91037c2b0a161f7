"""Selects: input per zone, listening mode, HDMI output, dimmer."""

from __future__ import annotations

from collections.abc import Generator
from unittest.mock import patch

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from syrupy.assertion import SnapshotAssertion

from custom_components.onkyo_eiscp.select import listening_mode_key
from homeassistant.components.select import ATTR_OPTION, DOMAIN as SELECT, SERVICE_SELECT_OPTION
from homeassistant.const import ATTR_ENTITY_ID, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
from virtual_receiver import VirtualReceiver

from .helpers import state_until


@pytest.fixture(autouse=True)
def _only_select() -> Generator[None]:
    with patch("custom_components.onkyo_eiscp.PLATFORMS", [Platform.SELECT]):
        yield


@pytest.mark.parametrize("profile", ["NS-6130", "TX-NR474", "TX-RZ70"], indirect=True)
async def test_selects_snapshot(
    hass: HomeAssistant,
    settled: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """Which selects each kind of device gets, with their options."""
    await hass.async_block_till_done()
    await snapshot_platform(hass, entity_registry, snapshot, settled.entry_id)


async def _select(hass: HomeAssistant, entity_id: str, option: str) -> None:
    await hass.services.async_call(
        SELECT,
        SERVICE_SELECT_OPTION,
        {ATTR_ENTITY_ID: entity_id, ATTR_OPTION: option},
        blocking=True,
    )


@pytest.mark.parametrize("profile", ["TX-RZ70"], indirect=True)
@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize(
    ("entity_id", "pushed", "state", "option", "sent"),
    [
        ("select.onkyo_tx_rz70_input_source", "SLI2B", "NET", "TV", "SLI12"),
        ("select.onkyo_tx_rz70_zone_2_input_source", "SLZ2B", "NET", "TV", "SLZ12"),
        ("select.onkyo_tx_rz70_listening_mode", "LMD0C", "all_ch_stereo", "stereo", "LMD00"),
        ("select.onkyo_tx_rz70_hdmi_output", "HDO02", "sub", "both", "HDO03"),
        ("select.onkyo_tx_rz70_display_dimmer", "DIM03", "shut_off", "dim", "DIM01"),
    ],
)
async def test_select_follows_and_sets(
    hass: HomeAssistant,
    receiver: VirtualReceiver,
    entity_id: str,
    pushed: str,
    state: str,
    option: str,
    sent: str,
) -> None:
    """The device's state shows; choosing an option sends its code."""
    receiver.press(pushed)
    await state_until(hass, entity_id, lambda s: s.state == state)
    receiver.clear_received()
    await _select(hass, entity_id, option)
    await receiver.wait_for(sent)


@pytest.mark.parametrize("profile", ["TX-RZ70"], indirect=True)
@pytest.mark.usefixtures("init_integration")
async def test_unknown_code_and_invalid_option(
    hass: HomeAssistant, receiver: VirtualReceiver
) -> None:
    """A mode the model's table lacks is offered once reported; invalid options are refused."""
    entity_id = "select.onkyo_tx_rz70_listening_mode"
    key = listening_mode_key("A7")
    assert key not in hass.states.get(entity_id).attributes["options"]
    receiver.press("LMDA7")
    state = await state_until(hass, entity_id, lambda s: s.state == key)
    assert state.attributes["options"][-1] == key
    await _select(hass, entity_id, "stereo")
    await state_until(hass, entity_id, lambda s: s.state == "stereo")
    receiver.clear_received()
    await _select(hass, entity_id, key)
    await receiver.wait_for("LMDA7")
    with pytest.raises(ServiceValidationError):
        await _select(hass, entity_id, "cathedral")

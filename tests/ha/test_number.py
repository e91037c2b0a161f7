"""Numbers: tone and channel levels with NRI's ranges."""

from __future__ import annotations

from collections.abc import Generator, Mapping
from typing import Any
from unittest.mock import patch

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from syrupy.assertion import SnapshotAssertion

from custom_components.onkyo_eiscp.number import OnkyoNumber
from homeassistant.components.number import ATTR_VALUE, DOMAIN as NUMBER, SERVICE_SET_VALUE
from homeassistant.const import ATTR_ENTITY_ID, EVENT_STATE_REPORTED, Platform
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
from virtual_receiver import VirtualReceiver

from .helpers import state_until


@pytest.fixture(autouse=True)
def _only_number() -> Generator[None]:
    with patch("custom_components.onkyo_eiscp.PLATFORMS", [Platform.NUMBER]):
        yield


@pytest.mark.parametrize("profile", ["TX-NR474", "TX-RZ630"], indirect=True)
async def test_numbers_snapshot(
    hass: HomeAssistant,
    settled: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """Levels exist where NRI gives a range, with its min, max and step."""
    await hass.async_block_till_done()
    await snapshot_platform(hass, entity_registry, snapshot, settled.entry_id)


async def _set(hass: HomeAssistant, entity_id: str, value: float) -> None:
    await hass.services.async_call(
        NUMBER, SERVICE_SET_VALUE, {ATTR_ENTITY_ID: entity_id, ATTR_VALUE: value}, blocking=True
    )


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize(
    ("entity_id", "pushed", "state", "value", "sent"),
    [
        ("number.onkyo_tx_nr686_bass", "TFRB+4", "4", -2, "TFRB-2"),
        ("number.onkyo_tx_nr686_treble", "TFRT-A", "-10", 10, "TFRT+A"),
        ("number.onkyo_tx_nr686_center_level", "CTL+3", "3.0", -12, "CTL-C"),
        ("number.onkyo_tx_nr686_subwoofer_level", "SWL-F", "-15.0", 12, "SWL+C"),
    ],
)
async def test_number_follows_and_sets(
    hass: HomeAssistant,
    receiver: VirtualReceiver,
    entity_id: str,
    pushed: str,
    state: str,
    value: float,
    sent: str,
) -> None:
    """The device's level shows; setting one sends its command."""
    receiver.press(pushed)
    await state_until(hass, entity_id, lambda s: s.state == state)
    receiver.clear_received()
    await _set(hass, entity_id, value)
    await receiver.wait_for(sent)


@pytest.mark.usefixtures("init_integration")
async def test_level_wider_form_is_kept(hass: HomeAssistant, receiver: VirtualReceiver) -> None:
    """A device that reports three digits is answered in three digits."""
    receiver.push("SWL+03")
    entity_id = "number.onkyo_tx_nr686_subwoofer_level"
    await state_until(hass, entity_id, lambda s: s.state == "3.0")
    await _set(hass, entity_id, -1)
    await receiver.wait_for("SWL-01")


@pytest.mark.usefixtures("init_integration")
async def test_off_step_values_are_rejected(hass: HomeAssistant, receiver: VirtualReceiver) -> None:
    """A value between steps raises a translated error and sends nothing."""
    entity = next(
        e for e in hass.data["entity_components"][NUMBER].entities if isinstance(e, OnkyoNumber)
    )
    receiver.clear_received()
    with pytest.raises(ServiceValidationError) as err:
        await entity.async_set_native_value(0.5)
    assert err.value.translation_key == "invalid_value"
    assert receiver.received == []


async def test_unrelated_changes_do_not_rewrite(
    hass: HomeAssistant, init_integration: MockConfigEntry, receiver: VirtualReceiver
) -> None:
    """A volume change of the zone does not re-render the zone's bass control."""
    rewrites: list[Event] = []

    @callback
    def is_bass(data: Mapping[str, Any]) -> bool:
        return bool(data["entity_id"] == "number.onkyo_tx_nr686_bass")

    @callback
    def record(event: Event) -> None:
        rewrites.append(event)

    hass.bus.async_listen(EVENT_STATE_REPORTED, record, event_filter=is_bass)
    receiver.press("TFRB+1")
    await state_until(hass, "number.onkyo_tx_nr686_bass", lambda s: s.state == "1")
    for level in ("MVL10", "MVL11", "MVL12"):
        receiver.press(level)
    coordinator = init_integration.runtime_data
    await coordinator.client.query("PWR")  # replies come in order: the pushes are applied
    await hass.async_block_till_done()
    assert coordinator.state.zones[coordinator.zones[0]].volume == 0x12
    assert rewrites == []

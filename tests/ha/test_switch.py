"""Switches: muting per speaker channel, for the channels the speaker layout has."""

from __future__ import annotations

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.onkyo_eiscp.eiscp.settings import CHANNELS
from homeassistant.components.switch import DOMAIN as SWITCH
from homeassistant.const import ATTR_ENTITY_ID, SERVICE_TURN_OFF, SERVICE_TURN_ON, EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from virtual_receiver import VirtualReceiver

from .conftest import settle
from .helpers import state_until, until

PREFIX = "onkyo_tx_nr686"


def _channel_mutes(entity_registry: er.EntityRegistry) -> list[er.RegistryEntry]:
    return [e for e in entity_registry.entities.values() if "_channel_mute_" in e.unique_id]


async def _power_on(hass: HomeAssistant, entry: MockConfigEntry, receiver: VirtualReceiver) -> None:
    receiver.press("PWR01")
    await receiver.wait_for("CMTQSTN", timeout=10)
    await settle(hass, entry)


@pytest.mark.parametrize(
    ("receiver_options", "spi", "expected"),
    [
        # A 5.1 layout: no surround back, no heights, one subwoofer.
        ({"settings": ["CMT", "SPI"]}, None, (*CHANNELS[:5], "subwoofer")),
        # 7.2.4: every channel.
        ({"settings": ["CMT", "SPI"]}, "2222222 80110", CHANNELS),
        # 2.0 with heights 1: fronts and height 1 only.
        ({"settings": ["CMT", "SPI"]}, "0200010 80100", (*CHANNELS[:2], *CHANNELS[8:10])),
        # No SPI: every channel CMT carries (the spec: absent ones read 00, so no telling).
        ({"settings": ["CMT"]}, None, CHANNELS),
    ],
    indirect=["receiver_options"],
)
async def test_channels_follow_the_speaker_layout(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    receiver: VirtualReceiver,
    entity_registry: er.EntityRegistry,
    spi: str | None,
    expected: tuple[str, ...],
) -> None:
    """One switch per channel the layout has, in the spec's order, configuration category."""
    if spi is not None:
        receiver.device.settings.values["SPI"] = spi
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await _power_on(hass, config_entry, receiver)
    await until(lambda: len(_channel_mutes(entity_registry)) == len(expected))
    entries = _channel_mutes(entity_registry)
    assert [e.unique_id for e in entries] == [
        f"{receiver.identifier}_main_channel_mute_{c}" for c in expected
    ]
    assert {e.translation_key for e in entries} == {f"channel_mute_{c}" for c in expected}
    assert {e.entity_category for e in entries} == {EntityCategory.CONFIG}
    await hass.config_entries.async_unload(config_entry.entry_id)


@pytest.mark.parametrize("receiver_options", [{"settings": []}], indirect=True)
async def test_no_channel_muting(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    receiver: VirtualReceiver,
    entity_registry: er.EntityRegistry,
) -> None:
    """A receiver without CMT gets no channel switches."""
    receiver.press("PWR01")
    await receiver.wait_for("CMTQSTN", timeout=10)
    await settle(hass, init_integration)
    assert _channel_mutes(entity_registry) == []


@pytest.mark.parametrize("receiver_options", [{"settings": ["CMT", "SPI"]}], indirect=True)
async def test_channel_mute_sets_only_its_channel(
    hass: HomeAssistant, init_integration: MockConfigEntry, receiver: VirtualReceiver
) -> None:
    """Muting the centre leaves the other channels as they were; the device ends muted."""
    await _power_on(hass, init_integration, receiver)
    centre, left = f"switch.{PREFIX}_mute_center", f"switch.{PREFIX}_mute_front_left"
    await until(lambda: hass.states.get(centre) is not None)
    receiver.press("CMT01" + "00" * 12)  # front left muted from the remote
    await state_until(hass, left, lambda s: s.state == "on")
    await hass.services.async_call(SWITCH, SERVICE_TURN_ON, {ATTR_ENTITY_ID: centre}, blocking=True)
    await receiver.wait_for("CMT010001" + "00" * 10)
    await state_until(hass, centre, lambda s: s.state == "on")
    assert receiver.device.settings.values["CMT"] == "010001" + "00" * 10
    await hass.services.async_call(SWITCH, SERVICE_TURN_OFF, {ATTR_ENTITY_ID: left}, blocking=True)
    await state_until(hass, left, lambda s: s.state == "off")
    assert receiver.device.settings.values["CMT"] == "000001" + "00" * 10

"""Receiver settings: each exists only where the device has it, and works there.

The virtual receiver answers ``N/A`` about a setting while its zone is in standby, and
about any setting it lacks. Its ``settings`` option says which it has where its NRI is
silent; NRI's word (Phase Matching Bass, Music Optimizer, Vocal/Dialog) wins.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.onkyo_eiscp.const import DOMAIN
from homeassistant.components.number import (
    ATTR_VALUE,
    DOMAIN as NUMBER,
    SERVICE_SET_VALUE,
)
from homeassistant.components.select import ATTR_OPTION, DOMAIN as SELECT, SERVICE_SELECT_OPTION
from homeassistant.components.switch import DOMAIN as SWITCH
from homeassistant.const import ATTR_ENTITY_ID, SERVICE_TURN_OFF, SERVICE_TURN_ON, EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from virtual_receiver import VirtualReceiver

from .conftest import settle
from .helpers import state_until, until

PREFIX = "onkyo_tx_nr686"
ID = "0009B0D63C06"

# Every settings entity of the table, by the code it shows.
SETTING_ENTITIES = {
    "SLP": f"number.{PREFIX}_sleep_timer",
    "LTN": f"select.{PREFIX}_late_night",
    "LTZ": f"select.{PREFIX}_zone_2_late_night",
    "LMZ": f"select.{PREFIX}_zone_2_listening_mode",
    "MOT": f"switch.{PREFIX}_music_optimizer",
    "RAS": f"switch.{PREFIX}_cinema_filter_re_eq",
    "ADQ": f"switch.{PREFIX}_audyssey_dynamic_eq",
    "ADV": f"select.{PREFIX}_audyssey_dynamic_volume",
    "VOC": f"number.{PREFIX}_dialog_level",
    "DLC": f"number.{PREFIX}_dialog_control",
    "PMB": f"switch.{PREFIX}_phase_matching_bass",
    "DIR": f"switch.{PREFIX}_direct",
    "SPA": f"switch.{PREFIX}_speakers_a",
    "SPB": f"switch.{PREFIX}_speakers_b",
    "TGA": f"switch.{PREFIX}_12_v_trigger_a",
    "TGB": f"switch.{PREFIX}_12_v_trigger_b",
    "TGC": f"switch.{PREFIX}_12_v_trigger_c",
    "CEC": f"switch.{PREFIX}_hdmi_cec",
    "APD": f"switch.{PREFIX}_auto_power_down",
    "FLD": f"sensor.{PREFIX}_front_display",
    "TPD": f"sensor.{PREFIX}_temperature",
}
ALL_CODES = set(SETTING_ENTITIES) - {"PMB"}  # the TX-NR686's NRI says it lacks PMB


def _present(hass: HomeAssistant, entity_registry: er.EntityRegistry) -> set[str]:
    """The codes whose entity exists."""
    return {c for c, eid in SETTING_ENTITIES.items() if entity_registry.async_get(eid)}


async def _power_on(hass: HomeAssistant, entry: MockConfigEntry, receiver: VirtualReceiver) -> None:
    """Turn main zone and zone 2 on from the remote; wait until the device is asked."""
    receiver.press("PWR01")
    receiver.press("ZPW01")
    await receiver.wait_for("TPDQSTN", timeout=10)
    await receiver.wait_for("LMZQSTN", timeout=10)
    await settle(hass, entry)


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("receiver_options", [{"settings": sorted(ALL_CODES)}], indirect=True)
async def test_asked_once_at_power_on_then_created(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    receiver: VirtualReceiver,
    entity_registry: er.EntityRegistry,
) -> None:
    """Standby: nothing asked. First power-on: each setting asked once, then created.

    NRI's word is trusted: MOT (NRI: has) exists at once; PMB (NRI: lacks) is never
    asked, so the receiver never flashes "Not available".
    """
    await settle(hass, init_integration)
    assert _present(hass, entity_registry) == {"MOT"}
    assert not any(m.endswith("QSTN") and m[:3] in SETTING_ENTITIES for m in receiver.received)

    await _power_on(hass, init_integration, receiver)
    await until(lambda: _present(hass, entity_registry) == ALL_CODES)
    asked = [m[:3] for m in receiver.received if m.endswith("QSTN")]
    assert "PMBQSTN" not in receiver.received
    for code in ALL_CODES:
        assert asked.count(code) == 1, code

    for code, entity_id in SETTING_ENTITIES.items():
        entry = entity_registry.async_get(entity_id)
        if entry is None:
            continue
        expected = {"FLD": EntityCategory.DIAGNOSTIC, "TPD": EntityCategory.DIAGNOSTIC}.get(
            code, None if code in ("SLP", "LMZ") else EntityCategory.CONFIG
        )
        assert entry.entity_category == expected, code


@pytest.mark.parametrize("receiver_options", [{"settings": ()}], indirect=True)
async def test_device_without_settings_gets_none(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    receiver: VirtualReceiver,
    entity_registry: er.EntityRegistry,
) -> None:
    """A receiver that answers N/A (while on) gets only what its NRI promises.

    It is not asked again: off and on again, only the setting it has is read.
    """
    await _power_on(hass, init_integration, receiver)
    assert _present(hass, entity_registry) == {"MOT"}
    assert not [e for e in entity_registry.entities.values() if "_channel_mute_" in e.unique_id]
    receiver.clear_received()
    receiver.press("PWR00")
    receiver.press("PWR01")
    await receiver.wait_for("MOTQSTN")
    await settle(hass, init_integration)
    assert [m for m in receiver.received if m[:3] in SETTING_ENTITIES] == ["MOTQSTN"]


@pytest.mark.parametrize("profile", ["NS-6130"], indirect=True)
async def test_network_player_is_never_asked(
    hass: HomeAssistant, init_integration: MockConfigEntry, receiver: VirtualReceiver
) -> None:
    """A network player has none of these: it is not asked about them."""
    receiver.press("PWR01")
    await settle(hass, init_integration)
    assert not [m for m in receiver.received if m[:3] in SETTING_ENTITIES]


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("receiver_options", [{"settings": ["SLP", "CMT", "SPI"]}], indirect=True)
async def test_answers_remembered_across_restart(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    receiver: VirtualReceiver,
    entity_registry: er.EntityRegistry,
    hass_storage: dict[str, Any],
) -> None:
    """A restart while the receiver sleeps neither asks again nor loses the entities."""
    receiver.press("PWR01")
    await receiver.wait_for("CMTQSTN", timeout=10)
    await settle(hass, init_integration)
    await until(lambda: entity_registry.async_get(SETTING_ENTITIES["SLP"]) is not None)
    receiver.press("PWR00")
    await hass.config_entries.async_unload(init_integration.entry_id)
    stored = hass_storage[f"{DOMAIN}.settings.{init_integration.entry_id}"]["data"]
    assert stored["settings"]["SLP"] is True
    assert stored["settings"]["TPD"] is False

    receiver.clear_received()
    assert await hass.config_entries.async_setup(init_integration.entry_id)
    await settle(hass, init_integration)
    state = hass.states.get(SETTING_ENTITIES["SLP"])
    assert state is not None
    assert hass.states.get(f"switch.{PREFIX}_mute_center") is not None
    assert hass.states.get(f"switch.{PREFIX}_mute_surround_back_left") is None
    receiver.press("PWR01")
    await receiver.wait_for("SLPQSTN")
    await settle(hass, init_integration)
    # What it lacks is not asked again; what it has is read.
    assert not [m for m in receiver.received if m[:3] in {"TPD", "LTN", "FLD", "APD"}]


async def _call(hass: HomeAssistant, domain: str, service: str, data: dict[str, Any]) -> None:
    await hass.services.async_call(domain, service, data, blocking=True)


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("receiver_options", [{"settings": sorted(ALL_CODES)}], indirect=True)
@pytest.mark.parametrize(
    ("code", "domain", "service", "data", "sent", "value", "state"),
    [
        ("SLP", NUMBER, SERVICE_SET_VALUE, {ATTR_VALUE: 30}, "SLP1E", "1E", "30"),
        ("SLP", NUMBER, SERVICE_SET_VALUE, {ATTR_VALUE: 0}, "SLPOFF", "OFF", "0"),
        ("VOC", NUMBER, SERVICE_SET_VALUE, {ATTR_VALUE: 3}, "VOC03", "03", "3"),
        ("DLC", NUMBER, SERVICE_SET_VALUE, {ATTR_VALUE: 4}, "DLC+4", "+4", "4"),
        ("LTN", SELECT, SERVICE_SELECT_OPTION, {ATTR_OPTION: "auto"}, "LTN03", "03", "auto"),
        ("LTZ", SELECT, SERVICE_SELECT_OPTION, {ATTR_OPTION: "high"}, "LTZ02", "02", "high"),
        ("ADV", SELECT, SERVICE_SELECT_OPTION, {ATTR_OPTION: "heavy"}, "ADV03", "03", "heavy"),
        ("LMZ", SELECT, SERVICE_SELECT_OPTION, {ATTR_OPTION: "dvs_pl2"}, "LMZ87", "87", "dvs_pl2"),
        ("MOT", SWITCH, SERVICE_TURN_ON, {}, "MOT01", "01", "on"),
        ("RAS", SWITCH, SERVICE_TURN_ON, {}, "RAS01", "01", "on"),
        ("ADQ", SWITCH, SERVICE_TURN_OFF, {}, "ADQ00", "00", "off"),
        ("DIR", SWITCH, SERVICE_TURN_ON, {}, "DIR01", "01", "on"),
        ("SPA", SWITCH, SERVICE_TURN_OFF, {}, "SPA00", "00", "off"),
        ("SPB", SWITCH, SERVICE_TURN_ON, {}, "SPB01", "01", "on"),
        ("TGA", SWITCH, SERVICE_TURN_ON, {}, "TGA01", "01", "on"),
        ("TGB", SWITCH, SERVICE_TURN_ON, {}, "TGB01", "01", "on"),
        ("TGC", SWITCH, SERVICE_TURN_ON, {}, "TGC01", "01", "on"),
        ("CEC", SWITCH, SERVICE_TURN_OFF, {}, "CEC00", "00", "off"),
        ("APD", SWITCH, SERVICE_TURN_OFF, {}, "APD00", "00", "off"),
    ],
)
async def test_setting_sets_the_device(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    receiver: VirtualReceiver,
    entity_registry: er.EntityRegistry,
    code: str,
    domain: str,
    service: str,
    data: dict[str, Any],
    sent: str,
    value: str,
    state: str,
) -> None:
    """Each setting ends the device in the asked state, and shows it."""
    await _power_on(hass, init_integration, receiver)
    entity_id = SETTING_ENTITIES[code]
    await until(lambda: hass.states.get(entity_id) is not None)
    receiver.clear_received()
    await _call(hass, domain, service, {ATTR_ENTITY_ID: entity_id, **data})
    await receiver.wait_for(sent)
    await state_until(hass, entity_id, lambda s: s.state == state)
    assert receiver.device.settings.values[code] == value


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("receiver_options", [{"settings": ["FLD", "TPD"]}], indirect=True)
async def test_reports(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    receiver: VirtualReceiver,
    entity_registry: er.EntityRegistry,
) -> None:
    """Temperature in °C (diagnostic); the front display's text (disabled by default)."""
    await _power_on(hass, init_integration, receiver)
    temperature = await state_until(hass, SETTING_ENTITIES["TPD"], lambda s: s.state == "35")
    assert temperature.attributes["unit_of_measurement"] == "°C"
    receiver.push("TPDF 77C 25")
    await state_until(hass, SETTING_ENTITIES["TPD"], lambda s: s.state == "25")
    await state_until(hass, SETTING_ENTITIES["FLD"], lambda s: s.state == "NET")
    receiver.push("FLD" + b"Radio 1".hex().upper())
    await state_until(hass, SETTING_ENTITIES["FLD"], lambda s: s.state == "Radio 1")


async def test_front_display_disabled_by_default(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    receiver: VirtualReceiver,
    entity_registry: er.EntityRegistry,
) -> None:
    """The front display changes all the time: its sensor starts disabled."""
    await _power_on(hass, init_integration, receiver)
    await until(lambda: entity_registry.async_get(SETTING_ENTITIES["FLD"]) is not None)
    entry = entity_registry.async_get(SETTING_ENTITIES["FLD"])
    assert entry is not None
    assert entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION


@pytest.mark.parametrize("receiver_options", [{"settings": ["RAS"]}], indirect=True)
async def test_re_eq_academy_is_a_select(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    receiver: VirtualReceiver,
    entity_registry: er.EntityRegistry,
) -> None:
    """On a model whose RAS replies Re-EQ or Academy, RAS is a select; the device ends in it."""
    model = "TX-NR1000"  # the spec's "Re-EQ/Academy Filter" sheet
    receiver.nri_override = receiver.nri_xml.replace(
        "<model>TX-NR686</model>", f"<model>{model}</model>"
    )
    receiver.device.settings.info = dataclasses.replace(receiver.info, model=model)
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    receiver.press("PWR01")
    await receiver.wait_for("RASQSTN", timeout=10)
    await settle(hass, config_entry)
    select = "select.onkyo_tx_nr1000_re_eq_academy_filter"
    await until(lambda: entity_registry.async_get(select) is not None)
    state = await state_until(hass, select, lambda s: s.state == "off")
    assert state.attributes["options"] == ["off", "re_eq", "academy"]
    await hass.services.async_call(
        SELECT,
        SERVICE_SELECT_OPTION,
        {ATTR_ENTITY_ID: select, ATTR_OPTION: "academy"},
        blocking=True,
    )
    await state_until(hass, select, lambda s: s.state == "academy")
    assert receiver.device.settings.values["RAS"] == "02"
    assert entity_registry.async_get("switch.onkyo_tx_nr1000_cinema_filter_re_eq") is None
    await hass.config_entries.async_unload(config_entry.entry_id)
    await hass.async_block_till_done()

"""The raw command service."""

from __future__ import annotations

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.onkyo_eiscp.const import DOMAIN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.setup import async_setup_component
from virtual_receiver import VirtualReceiver


async def _send(hass: HomeAssistant, entry_id: str, **data: object) -> object:
    return await hass.services.async_call(
        DOMAIN,
        "send_command",
        {"config_entry_id": entry_id, **data},
        blocking=True,
        return_response=bool(data.get("wait_for_reply")),
    )


async def test_send_without_reply(
    hass: HomeAssistant, init_integration: MockConfigEntry, receiver: VirtualReceiver
) -> None:
    """A raw command reaches the device as is (a leading !1 is accepted)."""
    await _send(hass, init_integration.entry_id, command="!1NTCPLAY")
    await receiver.wait_for("NTCPLAY")


async def test_send_with_reply(
    hass: HomeAssistant, init_integration: MockConfigEntry, receiver: VirtualReceiver
) -> None:
    """With wait_for_reply the device's answer is the response; N/A says so."""
    response = await _send(hass, init_integration.entry_id, command="MVLQSTN", wait_for_reply=True)
    assert response == {"command": "MVL", "parameters": "14", "available": True}
    response = await _send(hass, init_integration.entry_id, command="PW3QSTN", wait_for_reply=True)
    assert response == {"command": "PW3", "parameters": "N/A", "available": False}


async def test_no_reply_in_time(
    hass: HomeAssistant, init_integration: MockConfigEntry, receiver: VirtualReceiver
) -> None:
    """A device that ignores the command: a translated error after the timeout."""
    receiver.ignore.add("NRI")
    with pytest.raises(HomeAssistantError) as err:
        await _send(
            hass, init_integration.entry_id, command="NRIQSTN", wait_for_reply=True, timeout=0.2
        )
    assert err.value.translation_key == "no_reply"


@pytest.mark.parametrize("command", ["", "PW", "pwr01", "PWR\x01", "PWR" + "0" * 300])
async def test_bad_command_is_rejected(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    receiver: VirtualReceiver,
    command: str,
) -> None:
    """A malformed command raises a translated validation error; nothing is sent."""
    receiver.clear_received()
    with pytest.raises(ServiceValidationError) as err:
        await _send(hass, init_integration.entry_id, command=command)
    assert err.value.translation_key == "invalid_command"
    assert receiver.received == []


async def test_unknown_or_unloaded_entry(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Unknown entry ids and unloaded entries are validation errors."""
    other = MockConfigEntry(domain="other_domain")
    other.add_to_hass(hass)
    for entry_id in ("nope", other.entry_id):
        with pytest.raises(ServiceValidationError) as err:
            await _send(hass, entry_id, command="PWR01")
        assert err.value.translation_key == "unknown_entry"
    await hass.config_entries.async_unload(init_integration.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await _send(hass, init_integration.entry_id, command="PWR01")
    assert err.value.translation_key == "entry_not_loaded"


async def test_service_registered_without_entries(hass: HomeAssistant) -> None:
    """The service exists as soon as the integration is set up (action-setup rule)."""
    assert await async_setup_component(hass, DOMAIN, {})
    assert hass.services.has_service(DOMAIN, "send_command")

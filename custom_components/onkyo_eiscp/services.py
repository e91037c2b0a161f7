"""The integration's own services."""

from __future__ import annotations

import re

import voluptuous as vol

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv

from .const import DOMAIN
from .coordinator import OnkyoConfigEntry, action_errors
from .eiscp.messages import NotAvailable

SERVICE_SEND_COMMAND = "send_command"
ATTR_CONFIG_ENTRY_ID = "config_entry_id"
ATTR_COMMAND = "command"
ATTR_WAIT_FOR_REPLY = "wait_for_reply"
ATTR_TIMEOUT = "timeout"

# Three uppercase letters/digits, then parameters of printable characters.
_COMMAND_RE = re.compile(r"^[A-Z0-9]{3}[\x20-\x7e]{0,256}$")

SEND_COMMAND_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Required(ATTR_COMMAND): cv.string,
        vol.Optional(ATTR_WAIT_FOR_REPLY, default=False): cv.boolean,
        vol.Optional(ATTR_TIMEOUT, default=3.0): vol.All(
            vol.Coerce(float), vol.Range(min=0.1, max=30)
        ),
    }
)


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register ``onkyo_eiscp.send_command``."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_SEND_COMMAND,
        _async_send_command,
        schema=SEND_COMMAND_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )


def _loaded_entry(hass: HomeAssistant, entry_id: str) -> OnkyoConfigEntry:
    entry: OnkyoConfigEntry | None = hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.domain != DOMAIN:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="unknown_entry",
            translation_placeholders={"entry_id": entry_id},
        )
    if entry.state is not ConfigEntryState.LOADED:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="entry_not_loaded",
            translation_placeholders={"title": entry.title},
        )
    return entry


async def _async_send_command(call: ServiceCall) -> ServiceResponse:
    """Send a raw eISCP command; optionally return the device's reply."""
    entry = _loaded_entry(call.hass, call.data[ATTR_CONFIG_ENTRY_ID])
    command: str = call.data[ATTR_COMMAND].strip()
    if command.startswith("!1"):
        command = command[2:]
    if not _COMMAND_RE.match(command):
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="invalid_command",
            translation_placeholders={"command": command},
        )
    coordinator = entry.runtime_data
    with action_errors(coordinator.client.host):
        if not call.data[ATTR_WAIT_FOR_REPLY]:
            await coordinator.async_send(command)
            return None
        reply = await coordinator.async_request(command, command[:3], call.data[ATTR_TIMEOUT])
    return {
        "command": reply.code,
        "parameters": reply.raw,
        "available": not isinstance(reply, NotAvailable),
    }

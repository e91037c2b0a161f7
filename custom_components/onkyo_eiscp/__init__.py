"""The Onkyo, Pioneer & Integra (eISCP) integration."""

from __future__ import annotations

import logging

from homeassistant.const import CONF_HOST, CONF_PORT, EVENT_HOMEASSISTANT_STOP, Platform
from homeassistant.core import Event, HomeAssistant
from homeassistant.exceptions import ConfigEntryError, ConfigEntryNotReady
from homeassistant.helpers import config_validation as cv, issue_registry as ir
from homeassistant.helpers.typing import ConfigType

from .const import DOMAIN, KEEPALIVE_IDLE, KEEPALIVE_TIMEOUT, SETUP_TIMEOUT
from .coordinator import OnkyoConfigEntry, OnkyoCoordinator
from .eiscp.client import Client
from .eiscp.errors import ConnectionClosedError
from .identify import IdentifyError, identify
from .services import async_setup_services

_LOGGER = logging.getLogger(__name__)

PLATFORMS: list[Platform] = [
    Platform.MEDIA_PLAYER,
    Platform.NUMBER,
    Platform.SELECT,
    Platform.SENSOR,
    Platform.SWITCH,
    Platform.UPDATE,
]

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the integration's services."""
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: OnkyoConfigEntry) -> bool:
    """Connect to the device, read what it is, and set up its entities."""
    host, port = entry.data[CONF_HOST], entry.data[CONF_PORT]
    client = Client(host, port, keepalive_idle=KEEPALIVE_IDLE, keepalive_timeout=KEEPALIVE_TIMEOUT)
    try:
        await client.connect()
        identity = await identify(client, timeout=SETUP_TIMEOUT)
    except (ConnectionClosedError, IdentifyError) as err:
        await client.close()
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key="cannot_connect",
            translation_placeholders={"host": host, "error": str(err)},
        ) from err

    issue_id = f"different_device_{entry.entry_id}"
    if identity.identifier and identity.identifier != entry.unique_id:
        await client.close()
        ir.async_create_issue(
            hass,
            DOMAIN,
            issue_id,
            is_fixable=False,
            severity=ir.IssueSeverity.ERROR,
            translation_key="different_device",
            translation_placeholders={
                "host": host,
                "title": entry.title,
                "model": identity.info.model,
            },
        )
        raise ConfigEntryError(
            translation_domain=DOMAIN,
            translation_key="different_device",
            translation_placeholders={"host": host, "model": identity.info.model},
        )
    ir.async_delete_issue(hass, DOMAIN, issue_id)

    coordinator = OnkyoCoordinator(hass, entry, client, identity.info, entry.unique_id or host)
    entry.runtime_data = coordinator
    await coordinator.async_start()

    async def _on_stop(event: Event) -> None:
        await coordinator.async_shutdown()

    entry.async_on_unload(hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, _on_stop))
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: OnkyoConfigEntry) -> bool:
    """Unload the entities and close the connection."""
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    if unloaded:
        await entry.runtime_data.async_shutdown()
    return unloaded

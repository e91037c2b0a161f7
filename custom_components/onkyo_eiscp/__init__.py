"""The Onkyo, Pioneer & Integra (eISCP) integration."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
import dataclasses
import logging
from typing import Any, NoReturn

from homeassistant.const import CONF_HOST, CONF_PORT, EVENT_HOMEASSISTANT_STOP, Platform
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryError, ConfigEntryNotReady
from homeassistant.helpers import (
    config_validation as cv,
    entity_registry as er,
    issue_registry as ir,
)
from homeassistant.helpers.typing import ConfigType
from homeassistant.util.hass_dict import HassKey

from .const import (
    CONF_PIONEER_FACTS,
    CONF_PROTOCOL,
    CONF_SOURCES,
    DOMAIN,
    KEEPALIVE_IDLE,
    KEEPALIVE_TIMEOUT,
    PACING,
    PIONEER_PACING,
    PROTOCOL_PIONEER,
    SETUP_TIMEOUT,
    VERIFY_DELAY,
)
from .coordinator import OnkyoConfigEntry, OnkyoCoordinator, settings_store
from .eiscp.client import Client
from .eiscp.errors import ConnectionClosedError
from .eiscp.nri import DeviceInfo
from .eiscp.pioneer import Client as PioneerClient
from .eiscp.pioneer.bridge import BridgeClient, selector_to_eiscp
from .eiscp.pioneer.device_info import PioneerFacts, device_info, read_facts
from .identify import (
    IdentifyError,
    Identity,
    async_load_saved_info,
    async_remove_saved_nri,
    async_save_nri,
    identify,
    interview_pioneer,
)
from .services import async_setup_services
from .speaker import async_forget_renderer
from .takeover import async_setup as async_setup_takeover

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

# The background check of each entry set up from its saved NRI, by entry ID.
_VERIFYING: HassKey[dict[str, asyncio.Task[None]]] = HassKey(f"{DOMAIN}_verifying")
# Entries reloaded in this run because their NRI changed (at most once each).
_RELOADED_FOR_NRI: HassKey[set[str]] = HassKey(f"{DOMAIN}_reloaded_for_nri")


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the integration's services; watch for the built-in integration's entries."""
    async_setup_services(hass)
    async_setup_takeover(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: OnkyoConfigEntry) -> bool:
    """Connect to the device and set up its entities.

    The device's NRI, saved when it was last identified (by the config flow, or by an
    earlier setup), gives the entities at once; that the device at the address is still
    the same one, and its NRI still the same, is checked in the background. Without a
    saved NRI (entries older than the saved NRI, or after another device answered)
    the device is identified first, as before.
    """
    host, port = entry.data[CONF_HOST], entry.data[CONF_PORT]
    identifier = entry.unique_id
    if not identifier:
        raise ConfigEntryError(
            translation_domain=DOMAIN,
            translation_key="no_identifier",
            translation_placeholders={"title": entry.title},
        )
    if entry.data.get(CONF_PROTOCOL) == PROTOCOL_PIONEER:
        return await _async_setup_pioneer(hass, entry, identifier)
    saved = await async_load_saved_info(hass, identifier)
    client = Client(
        host,
        port,
        pacing=PACING,
        keepalive_idle=KEEPALIVE_IDLE,
        keepalive_timeout=KEEPALIVE_TIMEOUT,
    )
    try:
        await client.connect()
        identity = None if saved is not None else await identify(client, timeout=SETUP_TIMEOUT)
    except (ConnectionClosedError, IdentifyError) as err:
        await client.close()
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key="cannot_connect",
            translation_placeholders={"host": host, "error": str(err)},
        ) from err

    issue_id = _different_device_issue_id(entry)
    if identity is not None:
        if _is_different_device(identity, identifier):
            await client.close()
            _raise_different_device(hass, entry, identity.info.model)
        await async_save_nri(hass, identity)
        info = identity.info
    else:
        assert saved is not None
        info = saved
    ir.async_delete_issue(hass, DOMAIN, issue_id)

    await _async_start(hass, entry, OnkyoCoordinator(hass, entry, client, info, identifier))
    if saved is not None:
        _start_verify(hass, entry, _async_verify(hass, entry, client, saved))
    return True


async def _async_start(
    hass: HomeAssistant, entry: OnkyoConfigEntry, coordinator: OnkyoCoordinator
) -> None:
    """Start the coordinator and set up the platforms."""
    entry.runtime_data = coordinator
    await coordinator.async_start()

    async def _on_stop(event: Event) -> None:
        await coordinator.async_shutdown()

    entry.async_on_unload(hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, _on_stop))
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)


async def _async_setup_pioneer(
    hass: HomeAssistant, entry: OnkyoConfigEntry, identifier: str
) -> bool:
    """Set up a legacy Pioneer receiver: the same coordinator over the eISCP bridge.

    Its zones, inputs and model, found by the config flow's interview, are in the
    entry (its stand-in for a saved NRI): that the receiver at the address is still the
    same one is then checked in the background, as for an eISCP device's saved NRI. An
    entry without them interviews the receiver now, and another receiver at the address
    (another UDN or MAC) is the different-device repair. The coordinator speaks eISCP;
    :class:`BridgeClient` translates.
    """
    host, port = entry.data[CONF_HOST], entry.data[CONF_PORT]
    client = BridgeClient(
        PioneerClient(
            host,
            port,
            pacing=PIONEER_PACING,
            keepalive_idle=KEEPALIVE_IDLE,
            keepalive_timeout=KEEPALIVE_TIMEOUT,
        )
    )
    saved: dict[str, Any] | None = entry.data.get(CONF_PIONEER_FACTS)
    try:
        await client.connect()
        facts = (
            PioneerFacts.from_dict(saved)
            if saved is not None
            else await _async_interview_pioneer(hass, entry, client, identifier)
        )
    except ConnectionClosedError as err:
        await client.close()
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key="cannot_connect",
            translation_placeholders={"host": host, "error": str(err)},
        ) from err
    ir.async_delete_issue(hass, DOMAIN, _different_device_issue_id(entry))
    coordinator = OnkyoCoordinator(hass, entry, client, device_info(facts), identifier)
    await _async_start(hass, entry, coordinator)
    if saved is not None:
        _start_verify(hass, entry, _async_verify_pioneer(hass, entry, client.pioneer))
    return True


async def _async_interview_pioneer(
    hass: HomeAssistant, entry: OnkyoConfigEntry, client: BridgeClient, identifier: str
) -> PioneerFacts:
    """Who the receiver is (another one is the different-device repair), and what it has.

    ConnectionClosedError when it does not answer (``?P``).
    """
    found = await interview_pioneer(client.pioneer, timeout=SETUP_TIMEOUT)
    if found is None:
        raise ConnectionClosedError("the receiver does not answer")
    if found.differs_from(identifier):
        await client.close()
        _raise_different_device(hass, entry, found.model or "")
    return await read_facts(client.pioneer, found.model or "", found.mac)


async def _async_verify_pioneer(
    hass: HomeAssistant, entry: OnkyoConfigEntry, client: PioneerClient
) -> None:
    """Check, after a setup from the saved facts, that the receiver is the same one.

    Another receiver at the address: its saved facts are forgotten and the entry
    reloaded, so that setup interviews it first and raises the different-device repair.
    """
    await asyncio.sleep(VERIFY_DELAY)
    try:
        found = await interview_pioneer(client, timeout=SETUP_TIMEOUT)
    except ConnectionClosedError as err:
        _LOGGER.debug("Could not check the receiver at %s: %s", client.host, err)
        return
    if found is None or not found.differs_from(entry.runtime_data.identifier):
        _LOGGER.debug("%s is still the receiver of %s", client.host, entry.title)
        return
    _LOGGER.warning(
        "%s answers at %s instead of the receiver of %s", found.model, client.host, entry.title
    )
    data = {key: value for key, value in entry.data.items() if key != CONF_PIONEER_FACTS}
    hass.config_entries.async_update_entry(entry, data=data)
    hass.config_entries.async_schedule_reload(entry.entry_id)


async def async_migrate_entry(hass: HomeAssistant, entry: OnkyoConfigEntry) -> bool:
    """Bring an entry from an earlier version up to date.

    1.1 -> 1.2: a legacy Pioneer receiver's inputs were offered under Pioneer's own ids,
    and its HDZone was zone 4. Its chosen inputs take the eISCP selector ids the bridge
    now gives them (the tuner ``02`` is ``26``, ...), and the HDZone's entities keep their
    history under their new unique IDs (``_zone4`` -> ``_hdzone``).
    """
    if entry.version > 1:
        return False  # from a newer release: nothing here can read it
    if entry.minor_version < 2 and entry.data.get(CONF_PROTOCOL) == PROTOCOL_PIONEER:
        options = dict(entry.options)
        if isinstance(chosen := options.get(CONF_SOURCES), list):
            options[CONF_SOURCES] = [selector_to_eiscp(str(i)) for i in chosen]
        if entry.unique_id:
            old, new = f"{entry.unique_id}_zone4", f"{entry.unique_id}_hdzone"

            @callback
            def hdzone(entity: er.RegistryEntry) -> dict[str, Any] | None:
                if not entity.unique_id.startswith(old):
                    return None
                return {"new_unique_id": new + entity.unique_id.removeprefix(old)}

            await er.async_migrate_entries(hass, entry.entry_id, hdzone)
        hass.config_entries.async_update_entry(entry, options=options)
    if entry.minor_version < 2:
        hass.config_entries.async_update_entry(entry, minor_version=2)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: OnkyoConfigEntry) -> bool:
    """Unload the entities and close the connection."""
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    if unloaded:
        # The check's queries end before the connection does (not failed by its close).
        if (verify := hass.data.get(_VERIFYING, {}).pop(entry.entry_id, None)) is not None:
            verify.cancel()
            await asyncio.gather(verify, return_exceptions=True)
        await entry.runtime_data.async_shutdown()
    return unloaded


async def async_remove_entry(hass: HomeAssistant, entry: OnkyoConfigEntry) -> None:
    """Forget the device's saved NRI, the settings it was found to have, its renderer."""
    if entry.unique_id:
        await async_remove_saved_nri(hass, entry.unique_id)
    await settings_store(hass, entry.entry_id).async_remove()
    await async_forget_renderer(hass, entry.entry_id)


# --- the device behind the address -----------------------------------------------------


def _different_device_issue_id(entry: OnkyoConfigEntry) -> str:
    return f"different_device_{entry.entry_id}"


def _is_different_device(identity: Identity, identifier: str) -> bool:
    """Whether the device that answered is not the entry's (one without ID cannot tell)."""
    return bool(identity.identifier) and identity.identifier != identifier


def _raise_different_device(hass: HomeAssistant, entry: OnkyoConfigEntry, model: str) -> NoReturn:
    """Raise the repair issue and fail setup: the address now belongs to another device."""
    host = entry.data[CONF_HOST]
    ir.async_create_issue(
        hass,
        DOMAIN,
        _different_device_issue_id(entry),
        is_fixable=False,
        severity=ir.IssueSeverity.ERROR,
        translation_key="different_device",
        translation_placeholders={
            "host": host,
            "title": entry.title,
            "model": model,
        },
    )
    raise ConfigEntryError(
        translation_domain=DOMAIN,
        translation_key="different_device",
        translation_placeholders={"host": host, "model": model},
    )


def _entity_facts(info: DeviceInfo) -> DeviceInfo:
    """What of an NRI decides the entities: all but the presets (the browser reads those)."""
    return dataclasses.replace(info, presets=())


def _start_verify(
    hass: HomeAssistant, entry: OnkyoConfigEntry, check: Coroutine[Any, Any, None]
) -> None:
    """Run ``check`` of the device (:func:`_async_verify`) in the background."""
    task = entry.async_create_background_task(hass, check, f"onkyo_eiscp verify {entry.title}")
    verifying = hass.data.setdefault(_VERIFYING, {})
    verifying[entry.entry_id] = task

    def _done(_: asyncio.Task[None]) -> None:
        if verifying.get(entry.entry_id) is task:
            del verifying[entry.entry_id]

    task.add_done_callback(_done)


async def _async_verify(
    hass: HomeAssistant, entry: OnkyoConfigEntry, client: Client, saved: DeviceInfo
) -> None:
    """Check, after a setup from the saved NRI, that the device and its NRI are the same.

    Another device at the address: its saved NRI is forgotten and the entry reloaded,
    so that setup identifies the device first and raises the different-device repair.
    A changed NRI is saved; when it changes the entities, the entry is reloaded.
    """
    coordinator = entry.runtime_data
    identifier = coordinator.identifier
    # The state queries go first: the check must not delay what the entities show.
    await asyncio.sleep(VERIFY_DELAY)
    try:
        identity = await identify(client, timeout=SETUP_TIMEOUT)
    except IdentifyError as err:
        _LOGGER.debug("Could not check the device at %s: %s", coordinator.client.host, err)
        return
    if _is_different_device(identity, identifier):
        _LOGGER.warning(
            "%s answers at %s instead of the device of %s",
            identity.info.model,
            coordinator.client.host,
            entry.title,
        )
        await async_remove_saved_nri(hass, identifier)
        hass.config_entries.async_schedule_reload(entry.entry_id)
        return
    if not identity.from_nri or identity.info == saved:
        _LOGGER.debug("%s is still the device of %s", coordinator.client.host, entry.title)
        return
    await async_save_nri(hass, identity)
    if _entity_facts(identity.info) == _entity_facts(saved):
        coordinator.info = identity.info
        return
    reloaded = hass.data.setdefault(_RELOADED_FOR_NRI, set())
    if entry.entry_id in reloaded:
        # A device whose NRI differs from one read to the next must not reload forever.
        _LOGGER.warning(
            "The receiver information of %s changed again since its reload; "
            "the entities follow it at the next restart",
            entry.title,
        )
        return
    reloaded.add(entry.entry_id)
    _LOGGER.info("The receiver information of %s changed; reloading", entry.title)
    hass.config_entries.async_schedule_reload(entry.entry_id)

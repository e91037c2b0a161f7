"""Config flow: discover or enter an eISCP device, confirm, reconfigure, options."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
import logging
from typing import Any, cast
from urllib.parse import urlparse

import voluptuous as vol

from homeassistant.components import network
from homeassistant.config_entries import (
    ConfigEntry,
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlowWithReload,
)
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import callback
from homeassistant.data_entry_flow import AbortFlow, section
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
)
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
from homeassistant.helpers.service_info.ssdp import SsdpServiceInfo

from .const import (
    CONF_ANNOUNCE_TIME_LIMIT,
    CONF_ANNOUNCE_VOLUME,
    CONF_LISTENING_MODE_NAMES,
    CONF_LISTENING_MODES,
    CONF_PIONEER_FACTS,
    CONF_PROTOCOL,
    CONF_RELEASE_WHILE_OFF,
    CONF_SOURCE_NAMES,
    CONF_SOURCES,
    CONF_VOLUME_LIMIT,
    DEFAULT_ANNOUNCE_TIME_LIMIT,
    DEFAULT_RELEASE_WHILE_OFF,
    DEFAULT_VOLUME_LIMIT,
    DISCOVERY_TIMEOUT,
    DOMAIN,
    VALIDATE_TIMEOUT,
)
from .coordinator import OnkyoConfigEntry, settings_store
from .eiscp.capabilities import Capabilities
from .eiscp.client import Client
from .eiscp.codes import LISTENING_MODE_NAMES, brand_name
from .eiscp.const import DEFAULT_PORT
from .eiscp.discovery import DiscoveredDevice, discover
from .eiscp.errors import ConnectionClosedError
from .eiscp.nri import DeviceInfo
from .eiscp.pioneer.const import PORTS as PIONEER_PORTS, UPNP_DESCRIPTION_PATH, UPNP_PORT
from .eiscp.pioneer.device_info import PioneerFacts, device_info
from .identify import (
    IdentifyError,
    Identity,
    async_load_saved_info,
    async_save_nri,
    identify,
    identify_pioneer,
    normalize_identifier,
)
from .settings import ZONE2_MODE_NAMES
from .takeover import builtin_entry_for, options_from_builtin

_LOGGER = logging.getLogger(__name__)

CONF_DEVICE = "device"
# The manufacturer legacy Pioneer receivers (before 2016) announce over SSDP.
PIONEER_LEGACY_MANUFACTURER = "PIONEER CORPORATION"


def _manual_schema(host: str = "", port: int = DEFAULT_PORT) -> vol.Schema:
    return vol.Schema(
        {
            vol.Required(CONF_HOST, default=host): TextSelector(),
            vol.Required(CONF_PORT, default=port): vol.All(
                vol.Coerce(int), vol.Range(min=1, max=65535)
            ),
        }
    )


async def async_identify(host: str, port: int) -> Identity:
    """Identify the device at ``host:port``, whichever protocol it speaks there.

    On the legacy Pioneer ports (8102, 23) the Pioneer protocol is tried first, then
    eISCP; on any other port eISCP first, then, when eISCP gets no identity, the
    Pioneer protocol. Raises IdentifyError with a config-flow error key (the eISCP
    attempt's, when neither protocol answers).
    """
    if port in PIONEER_PORTS:
        pioneer = await identify_pioneer(host, port, timeout=VALIDATE_TIMEOUT)
        if pioneer is not None:
            return pioneer
        return await _async_identify_eiscp(host, port)
    try:
        return await _async_identify_eiscp(host, port)
    except IdentifyError as err:
        try:
            pioneer = await identify_pioneer(host, port, timeout=VALIDATE_TIMEOUT)
        except IdentifyError:
            raise err from None
        if pioneer is None:
            raise
        return pioneer


async def _async_identify_eiscp(host: str, port: int) -> Identity:
    """Connect to ``host:port`` by eISCP, identify the device, and always close.

    Raises IdentifyError with a config-flow error key.
    """
    client = Client(host, port, connect_timeout=VALIDATE_TIMEOUT)
    try:
        await client.connect()
        return await identify(client, timeout=VALIDATE_TIMEOUT)
    except ConnectionClosedError as err:
        raise IdentifyError("cannot_connect", str(err)) from err
    finally:
        await client.close()


def _entry_data(identity: Identity, host: str, port: int) -> dict[str, Any]:
    """The entry's data: the address, and for a legacy Pioneer receiver its protocol and facts."""
    data: dict[str, Any] = {CONF_HOST: host, CONF_PORT: port}
    if identity.pioneer is not None:
        data[CONF_PROTOCOL] = identity.protocol
        data[CONF_PIONEER_FACTS] = identity.pioneer.as_dict()
    return data


# The states of an entry that a new address reloads (as Home Assistant's own abort does).
_RELOAD_ON_NEW_ADDRESS = (ConfigEntryState.LOADED, ConfigEntryState.SETUP_RETRY)


def _seen(entry: ConfigEntry, address: Mapping[str, Any]) -> bool:
    """Discovery saw the configured device of ``entry``; whether at its known address.

    There, a loaded entry's connection, released while the device was off, reconnects
    now (in the background). A new address reloads the entry, which connects anew.
    """
    if any(entry.data.get(key) != value for key, value in address.items()):
        return False
    if entry.state is ConfigEntryState.LOADED:
        coordinator = cast(OnkyoConfigEntry, entry).runtime_data
        entry.async_create_background_task(
            coordinator.hass, coordinator.async_device_seen(), f"onkyo_eiscp seen {entry.title}"
        )
    return True


def _title(identity: Identity) -> str:
    info = identity.info
    return f"{brand_name(info.brand)} {info.model}".strip() or info.model


class OnkyoConfigFlow(ConfigFlow, domain=DOMAIN):
    """Add an Onkyo, Pioneer or Integra device."""

    VERSION = 1
    # 2: legacy Pioneer entries keep eISCP selector ids and an HDZone of its own
    # (``__init__.async_migrate_entry``).
    MINOR_VERSION = 2

    def __init__(self) -> None:
        """Start with nothing found."""
        self._found: dict[str, DiscoveredDevice] = {}
        self._host = ""
        self._port = DEFAULT_PORT
        self._identity: Identity | None = None

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: OnkyoConfigEntry) -> OnkyoOptionsFlow:
        """The options flow."""
        return OnkyoOptionsFlow()

    # --- user --------------------------------------------------------------------

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Offer discovery or manual entry."""
        return self.async_show_menu(step_id="user", menu_options=["discovery", "manual"])

    async def async_step_discovery(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Broadcast ECN and let the user pick a device that is not configured yet."""
        errors: dict[str, str] = {}
        if user_input is not None:
            device = self._found[user_input[CONF_DEVICE]]
            result = await self._async_create_from(device.host, device.port, errors)
            if result is not None:
                return result
        else:
            addresses = [
                str(address)
                for address in await network.async_get_ipv4_broadcast_addresses(self.hass)
            ]
            configured = {
                entry.unique_id: entry
                for entry in self._async_current_entries(include_ignore=False)
            }
            found = await discover(addresses, port=DEFAULT_PORT, timeout=DISCOVERY_TIMEOUT)
            self._found = {}
            for d in found:
                if (entry := configured.get(normalize_identifier(d.identifier))) is None:
                    self._found[d.identifier or d.host] = d
                elif (
                    not _seen(entry, {CONF_HOST: d.host})
                    and self.hass.config_entries.async_update_entry(
                        entry, data={**entry.data, CONF_HOST: d.host}
                    )
                    and entry.state in _RELOAD_ON_NEW_ADDRESS
                ):
                    self.hass.config_entries.async_schedule_reload(entry.entry_id)
            if not self._found:
                return await self.async_step_discovery_none()
        options = [
            SelectOptionDict(value=key, label=f"{d.model} ({d.host})")
            for key, d in self._found.items()
        ]
        return self.async_show_form(
            step_id="discovery",
            data_schema=vol.Schema(
                {
                    vol.Required(CONF_DEVICE): SelectSelector(
                        SelectSelectorConfig(options=options, mode=SelectSelectorMode.LIST)
                    )
                }
            ),
            errors=errors,
        )

    async def async_step_discovery_none(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Say nothing new was found; offer to search again or enter an address."""
        return self.async_show_menu(step_id="discovery_none", menu_options=["discovery", "manual"])

    async def async_step_manual(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Let the user type a host and port."""
        errors: dict[str, str] = {}
        host, port = "", DEFAULT_PORT
        if user_input is not None:
            host, port = user_input[CONF_HOST].strip(), user_input[CONF_PORT]
            result = await self._async_create_from(host, port, errors)
            if result is not None:
                return result
        return self.async_show_form(
            step_id="manual", data_schema=_manual_schema(host, port), errors=errors
        )

    async def _async_create_from(
        self, host: str, port: int, errors: dict[str, str]
    ) -> ConfigFlowResult | None:
        """Identify ``host:port`` and create its entry; on failure fill ``errors``."""
        identity = await self._async_try_identify(host, port, errors)
        if identity is None:
            return None
        await self._async_set_identity(identity, host, port)
        return await self._async_create(identity, host, port)

    async def _async_set_identity(self, identity: Identity, host: str, port: int) -> None:
        """Make the device's identifier the flow's unique ID; abort if it is configured.

        A device that gives no identifier at all cannot be told apart from another at
        the same address later, so it cannot be added (the address is no unique ID).
        """
        if not identity.identifier:
            raise AbortFlow("no_identifier")
        await self.async_set_unique_id(identity.identifier)
        self._abort_if_configured({CONF_HOST: host, CONF_PORT: port})

    def _abort_if_configured(self, updates: dict[str, Any]) -> None:
        """Abort if the flow's device is configured, updating its address (see _seen)."""
        entry = self.hass.config_entries.async_entry_for_domain_unique_id(
            DOMAIN, self.unique_id or ""
        )
        if entry is not None:
            _seen(entry, updates)
        self._abort_if_unique_id_configured(updates=updates)

    async def _async_create(self, identity: Identity, host: str, port: int) -> ConfigFlowResult:
        """Create the entry, keeping the device's NRI so that setup need not ask again.

        An eISCP device that the built-in integration has too starts with the names,
        choices and volume limit of that entry (``takeover.py``).
        """
        await async_save_nri(self.hass, identity)
        options: dict[str, Any] = {}
        if identity.pioneer is None and (
            builtin := builtin_entry_for(self.hass, identity.identifier, host)
        ):
            options = options_from_builtin(builtin, identity.info)
        return self.async_create_entry(
            title=_title(identity), data=_entry_data(identity, host, port), options=options
        )

    async def _async_try_identify(
        self, host: str, port: int, errors: dict[str, str]
    ) -> Identity | None:
        try:
            return await async_identify(host, port)
        except IdentifyError as err:
            _LOGGER.debug("Could not identify %s:%s: %s", host, port, err)
            errors["base"] = err.reason
        except Exception:
            _LOGGER.exception("Unexpected error identifying %s:%s", host, port)
            errors["base"] = "unknown"
        return None

    # --- discovery by Home Assistant ------------------------------------------------

    async def async_step_ssdp(self, discovery_info: SsdpServiceInfo) -> ConfigFlowResult:
        """A media renderer from a known manufacturer answered SSDP."""
        location = urlparse(discovery_info.ssdp_location or "")
        host = location.hostname
        if not host:
            return self.async_abort(reason="cannot_connect")
        if discovery_info.upnp.get("manufacturer") == PIONEER_LEGACY_MANUFACTURER:
            return await self._async_discovered_pioneer(
                host, location.port or UPNP_PORT, location.path or UPNP_DESCRIPTION_PATH
            )
        return await self._async_discovered(host, DEFAULT_PORT)

    async def _async_discovered_pioneer(
        self, host: str, upnp_port: int, upnp_path: str
    ) -> ConfigFlowResult:
        """A legacy Pioneer receiver announced itself: interview it on 8102, then 23."""
        reason = "not_eiscp"
        for port in PIONEER_PORTS:
            try:
                identity = await identify_pioneer(
                    host,
                    port,
                    timeout=VALIDATE_TIMEOUT,
                    upnp_port=upnp_port,
                    upnp_path=upnp_path,
                )
            except IdentifyError as err:
                reason = err.reason
                continue
            if identity is not None:
                return await self._async_found(identity, host, port)
        return self.async_abort(reason=reason)

    async def async_step_dhcp(self, discovery_info: DhcpServiceInfo) -> ConfigFlowResult:
        """A device with Onkyo's MAC prefix joined the network."""
        await self.async_set_unique_id(normalize_identifier(discovery_info.macaddress))
        self._abort_if_configured({CONF_HOST: discovery_info.ip})
        return await self._async_discovered(discovery_info.ip, DEFAULT_PORT)

    async def _async_discovered(self, host: str, port: int) -> ConfigFlowResult:
        try:
            identity = await async_identify(host, port)
        except IdentifyError as err:
            return self.async_abort(reason=err.reason)
        return await self._async_found(identity, host, port)

    async def _async_found(self, identity: Identity, host: str, port: int) -> ConfigFlowResult:
        await self._async_set_identity(identity, host, port)
        self._host, self._port, self._identity = host, port, identity
        self.context["title_placeholders"] = {"name": _title(identity)}
        return await self.async_step_discovery_confirm()

    async def async_step_discovery_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask the user to confirm a discovered device."""
        assert self._identity is not None
        if user_input is not None:
            return await self._async_create(self._identity, self._host, self._port)
        self._set_confirm_only()
        return self.async_show_form(
            step_id="discovery_confirm",
            description_placeholders={"name": _title(self._identity), "host": self._host},
        )

    # --- reconfigure ---------------------------------------------------------------

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the host or port of a configured device."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        host, port = entry.data[CONF_HOST], entry.data[CONF_PORT]
        if user_input is not None:
            host, port = user_input[CONF_HOST].strip(), user_input[CONF_PORT]
            identity = await self._async_try_identify(host, port, errors)
            if identity is not None:
                if not identity.identifier:
                    return self.async_abort(reason="no_identifier")
                await self.async_set_unique_id(identity.identifier)
                self._abort_if_unique_id_mismatch(reason="different_device")
                await async_save_nri(self.hass, identity)
                return self.async_update_reload_and_abort(
                    entry, data=_entry_data(identity, host, port)
                )
        return self.async_show_form(
            step_id="reconfigure", data_schema=_manual_schema(host, port), errors=errors
        )


def _announce_schema(options: Mapping[str, Any]) -> dict[vol.Marker, Any]:
    """Announcements: their volume (empty: the current one) and how long one may play."""
    return {
        vol.Optional(
            CONF_ANNOUNCE_VOLUME,
            description={"suggested_value": options.get(CONF_ANNOUNCE_VOLUME)},
        ): NumberSelector(
            NumberSelectorConfig(
                min=0, max=100, step=1, unit_of_measurement="%", mode=NumberSelectorMode.SLIDER
            )
        ),
        vol.Required(
            CONF_ANNOUNCE_TIME_LIMIT,
            default=options.get(CONF_ANNOUNCE_TIME_LIMIT, DEFAULT_ANNOUNCE_TIME_LIMIT),
        ): NumberSelector(
            NumberSelectorConfig(
                min=5, max=3600, step=1, unit_of_measurement="s", mode=NumberSelectorMode.BOX
            )
        ),
    }


class OnkyoOptionsFlow(OptionsFlowWithReload):
    """Volume limit, releasing the connection, inputs; then the names of inputs and modes."""

    def __init__(self) -> None:
        """Nothing chosen yet."""
        self._options: dict[str, Any] = {}
        self._info: DeviceInfo | None = None
        self._info_loaded = False
        # The names step's fields: key -> (selector id or LMD code, the device's name).
        self._source_fields: dict[str, tuple[str, str]] = {}
        self._mode_fields: dict[str, tuple[str, str]] = {}
        self._main_modes: list[str] = []

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Show the options form; then the names, where the device has inputs or modes."""
        entry: OnkyoConfigEntry = self.config_entry
        info = await self._async_device_info(entry)
        if user_input is not None:
            # Merge: keys the form did not show (the inputs of an entry that is not
            # loaded, whose device's inputs are unknown) keep their saved values.
            data = {**entry.options, **user_input}
            if CONF_ANNOUNCE_VOLUME not in user_input:
                data.pop(CONF_ANNOUNCE_VOLUME, None)  # emptied: announce at the current volume
            self._options = data
            if await self._async_prepare_names(entry, info):
                return await self.async_step_names()
            return self.async_create_entry(data=data)
        options = entry.options
        schema: dict[vol.Marker, Any] = {
            vol.Required(
                CONF_VOLUME_LIMIT, default=options.get(CONF_VOLUME_LIMIT, DEFAULT_VOLUME_LIMIT)
            ): NumberSelector(
                NumberSelectorConfig(
                    min=1, max=100, step=1, unit_of_measurement="%", mode=NumberSelectorMode.SLIDER
                )
            ),
        }
        schema[
            vol.Required(
                CONF_RELEASE_WHILE_OFF,
                default=options.get(CONF_RELEASE_WHILE_OFF, DEFAULT_RELEASE_WHILE_OFF),
            )
        ] = BooleanSelector()
        schema.update(_announce_schema(options))
        selectors = info.selectors if info is not None else ()
        if selectors:
            all_ids = [s.id for s in selectors if s.enabled]
            schema[vol.Required(CONF_SOURCES, default=options.get(CONF_SOURCES, all_ids))] = (
                SelectSelector(
                    SelectSelectorConfig(
                        options=[
                            SelectOptionDict(value=s.id, label=s.name)
                            for s in selectors
                            if s.enabled
                        ],
                        multiple=True,
                        mode=SelectSelectorMode.DROPDOWN,
                    )
                )
            )
        return self.async_show_form(step_id="init", data_schema=vol.Schema(schema))

    async def async_step_names(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Rename inputs and listening modes (empty: the device's name); choose the modes."""
        data = self._options
        errors: dict[str, str] = {}
        placeholders = {"name": ""}
        if user_input is not None:
            try:
                sources = _names(
                    user_input.get(CONF_SOURCE_NAMES, {}),
                    self._source_fields,
                    data.get(CONF_SOURCE_NAMES, {}),
                )
                modes = _names(
                    user_input.get(CONF_LISTENING_MODE_NAMES, {}),
                    self._mode_fields,
                    data.get(CONF_LISTENING_MODE_NAMES, {}),
                )
            except _NameError as err:
                errors["base"] = err.reason
                placeholders["name"] = err.name
            else:
                _set_or_drop(data, CONF_SOURCE_NAMES, sources)
                _set_or_drop(data, CONF_LISTENING_MODE_NAMES, modes)
                if CONF_LISTENING_MODES in user_input:
                    offered = user_input[CONF_LISTENING_MODES]
                    if set(self._main_modes) <= set(offered):
                        data.pop(CONF_LISTENING_MODES, None)  # all: and any the device reports
                    else:
                        data[CONF_LISTENING_MODES] = [c for c in self._main_modes if c in offered]
                return self.async_create_entry(data=data)
        return self.async_show_form(
            step_id="names",
            data_schema=vol.Schema(self._names_schema(user_input)),
            errors=errors,
            description_placeholders=placeholders,
        )

    def _names_schema(self, user_input: Mapping[str, Any] | None) -> dict[vol.Marker, Any]:
        """One text field per input and per listening mode, and the modes to offer."""
        data = self._options
        schema: dict[vol.Marker, Any] = {}
        if self._main_modes:
            offered = data.get(CONF_LISTENING_MODES, self._main_modes)
            if user_input is not None:
                offered = user_input.get(CONF_LISTENING_MODES, offered)
            mode_names = data.get(CONF_LISTENING_MODE_NAMES, {})
            labels = dict(self._mode_fields.values())
            schema[vol.Required(CONF_LISTENING_MODES, default=list(offered))] = SelectSelector(
                SelectSelectorConfig(
                    options=[
                        SelectOptionDict(value=code, label=mode_names.get(code) or labels[code])
                        for code in self._main_modes
                    ],
                    multiple=True,
                    mode=SelectSelectorMode.DROPDOWN,
                )
            )
        for key, fields in (
            (CONF_SOURCE_NAMES, self._source_fields),
            (CONF_LISTENING_MODE_NAMES, self._mode_fields),
        ):
            if not fields:
                continue
            saved = data.get(key, {})
            typed = (user_input or {}).get(key)
            schema[vol.Required(key)] = section(
                vol.Schema(
                    {
                        vol.Optional(
                            field,
                            description={
                                "suggested_value": typed.get(field, "")
                                if typed is not None
                                else saved.get(code) or field
                            },
                        ): TextSelector()
                        for field, (code, _) in fields.items()
                    }
                ),
                {"collapsed": False},
            )
        return schema

    async def _async_prepare_names(self, entry: OnkyoConfigEntry, info: DeviceInfo | None) -> bool:
        """Work out the names step's fields; whether there is anything to name."""
        if info is None:
            return False
        chosen = self._options.get(CONF_SOURCES)
        self._source_fields = _fields(
            (s.id, s.name) for s in info.selectors if s.enabled and (not chosen or s.id in chosen)
        )
        if hasattr(entry, "runtime_data"):
            coordinator = entry.runtime_data
            self._main_modes = list(coordinator.listening_modes)
            zone2 = coordinator.has_setting(ZONE2_MODE_CODE)
        else:
            self._main_modes = list(Capabilities.from_info(info).listening_modes)
            stored = await settings_store(self.hass, entry.entry_id).async_load() or {}
            zone2 = stored.get("settings", {}).get(ZONE2_MODE_CODE) is True
        modes = [(code, LISTENING_MODE_NAMES.get(code, code)) for code in self._main_modes]
        if zone2:  # zone 2's own modes that the main zone lacks
            modes += [(c, n) for c, n in ZONE2_MODE_NAMES.items() if c not in self._main_modes]
        self._mode_fields = _fields(modes)
        return bool(self._source_fields or self._mode_fields)

    async def _async_device_info(self, entry: OnkyoConfigEntry) -> DeviceInfo | None:
        """What the device has: from the running entry, else from its saved NRI."""
        if not self._info_loaded:
            self._info = await self._async_load_device_info(entry)
            self._info_loaded = True
        return self._info

    async def _async_load_device_info(self, entry: OnkyoConfigEntry) -> DeviceInfo | None:
        if hasattr(entry, "runtime_data"):
            return entry.runtime_data.info
        if (facts := entry.data.get(CONF_PIONEER_FACTS)) is not None:
            return device_info(PioneerFacts.from_dict(facts))
        if entry.unique_id:
            return await async_load_saved_info(self.hass, entry.unique_id)
        return None


# Zone 2's own listening-mode command: where the device has it, its modes can be named.
ZONE2_MODE_CODE = "LMZ"


class _NameError(Exception):
    """A name the names step cannot take: its error key and the name."""

    def __init__(self, reason: str, name: str) -> None:
        super().__init__(reason, name)
        self.reason = reason
        self.name = name


def _fields(items: Iterable[tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """Field key -> (id, the device's name); the key is the device's name, the field's label.

    Where two share a name, their keys are "<name> (<id>)".
    """
    pairs = [(code, name or code) for code, name in items]
    counts = Counter(name.casefold() for _, name in pairs)
    return {
        (name if counts[name.casefold()] == 1 else f"{name} ({code})"): (code, name)
        for code, name in pairs
    }


def _names(
    typed: Mapping[str, Any], fields: Mapping[str, tuple[str, str]], saved: Mapping[str, str]
) -> dict[str, str]:
    """The user's names ({id: name}) after the names step.

    An empty field, or the device's name, means the device's name. A name of blanks is
    refused, and so is a name the user gave that another field of the list also ends
    with (names select inputs and modes). Names of ids the form did not show (inputs not
    offered) are kept.
    """
    shown = {code for code, _ in fields.values()}
    names = {code: name for code, name in saved.items() if code not in shown}
    finals: dict[str, bool] = {}  # each name the list ends with (casefolded) -> renamed
    for field, (code, device_name) in fields.items():
        value = str(typed.get(field) or "")
        name = value.strip()
        if value and not name:
            raise _NameError("blank_name", field)
        renamed = bool(name) and name != device_name
        final = name if renamed else device_name
        if renamed:
            names[code] = name
        key = final.casefold()
        if key in finals and (renamed or finals[key]):
            # (two device names alike are the device's, not a mistake to refuse)
            raise _NameError("duplicate_name", final)
        finals[key] = finals.get(key, False) or renamed
    return names


def _set_or_drop(data: dict[str, Any], key: str, value: dict[str, str]) -> None:
    """Keep ``value`` under ``key``, or no key at all when it is empty."""
    if value:
        data[key] = value
    else:
        data.pop(key, None)

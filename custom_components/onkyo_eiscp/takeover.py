"""Taking over from Home Assistant's built-in ``onkyo`` integration.

When the built-in integration already has an entry for the device that a new entry is
for (the same identifier, or the same host), the new entry starts with that entry's
input names and choices, its listening-mode names and choices, and its maximum volume
as our volume limit. While both are set up for one receiver, a repair issue offers to
disable the built-in entry (``repairs.py``): two integrations use two of the receiver's
few client connections and fight over its state.

The built-in integration keeps, in its entry's options (Home Assistant 2025.x-2026.x):

- ``volume_resolution``: the raw level it takes as full volume (50, 80, 100 or 200);
- ``max_volume``: the percent of that it maps Home Assistant's 100 % to (1-100);
- ``input_sources``: ``{SLI code: name}`` of the inputs it offers;
- ``listening_modes``: ``{LMD code: name}`` of the listening modes it offers
  (absent in entries older than the option).

Its codes are the spec's, two uppercase hex digits, as ours. A name nobody changed is
the code's meaning, several of them joined by " ··· " ("DVD ··· BD/DVD"); such names
are not carried over, nor names that are ours already, so that the device's own names
show. Its unique ID is the identifier the receiver gives in its ECN reply (or the last
part of its UPnP UDN), its data ``{"host": ...}``.
"""

from __future__ import annotations

from collections.abc import Mapping
import logging
import re
from typing import Any, Final

from homeassistant.config_entries import (
    SIGNAL_CONFIG_ENTRY_CHANGED,
    SOURCE_IGNORE,
    ConfigEntry,
    ConfigEntryChange,
)
from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.dispatcher import async_dispatcher_connect

from .const import (
    CONF_LISTENING_MODE_NAMES,
    CONF_LISTENING_MODES,
    CONF_SOURCE_NAMES,
    CONF_SOURCES,
    CONF_VOLUME_LIMIT,
    DOMAIN,
)
from .eiscp.capabilities import Capabilities
from .eiscp.codes import LISTENING_MODE_NAMES, SELECTOR_NAMES
from .eiscp.const import Zone
from .eiscp.nri import DeviceInfo
from .identify import normalize_identifier

_LOGGER = logging.getLogger(__name__)

BUILTIN_DOMAIN: Final = "onkyo"
# The built-in integration's option keys and defaults (its const.py).
BUILTIN_VOLUME_RESOLUTION: Final = "volume_resolution"
BUILTIN_MAX_VOLUME: Final = "max_volume"
BUILTIN_INPUT_SOURCES: Final = "input_sources"
BUILTIN_LISTENING_MODES: Final = "listening_modes"
_BUILTIN_DEFAULT_VOLUME_RESOLUTION: Final = 50
_BUILTIN_DEFAULT_MAX_VOLUME: Final = 100.0
# What joins the meanings of a code in the name the built-in gives it by default.
_MEANINGS_SEPARATOR: Final = "···"

ISSUE_TRANSLATION_KEY: Final = "builtin_integration"
# The issue's data: the built-in entry the fix disables.
ISSUE_ENTRY_ID: Final = "entry_id"
# Our volume limit's range (the options flow's slider) and the decimals kept: six keep
# every raw level the same as the built-in's (a limit off by 5e-7 % moves a raw level
# of at most 200 by 1e-6, less than any level's distance from a rounding boundary).
_LIMIT_MIN: Final = 1.0
_LIMIT_MAX: Final = 100.0
_LIMIT_DECIMALS: Final = 6


def issue_id(entry_id: str) -> str:
    """The repair issue of our entry ``entry_id`` while a built-in entry shares its device."""
    return f"{ISSUE_TRANSLATION_KEY}_{entry_id}"


def _same_host(a: object, b: object) -> bool:
    return isinstance(a, str) and isinstance(b, str) and a.strip().lower() == b.strip().lower()


@callback
def builtin_entry_for(
    hass: HomeAssistant, identifier: str, host: str, *, enabled_only: bool = False
) -> ConfigEntry | None:
    """The built-in integration's entry for the device with ``identifier`` or at ``host``.

    Entries the user chose to ignore in discovery are no entries; with ``enabled_only``,
    neither are disabled ones. The identifier matches first, then the host.
    """
    entries = hass.config_entries.async_entries(
        BUILTIN_DOMAIN, include_ignore=False, include_disabled=not enabled_only
    )
    wanted = normalize_identifier(identifier)
    for entry in entries:
        if wanted and entry.unique_id and normalize_identifier(entry.unique_id) == wanted:
            return entry
    return next((e for e in entries if _same_host(e.data.get(CONF_HOST), host)), None)


def volume_limit(max_volume: float, volume_resolution: float, max_raw: int) -> float | None:
    """Our volume limit (percent of the zone's range) for the built-in's maximum volume.

    The built-in sends ``round(level * max_volume / 100 * volume_resolution)`` for a
    level 0..1, we send ``round(level * limit / 100 * max_raw)``: equal when ``limit`` is
    ``max_volume * volume_resolution / max_raw`` (and both show a raw level as the same
    level). Kept within our option's 1-100 % (a resolution above the device's range gave
    the built-in more than the device has). None for a zone without volume control.
    """
    if max_raw <= 0:
        return None
    limit = max_volume * volume_resolution / max_raw
    limit = round(min(max(limit, _LIMIT_MIN), _LIMIT_MAX), _LIMIT_DECIMALS)
    return int(limit) if limit.is_integer() else limit


def _code(value: str) -> str:
    """A code as ours are: two uppercase hex digits ("2b" -> "2B", "5" -> "05")."""
    return value.strip().upper().zfill(2)


def _plain(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.lower())


def _own_name(name: object, *ours: str | None) -> str | None:
    """``name`` if the user gave it: not the built-in's default, nor one of ``ours``."""
    if not isinstance(name, str) or not name.strip() or _MEANINGS_SEPARATOR in name:
        return None
    if any(our is not None and _plain(our) == _plain(name) for our in ours):
        return None
    return name.strip()


def _codes(value: object) -> dict[str, object]:
    """The built-in's ``{code: name}`` option, codes as ours ({} when absent or malformed)."""
    if not isinstance(value, Mapping):
        return {}
    return {_code(code): name for code, name in value.items() if isinstance(code, str)}


def options_from_builtin(builtin: ConfigEntry, info: DeviceInfo) -> dict[str, Any]:
    """Our options for a device ``info`` describes, from the built-in's entry for it.

    Only inputs and listening modes the device has are carried (our options offer no
    others); when none of its inputs is one the device has, every input stays shown.
    """
    options = builtin.options
    carried: dict[str, Any] = {}

    names = {s.id: s.name for s in info.selectors if s.enabled}
    sources = _codes(options.get(BUILTIN_INPUT_SOURCES))
    chosen = [code for code in names if code in sources]
    if chosen:
        carried[CONF_SOURCES] = chosen
        renamed = {
            code: name
            for code in chosen
            if (name := _own_name(sources[code], names[code], SELECTOR_NAMES.get(code)))
        }
        if renamed:
            carried[CONF_SOURCE_NAMES] = renamed

    capabilities = Capabilities.from_info(info)
    modes = _codes(options.get(BUILTIN_LISTENING_MODES))
    offered = [code for code in capabilities.listening_modes if code in modes]
    if offered:
        carried[CONF_LISTENING_MODES] = offered
        renamed = {
            code: name
            for code in offered
            if (name := _own_name(modes[code], LISTENING_MODE_NAMES.get(code)))
        }
        if renamed:
            carried[CONF_LISTENING_MODE_NAMES] = renamed

    main = capabilities.zone(Zone.MAIN)
    try:
        max_volume = float(options.get(BUILTIN_MAX_VOLUME, _BUILTIN_DEFAULT_MAX_VOLUME))
        resolution = float(
            options.get(BUILTIN_VOLUME_RESOLUTION, _BUILTIN_DEFAULT_VOLUME_RESOLUTION)
        )
    except TypeError, ValueError:
        max_volume = resolution = 0.0
    if main is not None and max_volume > 0 and resolution > 0:
        limit = volume_limit(max_volume, resolution, main.volume.max_raw)
        if limit is not None:
            carried[CONF_VOLUME_LIMIT] = limit
    _LOGGER.debug("Carried over from %s: %s", builtin.title, carried)
    return carried


# --- the repair issue --------------------------------------------------------------


def placeholders(builtin: ConfigEntry) -> dict[str, str]:
    """The issue's placeholders: the built-in entry's title and host."""
    return {"title": builtin.title, "host": str(builtin.data.get(CONF_HOST, ""))}


@callback
def async_check_issues(hass: HomeAssistant) -> None:
    """Raise the issue for each of our entries whose device an enabled built-in entry has.

    Drop it for the others: our entry disabled or removed, the built-in one disabled or
    removed.
    """
    registry = ir.async_get(hass)
    ours = {entry.entry_id: entry for entry in hass.config_entries.async_entries(DOMAIN)}
    prefix = issue_id("")
    for domain, key in list(registry.issues):
        if domain == DOMAIN and key.startswith(prefix) and key[len(prefix) :] not in ours:
            ir.async_delete_issue(hass, DOMAIN, key)
    for entry in ours.values():
        builtin = None
        if entry.source != SOURCE_IGNORE and not entry.disabled_by:
            builtin = builtin_entry_for(
                hass, entry.unique_id or "", entry.data.get(CONF_HOST, ""), enabled_only=True
            )
        if builtin is None:
            ir.async_delete_issue(hass, DOMAIN, issue_id(entry.entry_id))
            continue
        ir.async_create_issue(
            hass,
            DOMAIN,
            issue_id(entry.entry_id),
            is_fixable=True,
            severity=ir.IssueSeverity.WARNING,
            translation_key="builtin_integration",
            translation_placeholders=placeholders(builtin),
            data={ISSUE_ENTRY_ID: builtin.entry_id},
        )


@callback
def async_setup(hass: HomeAssistant) -> None:
    """Check the issues now, and whenever an entry of ours or of the built-in changes.

    Our entries' setup changes their state, so each setup checks again.
    """

    @callback
    def _changed(change: ConfigEntryChange, entry: ConfigEntry) -> None:
        if entry.domain in (DOMAIN, BUILTIN_DOMAIN):
            async_check_issues(hass)

    async_dispatcher_connect(hass, SIGNAL_CONFIG_ENTRY_CHANGED, _changed)
    async_check_issues(hass)

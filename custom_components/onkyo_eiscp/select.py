"""Selects: input per zone, listening mode, HDMI output, display dimmer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.select import SelectEntity, SelectEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import OnkyoConfigEntry, OnkyoCoordinator
from .eiscp import commands as cmd
from .eiscp.codes import LISTENING_MODE_NAMES
from .eiscp.const import Zone
from .entity import (
    OnkyoFieldDescription,
    OnkyoFieldEntity,
    OnkyoSettingEntity,
    async_add_settings,
    onkyo_action,
)
from .settings import Kind, Setting
from .state import DeviceField, ZoneField

PARALLEL_UPDATES = 0

# Option keys (translated in strings.json) of the fixed-choice selects, by device code.
DIMMER_OPTIONS = {
    "00": "bright",
    "01": "dim",
    "02": "dark",
    "03": "shut_off",
    "08": "bright_led_off",
}
HDMI_OUTPUT_OPTIONS = {
    "00": "no",
    "01": "main",
    "02": "sub",
    "03": "both",
    "04": "both_main",
    "05": "both_sub",
}


def listening_mode_key(code: str) -> str:
    """The option key of a listening mode: its name in snake case ("All Ch Stereo" -> ...)."""
    name = LISTENING_MODE_NAMES.get(code, code)
    key = "".join(c if c.isalnum() else "_" for c in name.lower())
    return "_".join(part for part in key.split("_") if part)


def _listening_mode_options(coordinator: OnkyoCoordinator) -> dict[str, str]:
    """The modes offered: the user's name where renamed, else the translated option key."""
    return {
        code: coordinator.user_listening_mode_name(code) or listening_mode_key(code)
        for code in coordinator.offered_listening_modes
    }


@dataclass(frozen=True, kw_only=True)
class OnkyoSelectEntityDescription(SelectEntityDescription, OnkyoFieldDescription):
    """How one select reads and sets the device."""

    exists_fn: Callable[[OnkyoCoordinator, Zone], bool]
    options_fn: Callable[[OnkyoCoordinator, Zone], dict[str, str]]  # device code -> option
    value_fn: Callable[[OnkyoCoordinator, Zone], str | None]  # current device code
    command_fn: Callable[[Zone, str], str]
    zones: tuple[Zone, ...] = (Zone.MAIN,)


SELECTS: tuple[OnkyoSelectEntityDescription, ...] = (
    OnkyoSelectEntityDescription(
        key="input_source",
        translation_key="input_source",
        zones=tuple(Zone),
        exists_fn=lambda c, zone: bool(c.sources(zone)),
        options_fn=lambda c, zone: c.sources(zone),
        value_fn=lambda c, zone: c.state.zones[zone].source,
        command_fn=cmd.select_source,
        field=ZoneField.SOURCE,
    ),
    OnkyoSelectEntityDescription(
        key="listening_mode",
        translation_key="listening_mode",
        exists_fn=lambda c, _: bool(c.capabilities.listening_modes and c.offered_listening_modes),
        options_fn=lambda c, _: _listening_mode_options(c),
        value_fn=lambda c, _: c.state.listening_mode,
        field=DeviceField.LISTENING_MODE,
        command_fn=lambda _, code: cmd.select_listening_mode(code),
    ),
    OnkyoSelectEntityDescription(
        key="hdmi_output",
        translation_key="hdmi_output",
        entity_category=EntityCategory.CONFIG,
        exists_fn=lambda c, _: c.capabilities.hdmi_output,
        options_fn=lambda c, _: HDMI_OUTPUT_OPTIONS,
        value_fn=lambda c, _: c.state.hdmi_output,
        field=DeviceField.HDMI_OUTPUT,
        command_fn=lambda _, code: cmd.select_hdmi_output(code),
    ),
    OnkyoSelectEntityDescription(
        key="dimmer",
        translation_key="dimmer",
        entity_category=EntityCategory.CONFIG,
        exists_fn=lambda c, _: c.capabilities.dimmer,
        options_fn=lambda c, _: DIMMER_OPTIONS,
        value_fn=lambda c, _: c.state.dimmer,
        field=DeviceField.DIMMER,
        command_fn=lambda _, code: cmd.set_dimmer(code),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: OnkyoConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the selects the device has."""
    coordinator = entry.runtime_data
    async_add_entities(
        OnkyoSelect(coordinator, zone, description)
        for description in SELECTS
        for zone in description.zones
        if zone in coordinator.zones and description.exists_fn(coordinator, zone)
    )
    async_add_settings(
        entry,
        async_add_entities,
        Kind.SELECT,
        lambda coordinator, setting: (OnkyoSettingSelect(coordinator, setting),),
    )


class OnkyoSelect(OnkyoFieldEntity, SelectEntity):
    """A choice the device offers."""

    entity_description: OnkyoSelectEntityDescription

    @property
    def _codes(self) -> dict[str, str]:
        """Device code -> option, as of now (a device can report a mode not listed)."""
        return self.entity_description.options_fn(self.coordinator, self.zone)

    @property
    def options(self) -> list[str]:
        """The options, in the device's order."""
        return list(dict.fromkeys(self._codes.values()))

    @property
    def current_option(self) -> str | None:
        """The option the device reports."""
        code = self.entity_description.value_fn(self.coordinator, self.zone)
        return None if code is None else self._codes.get(code)

    @onkyo_action
    async def async_select_option(self, option: str) -> None:
        """Send the option's code (Home Assistant has checked that it is an option)."""
        code = next(c for c, o in self._codes.items() if o == option)
        await self.coordinator.async_send(self.entity_description.command_fn(self.zone, code))


class OnkyoSettingSelect(OnkyoSettingEntity, SelectEntity):
    """A setting with a few named values (Late Night, Dynamic Volume, zone 2's mode)."""

    def __init__(self, coordinator: OnkyoCoordinator, setting: Setting) -> None:
        """Offer the row's options (listening modes: the user's names where renamed)."""
        self._codes = dict(setting.options)
        if setting.listening_modes:
            for code in self._codes:
                self._codes[code] = coordinator.user_listening_mode_name(code) or self._codes[code]
        description = SelectEntityDescription(
            key=setting.key,
            translation_key=setting.key,
            entity_category=setting.entity_category,
            entity_registry_enabled_default=setting.enabled_default,
            options=list(self._codes.values()),
        )
        super().__init__(coordinator, setting, description)

    @property
    def current_option(self) -> str | None:
        """The option the device reports."""
        raw = self.coordinator.state.settings.get(self.setting.code)
        return None if raw is None else self._codes.get(raw)

    @onkyo_action
    async def async_select_option(self, option: str) -> None:
        """Send the option's code."""
        code = next(c for c, o in self._codes.items() if o == option)
        await self._set_setting(code)

"""Switches: the on/off settings of the settings table, and muting per speaker channel."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import OnkyoConfigEntry, OnkyoCoordinator
from .eiscp import commands as cmd
from .eiscp.const import Zone
from .eiscp.settings import CHANNELS, channel_mutes, layout_channels
from .entity import OnkyoEntity, OnkyoSettingEntity, async_add_settings, onkyo_action
from .settings import Kind, Setting
from .state import SettingTopic

PARALLEL_UPDATES = 0

_CHANNEL_MUTE = "CMT"


async def async_setup_entry(
    hass: HomeAssistant,
    entry: OnkyoConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the switches the device has (now, and when it answers about a setting)."""
    async_add_settings(entry, async_add_entities, Kind.SWITCH, _setting_switches)
    coordinator = entry.runtime_data
    if coordinator.has_setting(_CHANNEL_MUTE):
        async_add_entities(_channel_mutes(coordinator))
    else:

        def found(code: str) -> None:
            if code == _CHANNEL_MUTE:
                async_add_entities(_channel_mutes(coordinator))

        entry.async_on_unload(coordinator.async_add_setting_listener(found))


def _setting_switches(coordinator: OnkyoCoordinator, setting: Setting) -> Iterable[Entity]:
    description = SwitchEntityDescription(
        key=setting.key,
        translation_key=setting.key,
        entity_category=setting.entity_category,
        entity_registry_enabled_default=setting.enabled_default,
    )
    return (OnkyoSettingSwitch(coordinator, setting, description),)


def speaker_channels(coordinator: OnkyoCoordinator) -> tuple[str, ...]:
    """The channels the speaker layout has, as the device reports it.

    CMT alone cannot tell (an absent channel always reads 00): SPI, the speaker
    information, says which speaker groups are set up. A device that does not report
    SPI gets every channel its CMT reply carries.
    """
    settings = coordinator.state.settings
    if (spi := settings.get("SPI")) is not None and (layout := layout_channels(spi)):
        return layout
    if (cmt := settings.get(_CHANNEL_MUTE)) is not None:
        return tuple(channel_mutes(cmt))
    return CHANNELS


def _channel_mutes(coordinator: OnkyoCoordinator) -> list[OnkyoChannelMute]:
    return [OnkyoChannelMute(coordinator, channel) for channel in speaker_channels(coordinator)]


class OnkyoSettingSwitch(OnkyoSettingEntity, SwitchEntity):
    """An on/off setting ("00"/"01")."""

    @property
    def is_on(self) -> bool | None:
        """Whether the device reports the setting on."""
        value = self._setting_value
        return value if isinstance(value, bool) else None

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Switch the setting on."""
        await self._switch(True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Switch the setting off."""
        await self._switch(False)

    @onkyo_action
    async def _switch(self, on: bool) -> None:
        await self._set_setting("01" if on else "00")


class OnkyoChannelMute(OnkyoEntity, SwitchEntity):
    """Muting of one speaker channel (CMT), in the main zone."""

    _attr_entity_category = EntityCategory.CONFIG

    def __init__(self, coordinator: OnkyoCoordinator, channel: str) -> None:
        """One switch per channel the layout has."""
        key = f"channel_mute_{channel}"
        super().__init__(
            coordinator,
            Zone.MAIN,
            {SettingTopic(_CHANNEL_MUTE)},
            SwitchEntityDescription(key=key, translation_key=key),
        )
        self.channel = channel

    def _mutes(self) -> dict[str, bool]:
        return channel_mutes(self.coordinator.state.settings.get(_CHANNEL_MUTE, ""))

    @property
    def is_on(self) -> bool | None:
        """Whether the channel is muted."""
        return self._mutes().get(self.channel)

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Mute the channel."""
        await self._set(True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Unmute the channel."""
        await self._set(False)

    @onkyo_action
    async def _set(self, muted: bool) -> None:
        """CMT sets every channel at once: the others stay as the device reported them."""
        mutes = self._mutes() | {self.channel: muted}
        value = "".join("01" if mutes.get(channel) else "00" for channel in CHANNELS)
        await self.coordinator.async_send(cmd.set_setting(_CHANNEL_MUTE, value))

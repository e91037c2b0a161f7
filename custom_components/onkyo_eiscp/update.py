"""Firmware update (UPD): whether the device has new firmware, and installing it on request."""

from __future__ import annotations

from typing import Any

from homeassistant.components.update import (
    UpdateDeviceClass,
    UpdateEntity,
    UpdateEntityDescription,
    UpdateEntityFeature,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import OnkyoConfigEntry, OnkyoCoordinator
from .eiscp import commands as cmd
from .eiscp.const import Zone
from .eiscp.messages import UpdateState
from .entity import OnkyoEntity, onkyo_action
from .state import DeviceField

PARALLEL_UPDATES = 0

# The device says only *that* new firmware exists, not its version.
NEWER_FIRMWARE = "newer"

FIRMWARE = UpdateEntityDescription(
    key="firmware", translation_key="firmware", device_class=UpdateDeviceClass.FIRMWARE
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: OnkyoConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the firmware entity where the device updates over the network."""
    coordinator = entry.runtime_data
    if coordinator.capabilities.network_update:
        async_add_entities([OnkyoFirmwareUpdate(coordinator)])


class OnkyoFirmwareUpdate(OnkyoEntity, UpdateEntity):
    """The device's firmware."""

    _attr_supported_features = UpdateEntityFeature.INSTALL | UpdateEntityFeature.PROGRESS

    def __init__(self, coordinator: OnkyoCoordinator) -> None:
        """Set up the firmware entity."""
        super().__init__(coordinator, Zone.MAIN, {DeviceField.FIRMWARE}, FIRMWARE)

    @property
    def installed_version(self) -> str | None:
        """The firmware NRI reports."""
        return self.coordinator.info.firmware or None

    @property
    def latest_version(self) -> str | None:
        """The installed version, or "newer" while the device says an update exists."""
        state = self.coordinator.state.firmware
        if state is None:
            return None
        if state in (UpdateState.AVAILABLE, UpdateState.UPDATING):
            return NEWER_FIRMWARE
        return self.installed_version

    @property
    def in_progress(self) -> bool:
        """Whether the device is updating."""
        return self.coordinator.state.firmware is UpdateState.UPDATING

    @property
    def update_percentage(self) -> int | None:
        """Progress the device reports while updating."""
        return self.coordinator.state.firmware_progress if self.in_progress else None

    async def async_install(self, version: str | None, backup: bool, **kwargs: Any) -> None:
        """Ask the device to download and install its new firmware (UPDNET)."""
        await self._install()

    @onkyo_action
    async def _install(self) -> None:
        await self.coordinator.async_send(cmd.start_firmware_update())

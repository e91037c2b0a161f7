"""Diagnostics: NRI, state, settings and connection figures, identifying data redacted."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant
from homeassistant.helpers.device_registry import DeviceEntry

from .coordinator import OnkyoConfigEntry, OnkyoCoordinator

TO_REDACT = {
    CONF_HOST,
    "host",
    "mac",
    "serial",
    "identifier",
    "unique_id",
    "model_icon_url",
    "location",
    "udn",
}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: OnkyoConfigEntry
) -> dict[str, Any]:
    """Diagnostics of a config entry."""
    coordinator = entry.runtime_data
    info = asdict(coordinator.info)
    info["ranges"] = {f"{name} ({zone})": r for (name, zone), r in info["ranges"].items()}
    return async_redact_data(
        {
            "entry": {
                "title": entry.title,
                "data": dict(entry.data),
                "options": dict(entry.options),
                "unique_id": entry.unique_id,
            },
            "identifier": coordinator.identifier,
            "receiver_info": info,
            "state": _state(coordinator),
            "connection": coordinator.diagnostics(),
            "settings": coordinator.settings_diagnostics(),
            "renderer": coordinator.speaker.diagnostics(),
        },
        TO_REDACT,
    )


def _state(coordinator: OnkyoCoordinator) -> dict[str, Any]:
    """The device state; streamed album art as its type and size, not its bytes."""
    state = asdict(coordinator.state)
    del state["art_stream"]
    if (art := coordinator.state.net.art) is not None:
        state["net"]["art"] = {"content_type": art.content_type, "bytes": len(art.data)}
    return state


async def async_get_device_diagnostics(
    hass: HomeAssistant, entry: OnkyoConfigEntry, device: DeviceEntry
) -> dict[str, Any]:
    """Diagnostics of the receiver's device (the same data: one device per entry)."""
    return await async_get_config_entry_diagnostics(hass, entry)

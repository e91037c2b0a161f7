"""Sensors: audio/video signal information, the NET service playing, the file format."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.sensor import SensorEntity, SensorEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import OnkyoConfigEntry, OnkyoCoordinator
from .eiscp.capabilities import Capabilities
from .eiscp.codes import NET_SERVICES
from .eiscp.const import Zone
from .eiscp.messages import AudioInfo, VideoInfo
from .entity import (
    OnkyoFieldDescription,
    OnkyoFieldEntity,
    OnkyoSettingEntity,
    async_add_settings,
)
from .settings import Kind, Setting
from .state import DeviceField, DeviceState, NetState

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class OnkyoSensorEntityDescription(SensorEntityDescription, OnkyoFieldDescription):
    """How one sensor reads the device state."""

    exists_fn: Callable[[Capabilities], bool]
    value_fn: Callable[[DeviceState], str | None]
    attributes_fn: Callable[[DeviceState], dict[str, Any] | None] = lambda _: None


# Fields that only newer models send: shown when the device reports them.
_AUDIO_LATER_FIELDS = (
    "output_sample_rate",
    "pqls",
    "auto_phase_control_delay",
    "auto_phase_control_phase",
    "upmix_mode",
)


def _reported(attributes: dict[str, Any], later: tuple[str, ...]) -> dict[str, Any]:
    """The attributes without the later fields the device did not send."""
    return {k: v for k, v in attributes.items() if k not in later or v is not None}


def _audio_attributes(state: DeviceState) -> dict[str, Any] | None:
    info = state.audio_info
    if info is None:
        return None
    attributes = {
        "input_port": info.input_port,
        "input_format": info.input_format,
        "sample_rate": info.sample_rate,
        "input_channels": info.input_channels,
        "listening_mode": info.listening_mode,
        "output_channels": info.output_channels,
        "output_sample_rate": info.output_sample_rate or None,
        "pqls": info.pqls or None,
        "auto_phase_control_delay": info.auto_phase_control_delay or None,
        "auto_phase_control_phase": info.auto_phase_control_phase or None,
        "upmix_mode": info.upmix_mode or None,
    }
    return _reported(attributes, _AUDIO_LATER_FIELDS)


def _video_attributes(state: DeviceState) -> dict[str, Any] | None:
    info = state.video_info
    if info is None:
        return None
    attributes = {
        "input_port": info.input_port,
        "input_resolution": info.input_resolution,
        "input_color_schema": info.input_color_schema,
        "input_color_depth": info.input_color_depth,
        "output_port": info.output_port,
        "output_resolution": info.output_resolution,
        "output_color_schema": info.output_color_schema,
        "output_color_depth": info.output_color_depth,
        "picture_mode": info.picture_mode,
        "input_hdr": info.input_hdr or None,
    }
    return _reported(attributes, ("input_hdr",))


def _audio(field: Callable[[AudioInfo], str]) -> Callable[[DeviceState], str | None]:
    return lambda s: (field(s.audio_info) or None) if s.audio_info else None


def _video(field: Callable[[VideoInfo], str]) -> Callable[[DeviceState], str | None]:
    return lambda s: (field(s.video_info) or None) if s.video_info else None


def _network_service(net: NetState) -> str | None:
    """The service playing: NLT's service type, else NMS's service icon (same codes)."""
    if net.list_title is not None and (name := net.list_title.service_name):
        return name
    return NET_SERVICES.get(net.menu.service_icon.upper()) if net.menu is not None else None


SENSORS: tuple[OnkyoSensorEntityDescription, ...] = (
    OnkyoSensorEntityDescription(
        key="audio_input",
        translation_key="audio_input",
        field=DeviceField.AUDIO_INFO,
        entity_category=EntityCategory.DIAGNOSTIC,
        exists_fn=lambda c: c.audio_info,
        value_fn=_audio(lambda i: i.input_format),
        attributes_fn=_audio_attributes,
    ),
    OnkyoSensorEntityDescription(
        key="audio_output",
        translation_key="audio_output",
        field=DeviceField.AUDIO_INFO,
        entity_category=EntityCategory.DIAGNOSTIC,
        exists_fn=lambda c: c.audio_info,
        value_fn=_audio(lambda i: i.output_channels),
        attributes_fn=_audio_attributes,
    ),
    OnkyoSensorEntityDescription(
        key="video_input",
        translation_key="video_input",
        field=DeviceField.VIDEO_INFO,
        entity_category=EntityCategory.DIAGNOSTIC,
        exists_fn=lambda c: c.video_info,
        value_fn=_video(lambda i: i.input_resolution),
        attributes_fn=_video_attributes,
    ),
    OnkyoSensorEntityDescription(
        key="video_output",
        translation_key="video_output",
        field=DeviceField.VIDEO_INFO,
        entity_category=EntityCategory.DIAGNOSTIC,
        exists_fn=lambda c: c.video_info,
        value_fn=_video(lambda i: i.output_resolution),
        attributes_fn=_video_attributes,
    ),
    OnkyoSensorEntityDescription(
        key="network_service",
        translation_key="network_service",
        field=DeviceField.NET,
        exists_fn=lambda c: c.net,
        value_fn=lambda s: _network_service(s.net),
    ),
    OnkyoSensorEntityDescription(
        key="file_info",
        translation_key="file_info",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        field=DeviceField.NET,
        exists_fn=lambda c: c.net,
        value_fn=lambda s: (
            "/".join(p for p in (f.format, f.sample_rate, f.bit_depth) if p) or None
            if (f := s.net.file_info)
            else None
        ),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: OnkyoConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the sensors the device has."""
    coordinator = entry.runtime_data
    async_add_entities(
        OnkyoSensor(coordinator, Zone.MAIN, description)
        for description in SENSORS
        if description.exists_fn(coordinator.capabilities)
    )
    async_add_settings(
        entry,
        async_add_entities,
        Kind.SENSOR,
        lambda coordinator, setting: (OnkyoSettingSensor(coordinator, setting),),
    )


class OnkyoSensor(OnkyoFieldEntity, SensorEntity):
    """A reading of the device."""

    entity_description: OnkyoSensorEntityDescription

    @property
    def native_value(self) -> str | None:
        """The reading."""
        return self.entity_description.value_fn(self.coordinator.state)

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """The reading's details."""
        return self.entity_description.attributes_fn(self.coordinator.state)


class OnkyoSettingSensor(OnkyoSettingEntity, SensorEntity):
    """A report of the device (front display text, temperature)."""

    def __init__(self, coordinator: OnkyoCoordinator, setting: Setting) -> None:
        """Use the row's unit and classes."""
        description = SensorEntityDescription(
            key=setting.key,
            translation_key=setting.key,
            entity_category=setting.entity_category,
            entity_registry_enabled_default=setting.enabled_default,
            native_unit_of_measurement=setting.unit,
            device_class=setting.device_class,
            state_class=setting.state_class,
        )
        super().__init__(coordinator, setting, description)

    @property
    def native_value(self) -> str | float | None:
        """The reading."""
        value = self._setting_value
        return value if isinstance(value, str | int | float) else None

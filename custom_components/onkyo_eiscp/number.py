"""Numbers: bass and treble per zone, centre and subwoofer level, ranges from NRI."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.number import (
    NumberDeviceClass,
    NumberEntity,
    NumberEntityDescription,
)
from homeassistant.const import EntityCategory, UnitOfSoundPressure
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import OnkyoConfigEntry, OnkyoCoordinator
from .eiscp import commands as cmd, messages as msg
from .eiscp.capabilities import Capabilities, ZoneCapabilities
from .eiscp.const import Zone
from .eiscp.nri import ControlRange
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


@dataclass(frozen=True, kw_only=True)
class OnkyoNumberEntityDescription(NumberEntityDescription, OnkyoFieldDescription):
    """How one level reads and sets the device."""

    range_fn: Callable[[Capabilities, ZoneCapabilities], ControlRange | None]  # None: none
    value_fn: Callable[[OnkyoCoordinator, Zone, ControlRange], float | None]
    command_fn: Callable[[OnkyoCoordinator, Zone, float, ControlRange], str]


def _db(level: msg.ChannelLevel | None, control: ControlRange) -> float | None:
    return None if level is None else level.db(control.step)


def _whole(db: float) -> int:
    """Tone is set in whole dB."""
    if db != int(db):
        raise ValueError(f"{db} dB is not a whole number of dB")
    return int(db)


def _digits(level: msg.ChannelLevel | None) -> int:
    """Answer in the form the device uses (2 or 3 digits); 2 until it has said."""
    return 2 if level is None else level.digits


NUMBERS: tuple[OnkyoNumberEntityDescription, ...] = (
    OnkyoNumberEntityDescription(
        key="bass",
        translation_key="bass",
        range_fn=lambda _, zone: zone.bass,
        field=ZoneField.BASS,
        value_fn=lambda c, zone, _: c.state.zones[zone].bass,
        command_fn=lambda _, zone, db, __: cmd.set_bass(zone, _whole(db)),
    ),
    OnkyoNumberEntityDescription(
        key="treble",
        translation_key="treble",
        range_fn=lambda _, zone: zone.treble,
        field=ZoneField.TREBLE,
        value_fn=lambda c, zone, _: c.state.zones[zone].treble,
        command_fn=lambda _, zone, db, __: cmd.set_treble(zone, _whole(db)),
    ),
    OnkyoNumberEntityDescription(
        key="center_level",
        translation_key="center_level",
        range_fn=lambda c, zone: c.center_level if zone.zone is Zone.MAIN else None,
        field=DeviceField.CENTER_LEVEL,
        value_fn=lambda c, _, r: _db(c.state.center_level, r),
        command_fn=lambda c, _, db, r: cmd.set_center_level(
            db, half_steps=r.step < 1, digits=_digits(c.state.center_level)
        ),
    ),
    OnkyoNumberEntityDescription(
        key="subwoofer_level",
        translation_key="subwoofer_level",
        range_fn=lambda c, zone: c.subwoofer_level if zone.zone is Zone.MAIN else None,
        field=DeviceField.SUBWOOFER_LEVEL,
        value_fn=lambda c, _, r: _db(c.state.subwoofer_level, r),
        command_fn=lambda c, _, db, r: cmd.set_subwoofer_level(
            db, half_steps=r.step < 1, digits=_digits(c.state.subwoofer_level)
        ),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: OnkyoConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the levels the device has a range for."""
    coordinator = entry.runtime_data
    capabilities = coordinator.capabilities
    async_add_entities(
        OnkyoNumber(coordinator, zone.zone, description, control)
        for description in NUMBERS
        for zone in capabilities.zones
        if (control := description.range_fn(capabilities, zone)) is not None
    )
    async_add_settings(
        entry,
        async_add_entities,
        Kind.NUMBER,
        lambda coordinator, setting: (OnkyoSettingNumber(coordinator, setting),),
    )


class OnkyoNumber(OnkyoFieldEntity, NumberEntity):
    """A level in dB."""

    entity_description: OnkyoNumberEntityDescription
    _attr_entity_category = EntityCategory.CONFIG
    _attr_device_class = NumberDeviceClass.SOUND_PRESSURE
    _attr_native_unit_of_measurement = UnitOfSoundPressure.DECIBEL

    def __init__(
        self,
        coordinator: OnkyoCoordinator,
        zone: Zone,
        description: OnkyoNumberEntityDescription,
        control: ControlRange,
    ) -> None:
        """Set up the level for ``zone`` with the device's range."""
        super().__init__(coordinator, zone, description)
        self._range = control
        self._attr_native_min_value = control.min
        self._attr_native_max_value = control.max
        self._attr_native_step = control.step or 1

    @property
    def native_value(self) -> float | None:
        """The level the device reports."""
        return self.entity_description.value_fn(self.coordinator, self.zone, self._range)

    @onkyo_action
    async def async_set_native_value(self, value: float) -> None:
        """Send the level (Home Assistant keeps it within the range; the library checks steps)."""
        await self.coordinator.async_send(
            self.entity_description.command_fn(self.coordinator, self.zone, value, self._range)
        )


class OnkyoSettingNumber(OnkyoSettingEntity, NumberEntity):
    """A setting with a whole-number value (sleep timer, dialog level)."""

    _attr_native_step = 1

    def __init__(self, coordinator: OnkyoCoordinator, setting: Setting) -> None:
        """Use the row's range and unit."""
        description = NumberEntityDescription(
            key=setting.key,
            translation_key=setting.key,
            entity_category=setting.entity_category,
            native_min_value=setting.minimum,
            native_max_value=setting.maximum,
            native_unit_of_measurement=setting.unit,
        )
        super().__init__(coordinator, setting, description)

    @property
    def native_value(self) -> float | None:
        """The value the device reports."""
        value = self._setting_value
        return value if isinstance(value, int | float) else None

    @onkyo_action
    async def async_set_native_value(self, value: float) -> None:
        """Send the value in the setting's format."""
        assert self.setting.build is not None  # every number row has a builder
        await self._set_setting(self.setting.build(value))

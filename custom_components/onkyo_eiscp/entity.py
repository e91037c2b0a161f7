"""The base entity: one device per receiver, availability from the connection."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterable, Set as AbstractSet
from dataclasses import dataclass
from functools import update_wrapper
from typing import Any, Concatenate

from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import OnkyoConfigEntry, OnkyoCoordinator, action_errors
from .eiscp import commands as cmd
from .eiscp.const import Zone
from .settings import Kind, Setting, settings_of
from .state import DeviceField, SettingTopic, Topic, ZoneField, field_topic


def onkyo_action[EntityT: OnkyoEntity, **P](
    func: Callable[Concatenate[EntityT, P], Coroutine[Any, Any, None]],
) -> Callable[Concatenate[EntityT, P], Coroutine[Any, Any, None]]:
    """Run an entity's action inside the error boundary (:func:`action_errors`)."""

    async def action(self: EntityT, /, *args: P.args, **kwargs: P.kwargs) -> None:
        with action_errors(self.coordinator.client.host):
            await func(self, *args, **kwargs)

    update_wrapper(action, func)
    return action


@dataclass(frozen=True, kw_only=True)
class OnkyoFieldDescription(EntityDescription):
    """The description of an entity that shows one field of the state."""

    field: ZoneField | DeviceField  # of each zone's state, or of the device's


class OnkyoEntity(Entity):
    """An entity of one zone of a device, updated by the coordinator's pushes."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(
        self,
        coordinator: OnkyoCoordinator,
        zone: Zone,
        topics: Iterable[Topic],
        description: EntityDescription | None = None,
    ) -> None:
        """Name the entity after its zone and description; listen to ``topics``.

        Entities of zones other than the main one use ``<translation_key>_<zone>``, so
        their names say the zone ("Zone 2 bass").
        """
        self.coordinator = coordinator
        self.zone = zone
        self._topics = set(topics)
        self._attr_unique_id = f"{coordinator.identifier}_{zone.value}"
        self._attr_device_info = coordinator.device_info
        if description is not None:
            self.entity_description = description
            self._attr_unique_id += f"_{description.key}"
            if description.translation_key is not None and zone is not Zone.MAIN:
                self._attr_translation_key = f"{description.translation_key}_{zone.value}"

    @property
    def available(self) -> bool:
        """Available while the connection is up."""
        return self.coordinator.connected

    async def async_added_to_hass(self) -> None:
        """Follow the coordinator."""
        await super().async_added_to_hass()
        self.async_on_remove(
            self.coordinator.async_add_listener(self._handle_coordinator_update, self._topics)
        )

    def _handle_coordinator_update(self, changed: AbstractSet[Topic]) -> None:
        self.async_write_ha_state()


class OnkyoFieldEntity(OnkyoEntity):
    """An entity of one zone that shows the state field its description names."""

    def __init__(
        self, coordinator: OnkyoCoordinator, zone: Zone, description: OnkyoFieldDescription
    ) -> None:
        """Listen to the description's field of ``zone`` (or of the device)."""
        super().__init__(coordinator, zone, {field_topic(zone, description.field)}, description)


class OnkyoSettingEntity(OnkyoEntity):
    """An entity that shows and sets one row of the settings table."""

    def __init__(
        self, coordinator: OnkyoCoordinator, setting: Setting, description: EntityDescription
    ) -> None:
        """Listen to the setting's command."""
        super().__init__(coordinator, setting.zone, {SettingTopic(setting.code)}, description)
        self.setting = setting

    @property
    def _setting_value(self) -> object:
        """The device's value, parsed as the row says (None until reported)."""
        raw = self.coordinator.state.settings.get(self.setting.code)
        return None if raw is None else self.setting.parse(raw)

    async def _set_setting(self, parameter: str) -> None:
        await self.coordinator.async_send(cmd.set_setting(self.setting.code, parameter))


def async_add_settings(
    entry: OnkyoConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    kind: Kind,
    create: Callable[[OnkyoCoordinator, Setting], Iterable[Entity]],
) -> None:
    """Add the entities of ``kind``'s settings the device has, now and when it says so.

    A setting asked about after setup (while its zone is on) gets its entity when the
    device answers with a value.
    """
    coordinator = entry.runtime_data
    model = coordinator.info.model
    rows = [s for s in settings_of(kind) if s.zone in coordinator.zones and s.fits(model)]
    async_add_entities(
        entity
        for setting in rows
        if coordinator.has_setting(setting.code)
        for entity in create(coordinator, setting)
    )

    def found(code: str) -> None:
        async_add_entities(
            entity
            for setting in rows
            if setting.code == code
            for entity in create(coordinator, setting)
        )

    entry.async_on_unload(coordinator.async_add_setting_listener(found))

"""The base entity: one device per receiver, availability from the connection."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterable, Set as AbstractSet
from dataclasses import dataclass
from functools import update_wrapper
from typing import Any, Concatenate

from homeassistant.helpers.entity import Entity, EntityDescription

from .coordinator import OnkyoCoordinator, action_errors
from .eiscp.const import Zone
from .state import DeviceField, Topic, ZoneField, field_topic


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

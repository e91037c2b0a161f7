"""A media player per enabled zone: power, volume, inputs, modes and network playback."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
import hashlib
from typing import Any

from homeassistant.components.media_player import MediaPlayerEntity
from homeassistant.components.media_player.browse_media import (
    BrowseMedia,
    SearchMedia,
    SearchMediaQuery,
)
from homeassistant.components.media_player.const import (
    ATTR_MEDIA_ANNOUNCE,
    ATTR_MEDIA_ENQUEUE,
    MediaPlayerDeviceClass,
    MediaPlayerEnqueue,
    MediaPlayerEntityFeature,
    MediaPlayerState,
    MediaType,
    RepeatMode,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from . import browse, media_browser
from .const import DOMAIN
from .coordinator import OnkyoConfigEntry, OnkyoCoordinator
from .eiscp import commands as cmd
from .eiscp.commands import NetCommand
from .eiscp.const import Zone
from .eiscp.messages import PlayState, RepeatState, ShuffleState
from .eiscp.settings import ZONE2_LISTENING_MODES
from .entity import OnkyoEntity, onkyo_action
from .state import DeviceField, NetState, SettingTopic, Topic, ZoneField, ZoneState, ZoneTopic

PARALLEL_UPDATES = 0

_VOLUME_FEATURES = (
    MediaPlayerEntityFeature.VOLUME_SET
    | MediaPlayerEntityFeature.VOLUME_STEP
    | MediaPlayerEntityFeature.VOLUME_MUTE
)
_PLAYBACK_FEATURES = (
    MediaPlayerEntityFeature.PLAY
    | MediaPlayerEntityFeature.PAUSE
    | MediaPlayerEntityFeature.STOP
    | MediaPlayerEntityFeature.NEXT_TRACK
    | MediaPlayerEntityFeature.PREVIOUS_TRACK
)
_PLAY_STATES = {
    PlayState.PLAYING: MediaPlayerState.PLAYING,
    PlayState.FAST_FORWARD: MediaPlayerState.PLAYING,
    PlayState.FAST_REWIND: MediaPlayerState.PLAYING,
    PlayState.PAUSED: MediaPlayerState.PAUSED,
}
_REPEAT_MODES = {
    RepeatState.OFF: RepeatMode.OFF,
    RepeatState.ALL: RepeatMode.ALL,
    RepeatState.FOLDER: RepeatMode.ALL,
    RepeatState.ONE: RepeatMode.ONE,
}
# What a player shows of its zone's state (not its tone: that has numbers of its own).
_SHOWN_ZONE_FIELDS = (ZoneField.POWER, ZoneField.VOLUME, ZoneField.MUTED, ZoneField.SOURCE)
# Media types play_media accepts for a tuner preset.
_PRESET_TYPES = {"radio", MediaType.CHANNEL}
# What a zone on another input shows of the network player: nothing.
_NOTHING_PLAYING = NetState()


async def async_setup_entry(
    hass: HomeAssistant,
    entry: OnkyoConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """One media player per zone the device has enabled."""
    coordinator = entry.runtime_data
    async_add_entities(OnkyoMediaPlayer(coordinator, zone) for zone in coordinator.zones)


class OnkyoMediaPlayer(OnkyoEntity, MediaPlayerEntity):
    """One zone of a receiver, or a network player."""

    _attr_media_content_type = MediaType.MUSIC
    _attr_media_image_remotely_accessible = False

    def __init__(self, coordinator: OnkyoCoordinator, zone: Zone) -> None:
        """Set up the zone's player."""
        topics: set[Topic] = {ZoneTopic(zone, field) for field in _SHOWN_ZONE_FIELDS}
        topics.add(DeviceField.NET)
        if zone is Zone.MAIN:
            topics.add(DeviceField.LISTENING_MODE)
        # Zone 2's own listening mode (LMZ), once the device has said it has one.
        self._zone_mode_topic = SettingTopic("LMZ") if zone is Zone.ZONE2 else None
        # The tuner's station, shown while the zone is on a tuner input.
        self._tuner_topics: set[Topic] = {
            ZoneTopic(zone, ZoneField.PRESET),
            ZoneTopic(zone, ZoneField.TUNER_FREQUENCY),
        }
        if coordinator.zone_capabilities(zone).tuner:
            self._tuner_topics.add(DeviceField.DAB_STATION)
            self._tuner_topics.add(ZoneTopic(zone, ZoneField.SOURCE))
            topics |= self._tuner_topics
        if self._zone_mode_topic is not None:
            topics.add(self._zone_mode_topic)
        super().__init__(coordinator, zone, topics)
        if zone is Zone.MAIN:
            self._attr_name = None
        else:
            self._attr_translation_key = zone.value
        self._scale = coordinator.zone_capabilities(zone).volume
        # None without volume control. Options are set before setup (a change reloads).
        self._volume_limit = coordinator.volume_limit if self._scale.has_volume else None
        self._attr_device_class = (
            MediaPlayerDeviceClass.RECEIVER if self._scale.has_volume else None
        )
        self._sources = coordinator.sources(zone)
        self._attr_source_list = list(self._sources.values()) or None
        # Listening modes are the main zone's; the list grows when the device reports a
        # mode its model's table lacks, so its names are rebuilt when it does. The options
        # choose which to offer; a mode not offered is still shown when the device reports it.
        self._mode_codes = coordinator.listening_modes if zone is Zone.MAIN else []
        self._mode_names_of = -1
        features = (
            MediaPlayerEntityFeature.TURN_ON
            | MediaPlayerEntityFeature.TURN_OFF
            | MediaPlayerEntityFeature.PLAY_MEDIA
        )
        if self._scale.has_volume:
            features |= _VOLUME_FEATURES
        if self._sources:
            features |= MediaPlayerEntityFeature.SELECT_SOURCE
        if self._mode_codes and coordinator.offered_listening_modes:
            features |= MediaPlayerEntityFeature.SELECT_SOUND_MODE
        features |= media_browser.features(coordinator, zone)
        self._static_features = features
        self._source_topic = ZoneTopic(zone, ZoneField.SOURCE)
        self._volume_topic = ZoneTopic(zone, ZoneField.VOLUME)
        self._muted_topic = ZoneTopic(zone, ZoneField.MUTED)
        # What the player's state (off, on, playing...) depends on.
        self._state_topics: set[Topic] = {
            ZoneTopic(zone, ZoneField.POWER),
            self._source_topic,
            DeviceField.NET,
        }
        self._plays_net = False
        self._update_attributes(None)

    @property
    def _zone(self) -> ZoneState:
        return self.coordinator.state.zones[self.zone]

    def _handle_coordinator_update(self, changed: AbstractSet[Topic]) -> None:
        self._update_attributes(changed)
        self.async_write_ha_state()

    # --- what the zone shows ------------------------------------------------------
    # Home Assistant reads every property on each state write: they are worked out here,
    # once per update (only the parts whose topics changed), and read as attributes.

    def _update_attributes(self, changed: AbstractSet[Topic] | None) -> None:
        """Work out what ``changed`` topics change (None: everything)."""
        coordinator = self.coordinator
        state = coordinator.state
        net = state.net
        if changed is None or DeviceField.NET in changed or self._source_topic in changed:
            self._plays_net = coordinator.zone_plays_net(self.zone)
            self._update_player(net if self._plays_net else _NOTHING_PLAYING)
        if self._mode_codes and (changed is None or DeviceField.LISTENING_MODE in changed):
            self._update_sound_mode(state.listening_mode)
        if self._zone_mode_topic is not None and (
            changed is None or self._zone_mode_topic in changed
        ):
            self._update_zone_mode(state.settings.get("LMZ"))
        if changed is None or not self._tuner_topics.isdisjoint(changed):
            self._attr_media_channel = browse.station(coordinator, self.zone)
        self._update_zone(changed, net)

    def _update_zone(self, changed: AbstractSet[Topic] | None, net: NetState) -> None:
        """Each of the zone's fields only when its topic changed (None: all of them).

        A knob turn only moves the volume: the hot path, dozens of pushes a second.
        """
        zone = self.coordinator.state.zones[self.zone]
        if changed is None or not self._state_topics.isdisjoint(changed):
            if zone.power is None:
                self._attr_state = None
            elif not zone.power:
                self._attr_state = MediaPlayerState.OFF
            elif self._plays_net and net.play is not None:
                self._attr_state = _PLAY_STATES.get(net.play, MediaPlayerState.IDLE)
            else:
                self._attr_state = MediaPlayerState.ON
        if changed is None or self._volume_topic in changed:
            if zone.volume is None or self._volume_limit is None:
                self._attr_volume_level = None
            else:
                level = self._scale.to_level(zone.volume) / self._volume_limit
                self._attr_volume_level = min(1.0, level)
        if changed is None or self._muted_topic in changed:
            self._attr_is_volume_muted = zone.muted
        if changed is None or self._source_topic in changed:
            code = zone.source
            self._attr_source = (
                None
                if code is None
                else self._sources.get(code) or self.coordinator.source_name(code)
            )

    def _update_sound_mode(self, mode: str | None) -> None:
        coordinator = self.coordinator
        if self._mode_names_of != len(self._mode_codes):
            self._mode_names_of = len(self._mode_codes)
            self._attr_sound_mode_list = [
                coordinator.listening_mode_name(c) for c in coordinator.offered_listening_modes
            ]
        self._attr_sound_mode = None if mode is None else coordinator.listening_mode_name(mode)

    def _update_zone_mode(self, mode: str | None) -> None:
        """Zone 2's listening modes: the spec's few for LMZ, not the main zone's."""
        if not self.coordinator.has_setting("LMZ"):
            return
        self._static_features |= MediaPlayerEntityFeature.SELECT_SOUND_MODE
        self._attr_supported_features = (
            self._attr_supported_features or self._static_features
        ) | MediaPlayerEntityFeature.SELECT_SOUND_MODE
        name = self.coordinator.listening_mode_name
        self._attr_sound_mode_list = [name(c, Zone.ZONE2) for c in ZONE2_LISTENING_MODES]
        self._attr_sound_mode = None if mode is None else name(mode, Zone.ZONE2)

    def _update_player(self, net: NetState) -> None:
        """The network player's controls and what it plays (none on another input)."""
        features = self._static_features | self.coordinator.speaker.features(self.zone)
        if net is not _NOTHING_PLAYING:
            features |= _PLAYBACK_FEATURES
            if net.shuffle not in (None, ShuffleState.DISABLED):
                features |= MediaPlayerEntityFeature.SHUFFLE_SET
            if net.repeat not in (None, RepeatState.DISABLED):
                features |= MediaPlayerEntityFeature.REPEAT_SET
            if net.menu is not None and net.menu.time_seek:
                features |= MediaPlayerEntityFeature.SEEK
        self._attr_supported_features = features
        self._attr_media_title = net.title
        self._attr_media_artist = net.artist
        self._attr_media_album_name = net.album
        self._attr_media_track = net.track
        self._attr_media_duration = net.duration
        self._attr_media_position = net.position
        self._attr_media_position_updated_at = net.position_updated_at
        shuffle = net.shuffle
        self._attr_shuffle = (
            None
            if shuffle is None or shuffle is ShuffleState.DISABLED
            else shuffle is not ShuffleState.OFF
        )
        self._attr_repeat = None if net.repeat is None else _REPEAT_MODES.get(net.repeat)
        self._attr_media_image_url = net.art_url
        self._streamed_art = net.art
        # Devices reuse one art URL for every track: the hash changes with the track.
        if net.art is not None:
            self._attr_media_image_hash = hashlib.sha256(net.art.data).hexdigest()[:16]
        elif net.art_url is not None:
            key = f"{net.art_url}|{net.title}|{net.album}|{net.artist}"
            self._attr_media_image_hash = hashlib.sha256(key.encode()).hexdigest()[:16]
        else:
            self._attr_media_image_hash = None

    async def _start_service(self, media_id: str) -> None:
        service = browse.find_service(self.coordinator, self.zone, media_id)
        if service is None:
            names = browse.services(self.coordinator, self.zone).values()
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="invalid_service",
                translation_placeholders={"service": media_id, "options": ", ".join(names)},
            )
        if self._zone.power is not True:
            await self.coordinator.async_send(cmd.set_power(self.zone, True))
        if self._zone.source != browse.NET_SELECTOR:
            await self.coordinator.async_send(cmd.select_source(self.zone, browse.NET_SELECTOR))
        await self.coordinator.async_send(cmd.select_net_service(service))

    async def async_added_to_hass(self) -> None:
        """Follow the coordinator, and the speaker (URLs once its renderer is found)."""
        await super().async_added_to_hass()
        self.async_on_remove(
            self.coordinator.speaker.async_add_listener(
                lambda: self._handle_coordinator_update({DeviceField.NET})
            )
        )

    async def async_get_media_image(self) -> tuple[bytes | None, str | None]:
        """Streamed art from memory; linked art fetched by Home Assistant's proxy."""
        if (art := self._streamed_art) is not None:
            return art.data, art.content_type
        return await super().async_get_media_image()

    # --- actions ----------------------------------------------------------------------

    @onkyo_action
    async def async_turn_on(self) -> None:
        """Leave standby."""
        await self.coordinator.async_send(cmd.set_power(self.zone, True))

    @onkyo_action
    async def async_turn_off(self) -> None:
        """Go to standby."""
        await self.coordinator.async_send(cmd.set_power(self.zone, False))

    @onkyo_action
    async def async_set_volume_level(self, volume: float) -> None:
        """Set the volume (0..1 of the configured limit)."""
        raw = self._scale.to_raw(volume * self.coordinator.volume_limit)
        await self.coordinator.async_send(cmd.set_volume(self.zone, raw))

    @onkyo_action
    async def async_volume_up(self) -> None:
        """One device step up."""
        await self.coordinator.async_send(cmd.volume_up(self.zone))

    @onkyo_action
    async def async_volume_down(self) -> None:
        """One device step down."""
        await self.coordinator.async_send(cmd.volume_down(self.zone))

    @onkyo_action
    async def async_mute_volume(self, mute: bool) -> None:
        """Mute or unmute."""
        await self.coordinator.async_send(cmd.set_mute(self.zone, mute))

    @onkyo_action
    async def async_select_source(self, source: str) -> None:
        """Select an input by name."""
        sources = self.coordinator.sources(self.zone)
        code = next((c for c, name in sources.items() if name == source), None)
        if code is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="invalid_source",
                translation_placeholders={"source": source, "options": ", ".join(sources.values())},
            )
        await self.coordinator.async_send(cmd.select_source(self.zone, code))

    @onkyo_action
    async def async_select_sound_mode(self, sound_mode: str) -> None:
        """Select a listening mode by name (zone 2: one of its own, with LMZ)."""
        name = self.coordinator.listening_mode_name
        if self._zone_mode_topic is not None:
            zone_code = next(
                (c for c in ZONE2_LISTENING_MODES if name(c, Zone.ZONE2) == sound_mode), None
            )
            if zone_code is not None:
                await self.coordinator.async_send(
                    cmd.select_zone_listening_mode(self.zone, zone_code)
                )
                return
        offered = self.coordinator.offered_listening_modes if self._mode_codes else []
        code = next((c for c in offered if name(c) == sound_mode), None)
        if code is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="invalid_sound_mode",
                translation_placeholders={
                    "sound_mode": sound_mode,
                    "options": ", ".join(self.sound_mode_list or ()),
                },
            )
        await self.coordinator.async_send(cmd.select_listening_mode(code))

    async def _net_command(self, command: NetCommand) -> None:
        await self.coordinator.async_send(cmd.net_control(self.zone, command))

    @onkyo_action
    async def async_media_play(self) -> None:
        """Play."""
        await self._net_command(NetCommand.PLAY)

    @onkyo_action
    async def async_media_pause(self) -> None:
        """Pause."""
        await self._net_command(NetCommand.PAUSE)

    @onkyo_action
    async def async_media_stop(self) -> None:
        """Stop."""
        await self._net_command(NetCommand.STOP)

    @onkyo_action
    async def async_media_next_track(self) -> None:
        """Next track."""
        await self._net_command(NetCommand.TRACK_UP)

    @onkyo_action
    async def async_media_previous_track(self) -> None:
        """Previous track."""
        await self._net_command(NetCommand.TRACK_DOWN)

    @onkyo_action
    async def async_set_shuffle(self, shuffle: bool) -> None:
        """Turn shuffle on or off (RANDOM cycles the device's modes)."""
        net = self.coordinator.state.net
        await self.coordinator.async_cycle_until(
            self.zone,
            NetCommand.RANDOM,
            lambda: net.shuffle,
            lambda: net.shuffle is not None and (net.shuffle is not ShuffleState.OFF) == shuffle,
        )

    @onkyo_action
    async def async_set_repeat(self, repeat: RepeatMode) -> None:
        """Set the repeat mode (REPEAT cycles the device's modes)."""
        net = self.coordinator.state.net
        await self.coordinator.async_cycle_until(
            self.zone,
            NetCommand.REPEAT,
            lambda: net.repeat,
            lambda: net.repeat is not None and _REPEAT_MODES.get(net.repeat) == repeat,
        )

    @onkyo_action
    async def async_media_seek(self, position: float) -> None:
        """Seek to ``position`` seconds in the track."""
        duration = self.coordinator.state.net.duration
        if duration is not None and position > duration:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="invalid_position",
                translation_placeholders={"position": str(position), "duration": str(duration)},
            )
        hours = self.coordinator.capabilities.seek_hours
        await self.coordinator.async_send(cmd.seek(int(position), hours))

    async def async_browse_media(
        self, media_content_type: MediaType | str | None = None, media_content_id: str | None = None
    ) -> BrowseMedia:
        """The device's services, storage and presets, and the lists they open.

        With a renderer, Home Assistant's media sources are offered beside them.
        """
        if self.supported_features & MediaPlayerEntityFeature.MEDIA_ANNOUNCE:
            return await self.coordinator.speaker.async_browse_media(
                media_content_id, self._device_tree
            )
        return await self._device_tree(media_content_id)

    async def _device_tree(self, media_content_id: str | None) -> BrowseMedia:
        return await media_browser.async_browse(
            self.coordinator, self.zone, media_content_id, self.get_browse_image_url
        )

    async def async_get_browse_image(
        self,
        media_content_type: MediaType | str,
        media_content_id: str,
        media_image_id: str | None = None,
    ) -> tuple[bytes | None, str | None]:
        """The browser's icons (shipped with the integration), through Home Assistant's proxy."""
        return await media_browser.async_browse_image(
            self.hass, media_content_type, media_content_id
        )

    async def async_search_media(self, query: SearchMediaQuery) -> SearchMedia:
        """Presets and services by name, then the services' own searches."""
        return await media_browser.async_search(
            self.coordinator, self.zone, query, self.get_browse_image_url
        )

    async def async_play_media(
        self, media_type: MediaType | str, media_id: str, **kwargs: Any
    ) -> None:
        """Start a network service (media type ``app``: its name or id) or recall a preset.

        A preset is media type ``radio`` or ``channel`` with the preset number, recalled
        in this zone; a station written "FM 91.50" or "AM 1008" is tuned directly. A service
        needs the zone on and on its NET input: both are sent first when needed.
        A URL or a media-source id plays through the device's renderer (``announce``:
        then the zone is put back as it was).
        """
        await self._play_media(
            media_type,
            media_id,
            kwargs.get(ATTR_MEDIA_ENQUEUE),
            announce=bool(kwargs.get(ATTR_MEDIA_ANNOUNCE)),
        )

    @onkyo_action
    async def _play_media(
        self,
        media_type: MediaType | str,
        media_id: str,
        enqueue: MediaPlayerEnqueue | None = None,
        *,
        announce: bool = False,
    ) -> None:
        speaker = self.coordinator.speaker
        if self.zone is Zone.MAIN and speaker.handles(media_type, media_id, announce):
            await speaker.async_play_media(self.entity_id, media_id, announce=announce)
            return
        if media_id.startswith("eiscp:"):  # browsed, searched or stored: walk to it and play
            await media_browser.async_play(
                self.coordinator, self.zone, media_id, enqueue, self._start_service
            )
            return
        if media_type == MediaType.APP:
            await self._start_service(media_id)
            return
        if media_type in _PRESET_TYPES and media_id.isdigit():
            await self.coordinator.async_send(cmd.recall_preset(int(media_id), self.zone))
            return
        if media_type in _PRESET_TYPES and (station := browse.parse_station(media_id)):
            await self.coordinator.async_send(cmd.tune(self.zone, *station))
            return
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="invalid_media",
            translation_placeholders={"media_type": media_type, "media_id": media_id},
        )

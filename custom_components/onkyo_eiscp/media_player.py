"""A media player per enabled zone: power, volume, inputs, modes and network playback."""

from __future__ import annotations

from datetime import datetime
import hashlib
from typing import Any

from homeassistant.components.media_player import MediaPlayerEntity
from homeassistant.components.media_player.browse_media import BrowseMedia
from homeassistant.components.media_player.const import (
    MediaPlayerDeviceClass,
    MediaPlayerEntityFeature,
    MediaPlayerState,
    MediaType,
    RepeatMode,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from . import browse
from .const import DOMAIN
from .coordinator import OnkyoConfigEntry, OnkyoCoordinator
from .eiscp import commands as cmd
from .eiscp.art import ArtImage
from .eiscp.codes import LISTENING_MODE_NAMES, SELECTOR_NAMES
from .eiscp.commands import NetCommand
from .eiscp.const import Zone
from .eiscp.messages import PlayState, RepeatState, ShuffleState
from .entity import OnkyoEntity, onkyo_action
from .state import DeviceField, Topic, ZoneField, ZoneState, ZoneTopic

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
        super().__init__(coordinator, zone, topics)
        if zone is Zone.MAIN:
            self._attr_name = None
        else:
            self._attr_translation_key = zone.value
        self._scale = coordinator.zone_capabilities(zone).volume
        self._browsable = browse.can_browse(coordinator, zone)
        self._attr_device_class = (
            MediaPlayerDeviceClass.RECEIVER if self._scale.has_volume else None
        )

    # --- what the zone shows ------------------------------------------------------

    @property
    def _zone(self) -> ZoneState:
        return self.coordinator.state.zones[self.zone]

    @property
    def _plays_net(self) -> bool:
        return self.coordinator.zone_plays_net(self.zone)

    @property
    def state(self) -> MediaPlayerState | None:
        """Off in standby; the player's state on a network input; on otherwise."""
        power = self._zone.power
        if power is None:
            return None
        if not power:
            return MediaPlayerState.OFF
        if self._plays_net:
            play = self.coordinator.state.net.play
            if play is not None:
                return _PLAY_STATES.get(play, MediaPlayerState.IDLE)
        return MediaPlayerState.ON

    @property
    def supported_features(self) -> MediaPlayerEntityFeature:
        """What this zone can do now."""
        features = (
            MediaPlayerEntityFeature.TURN_ON
            | MediaPlayerEntityFeature.TURN_OFF
            | MediaPlayerEntityFeature.PLAY_MEDIA
        )
        if self._scale.has_volume:
            features |= _VOLUME_FEATURES
        if self.coordinator.sources(self.zone):
            features |= MediaPlayerEntityFeature.SELECT_SOURCE
        if self._mode_codes():
            features |= MediaPlayerEntityFeature.SELECT_SOUND_MODE
        if self._browsable:
            features |= MediaPlayerEntityFeature.BROWSE_MEDIA
        if self._plays_net:
            features |= _PLAYBACK_FEATURES
            net = self.coordinator.state.net
            if net.shuffle not in (None, ShuffleState.DISABLED):
                features |= MediaPlayerEntityFeature.SHUFFLE_SET
            if net.repeat not in (None, RepeatState.DISABLED):
                features |= MediaPlayerEntityFeature.REPEAT_SET
            if net.menu is not None and net.menu.time_seek:
                features |= MediaPlayerEntityFeature.SEEK
        return features

    @property
    def volume_level(self) -> float | None:
        """Volume 0..1, where 1 is the configured limit of the device's range."""
        raw = self._zone.volume
        if raw is None or not self._scale.has_volume:
            return None
        return min(1.0, self._scale.to_level(raw) / self.coordinator.volume_limit)

    @property
    def is_volume_muted(self) -> bool | None:
        """Whether the zone is muted."""
        return self._zone.muted

    @property
    def source_list(self) -> list[str] | None:
        """The zone's inputs."""
        return list(self.coordinator.sources(self.zone).values()) or None

    @property
    def source(self) -> str | None:
        """The current input by name."""
        code = self._zone.source
        if code is None:
            return None
        return self.coordinator.sources(self.zone).get(code) or SELECTOR_NAMES.get(code, code)

    @property
    def sound_mode_list(self) -> list[str] | None:
        """The device's listening modes."""
        return [LISTENING_MODE_NAMES.get(c, c) for c in self._mode_codes()] or None

    @property
    def sound_mode(self) -> str | None:
        """The current listening mode."""
        mode = self.coordinator.state.listening_mode
        if self.zone is not Zone.MAIN or mode is None:
            return None
        return LISTENING_MODE_NAMES.get(mode, mode)

    def _mode_codes(self) -> list[str]:
        return self.coordinator.listening_modes if self.zone is Zone.MAIN else []

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

    # --- network playback -------------------------------------------------------------

    def _net[T](self, value: T | None) -> T | None:
        return value if self._plays_net else None

    @property
    def media_title(self) -> str | None:
        """Track title."""
        return self._net(self.coordinator.state.net.title)

    @property
    def media_artist(self) -> str | None:
        """Track artist."""
        return self._net(self.coordinator.state.net.artist)

    @property
    def media_album_name(self) -> str | None:
        """Album."""
        return self._net(self.coordinator.state.net.album)

    @property
    def media_track(self) -> int | None:
        """Track number."""
        return self._net(self.coordinator.state.net.track)

    @property
    def media_duration(self) -> int | None:
        """Track length in seconds."""
        return self._net(self.coordinator.state.net.duration)

    @property
    def media_position(self) -> int | None:
        """Position at ``media_position_updated_at``."""
        return self._net(self.coordinator.state.net.position)

    @property
    def media_position_updated_at(self) -> datetime | None:
        """When the position was taken."""
        return self._net(self.coordinator.state.net.position_updated_at)

    @property
    def shuffle(self) -> bool | None:
        """Whether shuffle is on."""
        shuffle = self.coordinator.state.net.shuffle
        if not self._plays_net or shuffle in (None, ShuffleState.DISABLED):
            return None
        return shuffle is not ShuffleState.OFF

    @property
    def repeat(self) -> RepeatMode | None:
        """Repeat mode."""
        repeat = self.coordinator.state.net.repeat
        if not self._plays_net or repeat is None:
            return None
        return _REPEAT_MODES.get(repeat)

    @property
    def media_image_url(self) -> str | None:
        """The album art the device links to."""
        return self._net(self.coordinator.state.net.art_url)

    @property
    def media_image_hash(self) -> str | None:
        """Changes with the track: devices reuse one art URL for every track."""
        if (art := self._streamed_art) is not None:
            return hashlib.sha256(art.data).hexdigest()[:16]
        url = self.media_image_url
        if url is None:
            return None
        net = self.coordinator.state.net
        key = f"{url}|{net.title}|{net.album}|{net.artist}"
        return hashlib.sha256(key.encode()).hexdigest()[:16]

    @property
    def _streamed_art(self) -> ArtImage | None:
        """Art the device streamed over eISCP instead of linking it."""
        return self._net(self.coordinator.state.net.art)

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
        """Select a listening mode by name."""
        code = next(
            (c for c in self._mode_codes() if LISTENING_MODE_NAMES.get(c, c) == sound_mode), None
        )
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
        """The device's network services and presets."""
        return browse.browse(self.coordinator, self.zone, media_content_id)

    async def async_play_media(
        self, media_type: MediaType | str, media_id: str, **kwargs: Any
    ) -> None:
        """Start a network service (media type ``app``: its name or id) or recall a preset.

        A preset is media type ``radio`` or ``channel`` with the preset number. A service
        needs the zone on and on its NET input: both are sent first when needed.
        """
        await self._play_media(media_type, media_id)

    @onkyo_action
    async def _play_media(self, media_type: MediaType | str, media_id: str) -> None:
        if media_type == MediaType.APP:
            await self._start_service(media_id)
            return
        if media_type in _PRESET_TYPES and media_id.isdigit():
            await self.coordinator.async_send(cmd.recall_preset(int(media_id)))
            return
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="invalid_media",
            translation_placeholders={"media_type": media_type, "media_id": media_id},
        )

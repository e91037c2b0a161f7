"""The device state the coordinator keeps, and how each message changes it.

Pure data and pure functions: no Home Assistant, no I/O, so every transition is easy to
test. ``DeviceState.apply`` returns the topics a message changed; the coordinator
notifies only the entities listening to those topics. Topics are typed, so a renamed
field is a type error, not an entity that silently stops updating: a zone's field is a
:class:`ZoneTopic` (zone, :class:`ZoneField`), a device setting its :class:`DeviceField`,
and anything of the network player :attr:`DeviceField.NET`. An entity listens to exactly
what it shows, so a volume change does not re-render the zone's tone controls.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

from .eiscp.art import ArtAssembler, ArtImage
from .eiscp.const import ZONES, Zone
from .eiscp.messages import (
    Album,
    AlbumArt,
    Artist,
    ArtType,
    AudioInfo,
    CenterLevel,
    DabStation,
    Dimmer,
    FileInfo,
    FirmwareUpdate,
    HdmiOutput,
    ListeningMode,
    ListTitle,
    MenuStatus,
    Message,
    Mute,
    PlayState,
    PlayStatus,
    Power,
    Preset,
    RepeatState,
    Setting,
    ShuffleState,
    Source,
    SubwooferLevel,
    TimeInfo,
    Title,
    Tone,
    TrackInfo,
    Tuner,
    UpdateState,
    VideoInfo,
    Volume,
    ZoneMessage,
)


class ZoneField(StrEnum):
    """A field of :class:`ZoneState` (the values are the field names)."""

    POWER = "power"
    VOLUME = "volume"
    MUTED = "muted"
    SOURCE = "source"
    BASS = "bass"
    TREBLE = "treble"
    PRESET = "preset"  # of the zone's tuner
    TUNER_FREQUENCY = "tuner_frequency"


class DeviceField(StrEnum):
    """A field of :class:`DeviceState` (the values are the field names)."""

    NET = "net"  # anything of the network player
    LISTENING_MODE = "listening_mode"
    HDMI_OUTPUT = "hdmi_output"
    DIMMER = "dimmer"
    CENTER_LEVEL = "center_level"
    SUBWOOFER_LEVEL = "subwoofer_level"
    AUDIO_INFO = "audio_info"
    VIDEO_INFO = "video_info"
    FIRMWARE = "firmware"  # with firmware_progress
    DAB_STATION = "dab_station"


class SettingTopic(NamedTuple):
    """One receiver setting (its command code: ``DeviceState.settings[code]``)."""

    code: str


class ZoneTopic(NamedTuple):
    """One field of one zone."""

    zone: Zone
    field: ZoneField


type Topic = DeviceField | ZoneTopic | SettingTopic


def field_topic(zone: Zone, field: ZoneField | DeviceField) -> Topic:
    """The topic of ``field``: of ``zone``'s state for a zone field, else the device's."""
    return ZoneTopic(zone, field) if isinstance(field, ZoneField) else field


_NET_CHANGED: tuple[Topic, ...] = (DeviceField.NET,)
# Each zone field's topic, made once: a push returns it, not a new tuple. Every zone,
# the legacy Pioneer HDZone included.
_ZONE_CHANGED: dict[Zone, dict[str, tuple[Topic, ...]]] = {
    zone: {field.value: (ZoneTopic(zone, field),) for field in ZoneField} for zone in Zone
}


# How far (seconds) a reported position may drift from the one predicted from the last
# anchor before it counts as a change. Devices tick NTM every second: without this,
# every media player would write its state every second for nothing.
POSITION_TOLERANCE = 1.5


# The zone messages that set one field: which field, from which attribute of theirs.
_ZONE_VALUE: dict[type[Message], tuple[str, str]] = {
    Power: (ZoneField.POWER.value, "on"),
    Volume: (ZoneField.VOLUME.value, "level"),
    Mute: (ZoneField.MUTED.value, "muted"),
    Source: (ZoneField.SOURCE.value, "selector"),
}


@dataclass(slots=True)
class ZoneState:
    """What a zone reports."""

    power: bool | None = None
    volume: int | None = None
    muted: bool | None = None
    source: str | None = None
    bass: int | None = None
    treble: int | None = None
    preset: int | None = None  # the tuner's, as this zone recalls it
    tuner_frequency: str | None = None  # TUN's digits, e.g. "09150"


@dataclass(slots=True)
class NetState:
    """What the network/USB player reports."""

    play: PlayState | None = None
    repeat: RepeatState | None = None
    shuffle: ShuffleState | None = None
    title: str | None = None
    artist: str | None = None
    album: str | None = None
    position: int | None = None
    duration: int | None = None
    position_updated_at: datetime | None = None
    track: int | None = None
    track_count: int | None = None
    file_info: FileInfo | None = None
    art_url: str | None = None
    art: ArtImage | None = None  # streamed art (devices that do not link it)
    list_title: ListTitle | None = None
    menu: MenuStatus | None = None

    @property
    def playing(self) -> bool:
        """Whether the player is moving forward through a track."""
        return self.play in (PlayState.PLAYING, PlayState.FAST_FORWARD)


@dataclass(slots=True)
class DeviceState:
    """Everything the device has told us, by topic."""

    # eISCP's zones always; the HDZone (legacy Pioneer only) once it is used.
    zones: dict[Zone, ZoneState] = field(
        default_factory=lambda: defaultdict(ZoneState, {z: ZoneState() for z in ZONES})
    )
    net: NetState = field(default_factory=NetState)
    listening_mode: str | None = None
    hdmi_output: str | None = None
    dimmer: str | None = None
    center_level: CenterLevel | None = None
    subwoofer_level: SubwooferLevel | None = None
    audio_info: AudioInfo | None = None
    video_info: VideoInfo | None = None
    firmware: UpdateState | None = None
    firmware_progress: int | None = None
    dab_station: str | None = None
    # Receiver settings and reports by command code, as sent (see eiscp.settings).
    settings: dict[str, str] = field(default_factory=dict)
    art_stream: ArtAssembler = field(default_factory=ArtAssembler, repr=False, compare=False)

    def apply(self, message: Message, now: datetime | Callable[[], datetime]) -> tuple[Topic, ...]:
        """Apply one message; return the topics whose state changed.

        ``now`` is the time, or a clock read only by the messages that need it (those of
        the network player): the volume pushes of a knob turn do not read it.
        """
        if isinstance(message, ZoneMessage) and (names := _ZONE_VALUE.get(type(message))):
            # The hot path (volume knob, power, mute, input): one field of one zone.
            field, value_name = names
            zone = self.zones[message.zone]
            new = getattr(message, value_name)
            if getattr(zone, field) == new:
                return ()
            setattr(zone, field, new)
            return _ZONE_CHANGED[message.zone][field]
        match message:
            case Tone():
                return self._apply_tone(message)
            case (
                PlayStatus()
                | Title()
                | Artist()
                | Album()
                | TimeInfo()
                | TrackInfo()
                | FileInfo()
                | AlbumArt()
                | ListTitle()
                | MenuStatus()
            ):
                if not isinstance(now, datetime):
                    now = now()
                return _NET_CHANGED if self._apply_net(message, now) else ()
            case Setting(code=code, value=value):
                if self.settings.get(code) == value:
                    return ()
                self.settings[code] = value
                return (SettingTopic(code),)
            case Preset() | Tuner():
                return self._apply_tuner(message)
            case _:
                changed = self._apply_device(message)
                return () if changed is None else (changed,)

    def _apply_tone(self, message: Tone) -> tuple[Topic, ...]:
        """A reply may carry only one of bass and treble: the other stays as it was."""
        zone = self.zones[message.zone]
        fields: list[Topic] = []
        if message.bass is not None and message.bass != zone.bass:
            zone.bass = message.bass
            fields.append(ZoneTopic(message.zone, ZoneField.BASS))
        if message.treble is not None and message.treble != zone.treble:
            zone.treble = message.treble
            fields.append(ZoneTopic(message.zone, ZoneField.TREBLE))
        return tuple(fields)

    def _apply_tuner(self, message: Preset | Tuner) -> tuple[Topic, ...]:
        zone = self.zones[message.zone]
        if isinstance(message, Preset):
            changed, zone.preset = zone.preset != message.number, message.number
            field = ZoneField.PRESET
        else:
            changed = zone.tuner_frequency != message.frequency
            zone.tuner_frequency = message.frequency
            field = ZoneField.TUNER_FREQUENCY
        return (ZoneTopic(message.zone, field),) if changed else ()

    def _apply_net(self, message: Message, now: datetime) -> bool:
        net = self.net
        match message:
            case PlayStatus(play=play, repeat=repeat, shuffle=shuffle):
                was_playing = net.playing
                changed = (net.play, net.repeat, net.shuffle) != (play, repeat, shuffle)
                net.play, net.repeat, net.shuffle = play, repeat, shuffle
                if was_playing != net.playing and net.position is not None:
                    # Re-anchor: the position stops (or starts) advancing here.
                    net.position = self.predicted_position(now)
                    net.position_updated_at = now
            case Title(text=text):
                changed, net.title = net.title != (text or None), text or None
            case Artist(text=text):
                changed, net.artist = net.artist != (text or None), text or None
            case Album(text=text):
                changed, net.album = net.album != (text or None), text or None
            case TimeInfo(elapsed=elapsed, total=total):
                return self._apply_time(elapsed, total, now)
            case TrackInfo(current=current, total=total):
                changed = (net.track, net.track_count) != (current, total)
                net.track, net.track_count = current, total
            case FileInfo():
                changed, net.file_info = net.file_info != message, message
            case AlbumArt():
                return self._apply_art(message)
            case ListTitle():
                changed, net.list_title = net.list_title != message, message
            case MenuStatus():
                changed, net.menu = net.menu != message, message
            case _:  # pragma: no cover - apply() only routes the types above here
                return False
        return changed

    def _apply_art(self, message: AlbumArt) -> bool:
        """A link, no art, or a packet of streamed art (shown once the image is whole)."""
        net = self.net
        image = self.art_stream.feed(message)
        if message.image_type is ArtType.URL:
            art, url = None, message.url
        elif message.image_type is ArtType.NONE:
            art, url = None, None
        elif image is None:
            return False  # the last complete image shows until the next is whole
        else:
            art, url = image, None
        changed = (net.art, net.art_url) != (art, url)
        net.art, net.art_url = art, url
        return changed

    def _apply_time(self, elapsed: int | None, total: int | None, now: datetime) -> bool:
        net = self.net
        duration_changed = net.duration != total
        net.duration = total
        if elapsed is None:
            changed = net.position is not None
            net.position = None
            net.position_updated_at = None
            return changed or duration_changed
        predicted = self.predicted_position(now)
        if predicted is not None and abs(predicted - elapsed) <= POSITION_TOLERANCE:
            return duration_changed
        net.position = elapsed
        net.position_updated_at = now
        return True

    def predicted_position(self, now: datetime) -> int | None:
        """Where the position should be now, from the last anchor and the play state."""
        net = self.net
        if net.position is None or net.position_updated_at is None:
            return net.position
        if not net.playing:
            return net.position
        return net.position + round((now - net.position_updated_at).total_seconds())

    def _apply_device(self, message: Message) -> DeviceField | None:
        """Apply a device-wide message; the field it changed, if any."""
        match message:
            case ListeningMode(mode=mode):
                changed, self.listening_mode = self.listening_mode != mode, mode
                field = DeviceField.LISTENING_MODE
            case HdmiOutput(output=output):
                changed, self.hdmi_output = self.hdmi_output != output, output
                field = DeviceField.HDMI_OUTPUT
            case Dimmer(level=level):
                changed, self.dimmer = self.dimmer != level, level
                field = DeviceField.DIMMER
            case CenterLevel():
                changed, self.center_level = self.center_level != message, message
                field = DeviceField.CENTER_LEVEL
            case SubwooferLevel():
                changed, self.subwoofer_level = self.subwoofer_level != message, message
                field = DeviceField.SUBWOOFER_LEVEL
            case AudioInfo():
                changed, self.audio_info = self.audio_info != message, message
                field = DeviceField.AUDIO_INFO
            case VideoInfo():
                changed, self.video_info = self.video_info != message, message
                field = DeviceField.VIDEO_INFO
            case FirmwareUpdate(state=state, progress=progress):
                changed = (self.firmware, self.firmware_progress) != (state, progress)
                self.firmware, self.firmware_progress = state, progress
                field = DeviceField.FIRMWARE
            case DabStation(name=name):
                changed, self.dab_station = self.dab_station != name, name
                field = DeviceField.DAB_STATION
            case _:
                return None
        return field if changed else None

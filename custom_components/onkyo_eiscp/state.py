"""The device state the coordinator keeps, and how each message changes it.

Pure data and pure functions: no Home Assistant, no I/O, so every transition is easy to
test. ``DeviceState.apply`` returns the topics a message changed; the coordinator
notifies only the entities listening to those topics. A zone's change is published as
the zone ("main") and as the field ("main.volume"); a device setting as "device" and
"device.<field>"; anything of the network player as "net". An entity listens to exactly
what it shows, so a volume change does not re-render the zone's tone controls.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .eiscp.art import ArtAssembler, ArtImage
from .eiscp.const import ZONES, Zone
from .eiscp.messages import (
    Album,
    AlbumArt,
    Artist,
    ArtType,
    AudioInfo,
    CenterLevel,
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
)

# Topics an entity can listen to (see the module docstring).
TOPIC_NET = "net"
TOPIC_DEVICE = "device"


def topic(scope: str, field: str) -> str:
    """The topic of one field of a scope, e.g. "main.volume"."""
    return f"{scope}.{field}"


def field_topic(zone: Zone, field: str, *, zoned: bool) -> str:
    """The topic of a field of ``zone``'s state (``zoned``) or of the device's."""
    return topic(zone.value if zoned else TOPIC_DEVICE, field)


# How far (seconds) a reported position may drift from the one predicted from the last
# anchor before it counts as a change. Devices tick NTM every second: without this,
# every media player would write its state every second for nothing.
POSITION_TOLERANCE = 1.5


@dataclass(slots=True)
class ZoneState:
    """What a zone reports."""

    power: bool | None = None
    volume: int | None = None
    muted: bool | None = None
    source: str | None = None
    bass: int | None = None
    treble: int | None = None


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

    zones: dict[Zone, ZoneState] = field(default_factory=lambda: {z: ZoneState() for z in ZONES})
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
    preset: int | None = None
    tuner_frequency: str | None = None
    art_stream: ArtAssembler = field(default_factory=ArtAssembler, repr=False, compare=False)

    def apply(self, message: Message, now: datetime) -> set[str]:
        """Apply one message; return the topics whose state changed."""
        match message:
            case Power() | Volume() | Mute() | Source() | Tone():
                return self._apply_zone(message)
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
                return {TOPIC_NET} if self._apply_net(message, now) else set()
            case _:
                field = self._apply_device(message)
                return {TOPIC_DEVICE, topic(TOPIC_DEVICE, field)} if field else set()

    def _apply_zone(self, message: Power | Volume | Mute | Source | Tone) -> set[str]:
        zone = self.zones[message.zone]
        before = {field: getattr(zone, field) for field in _ZONE_FIELDS}
        match message:
            case Power(on=on):
                zone.power = on
            case Volume(level=level):
                zone.volume = level
            case Mute(muted=muted):
                zone.muted = muted
            case Source(selector=selector):
                zone.source = selector
            case Tone(bass=bass, treble=treble):
                zone.bass = zone.bass if bass is None else bass
                zone.treble = zone.treble if treble is None else treble
        scope = message.zone.value
        changed = {topic(scope, f) for f in _ZONE_FIELDS if getattr(zone, f) != before[f]}
        return changed | {scope} if changed else set()

    def _apply_net(self, message: Message, now: datetime) -> bool:  # noqa: PLR0912 - one branch per message type
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
                return changed
            case Title(text=text):
                return _set(net, "title", text or None)
            case Artist(text=text):
                return _set(net, "artist", text or None)
            case Album(text=text):
                return _set(net, "album", text or None)
            case TimeInfo(elapsed=elapsed, total=total):
                return self._apply_time(elapsed, total, now)
            case TrackInfo(current=current, total=total):
                changed = (net.track, net.track_count) != (current, total)
                net.track, net.track_count = current, total
                return changed
            case FileInfo():
                return _set(net, "file_info", message)
            case AlbumArt(image_type=image_type):
                image = self.art_stream.feed(message)
                if image_type is ArtType.URL:
                    return _set(net, "art", None) | _set(net, "art_url", message.url)
                if image_type is ArtType.NONE:
                    return _set(net, "art", None) | _set(net, "art_url", None)
                # Streamed BMP/JPEG: the last complete image shows until the next is whole.
                if image is None:
                    return False
                return _set(net, "art_url", None) | _set(net, "art", image)
            case ListTitle():
                return _set(net, "list_title", message)
            case MenuStatus():
                return _set(net, "menu", message)
        return False  # pragma: no cover - apply() only routes the types above here

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

    def _apply_device(self, message: Message) -> str | None:
        """Apply a device-wide message; the name of the field it changed, if any."""
        value: object
        match message:
            case ListeningMode(mode=value):
                field: str = "listening_mode"
            case HdmiOutput(output=value):
                field = "hdmi_output"
            case Dimmer(level=value):
                field = "dimmer"
            case CenterLevel():
                field, value = "center_level", message
            case SubwooferLevel():
                field, value = "subwoofer_level", message
            case AudioInfo():
                field, value = "audio_info", message
            case VideoInfo():
                field, value = "video_info", message
            case FirmwareUpdate(state=state, progress=progress):
                changed = (self.firmware, self.firmware_progress) != (state, progress)
                self.firmware, self.firmware_progress = state, progress
                return "firmware" if changed else None
            case Preset(number=value):
                field = "preset"
            case Tuner(frequency=value):
                field = "tuner_frequency"
            case _:
                return None
        return field if _set(self, field, value) else None


_ZONE_FIELDS = ("power", "volume", "muted", "source", "bass", "treble")


def _set(obj: object, name: str, value: object) -> bool:
    """Set ``obj.name`` to ``value``; return whether it changed."""
    if getattr(obj, name) == value:
        return False
    setattr(obj, name, value)
    return True

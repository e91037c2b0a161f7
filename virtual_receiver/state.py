"""The state a virtual receiver keeps, and a demo playlist."""

from __future__ import annotations

from dataclasses import dataclass, field

from .zones import Zone


@dataclass(slots=True)
class ZoneState:
    """One zone."""

    power: bool = False
    volume: int = 20
    muted: bool = False
    source: str = "2B"
    tone_bass: int = 0
    tone_treble: int = 0


@dataclass(frozen=True, slots=True)
class Track:
    """One track of a playlist."""

    title: str
    artist: str
    album: str
    duration: int  # seconds
    file_info: str = "FLAC/44.1kHz/16bit"


DEMO_PLAYLIST: tuple[Track, ...] = (
    Track("Morning Signal", "The Loopback Quartet", "Local Hosts", 42),
    Track("Half-Open Socket", "The Loopback Quartet", "Local Hosts", 35),
    Track("Fifty Milliseconds", "Pacing & The Frames", "Header Size Sixteen", 48),
    Track("Carriage Return", "Pacing & The Frames", "Header Size Sixteen", 31),
)


def list_title(service: str, title: str, *, items: int = 0) -> str:
    """NLT's parameters for the top of ``service``'s list, laid out as the spec gives them.

    ``xx`` service, ``u`` UI type (0 list), ``y`` layer (1 service top), ``cccc`` cursor,
    ``iiii`` items, ``ll`` layers, ``s`` start flag, ``r`` reserved, ``aa`` and ``bb`` the
    title bar's icons (FF none), ``ss`` status (00 none), then the title bar's text.
    """
    return f"{service}01{0:04X}{items:04X}{1:02X}10FFFF00{title}"


@dataclass(slots=True)
class NetState:
    """The network/USB player."""

    play: str = "S"  # S stop, P play, p pause
    repeat: str = "-"  # - off, R all, F folder, 1 one
    shuffle: str = "-"  # - off, S all
    title: str = ""
    artist: str = ""
    album: str = ""
    elapsed: int = 0
    total: int = 0
    track: int = 0  # 1-based, 0 = none
    track_total: int = 0
    file_info: str = ""
    art_url: str = ""
    list_title: str = field(default_factory=lambda: list_title("F3", "NET"))
    service: str = "F3"
    playlist: tuple[Track, ...] = ()
    loop: bool = True


@dataclass(slots=True)
class ReceiverState:
    """Everything a virtual receiver reports."""

    zones: dict[Zone, ZoneState] = field(default_factory=dict)
    listening_mode: str = "00"
    hdmi_output: str = "01"
    dimmer: str = "00"
    center_level: int = 0
    subwoofer_level: int = 0
    firmware_update: str = "FF"
    preset: int = 1
    audio_info: str = "HDMI 1,PCM,48 kHz,2.0 ch,Stereo,2.1 ch,"
    video_info: str = (
        "HDMI 1,1920 x 1080p  60 Hz,RGB,24bit,HDMI Main,1920 x 1080p  60 Hz,RGB,24bit,Standard,"
    )
    net: NetState = field(default_factory=NetState)

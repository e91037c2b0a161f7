"""Typed eISCP messages: what a device sends, as immutable values.

:mod:`.parser` turns received text into these; :mod:`.commands` builds what we send.
A device's ``N/A`` reply is :class:`NotAvailable` (with the command code it answers);
anything not modelled is a :class:`RawMessage`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .codes import NET_SERVICES
from .const import Zone

# --- base ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Message:
    """Any message: its 3-letter command code and its parameter text as received."""

    code: str
    raw: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RawMessage(Message):
    """A message of a command we do not model, or whose parameters did not parse."""


@dataclass(frozen=True, slots=True, kw_only=True)
class NotAvailable(Message):
    """The device answered ``N/A``: the command or query is not available now."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ZoneMessage(Message):
    """A message that belongs to one zone."""

    zone: Zone


# --- zone state ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Power(ZoneMessage):
    """PWR/ZPW/PW3/PW4."""

    on: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class Volume(ZoneMessage):
    """MVL/ZVL/VL3/VL4: the raw device level (hex on the wire, int here)."""

    level: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Mute(ZoneMessage):
    """AMT/ZMT/MT3/MT4."""

    muted: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class Source(ZoneMessage):
    """SLI/SLZ/SL3/SL4: selector id as 2 uppercase hex digits, e.g. "2B" (NET)."""

    selector: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Tone(ZoneMessage):
    """TFR/ZTN/TN3: bass and treble in dB (None when the reply does not carry it)."""

    bass: int | None
    treble: int | None


# --- main-zone / device state -------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class ListeningMode(Message):
    """LMD: mode code as 2 uppercase hex digits, e.g. "0C" (All Ch Stereo)."""

    mode: str


@dataclass(frozen=True, slots=True, kw_only=True)
class HdmiOutput(Message):
    """HDO: output code, e.g. "00" (no), "01" (out main), "02" (out sub), "03" (both)."""

    output: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Dimmer(Message):
    """DIM: "00" bright, "01" dim, "02" dark, "03" shut-off, "08" bright & LED off."""

    level: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ChannelLevel(Message):
    """A speaker level as sent: signed hex ``steps`` in 2 or 3 ``digits``.

    Two digits are whole dB. Three digits are whole dB on most models ("+0C" = +12 dB)
    but half-dB steps on models whose NRI gives the control step 0 ("+18" = +12 dB):
    only NRI can tell, so :meth:`db` takes the device's step.
    """

    steps: int
    digits: int

    def db(self, step: float) -> float:
        """The level in dB for a device whose NRI gives this control ``step``."""
        return self.steps * 0.5 if step < 1 and self.digits == 3 else float(self.steps)


@dataclass(frozen=True, slots=True, kw_only=True)
class CenterLevel(ChannelLevel):
    """CTL: centre speaker level."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SubwooferLevel(ChannelLevel):
    """SWL: subwoofer level."""


@dataclass(frozen=True, slots=True, kw_only=True)
class AudioInfo(Message):
    """IFA: comma-separated audio information, in the spec's order."""

    input_port: str
    input_format: str
    sample_rate: str
    input_channels: str
    listening_mode: str
    output_channels: str
    extra: tuple[str, ...]

    @property
    def output_sample_rate(self) -> str:
        """The output sampling frequency (newer models; "" when not sent)."""
        return _nth(self.extra, 0)

    @property
    def pqls(self) -> str:
        """PQLS: Off/2ch/Multich/Bitstream."""
        return _nth(self.extra, 1)

    @property
    def auto_phase_control_delay(self) -> str:
        """Auto Phase Control's current delay (0ms - 16ms, or ---)."""
        return _nth(self.extra, 2)

    @property
    def auto_phase_control_phase(self) -> str:
        """Auto Phase Control's phase (Normal/Reverse)."""
        return _nth(self.extra, 3)

    @property
    def upmix_mode(self) -> str:
        """The upmix mode (No/PL2/PL2X/PL2Z/DolbySurround/Neo6/NeoX/NeuralX/...)."""
        return _nth(self.extra, 4)


@dataclass(frozen=True, slots=True, kw_only=True)
class VideoInfo(Message):
    """IFV: comma-separated video information, in the spec's order."""

    input_port: str
    input_resolution: str
    input_color_schema: str
    input_color_depth: str
    output_port: str
    output_resolution: str
    output_color_schema: str
    output_color_depth: str
    picture_mode: str
    extra: tuple[str, ...]

    @property
    def input_hdr(self) -> str:
        """The input's HDR format (newer models; "" when not sent)."""
        return _nth(self.extra, 0)


class UpdateState(StrEnum):
    """What UPD says about firmware."""

    AVAILABLE = "available"  # "00" / "01"
    NONE = "none"  # "FF"
    UPDATING = "updating"  # "Dxx-nn" progress
    COMPLETED = "completed"  # "CMP"
    ERROR = "error"  # "Exx-yy"


@dataclass(frozen=True, slots=True, kw_only=True)
class FirmwareUpdate(Message):
    """UPD."""

    state: UpdateState
    progress: int | None  # percent while updating, when the device says


@dataclass(frozen=True, slots=True, kw_only=True)
class Preset(Message):
    """PRS/PRZ/PR3/PR4: preset number (1-based, hex on the wire) of a zone's tuner."""

    number: int
    zone: Zone = Zone.MAIN


@dataclass(frozen=True, slots=True, kw_only=True)
class Tuner(Message):
    """TUN/TUZ/TU3/TU4: frequency digits as sent, e.g. "08750" (FM 87.50 MHz), "00531" (AM kHz)."""

    frequency: str
    zone: Zone = Zone.MAIN


@dataclass(frozen=True, slots=True, kw_only=True)
class Setting(Message):
    """A receiver setting or report (see :mod:`.settings`): its value as sent.

    Each setting's own format (``SLP`` "OFF"/hex minutes, ``TPD`` "F 77C 25", ``CMT``
    two characters per channel, ...) is read by whoever shows it.
    """

    value: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DabStation(Message):
    """DSN: the DAB station's name."""

    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceDiscovery(Message):
    """ECN: ``model/port/region/identifier`` (identifier may be glued to region)."""

    model: str
    port: int
    region: str
    identifier: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ReceiverInfo(Message):
    """NRI: the receiver-information XML, unparsed (see :mod:`.nri`)."""

    xml: str


def _nth(values: tuple[str, ...], index: int) -> str:
    return values[index] if index < len(values) else ""


# --- network / USB player -----------------------------------------------------------


class PlayState(StrEnum):
    """NST play status."""

    STOPPED = "S"
    PLAYING = "P"
    PAUSED = "p"
    FAST_FORWARD = "F"
    FAST_REWIND = "R"
    END_OF_FILE = "E"


class RepeatState(StrEnum):
    """NST repeat status."""

    OFF = "-"
    ALL = "R"
    FOLDER = "F"
    ONE = "1"
    DISABLED = "x"


class ShuffleState(StrEnum):
    """NST shuffle status."""

    OFF = "-"
    ALL = "S"
    ALBUM = "A"
    FOLDER = "F"
    DISABLED = "x"


@dataclass(frozen=True, slots=True, kw_only=True)
class PlayStatus(Message):
    """NST ``prs`` or ``prst``; an unknown letter maps to STOPPED/OFF/OFF."""

    play: PlayState
    repeat: RepeatState
    shuffle: ShuffleState


@dataclass(frozen=True, slots=True, kw_only=True)
class Title(Message):
    """NTI."""

    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Artist(Message):
    """NAT."""

    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Album(Message):
    """NAL."""

    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TimeInfo(Message):
    """NTM ``elapsed/total`` in seconds (mm:ss or hh:mm:ss; ``--:--`` is None)."""

    elapsed: int | None
    total: int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class TrackInfo(Message):
    """NTR ``cccc/tttt`` (``----`` is None)."""

    current: int | None
    total: int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class FileInfo(Message):
    """NFI ``format/sample rate/bit depth``, e.g. "FLAC/44.1kHz/16bit"."""

    format: str
    sample_rate: str
    bit_depth: str


@dataclass(frozen=True, slots=True, kw_only=True)
class MenuStatus(Message):
    """NMS ``maabbstii``: track menu, feed buttons, time seek, time display, service icon."""

    track_menu: bool
    positive_feed: str
    negative_feed: str
    time_seek: bool
    time_display: str
    service_icon: str


@dataclass(frozen=True, slots=True, kw_only=True)
class NetStatus(Message):
    """NDS ``nfr``: network connection, front USB, rear USB status letters."""

    network: str
    front_usb: str
    rear_usb: str


class ArtType(StrEnum):
    """NJA image type."""

    BMP = "0"
    JPEG = "1"
    URL = "2"
    NONE = "n"


class ArtPacket(StrEnum):
    """NJA packet flag."""

    START = "0"
    NEXT = "1"
    END = "2"
    NOT_USED = "-"


@dataclass(frozen=True, slots=True, kw_only=True)
class AlbumArt(Message):
    """NJA: a URL (type URL) or one packet of hex image data (BMP/JPEG)."""

    image_type: ArtType
    packet: ArtPacket
    data: str

    @property
    def url(self) -> str | None:
        """The image URL when the device links its art, else None."""
        return self.data if self.image_type is ArtType.URL and self.data else None


class ListUI(StrEnum):
    """NLT/NLA UI type."""

    LIST = "0"
    MENU = "1"
    PLAYBACK = "2"
    POPUP = "3"
    KEYBOARD = "4"
    MENU_LIST = "5"


class ListLayer(StrEnum):
    """NLT layer info."""

    NET_TOP = "0"
    SERVICE_TOP = "1"
    UNDER_2ND_LAYER = "2"


@dataclass(frozen=True, slots=True, kw_only=True)
class ListTitle(Message):
    """NLT ``xxuycccciiiillsraabbssnnn...``: the 22-character prefix, then the title.

    The seed's ``0E01000000090100FF0E00TuneIn Radio`` is service "0E" (TuneIn Radio),
    UI LIST, layer SERVICE_TOP, cursor 0, 9 items, 1 layer, title "TuneIn Radio".
    """

    service: str  # 2 uppercase hex digits
    ui: ListUI
    layer: ListLayer
    cursor: int
    items: int
    layers: int
    start_flag: str
    reserved: str
    left_icon: str
    right_icon: str
    status: str
    title: str

    @property
    def service_name(self) -> str | None:
        """The spec's name of ``service`` (NET_SERVICES), None when unknown."""
        return NET_SERVICES.get(self.service)


@dataclass(frozen=True, slots=True, kw_only=True)
class ListLine(Message):
    """NLS ``tlp...``: one line of the on-screen list, or a cursor update."""

    info_type: str  # "A" ASCII, "U" Unicode, "C" cursor
    line: int | None  # 0..9, None for "-" (no cursor)
    property: str
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ListItem:
    """One item of an NLA XML list."""

    title: str
    icon_type: str
    icon_id: str
    selectable: bool
    url: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ListXml(Message):
    """NLA ``tzzzzsurr<xml>``: a whole list as XML, with its items parsed."""

    sequence: int
    success: bool
    ui: ListUI
    offset: int
    total: int
    items: tuple[ListItem, ...]
    # Status E: the device's ``<error code=".." message=".."/>``, as sent.
    error_code: str = ""
    error_message: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ListUpdate(Message):
    """NLU ``xxxxyyyy``: item ``index`` of a list of ``total`` items changed (re-read it)."""

    index: int
    total: int


class KeyboardCategory(StrEnum):
    """NKY: what the device's keyboard asks for ("00" means the keyboard closed)."""

    OFF = "00"
    USER_NAME = "01"
    PASSWORD = "02"  # noqa: S105 - the spec's category code, not a password
    ARTIST = "03"
    ALBUM = "04"
    SONG = "05"
    STATION = "06"
    TAG = "07"
    ARTIST_OR_SONG = "08"
    EPISODE = "09"
    PIN = "0A"
    USER_NAME_LATIN1 = "0B"
    PASSWORD_LATIN1 = "0C"  # noqa: S105 - the spec's category code, not a password
    URL = "0D"


@dataclass(frozen=True, slots=True, kw_only=True)
class Keyboard(Message):
    """NKY ``ll``: the device waits for keyboard input of this category (OFF: it stopped)."""

    category: KeyboardCategory

    @property
    def is_login(self) -> bool:
        """Whether it asks for credentials (user name, password, PIN)."""
        return self.category in _LOGIN_CATEGORIES


_LOGIN_CATEGORIES = frozenset(
    {
        KeyboardCategory.USER_NAME,
        KeyboardCategory.PASSWORD,
        KeyboardCategory.PIN,
        KeyboardCategory.USER_NAME_LATIN1,
        KeyboardCategory.PASSWORD_LATIN1,
    }
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Popup(Message):
    """NPU (text popup) or NCP (custom popup, XML): the device shows a dialog.

    ``title`` is the popup's title where one could be read (NPU's popup title, NCP's
    ``title`` attribute), else "".
    """

    title: str

"""Typed eISCP messages: parse what a device sends, build what we send.

Every message is an immutable value. ``parse`` never raises: anything it does not
understand becomes a :class:`RawMessage`, and a device's ``N/A`` reply becomes
:class:`NotAvailable` (with the command code it answers).

Builders at the bottom return the text to send without ``!1`` (the framer adds it) and
raise ValueError for values the protocol cannot carry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
import logging
import re
from typing import Final
import xml.etree.ElementTree as ET

from .const import MUTE, NET_CONTROL, POWER, SOURCE, TONE, VOLUME, Zone, zone_of

_LOGGER = logging.getLogger(__name__)

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
    """PRS: preset number (1-based, hex on the wire)."""

    number: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Tuner(Message):
    """TUN: frequency digits as sent, e.g. "08750" (FM 87.50 MHz) or "00531" (AM kHz)."""

    frequency: str


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


# The spec's network service ids (NSV/NLT "xx"), uppercase hex.
NET_SERVICES: dict[str, str] = {
    "00": "Music Server",
    "01": "Favorite",
    "02": "vTuner",
    "03": "SiriusXM",
    "04": "Pandora",
    "05": "Rhapsody",
    "06": "Last.fm",
    "07": "Napster",
    "08": "Slacker",
    "09": "Mediafly",
    "0A": "Spotify",
    "0B": "AUPEO!",
    "0C": "radiko",
    "0D": "e-onkyo",
    "0E": "TuneIn Radio",
    "0F": "MP3tunes",
    "10": "Simfy",
    "11": "Home Media",
    "12": "Deezer",
    "13": "iHeartRadio",
    "18": "AirPlay",
    "1A": "onkyo music",
    "1B": "TIDAL",
    "1C": "Amazon Music",
    "1D": "Play Queue",
    "40": "Chromecast built-in",
    "41": "FireConnect",
    "42": "DTS Play-Fi",
    "43": "FlareConnect",
    "44": "AirPlay 2",
    "45": "Alexa",
    "F0": "USB",
    "F1": "USB (rear)",
    "F2": "Internet Radio",
    "F3": "NET",
    "FF": "None",
}


# --- parsing ------------------------------------------------------------------------

_HEX2: Final = re.compile(r"[0-9A-Fa-f]{2}")
_SIGNED_HEX: Final = re.compile(r"[-+]?[0-9A-Fa-f]{1,3}")
_TONE: Final = re.compile(r"(?:B([-+]?[0-9A-Fa-f]{1,2}))?(?:T([-+]?[0-9A-Fa-f]{1,2}))?")
_ENTITY_DECLARATION: Final = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
MAX_LIST_XML_SIZE: Final = 256 * 1024

_Parser = Callable[[str, str], Message | None]


def parse(text: str) -> Message:
    """Parse one ISCP message (``"!1PWR01"`` or ``"PWR01"``); never raises."""
    text = text.strip().rstrip("\x1a\x19")
    if text.startswith("!") and len(text) >= 2:
        text = text[2:]
    code, params = text[:3], text[3:]
    if params == "N/A":
        return NotAvailable(code=code, raw=params)
    parser = _PARSERS.get(code)
    if parser is not None:
        try:
            message = parser(code, params)
        except (ValueError, IndexError, KeyError) as err:
            _LOGGER.debug("Cannot parse %s%s: %s", code, params[:80], err)
            message = None
        if message is not None:
            return message
    return RawMessage(code=code, raw=params)


def _hex2(value: str) -> str:
    if not _HEX2.fullmatch(value):
        raise ValueError(f"not two hex digits: {value!r}")
    return value.upper()


def _signed_hex(value: str) -> int:
    """Signed hex: "+A" is 10, "-0C" is -12, "00" is 0."""
    if not _SIGNED_HEX.fullmatch(value):
        raise ValueError(f"not a signed hex value: {value!r}")
    return int(value, 16)


def _bool(params: str) -> bool:
    if params not in ("00", "01"):
        raise ValueError(f"not 00/01: {params!r}")
    return params == "01"


def _zone(code: str) -> Zone:
    zone = zone_of(code)
    assert zone is not None  # only zoned codes are registered with zoned parsers
    return zone


def _power(code: str, params: str) -> Message:
    return Power(code=code, raw=params, zone=_zone(code), on=_bool(params))


def _volume(code: str, params: str) -> Message:
    return Volume(code=code, raw=params, zone=_zone(code), level=int(_hex2(params), 16))


def _mute(code: str, params: str) -> Message:
    return Mute(code=code, raw=params, zone=_zone(code), muted=_bool(params))


def _source(code: str, params: str) -> Message:
    return Source(code=code, raw=params, zone=_zone(code), selector=_hex2(params))


def _tone(code: str, params: str) -> Message | None:
    match = _TONE.fullmatch(params)
    if match is None or not params:
        return None
    bass, treble = match.groups()
    return Tone(
        code=code,
        raw=params,
        zone=_zone(code),
        bass=None if bass is None else _signed_hex(bass),
        treble=None if treble is None else _signed_hex(treble),
    )


def _level(code: str, params: str) -> Message:
    cls = CenterLevel if code == "CTL" else SubwooferLevel
    return cls(code=code, raw=params, steps=_signed_hex(params), digits=len(params))


def _code_message[M: Message](cls: type[M], field: str) -> _Parser:
    def parse_code(code: str, params: str) -> Message:
        return cls(code=code, raw=params, **{field: _hex2(params)})

    return parse_code


def _fields(params: str, count: int) -> tuple[list[str], tuple[str, ...]]:
    parts = params.split(",")
    if parts and parts[-1] == "":
        parts.pop()
    parts = [p.strip() for p in parts]
    head = parts[:count] + [""] * (count - len(parts))
    return head, tuple(parts[count:])


def _audio(code: str, params: str) -> Message:
    f, extra = _fields(params, 6)
    return AudioInfo(
        code=code,
        raw=params,
        input_port=f[0],
        input_format=f[1],
        sample_rate=f[2],
        input_channels=f[3],
        listening_mode=f[4],
        output_channels=f[5],
        extra=extra,
    )


def _video(code: str, params: str) -> Message:
    f, extra = _fields(params, 9)
    return VideoInfo(
        code=code,
        raw=params,
        input_port=f[0],
        input_resolution=f[1],
        input_color_schema=f[2],
        input_color_depth=f[3],
        output_port=f[4],
        output_resolution=f[5],
        output_color_schema=f[6],
        output_color_depth=f[7],
        picture_mode=f[8],
        extra=extra,
    )


def _update(code: str, params: str) -> Message | None:
    progress: int | None = None
    if params in ("00", "01"):
        state = UpdateState.AVAILABLE
    elif params == "FF":
        state = UpdateState.NONE
    elif params == "CMP":
        state = UpdateState.COMPLETED
    elif params.startswith("D") and "-" in params:
        state = UpdateState.UPDATING
        percent = params.rsplit("-", 1)[1]
        progress = int(percent) if percent.isdigit() else None
    elif params.startswith("E"):
        state = UpdateState.ERROR
    else:
        return None
    return FirmwareUpdate(code=code, raw=params, state=state, progress=progress)


def _preset(code: str, params: str) -> Message:
    return Preset(code=code, raw=params, number=int(_hex2(params), 16))


def _tuner(code: str, params: str) -> Message | None:
    if not params.isdigit():
        return None
    return Tuner(code=code, raw=params, frequency=params)


def _ecn(code: str, params: str) -> Message | None:
    parts = params.strip().rstrip("\x19\x1a").split("/")
    if len(parts) < 3 or not parts[0]:
        return None
    model, port_text, rest = parts[0], parts[1], parts[2:]
    if not port_text.isdigit():  # no port field: "model/region/identifier"
        port_text, rest = "", parts[1:]
    port = int(port_text) if port_text else 60128
    if len(rest) >= 2:
        region, identifier = rest[0], rest[1]
    else:
        region, identifier = rest[0][:2], rest[0][2:]
    identifier = "".join(ch for ch in identifier if ch.isalnum())
    return DeviceDiscovery(
        code=code, raw=params, model=model, port=port, region=region, identifier=identifier
    )


def _nri(code: str, params: str) -> Message | None:
    return ReceiverInfo(code=code, raw=params, xml=params) if params else None


def _play_status(code: str, params: str) -> Message | None:
    if len(params) not in (3, 4):
        return None
    return PlayStatus(
        code=code,
        raw=params,
        play=_enum(PlayState, params[0], PlayState.STOPPED),
        repeat=_enum(RepeatState, params[1], RepeatState.OFF),
        shuffle=_enum(ShuffleState, params[2], ShuffleState.OFF),
    )


def _enum[E: StrEnum](cls: type[E], value: str, default: E) -> E:
    try:
        return cls(value)
    except ValueError:
        return default


def _text_message[M: Title | Artist | Album](cls: type[M]) -> _Parser:
    def parse_text(code: str, params: str) -> Message:
        return cls(code=code, raw=params, text=params)

    return parse_text


def _seconds(value: str) -> int | None:
    parts = value.split(":")
    if not all(p.isdigit() for p in parts) or len(parts) not in (2, 3):
        return None
    seconds = 0
    for part in parts:
        seconds = seconds * 60 + int(part)
    return seconds


def _time(code: str, params: str) -> Message | None:
    elapsed, _, total = params.partition("/")
    if not _:
        return None
    return TimeInfo(code=code, raw=params, elapsed=_seconds(elapsed), total=_seconds(total))


def _track(code: str, params: str) -> Message | None:
    current, _, total = params.partition("/")
    if not _:
        return None
    return TrackInfo(
        code=code,
        raw=params,
        current=int(current) if current.isdigit() else None,
        total=int(total) if total.isdigit() else None,
    )


def _file_info(code: str, params: str) -> Message:
    parts = [*params.split("/", 2), "", ""]
    return FileInfo(
        code=code, raw=params, format=parts[0], sample_rate=parts[1], bit_depth=parts[2]
    )


def _menu(code: str, params: str) -> Message | None:
    if len(params) != 9:
        return None
    return MenuStatus(
        code=code,
        raw=params,
        track_menu=params[0] == "M",
        positive_feed=params[1:3],
        negative_feed=params[3:5],
        time_seek=params[5] == "S",
        time_display=params[6],
        service_icon=params[7:9],
    )


def _net_status(code: str, params: str) -> Message | None:
    if len(params) != 3:
        return None
    return NetStatus(
        code=code, raw=params, network=params[0], front_usb=params[1], rear_usb=params[2]
    )


def _album_art(code: str, params: str) -> Message | None:
    if len(params) < 2:
        return None
    try:
        image_type, packet = ArtType(params[0]), ArtPacket(params[1])
    except ValueError:
        return None  # settings echoes: "DIS", "ENA", "LINK", "BMP", "REQ"
    return AlbumArt(code=code, raw=params, image_type=image_type, packet=packet, data=params[2:])


def _list_title(code: str, params: str) -> Message | None:
    if len(params) < 22:
        return None
    return ListTitle(
        code=code,
        raw=params,
        service=_hex2(params[0:2]),
        ui=ListUI(params[2]),
        layer=ListLayer(params[3]),
        cursor=int(params[4:8], 16),
        items=int(params[8:12], 16),
        layers=int(params[12:14], 16),
        start_flag=params[14],
        reserved=params[15],
        left_icon=params[16:18],
        right_icon=params[18:20],
        status=params[20:22],
        title=params[22:],
    )


def _list_line(code: str, params: str) -> Message | None:
    if len(params) < 3 or params[0] not in "AUC":
        return None
    line = None if params[1] == "-" else int(params[1])
    return ListLine(
        code=code, raw=params, info_type=params[0], line=line, property=params[2], text=params[3:]
    )


def _list_xml(code: str, params: str) -> Message | None:
    if len(params) < 9 or params[0] != "X":
        return None
    sequence = int(params[1:5], 16)
    success = params[5] == "S"
    ui = ListUI(params[6])
    xml = params[9:]
    offset = total = 0
    items: tuple[ListItem, ...] = ()
    if success and xml:
        if len(xml) > MAX_LIST_XML_SIZE or "\x00" in xml or _ENTITY_DECLARATION.search(xml):
            _LOGGER.warning("Refusing NLA list XML: oversize, NUL bytes or entity declarations")
            return None
        try:
            root = ET.fromstring(xml)  # noqa: S314 - entity declarations are refused above
        except ET.ParseError as err:
            _LOGGER.debug("Malformed NLA list XML: %s", err)
            return None
        node = root.find("items")
        if node is not None:
            offset = int(node.get("offset", "0") or 0)
            total = int(node.get("totalitems", "0") or 0)
            items = tuple(
                ListItem(
                    title=item.get("title", ""),
                    icon_type=item.get("icontype", ""),
                    icon_id=item.get("iconid", ""),
                    selectable=item.get("selectable", "1") == "1",
                    url=item.get("url"),
                )
                for item in node.iter("item")
            )
    return ListXml(
        code=code,
        raw=params,
        sequence=sequence,
        success=success,
        ui=ui,
        offset=offset,
        total=total,
        items=items,
    )


_PARSERS: Final[dict[str, _Parser]] = {
    **dict.fromkeys(POWER.values(), _power),
    **dict.fromkeys(VOLUME.values(), _volume),
    **dict.fromkeys(MUTE.values(), _mute),
    **dict.fromkeys(SOURCE.values(), _source),
    **dict.fromkeys(TONE.values(), _tone),
    "LMD": _code_message(ListeningMode, "mode"),
    "HDO": _code_message(HdmiOutput, "output"),
    "DIM": _code_message(Dimmer, "level"),
    "CTL": _level,
    "SWL": _level,
    "IFA": _audio,
    "IFV": _video,
    "UPD": _update,
    "PRS": _preset,
    "TUN": _tuner,
    "ECN": _ecn,
    "NRI": _nri,
    "NST": _play_status,
    "NTI": _text_message(Title),
    "NAT": _text_message(Artist),
    "NAL": _text_message(Album),
    "NTM": _time,
    "NTR": _track,
    "NFI": _file_info,
    "NMS": _menu,
    "NDS": _net_status,
    "NJA": _album_art,
    "NLT": _list_title,
    "NLS": _list_line,
    "NLA": _list_xml,
}


# --- builders -----------------------------------------------------------------------


class NetCommand(StrEnum):
    """NTC (NTZ/NT3/NT4) network/USB operation commands."""

    PLAY = "PLAY"
    PAUSE = "PAUSE"
    PLAY_PAUSE = "P/P"
    STOP = "STOP"
    TRACK_UP = "TRUP"
    TRACK_DOWN = "TRDN"
    FAST_FORWARD = "FF"
    REWIND = "REW"
    REPEAT = "REPEAT"
    RANDOM = "RANDOM"
    RETURN = "RETURN"
    TOP = "TOP"
    MENU = "MENU"
    SELECT = "SELECT"
    UP = "UP"
    DOWN = "DOWN"
    LEFT = "LEFT"
    RIGHT = "RIGHT"


MAX_VOLUME_LEVEL: Final = 0xC8  # 100 dB in half steps: the highest any device takes


def query(code: str) -> str:
    """``"PWR"`` -> ``"PWRQSTN"``."""
    if len(code) != 3 or not code.isalnum():
        raise ValueError(f"not a command code: {code!r}")
    return f"{code}QSTN"


def _check_hex2(value: str, what: str) -> str:
    if not _HEX2.fullmatch(value):
        raise ValueError(f"{what} must be two hex digits, not {value!r}")
    return value.upper()


def power(zone: Zone, on: bool) -> str:
    """Power a zone on or to standby."""
    return f"{POWER[zone]}{'01' if on else '00'}"


def volume(zone: Zone, level: int) -> str:
    """Set a zone's raw volume level."""
    if not 0 <= level <= MAX_VOLUME_LEVEL:
        raise ValueError(f"volume level {level} outside 0..{MAX_VOLUME_LEVEL}")
    return f"{VOLUME[zone]}{level:02X}"


def volume_up(zone: Zone) -> str:
    """One volume step up."""
    return f"{VOLUME[zone]}UP"


def volume_down(zone: Zone) -> str:
    """One volume step down."""
    return f"{VOLUME[zone]}DOWN"


def mute(zone: Zone, muted: bool) -> str:
    """Mute or unmute a zone."""
    return f"{MUTE[zone]}{'01' if muted else '00'}"


def source(zone: Zone, selector: str) -> str:
    """Select a zone's input by selector id."""
    return f"{SOURCE[zone]}{_check_hex2(selector, 'selector')}"


def listening_mode(mode: str) -> str:
    """Select a listening mode by code."""
    return f"LMD{_check_hex2(mode, 'listening mode')}"


def hdmi_output(code: str) -> str:
    """Select the HDMI output."""
    return f"HDO{_check_hex2(code, 'HDMI output')}"


def dimmer(level: str) -> str:
    """Set the display dimmer."""
    return f"DIM{_check_hex2(level, 'dimmer level')}"


def _format_signed(value: int, digits: int) -> str:
    if value == 0:
        return "0" * digits
    sign = "+" if value > 0 else "-"
    return f"{sign}{abs(value):0{digits - 1}X}"


def _tone_value(zone: Zone, letter: str, db: int) -> str:
    if zone not in TONE:
        raise ValueError(f"{zone} has no tone control")
    if not -10 <= db <= 10:
        raise ValueError(f"tone {db} dB outside -10..10")
    return f"{TONE[zone]}{letter}{_format_signed(db, 2)}"


def tone_bass(zone: Zone, db: int) -> str:
    """Set a zone's bass in dB."""
    return _tone_value(zone, "B", db)


def tone_treble(zone: Zone, db: int) -> str:
    """Set a zone's treble in dB."""
    return _tone_value(zone, "T", db)


def _channel_level(
    code: str, db: float, *, half_steps: bool, digits: int, low: float, high: float
) -> str:
    if not low <= db <= high:
        raise ValueError(f"level {db} dB outside {low}..{high}")
    if half_steps:
        if db * 2 != int(db * 2):
            raise ValueError(f"level {db} dB is not a multiple of 0.5")
        return f"{code}{_format_signed(int(db * 2), 3)}"
    if db != int(db):
        raise ValueError(f"level {db} dB is not a whole number")
    return f"{code}{_format_signed(int(db), digits)}"


def center_level(db: float, *, half_steps: bool = False, digits: int = 2) -> str:
    """Set the centre level: 0.5 dB steps where NRI says so, else whole dB in ``digits``."""
    return _channel_level("CTL", db, half_steps=half_steps, digits=digits, low=-12, high=12)


def subwoofer_level(db: float, *, half_steps: bool = False, digits: int = 2) -> str:
    """Set the subwoofer level: 0.5 dB steps where NRI says so, else whole dB in ``digits``."""
    return _channel_level("SWL", db, half_steps=half_steps, digits=digits, low=-15, high=12)


def net_control(zone: Zone, command: NetCommand) -> str:
    """A network/USB operation for the player as seen from ``zone``."""
    return f"{NET_CONTROL[zone]}{command.value}"


def time_seek(seconds: int, hours: bool) -> str:
    """Seek to ``seconds``: ``NTSmm:ss``, or ``NTShh:mm:ss`` on devices flagged time_hhmmss."""
    if seconds < 0:
        raise ValueError("cannot seek to a negative time")
    if hours:
        if seconds >= 100 * 3600:
            raise ValueError("seek time beyond 99:59:59")
        return f"NTS{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    if seconds >= 100 * 60:
        raise ValueError("seek time beyond 99:59")
    return f"NTS{seconds // 60:02d}:{seconds % 60:02d}"


def firmware_update_start() -> str:
    """Start a firmware update over the network."""
    return "UPDNET"


def preset(number: int) -> str:
    """Recall a tuner preset (1..40)."""
    if not 1 <= number <= 40:
        raise ValueError(f"preset {number} outside 1..40")
    return f"PRS{number:02X}"


def net_service(service_id: str) -> str:
    """Select a network service by its NSV id."""
    return f"NSV{_check_hex2(service_id, 'service id')}0"

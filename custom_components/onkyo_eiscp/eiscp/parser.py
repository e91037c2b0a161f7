"""Parse what a device sends into typed messages (:mod:`.messages`); never raises."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
import logging
import re
from typing import Final
import xml.etree.ElementTree as ET

from .const import MUTE, POWER, SOURCE, TONE, VOLUME, Zone, zone_of
from .messages import (
    Album,
    AlbumArt,
    Artist,
    ArtPacket,
    ArtType,
    AudioInfo,
    CenterLevel,
    DabStation,
    DeviceDiscovery,
    Dimmer,
    FileInfo,
    FirmwareUpdate,
    HdmiOutput,
    Keyboard,
    KeyboardCategory,
    ListeningMode,
    ListItem,
    ListLayer,
    ListLine,
    ListTitle,
    ListUI,
    ListUpdate,
    ListXml,
    MenuStatus,
    Message,
    Mute,
    NetStatus,
    NotAvailable,
    PlayState,
    PlayStatus,
    Popup,
    Power,
    Preset,
    RawMessage,
    ReceiverInfo,
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
)
from .settings import PRESET, SETTING_ZONES, TUNING

_LOGGER = logging.getLogger(__name__)

_HEX2: Final = re.compile(r"[0-9A-Fa-f]{2}")
_SIGNED_HEX: Final = re.compile(r"[-+]?[0-9A-Fa-f]{1,3}")
_TONE: Final = re.compile(r"(?:B([-+]?[0-9A-Fa-f]{1,2}))?(?:T([-+]?[0-9A-Fa-f]{1,2}))?")
_ENTITY_DECLARATION: Final = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
MAX_LIST_XML_SIZE: Final = 256 * 1024

_Parser = Callable[[str, str], Message | None]


# Zone messages already parsed, by their text as a device frames it (``"!1MVL2A"``): a
# volume knob sends dozens, and a text always parses to the same immutable message.
# Bounded: only the two-character parameters of the codes of _REMEMBERED are kept
# (under 4,000 texts).
_PARSED: Final[dict[str, Message]] = {}
_REMEMBERED_SIZE: Final = len("!1MVL2A")


def parse(text: str) -> Message:
    """Parse one ISCP message (``"!1PWR01"`` or ``"PWR01"``); never raises."""
    if (known := _PARSED.get(text)) is not None:
        return known
    framed = text
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
            if (
                parser in _REMEMBERED
                and len(framed) == _REMEMBERED_SIZE
                and framed.startswith("!1")
            ):
                _PARSED[framed] = message
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


_PRESET_ZONES: Final = {code: zone for zone, code in PRESET.items()}
_TUNING_ZONES: Final = {code: zone for zone, code in TUNING.items()}


def _preset(code: str, params: str) -> Message:
    number = int(_hex2(params), 16)
    return Preset(code=code, raw=params, number=number, zone=_PRESET_ZONES[code])


def _tuner(code: str, params: str) -> Message | None:
    if not params.isdigit():
        return None
    return Tuner(code=code, raw=params, frequency=params, zone=_TUNING_ZONES[code])


def _setting(code: str, params: str) -> Message | None:
    value = params.strip()
    if code == "FLD":
        value = _display_text(params)
    return Setting(code=code, raw=params, value=value) if value or code == "FLD" else None


def _display_text(params: str) -> str:
    """FLD: the display's characters; most devices send them as hex bytes."""
    if len(params) % 2 == 0 and all(c in "0123456789ABCDEFabcdef" for c in params):
        try:
            return bytes.fromhex(params).decode("utf-8", "replace").strip()
        except ValueError:  # pragma: no cover - fromhex accepts any even hex text
            return params.strip()
    return params.strip()


def _dab_station(code: str, params: str) -> Message:
    return DabStation(code=code, raw=params, name=params.strip())


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
    try:
        return parse_list_xml(params)
    except ListXmlError as err:
        _LOGGER.warning("Refusing NLA list: %s", err)
        return None


class ListXmlError(ValueError):
    """An NLA list the hardened parser refuses (hostile, oversize or malformed XML)."""


# A bare "&" that starts no reference: some devices send titles such as "Happy Boys & Girls"
# unescaped (the seed's log), which no XML parser takes. Only these are repaired.
_BARE_AMPERSAND: Final = re.compile(r"&(?!(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#x[0-9A-Fa-f]+);)")


def parse_list_xml(params: str) -> ListXml:
    """NLA's parameters (``tzzzzsurr<xml>``) as a :class:`ListXml`, or ListXmlError saying why.

    Refuses entity declarations and DOCTYPEs, NUL bytes, documents over
    MAX_LIST_XML_SIZE and malformed XML. A status-E reply carries the device's error.
    """
    if len(params) < 9 or params[0] != "X":
        raise ListXmlError(f"not an XML list reply: {params[:20]!r}")
    try:
        sequence = int(params[1:5], 16)
        ui = ListUI(params[6])
    except ValueError as err:
        raise ListXmlError(f"malformed NLA header {params[:9]!r}") from err
    success = params[5] == "S"
    xml = params[9:]
    if len(xml) > MAX_LIST_XML_SIZE:
        raise ListXmlError(f"list XML of {len(xml)} characters is over the limit")
    if "\x00" in xml or _ENTITY_DECLARATION.search(xml):
        raise ListXmlError("list XML with entity declarations or NUL bytes")
    offset = total = 0
    items: tuple[ListItem, ...] = ()
    error_code = error_message = ""
    if xml:
        try:
            repaired = _BARE_AMPERSAND.sub("&amp;", xml)
            root = ET.fromstring(repaired)  # noqa: S314 - entity declarations are refused above
        except ET.ParseError as err:
            raise ListXmlError(f"malformed list XML: {err}") from err
        node = root.find("items")
        if success and node is not None:
            try:
                offset = int(node.get("offset", "0") or 0)
                total = int(node.get("totalitems", "0") or 0)
            except ValueError as err:
                raise ListXmlError(f"malformed list XML: {err}") from err
            items = tuple(
                ListItem(
                    title=item.get("title", ""),
                    icon_type=item.get("icontype", ""),
                    icon_id=item.get("iconid", "").upper(),
                    selectable=item.get("selectable", "1") == "1",
                    url=item.get("url"),
                )
                for item in node.iter("item")
            )
        error = root.find("error")
        if error is not None:
            error_code = error.get("code", "")
            error_message = error.get("message", "")
    return ListXml(
        code="NLA",
        raw=params,
        sequence=sequence,
        success=success,
        ui=ui,
        offset=offset,
        total=total,
        items=items,
        error_code=error_code,
        error_message=error_message,
    )


def _list_update(code: str, params: str) -> Message | None:
    if len(params) != 8:
        return None
    return ListUpdate(code=code, raw=params, index=int(params[:4], 16), total=int(params[4:], 16))


def _keyboard(code: str, params: str) -> Message | None:
    try:
        category = KeyboardCategory(params.upper())
    except ValueError:
        return None  # the text a controller typed, echoed
    return Keyboard(code=code, raw=params, category=category)


_POPUP_TITLE: Final = re.compile(r"<popup\b[^>]*?\btitle=\"([^\"]*)\"")


def _popup(code: str, params: str) -> Message:
    if code == "NPU":
        fields = params[1:].split("\x00")
        title = fields[1] if len(fields) > 1 and params[:1] in ("T", "B") else fields[0]
    else:
        match = _POPUP_TITLE.search(params)
        title = match.group(1) if match else ""
    return Popup(code=code, raw=params, title=title)


# The parsers whose messages parse() remembers: zone state, two-character parameters.
_REMEMBERED: Final[frozenset[_Parser]] = frozenset({_power, _volume, _mute, _source})

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
    **dict.fromkeys(SETTING_ZONES, _setting),
    **dict.fromkeys(PRESET.values(), _preset),
    **dict.fromkeys(TUNING.values(), _tuner),
    "DSN": _dab_station,
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
    "NLU": _list_update,
    "NKY": _keyboard,
    "NPU": _popup,
    "NCP": _popup,
}

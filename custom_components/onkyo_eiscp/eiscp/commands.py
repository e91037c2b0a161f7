"""Build what we send: command text without ``!1`` (the framer adds it).

Each builder is named for what it asks the device to do and raises ValueError for a
value the protocol cannot carry.
"""

from __future__ import annotations

from enum import StrEnum
import re
from typing import Final

from .const import MUTE, NET_CONTROL, POWER, SOURCE, TONE, VOLUME, Zone
from .settings import LISTENING_MODE_ZONE, PRESET, TUNING

_HEX2: Final = re.compile(r"[0-9A-Fa-f]{2}")


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


def set_power(zone: Zone, on: bool) -> str:
    """Power a zone on or to standby."""
    return f"{POWER[zone]}{'01' if on else '00'}"


def set_volume(zone: Zone, level: int) -> str:
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


def set_mute(zone: Zone, muted: bool) -> str:
    """Mute or unmute a zone."""
    return f"{MUTE[zone]}{'01' if muted else '00'}"


def select_source(zone: Zone, selector: str) -> str:
    """Select a zone's input by selector id."""
    return f"{SOURCE[zone]}{_check_hex2(selector, 'selector')}"


def select_listening_mode(mode: str) -> str:
    """Select a listening mode by code."""
    return f"LMD{_check_hex2(mode, 'listening mode')}"


def select_hdmi_output(code: str) -> str:
    """Select the HDMI output."""
    return f"HDO{_check_hex2(code, 'HDMI output')}"


def set_dimmer(level: str) -> str:
    """Set the display dimmer."""
    return f"DIM{_check_hex2(level, 'dimmer level')}"


def _format_signed(value: int, digits: int) -> str:
    if value == 0:
        return "0" * digits
    sign = "+" if value > 0 else "-"
    return f"{sign}{abs(value):0{digits - 1}X}"


def _zone_code(table: dict[Zone, str], zone: Zone, what: str) -> str:
    """``zone``'s code in ``table``; ValueError for a zone without one (the HDZone)."""
    code = table.get(zone)
    if code is None:
        raise ValueError(f"{zone} has no {what}")
    return code


def _tone_value(zone: Zone, letter: str, db: int) -> str:
    if zone not in TONE:
        raise ValueError(f"{zone} has no tone control")
    if not -10 <= db <= 10:
        raise ValueError(f"tone {db} dB outside -10..10")
    return f"{TONE[zone]}{letter}{_format_signed(db, 2)}"


def set_bass(zone: Zone, db: int) -> str:
    """Set a zone's bass in dB."""
    return _tone_value(zone, "B", db)


def set_treble(zone: Zone, db: int) -> str:
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


def set_center_level(db: float, *, half_steps: bool = False, digits: int = 2) -> str:
    """Set the centre level: 0.5 dB steps where NRI says so, else whole dB in ``digits``."""
    return _channel_level("CTL", db, half_steps=half_steps, digits=digits, low=-12, high=12)


def set_subwoofer_level(db: float, *, half_steps: bool = False, digits: int = 2) -> str:
    """Set the subwoofer level: 0.5 dB steps where NRI says so, else whole dB in ``digits``."""
    return _channel_level("SWL", db, half_steps=half_steps, digits=digits, low=-15, high=12)


def net_control(zone: Zone, command: NetCommand) -> str:
    """A network/USB operation for the player as seen from ``zone``."""
    return f"{_zone_code(NET_CONTROL, zone, 'network control')}{command.value}"


def seek(seconds: int, hours: bool) -> str:
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


def start_firmware_update() -> str:
    """Start a firmware update over the network."""
    return "UPDNET"


def recall_preset(number: int, zone: Zone = Zone.MAIN) -> str:
    """Recall a tuner preset (1..40) in ``zone`` (PRS, PRZ, PR3, PR4)."""
    if not 1 <= number <= 40:
        raise ValueError(f"preset {number} outside 1..40")
    return f"{_zone_code(PRESET, zone, 'tuner')}{number:02X}"


# Direct tuning ranges the spec's five digits carry: FM nnn.nn MHz, AM nnnnn kHz.
_FM_MHZ: Final = (64.0, 108.0)
_AM_KHZ: Final = (153, 1710)


def tune(zone: Zone, band: str, frequency: float) -> str:
    """Tune ``zone``'s tuner directly: FM in MHz (``TUN09150``), AM in kHz (``TUN01008``)."""
    band = band.upper()
    if band == "FM":
        if not _FM_MHZ[0] <= frequency <= _FM_MHZ[1]:
            raise ValueError(f"FM {frequency} MHz outside {_FM_MHZ[0]}..{_FM_MHZ[1]}")
        digits = round(frequency * 100)
    elif band == "AM":
        if not _AM_KHZ[0] <= frequency <= _AM_KHZ[1] or frequency != int(frequency):
            raise ValueError(f"AM {frequency} kHz is not a whole kHz in {_AM_KHZ[0]}..{_AM_KHZ[1]}")
        digits = int(frequency)
    else:
        raise ValueError(f"cannot tune band {band!r} directly (FM or AM)")
    return f"{_zone_code(TUNING, zone, 'tuner')}{digits:05d}"


def select_zone_listening_mode(zone: Zone, mode: str) -> str:
    """Select a listening mode in a zone other than the main one (LMZ in zone 2)."""
    code = LISTENING_MODE_ZONE.get(zone)
    if code is None:
        raise ValueError(f"{zone} has no listening mode command")
    return f"{code}{_check_hex2(mode, 'listening mode')}"


def set_setting(code: str, value: str) -> str:
    """Set a receiver setting (:mod:`.settings`) to a value in its own format."""
    if len(code) != 3 or not code.isalnum() or not value or not value.isprintable():
        raise ValueError(f"not a setting: {code!r} {value!r}")
    return f"{code}{value}"


def select_net_service(service_id: str) -> str:
    """Select a network service by its NSV id."""
    return f"NSV{_check_hex2(service_id, 'service id')}0"


# --- lists (NLA/NLS), keyboard (NKY) and play queue (PQA/PQR/PQO) -----------------------

_HEX4_MAX: Final = 0xFFFF


def _check_hex4(value: int, what: str) -> int:
    if not 0 <= value <= _HEX4_MAX:
        raise ValueError(f"{what} {value} outside 0..{_HEX4_MAX}")
    return value


def request_list(sequence: int, layers: int, start: int, count: int) -> str:
    """NLAL: ask for ``count`` items of the shown list from index ``start`` (0-based).

    ``layers`` is the list's layer count as NLT gives it; the device answers with an NLA
    that carries ``sequence``.
    """
    if not 0 <= layers <= 0xFF:
        raise ValueError(f"layer {layers} outside 0..255")
    return (
        f"NLAL{_check_hex4(sequence, 'sequence'):04X}{layers:02X}"
        f"{_check_hex4(start, 'start index'):04X}{_check_hex4(count, 'count'):04X}"
    )


def select_list_item(sequence: int, layers: int, index: int) -> str:
    """NLAI: select item ``index`` (0-based) of the shown list of ``layers`` layers."""
    if not 0 <= layers <= 0xFF:
        raise ValueError(f"layer {layers} outside 0..255")
    return (
        f"NLAI{_check_hex4(sequence, 'sequence'):04X}{layers:02X}"
        f"{_check_hex4(index, 'index'):04X}----"
    )


def select_list_line(line: int) -> str:
    """NLSL: select line ``line`` (0..9) of the 10-line page shown."""
    if not 0 <= line <= 9:
        raise ValueError(f"line {line} outside 0..9")
    return f"NLSL{line}"


def select_list_index(index: int) -> str:
    """NLSI: select item ``index`` (0-based) of the shown list; the wire counts from 1."""
    if not 0 <= index < 99999:
        raise ValueError(f"index {index} outside 0..99998")
    return f"NLSI{index + 1:05d}"


def keyboard_input(text: str) -> str:
    """NKY: type ``text`` into the keyboard the device shows (128 characters at most)."""
    if not text or len(text) > 128 or any(ch in text for ch in "\r\n\x1a\x00"):
        raise ValueError("keyboard input must be 1..128 characters on one line")
    return f"NKY{text}"


class QueueAdd(StrEnum):
    """PQA add type."""

    NOW = "0"
    NEXT = "1"
    LAST = "2"
    AT = "3"


def add_to_queue(index: int, how: QueueAdd, position: int = 0) -> str:
    """PQA: add item ``index`` of the shown list (a track or a folder) to the play queue.

    ``position`` is the queue index to insert at, for QueueAdd.AT.
    """
    return (
        f"PQA{_check_hex4(index, 'index'):04X}{how.value}"
        f"{_check_hex4(position, 'queue position'):04X}"
    )


def remove_from_queue(index: int) -> str:
    """PQR: remove queue item ``index`` (0-based)."""
    return f"PQR0{_check_hex4(index, 'queue index'):04X}"


def clear_queue() -> str:
    """PQR: remove every item from the play queue."""
    return "PQR10000"


def move_in_queue(index: int, to: int) -> str:
    """PQO: move queue item ``index`` to position ``to``."""
    return f"PQO{_check_hex4(index, 'queue index'):04X}{_check_hex4(to, 'queue position'):04X}"

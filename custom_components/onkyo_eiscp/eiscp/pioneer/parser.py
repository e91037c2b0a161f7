"""Parse the receiver's lines into typed messages; never raises.

Replies with an eISCP counterpart become the shared types of :mod:`..messages` (with
the zone they belong to); the rest become :mod:`.messages` types; anything else, or a
known reply whose parameter does not parse, is a :class:`~..messages.RawMessage` whose
``code`` is the line's leading letters.
"""

from __future__ import annotations

from collections.abc import Callable
import logging
import re
from typing import Final

from ..const import Zone
from ..messages import ListeningMode, Message, Mute, Power, RawMessage, Source, Tone, Tuner, Volume
from .const import (
    BUSY,
    DISPLAY_REPLY,
    INPUT_NAME_REPLY,
    LISTENING_MODE_REPLY,
    MAC_REPLY,
    MODEL_REPLY,
    PRESET_REPLY,
    READY,
    SOFTWARE_REPLY,
    TONE_MAX_DB,
    TUNER_REPLY,
    ZONE_CODES,
)
from .messages import (
    DisplayText,
    ErrorReply,
    InputName,
    MacAddress,
    ModelName,
    Ready,
    SoftwareVersion,
    TunerPreset,
)

_LOGGER = logging.getLogger(__name__)

_ERROR: Final = re.compile(r"E\d\d")
_LEAD: Final = re.compile(r"[A-Z]+")
_MODEL: Final = re.compile(r"<([^>/]*)")

type _Parser = Callable[[str, str], Message]


def parse(line: str) -> Message:
    """Parse one line as received (``"PWR0"``); never raises."""
    line = line.strip()
    if line == READY:
        return Ready(code=READY, raw="")
    if line == BUSY or _ERROR.fullmatch(line):
        return ErrorReply(code=line, raw="")
    for code, parser in _PARSERS:
        if line.startswith(code):
            params = line[len(code) :]
            try:
                return parser(code, params)
            except ValueError as err:
                _LOGGER.debug("Cannot parse %s: %s", line[:80], err)
                return RawMessage(code=code, raw=params)
    lead = _LEAD.match(line)
    code = lead.group() if lead else ""
    return RawMessage(code=code, raw=line[len(code) :])


def _digits(params: str, count: int) -> int:
    if len(params) != count or not params.isdigit():
        raise ValueError(f"not {count} digits: {params!r}")
    return int(params)


def _flag(params: str) -> bool:
    """Power and mute: ``0`` is on (powered, muted), anything else off."""
    if len(params) != 1 or not params.isdigit():
        raise ValueError(f"not a status digit: {params!r}")
    return params == "0"


def _zoned(make: Callable[[str, str, Zone], Message]) -> _Parser:
    def parse_zoned(code: str, params: str) -> Message:
        return make(code, params, _REPLY_ZONE[code])

    return parse_zoned


def _power(code: str, params: str, zone: Zone) -> Message:
    return Power(code=code, raw=params, zone=zone, on=_flag(params))


def _mute(code: str, params: str, zone: Zone) -> Message:
    return Mute(code=code, raw=params, zone=zone, muted=_flag(params))


def _volume(code: str, params: str, zone: Zone) -> Message:
    codes = ZONE_CODES[zone]
    level = _digits(params, codes.volume_digits)
    if level > codes.max_volume:
        raise ValueError(f"volume {level} above {codes.max_volume}")
    return Volume(code=code, raw=params, zone=zone, level=level)


def _source(code: str, params: str, zone: Zone) -> Message:
    _digits(params, 2)
    return Source(code=code, raw=params, zone=zone, selector=params)


def tone_db(code: int) -> int:
    """A bass/treble code (0..12) in dB (+6..-6)."""
    if not 0 <= code <= 2 * TONE_MAX_DB:
        raise ValueError(f"tone code {code} outside 0..{2 * TONE_MAX_DB}")
    return TONE_MAX_DB - code


def _bass(code: str, params: str, zone: Zone) -> Message:
    return Tone(code=code, raw=params, zone=zone, bass=tone_db(_digits(params, 2)), treble=None)


def _treble(code: str, params: str, zone: Zone) -> Message:
    return Tone(code=code, raw=params, zone=zone, bass=None, treble=tone_db(_digits(params, 2)))


def _listening_mode(code: str, params: str) -> Message:
    _digits(params, 4)
    return ListeningMode(code=code, raw=params, mode=params)


def _input_name(code: str, params: str) -> Message:
    input_id, flag, name = params[:2], params[2:3], params[3:]
    _digits(input_id, 2)
    if flag not in ("0", "1"):
        raise ValueError(f"not a rename flag: {flag!r}")
    return InputName(code=code, raw=params, input_id=input_id, renamed=flag == "1", name=name)


def _model(code: str, params: str) -> Message:
    match = _MODEL.search(params)
    model = (match.group(1) if match else params).strip()
    if not model:
        raise ValueError("no model")
    return ModelName(code=code, raw=params, model=model)


def _mac(code: str, params: str) -> Message:
    if not re.fullmatch(r"[0-9A-Fa-f]{12}", params):
        raise ValueError(f"not a MAC: {params!r}")
    mac = ":".join(params[i : i + 2] for i in range(0, 12, 2)).lower()
    return MacAddress(code=code, raw=params, mac=mac)


def _software(code: str, params: str) -> Message:
    return SoftwareVersion(code=code, raw=params, version=params.strip('"'))


def _display(code: str, params: str) -> Message:
    text = bytes.fromhex(params[2:]).decode("ascii", errors="replace")
    return DisplayText(code=code, raw=params, text=text.strip())


def _tuner(code: str, params: str) -> Message:
    band, digits = params[:1], params[1:]
    if band not in ("A", "F"):
        raise ValueError(f"not a band: {band!r}")
    _digits(digits, 5)
    return Tuner(code=code, raw=params, frequency=digits)


def _preset(code: str, params: str) -> Message:
    preset_class, number = params[:1], params[1:]
    if not "A" <= preset_class <= "G":
        raise ValueError(f"not a preset class: {preset_class!r}")
    return TunerPreset(code=code, raw=params, preset_class=preset_class, number=_digits(number, 2))


_REPLY_ZONE: Final[dict[str, Zone]] = {}
_TABLE: dict[str, _Parser] = {}
for _codes in ZONE_CODES.values():
    for _reply, _make in (
        (_codes.power_reply, _power),
        (_codes.volume_reply, _volume),
        (_codes.mute_reply, _mute),
        (_codes.source_reply, _source),
        (_codes.bass, _bass),
        (_codes.treble, _treble),
    ):
        if _reply is not None:
            _REPLY_ZONE[_reply] = _codes.zone
            _TABLE[_reply] = _zoned(_make)
_TABLE |= {
    LISTENING_MODE_REPLY: _listening_mode,
    INPUT_NAME_REPLY: _input_name,
    MODEL_REPLY: _model,
    MAC_REPLY: _mac,
    SOFTWARE_REPLY: _software,
    DISPLAY_REPLY: _display,
    TUNER_REPLY: _tuner,
    PRESET_REPLY: _preset,
}
# Longest first, so that "Z2MUT" is not read as something shorter.
_PARSERS: Final[tuple[tuple[str, _Parser], ...]] = tuple(
    sorted(_TABLE.items(), key=lambda item: -len(item[0]))
)

"""Build the command lines of the legacy Pioneer protocol (without the CR the codec adds).

The builders express the same intents as the eISCP builders of :mod:`..commands`, with the
same names; each raises ValueError for a value the protocol cannot carry (or a zone that
has no such control). :func:`expected_reply` tells what a receiver answers to a line, so
that the client can tie an answer, or an ``E04``/``E06``, to the command that caused it.
"""

from __future__ import annotations

import re
from typing import Final

from ..const import Zone
from ..volume import VolumeScale
from .const import (
    DIGIT_SET,
    DIRECT_ACCESS,
    DISPLAY_QUERY,
    DISPLAY_REPLY,
    INPUT_NAME_QUERY,
    INPUT_NAME_REPLY,
    LISTENING_MODE_QUERY,
    LISTENING_MODE_REPLY,
    LISTENING_MODE_SET,
    MAC_QUERY,
    MAC_REPLY,
    MAIN_ZERO_DB,
    MODEL_QUERY,
    MODEL_REPLY,
    PRESET_QUERY,
    PRESET_REPLY,
    SOFTWARE_QUERY,
    SOFTWARE_REPLY,
    TONE_MAX_DB,
    TUNER_BAND_SET,
    TUNER_QUERY,
    TUNER_REPLY,
    ZONE_CODES,
    ZoneCodes,
)

_INPUT_ID: Final = re.compile(r"\d{2}")
_MODE: Final = re.compile(r"\d{4}")
_LEADING_DIGITS: Final = re.compile(r"(\d+)(.+)")
_PRESET: Final = re.compile(r"[A-G]\d{2}PR")


def _codes(zone: Zone) -> ZoneCodes:
    codes = ZONE_CODES.get(zone)
    if codes is None:
        raise ValueError(f"the Pioneer protocol has no {zone}")
    return codes


def volume_scale(zone: Zone) -> VolumeScale:
    """The zone's raw volume range: main 0..185 (0.5 dB steps), other zones 0..81."""
    return VolumeScale(_codes(zone).max_volume)


def volume_db(zone: Zone, level: int) -> float | None:
    """A raw level in dB (main: 161 is 0 dB, 185 is +12 dB; zones: 81 is 0 dB); 0 is None."""
    if level <= 0:
        return None
    if zone is Zone.MAIN:
        return (level - MAIN_ZERO_DB) / 2
    return float(level - _codes(zone).max_volume)


# --- power, volume, mute, input ----------------------------------------------------


def set_power(zone: Zone, on: bool) -> str:
    """Power a zone on or to standby."""
    codes = _codes(zone)
    return codes.power_on if on else codes.power_off


def set_volume(zone: Zone, level: int) -> str:
    """Set a zone's raw volume level (main 0..185, other zones 0..81)."""
    codes = _codes(zone)
    if not 0 <= level <= codes.max_volume:
        raise ValueError(f"volume level {level} outside 0..{codes.max_volume}")
    return f"{level:0{codes.volume_digits}d}{codes.volume_set}"


def volume_up(zone: Zone) -> str:
    """One volume step up."""
    return _codes(zone).volume_up


def volume_down(zone: Zone) -> str:
    """One volume step down."""
    return _codes(zone).volume_down


def set_mute(zone: Zone, muted: bool) -> str:
    """Mute or unmute a zone."""
    codes = _codes(zone)
    return codes.mute_on if muted else codes.mute_off


def select_source(zone: Zone, input_id: str) -> str:
    """Select a zone's input by its two-digit id (``"25"`` is BD)."""
    if not _INPUT_ID.fullmatch(input_id):
        raise ValueError(f"input id must be two digits, not {input_id!r}")
    return f"{input_id}{_codes(zone).source_set}"


def select_listening_mode(mode: str) -> str:
    """Select the main zone's listening mode by its four-digit code (``"0010"``)."""
    if not _MODE.fullmatch(mode):
        raise ValueError(f"listening mode must be four digits, not {mode!r}")
    return f"{mode}{LISTENING_MODE_SET}"


def recall_preset(preset_class: str, number: int) -> str:
    """Recall tuner preset ``number`` (1..9) of class ``A``..``G`` (``A01PR``)."""
    if len(preset_class) != 1 or not "A" <= preset_class <= "G":
        raise ValueError(f"preset class must be A..G, not {preset_class!r}")
    if not 1 <= number <= 9:
        raise ValueError(f"preset {number} outside 1..9")
    return f"{preset_class}{number:02d}{PRESET_REPLY}"


def select_tuner_band(fm: bool) -> str:
    """Switch the tuner to FM or AM (it tunes the band's last station)."""
    return f"{'00' if fm else '01'}{TUNER_BAND_SET}"


def tuner_direct_access() -> str:
    """Start entering a frequency digit by digit (:func:`tuner_digit`)."""
    return DIRECT_ACCESS


def tuner_digit(digit: str) -> str:
    """One digit of a frequency entered after :func:`tuner_direct_access`.

    FM in 10 kHz units (91.50 MHz is 9, 1, 5, 0), AM in kHz (1008 is 1, 0, 0, 8); the
    receiver tunes once the frequency is complete.
    """
    if len(digit) != 1 or not digit.isdigit():
        raise ValueError(f"not a digit: {digit!r}")
    return f"{digit}{DIGIT_SET}"


def _tone(code: str | None, zone: Zone, db: int) -> str:
    if code is None:
        raise ValueError(f"{zone} has no tone control")
    if not -TONE_MAX_DB <= db <= TONE_MAX_DB:
        raise ValueError(f"tone {db} dB outside -{TONE_MAX_DB}..{TONE_MAX_DB}")
    return f"{TONE_MAX_DB - db:02d}{code}"


def set_bass(zone: Zone, db: int) -> str:
    """Set a zone's bass in dB (main and zone 2, -6..+6)."""
    return _tone(_codes(zone).bass, zone, db)


def set_treble(zone: Zone, db: int) -> str:
    """Set a zone's treble in dB (main and zone 2, -6..+6)."""
    return _tone(_codes(zone).treble, zone, db)


# --- queries ---------------------------------------------------------------------------


def query_power(zone: Zone) -> str:
    """Ask for a zone's power."""
    return _codes(zone).power_query


def query_volume(zone: Zone) -> str:
    """Ask for a zone's volume."""
    return _codes(zone).volume_query


def query_mute(zone: Zone) -> str:
    """Ask for a zone's mute."""
    return _codes(zone).mute_query


def query_source(zone: Zone) -> str:
    """Ask for a zone's input."""
    return _codes(zone).source_query


def query_bass(zone: Zone) -> str:
    """Ask for a zone's bass."""
    code = _codes(zone).bass
    if code is None:
        raise ValueError(f"{zone} has no tone control")
    return f"?{code}"


def query_treble(zone: Zone) -> str:
    """Ask for a zone's treble."""
    code = _codes(zone).treble
    if code is None:
        raise ValueError(f"{zone} has no tone control")
    return f"?{code}"


def query_listening_mode() -> str:
    """Ask for the listening mode."""
    return LISTENING_MODE_QUERY


def query_input_name(input_id: str) -> str:
    """Ask for an input's name (``?RGB25``)."""
    if not _INPUT_ID.fullmatch(input_id):
        raise ValueError(f"input id must be two digits, not {input_id!r}")
    return f"{INPUT_NAME_QUERY}{input_id}"


def query_model() -> str:
    """Ask for the model."""
    return MODEL_QUERY


def query_mac() -> str:
    """Ask for the MAC address (receivers from about 2013 on answer it)."""
    return MAC_QUERY


def query_software_version() -> str:
    """Ask for the firmware version."""
    return SOFTWARE_QUERY


def query_display() -> str:
    """Ask for the front display's text."""
    return DISPLAY_QUERY


def query_tuner() -> str:
    """Ask for the tuner frequency."""
    return TUNER_QUERY


def query_preset() -> str:
    """Ask for the tuner preset."""
    return PRESET_QUERY


# --- what the receiver answers -------------------------------------------------------


def _reply_table() -> tuple[dict[str, str], dict[str, str]]:
    exact: dict[str, str] = {}
    numbered: dict[str, str] = {}  # suffix after the leading digits -> reply
    for codes in ZONE_CODES.values():
        for command in (codes.power_on, codes.power_off, codes.power_query):
            exact[command] = codes.power_reply
        for command in (codes.volume_up, codes.volume_down, codes.volume_query):
            exact[command] = codes.volume_reply
        for command in (codes.mute_on, codes.mute_off, codes.mute_query):
            exact[command] = codes.mute_reply
        exact[codes.source_query] = codes.source_reply
        numbered[codes.volume_set] = codes.volume_reply
        numbered[codes.source_set] = codes.source_reply
        for tone in (codes.bass, codes.treble):
            if tone is not None:
                exact[f"?{tone}"] = tone
                numbered[tone] = tone
    exact |= {
        LISTENING_MODE_QUERY: LISTENING_MODE_REPLY,
        MODEL_QUERY: MODEL_REPLY,
        MAC_QUERY: MAC_REPLY,
        SOFTWARE_QUERY: SOFTWARE_REPLY,
        DISPLAY_QUERY: DISPLAY_REPLY,
        TUNER_QUERY: TUNER_REPLY,
        PRESET_QUERY: PRESET_REPLY,
    }
    exact[DIRECT_ACCESS] = DIRECT_ACCESS
    numbered[LISTENING_MODE_SET] = LISTENING_MODE_REPLY
    numbered[TUNER_BAND_SET] = TUNER_REPLY
    numbered[DIGIT_SET] = DIGIT_SET
    return exact, numbered


_EXACT, _NUMBERED = _reply_table()


def expected_reply(command: str) -> str | None:
    """The start of the line a receiver answers ``command`` with (``"PO"`` -> ``"PWR"``).

    ``?RGB25`` is answered by ``RGB25...``. None for a command this table does not know.
    """
    if command in _EXACT:
        return _EXACT[command]
    if command.startswith(INPUT_NAME_QUERY) and _INPUT_ID.fullmatch(command[4:]):
        return f"{INPUT_NAME_REPLY}{command[4:]}"
    if _PRESET.fullmatch(command):
        return PRESET_REPLY
    match = _LEADING_DIGITS.fullmatch(command)
    if match is not None:
        return _NUMBERED.get(match.group(2))
    return None


def query_for(reply: str) -> str | None:
    """The query that a reply code answers (``"PWR"`` -> ``"?P"``), or None."""
    return _QUERY_FOR.get(reply)


_QUERY_FOR: Final[dict[str, str]] = {
    reply: command for command, reply in _EXACT.items() if command.startswith("?")
}

"""The receiver's state and what it does with each command line (no sockets here).

:meth:`Device.handle` takes one line as received and returns the lines to answer the
sender with and the lines to push to every client: a change is pushed to everyone, the
sender included, as a real receiver does; a query's answer and an error go to the sender
only. Power and mute status digits are inverted (``PWR0``: on, ``MUT0``: muted).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
import re
from typing import Final

from .profile import HDZONE, MAIN, ZONE2, ZONE3, Profile

E02, E04, E06 = "E02", "E04", "E06"  # not available now, command error, parameter error
READY: Final = "R"
TUNER: Final = "02"  # the tuner's input id
MAIN_MAX, ZONE_MAX = 185, 81


@dataclass(frozen=True, slots=True)
class _Zone:
    """One zone's codes: commands, queries and status lines."""

    power: tuple[str, str, str, str]  # on, off, query, status
    volume: tuple[str, str, str, str, str]  # set suffix, up, down, query, status
    digits: int
    maximum: int
    mute: tuple[str, str, str, str]  # on, off, query, status
    source: tuple[str, str, str]  # set suffix, query, status
    tone: tuple[str, str] | None  # bass, treble codes


_ZONES: Final[dict[str, _Zone]] = {
    MAIN: _Zone(
        ("PO", "PF", "?P", "PWR"),
        ("VL", "VU", "VD", "?V", "VOL"),
        3,
        MAIN_MAX,
        ("MO", "MF", "?M", "MUT"),
        ("FN", "?F", "FN"),
        ("BA", "TR"),
    ),
    ZONE2: _Zone(
        ("APO", "APF", "?AP", "APR"),
        ("ZV", "ZU", "ZD", "?ZV", "ZV"),
        2,
        ZONE_MAX,
        ("Z2MO", "Z2MF", "?Z2M", "Z2MUT"),
        ("ZS", "?ZS", "Z2F"),
        ("ZGB", "ZGC"),
    ),
    ZONE3: _Zone(
        ("BPO", "BPF", "?BP", "BPR"),
        ("YV", "YU", "YD", "?YV", "YV"),
        2,
        ZONE_MAX,
        ("Z3MO", "Z3MF", "?Z3M", "Z3MUT"),
        ("ZT", "?ZT", "Z3F"),
        None,
    ),
    HDZONE: _Zone(
        ("ZEO", "ZEF", "?ZEP", "ZEP"),
        ("HZV", "HZU", "HZD", "?HZV", "XV"),
        2,
        ZONE_MAX,
        ("HZMO", "HZMF", "?HZM", "HZMUT"),
        ("ZEA", "?ZEA", "ZEA"),
        None,
    ),
}
_NUMBERED: Final = re.compile(r"(\d+)([A-Z]+)")
_PRESET: Final = re.compile(r"([A-G]\d{2})PR")


@dataclass(slots=True)
class ZoneState:
    """One zone."""

    power: bool = False
    volume: int = 0
    muted: bool = False
    source: str = "04"
    bass: int = 6  # tone codes: 0 is +6 dB, 6 is 0 dB, 12 is -6 dB
    treble: int = 6


@dataclass(slots=True)
class Outcome:
    """What a line makes the receiver say."""

    reply: list[str] = field(default_factory=list)  # to the sender only
    push: list[str] = field(default_factory=list)  # to every client

    @property
    def refused(self) -> bool:
        """Whether the receiver answered with an error."""
        return bool(self.reply) and self.reply[0] in (E02, E04, E06)


type _Handler = Callable[[str, str], Outcome]


class Device:
    """A legacy Pioneer receiver's state and command handling."""

    def __init__(self, profile: Profile) -> None:
        """Start in standby, every zone on its profile's first input."""
        self.profile = profile
        self.zones: dict[str, ZoneState] = {
            zone: ZoneState(
                volume=101 if zone == MAIN else 41,
                source=next(iter(profile.inputs)) if zone == MAIN else profile.zone_inputs[zone][0],
            )
            for zone in profile.zones
        }
        self.listening_mode = profile.listening_modes[0]
        self.tone_on = True
        self.preset = "A01"
        self.tuner = profile.presets[self.preset]
        self.last_station = {"F": "F08750", "A": "A00531"}  # per band, for band changes
        self.entry: str | None = None  # digits entered after TAC (direct access)
        self.names = {number: name for number, (name, _) in profile.inputs.items()}
        self._exact: dict[str, Callable[[], Outcome]] = {}
        self._numbered: dict[str, _Handler] = {}
        self._build()

    def handle(self, line: str) -> Outcome:
        """What the receiver does with one line (an empty line is a bare CR)."""
        if not line:
            return Outcome(reply=[READY])
        action = self._exact.get(line)
        if action is not None:
            return action()
        if line.startswith("?RGB"):
            return self._input_name(line[4:])
        preset = _PRESET.fullmatch(line)
        if preset is not None:
            return self._recall(preset.group(1))
        match = _NUMBERED.fullmatch(line)
        handler = self._numbered.get(match.group(2)) if match else None
        if match is None or handler is None:
            return Outcome(reply=[E04])
        return handler(match.group(1), match.group(2))

    # --- status lines -----------------------------------------------------------------

    def status(self, zone: str, what: str) -> str:
        """A zone's status line: ``what`` is power, volume, mute or source."""
        codes, state = _ZONES[zone], self.zones[zone]
        match what:
            case "power":
                return f"{codes.power[3]}{0 if state.power else 1}"
            case "volume":
                return f"{codes.volume[4]}{state.volume:0{codes.digits}d}"
            case "mute":
                return f"{codes.mute[3]}{0 if state.muted else 1}"
            case _:
                return f"{codes.source[2]}{state.source}"

    def display(self) -> str:
        """The front display: ``FL`` + flags + 14 characters as hex.

        It shows the main zone's input, the tuner's station on the tuner ("FM  87.50MHz",
        "AM   531kHz"), nothing in standby.
        """
        main = self.zones[MAIN]
        if not main.power:
            text = ""
        elif main.source == TUNER:
            band, digits = self.tuner[0], int(self.tuner[1:])
            text = f"FM {digits / 100:6.2f}MHz" if band == "F" else f"AM {digits:5d}kHz"
        else:
            text = self.names.get(main.source, "")
        return "FL02" + text[:14].ljust(14).encode("ascii", "replace").hex().upper()

    def model_line(self) -> str:
        """The ``?RGD`` answer."""
        return f"RGD<{self.profile.model}>"

    # --- the command table ------------------------------------------------------------

    def _build(self) -> None:
        for zone in self.profile.zones:
            codes = _ZONES[zone]
            on, off, power_query, _ = codes.power
            self._exact[on] = self._setter(zone, "power", True)
            self._exact[off] = self._setter(zone, "power", False)
            self._exact[power_query] = self._query(zone, "power")
            suffix, up, down, volume_query, _ = codes.volume
            self._exact[up] = self._step(zone, +1)
            self._exact[down] = self._step(zone, -1)
            self._exact[volume_query] = self._query(zone, "volume")
            self._numbered[suffix] = self._volume(zone)
            mute_on, mute_off, mute_query, _ = codes.mute
            self._exact[mute_on] = self._setter(zone, "muted", True)
            self._exact[mute_off] = self._setter(zone, "muted", False)
            self._exact[mute_query] = self._query(zone, "mute")
            source_suffix, source_query, _ = codes.source
            self._numbered[source_suffix] = self._source(zone)
            self._exact[source_query] = self._query(zone, "source")
            if codes.tone is not None:
                for attribute, code in zip(("bass", "treble"), codes.tone, strict=True):
                    self._numbered[code] = self._tone(zone, attribute, code)
                    self._exact[f"?{code}"] = self._tone_query(zone, attribute, code)
        self._numbered["SR"] = self._listening_mode
        self._numbered["TN"] = self._band
        self._numbered["TP"] = self._digit
        self._exact["TAC"] = self._direct_access
        self._exact |= {
            "?S": lambda: Outcome(reply=[f"SR{self.listening_mode}"]),
            "?TO": lambda: Outcome(reply=[f"TO{int(self.tone_on)}"]),
            "?RGD": lambda: Outcome(reply=[self.model_line()]),
            "?FL": lambda: Outcome(reply=[self.display()]),
            "?FR": lambda: Outcome(reply=[f"FR{self.tuner}"]),
            "?PR": lambda: Outcome(reply=[f"PR{self.preset}"]),
        }
        if self.profile.mac is not None:
            mac = self.profile.mac.replace(":", "").upper()
            self._exact["?SVB"] = lambda: Outcome(reply=[f"SVB{mac}"])

    def _query(self, zone: str, what: str) -> Callable[[], Outcome]:
        return lambda: Outcome(reply=[self.status(zone, what)])

    def _setter(self, zone: str, attribute: str, value: bool) -> Callable[[], Outcome]:
        def apply() -> Outcome:
            state = self.zones[zone]
            if attribute == "muted" and not state.power:
                return Outcome(reply=[E02])
            setattr(state, attribute, value)
            if attribute == "power":
                pushes = [self.status(zone, "power")]
                if zone == MAIN:
                    pushes.append(self.display())
                return Outcome(push=pushes)
            return Outcome(push=[self.status(zone, "mute")])

        return apply

    def _step(self, zone: str, step: int) -> Callable[[], Outcome]:
        def apply() -> Outcome:
            state = self.zones[zone]
            if not state.power:
                return Outcome(reply=[E02])
            state.volume = min(max(state.volume + step, 0), _ZONES[zone].maximum)
            return Outcome(push=[self.status(zone, "volume")])

        return apply

    def _volume(self, zone: str) -> _Handler:
        codes = _ZONES[zone]

        def apply(digits: str, _suffix: str) -> Outcome:
            if len(digits) != codes.digits or int(digits) > codes.maximum:
                return Outcome(reply=[E06])
            state = self.zones[zone]
            if not state.power:
                return Outcome(reply=[E02])
            state.volume = int(digits)
            return Outcome(push=[self.status(zone, "volume")])

        return apply

    def _source(self, zone: str) -> _Handler:
        def apply(digits: str, _suffix: str) -> Outcome:
            allowed = self.profile.inputs if zone == MAIN else self.profile.zone_inputs[zone]
            if len(digits) != 2 or digits not in allowed:
                return Outcome(reply=[E06])
            state = self.zones[zone]
            if not state.power:
                return Outcome(reply=[E02])
            state.source = digits
            pushes = [self.status(zone, "source")]
            if zone == MAIN:
                pushes.append(self.display())
            return Outcome(push=pushes)

        return apply

    def _tone(self, zone: str, attribute: str, code: str) -> _Handler:
        def apply(digits: str, _suffix: str) -> Outcome:
            if len(digits) != 2 or int(digits) > 12:
                return Outcome(reply=[E06])
            if not self.zones[zone].power:
                return Outcome(reply=[E02])
            setattr(self.zones[zone], attribute, int(digits))
            return Outcome(push=[f"{code}{digits}"])

        return apply

    def _tone_query(self, zone: str, attribute: str, code: str) -> Callable[[], Outcome]:
        return lambda: Outcome(reply=[f"{code}{getattr(self.zones[zone], attribute):02d}"])

    def _listening_mode(self, digits: str, _suffix: str) -> Outcome:
        if digits not in self.profile.listening_modes:
            return Outcome(reply=[E06])
        if not self.zones[MAIN].power:
            return Outcome(reply=[E02])
        self.listening_mode = digits
        return Outcome(push=[f"SR{digits}"])

    def _tuned(self, station: str) -> Outcome:
        """The tuner now plays ``station``: it reports it (and the display, on the tuner)."""
        self.tuner = self.last_station[station[0]] = station
        pushes = [f"FR{station}"]
        if self.zones[MAIN].source == TUNER:
            pushes.append(self.display())
        return Outcome(push=pushes)

    def _band(self, digits: str, _suffix: str) -> Outcome:
        """``00TN`` FM, ``01TN`` AM: the band's last station."""
        if digits not in ("00", "01"):
            return Outcome(reply=[E06])
        if not self.zones[MAIN].power:
            return Outcome(reply=[E02])
        return self._tuned(self.last_station["F" if digits == "00" else "A"])

    def _direct_access(self) -> Outcome:
        """``TAC``: the next digits are a frequency of the current band."""
        if not self.zones[MAIN].power:
            return Outcome(reply=[E02])
        self.entry = ""
        return Outcome(reply=["TAC"])

    def _digit(self, digit: str, _suffix: str) -> Outcome:
        """``9TP``: one digit; the receiver tunes when the frequency is complete.

        FM is entered in 10 kHz units (4 digits below 100 MHz, 5 above), AM in kHz (3
        digits below 1000 kHz, 4 above); a frequency outside the band is refused.
        """
        if self.entry is None or len(digit) != 1:
            return Outcome(reply=[E04 if self.entry is None else E06])
        self.entry += digit
        band = self.tuner[0]
        needed = (
            (5 if self.entry[0] == "1" else 4)
            if band == "F"
            else (4 if self.entry[0] == "1" else 3)
        )
        if len(self.entry) < needed:
            return Outcome(reply=["TP"])
        value, self.entry = int(self.entry), None
        low, high, step = (8750, 10800, 5) if band == "F" else (530, 1710, 1)
        if not low <= value <= high or value % step:
            return Outcome(reply=[E06])
        outcome = self._tuned(f"{band}{value:05d}")
        outcome.reply.append("TP")
        return outcome

    def _recall(self, preset: str) -> Outcome:
        """Recall a preset: the receiver tunes to it and reports preset and frequency.

        A preset the profile stores no station in keeps the current frequency.
        """
        if not 1 <= int(preset[1:]) <= 9:
            return Outcome(reply=[E06])
        if not self.zones[MAIN].power:
            return Outcome(reply=[E02])
        self.preset = preset
        tuned = self._tuned(self.profile.presets.get(preset, self.tuner))
        return Outcome(push=[f"PR{preset}", *tuned.push])

    def _input_name(self, number: str) -> Outcome:
        if number not in self.profile.inputs:
            return Outcome(reply=[E06])
        renamed = self.profile.inputs[number][1]
        return Outcome(reply=[f"RGB{number}{int(renamed)}{self.names[number]}"])

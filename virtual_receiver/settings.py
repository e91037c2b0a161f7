"""Receiver settings, per-zone tuning and zone 2's listening mode, as the spec gives them.

Facts from the spec's CMND_MAIN and CMND_ZONE2..4 sheets (ISCP_AVR v1.48): each code's
values and reply format. Which settings a virtual device has is its NRI's word where NRI
has one (Phase Matching Bass, Music Optimizer, Vocal/Dialog) and otherwise the
``settings`` it is built with. Like a real receiver, it answers ``N/A`` about a setting
while the zone the setting belongs to is in standby, and about any setting it lacks.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
import re
from typing import Final

from .nri import Profile
from .zones import Zone

Handler = Callable[[str, str], list[str] | None]

_HEX2: Final = re.compile(r"[0-9A-Fa-f]{2}")
_OFF_ON: Final = ("00", "01")


@dataclass(frozen=True, slots=True)
class _Spec:
    """One setting: the zone that must be on, its values, its value at start."""

    zone: Zone
    values: tuple[str, ...]  # what a command may set ("" entries: see the parser)
    default: str
    wrap: str | None = "UP"  # the spec's wrap-around key


def _hex_range(low: int, high: int) -> tuple[str, ...]:
    return tuple(f"{n:02X}" for n in range(low, high + 1))


# The spec's settings (CMND_MAIN; LTZ and LMZ from CMND_ZONE2).
SPECS: Final[dict[str, _Spec]] = {
    "SLP": _Spec(Zone.MAIN, ("OFF", *_hex_range(1, 0x5A)), "OFF"),
    "LTN": _Spec(Zone.MAIN, ("00", "01", "02", "03"), "00"),
    "LTZ": _Spec(Zone.ZONE2, ("00", "01", "02"), "00"),
    "MOT": _Spec(Zone.MAIN, _OFF_ON, "00"),
    "RAS": _Spec(Zone.MAIN, _OFF_ON, "00"),
    "ADQ": _Spec(Zone.MAIN, _OFF_ON, "01"),
    "ADV": _Spec(Zone.MAIN, ("00", "01", "02", "03"), "00"),
    "VOC": _Spec(Zone.MAIN, _hex_range(0, 5), "00"),
    "DLC": _Spec(Zone.MAIN, ("00", "+1", "+2", "+3", "+4", "+5", "+6"), "00"),
    "PMB": _Spec(Zone.MAIN, _OFF_ON, "00", "TG"),
    "DIR": _Spec(Zone.MAIN, _OFF_ON, "00", "TG"),
    "SPA": _Spec(Zone.MAIN, _OFF_ON, "01"),
    "SPB": _Spec(Zone.MAIN, _OFF_ON, "00"),
    "TGA": _Spec(Zone.MAIN, _OFF_ON, "00", None),
    "TGB": _Spec(Zone.MAIN, _OFF_ON, "00", None),
    "TGC": _Spec(Zone.MAIN, _OFF_ON, "00", None),
    "CEC": _Spec(Zone.MAIN, _OFF_ON, "01"),
    "APD": _Spec(Zone.MAIN, _OFF_ON, "01"),
    "LMZ": _Spec(Zone.ZONE2, ("00", "01", "0F", "12", "87", "88"), "00", None),
    # Reports: nothing to set.
    "FLD": _Spec(Zone.MAIN, (), "".join(f"{ord(c):02X}" for c in "NET     "), None),
    "TPD": _Spec(Zone.MAIN, (), "F 95C 35", None),
    # SPI: 1 subwoofer, large fronts, small centre and surrounds, no surround back, no
    # heights, crossover 80 Hz, no height positions, no bi-amp.
    "SPI": _Spec(Zone.MAIN, (), "1211000 80000", None),
    # CMT: two characters per channel (13), absent channels always 00.
    "CMT": _Spec(Zone.MAIN, (), "00" * 13, None),
}

# RAS on the models of the spec's "Re-EQ/Academy Filter" sheet: "00" both off, "01" Re-EQ
# on, "02" Academy filter on. Every other model's RAS (Re-EQ, or Cinema Filter) is on/off.
RE_EQ_ACADEMY_MODELS: Final = frozenset(
    {
        "TX-DS989",
        "DTR-9.1",
        "RDC-7",
        "DTC-9.1",
        "TX-DS787",
        "DTR-7.1",
        "DTR-6.4",
        "TX-NR1000",
        "TX-NR5000E",
        "TX-NA1000",
        "DTR-10.5",
        "RDC-7.1",
    }
)
_RE_EQ_ACADEMY: Final = ("00", "01", "02")

# Controls in NRI that say whether a model has a setting.
NRI_CONTROLS: Final = {
    "PMB": "Phase Matching Bass",
    "MOT": "Music Optimizer",
    "VOC": "Vocal/Dialog",
}

# What a receiver has unless told otherwise: the spec's Onkyo-era settings (VOC, not DLC;
# not the Audyssey ones, nor RAS and TGC, that only some models have).
RECEIVER_SETTINGS: Final = frozenset(SPECS) - {"DLC", "ADQ", "ADV", "RAS", "TGC"}

# Per-zone tuner codes (CMND_ZONE2..4): "control is separated" in each zone.
PRESET: Final = {Zone.MAIN: "PRS", Zone.ZONE2: "PRZ", Zone.ZONE3: "PR3", Zone.ZONE4: "PR4"}
TUNING: Final = {Zone.MAIN: "TUN", Zone.ZONE2: "TUZ", Zone.ZONE3: "TU3", Zone.ZONE4: "TU4"}
_HIGHEST_PRESET: Final = 40
_FREQUENCY_DIGITS: Final = 5  # "nnnnn": FM nnn.nn MHz, AM nnnnn kHz
_TWO_SUBWOOFERS: Final = 2  # SPI's "2: 2ch"
# SPI's speaker groups (digit positions) and the CMT channels (indexes) each holds.
_SPI_GROUPS: Final = ((1, (0, 1)), (2, (2,)), (3, (3, 4)), (4, (5, 6)), (5, (8, 9)), (6, (10, 11)))


@dataclass(slots=True)
class Tuner:
    """A zone's tuner: the preset it recalled and the frequency digits it plays."""

    preset: int = 1
    frequency: str = "08990"


@dataclass(slots=True)
class Settings:
    """The settings of one virtual device (see the module docstring)."""

    info: Profile
    power: Callable[[Zone], bool | None]  # a zone's power (None: the device lacks the zone)
    has: frozenset[str] = frozenset()
    values: dict[str, str] = field(default_factory=dict)
    tuners: dict[Zone, Tuner] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        info: Profile,
        power: Callable[[Zone], bool | None],
        settings: Collection[str] | None,
    ) -> Settings:
        """The settings ``info`` allows of ``settings`` (a receiver's usual ones if None)."""
        receiver = info.listening_mode_buttons > 0 and not info.flag("NoVolume")
        wanted = set(RECEIVER_SETTINGS if settings is None else settings) if receiver else set()
        for code, control in NRI_CONTROLS.items():
            if control in info.controls:  # NRI's word wins
                wanted.discard(code)
                on = info.flag(control) or any(name == control for name, _ in info.ranges)
                if on:
                    wanted.add(code)
        zones = {z.zone for z in info.enabled_zones}
        has = frozenset(c for c in wanted if c in SPECS and SPECS[c].zone in zones)
        return cls(
            info=info,
            power=power,
            has=has,
            values={code: SPECS[code].default for code in has},
            tuners={zone: Tuner() for zone in zones},
        )

    # --- what device.py dispatches here ------------------------------------------------

    def handles(self, code: str) -> bool:
        """Whether ``code`` is one of this module's."""
        return code in SPECS or code in _TUNER_CODES

    def status(self, code: str) -> str | None:
        """The reply to ``code``'s query; None (N/A) when lacking it or in standby."""
        if code in _TUNER_CODES:
            return self._tuner_status(code)
        if code not in self.has or not self.power(SPECS[code].zone):
            return None
        return f"{code}{self.values[code]}"

    def commands(self) -> dict[str, Handler]:
        """The command handlers of this module's codes."""
        table: dict[str, Handler] = dict.fromkeys(SPECS, self._set)
        table["CMT"] = self._channel_mute
        table.update(dict.fromkeys(_TUNER_CODES, self._tune))
        return table

    # --- settings ----------------------------------------------------------------------

    def _values(self, code: str) -> tuple[str, ...]:
        """What a command may set on this model (RAS: three values on some models)."""
        if code == "RAS" and self.info.model in RE_EQ_ACADEMY_MODELS:
            return _RE_EQ_ACADEMY
        return SPECS[code].values

    def _set(self, code: str, params: str) -> list[str] | None:
        spec = SPECS[code]
        if code not in self.has or not self.power(spec.zone):
            return None
        values = self._values(code)
        if spec.wrap is not None and params == spec.wrap and values:
            current = self.values[code]
            index = values.index(current) if current in values else -1
            value = values[(index + 1) % len(values)]
        elif params.upper() in values:
            value = params.upper()
        else:
            return None
        self.values[code] = value
        return [f"{code}{value}"]

    def _channel_mute(self, code: str, params: str) -> list[str] | None:
        """CMT: 13 two-character fields, 00 off, 01 on, TG toggle; absent channels stay 00."""
        if code not in self.has or not self.power(Zone.MAIN) or len(params) != 26:
            return None
        present = self._channels()
        current = self.values[code]
        fields = []
        for index in range(13):
            new, old = params[2 * index : 2 * index + 2], current[2 * index : 2 * index + 2]
            if new not in ("00", "01", "TG"):
                return None
            if index not in present:
                fields.append("00")
            elif new == "TG":
                fields.append("00" if old == "01" else "01")
            else:
                fields.append(new)
        self.values[code] = "".join(fields)
        return [f"{code}{self.values[code]}"]

    def _channels(self) -> set[int]:
        """CMT indexes of the channels the speaker layout (SPI) has."""
        spi = self.values.get("SPI", SPECS["SPI"].default)
        present: set[int] = set()
        subwoofers = int(spi[0])
        if subwoofers >= 1:
            present.add(7)
        if subwoofers >= _TWO_SUBWOOFERS:
            present.add(12)
        for position, indexes in _SPI_GROUPS:
            if spi[position] != "0":
                present.update(indexes)
        return present

    # --- tuner -------------------------------------------------------------------------

    def _tuner_status(self, code: str) -> str | None:
        kind, zone = _TUNER_CODES[code]
        tuner = self.tuners.get(zone)
        if tuner is None or not self.info.presets:
            return None
        return f"{code}{tuner.preset:02X}" if kind == "preset" else f"{code}{tuner.frequency}"

    def _tune(self, code: str, params: str) -> list[str] | None:
        kind, zone = _TUNER_CODES[code]
        tuner = self.tuners.get(zone)
        if tuner is None or not self.info.presets or not self.power(zone):
            return None
        if kind == "preset":
            if not _HEX2.fullmatch(params) or not 1 <= int(params, 16) <= _HIGHEST_PRESET:
                return None
            tuner.preset = int(params, 16)
            return [f"{code}{tuner.preset:02X}"]
        if len(params) != _FREQUENCY_DIGITS or not params.isdigit():
            return None
        tuner.frequency = params
        return [f"{code}{params}"]


_TUNER_CODES: Final[dict[str, tuple[str, Zone]]] = {
    **{code: ("preset", zone) for zone, code in PRESET.items() if zone is not Zone.MAIN},
    **{code: ("frequency", zone) for zone, code in TUNING.items()},
}

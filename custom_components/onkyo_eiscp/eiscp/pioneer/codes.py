"""Names of listening modes and inputs, from Pioneer's published IP & RS-232 code lists.

Listening modes are the four-digit codes of ``nnnnSR``/``SRnnnn``; a receiver accepts
the subset its model has (others answer ``E06`` or ``E02``). Input ids are the two digits
of ``nnFN``; a receiver's own names (``?RGBnn``) take precedence over these defaults.
"""

from __future__ import annotations

import re
from typing import Final

from ..const import Zone

LISTENING_MODES: Final[dict[str, str]] = {
    "0001": "STEREO (cyclic)",
    "0003": "Front Stage Surround Advance Focus",
    "0004": "Front Stage Surround Advance Wide",
    "0005": "AUTO SURR/STREAM DIRECT",
    "0006": "AUTO SURROUND",
    "0007": "DIRECT",
    "0008": "PURE DIRECT",
    "0009": "STEREO",
    "0010": "STANDARD",
    "0011": "2ch",
    "0012": "PRO LOGIC",
    "0013": "PRO LOGIC2 MOVIE",
    "0014": "PRO LOGIC2 MUSIC",
    "0015": "PRO LOGIC2 GAME",
    "0016": "Neo:6 CINEMA",
    "0017": "Neo:6 MUSIC",
    "0018": "PRO LOGIC2x MOVIE",
    "0019": "PRO LOGIC2x MUSIC",
    "0020": "PRO LOGIC2x GAME",
    "0021": "Multi ch",
    "0022": "DOLBY EX",
    "0025": "DTS-ES Neo",
    "0026": "DTS-ES matrix",
    "0027": "DTS-ES discrete",
    "0029": "NEURAL SURROUND",
    "0031": "PRO LOGIC2z HEIGHT",
    "0032": "WIDE SURROUND MOVIE",
    "0033": "WIDE SURROUND MUSIC",
    "0050": "THX (cyclic)",
    "0100": "ADVANCED SURROUND (cyclic)",
    "0101": "ACTION",
    "0102": "SCI-FI",
    "0103": "DRAMA",
    "0104": "ENTERTAINMENT SHOW",
    "0105": "MONO FILM",
    "0106": "EXPANDED THEATER",
    "0107": "CLASSICAL",
    "0109": "UNPLUGGED",
    "0110": "ROCK/POP",
    "0112": "EXTENDED STEREO",
    "0113": "PHONES SURROUND",
    "0116": "TV SURROUND",
    "0117": "SPORTS",
    "0118": "ADVANCED GAME",
    "0151": "Auto Level Control",
    "0152": "OPTIMUM SURROUND",
    "0153": "RETRIEVER AIR",
}

DEFAULT_INPUT_NAMES: Final[dict[str, str]] = {
    "00": "PHONO",
    "01": "CD",
    "02": "TUNER",
    "04": "DVD",
    "05": "TV",
    "06": "SAT/CBL",
    "10": "VIDEO",
    "12": "MULTI CH IN",
    "13": "USB-DAC",
    "15": "DVR/BDR",
    "17": "iPod/USB",
    "19": "HDMI1",
    "20": "HDMI2",
    "21": "HDMI3",
    "22": "HDMI4",
    "23": "HDMI5",
    "24": "HDMI6",
    "25": "BD",
    "26": "NETWORK (cyclic)",
    "31": "HDMI (cyclic)",
    "33": "ADAPTER PORT",
    "38": "INTERNET RADIO",
    "41": "PANDORA",
    "44": "MEDIA SERVER",
    "45": "FAVORITES",
    "49": "GAME",
}

# The input ids ?RGBnn can ask about: the names a receiver reports are the inputs it has.
INPUT_IDS: Final[tuple[str, ...]] = tuple(f"{number:02d}" for number in range(61))


def listening_mode_name(code: str) -> str | None:
    """The name of a listening mode code (``"0010"`` -> ``"STANDARD"``), or None."""
    return LISTENING_MODES.get(code)


# The inputs each zone other than the main one can select (the main zone: all). Pioneer's
# code lists give them per model family; these are the lists of the 2011-2015 VSX and SC
# models, and the models whose lists differ are below. An input a zone cannot select is
# refused with E06.
_ZONE2_3_INPUTS: Final = frozenset(
    {"01", "02", "04", "05", "06", "10", "13", "15", "17", "26", "33", "38", "41", "44", "45"}
    | {"46", "47", "53", "99"}
)
_HDZONE_INPUTS: Final = frozenset(
    {"04", "06", "10", "13", "15", "17", "19", "20", "21", "22", "23", "24", "25", "26"}
    | {"31", "33", "34", "35", "38", "41", "44", "45", "46", "47", "48", "53"}
)
# Zone 3 of these models takes only the analog and tuner inputs.
_ZONE3_ANALOG: Final = frozenset({"01", "02", "04", "05", "06", "10", "15", "33", "99"})
ZONE_INPUTS: Final[dict[Zone, frozenset[str]]] = {
    Zone.ZONE2: _ZONE2_3_INPUTS,
    Zone.ZONE3: _ZONE2_3_INPUTS,
    Zone.HDZONE: _HDZONE_INPUTS,
}
# Model (a pattern on the name ?RGD gives) -> the zones whose lists differ.
MODEL_ZONE_INPUTS: Final[tuple[tuple[re.Pattern[str], dict[Zone, frozenset[str]]], ...]] = (
    (re.compile(r"SC-LX(57|77|87)"), {Zone.ZONE2: _ZONE2_3_INPUTS - {"41"}}),
    (re.compile(r"SC-LX57|SC-2023"), {Zone.ZONE3: _ZONE3_ANALOG}),
)


def zone_inputs(model: str, zone: Zone) -> frozenset[str] | None:
    """The input ids ``zone`` of ``model`` can select; None: every input (the main zone)."""
    inputs = ZONE_INPUTS.get(zone)
    if inputs is None:
        return None
    for pattern, zones in MODEL_ZONE_INPUTS:
        if pattern.match(model) and zone in zones:
            inputs = zones[zone]
    return inputs

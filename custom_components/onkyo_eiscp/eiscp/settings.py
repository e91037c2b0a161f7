"""The receiver settings and per-zone tuner/listening-mode codes a controller can offer.

The spec lists many settings that a model may or may not have (``SLP`` sleep timer,
``LTN`` Late Night, ``MOT`` Music Optimizer, 12 V triggers, ...). NRI says for a few of
them whether the model has them (:data:`NRI_CONTROLS`); for the rest a controller asks
once, while the zone is on (a receiver in standby answers ``N/A`` to nearly everything),
and offers a setting only when the device answers with a value.
"""

from __future__ import annotations

from typing import Final

from .const import Zone
from .nri import DeviceInfo

# Setting code -> the zone that must be on for the device to answer it.
SETTING_ZONES: Final[dict[str, Zone]] = {
    "SLP": Zone.MAIN,  # sleep timer, "01"-"5A" minutes or "OFF"
    "LTN": Zone.MAIN,  # Late Night
    "LTZ": Zone.ZONE2,  # Late Night of zone 2
    "MOT": Zone.MAIN,  # Music Optimizer / Sound Retriever
    "RAS": Zone.MAIN,  # Re-EQ / Cinema filter (/ Academy)
    "ADQ": Zone.MAIN,  # Audyssey Dynamic EQ
    "ADV": Zone.MAIN,  # Audyssey Dynamic Volume
    "VOC": Zone.MAIN,  # vocal/dialog level 0-5
    "DLC": Zone.MAIN,  # dialog control 0..+6
    "PMB": Zone.MAIN,  # Phase Matching Bass
    "DIR": Zone.MAIN,  # Direct
    "SPA": Zone.MAIN,  # speakers A
    "SPB": Zone.MAIN,  # speakers B
    "TGA": Zone.MAIN,  # 12 V trigger A
    "TGB": Zone.MAIN,
    "TGC": Zone.MAIN,
    "CEC": Zone.MAIN,  # HDMI CEC
    "APD": Zone.MAIN,  # auto power down
    "FLD": Zone.MAIN,  # front display text
    "TPD": Zone.MAIN,  # temperature
    # Speaker information before muting by channel: it says which channels exist.
    "SPI": Zone.MAIN,
    "CMT": Zone.MAIN,
    "LMZ": Zone.ZONE2,  # listening mode of zone 2 (the spec has none for zones 3/4)
}

# Setting code -> the NRI control that says whether the model has it ("1" yes, "0" no).
NRI_CONTROLS: Final[dict[str, str]] = {
    "PMB": "Phase Matching Bass",
    "MOT": "Music Optimizer",
    "VOC": "Vocal/Dialog",
}

# Tuner preset recall and direct tuning per zone ("control is separated" per zone).
PRESET: Final = {Zone.MAIN: "PRS", Zone.ZONE2: "PRZ", Zone.ZONE3: "PR3", Zone.ZONE4: "PR4"}
TUNING: Final = {Zone.MAIN: "TUN", Zone.ZONE2: "TUZ", Zone.ZONE3: "TU3", Zone.ZONE4: "TU4"}
LISTENING_MODE_ZONE: Final = {Zone.ZONE2: "LMZ"}

# Zone 2's listening modes: the spec lists these few for LMZ (far fewer than LMD's).
ZONE2_LISTENING_MODES: Final = ("00", "01", "0F", "12", "87", "88")

# The channels of CMT's reply, in the spec's order (two characters each).
CHANNELS: Final = (
    "front_left",
    "front_right",
    "center",
    "surround_left",
    "surround_right",
    "surround_back_left",
    "surround_back_right",
    "subwoofer",
    "height_1_left",
    "height_1_right",
    "height_2_left",
    "height_2_right",
    "subwoofer_2",
)

_TWO_SUBWOOFERS: Final = 2  # SPI's "2: 2ch"

# SPI ``abcdefg...``: position of each speaker group's digit, and the channels it holds.
_SPI_GROUPS: Final[tuple[tuple[int, tuple[str, ...]], ...]] = (
    (1, ("front_left", "front_right")),
    (2, ("center",)),
    (3, ("surround_left", "surround_right")),
    (4, ("surround_back_left", "surround_back_right")),
    (5, ("height_1_left", "height_1_right")),
    (6, ("height_2_left", "height_2_right")),
)


def nri_has(info: DeviceInfo, code: str) -> bool | None:
    """What NRI says of setting ``code``: True has, False lacks, None does not say."""
    control = NRI_CONTROLS.get(code)
    if control is None or control not in info.controls:
        return None
    return info.flag(control)


def layout_channels(spi: str) -> tuple[str, ...] | None:
    """The channels an ``SPI`` reply says the speaker layout has; None if it does not parse.

    Its first digit is the subwoofers (0 none, 1 one, 2 two); the next ones say, per
    speaker group, 0 none, 1 small, 2 large.
    """
    if len(spi) < 7 or not spi[:7].isdigit():
        return None
    present: set[str] = set()
    subwoofers = int(spi[0])
    if subwoofers >= 1:
        present.add("subwoofer")
    if subwoofers >= _TWO_SUBWOOFERS:
        present.add("subwoofer_2")
    for position, channels in _SPI_GROUPS:
        if spi[position] != "0":
            present.update(channels)
    return tuple(channel for channel in CHANNELS if channel in present)


def channel_mutes(cmt: str) -> dict[str, bool]:
    """CMT's reply: channel -> muted, for the channels the reply carries."""
    return {
        channel: cmt[2 * i : 2 * i + 2] == "01"
        for i, channel in enumerate(CHANNELS)
        if len(cmt) >= 2 * i + 2
    }

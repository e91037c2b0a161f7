"""Ports, zones and per-zone codes of Pioneer's legacy line protocol (2009-2015 receivers).

Facts from Pioneer's published "IP & RS-232" code lists as aiopioneer and the seed's links
use them. Every function has a query (``?P``), commands (``PO``/``PF``, ``nnnVL``) and a
reply/status line (``PWR0``) that the receiver sends both as the answer and unprompted
whenever the state changes, whoever changed it.

The protocol's fourth output is the HDZone, :attr:`~..const.Zone.HDZONE` (:data:`HDZONE`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from ..const import Zone

DEFAULT_PORT: Final = 8102
TELNET_PORT: Final = 23
PORTS: Final = (DEFAULT_PORT, TELNET_PORT)
UPNP_PORT: Final = 8080
UPNP_DESCRIPTION_PATH: Final = "/AVTransport/desc.xml"

HDZONE: Final = Zone.HDZONE

# 0.5 dB steps, 161 = 0 dB, 185 = +12 dB, 1 = -80 dB, 0 = muted (-inf).
MAIN_MAX_VOLUME: Final = 185
MAIN_ZERO_DB: Final = 161
# 1 dB steps, 81 = 0 dB, 1 = -80 dB, 0 = -inf.
ZONE_MAX_VOLUME: Final = 81

# Bass and treble: codes 00..12 are +6..-6 dB.
TONE_MAX_DB: Final = 6


@dataclass(frozen=True, slots=True, kw_only=True)
class ZoneCodes:
    """One zone's command, query and reply codes."""

    zone: Zone
    power_on: str
    power_off: str
    power_query: str
    power_reply: str
    volume_set: str  # suffix after the level digits: "nnnVL"
    volume_digits: int
    volume_up: str
    volume_down: str
    volume_query: str
    volume_reply: str
    max_volume: int
    mute_on: str
    mute_off: str
    mute_query: str
    mute_reply: str
    source_set: str  # suffix after the input id: "nnFN"
    source_query: str
    source_reply: str
    bass: str | None  # tone code: set "nnBA", query "?BA", reply "BAnn"
    treble: str | None


ZONE_CODES: Final[dict[Zone, ZoneCodes]] = {
    Zone.MAIN: ZoneCodes(
        zone=Zone.MAIN,
        power_on="PO",
        power_off="PF",
        power_query="?P",
        power_reply="PWR",
        volume_set="VL",
        volume_digits=3,
        volume_up="VU",
        volume_down="VD",
        volume_query="?V",
        volume_reply="VOL",
        max_volume=MAIN_MAX_VOLUME,
        mute_on="MO",
        mute_off="MF",
        mute_query="?M",
        mute_reply="MUT",
        source_set="FN",
        source_query="?F",
        source_reply="FN",
        bass="BA",
        treble="TR",
    ),
    Zone.ZONE2: ZoneCodes(
        zone=Zone.ZONE2,
        power_on="APO",
        power_off="APF",
        power_query="?AP",
        power_reply="APR",
        volume_set="ZV",
        volume_digits=2,
        volume_up="ZU",
        volume_down="ZD",
        volume_query="?ZV",
        volume_reply="ZV",
        max_volume=ZONE_MAX_VOLUME,
        mute_on="Z2MO",
        mute_off="Z2MF",
        mute_query="?Z2M",
        mute_reply="Z2MUT",
        source_set="ZS",
        source_query="?ZS",
        source_reply="Z2F",
        bass="ZGB",
        treble="ZGC",
    ),
    Zone.ZONE3: ZoneCodes(
        zone=Zone.ZONE3,
        power_on="BPO",
        power_off="BPF",
        power_query="?BP",
        power_reply="BPR",
        volume_set="YV",
        volume_digits=2,
        volume_up="YU",
        volume_down="YD",
        volume_query="?YV",
        volume_reply="YV",
        max_volume=ZONE_MAX_VOLUME,
        mute_on="Z3MO",
        mute_off="Z3MF",
        mute_query="?Z3M",
        mute_reply="Z3MUT",
        source_set="ZT",
        source_query="?ZT",
        source_reply="Z3F",
        bass=None,
        treble=None,
    ),
    HDZONE: ZoneCodes(
        zone=HDZONE,
        power_on="ZEO",
        power_off="ZEF",
        power_query="?ZEP",
        power_reply="ZEP",
        volume_set="HZV",
        volume_digits=2,
        volume_up="HZU",
        volume_down="HZD",
        volume_query="?HZV",
        volume_reply="XV",
        max_volume=ZONE_MAX_VOLUME,
        mute_on="HZMO",
        mute_off="HZMF",
        mute_query="?HZM",
        mute_reply="HZMUT",
        source_set="ZEA",
        source_query="?ZEA",
        source_reply="ZEA",
        bass=None,
        treble=None,
    ),
}

ZONES: Final[tuple[Zone, ...]] = tuple(ZONE_CODES)

# Device-wide codes.
LISTENING_MODE_SET: Final = "SR"  # "nnnnSR"
LISTENING_MODE_QUERY: Final = "?S"
LISTENING_MODE_REPLY: Final = "SR"
INPUT_NAME_QUERY: Final = "?RGB"  # "?RGBnn"
INPUT_NAME_REPLY: Final = "RGB"  # "RGBnn" + "1" renamed / "0" default + name
MODEL_QUERY: Final = "?RGD"
MODEL_REPLY: Final = "RGD"  # "RGD<VSX-1021>" (text after a "/" inside <> is not the model)
MAC_QUERY: Final = "?SVB"
MAC_REPLY: Final = "SVB"  # 12 hex digits
SOFTWARE_QUERY: Final = "?SSI"
SOFTWARE_REPLY: Final = "SSI"  # SSI"version"
DISPLAY_QUERY: Final = "?FL"
DISPLAY_REPLY: Final = "FL"  # "FL" + 2 flag digits + the text as hex pairs
TUNER_QUERY: Final = "?FR"
TUNER_REPLY: Final = "FR"  # "FRF08750" (FM 87.50 MHz), "FRA00531" (AM 531 kHz)
TUNER_BAND_SET: Final = "TN"  # "00TN" FM, "01TN" AM: answered with FR
DIRECT_ACCESS: Final = "TAC"  # direct frequency entry: answered with TAC
DIGIT_SET: Final = "TP"  # "9TP": one digit of the frequency: answered with TP
PRESET_QUERY: Final = "?PR"
PRESET_REPLY: Final = "PR"  # "PRA01": class A..G, preset 01..09
READY: Final = "R"  # the answer to a bare CR, and on port 8102 a periodic sign of life
BUSY: Final = "B00"
# Error replies: E02 not available now (e.g. standby), E03 unsupported, E04 command
# error (unknown command), E06 parameter error.
NOT_AVAILABLE_NOW: Final = "E02"
ERROR_REASONS: Final = {
    "E02": "not available now",
    "E03": "unsupported command",
    "E04": "command error",
    "E06": "parameter error",
    BUSY: "busy",
}

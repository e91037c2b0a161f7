"""Zones and the per-zone command codes of eISCP.

eISCP has four zones (NRI's zone ids 1..4, :data:`ZONES`). Legacy Pioneer receivers have
a fourth output of their own, the HDZone (:attr:`Zone.HDZONE`), which no eISCP device
has: its codes below (``PWH``, ``VLH``, ``MTH``, ``SLH``) are not eISCP's but the
library's, so that a controller drives it like any zone; only the legacy Pioneer driver
(:mod:`.pioneer.bridge`) takes them, and no eISCP device is ever sent them (its NRI has no
such zone).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

DEFAULT_PORT: Final = 60128


class Zone(StrEnum):
    """A zone of a receiver. The main zone is also the only zone of a network player."""

    MAIN = "main"
    ZONE2 = "zone2"
    ZONE3 = "zone3"
    ZONE4 = "zone4"
    HDZONE = "hdzone"  # legacy Pioneer receivers only

    @property
    def number(self) -> int:
        """1 for main, 2..4 for the other zones (NRI's zone id), 5 for the HDZone."""
        return _NUMBERS[self]


# The zones of eISCP (NRI's zone ids 1..4, in order): the HDZone is not one of them.
ZONES: Final[tuple[Zone, ...]] = (Zone.MAIN, Zone.ZONE2, Zone.ZONE3, Zone.ZONE4)
_NUMBERS: Final[dict[Zone, int]] = {zone: index for index, zone in enumerate(Zone, start=1)}

# Command code per (function, zone); the HDZone's are the library's (module docstring).
POWER: Final = {
    Zone.MAIN: "PWR",
    Zone.ZONE2: "ZPW",
    Zone.ZONE3: "PW3",
    Zone.ZONE4: "PW4",
    Zone.HDZONE: "PWH",
}
VOLUME: Final = {
    Zone.MAIN: "MVL",
    Zone.ZONE2: "ZVL",
    Zone.ZONE3: "VL3",
    Zone.ZONE4: "VL4",
    Zone.HDZONE: "VLH",
}
MUTE: Final = {
    Zone.MAIN: "AMT",
    Zone.ZONE2: "ZMT",
    Zone.ZONE3: "MT3",
    Zone.ZONE4: "MT4",
    Zone.HDZONE: "MTH",
}
SOURCE: Final = {
    Zone.MAIN: "SLI",
    Zone.ZONE2: "SLZ",
    Zone.ZONE3: "SL3",
    Zone.ZONE4: "SL4",
    Zone.HDZONE: "SLH",
}
TONE: Final = {Zone.MAIN: "TFR", Zone.ZONE2: "ZTN", Zone.ZONE3: "TN3"}
NET_CONTROL: Final = {Zone.MAIN: "NTC", Zone.ZONE2: "NTZ", Zone.ZONE3: "NT3", Zone.ZONE4: "NT4"}


def zone_of(command: str) -> Zone | None:
    """The zone a zoned command code belongs to, or None for an unzoned code."""
    return _ZONE_OF.get(command)


_ZONE_OF: Final[dict[str, Zone]] = {
    code: zone
    for table in (POWER, VOLUME, MUTE, SOURCE, TONE, NET_CONTROL)
    for zone, code in table.items()
}

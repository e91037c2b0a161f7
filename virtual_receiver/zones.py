"""Zones, and the command code of each per-zone function (from the spec's tables)."""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from .tables import ZONED_COMMANDS


class Zone(StrEnum):
    """A zone; a network player has only the main zone."""

    MAIN = "main"
    ZONE2 = "zone2"
    ZONE3 = "zone3"
    ZONE4 = "zone4"

    @property
    def number(self) -> int:
        """NRI's zone id: 1 for main, 2 to 4 for the others."""
        return ZONES.index(self) + 1

    @property
    def bit(self) -> int:
        """The zone's bit in NRI's ``zone`` masks (main is bit 0)."""
        return 1 << ZONES.index(self)


ZONES: Final[tuple[Zone, ...]] = tuple(Zone)


def command(function: str, zone: Zone) -> str | None:
    """The code of ``function`` ("power", "volume", ...) in ``zone``; None if it has none."""
    return ZONED_COMMANDS[function][ZONES.index(zone)]


# Command code -> (function, zone), for every per-zone code the spec lists.
ZONED: Final[dict[str, tuple[str, Zone]]] = {
    code: (function, zone)
    for function, codes in ZONED_COMMANDS.items()
    for zone, code in zip(ZONES, codes, strict=True)
    if code is not None
}

"""Conversion between a zone's raw volume level and a 0..1 level.

NRI gives each zone ``volmax`` (the highest level in dB steps) and ``volstep``: 0 means
the device counts in 0.5 dB steps, so raw levels run 0..2*volmax; 1 means 1 dB steps,
0..volmax. ``volmax`` 0 means the zone has no volume control (network players). Without
NRI, devices use 0..0x64.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from .nri import ZoneInfo

DEFAULT_MAX_RAW: Final = 0x64


@dataclass(frozen=True, slots=True)
class VolumeScale:
    """A zone's raw volume range."""

    max_raw: int  # raw level of full volume; 0: no volume control

    @classmethod
    def from_zone(cls, info: ZoneInfo | None) -> VolumeScale:
        """The scale NRI gives a zone (the default range without NRI)."""
        if info is None:
            return cls(DEFAULT_MAX_RAW)
        if info.volmax <= 0:
            return cls(0)
        return cls(info.volmax * 2 if info.volstep == 0 else info.volmax)

    @property
    def has_volume(self) -> bool:
        """Whether the zone's volume can be set."""
        return self.max_raw > 0

    def to_level(self, raw: int) -> float:
        """Raw level to 0..1 (clamped); 0.0 without volume control."""
        if not self.has_volume:
            return 0.0
        return min(max(raw / self.max_raw, 0.0), 1.0)

    def to_raw(self, level: float) -> int:
        """0..1 to the nearest raw level (clamped)."""
        return min(max(round(level * self.max_raw), 0), self.max_raw)

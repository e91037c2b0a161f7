"""Volume conversion from NRI's volmax and volstep."""

from __future__ import annotations

import pytest

from custom_components.onkyo_eiscp.eiscp.const import Zone
from custom_components.onkyo_eiscp.eiscp.nri import ZoneInfo
from custom_components.onkyo_eiscp.eiscp.volume import DEFAULT_MAX_RAW, VolumeScale


def _zone(volmax: int, volstep: int) -> ZoneInfo:
    return ZoneInfo(zone=Zone.MAIN, enabled=True, name="Main", volmax=volmax, volstep=volstep)


@pytest.mark.parametrize(
    ("info", "max_raw"),
    [(_zone(82, 1), 82), (_zone(80, 0), 160), (_zone(0, 0), 0), (None, DEFAULT_MAX_RAW)],
)
def test_scale_from_zone(info: ZoneInfo | None, max_raw: int) -> None:
    """1 dB steps, 0.5 dB steps, no volume, no NRI."""
    scale = VolumeScale.from_zone(info)
    assert scale.max_raw == max_raw
    assert scale.has_volume == (max_raw > 0)


def test_conversions_clamp_and_round() -> None:
    """Raw <-> 0..1, clamped at both ends, rounded to the nearest step."""
    scale = VolumeScale(82)
    assert scale.to_level(41) == 0.5
    assert scale.to_level(-3) == 0.0
    assert scale.to_level(500) == 1.0
    assert scale.to_raw(0.5) == 41
    assert scale.to_raw(1.7) == 82
    assert scale.to_raw(-0.2) == 0
    assert all(scale.to_raw(scale.to_level(raw)) == raw for raw in range(83))


def test_no_volume_control() -> None:
    """A zone without volume control reads 0 and maps everything to 0."""
    scale = VolumeScale(0)
    assert scale.to_level(10) == 0.0
    assert scale.to_raw(0.7) == 0

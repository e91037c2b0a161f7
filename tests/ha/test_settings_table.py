"""The settings table's readers and builders (the device's formats, per the spec)."""

from __future__ import annotations

import pytest

from custom_components.onkyo_eiscp.settings import SETTINGS, Kind, Setting, settings_of


def _row(code: str) -> Setting:
    return next(s for s in SETTINGS if s.code == code)


@pytest.mark.parametrize(
    ("code", "raw", "value"),
    [
        ("SLP", "OFF", 0),
        ("SLP", "5A", 90),
        ("SLP", "ZZ", None),
        ("VOC", "05", 5),
        ("DLC", "+6", 6),
        ("DLC", "??", None),
        ("TPD", "F 77C 25", 25),
        ("TPD", "F-99C-73", -73),
        ("TPD", "F 77", None),
        ("TPD", "F 77Cxx", None),
        ("FLD", "", None),
        ("MOT", "01", True),
        ("MOT", "02", None),
    ],
)
def test_parse(code: str, raw: str, value: object) -> None:
    """Each row reads the device's value; what it cannot read is None (unknown)."""
    assert _row(code).parse(raw) == value


@pytest.mark.parametrize(
    ("code", "value", "sent"),
    [("SLP", 0, "OFF"), ("SLP", 90, "5A"), ("VOC", 0, "00"), ("DLC", 3, "+3"), ("DLC", 0, "00")],
)
def test_build(code: str, value: float, sent: str) -> None:
    """Numbers are sent in the device's format."""
    build = _row(code).build
    assert build is not None
    assert build(value) == sent


@pytest.mark.parametrize(("code", "value"), [("SLP", 91), ("SLP", 1.5), ("VOC", 2.5)])
def test_build_refuses(code: str, value: float) -> None:
    """A value the command cannot carry is the caller's mistake."""
    build = _row(code).build
    assert build is not None
    with pytest.raises(ValueError, match=r"."):
        build(value)


@pytest.mark.parametrize("model", ["TX-NR686", "TX-NR1000", " tx-nr1000 "])
def test_one_row_per_setting(model: str) -> None:
    """One row per code for a model (RAS: its form is the model's); builders; options."""
    rows = [s for s in SETTINGS if s.fits(model)]
    assert len({s.code for s in rows}) == len(rows)
    assert {s.code for s in rows} == {s.code for s in SETTINGS}
    ras = next(s for s in rows if s.code == "RAS")
    assert ras.kind is (Kind.SELECT if "1000" in model else Kind.SWITCH)
    assert all(s.build is not None for s in settings_of(Kind.NUMBER))
    assert all(s.options for s in settings_of(Kind.SELECT))

"""The legacy Pioneer line codec and parser: every reply, every ending, any noise."""

from __future__ import annotations

from hypothesis import given, strategies as st
import pytest

from custom_components.onkyo_eiscp.eiscp import messages as m
from custom_components.onkyo_eiscp.eiscp.const import Zone
from custom_components.onkyo_eiscp.eiscp.errors import FrameError
from custom_components.onkyo_eiscp.eiscp.pioneer import HDZONE, LineDecoder, encode, parse
from custom_components.onkyo_eiscp.eiscp.pioneer.codec import MAX_LINE_LENGTH
from custom_components.onkyo_eiscp.eiscp.pioneer.messages import (
    DisplayText,
    ErrorReply,
    InputName,
    MacAddress,
    ModelName,
    Ready,
    SoftwareVersion,
    TunerPreset,
)

LINE = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=60)


def test_commands_end_in_cr() -> None:
    """A command goes out with CR; a device's line with CR LF; nothing else is sent."""
    assert encode("PO") == b"PO\r"
    assert encode("VOL050", end=b"\r\n") == b"VOL050\r\n"
    for bad in ("", "PO\rPF", "PO\n", "VOL\x00", "VÖL"):
        with pytest.raises(FrameError):
            encode(bad)


@given(st.lists(LINE, max_size=8), st.sampled_from([b"\r\n", b"\r", b"\n"]), st.data())
def test_round_trip_in_any_chunks(lines: list[str], end: bytes, data: st.DataObject) -> None:
    """Encoded lines come back the same, whatever the ending and however the bytes are cut."""
    stream = b"".join(encode(line, end=end) for line in lines)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=6)))
    decoder = LineDecoder()
    decoded: list[str] = []
    for start, stop in zip([0, *cuts], [*cuts, len(stream)], strict=True):
        decoded += decoder.feed(stream[start:stop])
    assert decoded == lines
    assert decoder.stats.lines == len(lines)


@given(st.binary(max_size=3000))
def test_any_bytes_never_raise(data: bytes) -> None:
    """Noise gives printable lines or nothing, never an exception or an endless buffer."""
    decoder = LineDecoder()
    for line in decoder.feed(data) + decoder.feed(b"\r"):
        assert line
        assert line.isprintable()
        assert len(line) <= MAX_LINE_LENGTH
        assert isinstance(parse(line), m.Message)


def test_overlong_lines_are_dropped_to_their_end() -> None:
    """A line over the cap, whole or in pieces, is dropped; the next line survives."""
    decoder = LineDecoder()
    assert decoder.feed(b"x" * (MAX_LINE_LENGTH + 1) + b"\r\nPWR0\r\n") == ["PWR0"]
    assert decoder.feed(b"y" * 800) == []
    assert decoder.feed(b"y" * 800) == []  # over the cap: dropped, not buffered
    assert decoder.feed(b"y" * 800 + b"\r\nVOL050\r") == ["VOL050"]
    assert decoder.stats.oversize == 2
    assert decoder.feed(b"\n\r\n\n") == []  # empty lines are skipped
    assert decoder.feed(b"MUT\x001\x07\r\n") == ["MUT1"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("PWR0", m.Power(code="PWR", raw="0", zone=Zone.MAIN, on=True)),
        ("PWR1", m.Power(code="PWR", raw="1", zone=Zone.MAIN, on=False)),
        ("PWR2", m.Power(code="PWR", raw="2", zone=Zone.MAIN, on=False)),
        ("APR0", m.Power(code="APR", raw="0", zone=Zone.ZONE2, on=True)),
        ("BPR1", m.Power(code="BPR", raw="1", zone=Zone.ZONE3, on=False)),
        ("ZEP0", m.Power(code="ZEP", raw="0", zone=HDZONE, on=True)),
        ("VOL185", m.Volume(code="VOL", raw="185", zone=Zone.MAIN, level=185)),
        ("ZV81", m.Volume(code="ZV", raw="81", zone=Zone.ZONE2, level=81)),
        ("YV00", m.Volume(code="YV", raw="00", zone=Zone.ZONE3, level=0)),
        ("XV40", m.Volume(code="XV", raw="40", zone=HDZONE, level=40)),
        ("MUT0", m.Mute(code="MUT", raw="0", zone=Zone.MAIN, muted=True)),
        ("Z2MUT1", m.Mute(code="Z2MUT", raw="1", zone=Zone.ZONE2, muted=False)),
        ("Z3MUT0", m.Mute(code="Z3MUT", raw="0", zone=Zone.ZONE3, muted=True)),
        ("HZMUT0", m.Mute(code="HZMUT", raw="0", zone=HDZONE, muted=True)),
        ("FN25", m.Source(code="FN", raw="25", zone=Zone.MAIN, selector="25")),
        ("Z2F04", m.Source(code="Z2F", raw="04", zone=Zone.ZONE2, selector="04")),
        ("Z3F01", m.Source(code="Z3F", raw="01", zone=Zone.ZONE3, selector="01")),
        ("ZEA19", m.Source(code="ZEA", raw="19", zone=HDZONE, selector="19")),
        ("SR0010", m.ListeningMode(code="SR", raw="0010", mode="0010")),
        ("BA00", m.Tone(code="BA", raw="00", zone=Zone.MAIN, bass=6, treble=None)),
        ("TR12", m.Tone(code="TR", raw="12", zone=Zone.MAIN, bass=None, treble=-6)),
        ("ZGB06", m.Tone(code="ZGB", raw="06", zone=Zone.ZONE2, bass=0, treble=None)),
        ("ZGC04", m.Tone(code="ZGC", raw="04", zone=Zone.ZONE2, bass=None, treble=2)),
        ("FRF08750", m.Tuner(code="FR", raw="F08750", frequency="08750")),
        ("FRA00531", m.Tuner(code="FR", raw="A00531", frequency="00531")),
        ("PRA01", TunerPreset(code="PR", raw="A01", preset_class="A", number=1)),
        (
            "RGB191Apple TV",
            InputName(code="RGB", raw="191Apple TV", input_id="19", renamed=True, name="Apple TV"),
        ),
        ("RGB250BD", InputName(code="RGB", raw="250BD", input_id="25", renamed=False, name="BD")),
        ("RGD<VSX-1021>", ModelName(code="RGD", raw="<VSX-1021>", model="VSX-1021")),
        ("RGD<SC-LX85/XJ>", ModelName(code="RGD", raw="<SC-LX85/XJ>", model="SC-LX85")),
        ("SVB0009B0123ABC", MacAddress(code="SVB", raw="0009B0123ABC", mac="00:09:b0:12:3a:bc")),
        ('SSI"1-234-56"', SoftwareVersion(code="SSI", raw='"1-234-56"', version="1-234-56")),
        (
            "FL022020204361626C6520202020",
            DisplayText(code="FL", raw="022020204361626C6520202020", text="Cable"),
        ),
        ("E04", ErrorReply(code="E04", raw="")),
        ("E06", ErrorReply(code="E06", raw="")),
        ("B00", ErrorReply(code="B00", raw="")),
        ("R", Ready(code="R", raw="")),
        ("LM0401", m.RawMessage(code="LM", raw="0401")),
        ("PWRX", m.RawMessage(code="PWR", raw="X")),
        ("VOL999", m.RawMessage(code="VOL", raw="999")),
        ("VOL1", m.RawMessage(code="VOL", raw="1")),
        ("FNxx", m.RawMessage(code="FN", raw="xx")),
        ("BA13", m.RawMessage(code="BA", raw="13")),
        ("RGB25xBD", m.RawMessage(code="RGB", raw="25xBD")),
        ("RGD<>", m.RawMessage(code="RGD", raw="<>")),
        ("SVB12", m.RawMessage(code="SVB", raw="12")),
        ("FL02zz", m.RawMessage(code="FL", raw="02zz")),
        ("FRX08750", m.RawMessage(code="FR", raw="X08750")),
        ("PRZ01", m.RawMessage(code="PR", raw="Z01")),
        ("SR12", m.RawMessage(code="SR", raw="12")),
        ("123", m.RawMessage(code="", raw="123")),
    ],
)
def test_replies_parse_to_typed_messages(line: str, message: m.Message) -> None:
    """Each reply becomes the shared typed message with its zone, or a RawMessage."""
    assert parse(line) == message


def test_error_replies_explain_themselves() -> None:
    """Error replies say what they mean and whether sending again may help."""
    busy, refused = parse("B00"), parse("E06")
    assert isinstance(busy, ErrorReply)
    assert isinstance(refused, ErrorReply)
    assert (busy.busy, busy.reason) == (True, "busy")
    assert (refused.busy, refused.reason) == (False, "parameter error")
    assert ErrorReply(code="E99", raw="").reason == "error"

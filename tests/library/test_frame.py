"""Framing: encoding, streaming decode, every terminator, garbage, oversize, fuzzing."""

from __future__ import annotations

import logging
import struct

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.onkyo_eiscp.eiscp.errors import FrameError
from custom_components.onkyo_eiscp.eiscp.frame import (
    MAX_DATA_SIZE,
    FrameDecoder,
    encode,
)


def _packet(data: bytes, header_size: int = 16, declared: int | None = None) -> bytes:
    size = len(data) if declared is None else declared
    header = b"ISCP" + struct.pack(">II", header_size, size) + b"\x01\x00\x00\x00"
    return header + b"\x00" * (header_size - 16) + data


def test_encode_layout() -> None:
    """Header, sizes, version, reserved bytes, then !1 + message + CR."""
    packet = encode("PWR01")
    assert packet[:4] == b"ISCP"
    assert struct.unpack(">II", packet[4:12]) == (16, 8)
    assert packet[12:16] == b"\x01\x00\x00\x00"
    assert packet[16:] == b"!1PWR01\r"


def test_encode_keeps_unit_of_prefixed_message() -> None:
    """A message already starting with ! keeps its unit character."""
    assert encode("!xECNQSTN")[16:] == b"!xECNQSTN\r"
    assert encode("PWR01", unit="p")[16:] == b"!pPWR01\r"


@pytest.mark.parametrize("bad", ["", "PWR\r01", "PWR\n", "PWR\x1a"])
def test_encode_rejects_unframeable(bad: str) -> None:
    """Empty messages and embedded terminators cannot be framed."""
    with pytest.raises(FrameError):
        encode(bad)


@pytest.mark.parametrize(
    "terminator", [b"\x1a", b"\x1a\r\n", b"\r\n", b"\r", b"\n", b"\x19\r\n", b""]
)
def test_every_terminator_is_stripped(terminator: bytes) -> None:
    """Devices end messages in many ways; all of them decode to the same text."""
    assert FrameDecoder().feed(_packet(b"!1PWR01" + terminator)) == ["!1PWR01"]


def test_larger_header_size_is_honoured() -> None:
    """A header longer than 16 bytes is skipped as declared."""
    assert FrameDecoder().feed(_packet(b"!1MVL28\x1a", header_size=24)) == ["!1MVL28"]


def test_one_byte_at_a_time_and_many_per_chunk() -> None:
    """Arbitrary chunking: byte by byte, and several frames in one read."""
    stream = encode("PWR01") + encode("MVL28") + encode("NTIHello")
    decoder = FrameDecoder()
    out: list[str] = []
    for byte in stream:
        out += decoder.feed(bytes([byte]))
    assert out == ["!1PWR01", "!1MVL28", "!1NTIHello"]
    assert FrameDecoder().feed(stream) == out


def test_garbage_is_skipped(caplog: pytest.LogCaptureFixture) -> None:
    """Bytes before, between and after frames are skipped up to the next magic."""
    caplog.set_level(logging.DEBUG)
    decoder = FrameDecoder()
    out = decoder.feed(b"junk" + encode("PWR01") + b"\x00\xffISC" + b"more" + encode("AMT00"))
    assert out == ["!1PWR01", "!1AMT00"]
    assert decoder.stats.garbage_bytes == 4 + 9
    assert "not eISCP" in caplog.text


def test_magic_split_across_reads() -> None:
    """A magic cut between two reads is not lost."""
    packet = encode("PWR01")
    decoder = FrameDecoder()
    assert decoder.feed(b"xx" + packet[:2]) == []
    assert decoder.feed(packet[2:]) == ["!1PWR01"]


def test_oversize_declaration_is_skipped_without_allocating(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A declared size over the cap is dropped as it arrives; the next frame decodes."""
    decoder = FrameDecoder()
    huge = MAX_DATA_SIZE + 1
    assert decoder.feed(_packet(b"", declared=huge)) == []
    assert "Skipping eISCP packet declaring" in caplog.text
    chunk = b"A" * 65536
    for _ in range(huge // len(chunk)):
        assert decoder.feed(chunk) == []
        assert len(decoder._buffer) < 1024  # nothing of the huge frame is kept
    rest = huge % len(chunk)
    assert decoder.feed(b"A" * rest + encode("PWR01")) == ["!1PWR01"]
    assert decoder.stats.oversize == 1


def test_oversize_declaration_in_one_read() -> None:
    """An oversize frame fully inside one read is skipped too."""
    body = b"B" * (MAX_DATA_SIZE + 10)
    assert FrameDecoder().feed(_packet(body) + encode("PWR00")) == ["!1PWR00"]


def test_bad_header_size_resyncs(caplog: pytest.LogCaptureFixture) -> None:
    """Header sizes below 16 or absurdly large are refused; decoding goes on."""
    decoder = FrameDecoder()
    assert decoder.feed(_packet(b"!1PWR01\r", header_size=8)[:16] + encode("AMT01")) == ["!1AMT01"]
    assert decoder.stats.bad_header == 1
    assert "header size 8" in caplog.text


def test_invalid_utf8_is_replaced() -> None:
    """Invalid UTF-8 becomes U+FFFD; the message still arrives."""
    assert FrameDecoder().feed(_packet(b"!1NTI\xffok\r")) == ["!1NTI\ufffdok"]


def test_empty_frame_yields_nothing() -> None:
    """A frame of terminators only carries no message."""
    decoder = FrameDecoder()
    assert decoder.feed(_packet(b"\r\n")) == []
    assert decoder.stats.frames == 1


_TEXT = st.text(
    alphabet=st.characters(blacklist_characters="\r\n\x1a\x19\x00", blacklist_categories=("Cs",)),
    min_size=1,
    max_size=300,
).filter(lambda t: not t.startswith("!") and t.strip() == t)


@given(messages=st.lists(_TEXT, min_size=1, max_size=8), cuts=st.lists(st.integers(1, 64)))
@settings(max_examples=200, deadline=None)
def test_round_trip_under_any_chunking(messages: list[str], cuts: list[int]) -> None:
    """Whatever is encoded decodes to the same text, however the stream is cut."""
    stream = b"".join(encode(m) for m in messages)
    decoder = FrameDecoder()
    out: list[str] = []
    position = 0
    for cut in [*cuts, len(stream)]:
        out += decoder.feed(stream[position : position + cut])
        position += cut
    out += decoder.feed(stream[position:])
    assert out == [f"!1{m}" for m in messages]


@given(noise=st.binary(max_size=2048), cuts=st.lists(st.integers(1, 512), max_size=20))
@settings(max_examples=300, deadline=None)
def test_fuzz_never_raises_and_recovers(noise: bytes, cuts: list[int]) -> None:
    """Random bytes never raise; after them the decoder finds the next valid frames.

    Noise may contain a magic and declare a size that swallows what follows (as a real
    stream would), so the guarantee is: a frame sent after the swallowed span decodes.
    Enough padding with no magic in it ends any plausible swallowing.
    """
    decoder = FrameDecoder()
    position = 0
    for cut in cuts:
        decoder.feed(noise[position : position + cut])
        position += cut
    decoder.feed(noise[position:])
    decoder.feed(b"\x00" * (MAX_DATA_SIZE + 64))
    assert decoder.feed(encode("PWR01") + encode("AMT00")) == ["!1PWR01", "!1AMT00"]

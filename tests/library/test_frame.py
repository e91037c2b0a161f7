"""Framing: encoding, streaming decode, every terminator, garbage, oversize, fuzzing."""

from __future__ import annotations

import logging
import struct

from hypothesis import assume, given, settings, strategies as st
import pytest

from custom_components.onkyo_eiscp.eiscp.errors import FrameError
from custom_components.onkyo_eiscp.eiscp.frame import (
    MAGIC,
    MAX_DATA_SIZE,
    FrameDecoder,
    encode,
)


def _header(header_size: int, data_size: int) -> bytes:
    return b"ISCP" + struct.pack(">II", header_size, data_size) + b"\x01\x00\x00\x00"


def _packet(data: bytes, header_size: int = 16, declared: int | None = None) -> bytes:
    size = len(data) if declared is None else declared
    return _header(header_size, size) + b"\x00" * (header_size - 16) + data


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
    assert decoder.garbage_bytes == 4 + 9
    assert "not eISCP" in caplog.text


def test_magic_split_across_reads() -> None:
    """A magic cut between two reads is not lost."""
    packet = encode("PWR01")
    decoder = FrameDecoder()
    assert decoder.feed(b"xx" + packet[:2]) == []
    assert decoder.feed(packet[2:]) == ["!1PWR01"]


def test_impossible_size_resyncs_at_once(caplog: pytest.LogCaptureFixture) -> None:
    """A declared size over the cap is corruption: the very next frame decodes at once.

    Nothing waits for (or drops) the declared bytes, and nothing of them is kept.
    """
    decoder = FrameDecoder()
    huge = _packet(b"", declared=MAX_DATA_SIZE + 1)
    assert decoder.feed(huge + encode("PWR01")) == ["!1PWR01"]
    assert "impossible data size" in caplog.text
    assert decoder.feed(huge + b"A" * 100) == []
    assert decoder.feed(encode("AMT00")) == ["!1AMT00"]
    assert decoder.feed(huge[:10]) == []
    assert decoder.feed(huge[10:] + encode("MVL20")) == ["!1MVL20"]
    assert len(decoder._buffer) == 0
    assert decoder.dropped_frames == 3
    # Warned about once; a device sending them without end does not flood the log.
    assert [r.levelno for r in caplog.records].count(logging.WARNING) == 1
    assert decoder.dropped == ()  # none of them told its code


def test_oversize_frame_in_one_read() -> None:
    """A real frame over the cap, body and all, is dropped; the next frame decodes."""
    body = b"B" * (MAX_DATA_SIZE + 10)
    decoder = FrameDecoder()
    assert decoder.feed(_packet(body) + encode("PWR00")) == ["!1PWR00"]
    assert decoder.garbage_bytes == len(body) + 12
    assert decoder.dropped_frames == 1


def test_dropped_frame_tells_its_code() -> None:
    """The code right after an impossible header is reported, for one feed only."""
    decoder = FrameDecoder()
    nri = _packet(b"!1NRI<?xml version='1.0'?>" + b" " * MAX_DATA_SIZE)
    assert decoder.feed(nri + encode("PWR01")) == ["!1PWR01"]
    assert decoder.dropped == ("NRI",)
    assert decoder.feed(encode("AMT00")) == ["!1AMT00"]
    assert decoder.dropped == ()
    # The header and the code may come in pieces: the code is awaited (5 bytes at most).
    assert decoder.feed(nri[:18]) == []
    assert decoder.dropped == ()
    assert decoder.feed(nri[18:20]) == []
    assert decoder.dropped == ()
    assert decoder.feed(nri[20:] + encode("PWR01")) == ["!1PWR01"]
    assert decoder.dropped == ("NRI",)
    # Not a message start: nothing is awaited, nothing reported.
    for after in (b"xx", b"!1nri", b"!1N\x00"):
        assert decoder.feed(_packet(after, declared=MAX_DATA_SIZE + 1)) == []
        assert decoder.dropped == ()
    assert decoder.feed(_packet(b"", declared=MAX_DATA_SIZE + 1) + b"!") == []
    assert decoder.feed(encode("PWR00")) == ["!1PWR00"]


def test_impossible_size_behind_a_long_header_resyncs_at_once() -> None:
    """A frame inside the span of a long corrupt header still decodes at once."""
    corrupt = _packet(b"", header_size=64, declared=MAX_DATA_SIZE + 1)[:16]
    assert FrameDecoder().feed(corrupt + encode("PWR01")) == ["!1PWR01"]


def test_bad_header_size_resyncs(caplog: pytest.LogCaptureFixture) -> None:
    """Header sizes below 16 or absurdly large are refused; decoding goes on."""
    decoder = FrameDecoder()
    assert decoder.feed(_packet(b"!1PWR01\r", header_size=8)[:16] + encode("AMT01")) == ["!1AMT01"]
    assert decoder.dropped_frames == 1
    assert decoder.dropped == ()
    assert "header size 8" in caplog.text


def test_invalid_utf8_is_replaced() -> None:
    """Invalid UTF-8 becomes U+FFFD; the message still arrives."""
    assert FrameDecoder().feed(_packet(b"!1NTI\xffok\r")) == ["!1NTI\ufffdok"]


def test_empty_frame_yields_nothing() -> None:
    """A frame of terminators only carries no message."""
    decoder = FrameDecoder()
    assert decoder.feed(_packet(b"\r\n")) == []
    assert (decoder.garbage_bytes, decoder.dropped_frames) == (0, 0)


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


# Headers that cannot be true: a data size over the cap, or a header size out of range.
_IMPOSSIBLE = st.one_of(
    st.builds(_header, st.integers(16, 64), st.integers(MAX_DATA_SIZE + 1, 2**32 - 1)),
    st.builds(
        _header,
        st.one_of(st.integers(0, 15), st.integers(65, 2**32 - 1)),
        st.integers(0, 2**32 - 1),
    ),
)


@given(
    parts=st.lists(
        st.one_of(
            st.tuples(st.just("frame"), _TEXT),
            st.tuples(st.just("noise"), st.binary(max_size=64)),
            st.tuples(st.just("impossible"), _IMPOSSIBLE),
        ),
        max_size=30,
    ),
    cuts=st.lists(st.integers(1, 64)),
)
@settings(max_examples=300, deadline=None)
def test_corruption_never_loses_a_later_frame(
    parts: list[tuple[str, str | bytes]], cuts: list[int]
) -> None:
    """Garbage and impossible headers between valid frames lose none of the frames.

    The noise holds no magic (a magic with a plausible size would rightly swallow what
    it declares); impossible headers are refused at once, whatever follows them.
    """
    chunks: list[bytes] = []
    expected: list[str] = []
    for _, value in parts:
        if isinstance(value, str):
            chunks.append(encode(value))
            expected.append(f"!1{value}")
        else:
            chunks.append(value)
    stream = b"".join(chunks)
    assume(stream.count(MAGIC) == sum(kind != "noise" for kind, _ in parts))
    decoder = FrameDecoder()
    out: list[str] = []
    position = 0
    for cut in [*cuts, len(stream)]:
        out += decoder.feed(stream[position : position + cut])
        position += cut
    out += decoder.feed(stream[position:] + encode("PWR01"))
    assert out == [*expected, "!1PWR01"]

"""eISCP framing: ISCP text messages inside an ``ISCP`` packet header.

A packet is ``b"ISCP"``, the header size (4 bytes, big-endian, normally 16), the data
size (4 bytes, big-endian), a version byte (1) and 3 reserved bytes, then the data:
``!1PWR01`` followed by a terminator. Devices end messages in several ways (``0x1A``,
``0x1A CR LF``, ``CR LF``, ``CR``, ``LF``; discovery replies ``0x19 CR LF``; some pad
with NUL), so the decoder strips any run of those bytes at the end.

:func:`encode` frames one message; :class:`FrameDecoder` turns a byte stream, in any
chunking, back into message texts and survives whatever garbage the stream carries.
"""

from __future__ import annotations

from dataclasses import dataclass
import logging
import struct
from typing import Final

from .errors import FrameError

_LOGGER = logging.getLogger(__name__)

MAGIC: Final = b"ISCP"
HEADER_SIZE: Final = 16
VERSION: Final = 1
# Far above the largest real message (an NRI document under 40 KB).
MAX_DATA_SIZE: Final = 256 * 1024
# A header may be longer than 16 bytes (the declared size says so), never absurdly.
MAX_HEADER_SIZE: Final = 64

_HEADER: Final = struct.Struct(">4sIIB3x")
_SIZES: Final = struct.Struct(">II")  # header size and data size, right after the magic
_TERMINATORS: Final = b"\x1a\x19\r\n\x00"
# Characters that would end or corrupt a message inside a packet.
_FORBIDDEN: Final = frozenset("\r\n\x1a\x19\x00")
# Tails of a buffer that may be the start of a magic split across reads, longest first.
_MAGIC_PREFIXES: Final = (MAGIC[:3], MAGIC[:2], MAGIC[:1])


def encode(message: str, *, unit: str = "1") -> bytes:
    """Frame one ISCP message: ``"PWR01"`` becomes an eISCP packet of ``!1PWR01`` + CR.

    A message that starts with ``!`` keeps its own unit character (``"!xECNQSTN"``).
    ``unit`` is the unit character otherwise: ``"1"`` for receivers and players.

    Raises:
        FrameError: the message is empty, contains a terminator or NUL character,
            cannot be encoded as UTF-8, or is larger than :data:`MAX_DATA_SIZE`.
    """
    if message.startswith("!"):
        text = message
    else:
        if len(unit) != 1 or unit in _FORBIDDEN:
            raise FrameError(f"unit must be one printable character, not {unit!r}")
        text = f"!{unit}{message}"
    if len(text) <= 2:
        raise FrameError(f"empty message: {message!r}")
    if not _FORBIDDEN.isdisjoint(text):
        raise FrameError(f"message contains a terminator or NUL: {message!r}")
    try:
        data = text.encode() + b"\r"
    except UnicodeEncodeError as err:
        raise FrameError(f"message is not valid Unicode: {message!r}") from err
    if len(data) > MAX_DATA_SIZE:
        raise FrameError(f"message of {len(data)} bytes exceeds {MAX_DATA_SIZE}")
    return _HEADER.pack(MAGIC, HEADER_SIZE, len(data), VERSION) + data


@dataclass(slots=True)
class DecoderStats:
    """What a decoder has seen: packets decoded and the anomalies it skipped."""

    frames: int = 0
    garbage_bytes: int = 0
    oversize: int = 0
    bad_header: int = 0
    invalid_utf8: int = 0


class FrameDecoder:
    """A streaming decoder: feed it bytes in any chunks, get whole messages back.

    It never raises. Bytes outside a packet are skipped up to the next ``ISCP`` magic
    (a magic split across two reads is kept until the rest arrives). A header declaring
    a header size outside 16..:data:`MAX_HEADER_SIZE` or a data size over
    :data:`MAX_DATA_SIZE` is dropped without allocating anything, and decoding resumes
    at the next magic. Invalid UTF-8 is replaced with U+FFFD. Each anomaly is logged
    once when it happens (a run of garbage once, however it is chunked).

    Resynchronising on the magic has one unavoidable consequence: garbage that itself
    holds a plausible header (``ISCP`` and sane sizes) is taken for a packet and swallows
    up to ``MAX_HEADER_SIZE + MAX_DATA_SIZE`` following bytes, real packets included.
    """

    __slots__ = ("_buffer", "_in_garbage", "stats")

    def __init__(self) -> None:
        """Start with an empty buffer."""
        self._buffer = bytearray()
        self._in_garbage = False
        self.stats = DecoderStats()

    def feed(self, data: bytes) -> list[str]:
        """Add ``data``; return every message completed by it, e.g. ``"!1PWR01"``."""
        buffer = self._buffer
        buffer += data
        size = len(buffer)
        stats = self.stats
        messages: list[str] = []
        start = 0
        while True:
            magic = buffer.find(MAGIC, start)
            if magic < 0:
                keep = _partial_magic(buffer, start)
                self._garbage(size - keep - start)
                start = size - keep
                break
            if magic > start:
                self._garbage(magic - start)
                start = magic
            if size - start < HEADER_SIZE:
                break
            header_size, data_size = _SIZES.unpack_from(buffer, start + 4)
            if not HEADER_SIZE <= header_size <= MAX_HEADER_SIZE:
                stats.bad_header += 1
                _LOGGER.warning("Skipping an eISCP header declaring header size %d", header_size)
                start += len(MAGIC)
                continue
            if data_size > MAX_DATA_SIZE:
                stats.oversize += 1
                _LOGGER.warning(
                    "Skipping an eISCP header declaring %d data bytes (limit %d)",
                    data_size,
                    MAX_DATA_SIZE,
                )
                start += HEADER_SIZE
                continue
            end = start + header_size + data_size
            if end > size:
                break
            payload = buffer[start + header_size : end].rstrip(_TERMINATORS)
            start = end
            stats.frames += 1
            self._in_garbage = False
            try:
                text = payload.decode()
            except UnicodeDecodeError as err:
                stats.invalid_utf8 += 1
                _LOGGER.debug("Replacing invalid UTF-8 in an eISCP message: %s", err)
                text = payload.decode(errors="replace")
            if text:
                messages.append(text)
        if start:
            del buffer[:start]
        return messages

    def _garbage(self, count: int) -> None:
        if count <= 0:
            return
        self.stats.garbage_bytes += count
        if not self._in_garbage:
            self._in_garbage = True
            _LOGGER.debug("Skipping bytes that are not eISCP (%d so far)", count)


def _partial_magic(buffer: bytearray, start: int) -> int:
    """How many trailing bytes of ``buffer[start:]`` could begin a magic."""
    for prefix in _MAGIC_PREFIXES:
        if buffer.endswith(prefix) and len(buffer) - start >= len(prefix):
            return len(prefix)
    return 0

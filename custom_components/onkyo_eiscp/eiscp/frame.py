"""eISCP framing: ISCP text messages inside a 16-byte ``ISCP`` header.

A packet is ``b"ISCP"``, the header size (4 bytes, big-endian, normally 16), the data
size (4 bytes, big-endian), a version byte (1) and 3 reserved bytes, then the data:
``!1PWR01`` followed by a terminator. Devices end messages in several ways (``0x1A``,
``0x1A CR LF``, ``CR LF``, ``CR``, ``LF``; discovery replies ``0x19 CR LF``), so the
decoder strips any run of those at the end.
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
_TERMINATORS: Final = b"\x1a\x19\r\n\x00"
_FORBIDDEN: Final = ("\r", "\n", "\x1a")


# What devices end their messages with, over TCP and in discovery replies.
DEVICE_END: Final = b"\x1a\r\n"
DISCOVERY_END: Final = b"\x19\r\n"


def encode(message: str, *, unit: str = "1", terminator: bytes = b"\r") -> bytes:
    """Frame one ISCP message: ``"PWR01"`` becomes an eISCP packet of ``!1PWR01`` + CR.

    A message that starts with ``!`` keeps its own unit character (``"!xECNQSTN"``).
    Clients end messages with CR; a device (or a virtual one) passes its own terminator.
    """
    if not message:
        raise FrameError("empty message")
    if any(char in message for char in _FORBIDDEN):
        raise FrameError(f"message contains a terminator: {message!r}")
    text = message if message.startswith("!") else f"!{unit}{message}"
    data = text.encode() + terminator
    return _HEADER.pack(MAGIC, HEADER_SIZE, len(data), VERSION) + data


@dataclass(slots=True)
class DecoderStats:
    """What a decoder has seen."""

    frames: int = 0
    garbage_bytes: int = 0
    oversize: int = 0
    bad_header: int = 0


class FrameDecoder:
    """A streaming decoder: feed it bytes in any chunks, get whole messages back.

    It never raises. Garbage is skipped up to the next ``ISCP`` magic, a declared data
    size over :data:`MAX_DATA_SIZE` is skipped without allocating it, invalid UTF-8 is
    replaced. Each anomaly is logged once when it happens.
    """

    __slots__ = ("_buffer", "_skip", "stats")

    def __init__(self) -> None:
        """Start with an empty buffer."""
        self._buffer = bytearray()
        self._skip = 0  # bytes of an oversize frame still to drop as they arrive
        self.stats = DecoderStats()

    def feed(self, data: bytes) -> list[str]:
        """Add ``data``; return every message completed by it, e.g. ``"!1PWR01"``."""
        if self._skip:
            dropped = min(self._skip, len(data))
            self._skip -= dropped
            data = data[dropped:]
        buffer = self._buffer
        buffer += data
        messages: list[str] = []
        start = 0
        while True:
            magic = buffer.find(MAGIC, start)
            if magic < 0:
                # Keep a tail that may be the start of a magic split across reads.
                keep = _partial_magic(buffer, start)
                self._garbage(len(buffer) - start - keep)
                start = len(buffer) - keep
                break
            self._garbage(magic - start)
            start = magic
            if len(buffer) - start < HEADER_SIZE:
                break
            _, header_size, data_size, _ = _HEADER.unpack_from(buffer, start)
            if not HEADER_SIZE <= header_size <= MAX_HEADER_SIZE:
                self.stats.bad_header += 1
                _LOGGER.warning("Skipping eISCP packet with header size %d", header_size)
                start += len(MAGIC)
                continue
            if data_size > MAX_DATA_SIZE:
                self.stats.oversize += 1
                _LOGGER.warning(
                    "Skipping eISCP packet declaring %d bytes (limit %d)", data_size, MAX_DATA_SIZE
                )
                end = start + header_size + data_size
                if end > len(buffer):
                    self._skip = end - len(buffer)
                    start = len(buffer)
                    break
                start = end
                continue
            end = start + header_size + data_size
            if end > len(buffer):
                break
            text = _text(bytes(buffer[start + header_size : end]))
            start = end
            self.stats.frames += 1
            if text:
                messages.append(text)
        del buffer[:start]
        return messages

    def _garbage(self, count: int) -> None:
        if count > 0:
            self.stats.garbage_bytes += count
            _LOGGER.debug("Skipped %d bytes that are not eISCP", count)


def _partial_magic(buffer: bytearray, start: int) -> int:
    """How many trailing bytes of ``buffer[start:]`` could begin a magic."""
    for keep in (3, 2, 1):
        if len(buffer) - start >= keep and MAGIC.startswith(bytes(buffer[-keep:])):
            return keep
    return 0


def _text(data: bytes) -> str:
    """The message text of a packet's data, terminators stripped."""
    return data.rstrip(_TERMINATORS).decode("utf-8", errors="replace").strip("\x00")

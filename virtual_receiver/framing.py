"""eISCP framing as a device does it (spec, "ISCP over Ethernet").

A packet is a 16-byte header (``ISCP``, header size and data size as big-endian 32-bit
numbers, version 1, three reserved bytes) and the data: ``!1`` (start character and unit
type, 1 for a receiver), the message, and an end character. Controllers end messages with
CR, LF or CR LF; a device ends them with EOF (0x1A) CR LF, and its discovery replies with
0x19 CR LF.
"""

from __future__ import annotations

import struct
from typing import Final

MAGIC: Final = b"ISCP"
HEADER_SIZE: Final = 16
VERSION: Final = 1
DEVICE_END: Final = b"\x1a\r\n"
DISCOVERY_END: Final = b"\x19\r\n"
# What a client can sensibly send a device; a larger declared size is corruption.
MAX_CLIENT_DATA: Final = 64 * 1024
# A future header may be longer than 16 bytes (the header says so), never this long.
MAX_HEADER_SIZE: Final = 64

_HEADER: Final = struct.Struct(">4sIIB3x")
_ENDINGS: Final = b"\x1a\x19\r\n\x00"


def frame(message: str, *, end: bytes = DEVICE_END, unit: str = "1") -> bytes:
    """One packet carrying ``message`` ("PWR01"), ended as a device ends it."""
    data = f"!{unit}{message}".encode() + end
    return _HEADER.pack(MAGIC, HEADER_SIZE, len(data), VERSION) + data


def header(data_size: int, *, header_size: int = HEADER_SIZE) -> bytes:
    """A bare header declaring ``data_size`` bytes (for faults: lies about sizes)."""
    return _HEADER.pack(MAGIC, header_size, data_size, VERSION)


class Decoder:
    """Splits a byte stream from a client into messages ("PWR01", start and unit removed).

    Bytes before a magic are skipped; a header declaring an impossible size is skipped
    and the stream resynchronises on the next magic. It never raises.
    """

    __slots__ = ("_buffer",)

    def __init__(self) -> None:
        """Start empty."""
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[str]:
        """Add ``data``; return the messages it completes."""
        buffer = self._buffer
        buffer += data
        messages: list[str] = []
        while True:
            start = buffer.find(MAGIC)
            if start < 0:
                del buffer[: max(0, len(buffer) - (len(MAGIC) - 1))]
                break
            del buffer[:start]
            if len(buffer) < HEADER_SIZE:
                break
            _, header_size, data_size, _ = _HEADER.unpack_from(buffer)
            if not HEADER_SIZE <= header_size <= MAX_HEADER_SIZE or data_size > MAX_CLIENT_DATA:
                del buffer[: len(MAGIC)]  # corrupt: look for the next magic
                continue
            end = header_size + data_size
            if len(buffer) < end:
                break
            text = bytes(buffer[header_size:end]).rstrip(_ENDINGS).decode("utf-8", "replace")
            del buffer[:end]
            if text.startswith("!") and len(text) >= 2:
                text = text[2:]
            if text:
                messages.append(text)
        return messages

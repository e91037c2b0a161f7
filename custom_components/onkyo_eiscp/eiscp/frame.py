"""eISCP framing: ISCP text messages inside a 16-byte ``ISCP`` header.

A packet is ``b"ISCP"``, the header size (4 bytes, big-endian, normally 16), the data
size (4 bytes, big-endian), a version byte (1) and 3 reserved bytes, then the data:
``!1PWR01`` followed by a terminator. Devices end messages in several ways (``0x1A``,
``0x1A CR LF``, ``CR LF``, ``CR``, ``LF``; discovery replies ``0x19 CR LF``), so the
decoder strips any run of those at the end.
"""

from __future__ import annotations

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
# A message starts ``!``, a unit character, then a three-character code: ``!1NRI``.
_CODE_END: Final = 5
_CODE_BYTES: Final = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


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


class FrameDecoder:
    """A streaming decoder: feed it bytes in any chunks, get whole messages back.

    It never raises and never waits for bytes it has no reason to expect. Garbage is
    skipped up to the next ``ISCP`` magic. A header that cannot be true (a header size
    outside 16..:data:`MAX_HEADER_SIZE`, a data size over :data:`MAX_DATA_SIZE`) is
    corruption: the frame it declares is dropped and decoding goes on from the next
    magic at once, so nothing real that follows is lost. Invalid UTF-8 is replaced.
    Each anomaly is counted and logged (a dropped header as a warning once per decoder,
    then at debug level).
    """

    __slots__ = ("_buffer", "dropped", "dropped_frames", "garbage_bytes")

    def __init__(self) -> None:
        """Start with an empty buffer."""
        self._buffer = bytearray()
        # The codes of the frames the last feed dropped, where the bytes after the
        # header told one (``"NRI"`` for ``!1NRI...``): a query for it gets no reply.
        self.dropped: tuple[str, ...] = ()
        self.dropped_frames = 0  # headers refused as impossible, since the start
        self.garbage_bytes = 0  # bytes skipped as not eISCP, since the start

    def feed(self, data: bytes) -> list[str]:
        """Add ``data``; return every message completed by it, e.g. ``"!1PWR01"``.

        :attr:`dropped` then lists the codes of the frames this call dropped.
        """
        self.dropped = ()
        messages: list[str] = []
        buffer = self._buffer
        if not buffer:
            # The usual read: whole frames with the usual header, decoded from it as is.
            start = _whole_frames(data, messages)
            if start == len(data):
                return messages
            data = data[start:]
        buffer += data
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
                self._drop(f"header size {header_size}")
                start += len(MAGIC)
                continue
            if data_size > MAX_DATA_SIZE:
                code = _code_after(buffer, start + header_size)
                if code is None and buffer.find(MAGIC, start + len(MAGIC)) < 0:
                    break  # too few bytes yet to tell which message is dropped
                self._drop(f"data size {data_size} (limit {MAX_DATA_SIZE})")
                if code:
                    self.dropped += (code,)
                start += len(MAGIC)
                continue
            end = start + header_size + data_size
            if end > len(buffer):
                break
            text = _text(bytes(buffer[start + header_size : end]))
            start = end
            if text:
                messages.append(text)
        del buffer[:start]
        return messages

    def _drop(self, reason: str) -> None:
        self.dropped_frames += 1
        # A broken or hostile device may send them without end: warn once per stream.
        level = logging.WARNING if self.dropped_frames == 1 else logging.DEBUG
        _LOGGER.log(level, "Dropping an eISCP header that declares an impossible %s", reason)

    def _garbage(self, count: int) -> None:
        if count > 0:
            self.garbage_bytes += count
            _LOGGER.debug("Skipped %d bytes that are not eISCP", count)


def _whole_frames(data: bytes, messages: list[str]) -> int:
    """Decode the whole frames with a 16-byte header at the start of ``data``.

    Appends their texts to ``messages``; returns where the first byte that is not part
    of such a frame starts (``len(data)`` when there is none).
    """
    start, size = 0, len(data)
    while size - start >= HEADER_SIZE and data.startswith(MAGIC, start):
        _, header_size, data_size, _ = _HEADER.unpack_from(data, start)
        end = start + HEADER_SIZE + data_size
        if header_size != HEADER_SIZE or data_size > MAX_DATA_SIZE or end > size:
            break
        # _text(), inline: this runs for every message a device pushes.
        packet = data[start + HEADER_SIZE : end].rstrip(_TERMINATORS)
        if text := packet.decode("utf-8", errors="replace").strip("\x00"):
            messages.append(text)
        start = end
    return start


def _code_after(buffer: bytearray, position: int) -> str | None:
    """The code of a message that starts at ``position`` (``!1NRI...`` gives ``"NRI"``).

    ``""`` when the bytes there are not the start of a message, None when too few have
    arrived to tell (five bytes after the header are all it needs).
    """
    head = bytes(buffer[position : position + _CODE_END])
    if len(head) < _CODE_END:
        plausible = head[:1] in {b"", b"!"} and all(byte in _CODE_BYTES for byte in head[2:])
        return None if plausible else ""
    if head[0] != ord("!") or not all(byte in _CODE_BYTES for byte in head[2:]):
        return ""
    return head[2:].decode("ascii")


def _partial_magic(buffer: bytearray, start: int) -> int:
    """How many trailing bytes of ``buffer[start:]`` could begin a magic."""
    for keep in (3, 2, 1):
        if len(buffer) - start >= keep and MAGIC.startswith(bytes(buffer[-keep:])):
            return keep
    return 0


def _text(data: bytes) -> str:
    """The message text of a packet's data, terminators stripped."""
    return data.rstrip(_TERMINATORS).decode("utf-8", errors="replace").strip("\x00")

"""Album art streamed over eISCP: NJA packets of hex image data joined into one image.

Devices that do not link their art (``NJA2-http://...``) send it in pieces: a start
packet (``NJA00`` BMP or ``NJA10`` JPEG, then hex), next packets (``..1``) and an end
packet (``..2``), each at most 1024 hex letters. :class:`ArtAssembler` joins them and
checks the result; anything broken is dropped with a warning and never raises.
"""

from __future__ import annotations

from dataclasses import dataclass
import logging
from typing import Final

from .messages import AlbumArt, ArtPacket, ArtType

_LOGGER = logging.getLogger(__name__)

# A device's art is a thumbnail (tens of KiB); refuse to hold more than this.
MAX_ART_BYTES: Final = 1024 * 1024

_CONTENT_TYPES: Final = {ArtType.BMP: "image/bmp", ArtType.JPEG: "image/jpeg"}
_MAGIC: Final = {ArtType.BMP: b"BM", ArtType.JPEG: b"\xff\xd8"}


@dataclass(frozen=True, slots=True)
class ArtImage:
    """One complete streamed image."""

    data: bytes
    content_type: str


class ArtAssembler:
    """Joins streamed NJA packets into images; one instance per connection's stream."""

    def __init__(self, max_bytes: int = MAX_ART_BYTES) -> None:
        """Hold at most ``max_bytes`` of decoded image."""
        self._max_hex = max_bytes * 2
        self._type: ArtType | None = None
        self._parts: list[str] = []
        self._size = 0

    def feed(self, message: AlbumArt) -> ArtImage | None:
        """Take one packet; return the image when ``message`` completes one."""
        if message.image_type not in _CONTENT_TYPES:
            self.reset()  # a URL or "no image" ends any stream in progress
            return None
        packet = message.packet
        if packet is ArtPacket.START:
            self.reset()
            self._type = message.image_type
        elif self._type is None:
            return None  # joined mid-image (or after a dropped one): wait for a start
        elif message.image_type is not self._type:
            return self._drop("the image type changed mid-image")
        self._size += len(message.data)
        if self._size > self._max_hex:
            return self._drop(f"the image is larger than {self._max_hex // 2} bytes")
        self._parts.append(message.data)
        if packet is not ArtPacket.END:
            return None
        image_type = self._type
        hex_text = "".join(self._parts)
        self.reset()
        try:
            data = bytes.fromhex(hex_text)
        except ValueError:
            return self._drop("the image data is not hexadecimal")
        if not data.startswith(_MAGIC[image_type]):
            return self._drop(f"the data is not a {image_type.name} image")
        return ArtImage(data, _CONTENT_TYPES[image_type])

    def _drop(self, reason: str) -> ArtImage | None:
        """Forget the image in progress, say why; there is no image (``None``)."""
        _LOGGER.warning("Dropped streamed album art: %s", reason)
        self.reset()
        return None

    def reset(self) -> None:
        """Forget a partial image (the connection it came on is gone)."""
        self._type = None
        self._parts = []
        self._size = 0


def art_packets(data: bytes, image_type: ArtType, chunk: int = 1024) -> list[str]:
    """Split an image into NJA messages as a device sends them (for tests and tools)."""
    hex_text = data.hex().upper()
    pieces = [hex_text[i : i + chunk] for i in range(0, len(hex_text), chunk)] or [""]
    flags = [ArtPacket.START] + [ArtPacket.NEXT] * (len(pieces) - 2) + [ArtPacket.END]
    if len(pieces) == 1:
        pieces, flags = [pieces[0], ""], [ArtPacket.START, ArtPacket.END]
    return [
        f"NJA{image_type.value}{flag.value}{piece}"
        for flag, piece in zip(flags, pieces, strict=True)
    ]

"""Album art: an HTTP server for linked art, and NJA packets for streamed art.

A device either links its art (``NJA2-http://...``) or streams it over eISCP, as the
spec's NJA command describes: ``t`` image type (0 BMP, 1 JPEG), ``p`` packet flag (0 start,
1 next, 2 end), then at most 1024 hexadecimal letters of the image.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import contextlib
import hashlib
import struct
from typing import Final
import zlib

SIZE: Final = 64
BMP: Final = "0"
JPEG: Final = "1"
PACKET_HEX: Final = 1024  # hexadecimal letters per packet at most


def png(rgb: tuple[int, int, int], size: int = SIZE) -> bytes:
    """A square PNG of one colour."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * size
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * size))
        + chunk(b"IEND", b"")
    )


def bmp(rgb: tuple[int, int, int], size: int = SIZE) -> bytes:
    """A square 24-bit BMP of one colour (what older devices stream over NJA)."""
    row = bytes((rgb[2], rgb[1], rgb[0])) * size  # BGR; 64 * 3 is a multiple of 4
    pixels = row * size
    header = struct.pack("<2sIHHI", b"BM", 54 + len(pixels), 0, 0, 54)
    info = struct.pack("<IiiHHIIiiII", 40, size, size, 1, 24, 0, len(pixels), 2835, 2835, 0, 0)
    return header + info + pixels


def track_colour(album: str, title: str) -> tuple[int, int, int]:
    """The art's colour for a track, so each track's art differs."""
    digest = hashlib.sha256(f"{album}|{title}".encode()).digest()
    return digest[0], digest[1], digest[2]


def nja_packets(image: bytes, image_type: str = BMP) -> list[str]:
    """``image`` as the NJA messages a device streams: a start, nexts and an end packet.

    An image that fits one packet still ends with an (empty) end packet, so a reader
    always sees where the image ends.
    """
    if image_type not in (BMP, JPEG):
        raise ValueError(f"NJA streams BMP ({BMP}) or JPEG ({JPEG}), not {image_type!r}")
    text = image.hex().upper()
    pieces = [text[i : i + PACKET_HEX] for i in range(0, len(text), PACKET_HEX)]
    if len(pieces) < 2:
        pieces = [*pieces, ""] if pieces else ["", ""]
    flags = ["0"] + ["1"] * (len(pieces) - 2) + ["2"]
    return [f"NJA{image_type}{flag}{piece}" for flag, piece in zip(flags, pieces, strict=True)]


class ArtServer:
    """Serves ``GET /album_art.cgi``: a PNG whose colour follows the current track."""

    def __init__(self, track: Callable[[], tuple[str, str]]) -> None:
        """Serve art for the (album, title) that ``track`` gives at each request."""
        self._track = track
        self._server: asyncio.Server | None = None
        self.port = 0

    async def start(self, host: str, port: int) -> None:
        """Listen on ``host:port`` (0: a free port)."""
        self._server = await asyncio.start_server(self._handle, host, port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Stop listening."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            request = await reader.readuntil(b"\r\n\r\n")
            if request.startswith(b"GET /album_art.cgi"):
                body, status, kind = png(track_colour(*self._track())), "200 OK", "image/png"
            else:
                body, status, kind = b"not found", "404 Not Found", "text/plain"
            writer.write(
                f"HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {len(body)}\r\n"
                "Cache-Control: no-cache\r\nConnection: close\r\n\r\n".encode()
                + body
            )
            await writer.drain()
        writer.close()

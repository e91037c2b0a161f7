"""A tiny HTTP server for album art: a plain PNG whose colour follows the track."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import struct
from typing import TYPE_CHECKING
import zlib

if TYPE_CHECKING:
    from .receiver import VirtualReceiver

SIZE = 64


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


class ArtServer:
    """Serves ``GET /album_art.cgi`` with art for the receiver's current track."""

    def __init__(self, receiver: VirtualReceiver) -> None:
        """Serve art for ``receiver``."""
        self._receiver = receiver
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
            net = self._receiver.state.net
            if request.startswith(b"GET /album_art.cgi"):
                colour = track_colour(net.album, net.title)
                body, status, kind = png(colour), "200 OK", "image/png"
            else:
                body, status, kind = b"not found", "404 Not Found", "text/plain"
            writer.write(
                f"HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {len(body)}\r\n"
                "Cache-Control: no-cache\r\nConnection: close\r\n\r\n".encode()
                + body
            )
            await writer.drain()
        writer.close()

"""Draw the integration's brand images (icon and logo) with the standard library only.

Since Home Assistant 2026.3 a custom integration ships its own brand images in
``custom_components/<domain>/brand/``; Home Assistant's ``brands`` integration serves
them at ``/api/brands/integration/<domain>/<image>`` ahead of the brands CDN.

The picture is our own: the front of an AV receiver (display with level bars, a row of
buttons, a large volume knob) on a rounded dark tile for the square icon, and the bare
receiver front for the wide logo. Every shape is drawn from its signed distance, which
gives anti-aliased edges without a drawing library. The result is deterministic, so
``--check`` can tell whether the committed files are current.

    python scripts/gen_brand.py          write the images
    python scripts/gen_brand.py --check  exit 1 if a committed image differs
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
import math
from pathlib import Path
import struct
import sys
import zlib

BRAND_DIR = Path(__file__).resolve().parent.parent / "custom_components" / "onkyo_eiscp" / "brand"

Rgb = tuple[int, int, int]
Sdf = Callable[[float, float], float]

TILE: Rgb = (0x1F, 0x2B, 0x34)
BODY: Rgb = (0x2A, 0x38, 0x43)
DISPLAY: Rgb = (0x0A, 0x13, 0x17)
LEVEL: Rgb = (0x3C, 0xC8, 0xE8)
BUTTON: Rgb = (0x58, 0x6E, 0x7B)
POWER: Rgb = (0xFF, 0x9F, 0x1C)
KNOB_RING: Rgb = (0xD5, 0xDD, 0xE2)
KNOB_FACE: Rgb = (0xA3, 0xB3, 0xBD)
KNOB_MARK: Rgb = (0x1F, 0x2B, 0x34)


def rounded_rect(cx: float, cy: float, hw: float, hh: float, r: float) -> Sdf:
    """Signed distance to a rectangle centred at (cx, cy) with rounded corners."""

    def sdf(x: float, y: float) -> float:
        qx = abs(x - cx) - hw + r
        qy = abs(y - cy) - hh + r
        outside = math.hypot(max(qx, 0.0), max(qy, 0.0))
        return outside + min(max(qx, qy), 0.0) - r

    return sdf


def circle(cx: float, cy: float, r: float) -> Sdf:
    """Signed distance to a circle."""

    def sdf(x: float, y: float) -> float:
        return math.hypot(x - cx, y - cy) - r

    return sdf


@dataclass(frozen=True)
class Shape:
    """One filled shape, painted over the ones before it."""

    sdf: Sdf
    color: Rgb
    bounds: tuple[float, float, float, float]  # x0, y0, x1, y1 in the same units


def receiver_front(x0: float, y0: float, width: float, height: float) -> list[Shape]:
    """The receiver's face: display with level bars, buttons, power light and knob."""
    shapes: list[Shape] = []

    def add(sdf: Sdf, color: Rgb, cx: float, cy: float, hw: float, hh: float) -> None:
        shapes.append(Shape(sdf, color, (cx - hw, cy - hh, cx + hw, cy + hh)))

    def rect(cx: float, cy: float, hw: float, hh: float, r: float, color: Rgb) -> None:
        add(rounded_rect(cx, cy, hw, hh, r), color, cx, cy, hw, hh)

    def dot(cx: float, cy: float, r: float, color: Rgb) -> None:
        add(circle(cx, cy, r), color, cx, cy, r, r)

    def at(fx: float, fy: float) -> tuple[float, float]:
        return x0 + fx * width, y0 + fy * height

    unit = height
    # Display window with five level bars.
    cx, cy = at(0.30, 0.36)
    rect(cx, cy, 0.22 * width, 0.17 * height, 0.05 * unit, DISPLAY)
    for i, level in enumerate((0.45, 0.8, 0.6, 1.0, 0.35)):
        bar_hh = 0.11 * unit * level
        bx = x0 + (0.145 + i * 0.077) * width
        by = cy + 0.11 * unit - bar_hh
        rect(bx, by, 0.022 * width, bar_hh, 0.012 * unit, LEVEL)
    # Buttons under the display, the first one lit (power).
    for i in range(4):
        bx, by = at(0.13 + i * 0.11, 0.73)
        dot(bx, by, 0.045 * unit, POWER if i == 0 else BUTTON)
    # Volume knob: ring, face and a position mark at about ten o'clock.
    kx, ky = at(0.74, 0.5)
    dot(kx, ky, 0.31 * unit, KNOB_RING)
    dot(kx, ky, 0.245 * unit, KNOB_FACE)
    angle = math.radians(-140.0)
    mx, my = kx + math.cos(angle) * 0.16 * unit, ky + math.sin(angle) * 0.16 * unit
    dot(mx, my, 0.04 * unit, KNOB_MARK)
    return shapes


def icon_shapes() -> list[Shape]:
    """Square icon: a rounded tile holding the receiver's face."""
    tile = Shape(rounded_rect(0.5, 0.5, 0.5, 0.5, 0.18), TILE, (0.0, 0.0, 1.0, 1.0))
    return [tile, *receiver_front(0.06, 0.22, 0.88, 0.56)]


def logo_shapes(aspect: float) -> list[Shape]:
    """Wide logo: the receiver body itself, filling the canvas (unit height)."""
    body = Shape(
        rounded_rect(aspect / 2, 0.5, aspect / 2, 0.5, 0.14), BODY, (0.0, 0.0, aspect, 1.0)
    )
    return [body, *receiver_front(0.04 * aspect, 0.12, 0.92 * aspect, 0.76)]


def render(shapes: list[Shape], width: int, height: int, scale: float) -> bytes:
    """Rasterise shapes (in units where ``scale`` pixels make one unit) to RGBA rows."""
    pixels = bytearray(width * height * 4)
    aa = 1.0 / scale  # one pixel, in shape units
    for shape in shapes:
        x0, y0, x1, y1 = shape.bounds
        px0, py0 = max(int(x0 * scale) - 1, 0), max(int(y0 * scale) - 1, 0)
        px1, py1 = min(int(x1 * scale) + 2, width), min(int(y1 * scale) + 2, height)
        red, green, blue = shape.color
        for py in range(py0, py1):
            y = (py + 0.5) / scale
            row = py * width * 4
            for px in range(px0, px1):
                coverage = 0.5 - shape.sdf((px + 0.5) / scale, y) / aa
                if coverage <= 0.0:
                    continue
                coverage = min(coverage, 1.0)
                i = row + px * 4
                dst_a = pixels[i + 3] / 255.0
                out_a = coverage + dst_a * (1.0 - coverage)
                if out_a <= 0.0:
                    continue
                keep = dst_a * (1.0 - coverage)
                for channel, value in enumerate((red, green, blue)):
                    mixed = (value * coverage + pixels[i + channel] * keep) / out_a
                    pixels[i + channel] = round(mixed)
                pixels[i + 3] = round(out_a * 255.0)
    return bytes(pixels)


def png(width: int, height: int, rgba: bytes) -> bytes:
    """Encode RGBA pixels as a PNG (8-bit, colour type 6, no filter, best compression)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    stride = width * 4
    raw = b"".join(b"\x00" + rgba[y * stride : (y + 1) * stride] for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


LOGO_ASPECT = 2.5


def images() -> dict[str, bytes]:
    """Every brand image by file name."""
    out: dict[str, bytes] = {}
    for name, size in (("icon.png", 256), ("icon@2x.png", 512)):
        out[name] = png(size, size, render(icon_shapes(), size, size, float(size)))
    for name, height in (("logo.png", 128), ("logo@2x.png", 256)):
        width = round(height * LOGO_ASPECT)
        shapes = logo_shapes(LOGO_ASPECT)
        out[name] = png(width, height, render(shapes, width, height, float(height)))
    return out


def main(argv: list[str]) -> int:
    """Write the images, or with ``--check`` compare them with the committed ones."""
    check = "--check" in argv
    stale = []
    for name, data in images().items():
        path = BRAND_DIR / name
        if check:
            if not path.is_file() or path.read_bytes() != data:
                stale.append(name)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"wrote {path} ({len(data)} bytes)")
    if stale:
        print(f"brand images out of date: {', '.join(stale)}; run scripts/gen_brand.py")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

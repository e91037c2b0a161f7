"""Decoder and parser throughput, and the connection's command pacing.

Run: scripts/bench (or .venv/bin/python benchmarks/bench_library.py)
"""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path
import statistics
import sys
import time

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from custom_components.onkyo_eiscp.eiscp.client import Client
from custom_components.onkyo_eiscp.eiscp.frame import DEVICE_END, FrameDecoder, encode
from custom_components.onkyo_eiscp.eiscp.parser import parse
from virtual_receiver import VirtualReceiver
from virtual_receiver.burst import TRACK_CHANGE_BURST

CHUNK = 4096
REPEAT = 4000
COMMANDS = 50


def bench_decoder() -> None:
    """Decode the seed's track-change burst (and routine status) many times over."""
    messages = [
        m.replace("{art_url}", "http://127.0.0.1/album_art.cgi") for _, m in TRACK_CHANGE_BURST
    ]
    messages += ["PWR01", "MVL28", "NTM00:01:12/00:03:43", "NST P--".replace(" ", "")]
    stream = b"".join(encode(m, terminator=DEVICE_END) for m in messages) * REPEAT
    frames = len(messages) * REPEAT
    decoder = FrameDecoder()
    started = time.perf_counter()
    texts: list[str] = []
    for offset in range(0, len(stream), CHUNK):
        texts += decoder.feed(stream[offset : offset + CHUNK])
    decode_s = time.perf_counter() - started
    assert len(texts) == frames
    started = time.perf_counter()
    for text in texts:
        parse(text)
    parse_s = time.perf_counter() - started
    mb = len(stream) / 1e6
    print(f"decoder: {frames} frames, {mb:.1f} MB in {CHUNK}-byte reads")
    print(f"  decode          {frames / decode_s:>12,.0f} frames/s  ({mb / decode_s:.0f} MB/s)")
    print(f"  parse           {frames / parse_s:>12,.0f} messages/s")
    print(f"  decode + parse  {frames / (decode_s + parse_s):>12,.0f} messages/s")


async def bench_pacing() -> None:
    """Send commands as fast as a caller can; measure their spacing at the device."""
    async with (
        VirtualReceiver("TX-NR686") as receiver,
        Client(receiver.host, receiver.port) as client,
    ):
        started = time.perf_counter()
        await asyncio.gather(*(client.send(f"MVL{n % 0x50:02X}") for n in range(COMMANDS)))
        elapsed = time.perf_counter() - started
        async with asyncio.timeout(5):
            while len(receiver.received) < COMMANDS:
                await asyncio.sleep(0.01)
        at = receiver.received_at
        gaps = [(b - a) * 1000 for a, b in itertools.pairwise(at)]
        in_order = receiver.received == [f"MVL{n % 0x50:02X}" for n in range(COMMANDS)]
        started = time.perf_counter()
        for _ in range(20):
            await client.query("PWR")
        round_trip = (time.perf_counter() - started) / 20 * 1000 - 50  # minus the pacing gap
    print(
        f"pacing: {COMMANDS} commands queued at once, delivered in {elapsed:.2f} s, "
        f"in order: {in_order}"
    )
    print(
        f"  gap at the device: mean {statistics.mean(gaps):.1f} ms, "
        f"min {min(gaps):.1f} ms, max {max(gaps):.1f} ms (the device needs >= 50 ms)"
    )
    print(f"  query round trip beyond pacing: {max(round_trip, 0):.2f} ms")


if __name__ == "__main__":
    bench_decoder()
    asyncio.run(bench_pacing())

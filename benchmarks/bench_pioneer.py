"""The legacy Pioneer driver: line decode and parse throughput, pacing, push latency.

Run: .venv/bin/python benchmarks/bench_pioneer.py
"""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path
import statistics
import sys
import time

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from custom_components.onkyo_eiscp.eiscp.messages import Message, Volume
from custom_components.onkyo_eiscp.eiscp.pioneer import Client, LineDecoder, parse
from virtual_receiver.pioneer import VirtualPioneer

CHUNK = 4096
REPEAT = 20000
COMMANDS = 30
PUSHES = 200

LINES = [
    "PWR0", "VOL121", "MUT1", "FN25", "SR0005", "APR0", "ZV41", "Z2F04", "Z2MUT1",
    "FL022020204361626C6520202020", "RGB191Apple TV", "R", "E04",
]  # fmt: skip


def bench_decoder() -> None:
    """Decode and parse a mix of status lines many times over."""
    stream = b"".join(line.encode() + b"\r\n" for line in LINES) * REPEAT
    count = len(LINES) * REPEAT
    decoder = LineDecoder()
    started = time.perf_counter()
    lines: list[str] = []
    for offset in range(0, len(stream), CHUNK):
        lines += decoder.feed(stream[offset : offset + CHUNK])
    decode_s = time.perf_counter() - started
    assert len(lines) == count
    started = time.perf_counter()
    for line in lines:
        parse(line)
    parse_s = time.perf_counter() - started
    print(f"pioneer decoder: {count} lines, {len(stream) / 1e6:.1f} MB in {CHUNK}-byte reads")
    print(f"  decode          {count / decode_s:>12,.0f} lines/s")
    print(f"  parse           {count / parse_s:>12,.0f} messages/s")


async def bench_connection() -> None:
    """Pacing at the device, query round trip, and front panel -> listener latency."""
    async with VirtualPioneer() as receiver, Client(receiver.host, receiver.port) as client:
        receiver.press("PO")
        started = time.perf_counter()
        await asyncio.gather(*(client.send(f"{n:03d}VL") for n in range(COMMANDS)))
        elapsed = time.perf_counter() - started
        gaps = [(b - a) * 1000 for a, b in itertools.pairwise(receiver.received_at)]
        in_order = receiver.received == [f"{n:03d}VL" for n in range(COMMANDS)]
        started = time.perf_counter()
        for _ in range(10):
            await client.query("PWR")
        round_trip = (time.perf_counter() - started) / 10 * 1000 - 100  # minus the pacing
        arrived: asyncio.Queue[float] = asyncio.Queue()

        def heard(message: Message) -> None:
            if isinstance(message, Volume):
                arrived.put_nowait(time.perf_counter())

        client.add_message_listener(heard)
        latencies = []
        for n in range(PUSHES):
            sent = time.perf_counter()
            receiver.press(f"{n % 180:03d}VL")
            latencies.append((await arrived.get() - sent) * 1e6)
    print(
        f"pioneer pacing: {COMMANDS} commands queued at once, {elapsed:.2f} s, in order: {in_order}"
    )
    print(
        f"  gap at the device: mean {statistics.mean(gaps):.1f} ms, min {min(gaps):.1f} ms "
        "(aiopioneer's tested spacing: 100 ms)"
    )
    print(f"  query round trip beyond pacing: {max(round_trip, 0):.2f} ms")
    print(
        f"  push to listener: median {statistics.median(latencies):.0f} us, "
        f"p95 {statistics.quantiles(latencies, n=20)[-1]:.0f} us over {PUSHES} pushes"
    )


if __name__ == "__main__":
    bench_decoder()
    asyncio.run(bench_connection())

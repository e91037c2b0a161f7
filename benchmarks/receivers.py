"""Host many virtual receivers in one process, for the scale benchmark.

``python -m benchmarks.receivers --count 20`` serves receivers on 127.77.0.1:60128,
127.77.0.2:60128, ... (the built-in integration only connects to port 60128), each with
its three zones on and on the network input, the player stopped. It prints ``ready``,
then reads commands from stdin, one a line, and answers each with ``ok``:

- ``play``: every receiver plays its long track (NST, then NTM every second).
- ``quiet``: every receiver stops its player (nothing pushed any more).
- ``quit``: stop serving and exit.

Running them in their own process keeps their CPU out of Home Assistant's figures.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from pathlib import Path
import sys

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from virtual_receiver import Track, VirtualReceiver

# The built-in integration only connects to port 60128; each receiver gets an address.
CORE_PORT = 60128

LONG_TRACK = Track("Long Player", "The Loopback Quartet", "Local Hosts", 59 * 60)


def loopback(index: int) -> str:
    """The loopback address of virtual receiver ``index`` (0-based): 127.77.0.1, ..."""
    return f"127.77.{index // 250}.{index % 250 + 1}"


def _ready_to_play(receiver: VirtualReceiver) -> None:
    """Every zone on, on the network input, a long track loaded and stopped."""
    for message in ("PWR01", "SLI2B", "ZPW01", "SLZ2B", "PW301", "SL32B"):
        receiver.press(message)
    track = LONG_TRACK
    receiver.set_now_playing(
        track.title, track.artist, track.album, duration=track.duration, play="S"
    )


async def serve(count: int, profile: str) -> None:
    """Serve ``count`` receivers and follow stdin's commands until ``quit`` or EOF."""
    receivers = [
        VirtualReceiver(
            profile, host=loopback(i), port=CORE_PORT, identifier=f"0009B0{0xA00000 + i:06X}"
        )
        for i in range(count)
    ]
    async with contextlib.AsyncExitStack() as stack:
        for receiver in receivers:
            await stack.enter_async_context(receiver)
            _ready_to_play(receiver)
        loop = asyncio.get_running_loop()
        stdin = asyncio.StreamReader()
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stdin), sys.stdin)
        print("ready", flush=True)
        while line := (await stdin.readline()).decode().strip():
            if line == "quit":
                break
            for i, receiver in enumerate(receivers):
                if line == "play":  # only NST and then NTM every second are pushed
                    receiver.press("NTCPLAY")
                    # Spread the receivers' ticks over the second, as real devices are.
                    await asyncio.sleep(1 / count if i < count - 1 else 0)
                elif line == "quiet":
                    receiver.press("NTCSTOP")
            print("ok", flush=True)


def main() -> None:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--profile", default="TX-NR797")
    args = parser.parse_args()
    asyncio.run(serve(args.count, args.profile))


if __name__ == "__main__":
    main()

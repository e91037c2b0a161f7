"""Browsing figures: list a 1,000-item folder, play a stored content id, with 50 ms pacing.

Each figure is from a fresh navigator (as after a Home Assistant restart) with the device
moved elsewhere first by another controller, through a Client with the device's 50 ms
pacing, against the virtual receiver on loopback. Goal (issue 10): the 1,000-item folder
lists in under 3 s. Older firmware (NLS lines only) pays one paced key press per item it
scrolls past; its figures are for the first 100 items, and for items 901-1,000 read as the
10th page of 100 by a navigator that read the 9 pages before it (as the media browser's
"next page" links do): the items read stay known, so a later page costs only its own
scrolling (before, each page walked the list again from its top).

Run: .venv/bin/python benchmarks/bench_browse.py
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
import statistics
import sys
import time

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from custom_components.onkyo_eiscp.eiscp.client import Client
from custom_components.onkyo_eiscp.eiscp.lists import ListNavigator
from virtual_receiver import VirtualReceiver

RUNS = 5
BIG_FOLDER = "eiscp:nsv:F0/Big%20Folder"
STORED = {
    "track 1,000 of the 1,000-item folder": f"{BIG_FOLDER}/Track%201000",
    "a TuneIn station, 2 folders deep": "eiscp:nsv:0E/Music/Jazz/Jazz%20FM",
    "a search result (search, then play)": (
        "eiscp:nsv:0E/Music/Search%20Stations/?jazz/Radio%20Swiss%20Jazz"
    ),
}


async def _timed(
    receiver: VirtualReceiver, client: Client, action: Callable[[ListNavigator], Awaitable[object]]
) -> float:
    """One run: another controller moves the device away, then a fresh navigator acts."""
    async with Client(receiver.host, receiver.port, pacing=0.0) as phone:
        await phone.send("NSV000")
        await phone.query("NLT")
    navigator = ListNavigator(client)
    try:
        started = time.perf_counter()
        figure = await action(navigator)
        return figure if isinstance(figure, float) else time.perf_counter() - started
    finally:
        navigator.close()


def _line(what: str, times: list[float], goal: float | None = None) -> None:
    median = statistics.median(times)
    verdict = (
        "" if goal is None else f"  (goal < {goal:.0f} s: {'met' if median < goal else 'NOT met'})"
    )
    print(f"  {what:<44} median {median:6.2f} s  min {min(times):6.2f} s{verdict}")


PAGING_RUNS = 2  # each reads the whole folder, a paced key press per item


async def _tenth_page(navigator: ListNavigator) -> float:
    """Page through the folder 100 items at a time; the time of the 10th page alone."""
    for start in range(0, 900, 100):
        await navigator.browse(BIG_FOLDER, start=start, count=100)
    started = time.perf_counter()
    page = await navigator.browse(BIG_FOLDER, start=900, count=100)
    assert page.items[-1].title == "Track 1000"
    return time.perf_counter() - started


async def bench(lines_only: bool) -> None:
    """Every figure for one list protocol."""
    async with (
        VirtualReceiver("TX-NR686", tick=0.05, lines_only=lines_only) as receiver,
        Client(receiver.host, receiver.port) as client,  # the device's 50 ms pacing
    ):
        for message in receiver.device.power_on_net():
            receiver.push(message)
        if lines_only:
            print("NLS lines (older firmware), 50 ms pacing:")
            times = [
                await _timed(receiver, client, lambda n: n.browse(BIG_FOLDER, count=100))
                for _ in range(RUNS)
            ]
            _line("list the first 100 of 1,000 items", times)
            times = [await _timed(receiver, client, _tenth_page) for _ in range(PAGING_RUNS)]
            _line("then items 901-1,000 (the 10th page of 100)", times)
        else:
            print("NLA (XML lists), 50 ms pacing:")
            counts: list[int] = []

            async def list_all(navigator: ListNavigator) -> None:
                counts.append(len((await navigator.browse(BIG_FOLDER)).items))

            times = [await _timed(receiver, client, list_all) for _ in range(RUNS)]
            assert set(counts) == {1000}
            _line("list a 1,000-item folder (all items)", times, goal=3.0)
        for what, stored in STORED.items():
            if lines_only and "1,000" in what:
                continue  # one paced DOWN per item scrolled past: ~50 s
            times = []
            for _ in range(RUNS):
                times.append(await _timed(receiver, client, lambda n, s=stored: n.play(s)))
                assert receiver.state.net.play == "P"
            _line(f"play {what}", times)


if __name__ == "__main__":
    asyncio.run(bench(lines_only=False))
    asyncio.run(bench(lines_only=True))

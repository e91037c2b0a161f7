"""Soak: 1,000 drop/reconnect cycles against one virtual receiver, at both levels.

Library: one ``Client``; each cycle queues two sends (the second one waits for the
50 ms pacing) and then the receiver drops the connection; the cycle ends when the
client has reconnected. The sends are not awaited by the cycle: a send that is never
settled shows as a task still pending at the end.

Home Assistant: one config entry of onkyo_eiscp; each cycle the receiver drops the
connection, and the cycle ends when the client has reconnected and the coordinator has
started its reconnect queries (so every cycle drops a connection with queries pending).

Printed at the baseline (after 20 warm-up cycles) and after the cycles: asyncio tasks,
listeners (the client's, the coordinator's, Home Assistant's bus), memory allocated by
Python (tracemalloc, which is on for the whole run) and the process's RSS.
Run: scripts/bench soak
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
import gc
from pathlib import Path
import time
import tracemalloc

from custom_components.onkyo_eiscp import speaker
from custom_components.onkyo_eiscp.eiscp.client import Client
from homeassistant.core import HomeAssistant
from virtual_receiver import VirtualReceiver

from .common import ours_entry

CYCLES = 1000
WARM_UP = 20


@dataclass(slots=True)
class Counts:
    """What a connection leaves behind."""

    tasks: int
    pending_sends: int | None  # None: not tracked (through Home Assistant)
    listeners: dict[str, int]
    traced_kb: float
    rss_kb: int

    def row(self, label: str) -> str:
        """One printed line."""
        listeners = ", ".join(f"{k} {v}" for k, v in self.listeners.items())
        sends = "" if self.pending_sends is None else f"stuck sends {self.pending_sends:4}  "
        return (
            f"  {label:10}tasks {self.tasks:4}  {sends}"
            f"traced {self.traced_kb:9.1f} KB  RSS {self.rss_kb:7d} KB  listeners: {listeners}"
        )


def _rss_kb() -> int:
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _client_listeners(client: Client) -> dict[str, int]:
    # Private lists: the client has no public count of its listeners.
    return {
        "message": len(client._message_listeners),  # noqa: SLF001 - counted, not used
        "batch": len(client._batch_listeners),  # noqa: SLF001 - counted, not used
        "connection": len(client._connection_listeners),  # noqa: SLF001 - counted, not used
        "waiters": sum(len(w) for w in client._waiters.values()),  # noqa: SLF001 - counted
    }


def _counts(listeners: dict[str, int], sends: set[asyncio.Task[None]] | None) -> Counts:
    gc.collect()
    return Counts(
        tasks=len(asyncio.all_tasks()),
        pending_sends=None if sends is None else sum(not task.done() for task in sends),
        listeners=listeners,
        traced_kb=tracemalloc.get_traced_memory()[0] / 1024,
        rss_kb=_rss_kb(),
    )


class Reconnects:
    """Counts a client's reconnects and lets a cycle wait for the next one."""

    def __init__(self, client: Client) -> None:
        self.up = asyncio.Event()
        self.stop: Callable[[], None] = client.add_connection_listener(self._changed)

    def _changed(self, connected: bool) -> None:
        if connected:
            self.up.set()
        else:
            self.up.clear()

    async def cycle(self, receiver: VirtualReceiver) -> None:
        """Drop the connection at the receiver; wait for the reconnect."""
        self.up.clear()
        await receiver.drop_clients()
        async with asyncio.timeout(5):
            await self.up.wait()


def _report(title: str, before: Counts, after: Counts, seconds: float) -> None:
    print(f"\n{title}: {CYCLES} drop/reconnect cycles in {seconds:.1f} s")
    print(before.row("baseline"))
    print(after.row("after"))
    per_cycle = (after.traced_kb - before.traced_kb) * 1024 / CYCLES
    stuck = (after.pending_sends or 0) - (before.pending_sends or 0)
    print(
        f"  growth: tasks {after.tasks - before.tasks:+d}, stuck sends {stuck:+d}, traced "
        f"memory {per_cycle:+.0f} bytes per cycle, RSS {after.rss_kb - before.rss_kb:+d} KB"
    )
    back = (
        after.tasks <= before.tasks
        and stuck <= 0
        and after.listeners == before.listeners
        and per_cycle < 100
    )
    print(
        f"  GOAL soak: {'MET' if back else 'NOT MET'} (tasks, listeners and memory back to "
        "their baseline; memory: under 100 bytes per cycle)"
    )


async def _library_soak() -> None:
    async with VirtualReceiver("TX-NR686") as receiver:
        client = Client(receiver.host, receiver.port, keepalive_idle=3600)
        await client.connect()
        reconnects = Reconnects(client)
        sends: set[asyncio.Task[None]] = set()

        async def send(message: str) -> None:
            try:
                await client.send(message)
            except Exception:  # noqa: BLE001 - a failed send is settled, which is fine
                return

        async def cycle() -> None:
            for message in ("MVLUP", "MVLDOWN"):
                task = asyncio.create_task(send(message))
                sends.add(task)  # kept while pending: a settled send is forgotten
                task.add_done_callback(sends.discard)
            await asyncio.sleep(0)  # both are queued; the first one is being written
            await reconnects.cycle(receiver)

        for _ in range(WARM_UP):
            await cycle()
        await asyncio.sleep(0.2)
        before = _counts(_client_listeners(client), sends)
        started = time.perf_counter()
        for _ in range(CYCLES):
            await cycle()
        seconds = time.perf_counter() - started
        await asyncio.sleep(0.5)  # let what can settle settle
        after = _counts(_client_listeners(client), sends)
        reconnects.stop()
        await client.close()
        stuck = list(sends)
        for task in stuck:
            task.cancel()
        await asyncio.gather(*stuck, return_exceptions=True)
    _report("Soak, library (Client)", before, after, seconds)


async def _ha_soak(hass: HomeAssistant) -> None:
    async with VirtualReceiver("TX-NR686") as receiver:
        receiver.press("PWR01")
        entry = ours_entry(receiver.host, receiver.port, receiver.identifier)
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        await asyncio.sleep(1.5)  # setup's queries
        coordinator = entry.runtime_data
        reconnects = Reconnects(coordinator.client)

        def listeners() -> dict[str, int]:
            found = _client_listeners(coordinator.client)
            found["coordinator"] = sum(
                len(callbacks)
                for callbacks in coordinator._listeners.values()  # noqa: SLF001 - counted
            )
            found["bus"] = sum(hass.bus.async_listeners().values())
            return found

        # Each reconnect may start a search for the device's renderer (one at a time, over
        # in SEARCH_TIMEOUT when nothing answers): count tasks once it is over, both times.
        settled = max(1.5, speaker.SEARCH_TIMEOUT + 0.5)
        for _ in range(WARM_UP):
            await reconnects.cycle(receiver)
            await asyncio.sleep(0)
        await asyncio.sleep(settled)
        before = _counts(listeners(), None)
        started = time.perf_counter()
        for _ in range(CYCLES):
            await reconnects.cycle(receiver)
            await asyncio.sleep(0)  # the coordinator's reconnect queries start
        seconds = time.perf_counter() - started
        await asyncio.sleep(settled)  # the last reconnect's queries and renderer search
        after = _counts(listeners(), None)
        reconnects.stop()
        assert await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()
    _report("Soak, Home Assistant (onkyo_eiscp entry)", before, after, seconds)


async def test_soak(hass: HomeAssistant) -> None:
    """Print the figures (a benchmark: it asserts nothing)."""
    tracemalloc.start()
    try:
        await _library_soak()
        await _ha_soak(hass)
    finally:
        tracemalloc.stop()

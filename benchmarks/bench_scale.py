"""Scale: one Home Assistant with 20 receivers of 3 zones each, a track playing on all.

Method. A separate process (``benchmarks/receivers.py``) serves 20 virtual TX-NR797s
(three zones each, all on the network input), so their CPU is not counted. For each
integration in turn, Home Assistant sets up 20 config entries, one per receiver, and
waits until all 60 zone players show a state. Then two windows are measured on the
event loop's thread with ``time.thread_time()`` (the CPU time of that thread only; the
process's CPU over all threads, ``time.process_time()``, is printed beside it):

1. idle: the receivers are quiet (players stopped, nothing pushed), IDLE_S seconds;
2. busy: every receiver plays a long track, pushing NTM (the play time) every second to
   all three zones; measured BUSY_S seconds after SETTLE_S seconds of settling.

The figure is the busy window's CPU rate minus the idle one's, per device-second:
``(busy_cpu / busy_s - idle_cpu / idle_s) / 20``, in microseconds. Both integrations
run in the same pytest process, one after the other. Run: scripts/bench scale
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
import sys
import time

from homeassistant.const import EVENT_HOMEASSISTANT_FINAL_WRITE, EVENT_STATE_CHANGED
from homeassistant.core import Event, HomeAssistant, callback

from .common import (
    OURS,
    Figure,
    ZonesShown,
    core_entry,
    goal,
    ours_entry,
    profiled,
    profiling,
    table,
)
from .receivers import CORE_PORT, loopback

COUNT = 20
ZONES = 3
MODEL = "TX-NR797"
IDLE_S = 6.0
BUSY_S = 10.0
# The built-in integration asks for audio/video information 8 s after setup's updates.
SETUP_SETTLE_S = 9.0
PLAY_SETTLE_S = 2.0
ROOT = Path(__file__).resolve().parent.parent


@dataclass(slots=True)
class Window:
    """CPU seconds spent over a measured window."""

    seconds: float
    loop_cpu: float
    process_cpu: float
    state_writes: int
    messages: int

    def per_device_us(self, cpu: float) -> float:
        """CPU per device-second, in microseconds."""
        return cpu / self.seconds / COUNT * 1e6


class Receivers:
    """The receivers' process, driven through its stdin."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self._process = process

    @classmethod
    async def start(cls) -> Receivers:
        """Start serving COUNT receivers."""
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "benchmarks.receivers",
            "--count",
            str(COUNT),
            "--profile",
            MODEL,
            cwd=ROOT,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        receivers = cls(process)
        await receivers._answer("ready")
        return receivers

    async def _answer(self, expected: str) -> None:
        assert self._process.stdout is not None
        async with asyncio.timeout(30):
            line = (await self._process.stdout.readline()).decode().strip()
        assert line == expected, f"receivers said {line!r}, not {expected!r}"

    async def command(self, command: str) -> None:
        """Send a command (play, quiet) and wait until it is done."""
        assert self._process.stdin is not None
        self._process.stdin.write(f"{command}\n".encode())
        await self._process.stdin.drain()
        await self._answer("ok")

    async def stop(self) -> None:
        """Stop the process."""
        assert self._process.stdin is not None
        self._process.stdin.write(b"quit\n")
        await self._process.stdin.drain()
        self._process.stdin.close()
        async with asyncio.timeout(10):
            await self._process.wait()


def _messages_in(hass: HomeAssistant) -> int:
    return sum(
        entry.runtime_data.client.stats.messages_in
        for entry in hass.config_entries.async_loaded_entries(OURS)
    )


async def _window(hass: HomeAssistant, seconds: float) -> Window:
    writes = 0

    @callback
    def count(event: Event) -> None:
        nonlocal writes
        writes += 1

    stop = hass.bus.async_listen(EVENT_STATE_CHANGED, count)
    messages = _messages_in(hass)
    loop = asyncio.get_running_loop()
    wall, thread, process = loop.time(), time.thread_time(), time.process_time()
    await asyncio.sleep(seconds)
    window = Window(
        seconds=loop.time() - wall,
        loop_cpu=time.thread_time() - thread,
        process_cpu=time.process_time() - process,
        state_writes=writes,
        messages=_messages_in(hass) - messages,
    )
    stop()
    return window


async def _settle(hass: HomeAssistant, seconds: float) -> None:
    """Let setup's or playback's queries finish; write the registries setup changed now.

    Home Assistant saves its registries 10 s after a change; left alone, the save of 60
    new entities' registry lands in a measured window.
    """
    await asyncio.sleep(seconds)
    hass.bus.async_fire(EVENT_HOMEASSISTANT_FINAL_WRITE)
    await hass.async_block_till_done()


async def _measure(hass: HomeAssistant, receivers: Receivers, side: str) -> tuple[Window, Window]:
    entries = []
    for i in range(COUNT):
        identifier = f"0009B0{0xA00000 + i:06X}"
        entry = (
            ours_entry(loopback(i), CORE_PORT, identifier)
            if side == "ours"
            else core_entry(loopback(i), identifier, f"{MODEL} {i + 1}")
        )
        entry.add_to_hass(hass)
        entries.append(entry)
    shown = [ZonesShown(hass, entry.entry_id, ZONES) for entry in entries]
    results = await asyncio.gather(
        *(hass.config_entries.async_setup(entry.entry_id) for entry in entries)
    )
    assert all(results)
    for zones in shown:
        await zones.wait(30)
    await _settle(hass, SETUP_SETTLE_S)
    idle = await _window(hass, IDLE_S)
    if profiling():
        with profiled(f"scale_idle_{side}"):
            await asyncio.sleep(IDLE_S)
    await receivers.command("play")
    await _settle(hass, PLAY_SETTLE_S)
    busy = await _window(hass, BUSY_S)
    if profiling():  # an extra window: the profiler's own cost stays out of the figures
        with profiled(f"scale_{side}"):
            await asyncio.sleep(BUSY_S)
    await receivers.command("quiet")
    for entry in entries:
        assert await hass.config_entries.async_unload(entry.entry_id)
        await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    await asyncio.sleep(1)
    return idle, busy


async def test_scale(hass: HomeAssistant) -> None:
    """Print the figures (a benchmark: it asserts nothing about speed)."""
    receivers = await Receivers.start()
    try:
        ours = await _measure(hass, receivers, "ours")
        core = await _measure(hass, receivers, "core")
    finally:
        await receivers.stop()

    def net(windows: tuple[Window, Window], loop: bool) -> float:
        idle, busy = windows
        if loop:
            return busy.per_device_us(busy.loop_cpu) - idle.per_device_us(idle.loop_cpu)
        return busy.per_device_us(busy.process_cpu) - idle.per_device_us(idle.process_cpu)

    table(
        f"Scale: {COUNT} x {MODEL} ({ZONES} zones), a track playing on each (NTM every second)",
        [
            Figure("loop CPU per device-second, net (us)", net(ours, True), net(core, True)),
            Figure("process CPU per device-second, net (us)", net(ours, False), net(core, False)),
            Figure(
                "loop CPU per device-second, busy (us)",
                ours[1].per_device_us(ours[1].loop_cpu),
                core[1].per_device_us(core[1].loop_cpu),
            ),
            Figure(
                "loop CPU per device-second, idle (us)",
                ours[0].per_device_us(ours[0].loop_cpu),
                core[0].per_device_us(core[0].loop_cpu),
            ),
            Figure(
                "state writes per second, busy",
                ours[1].state_writes / ours[1].seconds,
                core[1].state_writes / core[1].seconds,
            ),
        ],
    )
    print(
        f"  messages received by onkyo_eiscp per second, busy: "
        f"{ours[1].messages / ours[1].seconds:.1f} (idle {ours[0].messages / ours[0].seconds:.1f})"
    )
    print(
        f"  windows: idle {IDLE_S:.0f} s ({SETUP_SETTLE_S:.0f} s after setup), "
        f"busy {BUSY_S:.0f} s ({PLAY_SETTLE_S:.0f} s after play)"
    )
    ratio = net(ours, True) / net(core, True)
    goal(
        "scale loop CPU <= built-in",
        ratio <= 1.0,
        f"ratio {ratio:.2f}, {net(ours, True):.0f} us against {net(core, True):.0f} us "
        "per device-second",
    )

"""Push-to-state latency and state writes per burst: onkyo_eiscp vs Home Assistant's onkyo.

Both integrations run in one Home Assistant against the same virtual receiver, one
after the other, in one run; the figures are printed side by side with their ratio.
Core onkyo finds devices only on port 60128, so the virtual receiver listens there (on
loopback). Run: scripts/bench
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import statistics

from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, HomeAssistant, callback
from virtual_receiver import VirtualReceiver

PUSHES = 300
KNOB_BURST = 30


class Watch:
    """Counts an entity's state writes and signals each one."""

    def __init__(self, hass: HomeAssistant, entity_id: str) -> None:
        self.count = 0
        self.changed = asyncio.Event()

        @callback
        def listener(event: Event) -> None:
            if event.data["entity_id"] == entity_id:
                self.count += 1
                self.changed.set()

        self.stop: Callable[[], None] = hass.bus.async_listen(EVENT_STATE_CHANGED, listener)


async def _latencies(hass: HomeAssistant, receiver: VirtualReceiver, entity_id: str) -> list[float]:
    loop = asyncio.get_running_loop()
    watch = Watch(hass, entity_id)
    samples: list[float] = []
    for i in range(PUSHES):
        watch.changed.clear()
        receiver.press(f"MVL{0x20 + i % 2:02X}")
        started = loop.time()
        async with asyncio.timeout(5):
            await watch.changed.wait()
        samples.append(loop.time() - started)
        await asyncio.sleep(0.002)
    watch.stop()
    return samples


async def _burst_writes(hass: HomeAssistant, entity_id: str, push: Callable[[], object]) -> int:
    watch = Watch(hass, entity_id)
    result = push()
    if asyncio.iscoroutine(result):
        await result
    await asyncio.sleep(0.5)
    await hass.async_block_till_done()
    watch.stop()
    return watch.count


def _knob(receiver: VirtualReceiver) -> None:
    """Someone turns the volume knob: 30 steps in one go."""
    for step in range(KNOB_BURST):
        receiver.press(f"MVL{0x10 + step:02X}")


async def _measure(
    hass: HomeAssistant, entry: MockConfigEntry, receiver: VirtualReceiver, entity_id: str
) -> dict[str, float]:
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    async with asyncio.timeout(10):
        while hass.states.get(entity_id) is None or hass.states.get(entity_id).state != "on":
            await asyncio.sleep(0.02)
    await asyncio.sleep(1)  # let setup queries finish
    samples = await _latencies(hass, receiver, entity_id)
    knob = await _burst_writes(hass, entity_id, lambda: _knob(receiver))
    track = await _burst_writes(hass, entity_id, lambda: receiver.replay_track_change(time_scale=0))
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    ordered = sorted(samples)
    return {
        "median_ms": statistics.median(samples) * 1000,
        "p95_ms": ordered[int(len(ordered) * 0.95) - 1] * 1000,
        "knob_writes": knob,
        "track_writes": track,
    }


async def test_push_to_state(hass: HomeAssistant) -> None:
    """Print the figures (this is a benchmark: it asserts nothing about speed)."""
    async with VirtualReceiver("TX-NR686", port=60128) as receiver:
        receiver.press("PWR01")
        receiver.press("SLI2B")
        receiver.set_now_playing("Barbie Girl", "Aqua", "Aquarium", duration=197, track=3)
        ours = await _measure(
            hass,
            MockConfigEntry(
                domain="onkyo_eiscp",
                data={"host": "127.0.0.1", "port": receiver.port},
                unique_id=receiver.identifier,
            ),
            receiver,
            "media_player.onkyo_tx_nr686",
        )
        receiver.set_now_playing("Barbie Girl", "Aqua", "Aquarium", duration=197, track=3)
        core = await _measure(
            hass,
            MockConfigEntry(
                domain="onkyo",
                data={"host": "127.0.0.1"},
                unique_id=receiver.identifier,
                title="TX-NR686",
                options={
                    "volume_resolution": 80,
                    "max_volume": 100,
                    "input_sources": {"10": "BD/DVD", "2B": "NET"},
                    "listening_modes": {"00": "Stereo", "0C": "All Ch Stereo"},
                },
            ),
            receiver,
            "media_player.tx_nr686",
        )
    print(f"\nPush-to-state latency over {PUSHES} pushes, and state writes per burst")
    print(f"{'':34}{'onkyo_eiscp':>14}{'core onkyo':>14}{'ratio':>10}")
    for key, label in (
        ("median_ms", "latency median (ms)"),
        ("p95_ms", "latency p95 (ms)"),
        ("knob_writes", f"writes, {KNOB_BURST}-step volume burst"),
        ("track_writes", "writes, seed track-change burst"),
    ):
        ratio = core[key] / ours[key] if ours[key] else float("nan")
        print(f"{label:34}{ours[key]:>14.2f}{core[key]:>14.2f}{ratio:>9.2f}x")
    print("(ratio = core / ours: above 1 means onkyo_eiscp is faster or writes less)")

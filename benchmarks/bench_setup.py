"""Setup time: from ``async_setup(entry_id)`` to every zone's media player showing a state.

A sample starts at the call of ``hass.config_entries.async_setup(entry_id)`` and ends at
the ``state_changed`` event after which every enabled zone's media player of that entry
shows a real state (not unavailable, not unknown). Each integration has its own virtual
TX-NR686 (two zones), main zone playing. One warm-up setup each (imports, registries),
then RUNS setups each, alternating, unloading in between; the median is the figure.
Run: scripts/bench setup
"""

from __future__ import annotations

import asyncio
import statistics

from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.core import HomeAssistant
from virtual_receiver import VirtualReceiver

from .common import (
    Figure,
    ZonesShown,
    core_entry,
    goal,
    ours_entry,
    profiled,
    table,
)
from .receivers import CORE_PORT, loopback

RUNS = 9
ZONES = 2  # the TX-NR686 has two zones enabled
GOAL_S = 0.1


async def _setup_time(hass: HomeAssistant, entry: MockConfigEntry) -> float:
    loop = asyncio.get_running_loop()
    shown = ZonesShown(hass, entry.entry_id, ZONES)
    started = loop.time()
    assert await hass.config_entries.async_setup(entry.entry_id)
    elapsed = await shown.wait() - started
    await asyncio.sleep(1.2)  # let the rest of setup's queries finish before unloading
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    await asyncio.sleep(0.2)
    return elapsed


async def test_setup_time(hass: HomeAssistant) -> None:
    """Print the figures (a benchmark: it asserts nothing about speed)."""
    async with (
        VirtualReceiver("TX-NR686", host=loopback(0), port=CORE_PORT) as mine,
        VirtualReceiver(
            "TX-NR686", host=loopback(1), port=CORE_PORT, identifier="0009B0C0FFEE"
        ) as theirs,
    ):
        for receiver in (mine, theirs):
            receiver.press("PWR01")
            receiver.press("SLI2B")
            receiver.set_now_playing("Barbie Girl", "Aqua", "Aquarium", duration=197, track=3)
        ours = ours_entry(mine.host, mine.port, mine.identifier)
        core = core_entry(theirs.host, theirs.identifier, theirs.model)
        ours.add_to_hass(hass)
        core.add_to_hass(hass)
        cold = (await _setup_time(hass, ours), await _setup_time(hass, core))
        samples: dict[str, list[float]] = {"ours": [], "core": []}
        for _ in range(RUNS):
            samples["ours"].append(await _setup_time(hass, ours))
            samples["core"].append(await _setup_time(hass, core))
        with profiled("setup_ours"):
            await _setup_time(hass, ours)
        with profiled("setup_core"):
            await _setup_time(hass, core)

    median = (statistics.median(samples["ours"]), statistics.median(samples["core"]))
    table(
        f"Setup to every zone showing a state: median of {RUNS} setups each (s)",
        [
            Figure("setup median (s)", *median),
            Figure("setup min (s)", min(samples["ours"]), min(samples["core"])),
            Figure("setup max (s)", max(samples["ours"]), max(samples["core"])),
            Figure("first setup, cold (s)", *cold),
        ],
    )
    print(
        "  runs (ms): ours "
        + " ".join(f"{s * 1000:.0f}" for s in samples["ours"])
        + " | built-in "
        + " ".join(f"{s * 1000:.0f}" for s in samples["core"])
    )
    goal(
        f"setup median <= {GOAL_S} s",
        median[0] <= GOAL_S,
        f"{median[0]:.3f} s, built-in {median[1]:.3f} s",
    )

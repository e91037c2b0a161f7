"""What the benchmarks share: config entries for both integrations, waits, printing."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Iterator
import contextlib
import cProfile
from dataclasses import dataclass
import io
import os
from pathlib import Path
import pstats

from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.const import EVENT_STATE_CHANGED, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er

OURS = "onkyo_eiscp"
CORE = "onkyo"


def ours_entry(host: str, port: int, identifier: str) -> MockConfigEntry:
    """A config entry of onkyo_eiscp, as its config flow creates it."""
    return MockConfigEntry(
        domain=OURS, data={"host": host, "port": port}, unique_id=identifier, title=identifier
    )


def core_entry(host: str, identifier: str, model: str) -> MockConfigEntry:
    """A config entry of the built-in onkyo integration, as its config flow creates it."""
    return MockConfigEntry(
        domain=CORE,
        data={"host": host},
        unique_id=identifier,
        title=model,
        options={
            "volume_resolution": 80,
            "max_volume": 100,
            "input_sources": {"10": "BD/DVD", "2B": "NET"},
            "listening_modes": {"00": "Stereo", "0C": "All Ch Stereo"},
        },
    )


def shown(state: str | None) -> bool:
    """Whether an entity shows a real state (not unavailable or unknown)."""
    return state is not None and state not in (STATE_UNAVAILABLE, STATE_UNKNOWN)


class ZonesShown:
    """Signals when ``zones`` media players of a config entry all show a real state.

    Listens to every state change from its creation, so nothing is missed between the
    start of a setup and the wait.
    """

    def __init__(self, hass: HomeAssistant, entry_id: str, zones: int) -> None:
        self._hass = hass
        self._entry_id = entry_id
        self._zones = zones
        self._shown: set[str] = set()
        self.at: float | None = None
        self.done = asyncio.Event()
        self._stop: Callable[[], None] = hass.bus.async_listen(EVENT_STATE_CHANGED, self._changed)

    @callback
    def _changed(self, event: Event) -> None:
        entity_id: str = event.data["entity_id"]
        if not entity_id.startswith("media_player.") or self.done.is_set():
            return
        entity = er.async_get(self._hass).async_get(entity_id)
        if entity is None or entity.config_entry_id != self._entry_id:
            return
        new_state = event.data["new_state"]
        if new_state is not None and shown(new_state.state):
            self._shown.add(entity_id)
        else:
            self._shown.discard(entity_id)
        if len(self._shown) >= self._zones:
            self.at = asyncio.get_running_loop().time()
            self.done.set()

    async def wait(self, timeout: float = 15.0) -> float:
        """Wait until every zone shows a real state; when that happened (loop time)."""
        try:
            async with asyncio.timeout(timeout):
                await self.done.wait()
        finally:
            self._stop()
        assert self.at is not None
        return self.at


@dataclass(slots=True)
class Figure:
    """One measured figure, ours beside the built-in integration's."""

    label: str
    ours: float
    core: float | None = None
    unit: str = ""

    def line(self) -> str:
        """The figure as one table row: ours, built-in, ratio ours/built-in."""
        core = "-" if self.core is None else f"{self.core:.3f}"
        ratio = f"{self.ours / self.core:.2f}x" if self.core else "-"
        return f"  {self.label:44}{self.ours:>12.3f}{core:>12}{ratio:>9}  {self.unit}"


def table(title: str, figures: Iterable[Figure]) -> None:
    """Print figures as a table: ours, the built-in integration's, ratio ours/built-in."""
    print(f"\n{title}")
    print(f"  {'':44}{'onkyo_eiscp':>12}{'built-in':>12}{'ratio':>9}")
    for figure in figures:
        print(figure.line())


def goal(name: str, met: bool, detail: str) -> None:
    """Print whether a goal is met, and by how much."""
    print(f"  GOAL {name}: {'MET' if met else 'NOT MET'} ({detail})")


def profiling() -> bool:
    """Whether BENCH_PROFILE asks for cProfile output."""
    return bool(os.environ.get("BENCH_PROFILE"))


@contextlib.contextmanager
def profiled(name: str) -> Iterator[None]:
    """Profile the block with cProfile when BENCH_PROFILE names a directory.

    Writes ``<dir>/<name>.prof`` (open it with pstats or snakeviz) and prints the top
    functions by own time.
    """
    directory = os.environ.get("BENCH_PROFILE")
    if not directory:
        yield
        return
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        yield
    finally:
        profiler.disable()
        path = Path(directory) / f"{name}.prof"
        path.parent.mkdir(parents=True, exist_ok=True)
        profiler.dump_stats(path)
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
        print(f"\n  profile {name} -> {path}\n{out.getvalue()}")

"""Helpers for tests that wait on real sockets."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import contextlib
import socket
from typing import Any

from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, HomeAssistant, State, callback


async def until(predicate: Callable[[], object], timeout: float = 5.0) -> None:
    """Wait until ``predicate()`` is truthy (pushes travel over real sockets)."""
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.01)


async def state_until(
    hass: HomeAssistant, entity_id: str, predicate: Callable[[State], object], timeout: float = 5.0
) -> State:
    """Wait until the entity's state satisfies ``predicate``; return it."""

    def check() -> State | None:
        state = hass.states.get(entity_id)
        return state if state is not None and predicate(state) else None

    await until(check, timeout)
    state = check()
    assert state is not None
    return state


def free_port() -> int:
    """A TCP port on loopback that nothing listens on."""
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class StateWrites:
    """Counts state writes (state_changed events) of one entity."""

    def __init__(self, hass: HomeAssistant, entity_id: str) -> None:
        """Start counting."""
        self.events: list[Event] = []

        @callback
        def _listener(event: Event) -> None:
            if event.data["entity_id"] == entity_id:
                self.events.append(event)

        self._unsub = hass.bus.async_listen(EVENT_STATE_CHANGED, _listener)

    @property
    def count(self) -> int:
        """Writes so far."""
        return len(self.events)

    def stop(self) -> None:
        """Stop counting."""
        self._unsub()


async def not_eiscp_server() -> asyncio.Server:
    """A TCP server on loopback that answers whatever it is sent, but not in eISCP."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError):
            while await reader.read(4096):
                writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                await writer.drain()
        writer.close()

    return await asyncio.start_server(handle, "127.0.0.1", 0)


def nri_storage_key(identifier: str) -> str:
    """Where the integration saves the NRI of device ``identifier``."""
    return f"onkyo_eiscp.nri.{identifier}"


def save_nri(hass_storage: dict[str, Any], identifier: str, xml: str) -> None:
    """Save ``xml`` as device ``identifier``'s NRI, as the config flow does."""
    hass_storage[nri_storage_key(identifier)] = {
        "version": 1,
        "minor_version": 1,
        "key": nri_storage_key(identifier),
        "data": {"nri": xml},
    }

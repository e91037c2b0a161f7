"""Fixtures for the Home Assistant side: a virtual receiver and a config entry for it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Generator
import socket
from typing import Any
from unittest.mock import PropertyMock, patch

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion

from custom_components.onkyo_eiscp import speaker as speaker_module
from custom_components.onkyo_eiscp.const import DOMAIN
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from tests.conftest import ESCAPED, LISTENER_RAISED, watch_escaped_exceptions
from virtual_receiver import VirtualReceiver

DEFAULT_PROFILE = "TX-NR686"


@pytest.fixture(autouse=True)
def _custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load custom_components/onkyo_eiscp."""


@pytest.fixture(autouse=True)
def _nothing_escapes() -> Generator[None]:
    """Every Home Assistant test fails if an exception escaped, a listener's included."""
    with watch_escaped_exceptions(ESCAPED + LISTENER_RAISED) as escaped:
        yield
    assert not escaped.messages, escaped.messages


@pytest.fixture(autouse=True)
def _fast_pacing() -> Generator[None]:
    """Write to the virtual receivers 5 ms apart, not 50 or 100 ms.

    The virtual receivers keep up with any pace; pacing itself is the library's and is
    tested there (tests/library). Without this, every setup's queries take about 2.5 s.
    """
    with (
        patch("custom_components.onkyo_eiscp.PACING", 0.005),
        patch("custom_components.onkyo_eiscp.PIONEER_PACING", 0.01),
    ):
        yield


@pytest.fixture(autouse=True)
def _ssdp_port() -> Generator[None]:
    """Send the renderer's unicast M-SEARCH to a loopback UDP port held silent, not 1900.

    A developer's virtual receiver (scripts/develop) may answer on 1900. Test modules
    that serve a renderer override this fixture by its name.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        with (
            patch.object(speaker_module, "SSDP_PORT", sock.getsockname()[1]),
            patch.object(speaker_module, "SEARCH_TIMEOUT", 0.3),
        ):
            yield


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Snapshots that serialize Home Assistant objects without volatile fields."""
    return snapshot.use_extension(HomeAssistantSnapshotExtension)


@pytest.fixture
def entity_registry_enabled_by_default() -> Generator[None]:
    """Create entities that are disabled by default as enabled."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        return_value=True,
        new_callable=PropertyMock,
    ):
        yield


@pytest.fixture
def profile(request: pytest.FixtureRequest) -> str:
    """The virtual receiver's profile (parametrize ``profile`` to change it)."""
    return getattr(request, "param", DEFAULT_PROFILE)


@pytest.fixture
def receiver_options(request: pytest.FixtureRequest) -> dict[str, Any]:
    """Extra VirtualReceiver options (parametrize ``receiver_options`` to set them)."""
    return dict(getattr(request, "param", {}))


@pytest.fixture
async def receiver(
    profile: str, receiver_options: dict[str, Any]
) -> AsyncGenerator[VirtualReceiver]:
    """A running virtual receiver on loopback."""
    async with VirtualReceiver(profile, tick=0.05, **receiver_options) as vr:
        yield vr


async def settle(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Wait until the setup queries are answered and their state is written.

    Replies come back in order on one connection, so once a final query is answered,
    every earlier one is too.
    """
    coordinator = entry.runtime_data
    async with asyncio.timeout(5):
        while coordinator._background:
            await asyncio.sleep(0.01)
    await coordinator.client.query("PWR")
    await hass.async_block_till_done()


@pytest.fixture
async def settled(hass: HomeAssistant, init_integration: MockConfigEntry) -> MockConfigEntry:
    """The integration set up, with every setup query answered (for snapshots)."""
    await settle(hass, init_integration)
    return init_integration


@pytest.fixture
def config_entry(receiver: VirtualReceiver) -> MockConfigEntry:
    """A config entry for the virtual receiver."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=f"Onkyo {receiver.model}",
        data={CONF_HOST: receiver.host, CONF_PORT: receiver.port},
        unique_id=receiver.identifier,
    )


@pytest.fixture
async def init_integration(
    hass: HomeAssistant, config_entry: MockConfigEntry, receiver: VirtualReceiver
) -> AsyncGenerator[MockConfigEntry]:
    """The integration set up against the virtual receiver, with its first state read."""
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    yield config_entry
    if config_entry.state.recoverable:
        await hass.config_entries.async_unload(config_entry.entry_id)
        await hass.async_block_till_done()

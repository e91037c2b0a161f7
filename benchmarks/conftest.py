"""Benchmarks run under the Home Assistant test harness, on loopback only."""

from __future__ import annotations

import asyncio

import pytest
import pytest_socket

import custom_components  # noqa: F401 - must come before Home Assistant's loader runs


@pytest.fixture(autouse=True)
def _loopback_only(socket_enabled: None, enable_custom_integrations: None) -> None:
    # The whole of 127.0.0.0/8: the scale benchmark gives each virtual receiver its own
    # loopback address, because the built-in integration only talks to port 60128.
    pytest_socket.socket_allow_hosts(["127.0.0.0/8", "::1", "localhost"])


@pytest.fixture(autouse=True)
async def enable_event_loop_debug() -> None:
    """Replace the harness's fixture of this name: measure a loop as Home Assistant runs it.

    The test harness turns asyncio's debug mode on, which makes every callback, task and
    socket operation slower than in a real Home Assistant.
    """
    asyncio.get_running_loop().set_debug(False)

"""Benchmarks run under the Home Assistant test harness, on loopback only."""

from __future__ import annotations

import pytest
import pytest_socket

import custom_components  # noqa: F401 - must come before Home Assistant's loader runs


@pytest.fixture(autouse=True)
def _loopback_only(socket_enabled: None, enable_custom_integrations: None) -> None:
    pytest_socket.socket_allow_hosts(["127.0.0.1", "::1", "localhost"])

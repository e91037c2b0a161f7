"""Fixtures shared by every test.

``custom_components`` must be imported before Home Assistant's loader runs, or the
loader finds the test plugin's own ``custom_components`` package and reports
"Integration not found".
"""

from __future__ import annotations

import pytest
import pytest_socket

import custom_components  # noqa: F401 - see the module docstring

LOOPBACK = ["127.0.0.1", "::1", "localhost"]


@pytest.fixture(autouse=True)
def _allow_loopback_sockets(socket_enabled: None) -> None:
    """Every test may use real sockets, but may connect to loopback addresses only."""
    pytest_socket.socket_allow_hosts(LOOPBACK)

"""Fixtures shared by every test.

``custom_components`` must be imported before Home Assistant's loader runs, or the
loader finds the test plugin's own ``custom_components`` package and reports
"Integration not found".
"""

from __future__ import annotations

from collections.abc import Generator
import gc
import logging

import pytest
import pytest_socket

import custom_components  # noqa: F401 - see the module docstring

LOOPBACK = ["127.0.0.1", "::1", "localhost"]
# What asyncio logs when an exception escaped: nobody retrieved it, or a pending task died.
ESCAPED = ("exception was never retrieved", "Task was destroyed but it is pending")


@pytest.fixture(autouse=True)
def _allow_loopback_sockets(socket_enabled: None) -> None:
    """Every test may use real sockets, but may connect to loopback addresses only."""
    pytest_socket.socket_allow_hosts(LOOPBACK)


@pytest.fixture
def no_escaped_exceptions(caplog: pytest.LogCaptureFixture) -> Generator[None]:
    """Fail the test if asyncio logged an exception nobody retrieved, or a pending task died."""
    caplog.set_level(logging.ERROR)
    yield
    gc.collect()
    records = [r for phase in ("setup", "call", "teardown") for r in caplog.get_records(phase)]
    escaped = [r.getMessage() for r in records if any(e in r.getMessage() for e in ESCAPED)]
    assert not escaped, escaped

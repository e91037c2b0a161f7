"""Fixtures shared by every test.

``custom_components`` must be imported before Home Assistant's loader runs, or the
loader finds the test plugin's own ``custom_components`` package and reports
"Integration not found".
"""

from __future__ import annotations

from collections.abc import Generator
import contextlib
import gc
import logging

import pytest
import pytest_socket

import custom_components  # noqa: F401 - see the module docstring

LOOPBACK = ["127.0.0.1", "::1", "localhost"]
# What asyncio logs when an exception escaped (lower case): nobody retrieved it, a pending
# task died, a callback raised, asyncio.run() met one at shutdown. Home Assistant's loop
# exception handler logs the same message after "Error doing job: ".
ESCAPED = (
    "exception was never retrieved",
    "task was destroyed but it is pending",
    "exception in callback",
    "unhandled exception",
)
# What aioeiscp's connection logs when one of its listeners raised. The library's own
# tests raise in listeners on purpose; in Home Assistant's it is a bug of ours (the
# coordinator or an entity failed on a message, which is then lost).
LISTENER_RAISED = (
    "error in a listener of",
    "error in a batch listener",
    "error in a connection listener",
)


@pytest.fixture(autouse=True)
def _allow_loopback_sockets(socket_enabled: None) -> None:
    """Every test may use real sockets, but may connect to loopback addresses only."""
    pytest_socket.socket_allow_hosts(LOOPBACK)


class EscapedExceptions(logging.Handler):
    """Collects, while on the root logger, the records that say an exception escaped."""

    def __init__(self, texts: tuple[str, ...] = ESCAPED) -> None:
        """Collect nothing yet; then the records that say one of ``texts``."""
        super().__init__(logging.DEBUG)
        self.texts = texts
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the message of ``record`` if it reports an escaped exception."""
        message = record.getMessage()
        if any(text in message.lower() for text in self.texts):
            self.messages.append(message)


@contextlib.contextmanager
def watch_escaped_exceptions(texts: tuple[str, ...] = ESCAPED) -> Generator[EscapedExceptions]:
    """Collect what escapes in the block, collecting the garbage at either end.

    A future whose exception nobody retrieved is reported only when it is garbage
    collected, often in a reference cycle with its own traceback: collecting first keeps
    out what earlier tests left, collecting last brings out what the block left. A
    handler of its own leaves the level of ``caplog`` to the test.
    """
    gc.collect()
    handler = EscapedExceptions(texts)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
        gc.collect()
    finally:
        root.removeHandler(handler)


@pytest.fixture
def no_escaped_exceptions() -> Generator[None]:
    """Fail the test if an exception escaped (see :data:`ESCAPED`) during it."""
    with watch_escaped_exceptions() as escaped:
        yield
    assert not escaped.messages, escaped.messages

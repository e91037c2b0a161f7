"""What a controller needs of a receiver's connection, whichever protocol it speaks.

The eISCP :class:`~.client.Client` and the legacy Pioneer driver's
:class:`~.pioneer.bridge.BridgeClient` both satisfy :class:`ReceiverClient`: they take
eISCP command text (built with :mod:`.commands`), hand typed :mod:`.messages` to their
listeners, and keep one self-healing connection. A controller typed with it (the
integration's coordinator) drives either without knowing which.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from .connection import ConnectionListener, ConnectionStats, MessageListener
from .messages import Message


class ReceiverClient(Protocol):
    """One connection to one receiver, in the eISCP vocabulary."""

    @property
    def host(self) -> str:
        """The receiver's host."""
        ...

    @property
    def port(self) -> int:
        """The receiver's port."""
        ...

    @property
    def connected(self) -> bool:
        """Whether the connection is up."""
        ...

    @property
    def stats(self) -> ConnectionStats:
        """The connection's counters."""
        ...

    async def connect(self) -> None:
        """Open the connection and keep it up (ConnectionClosedError when unreachable)."""
        ...

    async def close(self) -> None:
        """Close the connection for good."""
        ...

    async def release(self) -> None:
        """Close the connection until the next :meth:`connect`; listeners stay."""
        ...

    async def send(self, message: str) -> None:
        """Send one eISCP command (``"PWR01"``)."""
        ...

    async def request(
        self, message: str, reply_code: str, *, timeout: float | None = None
    ) -> Message:
        """Send ``message``; the first reply with ``reply_code`` after it."""
        ...

    async def query(self, code: str, *, timeout: float | None = None) -> Message:
        """Ask for ``code``'s state (``"PWR"`` sends ``PWRQSTN``); the reply."""
        ...

    def add_message_listener(self, listener: MessageListener) -> Callable[[], None]:
        """Call ``listener`` with every message; returns an unsubscriber."""
        ...

    def add_batch_listener(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call ``listener()`` after the messages of each read; returns an unsubscriber."""
        ...

    def add_connection_listener(self, listener: ConnectionListener) -> Callable[[], None]:
        """Call ``listener(False)`` on each loss, ``listener(True)`` on each reconnect."""
        ...

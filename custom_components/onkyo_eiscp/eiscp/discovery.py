"""Discovery of eISCP devices: ECN queries over UDP.

Devices listen for ``!xECNQSTN`` (any device) and ``!pECNQSTN`` (Pioneer) on UDP port
60128 and reply ``!1ECN<model>/<port>/<region>/<identifier>`` to the sender.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
import logging
import socket

from .const import DEFAULT_PORT
from .frame import FrameDecoder, encode
from .messages import DeviceDiscovery
from .parser import parse

_LOGGER = logging.getLogger(__name__)

QUERIES = (encode("!xECNQSTN"), encode("!pECNQSTN"))


@dataclass(frozen=True, slots=True)
class DiscoveredDevice:
    """A device that answered ECN."""

    host: str
    port: int
    model: str
    region: str
    identifier: str


def parse_ecn(text: str, host: str) -> DiscoveredDevice | None:
    """A decoded ECN reply (``"!1ECN..."``) from ``host``; None if it is not one."""
    message = parse(text)
    if not isinstance(message, DeviceDiscovery):
        return None
    return DiscoveredDevice(
        host=host,
        port=message.port,
        model=message.model,
        region=message.region,
        identifier=message.identifier,
    )


class _Collector(asyncio.DatagramProtocol):
    """Collects ECN replies, one per device."""

    def __init__(self) -> None:
        self.found: dict[str, DiscoveredDevice] = {}
        self.answered = asyncio.Event()

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        host = str(addr[0])
        for text in FrameDecoder().feed(data):
            device = parse_ecn(text, host)
            if device is None:
                _LOGGER.debug("Ignoring non-ECN reply from %s: %r", host, text[:80])
                continue
            self.found.setdefault(device.identifier or host, device)
            self.answered.set()

    def error_received(self, exc: Exception) -> None:
        _LOGGER.debug("Discovery socket error: %s", exc)


async def discover(
    broadcast_addresses: Iterable[str], *, port: int = DEFAULT_PORT, timeout: float = 2.0
) -> list[DiscoveredDevice]:
    """Broadcast ECN queries to each address and collect replies for ``timeout`` seconds."""
    addresses = list(broadcast_addresses)
    loop = asyncio.get_running_loop()
    transport, collector = await loop.create_datagram_endpoint(
        _Collector,
        family=socket.AF_INET,
        local_addr=("0.0.0.0", 0),  # noqa: S104 - replies may come back on any interface
        allow_broadcast=True,
    )
    try:
        for address in addresses:
            for query in QUERIES:
                try:
                    transport.sendto(query, (address, port))
                except OSError as err:
                    _LOGGER.debug("Cannot send discovery to %s: %s", address, err)
        await asyncio.sleep(timeout)
    finally:
        transport.close()
    return list(collector.found.values())


async def interview(
    host: str, *, port: int = DEFAULT_PORT, timeout: float = 2.0
) -> DiscoveredDevice | None:
    """Ask one host for its ECN identity by unicast; None when nothing answers."""
    loop = asyncio.get_running_loop()
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    transport, collector = await loop.create_datagram_endpoint(
        _Collector, family=family, remote_addr=(host, port)
    )
    try:
        transport.sendto(QUERIES[0])
        async with asyncio.timeout(timeout):
            await collector.answered.wait()
    except TimeoutError:
        return None
    finally:
        transport.close()
    return next(iter(collector.found.values()))

"""Discovery over loopback UDP."""

from __future__ import annotations

import asyncio
import socket

from custom_components.onkyo_eiscp.eiscp.discovery import (
    DiscoveredDevice,
    discover,
    interview,
    parse_ecn,
)
from custom_components.onkyo_eiscp.eiscp.frame import DISCOVERY_END, FrameDecoder, encode
from virtual_receiver import VirtualReceiver


async def test_discover_finds_devices() -> None:
    """Two devices answer; each is listed once with model, port and identifier."""
    async with (
        VirtualReceiver("TX-NR686") as first,
        VirtualReceiver("NS-6130", port=0) as second,
    ):
        found = await discover(["127.0.0.1"], port=first.port, timeout=0.3)
        assert found == [
            DiscoveredDevice(
                host="127.0.0.1",
                port=first.port,
                model="TX-NR686",
                region="DX",
                identifier=first.identifier,
            )
        ]
        both = await discover(["127.0.0.1", "127.0.0.1"], port=second.port, timeout=0.3)
        assert [d.model for d in both] == ["NS-6130"]


async def test_discover_with_nothing_listening() -> None:
    """No answer is an empty list, not an error; unsendable addresses are skipped."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert await discover(["127.0.0.1", "not an address"], port=port, timeout=0.2) == []


class _Responder(asyncio.DatagramProtocol):
    """A fake device that answers discovery with whatever it is given."""

    def __init__(self, replies: list[bytes]) -> None:
        self.replies = replies
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.DatagramTransport)
        self.transport = transport

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        assert self.transport is not None
        if FrameDecoder().feed(data) == ["!xECNQSTN"]:
            for reply in self.replies:
                self.transport.sendto(reply, addr)


async def test_bad_replies_are_skipped() -> None:
    """Garbage and non-ECN replies are skipped; a glued identifier still parses."""
    replies = [
        b"garbage",
        encode("PWR01"),
        encode("ECN", terminator=DISCOVERY_END),
        encode("ECNTX-NR474/60128/XX0009B0AAAAAA", terminator=DISCOVERY_END),
    ]
    transport, _ = await asyncio.get_running_loop().create_datagram_endpoint(
        lambda: _Responder(replies), local_addr=("127.0.0.1", 0)
    )
    try:
        port = transport.get_extra_info("sockname")[1]
        found = await discover(["127.0.0.1"], port=port, timeout=0.3)
    finally:
        transport.close()
    assert found == [
        DiscoveredDevice(
            host="127.0.0.1", port=60128, model="TX-NR474", region="XX", identifier="0009B0AAAAAA"
        )
    ]


async def test_interview() -> None:
    """Unicast ECN to one host: its identity, or None when nothing answers."""
    async with VirtualReceiver("TX-RZ630") as receiver:
        device = await interview("127.0.0.1", port=receiver.port, timeout=1)
        assert device is not None
        assert (device.model, device.identifier) == ("TX-RZ630", receiver.identifier)
        receiver.stalled = True
        assert await interview("127.0.0.1", port=receiver.port, timeout=0.2) is None


def test_parse_ecn() -> None:
    """A decoded ECN reply, or None for anything else."""
    assert parse_ecn("!1ECNNS-6130/60128/XX/0009B0E1EE7F", "10.0.0.1") == DiscoveredDevice(
        host="10.0.0.1", port=60128, model="NS-6130", region="XX", identifier="0009B0E1EE7F"
    )
    assert parse_ecn("!1PWR01", "10.0.0.1") is None

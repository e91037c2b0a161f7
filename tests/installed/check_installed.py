"""The aioeiscp wheel as a user gets it: installed alone, typed, and working.

scripts/test runs this with the interpreter of a fresh virtual environment that holds the
wheel and nothing else, in isolated mode (``python -I``), so neither the repository nor
PYTHONPATH is on sys.path: every import below comes from the installed package or the
standard library. It serves a tiny eISCP device on 127.0.0.1 (TCP for the connection,
UDP for discovery), written here from the protocol so that it shares no code with the
package under test. It is not collected by pytest (it needs the installed package).
"""

from __future__ import annotations

import asyncio
import dataclasses
import importlib
import importlib.metadata
import importlib.resources
from pathlib import Path
import pkgutil
import struct
import sys

import aioeiscp

DISTRIBUTION = "aioeiscp"
# eISCP header: magic, header size, data size, version, 3 reserved bytes.
HEADER = struct.Struct(">4sIIB3x")
MODEL, IDENTIFIER = "TX-NR686", "0009B0C0FFEE"


def packet(text: str, end: bytes) -> bytes:
    """One eISCP packet as a device sends it."""
    data = text.encode() + end
    return HEADER.pack(b"ISCP", HEADER.size, len(data), 1) + data


class Device:
    """A receiver's main zone: answers PWR queries, obeys PWR00/PWR01 and says so."""

    def __init__(self) -> None:
        """Start in standby."""
        self.on = False
        self.received: list[str] = []

    def power(self) -> bytes:
        """The device's power report."""
        return packet(f"!1PWR{'01' if self.on else '00'}", b"\x1a\r\n")

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """One TCP session: read packets, answer each PWR message with the power state."""
        try:
            while True:
                magic, header_size, data_size, _version = HEADER.unpack(
                    await reader.readexactly(HEADER.size)
                )
                assert magic == b"ISCP", magic
                await reader.readexactly(header_size - HEADER.size)
                text = (await reader.readexactly(data_size)).decode().rstrip("\r\n\x1a")
                self.received.append(text)
                if text in {"!1PWR00", "!1PWR01"}:
                    self.on = text == "!1PWR01"
                if text.startswith("!1PWR"):
                    writer.write(self.power())
                    await writer.drain()
        except asyncio.IncompleteReadError:
            pass  # the client closed the connection
        finally:
            writer.close()


class Responder(asyncio.DatagramProtocol):
    """Answers ECN discovery queries over UDP."""

    def __init__(self, tcp_port: int) -> None:
        """Advertise ``tcp_port`` as the device's eISCP port."""
        self.tcp_port = tcp_port
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Keep the socket to answer on."""
        assert isinstance(transport, asyncio.DatagramTransport)
        self.transport = transport

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        """Answer an ECN query with this device's identity."""
        if b"ECNQSTN" in data and self.transport is not None:
            reply = f"!1ECN{MODEL}/{self.tcp_port}/DX/{IDENTIFIER}"
            self.transport.sendto(packet(reply, b"\x19\r\n"), addr)


def check_distribution() -> int:
    """The package comes from this environment, alone, versioned, typed and complete."""
    location = Path(aioeiscp.__file__ or "").resolve()
    assert location.is_relative_to(Path(sys.prefix).resolve()), location
    installed = {dist.metadata["Name"] for dist in importlib.metadata.distributions()}
    assert installed == {DISTRIBUTION}, installed  # stdlib only: nothing else is here

    metadata = importlib.metadata.metadata(DISTRIBUTION)
    assert metadata["Version"] == aioeiscp.__version__, (metadata["Version"], aioeiscp.__version__)
    assert metadata.get_all("Requires-Dist") is None, metadata.get_all("Requires-Dist")
    assert metadata["License-Expression"] == "MIT", metadata["License-Expression"]
    assert metadata["Requires-Python"], "no Requires-Python"
    assert "Typing :: Typed" in (metadata.get_all("Classifier") or [])
    assert "pip install aioeiscp" in str(metadata.json["description"]), "README not shipped"
    assert importlib.resources.files(DISTRIBUTION).joinpath("py.typed").is_file(), "no py.typed"

    files = [str(path) for path in importlib.metadata.files(DISTRIBUTION) or []]
    dist_info = f"{DISTRIBUTION}-{aioeiscp.__version__}.dist-info/"
    strays = [name for name in files if not name.startswith((f"{DISTRIBUTION}/", dist_info))]
    assert strays == [], strays  # the library only: no integration code, no tests
    assert any(name.endswith("licenses/LICENSE") for name in files), files

    # Every module and subpackage imports with only the standard library present.
    modules = [info.name for info in pkgutil.walk_packages(aioeiscp.__path__, "aioeiscp.")]
    for name in modules:
        importlib.import_module(name)
    assert "aioeiscp.client" in modules, modules
    return len(modules)


async def check_client() -> None:
    """Connect, listen, query, send, and discover against the tiny device."""
    device = Device()
    server = await asyncio.start_server(device.serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    loop = asyncio.get_running_loop()
    udp, _ = await loop.create_datagram_endpoint(
        lambda: Responder(port), local_addr=("127.0.0.1", 0)
    )
    udp_port = udp.get_extra_info("sockname")[1]
    pushed: list[aioeiscp.Message] = []
    powered = asyncio.Event()

    def listen(message: aioeiscp.Message) -> None:
        pushed.append(message)
        if message.code == "PWR" and message.raw == "01":
            powered.set()

    try:
        # A guard against a hang, not a timing assertion: loopback answers in microseconds.
        async with asyncio.timeout(10):
            async with aioeiscp.Client("127.0.0.1", port) as client:
                unsubscribe = client.add_message_listener(listen)
                reply = await client.query("PWR")
                assert type(reply).__name__ == "Power", reply
                assert dataclasses.asdict(reply) == {
                    "code": "PWR",
                    "raw": "00",
                    "zone": aioeiscp.Zone.MAIN,
                    "on": False,
                }, reply
                await client.send("PWR01")
                await powered.wait()
                assert device.on, device.received
                assert device.received == ["!1PWRQSTN", "!1PWR01"], device.received
                unsubscribe()
            found = await aioeiscp.interview("127.0.0.1", port=udp_port)
    finally:
        udp.close()
        server.close()
        await server.wait_closed()
    assert [type(message).__name__ for message in pushed] == ["Power", "Power"], pushed
    assert found == aioeiscp.DiscoveredDevice(
        host="127.0.0.1", port=port, model=MODEL, region="DX", identifier=IDENTIFIER
    ), found


def main() -> int:
    """Run the checks; a failed one raises."""
    modules = check_distribution()
    asyncio.run(check_client())
    sys.stdout.write(
        f"installed {DISTRIBUTION} {aioeiscp.__version__} alone ({modules} modules, py.typed):"
        " query, send, push and ECN interview over loopback all OK\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

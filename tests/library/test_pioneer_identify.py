"""Who a legacy Pioneer receiver is: model, MAC, UPnP description and its UDN."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable
import contextlib
import dataclasses
import socket

import pytest

from custom_components.onkyo_eiscp.eiscp.errors import ConnectionClosedError
from custom_components.onkyo_eiscp.eiscp.pioneer import (
    DescriptionError,
    PioneerIdentity,
    UpnpDescription,
    fetch_description,
    interview,
    parse_description,
)
from custom_components.onkyo_eiscp.eiscp.pioneer.identify import MAX_DESCRIPTION_SIZE
from virtual_receiver.pioneer import VSX_1021, VirtualPioneer, description_xml

pytestmark = pytest.mark.usefixtures("no_escaped_exceptions")

UDN = "5f9ec1b3-ed59-1900-4530-00a0de9e2b3c"


def test_description_gives_the_udn_and_model() -> None:
    """The device's UDN (without uuid:) identifies it; namespaces do not matter."""
    description = parse_description(description_xml(VSX_1021))
    assert description == UpnpDescription(
        udn=f"uuid:{UDN}",
        serial="KCPN001234UC",
        manufacturer="PIONEER CORPORATION",
        model_name="VSX-1021",
        model_number="VSX-1021",
        friendly_name="VSX-1021",
    )
    assert description.identifier == UDN
    bare = parse_description(b"<root><device><UDN>ABC-1</UDN><serialNumber/></device></root>")
    assert (bare.identifier, bare.serial, bare.model_name) == ("abc-1", None, None)
    serial_only = parse_description("<root><device><serialNumber>S1</serialNumber></device></root>")
    assert serial_only.identifier == "S1"
    nothing = parse_description("<root><device/></root>")
    assert nothing.identifier is None


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        (b'<!DOCTYPE r [<!ENTITY a "aaaa">]><root>&a;</root>', "DOCTYPE"),
        (b"<!ENTITY x 'y'><root/>", "DOCTYPE"),
        (b"<root><device>", "not XML"),
        (b"<root><nodevice/></root>", "no <device>"),
        (b"<root>" + b" " * MAX_DESCRIPTION_SIZE + b"</root>", "limit"),
    ],
)
def test_hostile_or_broken_descriptions_are_refused(document: bytes, reason: str) -> None:
    """Entity declarations, malformed XML, no device and oversize documents are errors."""
    with pytest.raises(DescriptionError, match=reason):
        parse_description(document)


async def test_fetches_the_virtual_receivers_description() -> None:
    """The description is read over HTTP from the receiver's UPnP port."""
    async with VirtualPioneer() as receiver:
        assert receiver.upnp_port is not None
        description = await fetch_description(receiver.host, port=receiver.upnp_port)
        assert description.identifier == UDN
        with pytest.raises(DescriptionError, match="404"):
            await fetch_description(receiver.host, port=receiver.upnp_port, path="/nope.xml")
        assert receiver.description_url.endswith(f":{receiver.upnp_port}/AVTransport/desc.xml")


@contextlib.asynccontextmanager
async def _http(respond: Callable[[bytes], bytes]) -> AsyncGenerator[int]:
    """A one-shot HTTP server on loopback answering each request with respond(request)."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request = await reader.readuntil(b"\r\n\r\n")
        writer.write(respond(request))
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        await server.wait_closed()


BODY = b"<root><device><UDN>uuid:CHUNKED</UDN></device></root>"


@pytest.mark.parametrize(
    ("response", "outcome"),
    [
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
         + b"%x\r\n" % 10 + BODY[:10] + b"\r\n" + b"%x;ext=1\r\n" % (len(BODY) - 10)
         + BODY[10:] + b"\r\n0\r\n\r\n", "chunked"),
        (b"HTTP/1.0 200 OK\r\n\r\n" + BODY, "chunked"),
        (b"HTTP/1.0 200 OK\r\nContent-Length: 500\r\n\r\n" + BODY, "cut short"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "bad chunk"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nff\r\nabc", "cut short"),
        (b"SSH-2.0-OpenSSH\r\n\r\n", "not an HTTP response"),
        (b"HTTP/1.0 200 OK\r\n\r\n" + b"x" * (MAX_DESCRIPTION_SIZE + 9000), "over"),
    ],
)  # fmt: skip
async def test_http_variants(response: bytes, outcome: str) -> None:
    """Chunked and identity bodies are read; short, broken and huge answers are errors."""
    async with _http(lambda request: response) as port:
        if outcome == "chunked":
            description = await fetch_description("127.0.0.1", port=port)
            assert description.identifier == "chunked"
        else:
            with pytest.raises(DescriptionError, match=outcome):
                await fetch_description("127.0.0.1", port=port)


async def test_request_names_the_host_and_unreachable_hosts_fail() -> None:
    """The GET carries a Host header; nothing listening is a DescriptionError."""
    requests: list[bytes] = []

    def respond(request: bytes) -> bytes:
        requests.append(request)
        return b"HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n" % len(BODY) + BODY

    async with _http(respond) as port:
        await fetch_description("127.0.0.1", port=port, path="/x.xml")
    assert requests == [
        b"GET /x.xml HTTP/1.0\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n\r\n" % port
    ]
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    with pytest.raises(DescriptionError, match="cannot read"):
        await fetch_description("127.0.0.1", port=closed, timeout=1)


async def test_interview_identifies_the_receiver() -> None:
    """Model from ?RGD, identifier from the UDN; the MAC where the model reports it."""
    async with VirtualPioneer() as receiver:
        assert receiver.upnp_port is not None
        identity = await interview(receiver.host, receiver.port, upnp_port=receiver.upnp_port)
        assert identity is not None
        assert (identity.model, identity.mac, identity.identifier) == ("VSX-1021", None, UDN)
        assert receiver.received == ["?P", "?RGD", "?SVB"]
    newer = dataclasses.replace(VSX_1021, model="SC-LX87", mac="00:09:B0:AA:BB:CC")
    async with VirtualPioneer(newer, upnp_port=None) as receiver:
        identity = await interview(receiver.host, receiver.port, timeout=0.5)
        assert identity is not None
        assert identity.description is None
        assert (identity.model, identity.mac) == ("SC-LX87", "00:09:b0:aa:bb:cc")
        assert identity.identifier == "00:09:b0:aa:bb:cc"


async def test_interview_of_something_else() -> None:
    """A port that accepts but does not answer ?P is not this protocol; no port: an error."""
    async with VirtualPioneer() as receiver:
        receiver.stalled = True
        assert await interview(receiver.host, receiver.port, timeout=0.3) is None
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(ConnectionClosedError):
        await interview("127.0.0.1", port, timeout=0.5)


def test_differs_from_compares_like_with_like() -> None:
    """A UDN is compared with the description's, a MAC with the reported MAC; unknown: same."""
    description = parse_description(description_xml(VSX_1021))
    udn = "5f9ec1b3-ed59-1900-4530-00a0de9e2b3c"
    found = PioneerIdentity(
        host="h", port=8102, model="VSX-1021", mac="00:e0:36:12:34:56", description=description
    )
    assert not found.differs_from(udn)
    assert not found.differs_from(udn.upper())
    assert found.differs_from("5f9ec1b3-ed59-1900-4530-00a0deffffff")
    assert not found.differs_from("00E036123456")
    assert not found.differs_from("00:e0:36:12:34:56")
    assert found.differs_from("00E0360000FF")
    silent = dataclasses.replace(found, mac=None, description=None)
    assert not silent.differs_from(udn)
    assert not silent.differs_from("00E0360000FF")

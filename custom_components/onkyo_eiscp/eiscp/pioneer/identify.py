"""Who a legacy Pioneer receiver is: its model, and a stable identifier.

The protocol gives the model (``?RGD``) and, on receivers from about 2013 on, the MAC
(``?SVB``). Every one of them serves a UPnP description (``http://host:8080/AVTransport/
desc.xml``) whose UDN is stable and unique: the identifier. :func:`fetch_description`
reads it with a plain HTTP/1.0 GET and refuses oversize documents and any DOCTYPE or
ENTITY declaration before parsing, as :func:`..nri.parse_nri` does.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
import logging
import re
from typing import Final
import xml.etree.ElementTree as ET

from ..const import Zone
from ..errors import ConnectionClosedError, QueryTimeoutError
from ..messages import Message
from .client import Client
from .commands import query_mac, query_model, query_power
from .const import DEFAULT_PORT, MAC_REPLY, MODEL_REPLY, UPNP_DESCRIPTION_PATH, UPNP_PORT
from .errors import CommandError, DescriptionError
from .messages import MacAddress, ModelName

_LOGGER = logging.getLogger(__name__)

MAX_DESCRIPTION_SIZE: Final = 64 * 1024
_MAX_RESPONSE_SIZE: Final = MAX_DESCRIPTION_SIZE + 8 * 1024  # with headers and chunk sizes
_ENTITY_DECLARATION: Final = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_STATUS: Final = re.compile(rb"HTTP/1\.[01] (\d{3})")
_MAC: Final = re.compile(r"[:.-]")


@dataclass(frozen=True, slots=True, kw_only=True)
class UpnpDescription:
    """The ``<device>`` of a UPnP description (None for what it does not give)."""

    udn: str | None
    serial: str | None
    manufacturer: str | None
    model_name: str | None
    model_number: str | None
    friendly_name: str | None

    @property
    def identifier(self) -> str | None:
        """The UDN without ``uuid:`` (lowercase), else the serial number."""
        if self.udn:
            udn = self.udn.strip()
            return (udn[5:] if udn.lower().startswith("uuid:") else udn).lower()
        return self.serial


def parse_description(data: bytes | str) -> UpnpDescription:
    """Parse a UPnP device description; DescriptionError for a bad or hostile one."""
    raw = data.encode() if isinstance(data, str) else data
    if len(raw) > MAX_DESCRIPTION_SIZE:
        raise DescriptionError(
            f"description is {len(raw)} bytes; the limit is {MAX_DESCRIPTION_SIZE}"
        )
    if _ENTITY_DECLARATION.search(raw):
        raise DescriptionError("description declares a DOCTYPE or ENTITY")
    try:
        root = ET.fromstring(raw)  # noqa: S314 - size-capped, DOCTYPE/ENTITY refused above
    except ET.ParseError as err:
        raise DescriptionError(f"description is not XML: {err}") from err
    device = next((e for e in root.iter() if _local(e.tag) == "device"), None)
    if device is None:
        raise DescriptionError("description has no <device>")
    fields = {_local(child.tag): (child.text or "").strip() or None for child in device}
    return UpnpDescription(
        udn=fields.get("UDN"),
        serial=fields.get("serialNumber"),
        manufacturer=fields.get("manufacturer"),
        model_name=fields.get("modelName"),
        model_number=fields.get("modelNumber"),
        friendly_name=fields.get("friendlyName"),
    )


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


async def fetch_description(
    host: str,
    *,
    port: int = UPNP_PORT,
    path: str = UPNP_DESCRIPTION_PATH,
    timeout: float = 5.0,
) -> UpnpDescription:
    """GET and parse a receiver's UPnP description; DescriptionError when that fails."""
    try:
        async with asyncio.timeout(timeout):
            response = await _get(host, port, path)
    except (OSError, TimeoutError) as err:
        raise DescriptionError(f"cannot read http://{host}:{port}{path}: {err!r}") from err
    return parse_description(_body(response))


async def _get(host: str, port: int, path: str) -> bytes:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        authority = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        writer.write(
            f"GET {path} HTTP/1.0\r\nHost: {authority}\r\nConnection: close\r\n\r\n".encode()
        )
        await writer.drain()
        response = b""
        while chunk := await reader.read(64 * 1024):
            response += chunk
            if len(response) > _MAX_RESPONSE_SIZE:
                raise DescriptionError(f"description over {MAX_DESCRIPTION_SIZE} bytes")
        return response
    finally:
        writer.transport.abort()


def _body(response: bytes) -> bytes:
    head, separator, body = response.partition(b"\r\n\r\n")
    status = _STATUS.match(head)
    if not separator or status is None:
        raise DescriptionError("not an HTTP response")
    if status.group(1) != b"200":
        raise DescriptionError(f"HTTP status {status.group(1).decode()}")
    headers = {
        name.strip().lower(): value.strip()
        for name, _, value in (line.partition(b":") for line in head.split(b"\r\n")[1:])
    }
    if headers.get(b"transfer-encoding", b"").lower() == b"chunked":
        return _dechunk(body)
    length = headers.get(b"content-length")
    if length is not None and length.isdigit():
        if len(body) < int(length):
            raise DescriptionError("description cut short")
        return body[: int(length)]
    return body


def _dechunk(body: bytes) -> bytes:
    data = b""
    while True:
        size_line, separator, body = body.partition(b"\r\n")
        try:
            size = int(size_line.split(b";")[0], 16)
        except ValueError as err:
            raise DescriptionError("bad chunk size") from err
        if not separator or len(body) < size:
            raise DescriptionError("description cut short")
        if size == 0:
            return data
        data += body[:size]
        body = body[size + 2 :]


@dataclass(frozen=True, slots=True, kw_only=True)
class PioneerIdentity:
    """What identifies a legacy Pioneer receiver."""

    host: str
    port: int
    model: str | None  # None when the receiver does not answer ?RGD
    mac: str | None  # "aa:bb:cc:dd:ee:ff" where the receiver reports it
    description: UpnpDescription | None  # None when it cannot be read

    @property
    def identifier(self) -> str | None:
        """The stable identifier: the UPnP UDN (or serial), else the MAC; None if neither."""
        if self.description is not None and self.description.identifier:
            return self.description.identifier
        return self.mac

    def differs_from(self, identifier: str) -> bool:
        """Whether this is not the receiver ``identifier`` names (False: cannot tell).

        ``identifier`` is what identified a receiver once: a MAC (12 hex digits, any
        case, separators or not) is compared with the MAC this one reports, anything
        else with its UPnP description's UDN (or serial). A receiver that does not
        give that one now (its description unreadable, no MAC answer) cannot be told
        apart: it is not called different.
        """
        mac = _MAC.sub("", identifier)
        if len(mac) == 12 and all(c in "0123456789abcdefABCDEF" for c in mac):
            theirs = None if self.mac is None else _MAC.sub("", self.mac).upper()
            ours = mac.upper()
        else:
            description = self.description
            theirs = None if description is None else description.identifier
            ours = identifier.lower()
        return theirs is not None and theirs != ours


async def interview(
    host: str,
    port: int = DEFAULT_PORT,
    *,
    timeout: float = 2.0,
    upnp_port: int = UPNP_PORT,
    upnp_path: str = UPNP_DESCRIPTION_PATH,
) -> PioneerIdentity | None:
    """Ask ``host:port`` who it is; None when it does not speak the legacy protocol.

    The receiver must answer ``?P`` (with its power, or an error code): that is what
    recognises the protocol. Raises ConnectionClosedError when nothing accepts the
    connection.
    """
    async with Client(host, port, query_timeout=timeout, connect_timeout=timeout) as client:
        return await interview_connected(
            client, timeout=timeout, upnp_port=upnp_port, upnp_path=upnp_path
        )


async def interview_connected(
    client: Client,
    *,
    timeout: float = 2.0,
    upnp_port: int = UPNP_PORT,
    upnp_path: str = UPNP_DESCRIPTION_PATH,
) -> PioneerIdentity | None:
    """As :func:`interview`, over ``client``'s connection (a controller's, kept open)."""
    if await _ask(client, query_power(Zone.MAIN), "PWR", timeout) is None:
        _LOGGER.debug("%s:%s does not answer ?P", client.host, client.port)
        return None
    model = await _ask(client, query_model(), MODEL_REPLY, timeout)
    mac = await _ask(client, query_mac(), MAC_REPLY, timeout)
    try:
        description: UpnpDescription | None = await fetch_description(
            client.host, port=upnp_port, path=upnp_path, timeout=timeout
        )
    except DescriptionError as err:
        _LOGGER.debug("No UPnP description from %s: %s", client.host, err)
        description = None
    return PioneerIdentity(
        host=client.host,
        port=client.port,
        model=model.model if isinstance(model, ModelName) else None,
        mac=mac.mac if isinstance(mac, MacAddress) else None,
        description=description,
    )


async def _ask(
    client: Client, command: str, reply: str, timeout: float
) -> Message | CommandError | None:
    """The answer to ``command``: a message, the receiver's refusal, or None (silence)."""
    try:
        return await client.request(command, reply, timeout=timeout)
    except CommandError as err:
        return err
    except QueryTimeoutError, ConnectionClosedError:
        return None

"""The device's UPnP MediaRenderer: what a controller finds on its port 8888 or so.

A device description and the AVTransport, RenderingControl and ConnectionManager services,
with GENA events (SUBSCRIBE, NOTIFY of ``LastChange``), served over HTTP on the receiver's
own address, and an answer to a unicast SSDP ``M-SEARCH`` sent to that address (the UDP
port is configurable so that tests run on loopback). Nothing is ever multicast.

On ``SetAVTransportURI`` + ``Play`` it really fetches the URL, works out the media's length
(a WAV header, or the DIDL-Lite ``duration``), and tells the device to play it
(``start_stream``): a real receiver turns on, selects NET and shows the title. It reports
``PLAYING``, then ``STOPPED`` once the length has passed (``end_stream``). Its faults:
refuse the format, never stop, vanish.

SOAP, descriptions and GENA come from async-upnp-client's server side; the decisions
(what to accept, when to stop, what the device does) are this module's.
"""

# No "from __future__ import annotations": the SOAP actions' parameter types are read at run
# time by async-upnp-client (callable_action).
import asyncio
from collections.abc import Callable
import contextlib
from dataclasses import dataclass, field
from functools import partial
import math
import socket
import struct
from types import MappingProxyType
from typing import Any, Final
import uuid
import xml.etree.ElementTree as ET

import aiohttp
from aiohttp import web
from async_upnp_client.aiohttp import AiohttpRequester
from async_upnp_client.client import UpnpRequester
from async_upnp_client.const import DeviceInfo, ServiceInfo
from async_upnp_client.exceptions import UpnpActionError, UpnpError
from async_upnp_client.server import (
    EventSubscriber,
    UpnpServerDevice,
    UpnpServerService,
    action_handler,
    callable_action,
    create_event_var,
    create_state_var,
    subscribe_handler,
    to_xml,
    unsubscribe_handler,
)
from async_upnp_client.ssdp import SsdpProtocol, build_ssdp_packet
from async_upnp_client.utils import CaseInsensitiveDict

from .state import Track

RENDERER_TYPE: Final = "urn:schemas-upnp-org:device:MediaRenderer:1"
AVT_TYPE: Final = "urn:schemas-upnp-org:service:AVTransport:1"
RC_TYPE: Final = "urn:schemas-upnp-org:service:RenderingControl:1"
CM_TYPE: Final = "urn:schemas-upnp-org:service:ConnectionManager:1"
DESCRIPTION_PATH: Final = "/description.xml"
_AVT_EVENT_NS: Final = "urn:schemas-upnp-org:metadata-1-0/AVT/"
_RCS_EVENT_NS: Final = "urn:schemas-upnp-org:metadata-1-0/RCS/"
_DIDL_NS: Final = {"didl": "urn:schemas-upnp-org:metadata-1-0/DIDL-Lite/"}
_DC_TITLE: Final = "{http://purl.org/dc/elements/1.1/}title"
_UPNP_ARTIST: Final = "{urn:schemas-upnp-org:metadata-1-0/upnp/}artist"
_UPNP_ALBUM: Final = "{urn:schemas-upnp-org:metadata-1-0/upnp/}album"
# What the renderer takes (ConnectionManager's SinkProtocolInfo). A controller's metadata
# that names another type (DIDL-Lite ``res@protocolInfo``) is refused at SetAVTransportURI,
# as strict renderers do; metadata that names none leaves it to the file's first bytes.
SINK_PROTOCOLS: Final = (
    "http-get:*:audio/wav:*",
    "http-get:*:audio/x-wav:*",
    "http-get:*:audio/mpeg:*",
    "http-get:*:audio/flac:*",
    "http-get:*:audio/x-flac:*",
)
SINK_MIME_TYPES: Final = frozenset(entry.split(":")[2] for entry in SINK_PROTOCOLS)
FETCH_LIMIT: Final = 1 << 20  # bytes read of a media file: enough for any header
FETCH_TIMEOUT: Final = 10.0
ERROR_ILLEGAL_MIME: Final = 714  # AVTransport's "Illegal MIME-type"
ERROR_NOT_FOUND: Final = 716  # AVTransport's "Resource not found"
ERROR_NO_CONTENTS: Final = 701  # "Transition not available": Play without a URI


@dataclass(slots=True)
class RendererFaults:
    """What a misbehaving renderer does."""

    refuse_format: bool = False  # every URI gets "Illegal MIME-type"
    never_stop: bool = False  # reports PLAYING forever
    no_events: bool = False  # refuses subscriptions: controllers have to poll
    silent: bool = False  # takes Play and never plays (stays STOPPED)
    location: str | None = None  # SSDP answers point at this description URL instead


@dataclass(slots=True)
class Transport:
    """AVTransport's state of instance 0."""

    state: str = "NO_MEDIA_PRESENT"
    uri: str = ""
    metadata: str = ""
    duration: float | None = None
    actions: str = ""
    fetched: list[str] = field(default_factory=list)  # every URL really fetched
    log: list[str] = field(default_factory=list)  # "play URL", "end URL", in order


def _service_info(name: str, service_type: str) -> ServiceInfo:
    return ServiceInfo(
        service_id=f"urn:upnp-org:serviceId:{name}",
        service_type=service_type,
        control_url=f"/upnp/control/{name}",
        event_sub_url=f"/upnp/event/{name}",
        scpd_url=f"/upnp/{name}.xml",
        xml=ET.Element("server_service"),
    )


class _Service(UpnpServerService):
    """A service whose events to a vanished subscriber are dropped, not raised in a task."""

    async def async_send_events(self, subscriber: EventSubscriber | None = None) -> None:
        """Send events; a subscriber that is gone is not an error of the device."""
        with contextlib.suppress(UpnpError, aiohttp.ClientError, OSError):
            await super().async_send_events(subscriber)


def _last_change(namespace: str, values: dict[str, str]) -> str:
    event = ET.Element("Event", xmlns=namespace)
    instance = ET.SubElement(event, "InstanceID", val="0")
    for name, value in values.items():
        ET.SubElement(instance, name, val=value)
    return ET.tostring(event, encoding="unicode")


class AVTransportService(_Service):
    """AVTransport:1 of instance 0 (the actions a controller plays with)."""

    SERVICE_DEFINITION = _service_info("AVTransport", AVT_TYPE)
    STATE_VARIABLE_DEFINITIONS = MappingProxyType(
        {
            "TransportState": create_state_var(
                "string",
                allowed=[
                    "STOPPED",
                    "PLAYING",
                    "TRANSITIONING",
                    "PAUSED_PLAYBACK",
                    "NO_MEDIA_PRESENT",
                ],
                default="NO_MEDIA_PRESENT",
            ),
            "TransportStatus": create_state_var("string", default="OK"),
            "TransportPlaySpeed": create_state_var("string", default="1"),
            "AVTransportURI": create_state_var("string", default=""),
            "AVTransportURIMetaData": create_state_var("string", default=""),
            "CurrentTrackURI": create_state_var("string", default=""),
            "CurrentTrackMetaData": create_state_var("string", default=""),
            "CurrentTrackDuration": create_state_var("string", default="00:00:00"),
            "CurrentMediaDuration": create_state_var("string", default="00:00:00"),
            "NumberOfTracks": create_state_var("ui4", default="0"),
            "CurrentTrack": create_state_var("ui4", default="0"),
            "RelativeTimePosition": create_state_var("string", default="00:00:00"),
            "AbsoluteTimePosition": create_state_var("string", default="00:00:00"),
            "RelativeCounterPosition": create_state_var("i4", default="0"),
            "AbsoluteCounterPosition": create_state_var("i4", default="0"),
            "CurrentTransportActions": create_state_var("string", default=""),
            "PlaybackStorageMedium": create_state_var("string", default="NETWORK"),
            "CurrentPlayMode": create_state_var("string", default="NORMAL"),
            "A_ARG_TYPE_InstanceID": create_state_var("ui4", default="0"),
            "LastChange": create_event_var("string", default=""),
        }
    )

    renderer: UpnpRenderer  # set by UpnpRenderer after the device is made

    @callable_action(
        name="SetAVTransportURI",
        in_args={
            "InstanceID": "A_ARG_TYPE_InstanceID",
            "CurrentURI": "AVTransportURI",
            "CurrentURIMetaData": "AVTransportURIMetaData",
        },
        out_args={},
    )
    async def set_uri(
        self,
        InstanceID: int,  # noqa: N803 - UPnP's argument names
        CurrentURI: str,  # noqa: N803
        CurrentURIMetaData: str,  # noqa: N803
    ) -> dict[str, Any]:
        """Take a URI to play next."""
        await self.renderer.set_uri(CurrentURI, CurrentURIMetaData)
        return {}

    @callable_action(
        name="Play",
        in_args={"InstanceID": "A_ARG_TYPE_InstanceID", "Speed": "TransportPlaySpeed"},
        out_args={},
    )
    async def play(self, InstanceID: int, Speed: str) -> dict[str, Any]:  # noqa: N803 - UPnP's argument names
        """Fetch the URI and play it."""
        await self.renderer.play()
        return {}

    @callable_action(name="Stop", in_args={"InstanceID": "A_ARG_TYPE_InstanceID"}, out_args={})
    async def stop(self, InstanceID: int) -> dict[str, Any]:  # noqa: N803 - UPnP's argument names
        """Stop playing."""
        self.renderer.stop_playback()
        return {}

    @callable_action(
        name="GetTransportInfo",
        in_args={"InstanceID": "A_ARG_TYPE_InstanceID"},
        out_args={
            "CurrentTransportState": "TransportState",
            "CurrentTransportStatus": "TransportStatus",
            "CurrentSpeed": "TransportPlaySpeed",
        },
    )
    async def get_transport_info(self, InstanceID: int) -> dict[str, Any]:  # noqa: N803 - UPnP's argument names
        """What the transport is doing."""
        return {
            "CurrentTransportState": self.renderer.transport.state,
            "CurrentTransportStatus": "OK",
            "CurrentSpeed": "1",
        }

    @callable_action(
        name="GetMediaInfo",
        in_args={"InstanceID": "A_ARG_TYPE_InstanceID"},
        out_args={
            "NrTracks": "NumberOfTracks",
            "MediaDuration": "CurrentMediaDuration",
            "CurrentURI": "AVTransportURI",
            "CurrentURIMetaData": "AVTransportURIMetaData",
        },
    )
    async def get_media_info(self, InstanceID: int) -> dict[str, Any]:  # noqa: N803 - UPnP's argument names
        """What is loaded."""
        transport = self.renderer.transport
        return {
            "NrTracks": 1 if transport.uri else 0,
            "MediaDuration": _clock(transport.duration),
            "CurrentURI": transport.uri,
            "CurrentURIMetaData": transport.metadata,
        }

    @callable_action(
        name="GetCurrentTransportActions",
        in_args={"InstanceID": "A_ARG_TYPE_InstanceID"},
        out_args={"Actions": "CurrentTransportActions"},
    )
    async def get_actions(self, InstanceID: int) -> dict[str, Any]:  # noqa: N803 - UPnP's argument names
        """What a controller may do now."""
        return {"Actions": self.renderer.transport.actions}

    def publish(self, transport: Transport) -> None:
        """Event the transport's state to subscribers (LastChange, as DLNA renderers do)."""
        values = {
            "TransportState": transport.state,
            "TransportStatus": "OK",
            "AVTransportURI": transport.uri,
            "AVTransportURIMetaData": transport.metadata,
            "CurrentTrackURI": transport.uri,
            "CurrentTrackMetaData": transport.metadata,
            "CurrentMediaDuration": _clock(transport.duration),
            "CurrentTrackDuration": _clock(transport.duration),
            "CurrentTransportActions": transport.actions,
        }
        self.state_variable("LastChange").value = _last_change(_AVT_EVENT_NS, values)


class RenderingControlService(_Service):
    """RenderingControl:1: volume and mute of the renderer's own (the receiver's) output."""

    SERVICE_DEFINITION = _service_info("RenderingControl", RC_TYPE)
    STATE_VARIABLE_DEFINITIONS = MappingProxyType(
        {
            "Volume": create_state_var(
                "ui2", default="20", allowed_range={"min": "0", "max": "100"}
            ),
            "Mute": create_state_var("boolean", default="0"),
            "A_ARG_TYPE_InstanceID": create_state_var("ui4", default="0"),
            "A_ARG_TYPE_Channel": create_state_var("string", default="Master"),
            "LastChange": create_event_var(
                "string", default=_last_change(_RCS_EVENT_NS, {"Volume": "20", "Mute": "0"})
            ),
        }
    )

    @callable_action(
        name="GetVolume",
        in_args={"InstanceID": "A_ARG_TYPE_InstanceID", "Channel": "A_ARG_TYPE_Channel"},
        out_args={"CurrentVolume": "Volume"},
    )
    async def get_volume(self, InstanceID: int, Channel: str) -> dict[str, Any]:  # noqa: N803 - UPnP's argument names
        """The volume."""
        return {"CurrentVolume": self.state_variable("Volume")}

    @callable_action(
        name="GetMute",
        in_args={"InstanceID": "A_ARG_TYPE_InstanceID", "Channel": "A_ARG_TYPE_Channel"},
        out_args={"CurrentMute": "Mute"},
    )
    async def get_mute(self, InstanceID: int, Channel: str) -> dict[str, Any]:  # noqa: N803 - UPnP's argument names
        """Whether it is muted."""
        return {"CurrentMute": self.state_variable("Mute")}


class ConnectionManagerService(_Service):
    """ConnectionManager:1: what the renderer can play."""

    SERVICE_DEFINITION = _service_info("ConnectionManager", CM_TYPE)
    STATE_VARIABLE_DEFINITIONS = MappingProxyType(
        {
            "SourceProtocolInfo": create_event_var("string", default=""),
            "SinkProtocolInfo": create_event_var("string", default=",".join(SINK_PROTOCOLS)),
            "CurrentConnectionIDs": create_event_var("string", default="0"),
        }
    )

    @callable_action(
        name="GetProtocolInfo",
        in_args={},
        out_args={"Source": "SourceProtocolInfo", "Sink": "SinkProtocolInfo"},
    )
    async def get_protocol_info(self) -> dict[str, Any]:
        """What it takes."""
        return {
            "Source": self.state_variable("SourceProtocolInfo"),
            "Sink": self.state_variable("SinkProtocolInfo"),
        }


def _device_class(name: str, manufacturer: str, model: str, udn: str) -> type[UpnpServerDevice]:
    info = DeviceInfo(
        device_type=RENDERER_TYPE,
        friendly_name=name,
        manufacturer=manufacturer,
        manufacturer_url=None,
        model_description="AV Receiver",
        model_name=model,
        model_number=model,
        model_url=None,
        serial_number=None,
        udn=udn,
        upc=None,
        presentation_url=None,
        url=DESCRIPTION_PATH,
        icons=[],
        xml=ET.Element("server_device"),
    )
    return type(
        "RendererDevice",
        (UpnpServerDevice,),
        {
            "DEVICE_DEFINITION": info,
            "EMBEDDED_DEVICES": [],
            "SERVICES": [AVTransportService, RenderingControlService, ConnectionManagerService],
        },
    )


class UpnpRenderer:
    """The MediaRenderer of one virtual receiver (see the module docstring)."""

    def __init__(
        self,
        *,
        host: str,
        name: str,
        manufacturer: str,
        model: str,
        identifier: str,
        start_stream: Callable[[Track], None],
        end_stream: Callable[[], None],
        http_port: int = 0,
        ssdp_port: int = 1900,
        tick: float = 1.0,
    ) -> None:
        """A renderer for the device ``identifier``; it answers M-SEARCH on ``ssdp_port``."""
        self.host = host
        self.udn = f"uuid:{uuid.uuid5(uuid.NAMESPACE_OID, identifier)}"
        self.faults = RendererFaults()
        self.transport = Transport()
        self.tick = tick
        self.searches = 0  # M-SEARCH requests answered
        self._names = (name, manufacturer, model)
        self._start_stream = start_stream
        self._end_stream = end_stream
        self._http_port = http_port
        self._ssdp_port = ssdp_port
        self._runner: web.AppRunner | None = None
        self._ssdp: asyncio.DatagramTransport | None = None
        self._session: aiohttp.ClientSession | None = None
        self._ender: asyncio.TimerHandle | None = None
        self._avt: AVTransportService | None = None
        self._pending: tuple[str, str] | None = None
        self.http_port = http_port

    # --- lifecycle ---------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """Whether it serves (False after :meth:`vanish`)."""
        return self._runner is not None

    @property
    def ssdp_port(self) -> int:
        """The UDP port it answers M-SEARCH on (the real one once started)."""
        return self._ssdp_port

    @property
    def base_url(self) -> str:
        """``http://host:port``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.http_port}"

    @property
    def location(self) -> str:
        """The device description's URL."""
        return f"{self.base_url}{DESCRIPTION_PATH}"

    async def start(self) -> None:
        """Serve HTTP (description, control, events) and SSDP answers on the host."""
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self._http_port))
        self.http_port = sock.getsockname()[1]
        self._session = aiohttp.ClientSession()
        requester: UpnpRequester = AiohttpRequester()
        device = _device_class(*self._names, self.udn)(requester, self.base_url)
        app = web.Application()
        app.router.add_get(DESCRIPTION_PATH, partial(to_xml, device))
        for service in device.all_services:
            assert isinstance(service, UpnpServerService)
            definition = service.SERVICE_DEFINITION
            app.router.add_get(definition.scpd_url, partial(to_xml, service))
            app.router.add_post(definition.control_url, partial(action_handler, service))
            app.router.add_route(
                "SUBSCRIBE", definition.event_sub_url, partial(self._subscribe, service)
            )
            app.router.add_route(
                "UNSUBSCRIBE", definition.event_sub_url, partial(unsubscribe_handler, service)
            )
            if isinstance(service, AVTransportService):
                service.renderer = self
                self._avt = service
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.SockSite(self._runner, sock).start()
        loop = asyncio.get_running_loop()
        self._ssdp, _ = await loop.create_datagram_endpoint(
            lambda: SsdpProtocol(loop, on_data=self._on_ssdp),
            local_addr=(self.host, self._ssdp_port),
            family=family,
        )
        self._ssdp_port = self._ssdp.get_extra_info("sockname")[1]
        self._publish()

    async def stop(self) -> None:
        """Close every socket and timer."""
        if self._ender is not None:
            self._ender.cancel()
            self._ender = None
        if self._ssdp is not None:
            self._ssdp.close()
            self._ssdp = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def vanish(self) -> None:
        """Go away mid-playback, as a renderer that crashes: the stream it fed stops too."""
        playing = self.transport.state == "PLAYING"
        await self.stop()
        if playing:
            self._end_stream()

    async def _subscribe(self, service: UpnpServerService, request: web.Request) -> web.Response:
        if self.faults.no_events:
            return web.Response(status=501)
        return await subscribe_handler(service, request)

    # --- SSDP --------------------------------------------------------------------------

    def _on_ssdp(self, request_line: str, headers: CaseInsensitiveDict) -> None:
        if not request_line.startswith("M-SEARCH") or self._ssdp is None:
            return
        target = str(headers.get("st", ""))
        if target.lower() not in ("ssdp:all", "upnp:rootdevice", RENDERER_TYPE.lower(), self.udn):
            return
        self.searches += 1
        st = RENDERER_TYPE if target.lower() == "ssdp:all" else target
        packet = build_ssdp_packet(
            "HTTP/1.1 200 OK",
            {
                "CACHE-CONTROL": "max-age=1800",
                "EXT": "",
                "LOCATION": self.faults.location or self.location,
                "SERVER": "Linux/3.x UPnP/1.0 VirtualReceiver/1.0",
                "ST": st,
                "USN": f"{self.udn}::{st}",
            },
        )
        self._ssdp.sendto(packet, headers["_remote_addr"])

    # --- AVTransport -------------------------------------------------------------------

    async def set_uri(self, uri: str, metadata: str) -> None:
        """SetAVTransportURI: take ``uri`` of a type it plays (refused by the format fault)."""
        if self.faults.refuse_format or not accepts(_didl_mime_type(metadata)):
            raise UpnpActionError(error_code=ERROR_ILLEGAL_MIME, error_desc="Illegal MIME-type")
        if not uri.lower().startswith(("http://", "https://")):
            raise UpnpActionError(error_code=ERROR_NOT_FOUND, error_desc="Resource not found")
        self._cancel_end()
        self._pending = (uri, metadata)
        transport = self.transport
        transport.state, transport.uri, transport.metadata = "STOPPED", uri, metadata
        transport.duration, transport.actions = None, "Play,Stop"
        self._publish()

    async def play(self) -> None:
        """Play: fetch the URI, learn its length, make the device play it."""
        if self._pending is None:
            raise UpnpActionError(error_code=ERROR_NO_CONTENTS, error_desc="No contents")
        uri, metadata = self._pending
        if self.faults.silent:
            return
        self.transport.state = "TRANSITIONING"
        self._publish()
        try:
            kind, length = await self._fetch(uri)
        except UpnpActionError:
            self.transport.state = "STOPPED"
            self._publish()
            raise
        if length is None:
            length = _didl_duration(metadata)
        title, artist, album = _didl_names(metadata)
        self.transport.duration = length
        self.transport.state, self.transport.actions = "PLAYING", "Stop"
        self._publish()
        self.transport.log.append(f"play {uri}")
        seconds = 0 if length is None or self.faults.never_stop else math.ceil(length)
        self._start_stream(Track(title or uri.rsplit("/", 1)[-1], artist, album, seconds, kind))
        if length is not None and not self.faults.never_stop:
            loop = asyncio.get_running_loop()
            self._ender = loop.call_later(length * self.tick, self._ended)

    def stop_playback(self) -> None:
        """Stop: the device's stream ends."""
        was_playing = self.transport.state == "PLAYING"
        self._cancel_end()
        self.transport.state, self.transport.actions = "STOPPED", "Play"
        self._publish()
        if was_playing:
            self.transport.log.append(f"end {self.transport.uri}")
            self._end_stream()

    def _ended(self) -> None:
        self._ender = None
        self.stop_playback()

    def _cancel_end(self) -> None:
        if self._ender is not None:
            self._ender.cancel()
            self._ender = None

    def _publish(self) -> None:
        if self._avt is not None:
            self._avt.publish(self.transport)

    async def _fetch(self, uri: str) -> tuple[str, float | None]:
        """GET ``uri`` (up to :data:`FETCH_LIMIT` bytes): its format and length, if known."""
        assert self._session is not None
        self.transport.fetched.append(uri)
        try:
            async with self._session.get(
                uri, timeout=aiohttp.ClientTimeout(total=FETCH_TIMEOUT)
            ) as response:
                if response.status != 200:
                    raise UpnpActionError(error_code=ERROR_NOT_FOUND, error_desc="Not found")
                data = await response.content.read(FETCH_LIMIT)
        except (aiohttp.ClientError, TimeoutError) as err:
            raise UpnpActionError(error_code=ERROR_NOT_FOUND, error_desc=str(err)) from err
        kind = sniff(data)
        if kind is None:
            raise UpnpActionError(error_code=ERROR_ILLEGAL_MIME, error_desc="Illegal MIME-type")
        return kind, wav_length(data) if kind.startswith("WAV") else None


def sniff(data: bytes) -> str | None:
    """The audio format of a file's first bytes as NFI shows it, None if not audio it plays."""
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "WAV"
    if data[:4] == b"fLaC":
        return "FLAC"
    if data[:3] == b"ID3" or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0):
        return "MP3"
    return None


def wav_length(data: bytes) -> float | None:
    """Seconds of a WAV file from its header (fmt's byte rate, data's size)."""
    offset, byte_rate = 12, 0
    while offset + 8 <= len(data):
        chunk, size = struct.unpack_from("<4sI", data, offset)
        if chunk == b"fmt " and offset + 20 <= len(data):
            byte_rate = struct.unpack_from("<I", data, offset + 16)[0]
        elif chunk == b"data":
            return size / byte_rate if byte_rate else None
        offset += 8 + size + (size & 1)
    return None


def _didl_item(metadata: str) -> ET.Element | None:
    if "<!DOCTYPE" in metadata or "<!ENTITY" in metadata:
        return None  # a controller's metadata has no business declaring anything
    try:
        root = ET.fromstring(metadata)  # noqa: S314 - declarations refused above
    except ET.ParseError:
        return None
    item: ET.Element | None = root.find("didl:item", _DIDL_NS)
    return item


def _didl_mime_type(metadata: str) -> str | None:
    """The MIME type of the item's resource (its ``protocolInfo``), None if it names none."""
    item = _didl_item(metadata)
    res = None if item is None else item.find("didl:res", _DIDL_NS)
    info = None if res is None else res.get("protocolInfo")
    parts = (info or "").split(":")
    if len(parts) != 4 or parts[2] in ("", "*"):
        return None
    return parts[2].split(";", 1)[0].strip().lower()


def accepts(mime_type: str | None) -> bool:
    """Whether the renderer takes media of ``mime_type`` (None: not said, to be sniffed)."""
    return mime_type is None or mime_type in SINK_MIME_TYPES


def _didl_names(metadata: str) -> tuple[str, str, str]:
    """Title, artist and album of DIDL-Lite metadata ('' for what it lacks)."""
    item = _didl_item(metadata)
    if item is None:
        return "", "", ""
    return (
        item.findtext(_DC_TITLE, ""),
        item.findtext(_UPNP_ARTIST, ""),
        item.findtext(_UPNP_ALBUM, ""),
    )


def _didl_duration(metadata: str) -> float | None:
    """The ``duration`` of the item's resource (``H:MM:SS[.fff]``), None if it has none."""
    item = _didl_item(metadata)
    res = None if item is None else item.find("didl:res", _DIDL_NS)
    text = None if res is None else res.get("duration")
    if not text:
        return None
    try:
        hours, minutes, seconds = text.split(":")
        return int(hours) * 3600 + int(minutes) * 60 + float(seconds)
    except ValueError:
        return None


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "00:00:00"
    whole = math.ceil(seconds)
    return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"


__all__ = ["RENDERER_TYPE", "RendererFaults", "UpnpRenderer", "accepts", "sniff", "wav_length"]

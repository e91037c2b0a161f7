"""The receiver's own UPnP MediaRenderer, through Home Assistant's async-upnp-client.

eISCP cannot carry a URL, but these devices are also DLNA renderers. This module:

- finds the renderer with no setup step (:class:`RendererLocator`): the description URL
  from the SSDP discovery that found the device, where there was one; otherwise a unicast
  ``M-SEARCH`` to the device's own host. Only a description served by that same host is
  taken; one from another host is ignored and logged once. Nothing else is contacted.
- plays a URL on it (:class:`Renderer`): ``SetAVTransportURI`` with DIDL-Lite metadata,
  ``Play``, ``Stop``, and for announcements waits for the end as the transport reports it,
  by GENA events where the renderer takes a subscription, polling ``GetTransportInfo``
  only while the announcement plays.
- resolves what ``play_media`` is given (:func:`async_resolve_play_media`): a media-source
  id through Home Assistant's media source helpers, a URL pointing at Home Assistant
  signed so that the device can fetch it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
import contextlib
from dataclasses import dataclass
import ipaddress
import logging
from typing import Any, Final
from urllib.parse import urlsplit

import aiohttp
from async_upnp_client.aiohttp import AiohttpNotifyServer, AiohttpSessionRequester
from async_upnp_client.client import UpnpDevice, UpnpRequester, UpnpService, UpnpStateVariable
from async_upnp_client.client_factory import UpnpFactory
from async_upnp_client.const import HttpRequest, HttpResponse
from async_upnp_client.exceptions import (
    UpnpActionError,
    UpnpCommunicationError,
    UpnpConnectionError,
    UpnpError,
    UpnpResponseError,
)
from async_upnp_client.profiles.dlna import DmrDevice, TransportState
from async_upnp_client.ssdp import SsdpProtocol, build_ssdp_search_packet
from async_upnp_client.utils import CaseInsensitiveDict, async_get_local_ip

from homeassistant.components import media_source
from homeassistant.components.media_player.browse_media import async_process_play_media_url
from homeassistant.core import HomeAssistant

from .announce import check_media_url, is_media_source

_LOGGER = logging.getLogger(__name__)

MEDIA_RENDERER: Final = "urn:schemas-upnp-org:device:MediaRenderer:1"
AVTRANSPORT_ID: Final = "urn:upnp-org:serviceId:AVTransport"
SSDP_PORT: Final = 1900
SEARCH_MX: Final = 2  # seconds a device may wait before it answers M-SEARCH
POLL_INTERVAL: Final = 2.0  # seconds between transport polls while an announcement plays
START_LIMIT: Final = 15.0  # seconds a renderer may take to start playing after Play
_ACTIVE: Final = frozenset({TransportState.PLAYING, TransportState.TRANSITIONING})
_OVER: Final = frozenset({TransportState.STOPPED, TransportState.NO_MEDIA_PRESENT})


class RendererError(Exception):
    """The renderer could not play."""


class RendererRefusedError(RendererError):
    """The renderer refused the URL or its format (a UPnP error), or never started it."""

    def __init__(self, message: str, code: int | None = None) -> None:
        """Refused with UPnP error ``code``, when it gave one."""
        super().__init__(message)
        self.code = code


class RendererUnavailableError(RendererError):
    """The renderer did not answer (gone, or never there)."""


@dataclass(frozen=True, slots=True)
class PlayableMedia:
    """What the renderer is given: an absolute http(s) URL, its type if known, a title."""

    url: str
    mime_type: str | None
    title: str


async def async_resolve_play_media(
    hass: HomeAssistant, media_id: str, entity_id: str | None, title: str | None = None
) -> PlayableMedia:
    """Resolve ``play_media``'s id to a URL the device can fetch.

    Raises :class:`~.announce.InvalidMediaUrlError` (a ValueError) before anything is
    sent when the id is neither an http(s) URL nor a media-source id.
    """
    check_media_url(media_id)
    mime_type: str | None = None
    if is_media_source(media_id):
        resolved = await media_source.async_resolve_media(hass, media_id, entity_id)
        media_id, mime_type = resolved.url, resolved.mime_type
    url = async_process_play_media_url(hass, media_id)
    check_media_url(url)
    return PlayableMedia(url, mime_type, title or urlsplit(url).path.rsplit("/", 1)[-1])


# --- finding the renderer ---------------------------------------------------------------


class RendererLocator:
    """Finds the MediaRenderer of the device at ``host`` (see the module docstring)."""

    def __init__(
        self, host: str, *, ssdp_port: int = SSDP_PORT, search_timeout: float = SEARCH_MX + 1
    ) -> None:
        """Look on ``host`` only; M-SEARCH goes to its UDP ``ssdp_port``."""
        self.host = host
        self.ssdp_port = ssdp_port
        self.search_timeout = search_timeout
        self.found_by: str | None = None  # "ssdp" or "search" once found
        # The last description ignored by the last search: it was not on the host.
        self.ignored: str | None = None
        self._logged: set[str] = set()

    async def async_locate(self, location: str | None = None) -> str | None:
        """The description URL of the host's renderer, None when it has none.

        ``location`` is the description URL from the SSDP discovery that found the
        device, if there was one. The same locator may search again (a description
        from another host is logged once, however often it is met).
        """
        self.ignored = None
        addresses = await self._addresses(self.host)
        if location is not None and await self._same_host(location, addresses):
            self.found_by = "ssdp"
            return location
        found = await self._search(addresses)
        self.found_by = None if found is None else "search"
        return found

    async def async_on_host(self, location: str) -> bool:
        """Whether the description at ``location`` is served by the host (nothing logged)."""
        return await self._served_by(location, await self._addresses(self.host))

    async def _served_by(self, location: str, addresses: set[str]) -> bool:
        hostname = _hostname(location)
        return bool(hostname) and bool((await self._addresses(hostname or "")) & addresses)

    async def _same_host(self, location: str, addresses: set[str]) -> bool:
        """Whether ``location`` is served by the host; a foreign one is logged once."""
        if await self._served_by(location, addresses):
            return True
        self.ignored = location
        if location not in self._logged:
            self._logged.add(location)
            _LOGGER.warning(
                "Ignoring the media renderer description %s: it is not served by %s",
                location,
                self.host,
            )
        return False

    async def _addresses(self, host: str) -> set[str]:
        """The host's addresses (an address literal is its own)."""
        with contextlib.suppress(ValueError):
            return {str(ipaddress.ip_address(host.split("%", 1)[0]))}
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, None)
        except OSError:
            return set()
        return {str(ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])) for info in infos}

    async def _search(self, addresses: set[str]) -> str | None:
        """Unicast M-SEARCH for a MediaRenderer to each address of the host; the first answer."""
        loop = asyncio.get_running_loop()
        found: asyncio.Future[str] = loop.create_future()
        pending: list[asyncio.Task[bool]] = []

        def on_data(request_line: str, headers: CaseInsensitiveDict) -> None:
            location = headers.get("location")
            if (
                not request_line.startswith("HTTP/1.1 200")
                or str(headers.get("_host", "")).split("%", 1)[0] not in addresses
                or not isinstance(location, str)
            ):
                return
            task = loop.create_task(self._same_host(location, addresses))

            def taken(done: asyncio.Task[bool]) -> None:
                if not done.cancelled() and done.result() and not found.done():
                    found.set_result(location)

            task.add_done_callback(taken)
            pending.append(task)

        transports: list[asyncio.DatagramTransport] = []
        try:
            for address in sorted(addresses):
                target = (address, self.ssdp_port)
                # Listen on the local address that leads to the host, nowhere else.
                family, local_ip = await async_get_local_ip(_url(target), loop)
                transport, _ = await loop.create_datagram_endpoint(
                    lambda: SsdpProtocol(loop, on_data=on_data),
                    local_addr=(local_ip, 0),
                    family=family,
                )
                transports.append(transport)
                transport.sendto(
                    build_ssdp_search_packet(target, SEARCH_MX, MEDIA_RENDERER), target
                )
            async with asyncio.timeout(self.search_timeout):
                return await found
        except TimeoutError:
            return None
        except OSError as err:
            _LOGGER.debug("Could not search %s for a media renderer: %r", self.host, err)
            return None
        finally:
            for transport in transports:
                transport.close()
            for task in pending:
                task.cancel()


def _url(address: tuple[str, int]) -> str:
    host = f"[{address[0]}]" if ":" in address[0] else address[0]
    return f"http://{host}:{address[1]}/"


# --- the renderer -----------------------------------------------------------------------


class HostGuard(UpnpRequester):
    """Passes on requests to the renderer's host and the media URL being played, no others.

    A description may name control, event and SCPD URLs on any host; only the device's
    own are ever contacted.
    """

    def __init__(self, session: aiohttp.ClientSession, host: str) -> None:
        """Guard requests made with ``session``; ``host`` is the description's host."""
        self._requester = AiohttpSessionRequester(session, with_sleep=True)
        self.host = host
        self.media_url: str | None = None
        self.refused: list[str] = []

    async def async_http_request(self, http_request: HttpRequest) -> HttpResponse:
        """Do the request if it goes to the host or is the media URL; refuse it otherwise."""
        url = http_request.url
        if url != self.media_url and _hostname(url) != self.host:
            self.refused.append(url)
            _LOGGER.warning("Not contacting %s: not the media renderer's host %s", url, self.host)
            raise UpnpConnectionError(f"{url} is not on the media renderer's host")
        return await self._requester.async_http_request(http_request)


def _hostname(url: str) -> str | None:
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class RendererInfo:
    """Which renderer was found (for diagnostics and repairs)."""

    location: str
    name: str
    manufacturer: str
    model: str
    udn: str


class Renderer:
    """A MediaRenderer to play URLs on; implements :class:`~.announce.MediaPlayback`."""

    def __init__(
        self,
        guard: HostGuard,
        device: UpnpDevice,
        location: str,
        *,
        poll_interval: float = POLL_INTERVAL,
        start_limit: float = START_LIMIT,
    ) -> None:
        """Use ``device`` (made by :meth:`async_create`)."""
        self.guard = guard
        self._device = device
        self._dmr = DmrDevice(device, None)
        self.location = location
        self.poll_interval = poll_interval
        self.start_limit = start_limit
        self.subscribed: bool | None = None  # whether the last announcement had events
        self._changed = asyncio.Event()

    @classmethod
    async def async_create(
        cls, session: aiohttp.ClientSession, location: str, **options: float
    ) -> Renderer:
        """Read the renderer's description at ``location``."""
        guard = HostGuard(session, _hostname(location) or "")
        try:
            device = await UpnpFactory(guard, non_strict=True).async_create_device(location)
        except (UpnpError, aiohttp.ClientError, TimeoutError) as err:
            raise RendererUnavailableError(f"no renderer description at {location}") from err
        if not DmrDevice.is_profile_device(device):
            raise RendererUnavailableError(f"{location} describes no media renderer")
        return cls(guard, device, location, **options)

    @property
    def info(self) -> RendererInfo:
        """What it says it is."""
        dmr = self._dmr
        return RendererInfo(self.location, dmr.name, dmr.manufacturer, dmr.model_name, dmr.udn)

    async def play(self, url: str, title: str, *, mime_type: str | None = None) -> None:
        """Set the URI (with DIDL-Lite metadata) and play it."""
        await self._start(self._dmr, url, title, mime_type)

    async def stop(self) -> None:
        """Stop."""
        async with _errors():
            await self._transport_action(self._dmr, "Stop", InstanceID=0)

    async def play_to_end(
        self, url: str, title: str, *, limit: float, mime_type: str | None = None
    ) -> None:
        """Play ``url``; return when the renderer reports its end (TimeoutError after ``limit``)."""
        async with self._events() as dmr:
            await self._start(dmr, url, title, mime_type)
            if not self.subscribed:
                # No events: ask at once, or a short sound may be over before the first poll.
                async with _errors():
                    await dmr.async_update(do_ping=True)
            await self._wait_for_end(dmr, limit)

    async def _start(self, dmr: DmrDevice, url: str, title: str, mime_type: str | None) -> None:
        async with _errors():
            # The metadata's type comes from the media URL's headers (HEAD, or GET).
            self.guard.media_url = url
            try:
                metadata = await dmr.construct_play_media_metadata(
                    url, title, override_mime_type=mime_type
                )
            finally:
                self.guard.media_url = None
            await dmr.async_set_transport_uri(url, title, metadata)
            # Play even when the last known transport actions say otherwise: they may be stale.
            await self._transport_action(dmr, "Play", InstanceID=0, Speed="1")

    @staticmethod
    async def _transport_action(dmr: DmrDevice, name: str, **arguments: object) -> None:
        service = dmr.profile_device.service_id(AVTRANSPORT_ID)
        assert service is not None  # DmrDevice.is_profile_device checked it
        await service.action(name).async_call(**arguments)

    async def _wait_for_end(self, dmr: DmrDevice, limit: float) -> None:
        loop = asyncio.get_running_loop()
        started = loop.time()
        seen_active = False
        async with asyncio.timeout(limit):
            while True:
                state = dmr.transport_state
                if state in _ACTIVE:
                    seen_active = True
                elif state in _OVER and seen_active:
                    return
                elif not seen_active and loop.time() - started > self.start_limit:
                    raise RendererRefusedError("the renderer did not start playing")
                self._changed.clear()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self.poll_interval):
                        await self._changed.wait()
                        continue
                # Nothing heard for a while: ask (this also notices a renderer that vanished).
                async with _errors():
                    await dmr.async_update(do_ping=True)

    @contextlib.asynccontextmanager
    async def _events(self) -> AsyncIterator[DmrDevice]:
        """A DmrDevice subscribed to the renderer's events for the block, if it takes them."""
        _, local_ip = await async_get_local_ip(self.location, asyncio.get_running_loop())
        server = AiohttpNotifyServer(self.guard, (local_ip, 0))
        await server.async_start_server()
        dmr = DmrDevice(self._device, server.event_handler)
        dmr.on_event = self._on_event
        try:
            try:
                await dmr.async_subscribe_services(auto_resubscribe=True)
                self.subscribed = True
            except UpnpError as err:
                # Not evented (or refused): poll while the announcement plays.
                _LOGGER.debug("%s takes no subscription (%r): polling", self.location, err)
                self.subscribed = False
            yield dmr
        finally:
            dmr.on_event = None
            with contextlib.suppress(UpnpError, aiohttp.ClientError, TimeoutError):
                await dmr.async_unsubscribe_services()
            await server.async_stop_server()

    def _on_event(self, service: UpnpService, variables: Sequence[UpnpStateVariable[Any]]) -> None:
        self._changed.set()


@contextlib.asynccontextmanager
async def _errors() -> AsyncIterator[None]:
    """The library's errors as ours: refused (a UPnP answer) or unavailable (no answer)."""
    try:
        yield
    except UpnpActionError as err:
        code = f" (UPnP error {err.error_code})" if err.error_code else ""
        raise RendererRefusedError(
            f"the renderer refused: {err.error_desc or err}{code}", err.error_code
        ) from err
    except UpnpResponseError as err:
        raise RendererRefusedError(f"the renderer refused: {err}") from err
    except (UpnpCommunicationError, aiohttp.ClientError, TimeoutError, OSError) as err:
        raise RendererUnavailableError(f"the renderer did not answer: {err!r}") from err
    except UpnpError as err:
        raise RendererRefusedError(f"the renderer refused: {err}") from err


__all__ = [
    "MEDIA_RENDERER",
    "PlayableMedia",
    "Renderer",
    "RendererError",
    "RendererInfo",
    "RendererLocator",
    "RendererRefusedError",
    "RendererUnavailableError",
    "async_resolve_play_media",
]

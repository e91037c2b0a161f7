"""The receiver as a speaker: URLs, media sources and announcements through its renderer.

The glue between the integration and :mod:`.renderer` / :mod:`.announce`:

- :class:`Speaker` finds the device's MediaRenderer in the background once the entry is
  set up (no setup step): the location of Home Assistant's SSDP discovery for the
  device's host when there is one, otherwise a unicast ``M-SEARCH`` to that host. Only a
  renderer served by the device's own host is taken.
- It plays what ``media_player.play_media`` is given: an http(s) URL or a media-source id
  (resolved and signed), or an announcement that puts the zone back afterwards.
- :class:`CoordinatorZoneControl` is the announcer's eISCP side over the coordinator's
  state and write path: what the zone does is already known (pushed), so an announcement
  starts without asking the device anything; each change waits for the device's reply.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import logging
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

from homeassistant.components import media_source, ssdp
from homeassistant.components.media_player.browse_media import BrowseMedia
from homeassistant.components.media_player.const import MediaClass, MediaPlayerEntityFeature
from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from . import renderer as upnp
from .announce import (
    Announcer,
    InvalidMediaUrlError,
    ZoneSnapshot,
    check_media_url,
    is_media_source,
)
from .const import (
    CONF_ANNOUNCE_TIME_LIMIT,
    CONF_ANNOUNCE_VOLUME,
    DEFAULT_ANNOUNCE_TIME_LIMIT,
    DOMAIN,
)
from .eiscp import commands as cmd
from .eiscp.const import MUTE, POWER, SOURCE, VOLUME, Zone
from .eiscp.errors import QueryTimeoutError
from .eiscp.messages import Mute, PlayState, Source, Volume
from .renderer import (
    MEDIA_RENDERER,
    Renderer,
    RendererError,
    RendererLocator,
    RendererUnavailableError,
    async_resolve_play_media,
)

if TYPE_CHECKING:
    from .coordinator import OnkyoCoordinator

_LOGGER = logging.getLogger(__name__)

# The UDP port of the unicast M-SEARCH (module level, so that tests can point it at the
# virtual receiver's).
SSDP_PORT: int = upnp.SSDP_PORT
# Seconds the unicast search waits for the device's answer.
SEARCH_TIMEOUT: float = upnp.SEARCH_MX + 1
# Seconds each eISCP change of an announcement waits for the device's reply.
REPLY_TIMEOUT: Final = 5.0

SPEAKER_FEATURES: Final = (
    MediaPlayerEntityFeature.PLAY_MEDIA
    | MediaPlayerEntityFeature.MEDIA_ANNOUNCE
    | MediaPlayerEntityFeature.BROWSE_MEDIA
)


class AnnouncementTimeoutError(RendererError):
    """The renderer never reported the announcement's end within the time limit."""


class NoRendererError(RendererError):
    """A URL to play, and the device has no renderer."""


def renderer_error(err: RendererError, host: str) -> HomeAssistantError:
    """The translated error of a renderer's failure (for the action error boundary)."""
    placeholders = {"host": host, "error": str(err)}
    if isinstance(err, AnnouncementTimeoutError):
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="announcement_timeout",
            translation_placeholders=placeholders,
        )
    if isinstance(err, NoRendererError):
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="no_renderer",
            translation_placeholders=placeholders,
        )
    if isinstance(err, RendererUnavailableError):
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="renderer_unavailable",
            translation_placeholders=placeholders,
        )
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key="renderer_refused",
        translation_placeholders=placeholders,
    )


class CoordinatorZoneControl:
    """:class:`~.announce.ZoneControl` over the coordinator: its state, its write path."""

    def __init__(self, coordinator: OnkyoCoordinator, zone: Zone) -> None:
        """Control ``zone`` of the coordinator's device."""
        self.coordinator = coordinator
        self.zone = zone

    async def snapshot(self) -> ZoneSnapshot:
        """What the zone does, as pushed; only what a zone that is on never said is asked."""
        coordinator = self.coordinator
        state = coordinator.state
        zone = state.zones[self.zone]
        if zone.power:
            # Only what the device has (a network player has no inputs, some no volume).
            if zone.source is None and coordinator.capabilities.has_inputs:
                await self._ask(SOURCE[self.zone], Source)
            if coordinator.zone_capabilities(self.zone).volume.has_volume:
                if zone.volume is None:
                    await self._ask(VOLUME[self.zone], Volume)
                if zone.muted is None:
                    await self._ask(MUTE[self.zone], Mute)
        return ZoneSnapshot(
            power=zone.power is True,
            source=zone.source,
            volume=zone.volume,
            muted=zone.muted,
            net_playing=state.net.play is PlayState.PLAYING
            and coordinator.zone_plays_net(self.zone),
        )

    async def _ask(self, code: str, kind: type[Any]) -> None:
        """Ask one value (the reply updates the state); a device that does not say is left."""
        try:
            reply = await self.coordinator.async_request(cmd.query(code), code, REPLY_TIMEOUT)
        except QueryTimeoutError:
            reply = None
        if not isinstance(reply, kind):
            _LOGGER.debug("%s not known before the announcement (%r)", code, reply)

    async def set_power(self, on: bool) -> None:
        """Turn the zone on or to standby; return once the device says so."""
        await self._change(cmd.set_power(self.zone, on), POWER[self.zone])

    async def set_volume(self, level: int) -> None:
        """Set the raw volume; return once the device says so."""
        await self._change(cmd.set_volume(self.zone, level), VOLUME[self.zone])

    async def set_mute(self, muted: bool) -> None:
        """Mute or unmute; return once the device says so."""
        await self._change(cmd.set_mute(self.zone, muted), MUTE[self.zone])

    async def select_source(self, selector: str) -> None:
        """Select an input; return once the device says so."""
        await self._change(cmd.select_source(self.zone, selector), SOURCE[self.zone])

    async def play_network(self) -> None:
        """Press PLAY on the network player; return once it reports its status."""
        await self._change(cmd.net_control(self.zone, cmd.NetCommand.PLAY), "NST")

    async def stop_network(self) -> None:
        """Press STOP on the network player; return once it reports its status."""
        await self._change(cmd.net_control(self.zone, cmd.NetCommand.STOP), "NST")

    async def _change(self, message: str, reply_code: str) -> None:
        await self.coordinator.async_request(message, reply_code, REPLY_TIMEOUT)


class Speaker:
    """The device's renderer, once found, and what plays through it (main zone only)."""

    def __init__(self, coordinator: OnkyoCoordinator) -> None:
        """Nothing is searched before :meth:`async_start`."""
        self.coordinator = coordinator
        self.renderer: Renderer | None = None
        self.found_by: str | None = None
        self.announcer: Announcer | None = None
        self._listeners: set[Callable[[], None]] = set()
        self._task: asyncio.Task[None] | None = None

    @property
    def host(self) -> str:
        """The device's host."""
        return self.coordinator.client.host

    @callback
    def async_start(self) -> None:
        """Look for the renderer in the background."""
        coordinator = self.coordinator
        self._task = coordinator.entry.async_create_background_task(
            coordinator.hass, self._async_find(), "onkyo_eiscp renderer"
        )

    async def async_shutdown(self) -> None:
        """Stop looking."""
        if self._task is not None and not self._task.done():
            self._task.cancel()

    async def _async_find(self) -> None:
        hass = self.coordinator.hass
        locator = RendererLocator(self.host, ssdp_port=SSDP_PORT, search_timeout=SEARCH_TIMEOUT)
        location = await locator.async_locate(await self._discovered_location())
        if location is None:
            _LOGGER.debug("%s has no media renderer: no URL playback", self.host)
            return
        try:
            renderer = await Renderer.async_create(async_get_clientsession(hass), location)
        except RendererUnavailableError as err:
            _LOGGER.info("Media renderer of %s not usable: %s", self.host, err)
            return
        _LOGGER.debug("Media renderer of %s: %s (by %s)", self.host, location, locator.found_by)
        self.renderer, self.found_by = renderer, locator.found_by
        zone = CoordinatorZoneControl(self.coordinator, Zone.MAIN)
        self.announcer = Announcer(zone, renderer, limit=self.time_limit)
        for listener in list(self._listeners):
            listener()

    async def _discovered_location(self) -> str | None:
        """The description URL Home Assistant's SSDP discovery found on the device's host."""
        hass = self.coordinator.hass
        if "ssdp" not in hass.config.components:
            return None
        for info in await ssdp.async_get_discovery_info_by_st(hass, MEDIA_RENDERER):
            location = info.ssdp_location
            if location and _hostname(location) == self.host.lower():
                return location
        return None

    @callback
    def async_add_listener(self, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """Call ``listener`` when the renderer is found."""
        self._listeners.add(listener)
        return lambda: self._listeners.discard(listener)

    def features(self, zone: Zone) -> MediaPlayerEntityFeature:
        """What the speaker adds to ``zone``'s player: URLs, announcements, media sources."""
        if zone is Zone.MAIN and self.renderer is not None:
            return SPEAKER_FEATURES
        return MediaPlayerEntityFeature(0)

    # --- options ------------------------------------------------------------------

    @property
    def time_limit(self) -> float:
        """Seconds an announcement may play (option)."""
        options = self.coordinator.entry.options
        return float(options.get(CONF_ANNOUNCE_TIME_LIMIT, DEFAULT_ANNOUNCE_TIME_LIMIT))

    def announce_volume(self) -> int | None:
        """The raw volume of announcements (option, in % of Home Assistant's scale); None: as is."""
        percent = self.coordinator.entry.options.get(CONF_ANNOUNCE_VOLUME)
        if percent is None:
            return None
        coordinator = self.coordinator
        scale = coordinator.zone_capabilities(Zone.MAIN).volume
        if not scale.has_volume:
            return None
        return scale.to_raw(float(percent) / 100 * coordinator.volume_limit)

    # --- playing ------------------------------------------------------------------

    @staticmethod
    def handles(media_type: str, media_id: str, announce: bool) -> bool:
        """Whether ``play_media`` is the speaker's: an announcement, a URL, a media source."""
        return announce or is_media_source(media_id) or "://" in media_id or media_id[:1] == "/"

    async def async_play_media(self, entity_id: str, media_id: str, *, announce: bool) -> None:
        """Play a URL or media-source id; as an announcement that is then undone if asked.

        Raises InvalidMediaUrlError before anything is sent for anything else, and the
        renderer's errors (:func:`renderer_error` translates them).
        """
        check_media_url(media_id)
        announcer = self.announcer
        if announcer is None:
            raise NoRendererError(f"{self.host} has no media renderer")
        media = await async_resolve_play_media(self.coordinator.hass, media_id, entity_id)
        if not announce:
            await announcer.play(media.url, media.title, mime_type=media.mime_type)
            return
        announcer.limit = self.time_limit
        try:
            await announcer.announce(
                media.url, media.title, volume=self.announce_volume(), mime_type=media.mime_type
            )
        except TimeoutError as err:
            raise AnnouncementTimeoutError(f"no end reported within {announcer.limit:g} s") from err

    async def async_browse_media(
        self,
        content_id: str | None,
        device_tree: Callable[[str | None], Awaitable[BrowseMedia]] | None,
    ) -> BrowseMedia:
        """Home Assistant's media sources beside the device's own tree (``device_tree``)."""
        hass = self.coordinator.hass
        if content_id is not None and media_source.is_media_source_id(content_id):
            return await media_source.async_browse_media(hass, content_id, content_filter=_audio)
        if device_tree is None:
            return await media_source.async_browse_media(hass, None, content_filter=_audio)
        node = await device_tree(content_id)
        if content_id is None:
            sources = await media_source.async_browse_media(hass, None, content_filter=_audio)
            node.children = [*(node.children or []), sources]
            node.children_media_class = node.children_media_class or MediaClass.DIRECTORY
        return node

    def diagnostics(self) -> dict[str, Any] | None:
        """Which renderer was found (None: none)."""
        if self.renderer is None:
            return None
        info = self.renderer.info
        return {
            "found_by": self.found_by,
            "location": info.location,
            "name": info.name,
            "manufacturer": info.manufacturer,
            "model": info.model,
            "udn": info.udn,
            "events": self.renderer.subscribed,
            "announcing": self.announcer is not None and self.announcer.busy,
        }


def _audio(item: BrowseMedia) -> bool:
    """Offer what a receiver can play: audio (and folders of it)."""
    return item.media_content_type.startswith("audio/")


def _hostname(url: str) -> str | None:
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None


__all__ = [
    "SPEAKER_FEATURES",
    "AnnouncementTimeoutError",
    "CoordinatorZoneControl",
    "InvalidMediaUrlError",
    "NoRendererError",
    "Speaker",
    "renderer_error",
]

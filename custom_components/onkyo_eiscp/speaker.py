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
import dataclasses
import logging
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

from homeassistant.components import media_source, ssdp
from homeassistant.components.media_player.browse_media import BrowseMedia
from homeassistant.components.media_player.const import MediaClass, MediaPlayerEntityFeature
from homeassistant.components.ssdp.scanner import SsdpChange
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.service_info.ssdp import SsdpServiceInfo
from homeassistant.helpers.storage import Store
from homeassistant.util.hass_dict import HassKey

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
    RendererInfo,
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
# Seconds before searching again while no renderer is known: doubled after each search
# that finds none, up to RETRY_MAX; back to RETRY_FIRST when the connection comes back.
RETRY_FIRST: float = 60.0
RETRY_MAX: float = 3600.0

# Repairs (translation keys; the issue IDs end with the entry's ID).
ISSUE_LOST: Final = "renderer_lost"  # the renderer found earlier is not found any more
ISSUE_FOREIGN: Final = "renderer_foreign"  # the host pointed at another host's description
ISSUE_NONE: Final = "no_renderer"  # URLs asked, and no renderer answers on the host

# The renderer each entry found ("found earlier": a reload keeps it), loaded from the
# entry's renderer store after a restart, so that a renderer gone since is named as lost.
_FOUND: HassKey[dict[str, RendererInfo]] = HassKey(f"{DOMAIN}_renderers")
_RENDERER_STORE_VERSION: Final = 1


def renderer_store(hass: HomeAssistant, entry_id: str) -> Store[dict[str, str]]:
    """Where the renderer an entry found is kept across restarts (removed with the entry)."""
    return Store(hass, _RENDERER_STORE_VERSION, f"{DOMAIN}.renderer.{entry_id}")


async def async_forget_renderer(hass: HomeAssistant, entry_id: str) -> None:
    """The entry is removed: forget the renderer it found."""
    hass.data.get(_FOUND, {}).pop(entry_id, None)
    await renderer_store(hass, entry_id).async_remove()


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
    """The device's renderer, once found, and what plays through it (main zone only).

    Until a renderer is known it is searched for again: at once when Home Assistant's
    SSDP sees a MediaRenderer on the device's host, or when the eISCP connection comes
    back after a drop (the device may have rebooted), and otherwise on a slow schedule
    that backs off from :data:`RETRY_FIRST` to :data:`RETRY_MAX`. A renderer that stops
    answering (an action finds it gone, and its description is gone too) is searched for
    the same way. Repairs say what the user needs to know: which renderer was lost, a
    description from another host that was ignored, or that URLs were asked of a device
    where no renderer answers.
    """

    def __init__(self, coordinator: OnkyoCoordinator) -> None:
        """Nothing is searched before :meth:`async_start`."""
        self.coordinator = coordinator
        self.renderer: Renderer | None = None
        self.found_by: str | None = None
        self.announcer: Announcer | None = None
        self.searches = 0  # searches made by this speaker
        self.retry_delay = RETRY_FIRST  # seconds before the next search while none is known
        self._listeners: set[Callable[[], None]] = set()
        self._task: asyncio.Task[None] | None = None  # the search under way (or the last)
        self._check: asyncio.Task[None] | None = None  # is a renderer that failed gone?
        self._retry: CALLBACK_TYPE | None = None
        self._hint: str | None = None  # a description URL SSDP saw on the host
        self._unsubscribers: list[CALLBACK_TYPE] = []
        self._issues: set[str] = set()  # translation keys of the repairs raised
        self._stopped = False
        self._locator = RendererLocator(
            self.host, ssdp_port=SSDP_PORT, search_timeout=SEARCH_TIMEOUT
        )

    @property
    def host(self) -> str:
        """The device's host."""
        return self.coordinator.client.host

    @callback
    def async_start(self) -> None:
        """Look for the renderer in the background; watch SSDP and the connection for it."""
        coordinator = self.coordinator
        self._unsubscribers.append(coordinator.client.add_connection_listener(self._on_connection))
        if "ssdp" in coordinator.hass.config.components:
            coordinator.entry.async_create_background_task(
                coordinator.hass, self._async_watch_ssdp(), "onkyo_eiscp renderer ssdp"
            )
        self._search()

    async def async_shutdown(self) -> None:
        """Stop looking; the repairs go with the entry."""
        self._stopped = True
        self._cancel_retry()
        for unsubscribe in self._unsubscribers:
            unsubscribe()
        self._unsubscribers.clear()
        for task in (self._task, self._check):
            if task is not None and not task.done():
                task.cancel()
        for key in list(self._issues):
            self._clear_issue(key)

    # --- finding the renderer ---------------------------------------------------------

    @callback
    def _search(self) -> None:
        """Search now, unless the renderer is known or a search is under way."""
        if self._stopped or self.renderer is not None:
            return
        if self._task is not None and not self._task.done():
            return
        self._cancel_retry()
        coordinator = self.coordinator
        self._task = coordinator.entry.async_create_background_task(
            coordinator.hass, self._async_find(), "onkyo_eiscp renderer"
        )

    async def _async_find(self) -> None:
        """Search (again at once if SSDP saw the renderer meanwhile); found, or not."""
        while True:
            self.searches += 1
            hint, self._hint = self._hint, None
            renderer, found_by = await self._async_locate(hint)
            if renderer is not None:
                self._found(renderer, found_by)
                return
            if self._hint is None:
                break
        await self._async_load_known()
        self._not_found(self._locator.ignored)

    async def _async_load_known(self) -> None:
        """After a restart: the renderer found before it, from the entry's store."""
        found = self.coordinator.hass.data.setdefault(_FOUND, {})
        if self._entry_id in found:
            return
        data = await renderer_store(self.coordinator.hass, self._entry_id).async_load()
        try:
            info = RendererInfo(**data) if isinstance(data, dict) else None
        except TypeError:
            _LOGGER.warning("Ignoring a malformed saved renderer of %s: %s", self.host, data)
            return
        if info is not None:
            found.setdefault(self._entry_id, info)

    async def _async_locate(self, hint: str | None) -> tuple[Renderer | None, str | None]:
        locator = self._locator
        location = await locator.async_locate(hint or await self._discovered_location())
        if location is None:
            _LOGGER.debug("No media renderer answers on %s: no URL playback", self.host)
            return None, None
        try:
            renderer = await Renderer.async_create(
                async_get_clientsession(self.coordinator.hass), location
            )
        except RendererUnavailableError as err:
            _LOGGER.info("Media renderer of %s not usable: %s", self.host, err)
            return None, None
        _LOGGER.debug("Media renderer of %s: %s (by %s)", self.host, location, locator.found_by)
        return renderer, locator.found_by

    @callback
    def _found(self, renderer: Renderer, found_by: str | None) -> None:
        self.renderer, self.found_by = renderer, found_by
        self.retry_delay = RETRY_FIRST
        self.announcer = Announcer(
            CoordinatorZoneControl(self.coordinator, Zone.MAIN), renderer, limit=self.time_limit
        )
        found = self.coordinator.hass.data.setdefault(_FOUND, {})
        if found.get(self._entry_id) != (info := renderer.info):
            found[self._entry_id] = info
            renderer_store(self.coordinator.hass, self._entry_id).async_delay_save(
                lambda: dataclasses.asdict(info), 0
            )
        for key in (ISSUE_LOST, ISSUE_FOREIGN, ISSUE_NONE):
            self._clear_issue(key)
        self._notify()

    @callback
    def _not_found(self, ignored: str | None) -> None:
        """Say why in Repairs, where it helps; search again later."""
        known = self.coordinator.hass.data.get(_FOUND, {}).get(self._entry_id)
        if known is not None:
            self._raise_issue(ISSUE_LOST, _renderer_placeholders(known))
        if ignored is not None:
            self._raise_issue(ISSUE_FOREIGN, {"location": ignored})
        else:
            self._clear_issue(ISSUE_FOREIGN)
        if self._stopped:
            return
        self._retry = async_call_later(self.coordinator.hass, self.retry_delay, self._on_retry)
        self.retry_delay = min(self.retry_delay * 2, RETRY_MAX)

    @callback
    def _on_retry(self, _now: object) -> None:
        self._retry = None
        self._search()

    @callback
    def _cancel_retry(self) -> None:
        if self._retry is not None:
            self._retry()
            self._retry = None

    @callback
    def _on_connection(self, connected: bool) -> None:
        """Back after a drop: the device may have rebooted, its renderer with it."""
        if connected and self.renderer is None:
            self.retry_delay = RETRY_FIRST
            self._search()

    async def _async_watch_ssdp(self) -> None:
        # Answers to Home Assistant's searches carry ST, advertisements NT.
        for header in ("st", "nt"):
            unsubscribe = await ssdp.async_register_callback(
                self.coordinator.hass, self._async_on_ssdp, {header: MEDIA_RENDERER}
            )
            if self._stopped:
                unsubscribe()
            else:
                self._unsubscribers.append(unsubscribe)

    async def _async_on_ssdp(self, info: SsdpServiceInfo, change: SsdpChange) -> None:
        """A MediaRenderer seen by Home Assistant's SSDP: search there if it is the host's.

        The renderer in use saying goodbye is checked (it may be gone).
        """
        location = info.ssdp_location
        if self.renderer is not None:
            if change is SsdpChange.BYEBYE and location == self.renderer.location:
                self._start_check(self.renderer)
            return
        if (
            change is SsdpChange.BYEBYE
            or not location
            or not await self._locator.async_on_host(location)
        ):
            return
        _LOGGER.debug("SSDP sees a media renderer on %s: %s", self.host, location)
        self._hint = location
        self._search()

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
    def _start_check(self, renderer: Renderer) -> None:
        """Check whether ``renderer`` still answers; if its description is gone, lose it."""
        if self._check is None or self._check.done():
            coordinator = self.coordinator
            self._check = coordinator.entry.async_create_background_task(
                coordinator.hass, self._async_check(renderer), "onkyo_eiscp renderer check"
            )

    async def _async_check(self, renderer: Renderer) -> None:
        try:
            await Renderer.async_create(
                async_get_clientsession(self.coordinator.hass), renderer.location
            )
        except RendererUnavailableError:
            if self.renderer is not renderer:
                return
            _LOGGER.warning(
                "The media renderer of %s (%s) no longer answers; searching for it again",
                self.host,
                renderer.location,
            )
            self.renderer = self.announcer = None
            self.found_by = None
            self.retry_delay = RETRY_FIRST
            self._notify()
            self._search()

    @callback
    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener()

    # --- repairs --------------------------------------------------------------------

    @property
    def _entry_id(self) -> str:
        return self.coordinator.entry.entry_id

    @callback
    def _raise_issue(self, key: str, placeholders: dict[str, str]) -> None:
        self._issues.add(key)
        ir.async_create_issue(
            self.coordinator.hass,
            DOMAIN,
            f"{key}_{self._entry_id}",
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key=key,
            translation_placeholders={
                "title": self.coordinator.entry.title,
                "host": self.host,
                **placeholders,
            },
        )

    @callback
    def _clear_issue(self, key: str) -> None:
        if key in self._issues:
            self._issues.discard(key)
            ir.async_delete_issue(self.coordinator.hass, DOMAIN, f"{key}_{self._entry_id}")

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
            if not self._issues & {ISSUE_LOST, ISSUE_FOREIGN}:
                # Asked for, and nothing explains its absence yet: say so in Repairs.
                self._raise_issue(ISSUE_NONE, {})
            raise NoRendererError(f"{self.host} has no media renderer")
        media = await async_resolve_play_media(self.coordinator.hass, media_id, entity_id)
        try:
            if not announce:
                await announcer.play(media.url, media.title, mime_type=media.mime_type)
                return
            announcer.limit = self.time_limit
            try:
                await announcer.announce(
                    media.url,
                    media.title,
                    volume=self.announce_volume(),
                    mime_type=media.mime_type,
                )
            except TimeoutError as err:
                limit = announcer.limit
                raise AnnouncementTimeoutError(f"no end reported within {limit:g} s") from err
        except RendererUnavailableError:
            if self.renderer is not None:
                self._start_check(self.renderer)
            raise

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


def _renderer_placeholders(info: RendererInfo) -> dict[str, str]:
    """What a repair names of a renderer: its name, model and description URL."""
    return {"name": info.name, "model": info.model, "location": info.location}


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

"""The device's own lists in the media browser: browse, play, queue and search them.

The browser's root (from :mod:`.browse`) offers the zone's network services and presets;
this module adds its storage inputs and makes services and storage expand into the
lists the device shows for them, walked by the library's :class:`ListNavigator`. Every
item carries its content id (``eiscp:nsv:0E/Music/Jazz/Jazz%20FM``): a stable string that
plays after a restart and after another controller moved the device.

One navigator per config entry, made on first use from the coordinator's client (so its
sends take the one paced write path) and closed when the entry unloads. It waits for
lists without blocking anything: pushes keep reaching the state while a browse waits.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
import contextlib
from dataclasses import dataclass, field
import logging
from pathlib import Path
from typing import Final

from homeassistant.components.media_player.browse_media import (
    BrowseMedia,
    SearchMedia,
    SearchMediaQuery,
)
from homeassistant.components.media_player.const import (
    MediaClass,
    MediaPlayerEnqueue,
    MediaPlayerEntityFeature,
    MediaType,
)
from homeassistant.components.media_player.errors import BrowseError, SearchError
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.util.hass_dict import HassKey

from . import browse
from .browse import Labels
from .const import DOMAIN
from .coordinator import OnkyoCoordinator, action_errors
from .eiscp import commands as cmd
from .eiscp.const import Zone
from .eiscp.lists import (
    PLAY_QUEUE,
    ContentId,
    ContentIdError,
    Icon,
    Item,
    ItemClass,
    ListError,
    Listing,
    ListNavigator,
    ListProtocol,
    QueueAdd,
    Source,
    SourceKind,
    Step,
    service_icon,
)

_LOGGER = logging.getLogger(__name__)

_DATA: HassKey[dict[str, DeviceLists]] = HassKey(f"{DOMAIN}_lists")
_ICONS: HassKey[dict[str, bytes]] = HassKey(f"{DOMAIN}_browse_icons")
ICON_FILES: Final = Path(__file__).parent / "browse_icons"

type ImageUrl = Callable[[str, str], str]

STORAGE = "storage"
STORAGE_SELECTORS: Final = frozenset({"29", "2A", "2C"})  # USB front, rear, toggle
PAGE_SIZE: Final = 50  # items per browser page on devices that list 10 lines at a time
MORE: Final = "more:"  # a page's id: "more:<start>:<content id>"

# Item class -> the browser's class, the media type play_media is given, and whether it
# plays; a folder plays from its first item, like the device's "Play" entries.
_CLASSES: Final = {
    ItemClass.FOLDER: (MediaClass.DIRECTORY, MediaType.MUSIC),
    ItemClass.PLAYLIST: (MediaClass.PLAYLIST, MediaType.PLAYLIST),
    ItemClass.TRACK: (MediaClass.TRACK, MediaType.TRACK),
    ItemClass.STATION: (MediaClass.CHANNEL, MediaType.CHANNEL),
    ItemClass.PLAY: (MediaClass.MUSIC, MediaType.MUSIC),
    ItemClass.SEARCH: (MediaClass.DIRECTORY, MediaType.MUSIC),
    ItemClass.UNKNOWN: (MediaClass.DIRECTORY, MediaType.MUSIC),
}
_ENQUEUE: Final = {
    MediaPlayerEnqueue.ADD: QueueAdd.LAST,
    MediaPlayerEnqueue.NEXT: QueueAdd.NEXT,
    MediaPlayerEnqueue.PLAY: QueueAdd.NOW,
    MediaPlayerEnqueue.REPLACE: QueueAdd.NOW,
}


@dataclass(slots=True)
class DeviceLists:
    """A device's navigator and the search items found per service."""

    navigator: ListNavigator
    searches: dict[Source, list[Item]] = field(default_factory=dict)


def device_lists(coordinator: OnkyoCoordinator) -> DeviceLists:
    """The entry's navigator, made on first use and closed when the entry unloads."""
    cache = coordinator.hass.data.setdefault(_DATA, {})
    entry = coordinator.entry
    lists = cache.get(entry.entry_id)
    if lists is None:
        lists = cache[entry.entry_id] = DeviceLists(ListNavigator(coordinator.client))

        def close() -> None:
            del cache[entry.entry_id]
            lists.navigator.close()

        entry.async_on_unload(close)
    return lists


def storage_inputs(coordinator: OnkyoCoordinator, zone: Zone) -> dict[str, str]:
    """Selector id -> name of the zone's USB/storage inputs."""
    return {
        sid: name for sid, name in coordinator.sources(zone).items() if sid in STORAGE_SELECTORS
    }


def _queue_sources(coordinator: OnkyoCoordinator, zone: Zone) -> set[Source]:
    """The sources whose items can join the play queue (NRI ``addqueue="1"``)."""
    info = coordinator.info
    if PLAY_QUEUE not in browse.services(coordinator, zone):
        return set()
    offered = browse.services(coordinator, zone)
    inputs = storage_inputs(coordinator, zone)
    return {Source.service(s.id) for s in info.net_services if s.addqueue and s.id in offered} | {
        Source.input(s.id) for s in info.selectors if s.addqueue and s.id in inputs
    }


def features(coordinator: OnkyoCoordinator, zone: Zone) -> MediaPlayerEntityFeature:
    """What the zone's player offers of browsing, searching and queueing."""
    found = MediaPlayerEntityFeature(0)
    if browse.can_browse(coordinator, zone) or storage_inputs(coordinator, zone):
        found |= MediaPlayerEntityFeature.BROWSE_MEDIA | MediaPlayerEntityFeature.SEARCH_MEDIA
    if _queue_sources(coordinator, zone):
        found |= MediaPlayerEntityFeature.MEDIA_ENQUEUE
    return found


# --- browsing ----------------------------------------------------------------------------


async def async_browse(
    coordinator: OnkyoCoordinator,
    zone: Zone,
    content_id: str | None,
    image_url: ImageUrl | None = None,
) -> BrowseMedia:
    """The browser node ``content_id``: the root, a group, a device list or a page of one.

    ``image_url`` (the player's ``get_browse_image_url``) gives items their icons.
    """
    labels = await browse.async_labels(coordinator.hass, image_url)
    if content_id in (None, browse.ROOT):
        root = browse.browse(coordinator, zone, None, labels)
        if inputs := storage_inputs(coordinator, zone):
            children = list(root.children or [])
            at = 1 if browse.services(coordinator, zone) else 0
            children.insert(at, _group(labels, STORAGE, _storage_nodes(labels, inputs)))
            root.children = children
        return root
    if content_id == browse.SERVICES:
        services = browse.services(coordinator, zone)
        return _group(labels, browse.SERVICES, _service_nodes(labels, services))
    if content_id == STORAGE:
        inputs = storage_inputs(coordinator, zone)
        return _group(labels, STORAGE, _storage_nodes(labels, inputs))
    if content_id.startswith((MORE, "eiscp:")):
        with _errors(coordinator, BrowseError):
            return await _browse_list(coordinator, zone, content_id, labels)
    return browse.browse(coordinator, zone, content_id, labels)  # presets, or unknown_media


async def async_browse_image(
    hass: HomeAssistant, content_type: str, content_id: str
) -> tuple[bytes | None, str | None]:
    """An icon of the browser (``icon``, its name): an SVG shipped with the integration."""
    if content_type != browse.ICON or content_id not in set(Icon):
        return None, None
    icons = hass.data.setdefault(_ICONS, {})
    if content_id not in icons:
        path = ICON_FILES / f"{content_id}.svg"
        icons[content_id] = await hass.async_add_executor_job(path.read_bytes)
    return icons[content_id], "image/svg+xml"


async def _browse_list(
    coordinator: OnkyoCoordinator, zone: Zone, content_id: str, labels: Labels
) -> BrowseMedia:
    start = 0
    if content_id.startswith(MORE):
        offset, _, content_id = content_id.removeprefix(MORE).partition(":")
        if not offset.isdigit():
            raise ContentIdError(f"not a page of a list: {content_id!r}")
        start = int(offset)
    cid = ContentId.parse(content_id)
    _check_source(coordinator, zone, cid)
    navigator = device_lists(coordinator).navigator
    count = None if navigator.protocol is ListProtocol.XML else PAGE_SIZE
    listing = await navigator.browse(cid, start=start, count=count, zone=zone)
    items = list(listing.items)
    end = start + len(items)
    if end < listing.total and navigator.protocol is ListProtocol.XML:
        # The first list read found the device gives its lists whole: read the rest.
        rest = await navigator.browse(cid, start=end, zone=zone)
        items += rest.items
        end += len(rest.items)
    children = [_item_node(labels, item) for item in items]
    if end < listing.total:
        last = min(end + PAGE_SIZE, listing.total)
        children.append(
            BrowseMedia(
                media_class=MediaClass.DIRECTORY,
                media_content_id=f"{MORE}{end}:{cid}",
                media_content_type=MediaType.MUSIC,
                title=labels.title("page", first=end + 1, last=last, total=listing.total),
                can_play=False,
                can_expand=True,
                thumbnail=labels.thumbnail(Icon.FOLDER),
            )
        )
    return _list_node(labels, cid, listing, children)


def _list_node(
    labels: Labels, cid: ContentId, listing: Listing, children: list[BrowseMedia]
) -> BrowseMedia:
    """A list: a source's top (it starts), a folder (plays from its first item), results."""
    top = not cid.path
    service = top and cid.source.kind is SourceKind.SERVICE
    queue = service and cid.source.code == PLAY_QUEUE
    return BrowseMedia(
        media_class=MediaClass.APP if service else MediaClass.DIRECTORY,
        media_content_id=str(cid),
        media_content_type=MediaType.APP if service else MediaType.MUSIC,
        title=labels.title("play_queue") if queue else listing.title,
        thumbnail=labels.thumbnail(service_icon(cid.source)) if top else None,
        can_play=top or isinstance(cid.path[-1], Step),
        can_expand=True,
        can_search=any(item.item_class is ItemClass.SEARCH for item in listing.items),
        children=children,
        children_media_class=_children_class(children),
    )


def _children_class(children: list[BrowseMedia]) -> MediaClass | str | None:
    classes = {child.media_class for child in children}
    return classes.pop() if len(classes) == 1 else MediaClass.DIRECTORY if classes else None


def _item_node(labels: Labels, item: Item) -> BrowseMedia:
    media_class, media_type = _CLASSES[item.item_class]
    return BrowseMedia(
        media_class=media_class,
        media_content_id=str(item.content_id),
        media_content_type=media_type,
        title=item.title,
        can_play=item.can_play,
        can_expand=item.can_expand,
        can_search=item.item_class is ItemClass.SEARCH and item.selectable,
        thumbnail=labels.thumbnail(item.icon),
    )


def _service_nodes(labels: Labels, services: dict[str, str]) -> list[BrowseMedia]:
    return [
        BrowseMedia(
            media_class=MediaClass.APP,
            media_content_id=str(ContentId(source)),
            media_content_type=MediaType.APP,
            title=name,
            can_play=True,
            can_expand=True,
            thumbnail=labels.thumbnail(service_icon(source)),
        )
        for sid, name in services.items()
        for source in [Source.service(sid)]
    ]


def _storage_nodes(labels: Labels, inputs: dict[str, str]) -> list[BrowseMedia]:
    return [
        BrowseMedia(
            media_class=MediaClass.DIRECTORY,
            media_content_id=str(ContentId(Source.input(sid))),
            media_content_type=MediaType.MUSIC,
            title=name,
            can_play=True,
            can_expand=True,
            thumbnail=labels.thumbnail(Icon.USB),
        )
        for sid, name in inputs.items()
    ]


def _group(labels: Labels, content_id: str, children: list[BrowseMedia]) -> BrowseMedia:
    """The services or the storage inputs, titled by its id's translation."""
    icon = Icon.USB if content_id == STORAGE else Icon.STREAMING
    return BrowseMedia(
        media_class=MediaClass.DIRECTORY,
        media_content_id=content_id,
        media_content_type=MediaType.APPS,
        title=labels.title(content_id),
        can_play=False,
        can_expand=True,
        children=children,
        children_media_class=_children_class(children),
        thumbnail=labels.thumbnail(icon),
    )


def _check_source(coordinator: OnkyoCoordinator, zone: Zone, cid: ContentId) -> None:
    """A content id's source must be one the zone offers (else nothing is sent)."""
    if cid.source.kind is SourceKind.SERVICE:
        offered = browse.services(coordinator, zone)
    else:
        offered = storage_inputs(coordinator, zone)
    if cid.source.code not in offered:
        raise ContentIdError(f"{cid.source.code} is not a source of this zone in {cid}")


# --- playing -----------------------------------------------------------------------------


async def async_play(
    coordinator: OnkyoCoordinator,
    zone: Zone,
    media_id: str,
    enqueue: MediaPlayerEnqueue | None,
    start_service: Callable[[str], Awaitable[None]],
) -> None:
    """Play (or queue) the item ``media_id`` names; the zone is turned on first.

    A service's own id starts it through ``start_service`` (the player's service path).
    """
    cid = ContentId.parse(media_id)
    _check_source(coordinator, zone, cid)
    how = None if enqueue is None else _ENQUEUE[MediaPlayerEnqueue(enqueue)]
    if how is not None and cid.path and cid.source.code != PLAY_QUEUE:
        if cid.source not in _queue_sources(coordinator, zone):
            names = browse.services(coordinator, zone) | storage_inputs(coordinator, zone)
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="queue_unsupported",
                translation_placeholders={"source": names.get(cid.source.code, str(cid))},
            )
    else:
        how = None
    if not cid.path and cid.source.kind is SourceKind.SERVICE:
        await start_service(cid.source.code)
        return
    state = coordinator.state.zones[zone]
    if state.power is not True:
        await coordinator.async_send(cmd.set_power(zone, True))
    if cid.source.kind is SourceKind.SERVICE and state.source != browse.NET_SELECTOR:
        await coordinator.async_send(cmd.select_source(zone, browse.NET_SELECTOR))
    elif not cid.path:
        await coordinator.async_send(cmd.select_source(zone, cid.source.code))
        return
    navigator = device_lists(coordinator).navigator
    if how is None:
        await navigator.play(cid, zone=zone)
        return
    if enqueue == MediaPlayerEnqueue.REPLACE:
        await navigator.clear_queue()
    await navigator.enqueue(cid, how, zone=zone)


# --- searching ---------------------------------------------------------------------------


async def async_search(
    coordinator: OnkyoCoordinator,
    zone: Zone,
    query: SearchMediaQuery,
    image_url: ImageUrl | None = None,
) -> SearchMedia:
    """Presets and services by name, then each service's own search, as playable results.

    With a content id, only that source's (or that search item's) search runs.
    """
    text = query.search_query.strip()
    if not text:
        raise SearchError(translation_domain=DOMAIN, translation_key="empty_search")
    labels = await browse.async_labels(coordinator.hass, image_url)
    results: list[BrowseMedia] = []
    with _errors(coordinator, SearchError):
        if query.media_content_id and query.media_content_id.startswith("eiscp:"):
            cid = ContentId.parse(query.media_content_id)
            _check_source(coordinator, zone, cid)
            if cid.path:  # a search item, or a list holding one
                navigator = device_lists(coordinator).navigator
                listing = await navigator.search(cid, text, zone=zone)
                results = [_item_node(labels, item) for item in listing.items]
            else:
                results = await _source_searches(coordinator, zone, cid.source, text, labels)
        else:
            results = _by_name(coordinator, zone, text, labels)
            for sid in browse.services(coordinator, zone):
                if sid != PLAY_QUEUE:
                    source = Source.service(sid)
                    results += await _source_searches(coordinator, zone, source, text, labels)
    if wanted := query.media_filter_classes:
        results = [node for node in results if node.media_class in wanted]
    return SearchMedia(result=results)


def _by_name(
    coordinator: OnkyoCoordinator, zone: Zone, text: str, labels: Labels
) -> list[BrowseMedia]:
    wanted = text.casefold()
    presets = browse.browse(coordinator, zone, browse.PRESETS, labels).children or []
    services = _service_nodes(labels, browse.services(coordinator, zone))
    return [node for node in (*presets, *services) if wanted in node.title.casefold()]


async def _source_searches(
    coordinator: OnkyoCoordinator, zone: Zone, source: Source, text: str, labels: Labels
) -> list[BrowseMedia]:
    """Run ``text`` through the searches a source offers (found once, then kept).

    A source whose lists fail, or whose search fails, adds nothing: others may find it.
    """
    lists = device_lists(coordinator)
    navigator = lists.navigator
    if source not in lists.searches:
        try:
            lists.searches[source] = await navigator.find_searches(source, zone=zone)
        except ListError as err:
            _LOGGER.debug("No searches of %s: %s", source, err)
            return []
    results: list[BrowseMedia] = []
    for item in lists.searches[source]:
        try:
            listing = await navigator.search(item.content_id, text, zone=zone)
        except ListError as err:
            _LOGGER.debug("Search %s failed: %s", item.content_id, err)
            continue
        results += [_item_node(labels, found) for found in listing.items]
    return results


# --- errors ------------------------------------------------------------------------------


@contextlib.contextmanager
def _errors(
    coordinator: OnkyoCoordinator, kind: type[BrowseError] | type[SearchError]
) -> Iterator[None]:
    """The action boundary's translated errors, raised as ``kind`` (what the browser shows)."""
    try:
        with action_errors(coordinator.client.host):
            yield
    except HomeAssistantError as err:
        if err.translation_key is None:
            raise  # pragma: no cover - the boundary translates every error
        raise kind(
            translation_domain=DOMAIN,
            translation_key=err.translation_key,
            translation_placeholders=err.translation_placeholders,
        ) from err


__all__ = [
    "async_browse",
    "async_browse_image",
    "async_play",
    "async_search",
    "device_lists",
    "features",
    "storage_inputs",
]

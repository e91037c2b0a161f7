"""Browse and play what a device lists: services, storage, folders, tracks, stations, search.

A device shows one list at a time, shared by every controller: NLT gives its title and
position (service, layer count, cursor, item count), NLA its items as XML (read in pages
with ``NLAL``, an item selected with ``NLAI``), or, on older firmware that answers no
NLA, NLS its 10-line pages (``NLSL``/``NLSI`` select). :class:`ListNavigator` drives
that through a :class:`~.client.Client`, so every send takes the client's paced write
path and pushes keep flowing while it waits.

Content ids (:class:`ContentId`) name an item by its source (a network service opened
with NSV, or an input selected with SLI) and the titles on the way to it, so they survive
a restart and another controller moving the device. Before each selection the navigator
checks that the device still shows the list it read (NLT's service, layers, title and
item count, and the item at that index); when another controller moved it, it walks
again from the source's top, and it never selects an item it has not just seen.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Sequence
import contextlib
from dataclasses import dataclass, field
from enum import StrEnum
import logging
import re
from typing import Final
from urllib.parse import quote, unquote

from . import commands, parser
from .commands import NetCommand, QueueAdd
from .const import Zone
from .errors import ConnectionClosedError, EiscpError
from .interface import ReceiverClient
from .messages import (
    Keyboard,
    KeyboardCategory,
    ListLayer,
    ListLine,
    ListTitle,
    ListUI,
    ListUpdate,
    ListXml,
    Message,
    NotAvailable,
    PlayState,
    PlayStatus,
    Popup,
    RawMessage,
    Title,
)

_LOGGER = logging.getLogger(__name__)

PLAY_QUEUE: Final = "1D"
"""NSV/NLT service code of the Play Queue."""

LINES_PER_PAGE: Final = 10
_MAX_LAYERS_BACK: Final = 16

# Services whose playable items are radio stations (NLT/NSV service codes).
RADIO_SERVICES: Final = frozenset({"02", "03", "04", "06", "0C", "0E", "13", "F2"})


# --- errors ---------------------------------------------------------------------------


class ListError(EiscpError):
    """Browsing or playing from a list failed; the message says what and where."""


class ContentIdError(ListError, ValueError):
    """A content id that is malformed or names no item this library can walk to."""


class ListTimeoutError(ListError):
    """The device did not show or send a list in time."""


class ListRefusedError(ListError):
    """The device refused a list request (NLA status E, or N/A); carries its message."""

    def __init__(self, message: str, *, code: str = "", device_message: str = "") -> None:
        """``code``/``device_message`` are the device's own, as sent."""
        super().__init__(message)
        self.code = code
        self.device_message = device_message


class MalformedListError(ListError):
    """The device sent a list the hardened XML parser refuses."""


class ItemNotFoundError(ListError):
    """An item of a content id is not (or no longer) in its list."""

    def __init__(self, missing: str, where: str) -> None:
        """``missing``: the title not found; ``where``: the list it was looked for in."""
        super().__init__(f"{missing!r} is not in {where!r}")
        self.missing = missing
        self.where = where


class IndexOutOfRangeError(ListError, ValueError):
    """An index past the end of a list."""


class DialogError(ListError):
    """The device opened a popup or a keyboard (a login, a message) instead of a list."""

    def __init__(self, message: str, *, dialog: str) -> None:
        """``dialog``: what opened (``keyboard:01``, ``popup:<title>``)."""
        super().__init__(message)
        self.dialog = dialog


class ListMovedError(ListError):
    """Another controller kept moving the device while a walk checked its position."""


class _MovedError(Exception):
    """Internal: the device does not show what a walk expects (walk again)."""


# --- content ids ----------------------------------------------------------------------


class SourceKind(StrEnum):
    """How a source's top list is opened."""

    SERVICE = "nsv"  # a network service: NSV
    INPUT = "sli"  # a USB/storage input: SLI


@dataclass(frozen=True, slots=True)
class Source:
    """A network service (NSV code) or a storage input (selector id)."""

    kind: SourceKind
    code: str  # two uppercase hex digits

    @classmethod
    def service(cls, code: str) -> Source:
        """A network service by its NSV code ("0E" TuneIn Radio, "F0" USB, ...)."""
        return cls(SourceKind.SERVICE, _hex2(code))

    @classmethod
    def input(cls, selector: str) -> Source:
        """A storage input by its selector id ("29" USB front, ...)."""
        return cls(SourceKind.INPUT, _hex2(selector))


@dataclass(frozen=True, slots=True)
class Step:
    """Select the ``occurrence``-th item titled ``title`` (1: the first) in the shown list."""

    title: str
    occurrence: int = 1

    def __str__(self) -> str:
        """Escaped, with ``#n`` for a later occurrence of the same title."""
        text = quote(self.title, safe="")
        return text if self.occurrence == 1 else f"{text}#{self.occurrence}"


@dataclass(frozen=True, slots=True)
class Query:
    """Type ``text`` into the keyboard the previous step opened (a search)."""

    text: str

    def __str__(self) -> str:
        """``?`` and the escaped text."""
        return "?" + quote(self.text, safe="")


type PathStep = Step | Query

_SCHEME: Final = "eiscp"
_HEAD: Final = re.compile(r"eiscp:(nsv|sli):([0-9A-Fa-f]{2})")
_OCCURRENCE: Final = re.compile(r"(.*)#([1-9][0-9]{0,4})")


@dataclass(frozen=True, slots=True)
class ContentId:
    """A stored way to an item: its source and the steps from the source's top list.

    Its string form (``eiscp:nsv:0E/Music/Jazz%20FM``) is stable: titles are
    percent-escaped, a repeated title is told apart by ``#n``, a search query is ``?text``.
    """

    source: Source
    path: tuple[PathStep, ...] = ()

    def __str__(self) -> str:
        """The storable string."""
        head = f"{_SCHEME}:{self.source.kind.value}:{self.source.code}"
        return head + "".join(f"/{step}" for step in self.path)

    @classmethod
    def parse(cls, text: str) -> ContentId:
        """The content id written as ``text``; ContentIdError when malformed."""
        head, *parts = text.split("/")
        match = _HEAD.fullmatch(head)
        if match is None:
            raise ContentIdError(f"not a list content id: {text!r}")
        path: list[PathStep] = []
        for part in parts:
            if not part:
                raise ContentIdError(f"empty step in content id {text!r}")
            if part.startswith("?"):
                if not path or isinstance(path[-1], Query) or len(part) == 1:
                    raise ContentIdError(f"a search query must follow an item: {text!r}")
                path.append(Query(unquote(part[1:])))
                continue
            title, occurrence = part, 1
            if found := _OCCURRENCE.fullmatch(part):
                title, occurrence = found.group(1), int(found.group(2))
            path.append(Step(unquote(title), occurrence))
        return cls(Source(SourceKind(match.group(1)), match.group(2).upper()), tuple(path))

    def child(self, step: PathStep) -> ContentId:
        """The id one step further."""
        return ContentId(self.source, (*self.path, step))

    @property
    def parent(self) -> ContentId:
        """The id of the list this item is in (the source's top for a top-level item)."""
        return ContentId(self.source, self.path[:-1])


def _hex2(code: str) -> str:
    if not re.fullmatch(r"[0-9A-Fa-f]{2}", code):
        raise ContentIdError(f"not two hex digits: {code!r}")
    return code.upper()


# --- items ----------------------------------------------------------------------------


class ItemClass(StrEnum):
    """What an item is, from the spec's icon types (NLA ``icontype``/``iconid``, NLS property)."""

    FOLDER = "folder"  # folders, artists, albums, servers, storage
    PLAYLIST = "playlist"
    TRACK = "track"
    STATION = "station"  # a playable item of a radio service
    PLAY = "play"  # a "Play" entry: starts the list it is in
    SEARCH = "search"  # opens the device's keyboard
    UNKNOWN = "unknown"  # the device gave no icon: a folder or something playable


_CONTAINERS: Final = frozenset({ItemClass.FOLDER, ItemClass.PLAYLIST, ItemClass.UNKNOWN})
_PLAYABLE: Final = frozenset(
    {ItemClass.TRACK, ItemClass.STATION, ItemClass.PLAY, ItemClass.UNKNOWN}
)
# NLA icontype (and NLS property): letters for classes; "0".."3" mark the playing track.
_BY_ICON_TYPE: Final = {
    "F": ItemClass.FOLDER,
    "A": ItemClass.FOLDER,
    "B": ItemClass.FOLDER,
    "N": ItemClass.FOLDER,
    "a": ItemClass.FOLDER,
    "c": ItemClass.FOLDER,
    "d": ItemClass.FOLDER,
    "e": ItemClass.FOLDER,
    "P": ItemClass.PLAYLIST,
    "b": ItemClass.PLAYLIST,
    "S": ItemClass.SEARCH,
    "M": ItemClass.TRACK,
    "T": ItemClass.TRACK,
    "G": ItemClass.STATION,
}
_PLAYING_ICON_TYPES: Final = frozenset("0123")
_BY_ICON_ID: Final = {
    **dict.fromkeys(
        ("29", "2A", "2B", "2C", "31", "37", "38", "39", "3C", "3D", "3E", "40", "44"),
        ItemClass.FOLDER,
    ),
    **dict.fromkeys(("3A", "3B"), ItemClass.PLAYLIST),
    **dict.fromkeys(("2D", "2E", "3F"), ItemClass.TRACK),
    **dict.fromkeys(("2F", "42"), ItemClass.STATION),
    **dict.fromkeys(("36", "41"), ItemClass.PLAY),
    "43": ItemClass.SEARCH,
}  # fmt: skip


def classify(icon_type: str, icon_id: str, service: str) -> tuple[ItemClass, bool]:
    """An item's class and whether it is the one playing, from its icons and its service."""
    playing = icon_type in _PLAYING_ICON_TYPES
    item_class = _BY_ICON_TYPE.get(icon_type)
    if item_class is None:
        item_class = ItemClass.TRACK if playing else _BY_ICON_ID.get(icon_id.upper())
    if item_class is None:
        item_class = ItemClass.UNKNOWN
    if item_class is ItemClass.TRACK and service in RADIO_SERVICES:
        item_class = ItemClass.STATION
    return item_class, playing


class Icon(StrEnum):
    """The picture a controller shows for an item, a service or a storage input.

    From the item's icon type and id (NLA ``icontype``/``iconid``, NLS line property)
    where they say more than its class (an artist, an album, a server, USB), else from
    its class; for a service from its NSV code.
    """

    FOLDER = "folder"
    PLAYLIST = "playlist"
    TRACK = "track"
    STATION = "station"
    PLAY = "play"
    SEARCH = "search"
    ARTIST = "artist"
    ALBUM = "album"
    SERVER = "server"
    USB = "usb"
    ACCOUNT = "account"
    FAVORITE = "favorite"
    QUEUE = "queue"
    RADIO = "radio"  # a radio service
    STREAMING = "streaming"  # a music streaming service


_ICON_BY_TYPE: Final = {
    "A": Icon.ARTIST,
    "B": Icon.ALBUM,
    "N": Icon.SERVER,
    "a": Icon.ACCOUNT,
    "c": Icon.FAVORITE,
}
_ICON_BY_ID: Final = {
    "2B": Icon.SERVER,
    "2C": Icon.SERVER,
    "31": Icon.USB,
    "37": Icon.ACCOUNT,
    "38": Icon.ACCOUNT,
    "39": Icon.ALBUM,
    "3C": Icon.FAVORITE,
    "3E": Icon.ARTIST,
}
_ICON_BY_CLASS: Final = {
    ItemClass.FOLDER: Icon.FOLDER,
    ItemClass.PLAYLIST: Icon.PLAYLIST,
    ItemClass.TRACK: Icon.TRACK,
    ItemClass.STATION: Icon.STATION,
    ItemClass.PLAY: Icon.PLAY,
    ItemClass.SEARCH: Icon.SEARCH,
}
# Services by NSV code; a code not here (a new service) gets no icon.
_SERVICE_ICONS: Final = {
    **dict.fromkeys(("00", "11"), Icon.SERVER),  # Music Server (DLNA), Home Media
    "01": Icon.FAVORITE,
    **dict.fromkeys(RADIO_SERVICES, Icon.RADIO),
    **dict.fromkeys(
        ("05", "07", "08", "09", "0A", "0B", "0D", "0F", "10", "12", "1A", "1B", "1C"),
        Icon.STREAMING,
    ),
    PLAY_QUEUE: Icon.QUEUE,
    **dict.fromkeys(("F0", "F1"), Icon.USB),
}  # fmt: skip


def item_icon(icon_type: str, icon_id: str, item_class: ItemClass) -> Icon | None:
    """An item's icon; None when the device gave none (and its class is unknown)."""
    icon = _ICON_BY_TYPE.get(icon_type)
    if icon is None and icon_type not in _BY_ICON_TYPE:  # a type that names a class decides
        icon = _ICON_BY_ID.get(icon_id.upper())
    return icon or _ICON_BY_CLASS.get(item_class)


def service_icon(source: Source) -> Icon | None:
    """A source's icon: its service's kind (radio, streaming, server...), USB for an input."""
    if source.kind is SourceKind.INPUT:
        return Icon.USB
    return _SERVICE_ICONS.get(source.code)


@dataclass(frozen=True, slots=True)
class Item:
    """One item of a list, with the content id that plays or opens it."""

    index: int
    title: str
    item_class: ItemClass
    content_id: ContentId
    selectable: bool = True
    playing: bool = False
    icon_type: str = ""
    icon_id: str = ""

    @property
    def can_expand(self) -> bool:
        """Whether it opens a list (a search opens one only with a query)."""
        return self.selectable and self.item_class in _CONTAINERS

    @property
    def icon(self) -> Icon | None:
        """What to picture it with (see :class:`Icon`)."""
        return item_icon(self.icon_type, self.icon_id, self.item_class)

    @property
    def can_play(self) -> bool:
        """Whether :meth:`ListNavigator.play` can start it (a folder plays its first item)."""
        return self.selectable and self.item_class is not ItemClass.SEARCH


@dataclass(frozen=True, slots=True)
class Listing:
    """A list as the device showed it."""

    content_id: ContentId
    title: str
    service: str  # NLT's service code
    total: int
    items: tuple[Item, ...]
    start: int = 0


class ListProtocol(StrEnum):
    """How the device gives its lists."""

    XML = "xml"  # NLA, all items, read in pages
    LINES = "lines"  # NLS, 10 lines at a time (older firmware)


# --- the navigator --------------------------------------------------------------------


@dataclass(slots=True)
class _Raw:
    """An item as read, before it gets its content id."""

    title: str
    icon_type: str
    icon_id: str
    selectable: bool


@dataclass(slots=True)
class _Page:
    """The 10-line page NLS shows (older firmware)."""

    start: int | None = None  # absolute index of line 0, once known
    shows: ListTitle | None = None  # the NLT of the list the page belongs to
    cursor_line: int | None = None
    lines: dict[int, tuple[str, str]] = field(default_factory=dict)  # line -> (text, prop)


@dataclass(slots=True)
class _Waiter:
    accept: Callable[[Message], bool]
    future: asyncio.Future[Message]
    dialogs: bool


class ListNavigator:
    """Walks one device's lists through a connected :class:`Client` (see module docstring).

    One operation runs at a time (the device has one list position). Each wait gives up
    after ``timeout`` seconds; a device that answers ``NLAL`` with N/A or not within
    ``probe_timeout`` is read through its NLS lines from then on.
    """

    def __init__(
        self,
        client: ReceiverClient,
        *,
        zone: Zone = Zone.MAIN,
        page_size: int = 100,
        timeout: float = 5.0,
        probe_timeout: float = 1.5,
        walk_attempts: int = 3,
    ) -> None:
        """Navigate through ``client`` (connected; the caller owns it)."""
        self._client = client
        self._zone = zone
        self._active = zone  # the zone of the operation under way
        self._page_size = page_size
        self._timeout = timeout
        self._probe_timeout = probe_timeout
        self._walk_attempts = walk_attempts
        self._lock = asyncio.Lock()
        self._waiters: list[_Waiter] = []
        self._sequence = 0
        self._title: ListTitle | None = None
        self._page = _Page()
        self._protocol: ListProtocol | None = None
        # Where our last walk left the device: the id and the NLT seen at each depth.
        self._at: ContentId | None = None
        self._trail: tuple[ListTitle, ...] = ()
        # The items read of each list on the trail, by the list's identity (its NLT), so
        # that reading a later page (or finding an item again) does not walk the list from
        # its top again. Dropped when the device changes a list (NLU), when a list leaves
        # the trail, when a walk opens the source again (as after a lost connection), and
        # when the device no longer has an item where it was read.
        self._read_items: dict[_ListKey, dict[int, _Raw]] = {}
        self._unsubscribe = (
            client.add_message_listener(self._on_message),
            client.add_connection_listener(self._on_connection),
        )

    def close(self) -> None:
        """Stop listening to the client."""
        for unsubscribe in self._unsubscribe:
            unsubscribe()

    @property
    def protocol(self) -> ListProtocol | None:
        """How this device gives its lists, once known."""
        return self._protocol

    # --- public operations ----------------------------------------------------------

    async def browse(
        self,
        content_id: ContentId | str,
        *,
        start: int = 0,
        count: int | None = None,
        zone: Zone | None = None,
    ) -> Listing:
        """Open the list ``content_id`` names (a source's top, a folder, a search) and read it.

        ``start``/``count`` read a part (default: all of it); IndexOutOfRangeError when
        ``start`` is past the end. ``zone`` (default: the navigator's) is the zone whose
        keys (NTC/NTZ/...) and input selector (SLI/SLZ/...) a walk uses.
        """
        cid = _content_id(content_id)
        async with self._using(zone):
            title = await self._restoring(self._walk(cid))
            return await self._listing(cid, title, start, count)

    async def search(
        self, content_id: ContentId | str, query: str, *, zone: Zone | None = None
    ) -> Listing:
        """Run the search item ``content_id`` (or the first search item in that list) for ``query``.

        The results' content ids play with :meth:`play` like any browsed item.
        """
        cid = _content_id(content_id)
        if not query.strip():
            raise ContentIdError("an empty search")
        commands.keyboard_input(query)  # a query the wire cannot carry: ValueError, nothing sent
        if (
            not cid.path
            or not isinstance(cid.path[-1], Step)
            or not await self._is_search(cid, zone)
        ):
            cid = await self._find_search(cid, zone)
        return await self.browse(cid.child(Query(query)), zone=zone)

    async def find_searches(
        self, source: Source, *, depth: int = 2, zone: Zone | None = None
    ) -> list[Item]:
        """The search items of ``source``, looked for ``depth`` lists deep (cache them).

        Folders that open a dialog (a login, a premium notice) are passed over.
        """
        found: list[Item] = []
        lists = [ContentId(source)]
        for level in range(depth):
            deeper: list[ContentId] = []
            for cid in lists:
                try:
                    listing = await self.browse(cid, zone=zone)
                except DialogError:
                    continue
                found += [i for i in listing.items if i.item_class is ItemClass.SEARCH]
                if level + 1 < depth:
                    deeper += [i.content_id for i in listing.items if i.can_expand]
            lists = deeper
        return found

    async def play(self, content_id: ContentId | str, *, zone: Zone | None = None) -> None:
        """Walk to the item and start it; a folder or playlist plays from its first item."""
        cid = _content_id(content_id)
        if not cid.path or isinstance(cid.path[-1], Query):
            raise ContentIdError(f"{cid} is a list, not an item")
        async with self._using(zone):
            await self._restoring(self._play(cid))

    async def enqueue(
        self,
        content_id: ContentId | str,
        how: QueueAdd = QueueAdd.LAST,
        *,
        zone: Zone | None = None,
    ) -> None:
        """Add the item (a track, or a folder) to the play queue with PQA."""
        cid = _content_id(content_id)
        if not cid.path or isinstance(cid.path[-1], Query):
            raise ContentIdError(f"{cid} is a list, not an item")
        async with self._using(zone):
            await self._restoring(self._enqueue(cid, how))

    async def clear_queue(self) -> None:
        """Empty the play queue (PQR)."""
        await self._client.send(commands.clear_queue())

    async def queue(self, *, zone: Zone | None = None) -> Listing:
        """The play queue's items (its items play with :meth:`play`)."""
        return await self.browse(ContentId(Source.service(PLAY_QUEUE)), zone=zone)

    async def back(self, *, zone: Zone | None = None) -> None:
        """One list up (NTC RETURN)."""
        async with self._using(zone):
            self._at = None
            await self._client.send(commands.net_control(self._active, NetCommand.RETURN))

    async def top(self, *, zone: Zone | None = None) -> None:
        """To the top menu (NTC TOP)."""
        async with self._using(zone):
            self._at = None
            await self._client.send(commands.net_control(self._active, NetCommand.TOP))

    @contextlib.asynccontextmanager
    async def _using(self, zone: Zone | None) -> AsyncIterator[None]:
        """Hold the device's one list position for an operation from ``zone``."""
        async with self._lock:
            self._active = self._zone if zone is None else zone
            yield

    async def _restoring[T](self, operation: Coroutine[None, None, T]) -> T:
        """Run ``operation``; when an item is missing, walk back to where the device was."""
        origin = self._at
        try:
            return await operation
        except ItemNotFoundError:
            if origin is not None and origin != self._at:
                try:
                    await self._walk_once(origin)
                except (ListError, _MovedError) as err:
                    _LOGGER.debug("Could not walk back to %s: %s", origin, err)
            raise

    # --- messages ---------------------------------------------------------------------

    def _moved_to(self, at: ContentId, trail: tuple[ListTitle, ...]) -> None:
        """Our walk left the device at ``at``; keep the items read of the lists on its trail."""
        self._at, self._trail = at, trail
        kept = {_list_key(title) for title in trail}
        for key in [key for key in self._read_items if key not in kept]:
            del self._read_items[key]

    def _on_message(self, message: Message) -> None:
        if isinstance(message, ListTitle):
            self._title = message
        elif isinstance(message, ListLine):
            self._feed_line(message)
        elif isinstance(message, ListUpdate):
            self._read_items.clear()  # the device changed a list: read it again
        dialog = _dialog(message)
        for waiter in list(self._waiters):
            if waiter.future.done():
                continue
            if waiter.dialogs and dialog is not None:
                waiter.future.set_exception(
                    DialogError(f"the device opened a {dialog}", dialog=dialog)
                )
            elif waiter.accept(message):
                waiter.future.set_result(message)

    def _on_connection(self, connected: bool) -> None:
        """A lost connection ends every wait at once; the position must be found again."""
        if connected:
            return
        self._at, self._page = None, _Page()
        for waiter in self._waiters:
            if not waiter.future.done():
                waiter.future.set_exception(ConnectionClosedError("connection lost"))

    def _feed_line(self, line: ListLine) -> None:
        page = self._page
        if line.info_type == "C":
            page.cursor_line = line.line
            if line.property == "P":  # a new page (after its NLT): its lines follow
                page.lines = {}
                title = page.shows = self._title
                page.start = 0 if title is None or line.line is None else title.cursor - line.line
        elif line.line is not None:
            page.lines[line.line] = (line.text, line.property)

    async def _exchange[M: Message](
        self,
        send: str | None,
        accept: Callable[[Message], bool],
        kind: type[M],
        what: str,
        *,
        timeout: float | None = None,
        dialogs: bool = True,
    ) -> M:
        """Send ``send`` (if any) and wait for the first message ``accept`` takes."""
        waiter = self._expect(accept, dialogs=dialogs)
        message = await self._await(
            waiter, what, sends=() if send is None else (send,), timeout=timeout
        )
        assert isinstance(message, kind)
        return message

    async def _title_reply(self) -> ListTitle:
        message = await self._exchange(
            "NLTQSTN",
            lambda m: m.code == "NLT" and isinstance(m, ListTitle | NotAvailable),
            Message,
            "list title (NLT)",
            dialogs=False,
        )
        if not isinstance(message, ListTitle):
            raise ListRefusedError("the device shows no list now (NLT N/A)")
        return message

    # --- walking ----------------------------------------------------------------------

    async def _walk(self, cid: ContentId) -> ListTitle:
        """Make the device show the list ``cid`` names; its NLT."""
        return await self._again(cid, lambda: self._walk_once(cid))

    async def _again[T](self, cid: ContentId, attempt: Callable[[], Awaitable[T]]) -> T:
        """Run ``attempt``; while another controller moves the device, walk again."""
        for _attempt in range(self._walk_attempts):
            try:
                return await attempt()
            except _MovedError as err:
                _LOGGER.debug("The device moved during a walk to %s (%s); again", cid, err)
                self._at = None
        raise ListMovedError(f"the device kept moving while walking to {cid}")

    async def _walk_once(self, cid: ContentId) -> ListTitle:
        current = await self._title_reply()
        at, trail = self._at, self._trail
        if (
            at is not None
            and at.source == cid.source
            and cid.path[: len(at.path)] == at.path
            and trail
            and _same_list(current, trail[-1])
            and (self._protocol is not ListProtocol.LINES or at == cid)
        ):
            done = len(at.path)
        else:
            current = await self._open(cid.source)
            trail, done = (current,), 0
            self._moved_to(ContentId(cid.source), trail)
        path = cid.path
        index = done
        while index < len(path):
            step = path[index]
            if isinstance(step, Query):
                raise ContentIdError(f"a search query without a search item in {cid}")
            query = path[index + 1] if index + 1 < len(path) else None
            found = await self._find(current, step, ContentId(cid.source, path[:index]))
            if isinstance(query, Query):
                if found.item_class is not ItemClass.SEARCH:
                    raise ContentIdError(f"{step.title!r} is not a search in {cid}")
                current = await self._run_search(current, found, query)
                index += 2
            else:
                if not found.can_expand:
                    raise ContentIdError(f"{step.title!r} is not a folder in {cid}")
                current = await self._enter(current, found)
                index += 1
            trail = (*trail, current)
            self._moved_to(ContentId(cid.source, path[:index]), trail)
        return current

    async def _open(self, source: Source) -> ListTitle:
        """Show ``source``'s top list (read afresh: nothing read before is kept)."""
        self._page = _Page()
        self._read_items.clear()
        if source.kind is SourceKind.SERVICE:
            message = await self._exchange(
                commands.select_net_service(source.code),
                lambda m: (
                    (isinstance(m, ListTitle) and m.service == source.code)
                    or (isinstance(m, NotAvailable) and m.code == "NSV")
                ),
                Message,
                f"top list of service {source.code}",
            )
            if isinstance(message, NotAvailable):
                raise ListRefusedError(f"the device cannot open service {source.code} (N/A)")
            assert isinstance(message, ListTitle)
            return message
        await self._client.send(commands.select_source(self._active, source.code))
        title = await self._title_reply()
        for _ in range(_MAX_LAYERS_BACK):
            if title.layer is not ListLayer.UNDER_2ND_LAYER and title.ui is not ListUI.PLAYBACK:
                return title
            title = await self._exchange(
                commands.net_control(self._active, NetCommand.RETURN),
                lambda m: isinstance(m, ListTitle),
                ListTitle,
                f"the top list of input {source.code}",
            )
        raise ListTimeoutError(f"input {source.code} shows no top list")

    async def _find(self, title: ListTitle, step: Step, parent: ContentId) -> Item:
        """The item ``step`` names in the list shown (reading pages until found)."""
        seen = 0
        start = 0
        while start < title.items:
            count = min(self._page_size, title.items - start)
            raws = await self._read(title, start, count)
            for offset, raw in enumerate(raws):
                if raw.title == step.title:
                    seen += 1
                    if seen == step.occurrence:
                        return _item(parent, title.service, start + offset, raw, step)
            start += len(raws)
        raise ItemNotFoundError(str(step) if step.occurrence > 1 else step.title, title.title)

    async def _verify(self, expected: ListTitle, item: Item) -> ListTitle:
        """Check the device still shows ``expected`` with ``item`` at its index."""
        now = await self._title_reply()
        if not _same_list(now, expected):
            raise _MovedError(f"shows {now.title!r}, expected {expected.title!r}")
        try:
            raws = await self._read(now, item.index, 1, fresh=True)
        except ListRefusedError as err:
            raise _MovedError(str(err)) from err
        if not raws or raws[0].title != item.title:
            self._read_items.pop(_list_key(now), None)
            raise _MovedError(f"item {item.index} is no longer {item.title!r}")
        return now

    async def _choose(
        self,
        title: ListTitle,
        item: Item,
        accept: Callable[[Message], bool],
        what: str,
        *,
        dialogs: bool = True,
    ) -> Message:
        """Verify ``item``, select it, and wait for what ``accept`` takes.

        A device that refuses the selection (NLA status E: the list changed) means another
        controller moved it: _MovedError. A dialog instead is closed, and DialogError raised.
        """
        title = await self._verify(title, item)
        sequence = self._next_sequence()

        def outcome(m: Message) -> bool:
            refused = isinstance(m, ListXml) and m.sequence == sequence and not m.success
            return refused or accept(m)

        waiter = self._expect(outcome, dialogs=dialogs)
        shown, self._page = self._page.start, _Page()
        if self._protocol is not ListProtocol.LINES:
            select = commands.select_list_item(sequence, title.layers, item.index)
        elif shown is not None and 0 <= item.index - shown < LINES_PER_PAGE:
            select = commands.select_list_line(item.index - shown)
        else:
            select = commands.select_list_index(item.index)
        try:
            message = await self._await(waiter, what, sends=(select,))
        except DialogError:
            await self._leave_dialog()
            raise
        if isinstance(message, ListXml):
            raise _MovedError(f"the device refused to select {item.title!r}")
        return message

    async def _enter(self, title: ListTitle, item: Item) -> ListTitle:
        """Select a container and wait for its list."""
        message = await self._choose(
            title,
            item,
            lambda m: isinstance(m, ListTitle) and not _same_list(m, title),
            f"the list of {item.title!r}",
        )
        assert isinstance(message, ListTitle)
        if message.ui in (ListUI.POPUP, ListUI.KEYBOARD):
            await self._leave_dialog()
            raise DialogError(
                f"{item.title!r} opened a dialog, not a list", dialog=f"ui:{message.ui.value}"
            )
        if not _deeper(message, title):
            raise _MovedError(f"shows {message.title!r} after selecting {item.title!r}")
        return message

    async def _run_search(self, title: ListTitle, item: Item, query: Query) -> ListTitle:
        """Select a search item, type ``query`` into its keyboard, wait for the results."""
        message = await self._choose(
            title,
            item,
            lambda m: (
                (isinstance(m, Keyboard) and m.category is not KeyboardCategory.OFF)
                or isinstance(m, Popup)
            ),
            f"the keyboard of {item.title!r}",
            dialogs=False,
        )
        if isinstance(message, Popup):
            await self._leave_dialog()
            raise DialogError(f"{item.title!r} opened a popup", dialog=f"popup:{message.title}")
        assert isinstance(message, Keyboard)
        if message.is_login:
            await self._leave_dialog()
            raise DialogError(
                f"{item.title!r} asks for a login", dialog=f"keyboard:{message.category.value}"
            )
        results = self._expect(
            lambda m: (
                isinstance(m, ListTitle)
                and m.ui in (ListUI.LIST, ListUI.MENU)
                and not _same_list(m, title)
            )
        )
        try:
            found = await self._await(
                results,
                f"results of the search {query.text!r}",
                sends=(commands.keyboard_input(query.text),),
            )
        except ListError:
            await self._leave_dialog()
            raise
        assert isinstance(found, ListTitle)
        if not _deeper(found, title):
            raise _MovedError(f"shows {found.title!r} after searching {query.text!r}")
        return found

    async def _leave_dialog(self) -> None:
        """Close a dialog the walk opened (NTC RETURN), so the device shows a list again."""
        self._at = None
        try:
            await self._exchange(
                commands.net_control(self._active, NetCommand.RETURN),
                lambda m: isinstance(m, ListTitle) and m.ui in (ListUI.LIST, ListUI.MENU),
                ListTitle,
                "a list after closing the dialog",
                timeout=min(self._timeout, 2.0),
                dialogs=False,
            )
        except ListError as err:
            _LOGGER.debug("Closing a dialog: %s", err)

    # --- play and queue -----------------------------------------------------------------

    async def _play(self, cid: ContentId) -> None:
        step = cid.path[-1]
        assert isinstance(step, Step)

        async def attempt() -> None:
            parent = await self._walk_once(cid.parent)
            item = await self._find(parent, step, cid.parent)
            if item.item_class is ItemClass.SEARCH:
                raise ContentIdError(f"{step.title!r} is a search: search it with a query")
            if item.can_expand and item.item_class is not ItemClass.UNKNOWN:
                inside = await self._enter(parent, item)
                self._moved_to(cid, (*self._trail, inside))
                await self._start(inside, await self._first_playable(inside, cid))
            else:
                await self._start(parent, item)

        await self._again(cid, attempt)

    async def _first_playable(self, title: ListTitle, cid: ContentId) -> Item:
        start = 0
        while start < title.items:
            raws = await self._read(title, start, min(self._page_size, title.items - start))
            for offset, raw in enumerate(raws):
                item = _item(cid, title.service, start + offset, raw, Step(raw.title))
                if item.selectable and item.item_class in _PLAYABLE - {ItemClass.UNKNOWN}:
                    return item
            start += len(raws)
        raise ItemNotFoundError("something playable", title.title)

    async def _start(self, title: ListTitle, item: Item) -> None:
        """Select a playable item and wait until the device plays."""
        await self._choose(
            title,
            item,
            lambda m: (
                (isinstance(m, PlayStatus) and m.play is PlayState.PLAYING) or isinstance(m, Title)
            ),
            f"playback of {item.title!r}",
        )

    async def _enqueue(self, cid: ContentId, how: QueueAdd) -> None:
        step = cid.path[-1]
        assert isinstance(step, Step)

        async def attempt() -> Item:
            parent = await self._walk_once(cid.parent)
            item = await self._find(parent, step, cid.parent)
            await self._verify(parent, item)
            return item

        item = await self._again(cid, attempt)
        # A device answers in order: an N/A to PQA comes before the reply to the NLT query
        # sent after it, and no answer at all means it took the item.
        outcome = self._expect(
            lambda m: m.code in ("PQA", "NLT") and isinstance(m, NotAvailable | ListTitle),
            dialogs=False,
        )
        sends = (commands.add_to_queue(item.index, how), "NLTQSTN")
        if isinstance(await self._await(outcome, "an answer to PQA", sends=sends), NotAvailable):
            raise ListRefusedError(f"the device cannot queue {item.title!r} (N/A)")

    # --- reading ----------------------------------------------------------------------

    async def _listing(
        self, cid: ContentId, title: ListTitle, start: int, count: int | None
    ) -> Listing:
        if start < 0 or (start >= title.items and not (start == 0 and title.items == 0)):
            raise IndexOutOfRangeError(
                f"index {start} is past the end of {title.title!r} ({title.items} items)"
            )
        end = title.items if count is None else min(title.items, start + max(count, 0))
        items: list[Item] = []
        seen: dict[str, int] = {}
        if start:  # occurrences count from the list's start
            for raw in await self._read_range(title, 0, start):
                seen[raw.title] = seen.get(raw.title, 0) + 1
        for offset, raw in enumerate(await self._read_range(title, start, end)):
            seen[raw.title] = seen.get(raw.title, 0) + 1
            step = Step(raw.title, seen[raw.title])
            items.append(_item(cid, title.service, start + offset, raw, step))
        return Listing(cid, title.title, title.service, title.items, tuple(items), start)

    async def _read_range(self, title: ListTitle, start: int, end: int) -> list[_Raw]:
        raws: list[_Raw] = []
        while start + len(raws) < end:
            first = start + len(raws)
            page = await self._read(title, first, min(self._page_size, end - first))
            raws.extend(page)
        return raws

    async def _read(
        self, title: ListTitle, start: int, count: int, *, fresh: bool = False
    ) -> list[_Raw]:
        """Items ``start``.. of the list shown (at least one, at most ``count``).

        Items already read of this list come from memory unless ``fresh``: then, and for
        the others, the device is asked.
        """
        if start >= title.items:
            raise IndexOutOfRangeError(
                f"index {start} is past the end of {title.title!r} ({title.items} items)"
            )
        known = self._read_items.setdefault(_list_key(title), {})
        if not fresh and start in known:
            raws: list[_Raw] = []
            for index in range(start, min(start + count, title.items)):
                if (raw := known.get(index)) is None:
                    break
                raws.append(raw)
            return raws
        raws_read = None
        if self._protocol is not ListProtocol.LINES:
            raws_read = await self._read_xml(title, start, count)
        if raws_read is None:
            raws_read = await self._read_lines(title, start, count)
        known.update(enumerate(raws_read, start))
        return raws_read

    async def _read_xml(self, title: ListTitle, start: int, count: int) -> list[_Raw] | None:
        sequence = self._next_sequence()

        def accept(m: Message) -> bool:
            if isinstance(m, ListXml):
                return m.sequence == sequence
            return m.code == "NLA" and isinstance(m, NotAvailable | RawMessage)

        probing = self._protocol is None
        try:
            reply = await self._exchange(
                commands.request_list(sequence, title.layers, start, count),
                accept,
                Message,
                f"items of {title.title!r} (NLA)",
                timeout=self._probe_timeout if probing else None,
            )
        except ListTimeoutError:
            # Silence is older firmware only if its NLS page came with the list's NLT.
            if not probing or self._page.shows is None:
                raise
            reply = NotAvailable(code="NLA", raw="")
        if isinstance(reply, NotAvailable):
            if not probing:
                raise ListRefusedError(f"the device answers no list for {title.title!r} (N/A)")
            _LOGGER.debug("No NLA from the device: reading its NLS lines")
            self._protocol = ListProtocol.LINES
            return None
        if isinstance(reply, RawMessage):
            try:
                parser.parse_list_xml(reply.raw)
            except parser.ListXmlError as err:
                raise MalformedListError(
                    f"the device sent a list that cannot be read: {err}"
                ) from err
            raise MalformedListError(
                "the device sent a list that cannot be read"
            )  # pragma: no cover
        assert isinstance(reply, ListXml)
        self._protocol = ListProtocol.XML
        if not reply.success:
            detail = reply.error_message or "no reason given"
            raise ListRefusedError(
                f"the device refused the list {title.title!r}: {detail}",
                code=reply.error_code,
                device_message=reply.error_message,
            )
        if not reply.items:
            raise ListRefusedError(f"the device sent no items of {title.title!r} from {start}")
        return [_Raw(i.title, i.icon_type, i.icon_id, i.selectable) for i in reply.items[:count]]

    async def _read_lines(self, title: ListTitle, start: int, count: int) -> list[_Raw]:
        """The page holding ``start``, moving the cursor there (NTC DOWN/UP) if needed."""
        page_start = start - start % LINES_PER_PAGE
        page = self._page
        if page.start != page_start or not self._page_complete(title):
            cursor = (
                page.start + page.cursor_line
                if (page.start is not None and page.cursor_line is not None)
                else title.cursor
            )
            if page.start == page_start and page.start is not None:
                moves: list[str] = []
            else:
                key = NetCommand.DOWN if page_start > cursor else NetCommand.UP
                target = page_start if page_start > cursor else page_start + LINES_PER_PAGE - 1
                moves = [commands.net_control(self._active, key)] * abs(target - cursor)
            await self._await_page(title, page_start, moves)
        page = self._page
        raws: list[_Raw] = []
        for line in range(start - page_start, min(LINES_PER_PAGE, title.items - page_start)):
            if len(raws) >= count:
                break
            text, prop = page.lines[line]
            raws.append(_Raw(text, prop if prop != "-" else "", "", True))
        return raws

    def _page_complete(self, title: ListTitle) -> bool:
        page = self._page
        if page.start is None:
            return False
        wanted = min(LINES_PER_PAGE, title.items - page.start)
        return all(line in page.lines for line in range(wanted))

    async def _await_page(self, title: ListTitle, page_start: int, moves: list[str]) -> None:
        loop = asyncio.get_running_loop()
        for move in moves:
            await self._client.send(move)
        deadline = loop.time() + self._timeout
        while not (self._page.start == page_start and self._page_complete(title)):
            shows = self._page.shows
            if shows is not None and not _same_list(shows, title):
                raise _MovedError(f"shows the lines of {shows.title!r}, not {title.title!r}")
            if loop.time() > deadline:
                raise ListTimeoutError(f"no lines of {title.title!r} from the device (NLS)")
            waiting = self._expect(lambda m: isinstance(m, ListLine), dialogs=True)
            await self._await(waiting, f"lines of {title.title!r} (NLS)")

    # --- waiting helpers --------------------------------------------------------------

    def _expect(self, accept: Callable[[Message], bool], *, dialogs: bool = True) -> _Waiter:
        """Start waiting for a message before sending what causes it."""
        future: asyncio.Future[Message] = asyncio.get_running_loop().create_future()
        waiter = _Waiter(accept, future, dialogs)
        self._waiters.append(waiter)
        return waiter

    async def _await(
        self,
        waiter: _Waiter,
        what: str,
        *,
        sends: Sequence[str] = (),
        timeout: float | None = None,
    ) -> Message:
        """Send ``sends``, then wait for ``waiter``; it is gone afterwards, whatever happens."""
        try:
            for message in sends:
                await self._client.send(message)
            async with asyncio.timeout(self._timeout if timeout is None else timeout):
                return await waiter.future
        except TimeoutError as err:
            raise ListTimeoutError(f"no {what} from the device") from err
        finally:
            self._waiters.remove(waiter)
            if not waiter.future.done():
                waiter.future.cancel()
            elif not waiter.future.cancelled():
                waiter.future.exception()  # retrieved: a failed send may have left it unread

    def _next_sequence(self) -> int:
        self._sequence = (self._sequence + 1) & 0xFFFF
        return self._sequence

    async def _is_search(self, cid: ContentId, zone: Zone | None) -> bool:
        listing = await self.browse(cid.parent, zone=zone)
        return any(
            item.content_id == cid and item.item_class is ItemClass.SEARCH for item in listing.items
        )

    async def _find_search(self, cid: ContentId, zone: Zone | None) -> ContentId:
        listing = await self.browse(cid, zone=zone)
        for item in listing.items:
            if item.item_class is ItemClass.SEARCH and item.selectable:
                return item.content_id
        raise ItemNotFoundError("a search", listing.title)


def _content_id(content_id: ContentId | str) -> ContentId:
    return content_id if isinstance(content_id, ContentId) else ContentId.parse(content_id)


type _ListKey = tuple[str, ListUI, ListLayer, int, int, str]


def _list_key(title: ListTitle) -> _ListKey:
    """A list's identity as the device reports it (NLT without the cursor)."""
    return (title.service, title.ui, title.layer, title.layers, title.items, title.title)


def _same_list(a: ListTitle, b: ListTitle) -> bool:
    return _list_key(a) == _list_key(b)


def _deeper(child: ListTitle, parent: ListTitle) -> bool:
    """Whether ``child`` is a list one layer under ``parent`` (not another controller's move)."""
    return child.service == parent.service and child.layers == parent.layers + 1


def _item(parent: ContentId, service: str, index: int, raw: _Raw, step: Step) -> Item:
    item_class, playing = classify(raw.icon_type, raw.icon_id, service)
    return Item(
        index=index,
        title=raw.title,
        item_class=item_class,
        content_id=parent.child(step),
        selectable=raw.selectable,
        playing=playing,
        icon_type=raw.icon_type,
        icon_id=raw.icon_id,
    )


def _dialog(message: Message) -> str | None:
    """What dialog ``message`` says the device opened, None for anything else."""
    if isinstance(message, Keyboard) and message.category is not KeyboardCategory.OFF:
        return f"keyboard:{message.category.value}"
    if isinstance(message, Popup):
        return f"popup:{message.title}"
    return None


__all__ = [
    "PLAY_QUEUE",
    "ContentId",
    "ContentIdError",
    "DialogError",
    "Icon",
    "IndexOutOfRangeError",
    "Item",
    "ItemClass",
    "ItemNotFoundError",
    "ListError",
    "ListMovedError",
    "ListNavigator",
    "ListProtocol",
    "ListRefusedError",
    "ListTimeoutError",
    "Listing",
    "MalformedListError",
    "Query",
    "QueueAdd",
    "Source",
    "SourceKind",
    "Step",
    "classify",
    "item_icon",
    "service_icon",
]

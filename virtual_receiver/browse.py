"""The lists a device shows a controller: trees per service, NLT/NLA/NLS, search and play queue.

A device has one list position, shared by every controller. It tells all of them where it
is with NLT (service, UI type, layer, cursor, item count, layers, title) and the 10 lines of
the page shown with NLS; a controller asks for items with ``NLAL`` and gets them, to itself
only, as an NLA XML reply carrying its sequence number, and selects with ``NLAI`` (or, on
older firmware that answers NLA with N/A, ``NLSL``/``NLSI``). An ``NLAL``/``NLAI`` whose
layer count is not the shown list's is refused with an NLA status E, as the list changed.

The trees: TuneIn Radio with the seed's nine-item top menu (stations, a station search
that answers keyboard input, a login that opens the keyboard, a premium item that opens a
custom popup); a Music Server with one DLNA server (artists, albums, tracks, a playlist) and
one that is asleep (a text popup, NPU, says so); USB
storage (the seed's album, nested folders, a folder of 1,000 tracks); the Play Queue.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from .player import Player
from .state import Track

PAGE_LINES: Final = 10
NET_TOP: Final = "F3"
PLAY_QUEUE: Final = "1D"
QUEUE_SOURCES: Final = frozenset({"00", "F0", "F1"})  # addqueue="1" in NRI
LIST_LIMIT: Final = 100  # most items one NLA reply carries
BIG_FOLDER_SIZE: Final = 1000

# Item kind -> (NLA icontype, NLA iconid, NLS property), per the spec's icon tables.
ICONS: Final = {
    "service": ("N", "2B", "F"),
    "server": ("N", "2B", "F"),
    "folder": ("F", "29", "F"),
    "artist": ("A", "29", "A"),
    "album": ("B", "29", "B"),
    "playlist": ("P", "29", "P"),
    "track": ("M", "2D", "M"),
    "station": ("M", "2D", "M"),
    "program": ("G", "2F", "M"),
    "play": ("", "36", "-"),
    "search": ("S", "2F", "S"),
    "login": ("F", "29", "a"),
    "premium": ("F", "29", "F"),
    "asleep": ("N", "2C", "F"),  # a server that does not answer
}
_CONTAINERS: Final = frozenset({"service", "server", "folder", "artist", "album", "playlist"})
_PLAYABLE: Final = frozenset({"track", "station", "program"})

_PREMIUM_POPUP: Final = (
    '<?xml version="1.0" encoding="utf-8"?><popup title="TuneIn Premium" align="center" '
    'type="custom" time="0" uri="resource:///popup"><label title="" align="center" total="1" '
    'uri="resource:///popup/label:0"><line text="Subscribe to TuneIn Premium to listen." '
    'align="left" uri="resource:///popup/label/line:0" order="0" /></label><buttongroup '
    'title="" align="center" total="1" uri="resource:///popup/buttongroup:0"><button text="OK" '
    'align="center" uri="/button:0" selected="false" index="0" www="" order="1" />'
    "</buttongroup></popup>"
)


@dataclass(eq=False)
class Node:
    """An item of a list; containers hold the list it opens."""

    title: str
    kind: str
    children: list[Node] = field(default_factory=list)
    track: Track | None = None
    service: str = ""  # for the NET top's service items

    @property
    def playable(self) -> bool:
        """Whether selecting it plays."""
        return self.kind in _PLAYABLE


def _tracks(artist: str, album: str, titles: list[str], length: int = 40) -> list[Node]:
    return [
        Node(title, "track", track=Track(title, artist, album, length + n % 7))
        for n, title in enumerate(titles)
    ]


def _stations(titles: list[str], kind: str = "station") -> list[Node]:
    return [Node(t, kind, track=Track(t, "TuneIn", "Live", 0, "MP3/128kbps/")) for t in titles]


def tunein() -> Node:
    """TuneIn Radio: the seed's nine-item top menu."""
    jazz = _stations(["Jazz FM", "Smooth Jazz Loopback", "Blue Note Radio"])
    rock = _stations(["Rock Antenne", "Classic Rock 127"])
    classical = _stations(["Klassik Radio", "Baroque Stream"])
    return Node(
        "TuneIn Radio",
        "service",
        [
            Node("My Presets", "folder", _stations(["Radio Paradise", "FIP", "Jazz FM"])),
            Node("Local Radio", "folder", _stations(["Loopback FM", "Localhost 101", "Radio 127"])),
            Node(
                "Music",
                "folder",
                [
                    Node("Search Stations", "search"),
                    Node("Jazz", "folder", jazz),
                    Node("Rock", "folder", rock),
                    Node("Classical", "folder", classical),
                ],
            ),
            Node("Talk", "folder", _stations(["Talk Radio 50", "News & Views"])),
            Node(
                "Sports",
                "folder",
                [*_stations(["Sports Live"]), Node("Premium Sports", "premium")],
            ),
            Node(
                "By Location",
                "folder",
                [Node("Europe", "folder", _stations(["Radio Swiss Jazz", "BBC Radio 3"]))],
            ),
            Node("By Language", "folder", _stations(["Radio Français"])),
            Node(
                "Podcasts",
                "folder",
                [Node("Loopback Talk", "folder", _stations(["Episode 1", "Episode 2"], "program"))],
            ),
            Node("Login", "login"),
        ],
    )


def music_server() -> Node:
    """A Music Server with one DLNA server: artists, albums, tracks, a playlist."""
    hosts = _tracks("The Loopback Quartet", "Local Hosts", ["Morning Signal", "Half-Open Socket"])
    frames = _tracks(
        "Pacing & The Frames", "Header Size Sixteen", ["Fifty Milliseconds", "Carriage Return"]
    )
    mix = _tracks("Various", "Evening Mix", ["Morning Signal", "Carriage Return"])
    return Node(
        "Music Server",
        "service",
        [
            Node(
                "Loopback Media Server",
                "server",
                [
                    Node(
                        "Artists",
                        "folder",
                        [
                            Node(
                                "The Loopback Quartet",
                                "artist",
                                [Node("Local Hosts", "album", [Node("Play All", "play"), *hosts])],
                            ),
                            Node(
                                "Pacing & The Frames",
                                "artist",
                                [Node("Header Size Sixteen", "album", frames)],
                            ),
                        ],
                    ),
                    Node("Playlists", "folder", [Node("Evening Mix", "playlist", mix)]),
                ],
            ),
            Node("Sleeping NAS", "asleep"),
        ],
    )


SEED_ALBUM: Final = [
    "Happy Boys & Girls", "My Oh My", "Barbie Girl", "Good Morning Sunshine", "Doctor Jones",
    "Heat Of The Night", "Be A Man", "Lollipop (Candyman)", "Roses Are Red", "Turn Back Time",
    "Calling You",
]  # fmt: skip


def usb() -> Node:
    """USB storage: the seed's album, nested folders, a folder of 1,000 tracks, repeats."""
    big = _tracks(
        "Loopback", "Big Folder", [f"Track {n:04d}" for n in range(1, 1 + BIG_FOLDER_SIZE)]
    )
    deep = Node("Level 3", "folder", _tracks("Deep", "Nested", ["Deep Track"]))
    return Node(
        "USB",
        "service",
        [
            Node(
                "Music",
                "folder",
                [
                    Node(
                        "Aqua",
                        "folder",
                        [
                            Node(
                                "Aquarium (1997)", "folder", _tracks("Aqua", "Aquarium", SEED_ALBUM)
                            )
                        ],
                    )
                ],
            ),
            Node("Big Folder", "folder", big),
            Node("Nested", "folder", [Node("Level 2", "folder", [deep])]),
            Node("Repeats", "folder", _tracks("Various", "Repeats", ["Intro", "Intro", "Outro"])),
        ],
    )


def _search(query: str) -> list[Node]:
    """TuneIn's station search: every station whose title holds ``query``."""
    found: dict[str, Node] = {}
    stack = [tunein()]
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        if node.kind == "station" and query.casefold() in node.title.casefold():
            found.setdefault(node.title, node)
    return sorted(found.values(), key=lambda n: n.title)


@dataclass(frozen=True, slots=True)
class Answer:
    """What the device sends: to the asking client, and to every client."""

    to_sender: list[str] = field(default_factory=list)
    to_all: list[str] = field(default_factory=list)


class Browser:
    """The device's list position and the trees behind it (see the module docstring)."""

    def __init__(
        self,
        services: tuple[str, ...],
        player: Player,
        *,
        set_title: Callable[[str, str], None],
        lines_only: bool = False,
    ) -> None:
        """Trees for the ``services`` the profile lists that this device has trees for."""
        self.player = player
        self.lines_only = lines_only
        # Faults: None, "silent" (no NLA, no NLS), "ignored" (no answer to NLA, NLS as ever),
        # "error" (NLA status E), "malformed", "entities".
        self.list_fault: str | None = None
        self._set_title = set_title
        builders = {"0E": tunein, "00": music_server, "F0": usb, "F1": usb}
        self.trees: dict[str, Node] = {
            code: builders[code]() for code in services if code in builders
        }
        self.queue = Node("Play Queue", "service")
        if PLAY_QUEUE in services:
            self.trees[PLAY_QUEUE] = self.queue
        self.net_top = Node(
            "NET",
            "service",
            [
                Node(root.title, "service", root.children, service=code)
                for code, root in self.trees.items()
            ],
        )
        self.service = NET_TOP
        self.stack: list[Node] = [self.net_top]
        self.cursor = 0
        self.ui = "0"  # 0 list, 3 popup, 4 keyboard
        self.keyboard: Node | None = None
        self.queue_index = -1

    # --- what the device shows --------------------------------------------------------

    @property
    def shown(self) -> Node:
        """The list shown."""
        return self.stack[-1]

    @property
    def layers(self) -> int:
        """NLT's layer count: 0 at the NET top, 1 at a service's top."""
        return len(self.stack) - 1

    def title_params(self) -> str:
        """NLT's parameters, laid out as the seed's ``0E01000000090100FF0E00TuneIn Radio``."""
        layer = min(self.layers, 2)
        items = len(self.shown.children)
        right = "FF" if self.service == NET_TOP else self.service
        left = "02" if self.service in ("F0", "F1") else "FF"
        return (
            f"{self.service}{self.ui}{layer}{self.cursor:04X}{items:04X}{self.layers:02X}"
            f"00{left}{right}00{self.shown.title}"
        )

    def page(self) -> list[str]:
        """NLS: a page update, then the shown page's lines."""
        items = self.shown.children
        if not items:
            return ["NLSC-P"]
        start = self.cursor - self.cursor % PAGE_LINES
        lines = [f"NLSC{self.cursor - start}P"]
        for line, node in enumerate(items[start : start + PAGE_LINES]):
            prop = "0" if self._playing(node) else ICONS[node.kind][2]
            lines.append(f"NLSU{line}{prop}{node.title}")
        return lines

    def _show(self) -> list[str]:
        """Tell every controller what is shown now (NLT, then the page)."""
        self._set_title(self.service, self.title_params())
        messages = [f"NLT{self.title_params()}"]
        if self.ui == "0" and self.list_fault != "silent":
            messages += self.page()
        return messages

    def _playing(self, node: Node) -> bool:
        net = self.player.net
        return (
            node.track is not None
            and net.play == "P"
            and (net.title, net.album) == (node.track.title, node.track.album)
        )

    # --- commands ---------------------------------------------------------------------

    def open_service(self, code: str) -> list[str] | None:
        """NSV: show the service's top list; None when there is no tree for it."""
        root = self.trees.get(code)
        if root is None:
            return None
        self.service, self.stack, self.cursor, self.ui = code, [self.net_top, root], 0, "0"
        self.keyboard = None
        return self._show()

    def request(self, params: str) -> Answer:
        """NLA ``L``/``I`` requests."""
        if self.list_fault in ("silent", "ignored"):
            return Answer()
        if self.lines_only:
            return Answer(["NLAN/A"])
        if len(params) != 15 or params[0] not in "LI":
            return Answer(["NLAN/A"])
        try:
            sequence, layers, index = (
                int(params[1:5], 16),
                int(params[5:7], 16),
                int(params[7:11], 16),
            )
            count = int(params[11:15], 16) if params[0] == "L" else 1
        except ValueError:
            return Answer(["NLAN/A"])
        items = self.shown.children
        if self.ui != "0" or layers != self.layers:
            return Answer([_error(sequence, "1", "The list has changed")])
        if index >= len(items) and (params[0] == "I" or items):
            return Answer([_error(sequence, "2", "Index out of range")])
        if params[0] == "I":
            return Answer([], self.select(index))
        if self.list_fault == "error":
            return Answer([_error(sequence, "3", "Server is not responding")])
        return Answer([self._xml(sequence, index, count)])

    def _xml(self, sequence: int, start: int, count: int) -> str:
        items = self.shown.children[start : start + min(count, LIST_LIMIT)]
        body = "".join(
            f'<item icontype="{icon_type}" iconid="{icon_id}" title="{_attr(node.title)}" '
            'selectable="1" />'
            for node in items
            for icon_type, icon_id in [self._icons(node)]
        )
        xml = (
            f'<?xml version="1.0" encoding="utf-8"?><response status="ok"><items offset="{start}" '
            f'totalitems="{len(self.shown.children)}" >{body}</items></response>'
        )
        if self.list_fault == "malformed":
            xml = xml[: len(xml) // 2]
        elif self.list_fault == "entities":
            xml = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "b">]>' + xml[38:]
        return f"NLAX{sequence:04X}S000{xml}"

    def _icons(self, node: Node) -> tuple[str, str]:
        if self._playing(node):
            return "0", "36"
        icon_type, icon_id, _ = ICONS[node.kind]
        return icon_type, icon_id

    def select_line(self, params: str) -> list[str] | None:
        """NLS ``L<line>`` (on the shown page) or ``I<5 digits>`` (1-based index)."""
        if len(params) == 2 and params[0] == "L" and params[1].isdigit():
            index = self.cursor - self.cursor % PAGE_LINES + int(params[1])
        elif len(params) == 6 and params[0] == "I" and params[1:].isdigit():
            index = int(params[1:]) - 1
        else:
            return None
        if self.ui != "0" or not 0 <= index < len(self.shown.children):
            return None
        return self.select(index)

    def select(self, index: int) -> list[str]:
        """Select item ``index`` of the shown list: open it, play it, or open its dialog."""
        node = self.shown.children[index]
        self.cursor = index
        if node.service:  # a service on the NET top
            return self.open_service(node.service) or []
        if node.kind in _CONTAINERS:
            self.stack.append(node)
            self.cursor = 0
            return self._show()
        if node.kind == "search":
            self.ui, self.keyboard = "4", node
            return [*self._show(), "NKY06"]
        if node.kind == "login":
            self.ui, self.keyboard = "4", node
            return [*self._show(), "NKY01"]
        if node.kind == "premium":
            self.ui = "3"
            return [*self._show(), f"NCPX----{_PREMIUM_POPUP}"]
        if node.kind == "asleep":  # only NPU: top title, popup title, message; cursor; buttons
            self.ui = "3"
            self._set_title(self.service, self.title_params())
            text = f"{self.shown.title}\x00{node.title}\x00The server does not respond.\x00"
            return [f"NPUT{text}1OK\x00"]
        siblings = self.shown.children
        tracks = [n for n in siblings if n.playable and n.track is not None]
        first = 0 if node.kind == "play" else tracks.index(node)
        if self.shown is self.queue:
            self.queue_index = first
        self.player.play_playlist([n.track for n in tracks if n.track], loop=False, start=first + 1)
        return self._show()

    def type_text(self, text: str) -> list[str] | None:
        """NKY text: run the search the keyboard is open for."""
        if self.ui != "4" or self.keyboard is None:
            return None
        if self.keyboard.kind != "search":
            return []  # a login waits for a password that never comes
        results = Node(f"Search: {text}", "folder", _search(text))
        self.ui, self.keyboard = "0", None
        self.stack.append(results)
        self.cursor = 0
        return ["NKY00", *self._show()]

    def key(self, key: str) -> list[str] | None:
        """NTC list keys; None for a key that is not a list key."""
        match key:
            case "RETURN":
                if self.ui != "0":
                    closed = ["NKY00"] if self.ui == "4" else []
                    self.ui, self.keyboard = "0", None
                    return [*closed, *self._show()]
                if len(self.stack) > 1:
                    left = self.stack.pop()
                    self.cursor = (
                        max(0, self.shown.children.index(left))
                        if left in self.shown.children
                        else 0
                    )
                    if len(self.stack) == 1:
                        self.service = NET_TOP
                return self._show()
            case "TOP":
                self.stack, self.service, self.cursor, self.ui = [self.net_top], NET_TOP, 0, "0"
                return self._show()
            case "UP" | "DOWN":
                return self._move(-1 if key == "UP" else 1)
            case "SELECT":
                if self.ui == "0" and self.shown.children:
                    return self.select(self.cursor)
                return []
        return None

    def _move(self, step: int) -> list[str]:
        items = len(self.shown.children)
        if not items or self.ui != "0":
            return []
        before = self.cursor - self.cursor % PAGE_LINES
        self.cursor = (self.cursor + step) % items  # lists wrap around
        self._set_title(self.service, self.title_params())
        if self.cursor - self.cursor % PAGE_LINES != before:
            return self._show()
        return [f"NLSC{self.cursor % PAGE_LINES}C"]

    # --- play queue -------------------------------------------------------------------

    def add_to_queue(self, params: str) -> list[str] | None:
        """PQA ``xxxxyzzzz``: add item xxxx of the shown list (a track or a folder's tracks)."""
        if len(params) != 9 or self.service not in QUEUE_SOURCES or self.ui != "0":
            return None
        try:
            index, how, position = int(params[:4], 16), params[4], int(params[5:], 16)
        except ValueError:
            return None
        items = self.shown.children
        if index >= len(items) or how not in "0123":
            return None
        node = items[index]
        adding = [n for n in (node.children or [node]) if n.playable and n.track is not None]
        if not adding:
            return None
        queue = self.queue.children
        copies = [Node(n.title, n.kind, track=n.track) for n in adding]
        at = {"0": 0, "1": self.queue_index + 1, "2": len(queue), "3": min(position, len(queue))}
        queue[at[how] : at[how]] = copies
        if how == "0":
            self.queue_index = 0
            self.player.play_playlist([n.track for n in queue if n.track], loop=False, start=1)
        return self._queue_changed(at[how])

    def remove_from_queue(self, params: str) -> list[str] | None:
        """PQR ``xyyyy``: remove one item (x=0) or all (x=1)."""
        if len(params) != 5 or params[0] not in "01":
            return None
        queue = self.queue.children
        if params[0] == "1":
            queue.clear()
            self.queue_index = -1
            return self._queue_changed(0)
        try:
            index = int(params[1:], 16)
        except ValueError:
            return None
        if index >= len(queue):
            return None
        del queue[index]
        return self._queue_changed(index)

    def reorder_queue(self, params: str) -> list[str] | None:
        """PQO ``xxxxyyyy``: move queue item xxxx to yyyy."""
        queue = self.queue.children
        try:
            index, to = int(params[:4], 16), int(params[4:8], 16)
        except ValueError:
            return None
        if len(params) != 8 or index >= len(queue) or to >= len(queue):
            return None
        queue.insert(to, queue.pop(index))
        return self._queue_changed(min(index, to))

    def _queue_changed(self, index: int) -> list[str]:
        """NLU (and the new NLT) when the queue is on show; nothing otherwise."""
        if self.shown is not self.queue:
            return []
        self.cursor = min(self.cursor, max(0, len(self.queue.children) - 1))
        return [f"NLU{index:04X}{len(self.queue.children):04X}", *self._show()]


def _attr(text: str) -> str:
    """An attribute value as the device writes it: quotes and angle brackets escaped, "&" not.

    The seed's capture shows a real device sending ``title="Happy Boys & Girls"`` unescaped.
    """
    return text.replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def _error(sequence: int, code: str, message: str) -> str:
    return (
        f'NLAX{sequence:04X}E000<?xml version="1.0" encoding="utf-8"?><response status="fail">'
        f'<error code="{code}" message="{message}" /></response>'
    )

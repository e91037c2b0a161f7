"""ListNavigator against the virtual receiver, over NLA (XML) and NLS lines (older firmware)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
import dataclasses
import logging

import pytest

from custom_components.onkyo_eiscp.eiscp import messages as m
from custom_components.onkyo_eiscp.eiscp.client import Client
from custom_components.onkyo_eiscp.eiscp.const import Zone
from custom_components.onkyo_eiscp.eiscp.errors import ConnectionClosedError
from custom_components.onkyo_eiscp.eiscp.lists import (
    ContentId,
    ContentIdError,
    DialogError,
    IndexOutOfRangeError,
    ItemClass,
    ItemNotFoundError,
    ListMovedError,
    ListNavigator,
    ListProtocol,
    ListRefusedError,
    ListTimeoutError,
    MalformedListError,
    Query,
    QueueAdd,
    Source,
)
from tests.pioneer_support import until
from virtual_receiver import VirtualReceiver, browse

# Every test fails if an exception escaped to asyncio ("... was never retrieved").
pytestmark = pytest.mark.usefixtures("no_escaped_exceptions")


TUNEIN_TOP = [
    "My Presets",
    "Local Radio",
    "Music",
    "Talk",
    "Sports",
    "By Location",
    "By Language",
    "Podcasts",
    "Login",
]  # fmt: skip  (the seed's NLA)
AQUARIUM = "eiscp:nsv:F0/Music/Aqua/Aquarium%20(1997)"
JAZZ = "eiscp:nsv:0E/Music/Jazz"
SEARCH = "eiscp:nsv:0E/Music/Search%20Stations"


@pytest.fixture(params=[ListProtocol.XML, ListProtocol.LINES])
def protocol(request: pytest.FixtureRequest) -> ListProtocol:
    """Each test runs on both list protocols."""
    value: ListProtocol = request.param
    return value


@pytest.fixture
async def receiver(protocol: ListProtocol) -> AsyncGenerator[VirtualReceiver]:
    async with VirtualReceiver(
        "TX-NR686", tick=0.05, lines_only=protocol is ListProtocol.LINES
    ) as vr:
        for message in vr.device.power_on_net():
            vr.push(message)
        yield vr


@pytest.fixture
async def client(receiver: VirtualReceiver) -> AsyncGenerator[Client]:
    async with Client(receiver.host, receiver.port, pacing=0.0, query_timeout=1) as c:
        yield c


@pytest.fixture
async def nav(client: Client) -> AsyncGenerator[ListNavigator]:
    navigator = ListNavigator(client, timeout=2.0, probe_timeout=1.0)
    yield navigator
    navigator.close()


def _titles(listing: object) -> list[str]:
    items = getattr(listing, "items", ())
    return [item.title for item in items]


def _list_sends(receiver: VirtualReceiver) -> list[str]:
    """What clients sent that moves the device or plays (not queries, not item reads)."""
    return [
        sent
        for sent in receiver.received
        if not sent.endswith("QSTN") and not sent.startswith("NLAL")
    ]


async def test_every_source_top(
    nav: ListNavigator, receiver: VirtualReceiver, protocol: ListProtocol
) -> None:
    """TuneIn's nine-item top menu (the seed's), the Music Server, USB, the Play Queue."""
    tunein = await nav.browse(ContentId(Source.service("0E")))
    assert nav.protocol is protocol
    assert (tunein.title, tunein.service, tunein.total) == ("TuneIn Radio", "0E", 9)
    assert _titles(tunein) == TUNEIN_TOP
    assert str(tunein.items[2].content_id) == "eiscp:nsv:0E/Music"
    server = await nav.browse("eiscp:nsv:00")
    assert _titles(server) == ["Loopback Media Server", "Sleeping NAS"]
    assert server.items[0].can_expand
    usb = await nav.browse("eiscp:nsv:F0")
    assert _titles(usb) == ["Music", "Big Folder", "Nested", "Repeats"]
    queue = await nav.queue()
    assert (queue.title, queue.total, queue.items) == ("Play Queue", 0, ())
    assert receiver.state.net.play == "S"  # browsing plays nothing


async def test_every_node_type(nav: ListNavigator, protocol: ListProtocol) -> None:
    """Folders, servers, artists, albums, playlists, tracks, stations, Play entries, search."""
    xml = protocol is ListProtocol.XML
    classes = {
        item.title: item.item_class
        for cid in (
            "eiscp:nsv:0E/Music",
            JAZZ,
            "eiscp:nsv:0E/Podcasts/Loopback%20Talk",
            "eiscp:nsv:00",
            "eiscp:nsv:00/Loopback%20Media%20Server/Artists",
            "eiscp:nsv:00/Loopback%20Media%20Server/Artists/The%20Loopback%20Quartet",
            "eiscp:nsv:00/Loopback%20Media%20Server/Playlists",
            "eiscp:nsv:00/Loopback%20Media%20Server/Artists/The%20Loopback%20Quartet/Local%20Hosts",
            AQUARIUM,
        )
        for item in (await nav.browse(cid)).items
    }
    assert classes["Search Stations"] is ItemClass.SEARCH
    assert classes["Jazz"] is ItemClass.FOLDER
    assert classes["Jazz FM"] is ItemClass.STATION
    assert classes["Episode 1"] is ItemClass.STATION
    assert classes["Loopback Media Server"] is ItemClass.FOLDER
    assert classes["The Loopback Quartet"] is ItemClass.FOLDER
    assert classes["Local Hosts"] is ItemClass.FOLDER
    assert classes["Evening Mix"] is ItemClass.PLAYLIST
    assert classes["Morning Signal"] is ItemClass.TRACK
    assert classes["Happy Boys & Girls"] is ItemClass.TRACK
    # NLS has no icon for a "Play" entry: it is an item that may open or play.
    assert classes["Play All"] is (ItemClass.PLAY if xml else ItemClass.UNKNOWN)


@pytest.mark.parametrize(
    ("content_id", "title", "album"),
    [
        (f"{JAZZ}/Smooth%20Jazz%20Loopback", "Smooth Jazz Loopback", "Live"),
        ("eiscp:nsv:0E/Podcasts/Loopback%20Talk/Episode%202", "Episode 2", "Live"),
        (f"{AQUARIUM}/Roses%20Are%20Red", "Roses Are Red", "Aquarium"),
        (f"{AQUARIUM}/Happy%20Boys%20%26%20Girls", "Happy Boys & Girls", "Aquarium"),
        ("eiscp:nsv:F0/Nested/Level%202/Level%203/Deep%20Track", "Deep Track", "Nested"),
        ("eiscp:nsv:F0/Repeats/Intro#2", "Intro", "Repeats"),
        (
            "eiscp:nsv:00/Loopback%20Media%20Server/Playlists/Evening%20Mix",
            "Morning Signal",
            "Evening Mix",
        ),
        (
            "eiscp:nsv:00/Loopback%20Media%20Server/Artists/Pacing%20%26%20The%20Frames"
            "/Header%20Size%20Sixteen",
            "Fifty Milliseconds",
            "Header Size Sixteen",
        ),
        (
            "eiscp:nsv:00/Loopback%20Media%20Server/Artists/The%20Loopback%20Quartet"
            "/Local%20Hosts/Play%20All",
            "Morning Signal",
            "Local Hosts",
        ),
    ],
)
async def test_play_each_kind_of_item(
    nav: ListNavigator, receiver: VirtualReceiver, content_id: str, title: str, album: str
) -> None:
    """A station, a programme, tracks, a repeated title, a playlist, an album, a Play entry."""
    heard: list[str] = []
    nav._client.add_message_listener(
        lambda message: heard.append(message.raw) if message.code == "NTI" else None
    )
    await nav.play(content_id)
    net = receiver.state.net
    assert (net.play, net.title, net.album) == ("P", title, album)
    assert heard == [title]  # nothing else started on the way
    if content_id.endswith("#2"):
        assert net.track == 2  # the second "Intro", not the first


async def test_a_folder_of_1000_tracks_lists_completely(
    nav: ListNavigator, receiver: VirtualReceiver
) -> None:
    """Every item, in order, each with its own id; the last one plays."""
    listing = await nav.browse("eiscp:nsv:F0/Big%20Folder")
    assert listing.total == 1000
    assert _titles(listing) == [f"Track {n:04d}" for n in range(1, 1001)]
    assert len({item.content_id for item in listing.items}) == 1000
    part = await nav.browse("eiscp:nsv:F0/Big%20Folder", start=990, count=50)
    assert (part.start, _titles(part)[0], len(part.items)) == (990, "Track 0991", 10)
    await nav.play(listing.items[-1].content_id)
    assert receiver.state.net.title == "Track 1000"


async def test_a_later_page_does_not_read_the_list_from_its_top_again(
    nav: ListNavigator, receiver: VirtualReceiver, protocol: ListProtocol
) -> None:
    """Paging reads only the new page: no scrolling back up, no item asked for twice."""
    big = "eiscp:nsv:F0/Big%20Folder"
    first = await nav.browse(big, count=30)
    receiver.clear_received()
    later = await nav.browse(big, start=30, count=30)
    assert _titles(later) == [f"Track {n:04d}" for n in range(31, 61)]
    assert [item.content_id for item in later.items] == [
        ContentId.parse(f"{big}/Track%20{n:04d}") for n in range(31, 61)
    ]
    keys = [sent for sent in receiver.received if sent.startswith("NTC")]
    reads = [sent for sent in receiver.received if sent.startswith("NLAL")]
    if protocol is ListProtocol.LINES:
        assert "NTCUP" not in keys
        assert len(keys) <= 30  # one DOWN per line scrolled onto, from where page 1 ended
    else:
        assert keys == []
        assert [int(r[10:14], 16) for r in reads] == [30]  # only the new page's items
    receiver.clear_received()
    again = await nav.browse(big, start=0, count=30)  # back to page 1: still known
    assert again.items == first.items
    assert not [s for s in receiver.received if s.startswith(("NTC", "NLAL"))]


async def test_a_list_the_device_changes_is_read_again(
    nav: ListNavigator, receiver: VirtualReceiver
) -> None:
    """Another controller reorders the queue shown (same size): the device's new order."""
    for track in ("My%20Oh%20My", "Barbie%20Girl", "Calling%20You"):
        await nav.enqueue(f"{AQUARIUM}/{track}")
    assert _titles(await nav.queue()) == ["My Oh My", "Barbie Girl", "Calling You"]
    async with Client(receiver.host, receiver.port, pacing=0.0) as phone:
        await phone.send("PQO00000002")
        await phone.query("NLT")
    assert _titles(await nav.queue()) == ["Barbie Girl", "Calling You", "My Oh My"]


async def test_a_list_opened_again_is_read_again(
    nav: ListNavigator, receiver: VirtualReceiver
) -> None:
    """What was read of a source's top is not trusted once the walk opens the source again."""
    await nav.browse("eiscp:nsv:F0/Music")
    receiver.browser.trees["F0"].children[1].title = "Huge Folder"  # same size, new name
    top = await nav.browse("eiscp:nsv:F0")
    assert _titles(top) == ["Music", "Huge Folder", "Nested", "Repeats"]


async def test_a_stored_id_plays_after_another_controller_moved_the_device(
    receiver: VirtualReceiver, client: Client, nav: ListNavigator, protocol: ListProtocol
) -> None:
    """The phone app moved the device elsewhere; a new navigator (after a restart) plays it."""
    stored = str((await nav.browse(JAZZ)).items[1].content_id)
    assert stored == f"{JAZZ}/Smooth%20Jazz%20Loopback"
    async with Client(receiver.host, receiver.port, pacing=0.0) as phone:
        await phone.send("NSVF00")
        await phone.send("NLSL1" if protocol is ListProtocol.LINES else "NLAI0001010001----")
        await phone.query("NLT")
    assert receiver.browser.shown.title == "Big Folder"
    restarted = ListNavigator(client, timeout=2.0)
    try:
        await restarted.play(stored)
    finally:
        restarted.close()
    assert receiver.state.net.title == "Smooth Jazz Loopback"


async def test_another_controller_moving_between_check_and_select_never_plays_the_wrong_item(
    receiver: VirtualReceiver, nav: ListNavigator
) -> None:
    """The device refuses the stale selection (its layer moved); the walk starts again."""
    respond = receiver.server.respond
    moved: list[str] = []

    def phone_moves_first(message: str) -> object:
        if message.startswith(("NLAI", "NLSL", "NLSI")) and not moved:
            moved.append(message)
            receiver.press("NTCTOP")  # the phone app goes to the NET top just before
        return respond(message)

    receiver.server.respond = phone_moves_first
    heard: list[str] = []
    nav._client.add_message_listener(
        lambda message: heard.append(message.raw) if message.code == "NTI" else None
    )
    await nav.play(f"{AQUARIUM}/Doctor%20Jones")
    assert moved
    assert heard == ["Doctor Jones"]
    assert receiver.state.net.title == "Doctor Jones"


async def test_a_device_that_keeps_moving_is_a_clear_error(
    receiver: VirtualReceiver, nav: ListNavigator
) -> None:
    """Each selection is refused: give up after a few walks, having played nothing."""
    respond = receiver.server.respond

    def always_moved(message: str) -> object:
        if message.startswith(("NLAI", "NLSL", "NLSI")):
            receiver.press("NTCTOP")
        return respond(message)

    receiver.server.respond = always_moved
    with pytest.raises(ListMovedError):
        await nav.play(f"{JAZZ}/Jazz%20FM")
    assert receiver.state.net.play == "S"


async def test_search(nav: ListNavigator, receiver: VirtualReceiver) -> None:
    """The search item opens the keyboard; the query runs; a result plays by its stored id."""
    results = await nav.search(SEARCH, "jazz")
    assert _titles(results) == ["Jazz FM", "Radio Swiss Jazz", "Smooth Jazz Loopback"]
    assert all(item.item_class is ItemClass.STATION for item in results.items)
    stored = str(results.items[1].content_id)
    assert stored == f"{SEARCH}/?jazz/Radio%20Swiss%20Jazz"
    by_folder = await nav.search("eiscp:nsv:0E/Music", "rock")  # the list holding a search
    assert _titles(by_folder) == ["Classic Rock 127", "Rock Antenne"]
    await nav.browse("eiscp:nsv:F0")  # elsewhere
    await nav.play(stored)
    assert receiver.state.net.title == "Radio Swiss Jazz"
    nothing = await nav.search(SEARCH, "polka")
    assert (nothing.total, nothing.items) == (0, ())


async def test_find_the_searches_of_a_service(
    nav: ListNavigator, receiver: VirtualReceiver
) -> None:
    """Two lists deep, passing over the Login keyboard: TuneIn's station search."""
    found = await nav.find_searches(Source.service("0E"))
    assert [str(item.content_id) for item in found] == [SEARCH]
    assert await nav.find_searches(Source.service("F0"), depth=1) == []
    assert receiver.state.net.play == "S"


async def test_search_where_there_is_none(nav: ListNavigator) -> None:
    """A list without a search item, an empty query, a search played without a query."""
    with pytest.raises(ItemNotFoundError, match="a search"):
        await nav.search(JAZZ, "jazz")
    with pytest.raises(ContentIdError):
        await nav.search(SEARCH, "  ")
    with pytest.raises(ContentIdError, match="search"):
        await nav.play(SEARCH)
    with pytest.raises(ContentIdError, match="not a search"):
        await nav.browse(f"{JAZZ}/?jazz")


async def test_play_queue(nav: ListNavigator, receiver: VirtualReceiver) -> None:
    """PQA adds a track and a folder; the queue lists and plays; PQR clears it."""
    await nav.enqueue(f"{AQUARIUM}/My%20Oh%20My")
    await nav.enqueue("eiscp:nsv:F0/Nested/Level%202/Level%203", QueueAdd.LAST)
    await nav.enqueue(f"{AQUARIUM}/Barbie%20Girl", QueueAdd.NEXT)
    queue = await nav.queue()
    assert _titles(queue) == ["Barbie Girl", "My Oh My", "Deep Track"]
    assert receiver.state.net.play == "S"  # queueing last/next plays nothing
    await nav.play(queue.items[1].content_id)
    assert receiver.state.net.title == "My Oh My"
    await nav.clear_queue()
    await nav.enqueue(f"{AQUARIUM}/Calling%20You", QueueAdd.NOW)  # replace: clear, add now
    assert _titles(await nav.queue()) == ["Calling You"]
    assert receiver.state.net.title == "Calling You"
    with pytest.raises(ListRefusedError, match="cannot queue"):
        await nav.enqueue(f"{JAZZ}/Jazz%20FM")  # TuneIn has no addqueue


async def test_walking_back_up_reuses_the_position(
    nav: ListNavigator, receiver: VirtualReceiver, protocol: ListProtocol
) -> None:
    """Browsing deeper from where the device is sends no NSV again."""
    await nav.browse("eiscp:nsv:0E/Music")
    receiver.clear_received()
    await nav.browse(JAZZ)
    sent = _list_sends(receiver)
    assert not any(s.startswith("NSV") for s in sent) or protocol is ListProtocol.LINES
    await nav.back()
    await nav.top()
    await asyncio.sleep(0.05)
    assert receiver.browser.layers == 0


# --- bad input -------------------------------------------------------------------------


async def test_an_item_that_is_gone(nav: ListNavigator, receiver: VirtualReceiver) -> None:
    """The error names what is missing; nothing plays; the device is back where it was."""
    await nav.browse(JAZZ)
    with pytest.raises(ItemNotFoundError) as caught:
        await nav.play(f"{AQUARIUM}/Barbie%20Girl%20(Remix)")
    assert (caught.value.missing, caught.value.where) == ("Barbie Girl (Remix)", "Aquarium (1997)")
    with pytest.raises(ItemNotFoundError, match="Vanished"):
        await nav.browse("eiscp:nsv:F0/Vanished/Track")
    assert receiver.state.net.play == "S"
    assert receiver.browser.shown.title == "Jazz"


async def test_malformed_content_id_sends_nothing(
    nav: ListNavigator, receiver: VirtualReceiver
) -> None:
    """ContentIdError before anything is sent; lists are not items."""
    receiver.clear_received()
    for bad in ("eiscp:nsv:XX", "tunein/Jazz", "eiscp:nsv:0E/Music/"):
        with pytest.raises(ContentIdError):
            await nav.play(bad)
    with pytest.raises(ContentIdError, match="is a list"):
        await nav.play("eiscp:nsv:0E")
    with pytest.raises(ContentIdError, match="is a list"):
        await nav.enqueue(f"{SEARCH}/?jazz")
    assert receiver.received == []
    with pytest.raises(ContentIdError, match="not a folder"):
        await nav.browse(f"{JAZZ}/Jazz%20FM/More")
    assert receiver.state.net.play == "S"


async def test_index_past_the_end(nav: ListNavigator, receiver: VirtualReceiver) -> None:
    """A clear error; nothing that plays is sent."""
    with pytest.raises(IndexOutOfRangeError, match="past the end"):
        await nav.browse("eiscp:nsv:0E", start=9)
    with pytest.raises(IndexOutOfRangeError):
        await nav.browse("eiscp:nsv:0E", start=-1)
    assert receiver.state.net.play == "S"


@pytest.mark.parametrize(
    ("item", "dialogs"),
    [
        ("0E/Sports/Premium%20Sports", ("ui:3", "popup:TuneIn Premium")),
        ("0E/Login", ("ui:4", "keyboard:01")),
        ("00/Sleeping%20NAS", ("popup:Sleeping NAS",)),  # a text popup (NPU) alone
    ],
)
async def test_popups_and_login_keyboards_never_hang_a_walk(
    nav: ListNavigator, receiver: VirtualReceiver, item: str, dialogs: tuple[str, ...]
) -> None:
    """The walk gives up at once with a clear error and closes the dialog."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(DialogError) as caught:
        await nav.browse(f"eiscp:nsv:{item}")
    assert loop.time() - started < 5
    assert caught.value.dialog in dialogs  # the NLT UI type or the popup/keyboard itself
    assert (receiver.browser.ui, receiver.browser.keyboard) == ("0", None)
    assert receiver.state.net.play == "S"
    await nav.play(f"{JAZZ}/Jazz%20FM")  # and the navigator goes on
    assert receiver.state.net.title == "Jazz FM"


@pytest.mark.parametrize(("kind", "error"), [("login", "login"), ("premium", "popup")])
async def test_a_login_or_a_popup_where_a_search_was_expected(
    nav: ListNavigator,
    receiver: VirtualReceiver,
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
    error: str,
) -> None:
    """A search item that asks for a user name, or opens a popup: a dialog error, closed."""
    monkeypatch.setitem(browse.ICONS, kind, browse.ICONS["search"])
    receiver.browser.trees["0E"].children[2].children[0].kind = kind
    with pytest.raises(DialogError, match=error):
        await nav.search(SEARCH, "jazz")
    assert receiver.browser.ui == "0"


async def test_a_list_that_never_arrives(
    receiver: VirtualReceiver, client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    """No NLA and no NLS: a clear timeout; pushes keep flowing while the browse waits."""
    caplog.set_level(logging.DEBUG)
    receiver.browser.list_fault = "silent"
    nav = ListNavigator(client, timeout=0.5, probe_timeout=0.3)
    heard: list[m.Message] = []
    client.add_message_listener(heard.append)
    browsing = asyncio.create_task(nav.browse("eiscp:nsv:0E"))
    await asyncio.sleep(0.1)
    receiver.press("MVL30")
    with pytest.raises(ListTimeoutError):
        await browsing
    assert any(isinstance(x, m.Volume) and x.level == 0x30 for x in heard)
    assert receiver.state.net.play == "S"
    nav.close()


@pytest.mark.parametrize("protocol", [ListProtocol.XML], indirect=True)
async def test_firmware_that_ignores_nla_is_read_by_its_lines(
    receiver: VirtualReceiver, nav: ListNavigator
) -> None:
    """No answer at all to NLAL, but NLS pages: the navigator reads the lines."""
    receiver.browser.list_fault = "ignored"
    assert _titles(await nav.browse("eiscp:nsv:0E")) == TUNEIN_TOP
    assert nav.protocol is ListProtocol.LINES
    await nav.play(f"{JAZZ}/Blue%20Note%20Radio")
    assert receiver.state.net.title == "Blue Note Radio"


async def test_a_connection_lost_mid_walk(receiver: VirtualReceiver, client: Client) -> None:
    """The wait ends at once with ConnectionClosedError; nothing is left waiting or unread."""
    nav = ListNavigator(client, timeout=30.0, probe_timeout=30.0)
    receiver.browser.list_fault = "silent"
    browsing = asyncio.create_task(nav.browse("eiscp:nsv:0E"))
    await receiver.wait_for("NSV0E0")
    await receiver.drop_clients()
    with pytest.raises(ConnectionClosedError):
        await browsing
    assert nav._waiters == []  # and no_escaped_exceptions checks nothing was left unread
    nav.close()


@pytest.mark.parametrize("protocol", [ListProtocol.XML], indirect=True)
async def test_nla_status_e_carries_the_device_message(
    receiver: VirtualReceiver, nav: ListNavigator
) -> None:
    """The device's own message, and nothing played."""
    receiver.browser.list_fault = "error"
    with pytest.raises(ListRefusedError) as caught:
        await nav.browse("eiscp:nsv:0E")
    assert caught.value.device_message == "Server is not responding"
    assert "Server is not responding" in str(caught.value)
    assert receiver.state.net.play == "S"


@pytest.mark.parametrize("protocol", [ListProtocol.XML], indirect=True)
@pytest.mark.parametrize(("fault", "reason"), [("malformed", "malformed"), ("entities", "entity")])
async def test_malformed_or_hostile_list_xml(
    receiver: VirtualReceiver, nav: ListNavigator, fault: str, reason: str
) -> None:
    """The hardened parser refuses it; a clear error that says why."""
    receiver.browser.list_fault = fault
    with pytest.raises(MalformedListError, match=reason):
        await nav.browse("eiscp:nsv:0E")
    assert receiver.state.net.play == "S"


async def test_a_service_without_a_tree_and_a_device_without_net(
    nav: ListNavigator, receiver: VirtualReceiver
) -> None:
    """A service showing an empty top is an empty list; a device with no NET refuses."""
    empty = await nav.browse("eiscp:nsv:0A")
    assert (empty.title, empty.total, empty.items) == ("Spotify", 0, ())
    receiver.info = dataclasses.replace(receiver.info, net_services=())
    with pytest.raises(ListRefusedError, match="N/A"):
        await nav.browse("eiscp:nsv:0E")


async def test_a_storage_input_of_a_network_player() -> None:
    """An SLI source: selected, walked back to its top from deep inside, browsed, played."""
    async with (
        VirtualReceiver("NS-6130", tick=0.05) as vr,
        Client(vr.host, vr.port, pacing=0.0) as client,
    ):
        nav = ListNavigator(client, timeout=2.0)
        top = await nav.browse("eiscp:sli:29")
        assert (top.title, _titles(top)[:2]) == ("USB", ["Music", "Big Folder"])
        await nav.browse("eiscp:sli:29/Nested/Level%202")
        receiver_cid = "eiscp:sli:29/Repeats/Outro"
        fresh = ListNavigator(client, timeout=2.0)  # knows nothing: walks back with RETURN
        await fresh.play(receiver_cid)
        assert vr.state.net.title == "Outro"
        assert vr.received.count("NTCRETURN") == 2
        nav.close()
        fresh.close()


async def test_the_device_moved_after_the_list_was_read(
    receiver: VirtualReceiver, nav: ListNavigator
) -> None:
    """The check before selecting sees another list: the walk starts again from the top."""
    respond = receiver.server.respond
    moves: list[str] = []

    def phone_moves_after_a_read(message: str) -> object:
        reply = respond(message)
        if message.startswith(("NLAL", "NTCDOWN")) and len(moves) < 1:
            moves.append(message)
            receiver.press("NSVF00")
        return reply

    receiver.server.respond = phone_moves_after_a_read
    listing = await nav.browse(JAZZ)
    assert moves
    assert _titles(listing) == ["Jazz FM", "Smooth Jazz Loopback", "Blue Note Radio"]


async def test_nothing_playable_and_a_query_without_a_search(
    nav: ListNavigator, receiver: VirtualReceiver
) -> None:
    """A folder of folders has nothing to play; a path that starts with a query is refused."""
    with pytest.raises(ItemNotFoundError, match="something playable"):
        await nav.play("eiscp:nsv:F0/Nested")
    with pytest.raises(ContentIdError, match="without a search item"):
        await nav.browse(ContentId(Source.service("0E"), (Query("jazz"),)))
    assert receiver.state.net.play == "S"


@pytest.mark.parametrize("protocol", [ListProtocol.XML], indirect=True)
async def test_list_faults_after_the_protocol_is_known(
    receiver: VirtualReceiver, nav: ListNavigator
) -> None:
    """A device that read lists before and now sends none, or answers N/A: clear errors."""
    await nav.browse("eiscp:nsv:0E")
    receiver.browser.list_fault = "silent"
    with pytest.raises(ListTimeoutError):
        await nav.browse(JAZZ)
    receiver.browser.list_fault = None
    receiver.browser.lines_only = True
    with pytest.raises(ListRefusedError, match="N/A"):
        await nav.browse("eiscp:nsv:00")
    assert nav.protocol is ListProtocol.XML


async def test_an_operation_from_zone_2_uses_its_keys(
    nav: ListNavigator, receiver: VirtualReceiver
) -> None:
    """Keys go out as zone 2's (NTZ): closing a dialog, going back."""
    with pytest.raises(DialogError):
        await nav.browse("eiscp:nsv:0E/Login", zone=Zone.ZONE2)
    assert "NTZRETURN" in receiver.received
    await nav.browse(JAZZ, zone=Zone.ZONE2)
    await nav.back(zone=Zone.ZONE2)
    await until(lambda: receiver.browser.shown.title == "Music")
    assert "NTCRETURN" not in receiver.received

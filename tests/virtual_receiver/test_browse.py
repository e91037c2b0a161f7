"""The virtual receiver's lists on the wire: NLT/NLS pushes, NLA replies, selection, queue."""

from __future__ import annotations

from collections.abc import AsyncGenerator
import dataclasses

import pytest

from custom_components.onkyo_eiscp.eiscp import messages as m
from custom_components.onkyo_eiscp.eiscp.client import Client
from tests.pioneer_support import until as _until
from virtual_receiver import VirtualReceiver
from virtual_receiver.__main__ import arguments

# Every test fails if an exception escaped to asyncio ("... was never retrieved").
pytestmark = pytest.mark.usefixtures("no_escaped_exceptions")


SEED_NLT = "0E01000000090100FF0E00TuneIn Radio"


@pytest.fixture
async def receiver() -> AsyncGenerator[VirtualReceiver]:
    async with VirtualReceiver("TX-NR686", tick=0.05) as vr:
        yield vr


@pytest.fixture
async def client(receiver: VirtualReceiver) -> AsyncGenerator[Client]:
    async with Client(receiver.host, receiver.port, pacing=0.0, query_timeout=1) as c:
        yield c


async def _heard(client: Client) -> list[str]:
    heard: list[str] = []
    client.add_message_listener(lambda message: heard.append(message.code + message.raw))
    return heard


async def test_a_service_shows_its_top_to_every_client(
    receiver: VirtualReceiver, client: Client
) -> None:
    """NSV: the seed's NLT, then the page's NLS lines, to every controller."""
    async with Client(receiver.host, receiver.port) as other:
        heard = await _heard(other)
        await client.send("NSV0E0")
        await _until(lambda: "NLSU8aLogin" in heard)
    assert heard[:3] == [f"NLT{SEED_NLT}", "NLSC0P", "NLSU0FMy Presets"]
    assert (await client.query("NLT")).raw == SEED_NLT


async def test_nlal_answers_only_the_asking_client_with_its_sequence(
    receiver: VirtualReceiver, client: Client
) -> None:
    """The seed's nine items as XML, carrying the request's sequence number."""
    await client.send("NSV0E0")
    async with Client(receiver.host, receiver.port) as other:
        heard = await _heard(other)
        reply = await client.request("NLAL00AB010000" + "0009", "NLA")
        await client.query("NLT")
        await other.query("NLT")
    assert isinstance(reply, m.ListXml)
    assert (reply.sequence, reply.success, reply.offset, reply.total) == (0xAB, True, 0, 9)
    assert reply.items[0] == m.ListItem(
        title="My Presets", icon_type="F", icon_id="29", selectable=True, url=None
    )
    assert not any(x.startswith("NLA") for x in heard)


@pytest.mark.parametrize(
    ("request_params", "reply"),
    [
        ("L0001020000" + "0009", "The list has changed"),  # layer 2, the list shows 1
        ("L0001010009" + "0001", "Index out of range"),
        ("I0001020000----", "The list has changed"),
        ("I0001010042----", "Index out of range"),
    ],
)
async def test_nla_requests_for_another_list_are_refused(
    client: Client, request_params: str, reply: str
) -> None:
    """NLA status E with the device's message; nothing selected."""
    await client.send("NSV0E0")
    answer = await client.request(f"NLA{request_params}", "NLA")
    assert isinstance(answer, m.ListXml)
    assert not answer.success
    assert answer.error_message == reply


@pytest.mark.parametrize("params", ["L00", "Lzzzz010000" + "0009", "Q0001010000" + "0001"])
async def test_malformed_nla_requests_get_na(client: Client, params: str) -> None:
    """N/A, as for any command the device cannot take."""
    await client.send("NSV0E0")
    assert isinstance(await client.request(f"NLA{params}", "NLA"), m.NotAvailable)


async def test_long_lists_come_in_pages_of_at_most_100(client: Client) -> None:
    """A reply carries at most 100 items, from the asked offset; DOWN past a page shows the next."""
    heard = await _heard(client)
    await client.send("NSVF00")
    await client.send("NLAI0001010001----")  # Big Folder
    await client.query("NLT")
    reply = await client.request("NLAL0002020384" + "03E8", "NLA")  # from 900, ask 1,000
    assert isinstance(reply, m.ListXml)
    assert (reply.offset, reply.total, len(reply.items)) == (900, 1000, 100)
    assert reply.items[0].title == "Track 0901"
    for _ in range(10):
        await client.send("NTCDOWN")
    await _until(lambda: "NLSU9MTrack 0020" in heard)
    assert heard[heard.index("NLSU9MTrack 0020") - 10] == "NLSC0P"


async def test_selecting_a_track_plays_it_and_marks_it(
    receiver: VirtualReceiver, client: Client
) -> None:
    """NST/NTI/NAT/NAL/NTM... are pushed; the list marks the playing item (icontype 0)."""
    heard = await _heard(client)
    await client.send("NSVF00")
    await client.send("NLAI0001010000----")  # Music
    await client.send("NLAI0002020000----")  # Aqua
    await client.send("NLAI0003030000----")  # Aquarium (1997)
    await client.send("NLAI0004040008----")  # Roses Are Red
    await _until(lambda: "NTIRoses Are Red" in heard and "NSTP--" in heard)
    assert {"NATAqua", "NALAquarium", "NTR0009/0011"} <= set(heard)
    reply = await client.request("NLAL0005040008" + "0001", "NLA")
    assert isinstance(reply, m.ListXml)
    assert (reply.items[0].icon_type, reply.items[0].icon_id) == ("0", "36")
    assert receiver.state.net.track == 9


async def test_keys_move_the_shared_position(receiver: VirtualReceiver, client: Client) -> None:
    """UP/DOWN (pages, wrapping), SELECT, RETURN, TOP; a service from the NET top."""
    heard = await _heard(client)
    await client.send("NSV0E0")
    for _ in range(9):  # to the last item, and around to the first
        await client.send("NTCDOWN")
    await client.send("NTCUP")
    await client.send("NTCUP")
    await _until(lambda: receiver.browser.cursor == 7)
    assert heard.count("NLSC0C") == 1
    assert "NLSC8C" in heard
    await client.send("NTCSELECT")  # Podcasts
    await _until(lambda: receiver.browser.shown.title == "Podcasts")
    await client.send("NTCRETURN")
    await _until(lambda: receiver.browser.shown.title == "TuneIn Radio")
    assert receiver.browser.cursor == 7
    await client.send("NTCRETURN")
    await _until(lambda: receiver.browser.layers == 0)
    title = await client.query("NLT")
    assert isinstance(title, m.ListTitle)
    assert (title.service, title.layer, title.title, title.items) == (
        "F3", m.ListLayer.NET_TOP, "NET", 4,
    )  # fmt: skip
    await client.send("NLAI0001000001----")  # the Music Server, from the NET top
    await _until(lambda: receiver.browser.service == "00")
    await client.send("NTCTOP")
    await _until(lambda: receiver.browser.layers == 0)
    await client.send("NTCRETURN")  # nothing above the top
    await client.query("NLT")
    assert receiver.browser.layers == 0
    assert receiver.state.net.play == "S"


async def test_search_keyboard(receiver: VirtualReceiver, client: Client) -> None:
    """A search item opens the keyboard (NKY06); typed text runs it; RETURN closes it."""
    heard = await _heard(client)
    assert isinstance(await client.request("NKYjazz", "NKY"), m.NotAvailable)  # no keyboard
    await client.send("NSV0E0")
    await client.send("NLAI0001010002----")  # Music
    await client.send("NLAI0002020000----")  # Search Stations
    await _until(lambda: "NKY06" in heard)
    title = await client.query("NLT")
    assert isinstance(title, m.ListTitle)
    assert title.ui is m.ListUI.KEYBOARD
    await client.send("NKYrock")
    await _until(lambda: receiver.browser.shown.title == "Search: rock")
    assert "NKY00" in heard
    assert [n.title for n in receiver.browser.shown.children] == [
        "Classic Rock 127",
        "Rock Antenne",
    ]
    await client.send("NTCRETURN")
    await client.send("NLAI0003020000----")  # Search Stations again
    await _until(lambda: receiver.browser.ui == "4")
    await client.send("NTCRETURN")
    await _until(lambda: receiver.browser.ui == "0")


async def test_login_and_popup(receiver: VirtualReceiver, client: Client) -> None:
    """Login opens a user-name keyboard that waits; Premium Sports opens an NCP popup."""
    heard = await _heard(client)
    await client.send("NSV0E0")
    await client.send("NLAI0001010008----")  # Login
    await _until(lambda: "NKY01" in heard)
    await client.send("NKYsomeone")
    await client.query("NLT")
    assert receiver.browser.ui == "4"
    await client.send("NTCRETURN")
    await client.send("NLAI0002010004----")  # Sports
    await client.send("NLAI0003020001----")  # Premium Sports
    await _until(lambda: any(x.startswith("NCPX----") for x in heard))
    popup = next(x for x in heard if x.startswith("NCP"))
    assert 'title="TuneIn Premium"' in popup
    assert isinstance(await client.request("NLAL0004020000" + "0001", "NLA"), m.ListXml)
    assert receiver.browser.ui == "3"


async def test_play_queue_commands(receiver: VirtualReceiver, client: Client) -> None:
    """PQA now/next/last/at, PQO, PQR one and all; NLU while the queue is on show."""
    heard = await _heard(client)
    await client.send("NSVF00")
    await client.send("NLAI0001010003----")  # Repeats: Intro, Intro, Outro
    await client.send("PQA000220000")  # Outro, last
    await client.send("PQA000000000")  # Intro, now: plays
    await client.send("PQA000110000")  # Intro, next
    await client.send("PQA000230001")  # Outro at 1
    await client.query("NLT")
    queue = receiver.browser.queue.children
    assert [n.title for n in queue] == ["Intro", "Outro", "Intro", "Outro"]
    assert receiver.state.net.title == "Intro"
    await client.send("NSV1D0")
    await client.send("PQO00030000")
    await client.send("PQR00001")
    await _until(lambda: "NLU00010003" in heard)
    assert "NLU00000004" in heard
    assert [n.title for n in receiver.browser.queue.children] == ["Outro", "Outro", "Intro"]
    await client.send("NLAI0009010002----")  # play the queue from its third item
    await _until(lambda: receiver.state.net.title == "Intro")
    await client.send("PQR10000")
    await _until(lambda: not receiver.browser.queue.children)
    for bad in ("PQA0002", "PQAzzzz20000", "PQA004220000", "PQA000290000", "PQR2", "PQR0zzzz",
                "PQR00009", "PQO00010000", "PQOzzzz0000"):  # fmt: skip
        assert isinstance(await client.request(bad, bad[:3]), m.NotAvailable), bad


async def test_queueing_where_the_device_has_no_queue(client: Client) -> None:
    """TuneIn has no addqueue; a Play entry alone adds nothing."""
    await client.send("NSV0E0")
    assert isinstance(await client.request("PQA000020000", "PQA"), m.NotAvailable)
    await client.send("NSV000")
    for select in ("I0001010000----", "I0002020000----", "I0003030000----", "I0004040000----"):
        await client.send(f"NLA{select}")
    await client.query("NLT")
    assert isinstance(await client.request("PQA000020000", "PQA"), m.NotAvailable)  # Play All


async def test_lines_only_firmware(receiver: VirtualReceiver, client: Client) -> None:
    """NLA gets N/A; NLSL/NLSI select from the page and by index."""
    receiver.browser.lines_only = True
    await client.send("NSVF00")
    assert isinstance(await client.request("NLAL0001010000" + "0004", "NLA"), m.NotAvailable)
    await client.send("NLSL3")  # Repeats
    await _until(lambda: receiver.browser.shown.title == "Repeats")
    await client.send("NLSI00003")  # Outro
    await _until(lambda: receiver.state.net.title == "Outro")
    for bad in ("NLSLx", "NLSI00009", "NLSQ1"):
        assert isinstance(await client.request(bad, "NLS"), m.NotAvailable)


async def test_a_storage_input_opens_its_list() -> None:
    """On a network player with USB inputs, selecting one shows the USB list."""
    async with (
        VirtualReceiver("NS-6130") as vr,
        Client(vr.host, vr.port, pacing=0.0) as client,
    ):
        heard = await _heard(client)
        await client.send("SLI29")
        await _until(lambda: any(x.startswith("NLTF0") for x in heard))
        title = await client.query("NLT")
        assert isinstance(title, m.ListTitle)
        assert (title.title, title.items, title.left_icon) == ("USB", 4, "02")


async def test_list_faults(receiver: VirtualReceiver, client: Client) -> None:
    """Silent, error, malformed and hostile lists, as tests switch them on."""
    await client.send("NSV0E0")
    receiver.browser.list_fault = "silent"
    with pytest.raises(Exception, match="no NLA reply"):
        await client.request("NLAL0001010000" + "0009", "NLA", timeout=0.2)
    receiver.browser.list_fault = "malformed"
    assert type(await client.request("NLAL0001010000" + "0009", "NLA")) is m.RawMessage
    receiver.browser.list_fault = "entities"
    assert type(await client.request("NLAL0001010000" + "0009", "NLA")) is m.RawMessage


async def test_a_device_without_net_takes_no_list_commands() -> None:
    """List commands get N/A on a profile without network services."""
    async with (
        VirtualReceiver("TX-NR686") as vr,
        Client(vr.host, vr.port, pacing=0.0) as client,
    ):
        vr.info = dataclasses.replace(vr.info, net_services=())
        assert isinstance(await client.request("NKYx", "NKY"), m.NotAvailable)
        assert isinstance(await client.request("NLAL0001010000" + "0009", "NLA"), m.NotAvailable)


def test_cli_lines_only() -> None:
    """--lines-only serves lists as NLS pages only."""
    assert arguments(["--lines-only"]).lines_only
    assert not arguments([]).lines_only

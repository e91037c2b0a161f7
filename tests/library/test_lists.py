"""List messages, command builders, content ids and item classes (no device needed)."""

from __future__ import annotations

import pytest

from custom_components.onkyo_eiscp.eiscp import commands, messages as m
from custom_components.onkyo_eiscp.eiscp.lists import (
    ContentId,
    ContentIdError,
    DialogError,
    Icon,
    ItemClass,
    ItemNotFoundError,
    ListRefusedError,
    Query,
    Source,
    SourceKind,
    Step,
    classify,
    item_icon,
    service_icon,
)
from custom_components.onkyo_eiscp.eiscp.parser import ListXmlError, parse, parse_list_xml

# The seed's NLA exactly as its log shows it: the device leaves "&" in a title unescaped.
SEED_NLA = (
    'X0002S000<?xml version="1.0" encoding="utf-8"?><response status="ok"><items offset="0" '
    'totalitems="11" ><item icontype="M" iconid="2d" title="Happy Boys & Girls" selectable="1" />'
    '<item icontype="M" iconid="2d" title="My Oh My" selectable="1" /><item icontype="0" '
    'iconid="36" title="Roses Are Red" selectable="1" /></items></response>'
)


def test_seed_nla_with_a_bare_ampersand_parses() -> None:
    """A real device's bare "&" is repaired; nothing else is (entities stay refused)."""
    msg = parse(f"NLA{SEED_NLA}")
    assert isinstance(msg, m.ListXml)
    assert [i.title for i in msg.items] == ["Happy Boys & Girls", "My Oh My", "Roses Are Red"]
    assert msg.items[0].icon_id == "2D"
    escaped = parse_list_xml(SEED_NLA.replace("& Girls", "&amp; Girls").replace("Oh", "&#79;h"))
    assert [i.title for i in escaped.items][:2] == ["Happy Boys & Girls", "My Oh My"]


def test_nla_error_carries_the_device_message() -> None:
    """Status E: the device's code and message."""
    msg = parse(
        'NLAX0007E000<?xml version="1.0"?><response status="fail">'
        '<error code="3" message="Server is not responding" /></response>'
    )
    assert isinstance(msg, m.ListXml)
    assert (msg.success, msg.sequence, msg.error_code, msg.error_message) == (
        False, 7, "3", "Server is not responding",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ("Y0001S000<response/>", "not an XML list"),
        ("XZZZZS000<response/>", "malformed NLA header"),
        ('X0001S000<!DOCTYPE r [<!ENTITY a "b">]><r>&a;</r>', "entity declarations"),
        ("X0001S000<response><items", "malformed list XML"),
        ('X0001S000<response><items offset="x"/></response>', "malformed list XML"),
        ("X0001S000" + "<r>" + "x" * 300_000 + "</r>", "over the limit"),
    ],
)
def test_parse_list_xml_says_why_it_refuses(params: str, reason: str) -> None:
    """The strict parser's reason; parse() still gives a RawMessage for each."""
    with pytest.raises(ListXmlError, match=reason):
        parse_list_xml(params)
    assert type(parse(f"NLA{params}")) is m.RawMessage


def test_list_update_keyboard_and_popups() -> None:
    """NLU, NKY and the two popups; NKY's typed-text echo is not a keyboard."""
    assert parse("NLU00080011") == m.ListUpdate(code="NLU", raw="00080011", index=8, total=17)
    assert type(parse("NLU0008")) is m.RawMessage
    keyboard = parse("NKY01")
    assert isinstance(keyboard, m.Keyboard)
    assert keyboard.is_login
    search = parse("NKY06")
    assert isinstance(search, m.Keyboard)
    assert (search.category, search.is_login) == (m.KeyboardCategory.STATION, False)
    assert type(parse("NKYjazz")) is m.RawMessage
    npu = parse("NPUTTop\x00Premium\x00Subscribe now\x000OK")
    assert isinstance(npu, m.Popup)
    assert npu.title == "Premium"
    listed = parse("NPULTop\x00Item\x00Value")
    assert isinstance(listed, m.Popup)
    assert listed.title == "Top"
    ncp = parse('NCPX----<?xml version="1.0"?><popup title="Try Deezer Premium+" align="center">')
    assert isinstance(ncp, m.Popup)
    assert ncp.title == "Try Deezer Premium+"
    untitled = parse("NCP0003<popup/>")
    assert isinstance(untitled, m.Popup)
    assert untitled.title == ""


def test_list_command_builders() -> None:
    """NLAL/NLAI/NLSL/NLSI/NKY/PQA/PQR/PQO as the spec lays them out."""
    assert commands.request_list(2, 6, 0, 0x11) == "NLAL0002060000" + "0011"
    assert commands.select_list_item(0xFFFF, 1, 8) == "NLAIFFFF010008----"
    assert commands.select_list_line(9) == "NLSL9"
    assert commands.select_list_index(0) == "NLSI00001"
    assert commands.keyboard_input("jazz") == "NKYjazz"
    assert commands.add_to_queue(5, commands.QueueAdd.LAST) == "PQA000520000"
    assert commands.add_to_queue(5, commands.QueueAdd.AT, 3) == "PQA000530003"
    assert commands.remove_from_queue(2) == "PQR00002"
    assert commands.clear_queue() == "PQR10000"
    assert commands.move_in_queue(1, 0) == "PQO00010000"


@pytest.mark.parametrize(
    "build",
    [
        lambda: commands.request_list(0x10000, 1, 0, 1),
        lambda: commands.request_list(1, 256, 0, 1),
        lambda: commands.select_list_item(1, -1, 0),
        lambda: commands.select_list_item(1, 1, 0x10000),
        lambda: commands.select_list_line(10),
        lambda: commands.select_list_index(99999),
        lambda: commands.keyboard_input(""),
        lambda: commands.keyboard_input("a\rPWR00"),
        lambda: commands.keyboard_input("x" * 129),
        lambda: commands.add_to_queue(-1, commands.QueueAdd.NOW),
    ],
)
def test_list_command_builders_refuse_what_the_wire_cannot_carry(build: object) -> None:
    """ValueError before anything is sent."""
    assert callable(build)
    with pytest.raises(ValueError):  # noqa: PT011 - each builder words its own message
        build()


@pytest.mark.parametrize(
    "text",
    [
        "eiscp:nsv:0E",
        "eiscp:nsv:0E/Music/Jazz/Jazz%20FM",
        "eiscp:sli:29/Music/News%20%26%20Views",
        "eiscp:nsv:F0/Repeats/Intro#2",
        "eiscp:nsv:0E/Music/Search%20Stations/?jazz%2Fblues/Jazz%20FM",
        "eiscp:nsv:00/100%25%20%23hits%3F",
    ],
)
def test_content_ids_round_trip(text: str) -> None:
    """A parsed id writes back the same; escapes keep "/", "#", "?" and "%" in titles."""
    assert str(ContentId.parse(text)) == text


def test_content_id_parts() -> None:
    """Steps, repeated titles, queries; parent and child."""
    cid = ContentId.parse("eiscp:nsv:0e/Music/Search%20Stations/?jazz%2Fblues/Jazz%20FM#2")
    assert cid.source == Source(SourceKind.SERVICE, "0E")
    assert cid.path == (
        Step("Music"), Step("Search Stations"), Query("jazz/blues"), Step("Jazz FM", 2),
    )  # fmt: skip
    assert cid.parent.child(Step("Jazz FM", 2)) == cid
    assert ContentId(Source.input("2a")).source == Source(SourceKind.INPUT, "2A")
    title = "100% #hits? a/b"
    assert ContentId.parse(str(ContentId(Source.service("00"), (Step(title),)))).path == (
        Step(title),
    )


@pytest.mark.parametrize(
    "text",
    [
        "",
        "media-source://x",
        "eiscp:nsv:0G",
        "eiscp:tv:0E",
        "eiscp:nsv:0E/",
        "eiscp:nsv:0E//Jazz",
        "eiscp:nsv:0E/?jazz",
        "eiscp:nsv:0E/Search/?",
        "eiscp:nsv:0E/Search/?a/?b",
    ],
)
def test_malformed_content_ids(text: str) -> None:
    """A clear ContentIdError (a ValueError: bad user input)."""
    with pytest.raises(ContentIdError):
        ContentId.parse(text)
    with pytest.raises(ValueError):  # noqa: PT011 - the same error, seen as a ValueError
        ContentId.parse(text)


def test_bad_source_codes() -> None:
    """Sources take two hex digits."""
    with pytest.raises(ContentIdError):
        Source.service("TUNEIN")


@pytest.mark.parametrize(
    ("icon_type", "icon_id", "service", "expected", "playing"),
    [
        ("F", "29", "F0", ItemClass.FOLDER, False),
        ("A", "29", "00", ItemClass.FOLDER, False),
        ("B", "29", "00", ItemClass.FOLDER, False),
        ("N", "2B", "00", ItemClass.FOLDER, False),
        ("P", "29", "00", ItemClass.PLAYLIST, False),
        ("", "3A", "0A", ItemClass.PLAYLIST, False),
        ("M", "2D", "F0", ItemClass.TRACK, False),
        ("T", "", "0A", ItemClass.TRACK, False),
        ("M", "2D", "0E", ItemClass.STATION, False),
        ("G", "2F", "0E", ItemClass.STATION, False),
        ("", "2F", "0E", ItemClass.STATION, False),
        ("0", "36", "F1", ItemClass.TRACK, True),
        ("0", "36", "0E", ItemClass.STATION, True),
        ("", "36", "00", ItemClass.PLAY, False),
        ("", "41", "0A", ItemClass.PLAY, False),
        ("S", "2F", "0E", ItemClass.SEARCH, False),
        ("", "43", "0A", ItemClass.SEARCH, False),
        ("", "", "0E", ItemClass.UNKNOWN, False),
        ("-", "", "F0", ItemClass.UNKNOWN, False),
    ],
)
def test_item_classes_from_the_spec_icons(
    icon_type: str, icon_id: str, service: str, expected: ItemClass, playing: bool
) -> None:
    """NLA icontype first, then iconid; playable items of radio services are stations."""
    assert classify(icon_type, icon_id, service) == (expected, playing)


@pytest.mark.parametrize(
    ("icon_type", "icon_id", "service", "expected"),
    [
        ("F", "29", "F0", Icon.FOLDER),
        ("A", "29", "00", Icon.ARTIST),
        ("B", "29", "00", Icon.ALBUM),
        ("N", "2B", "00", Icon.SERVER),
        ("", "2B", "00", Icon.SERVER),
        ("", "31", "00", Icon.USB),
        ("", "3E", "0A", Icon.ARTIST),
        ("", "39", "0A", Icon.ALBUM),
        ("", "38", "0A", Icon.ACCOUNT),
        ("a", "", "0A", Icon.ACCOUNT),  # an NLS line's property
        ("c", "", "0A", Icon.FAVORITE),
        ("P", "29", "00", Icon.PLAYLIST),
        ("M", "2D", "F0", Icon.TRACK),
        ("M", "2D", "0E", Icon.STATION),
        ("0", "36", "0E", Icon.STATION),  # playing
        ("", "36", "00", Icon.PLAY),
        ("S", "2F", "0E", Icon.SEARCH),
        ("F", "31", "00", Icon.FOLDER),  # a type that names a class decides
        ("", "", "0E", None),
        ("-", "", "F0", None),
    ],
)
def test_item_icons_from_the_spec_icons(
    icon_type: str, icon_id: str, service: str, expected: Icon | None
) -> None:
    """The icon type (NLA icontype, NLS property) or id where it says more than the class."""
    item_class, _ = classify(icon_type, icon_id, service)
    assert item_icon(icon_type, icon_id, item_class) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (Source.service("00"), Icon.SERVER),
        (Source.service("0E"), Icon.RADIO),
        (Source.service("0A"), Icon.STREAMING),
        (Source.service("1D"), Icon.QUEUE),
        (Source.service("F0"), Icon.USB),
        (Source.service("01"), Icon.FAVORITE),
        (Source.service("77"), None),
        (Source.input("29"), Icon.USB),
    ],
)
def test_source_icons(source: Source, expected: Icon | None) -> None:
    """A service's kind by its NSV code (none for one the spec does not know); USB inputs."""
    assert service_icon(source) == expected


def test_errors_name_what_went_wrong() -> None:
    """The errors carry what a translated message needs."""
    missing = ItemNotFoundError("Jazz FM", "Music")
    assert (missing.missing, missing.where) == ("Jazz FM", "Music")
    assert "Jazz FM" in str(missing)
    refused = ListRefusedError("refused", code="3", device_message="Server is not responding")
    assert (refused.code, refused.device_message) == ("3", "Server is not responding")
    assert DialogError("x", dialog="keyboard:01").dialog == "keyboard:01"

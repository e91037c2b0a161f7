"""The device's lists in Home Assistant: browse, play, queue and search, on NLA and NLS devices."""

from __future__ import annotations

import asyncio
from http import HTTPStatus
import json
from pathlib import Path
import re
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator, WebSocketGenerator
from syrupy.assertion import SnapshotAssertion

from custom_components.onkyo_eiscp.eiscp.client import Client
from homeassistant.components.media_player import (
    ATTR_INPUT_SOURCE,
    ATTR_MEDIA_CONTENT_ID,
    ATTR_MEDIA_CONTENT_TYPE,
    ATTR_MEDIA_ENQUEUE,
    ATTR_MEDIA_TITLE,
    ATTR_MEDIA_VOLUME_LEVEL,
    DOMAIN as MP_DOMAIN,
    SERVICE_PLAY_MEDIA,
    MediaPlayerEntityFeature,
)
from homeassistant.const import ATTR_ENTITY_ID, ATTR_SUPPORTED_FEATURES, STATE_OFF, STATE_PLAYING
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from virtual_receiver import VirtualReceiver

from .helpers import state_until

# Every test fails if an exception escaped to asyncio ("... was never retrieved").
pytestmark = pytest.mark.usefixtures("no_escaped_exceptions")

MAIN = "media_player.onkyo_tx_nr686"
PLAYER = "media_player.onkyo_ns_6130"
AQUARIUM = "eiscp:nsv:F0/Music/Aqua/Aquarium%20(1997)"
JAZZ = "eiscp:nsv:0E/Music/Jazz"
BIG = "eiscp:nsv:F0/Big%20Folder"
LINES_ONLY = {"lines_only": True}

# Each test that takes ``protocol`` runs on a device with NLA lists and on one with NLS only.
both_protocols = pytest.mark.parametrize(
    "receiver_options", [{}, LINES_ONLY], ids=["xml", "lines"], indirect=True
)


async def _browse(
    hass: HomeAssistant, ws: WebSocketGenerator, entity_id: str, content_id: str | None = None
) -> dict[str, Any]:
    """The websocket reply to browsing ``content_id`` (the root when None)."""
    client = await ws(hass)
    message: dict[str, Any] = {"type": "media_player/browse_media", "entity_id": entity_id}
    if content_id is not None:
        message |= {"media_content_type": "", "media_content_id": content_id}
    await client.send_json_auto_id(message)
    response: dict[str, Any] = await client.receive_json()
    return response


async def _node(
    hass: HomeAssistant, ws: WebSocketGenerator, content_id: str | None, entity_id: str = MAIN
) -> dict[str, Any]:
    response = await _browse(hass, ws, entity_id, content_id)
    assert response["success"], response
    result: dict[str, Any] = response["result"]
    return result


def _titles(node: dict[str, Any]) -> list[str]:
    return [child["title"] for child in node["children"]]


_TOKEN = re.compile(r"token=[^&]+")


def _stable(node: Any) -> Any:
    """``node`` with the player's access token (it changes every run) out of its thumbnails."""
    if isinstance(node, dict):
        return {
            key: _TOKEN.sub("token=<token>", value)
            if key == "thumbnail" and value
            else _stable(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_stable(value) for value in node]
    return node


def _icon(node: dict[str, Any]) -> str | None:
    """The icon a node's thumbnail shows (its name in the proxy URL), None for none."""
    thumbnail = node.get("thumbnail")
    if thumbnail is None:
        return None
    found = re.search(r"/browse_media/icon/([a-z]+)\?", thumbnail)
    assert found, thumbnail
    return found.group(1)


async def _play(hass: HomeAssistant, content_id: str, entity_id: str = MAIN, **extra: Any) -> None:
    await hass.services.async_call(
        MP_DOMAIN,
        SERVICE_PLAY_MEDIA,
        {
            ATTR_ENTITY_ID: entity_id,
            ATTR_MEDIA_CONTENT_TYPE: "music",
            ATTR_MEDIA_CONTENT_ID: content_id,
            **extra,
        },
        blocking=True,
    )


async def _search(
    hass: HomeAssistant, ws: WebSocketGenerator, query: str, **extra: Any
) -> dict[str, Any]:
    """The websocket reply to a search (what voice assistants and the frontend use)."""
    client = await ws(hass)
    await client.send_json_auto_id(
        {"type": "media_player/search_media", "entity_id": MAIN, "search_query": query, **extra}
    )
    response: dict[str, Any] = await client.receive_json()
    return response


async def _found(
    hass: HomeAssistant, ws: WebSocketGenerator, query: str, **extra: Any
) -> list[dict[str, Any]]:
    response = await _search(hass, ws, query, **extra)
    assert response["success"], response
    found: list[dict[str, Any]] = response["result"]["result"]
    return found


def _moves(receiver: VirtualReceiver) -> list[str]:
    """What clients sent that changes power, input, the list shown or playback."""
    return [
        sent
        for sent in receiver.received
        if not sent.endswith("QSTN") and not sent.startswith(("NLAL", "NRI"))
    ]


@both_protocols
@pytest.mark.usefixtures("settled")
async def test_browse_every_kind_of_node(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator, snapshot: SnapshotAssertion
) -> None:
    """Services expand into the device's lists, folders into theirs, as the device has them."""
    state = hass.states.get(MAIN)
    assert state is not None
    features = state.attributes[ATTR_SUPPORTED_FEATURES]
    wanted = (
        MediaPlayerEntityFeature.BROWSE_MEDIA
        | MediaPlayerEntityFeature.SEARCH_MEDIA
        | MediaPlayerEntityFeature.MEDIA_ENQUEUE
        | MediaPlayerEntityFeature.PLAY_MEDIA
    )
    assert features & wanted == wanted
    tree = {}
    for content_id in (
        None,
        "services",
        "eiscp:nsv:0E",
        "eiscp:nsv:0E/Music",
        JAZZ,
        "eiscp:nsv:0E/Podcasts/Loopback%20Talk",
        "eiscp:nsv:0E/Music/Search%20Stations/?rock",  # a stored search
        "eiscp:nsv:00/Loopback%20Media%20Server/Artists/The%20Loopback%20Quartet/Local%20Hosts",
        "eiscp:nsv:00/Loopback%20Media%20Server/Playlists",
        "eiscp:nsv:F0",
        "eiscp:nsv:F0/Repeats",
        "eiscp:nsv:1D",
        "eiscp:nsv:0A",
    ):
        tree[content_id or "root"] = await _node(hass, hass_ws_client, content_id)
    assert _stable(tree) == snapshot


@pytest.mark.parametrize("profile", ["NS-6130"], indirect=True)
@pytest.mark.usefixtures("settled")
async def test_storage_inputs_browse_and_play(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    receiver: VirtualReceiver,
    snapshot: SnapshotAssertion,
) -> None:
    """A network player's USB inputs: by their selector names, expanding into their folders."""
    storage = await _node(hass, hass_ws_client, "storage", PLAYER)
    assert [(c["title"], c["media_content_id"]) for c in storage["children"]] == [
        ("USB(F)", "eiscp:sli:29"),
        ("USB(R)", "eiscp:sli:2A"),
    ]
    top = await _node(hass, hass_ws_client, "eiscp:sli:29", PLAYER)
    nested = await _node(hass, hass_ws_client, "eiscp:sli:29/Nested/Level%202/Level%203", PLAYER)
    assert _stable({"top": top, "nested": nested}) == snapshot
    await _play(hass, nested["children"][0]["media_content_id"], PLAYER)
    await state_until(hass, PLAYER, lambda s: s.attributes.get(ATTR_MEDIA_TITLE) == "Deep Track")
    assert receiver.state.zones[next(iter(receiver.state.zones))].source == "29"


@both_protocols
@pytest.mark.usefixtures("settled")
async def test_play_each_kind_of_item_from_standby(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator, receiver: VirtualReceiver
) -> None:
    """A browsed track, station, playlist, folder and Play entry: zone on, NET, playing it."""
    await state_until(hass, MAIN, lambda s: s.state == STATE_OFF)
    album = await _node(hass, hass_ws_client, AQUARIUM)
    assert album["can_play"]
    assert album["children"][2]["media_class"] == "track"
    await _play(hass, album["children"][2]["media_content_id"])
    state = await state_until(
        hass, MAIN, lambda s: s.attributes.get(ATTR_MEDIA_TITLE) == "Barbie Girl"
    )
    assert state.state == STATE_PLAYING
    assert state.attributes[ATTR_INPUT_SOURCE] == "NET"
    for content_id, title in (
        (f"{JAZZ}/Blue%20Note%20Radio", "Blue Note Radio"),  # a station
        ("eiscp:nsv:00/Loopback%20Media%20Server/Playlists/Evening%20Mix", "Morning Signal"),
        ("eiscp:nsv:F0/Nested/Level%202/Level%203", "Deep Track"),  # a folder: its first track
        (
            "eiscp:nsv:00/Loopback%20Media%20Server/Artists/The%20Loopback%20Quartet"
            "/Local%20Hosts/Play%20All",
            "Morning Signal",
        ),
        ("eiscp:nsv:F0/Repeats/Intro#2", "Intro"),
    ):
        await _play(hass, content_id)
        await state_until(hass, MAIN, lambda s, t=title: s.attributes.get(ATTR_MEDIA_TITLE) == t)
    # The second "Intro" (the device moves on every two seconds: seen together or not at all).
    await state_until(
        hass,
        MAIN,
        lambda s: (
            (s.attributes.get(ATTR_MEDIA_TITLE), s.attributes.get("media_track")) == ("Intro", 2)
        ),
    )


@both_protocols
async def test_a_stored_id_plays_after_the_device_moved_and_a_restart(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    receiver: VirtualReceiver,
    settled: MockConfigEntry,
) -> None:
    """Another app moved the device to another list and Home Assistant restarted: it plays."""
    jazz = await _node(hass, hass_ws_client, JAZZ)
    stored = jazz["children"][1]["media_content_id"]
    assert stored == f"{JAZZ}/Smooth%20Jazz%20Loopback"
    lines = receiver.browser.lines_only
    async with Client(receiver.host, receiver.port, pacing=0.0) as phone:
        await phone.send("NSVF00")
        await phone.send("NLSL1" if lines else "NLAI0001010001----")
        await phone.query("NLT")
    assert receiver.browser.shown.title == "Big Folder"
    assert await hass.config_entries.async_reload(settled.entry_id)
    await hass.async_block_till_done()
    await _play(hass, stored)
    await state_until(
        hass, MAIN, lambda s: s.attributes.get(ATTR_MEDIA_TITLE) == "Smooth Jazz Loopback"
    )


@both_protocols
@pytest.mark.usefixtures("settled")
async def test_a_folder_of_1000_tracks(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator, receiver: VirtualReceiver
) -> None:
    """Whole on an NLA device; 50 a page with a link to the next on an NLS-only one."""
    folder = await _node(hass, hass_ws_client, BIG)
    titles = _titles(folder)
    if not receiver.browser.lines_only:
        assert titles == [f"Track {n:04d}" for n in range(1, 1001)]
        last = folder["children"][-1]
    else:
        assert titles == [*(f"Track {n:04d}" for n in range(1, 51)), "Items 51-100 of 1000"]
        more = folder["children"][-1]
        assert (more["can_expand"], more["can_play"]) == (True, False)
        page = await _node(hass, hass_ws_client, more["media_content_id"])
        assert _titles(page) == [
            *(f"Track {n:04d}" for n in range(51, 101)),
            "Items 101-150 of 1000",
        ]
        last = page["children"][-2]
    await _play(hass, last["media_content_id"])
    await state_until(hass, MAIN, lambda s: s.attributes.get(ATTR_MEDIA_TITLE) == last["title"])


@pytest.mark.usefixtures("settled")
async def test_search_then_play_the_first_result(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator
) -> None:
    """Presets and services by name, then TuneIn's station search; results play."""
    by_name = await _found(hass, hass_ws_client, "tunein")
    assert [(r["title"], r["media_content_id"]) for r in by_name] == [
        ("TuneIn Radio", "eiscp:nsv:0E")
    ]
    found = await _found(hass, hass_ws_client, "jazz")
    assert [(r["title"], r["media_class"], r["can_play"]) for r in found] == [
        ("Jazz FM", "channel", True),
        ("Radio Swiss Jazz", "channel", True),
        ("Smooth Jazz Loopback", "channel", True),
    ]
    assert found[1]["media_content_id"] == (
        "eiscp:nsv:0E/Music/Search%20Stations/?jazz/Radio%20Swiss%20Jazz"
    )
    smooth = await _found(hass, hass_ws_client, "smooth")
    assert [r["title"] for r in smooth] == ["smoothfm (FM 91.50)", "Smooth Jazz Loopback"]
    await _play(hass, found[1]["media_content_id"])
    await state_until(
        hass, MAIN, lambda s: s.attributes.get(ATTR_MEDIA_TITLE) == "Radio Swiss Jazz"
    )
    # Within one source, and filtered by class.
    within = await _found(
        hass,
        hass_ws_client,
        "fm",
        media_content_type="app",
        media_content_id="eiscp:nsv:0E",
        media_filter_classes=["channel"],
    )
    assert [r["title"] for r in within] == ["Jazz FM", "Loopback FM"]
    # The browser's search box on a search item (can_search) runs that search.
    box = await _found(
        hass,
        hass_ws_client,
        "classic",
        media_content_type="music",
        media_content_id="eiscp:nsv:0E/Music/Search%20Stations",
    )
    assert [r["title"] for r in box] == ["Classic Rock 127"]
    response = await _search(hass, hass_ws_client, "   ")
    assert "Say or type what to search for" in response["error"]["message"]


@pytest.mark.usefixtures("settled")
async def test_enqueue_and_play_from_the_queue(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator, receiver: VirtualReceiver
) -> None:
    """add/next queue without playing; the Play Queue lists and plays; replace clears it."""
    await _play(hass, f"{AQUARIUM}/My%20Oh%20My", **{ATTR_MEDIA_ENQUEUE: "add"})
    await _play(hass, "eiscp:nsv:F0/Nested/Level%202/Level%203", **{ATTR_MEDIA_ENQUEUE: "add"})
    await _play(hass, f"{AQUARIUM}/Barbie%20Girl", **{ATTR_MEDIA_ENQUEUE: "next"})
    assert receiver.state.net.play == "S"
    queue = await _node(hass, hass_ws_client, "eiscp:nsv:1D")
    assert _titles(queue) == ["Barbie Girl", "My Oh My", "Deep Track"]
    await _play(hass, queue["children"][1]["media_content_id"])
    await state_until(hass, MAIN, lambda s: s.attributes.get(ATTR_MEDIA_TITLE) == "My Oh My")
    await _play(hass, f"{AQUARIUM}/Calling%20You", **{ATTR_MEDIA_ENQUEUE: "replace"})
    await state_until(hass, MAIN, lambda s: s.attributes.get(ATTR_MEDIA_TITLE) == "Calling You")
    assert _titles(await _node(hass, hass_ws_client, "eiscp:nsv:1D")) == ["Calling You"]
    await _play(hass, f"{AQUARIUM}/Lollipop%20(Candyman)", **{ATTR_MEDIA_ENQUEUE: "play"})
    await state_until(
        hass, MAIN, lambda s: s.attributes.get(ATTR_MEDIA_TITLE) == "Lollipop (Candyman)"
    )
    receiver.clear_received()
    with pytest.raises(ServiceValidationError) as err:
        await _play(hass, f"{JAZZ}/Jazz%20FM", **{ATTR_MEDIA_ENQUEUE: "add"})
    assert err.value.translation_key == "queue_unsupported"
    assert err.value.translation_placeholders == {"source": "TuneIn Radio"}
    assert _moves(receiver) == []


async def _playing_barbie_girl(hass: HomeAssistant) -> None:
    """Barbie Girl, paused there (a playing device moves on to the next track by itself)."""
    await _play(hass, f"{AQUARIUM}/Barbie%20Girl")
    await state_until(hass, MAIN, lambda s: s.attributes.get(ATTR_MEDIA_TITLE) == "Barbie Girl")
    await hass.services.async_call(MP_DOMAIN, "media_pause", {ATTR_ENTITY_ID: MAIN}, blocking=True)
    await state_until(hass, MAIN, lambda s: s.state == "paused")


@pytest.mark.parametrize(
    ("content_id", "key"),
    [
        ("eiscp:nsv:ZZ/Music", "invalid_content_id"),
        ("eiscp:nsv:0E//Music", "invalid_content_id"),
        ("eiscp:nsv:77/Music", "invalid_content_id"),  # not a service of the zone
        ("eiscp:sli:29/Music", "invalid_content_id"),  # no such input
        ("eiscp:nsv:0E/Music/Search%20Stations/?", "invalid_content_id"),
    ],
)
@pytest.mark.usefixtures("settled")
async def test_malformed_ids_send_nothing(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    receiver: VirtualReceiver,
    content_id: str,
    key: str,
) -> None:
    """A translated validation error (and a browse error); nothing reaches the device."""
    await _playing_barbie_girl(hass)
    receiver.clear_received()
    with pytest.raises(ServiceValidationError) as err:
        await _play(hass, content_id)
    assert err.value.translation_key == key
    response = await _browse(hass, hass_ws_client, MAIN, content_id)
    assert not response["success"]
    assert "not something the device can play or list" in response["error"]["message"]
    await asyncio.sleep(0.1)
    assert _moves(receiver) == []
    assert receiver.state.net.title == "Barbie Girl"


@both_protocols
@pytest.mark.usefixtures("settled")
async def test_a_gone_item_names_what_is_missing_and_plays_nothing(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator, receiver: VirtualReceiver
) -> None:
    """The error names the item and its list; the player keeps playing what it played."""
    await _playing_barbie_girl(hass)
    with pytest.raises(HomeAssistantError) as err:
        await _play(hass, f"{AQUARIUM}/Gone%20Song")
    assert err.value.translation_key == "item_not_found"
    assert err.value.translation_placeholders == {
        "missing": "Gone Song",
        "where": "Aquarium (1997)",
    }
    assert '"Gone Song" is no longer in "Aquarium (1997)"' in str(err.value)
    response = await _browse(hass, hass_ws_client, MAIN, "eiscp:nsv:F0/Nowhere")
    assert '"Nowhere" is no longer in "USB"' in response["error"]["message"]
    assert (receiver.state.net.title, receiver.state.net.play) == ("Barbie Girl", "p")
    with pytest.raises(ServiceValidationError) as err:
        await _play(hass, "eiscp:nsv:0E/Music/Search%20Stations")
    assert err.value.translation_key == "invalid_content_id"
    response = await _browse(hass, hass_ws_client, MAIN, f"more:5000:{BIG}")
    assert "That part of the list does not exist" in response["error"]["message"]
    assert (receiver.state.net.title, receiver.state.net.play) == ("Barbie Girl", "p")


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ("error", "The device refused the list: Server is not responding"),
        ("malformed", "cannot be read safely"),
        ("entities", "cannot be read safely"),
    ],
)
@pytest.mark.usefixtures("settled")
async def test_lists_the_device_refuses_or_garbles(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    receiver: VirtualReceiver,
    fault: str,
    message: str,
) -> None:
    """NLA status E shows the device's message; hostile or broken XML is refused."""
    receiver.browser.list_fault = fault
    response = await _browse(hass, hass_ws_client, MAIN, "eiscp:nsv:0E")
    assert not response["success"]
    assert message in response["error"]["message"]
    assert receiver.state.net.play == "S"


@both_protocols
@pytest.mark.usefixtures("settled")
async def test_popups_and_keyboards_give_up_with_a_translated_error(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator, receiver: VirtualReceiver
) -> None:
    """A login keyboard, a custom popup (NCP), a text popup (NPU) alone: a translated error.

    The dialog is closed and the device shows the list it was on.
    """
    for content_id, shown in (
        ("eiscp:nsv:0E/Login", "TuneIn Radio"),
        ("eiscp:nsv:0E/Sports/Premium%20Sports", "Sports"),
        ("eiscp:nsv:00/Sleeping%20NAS", "Music Server"),
    ):
        response = await _browse(hass, hass_ws_client, MAIN, content_id)
        assert not response["success"]
        assert "asks for input on its own screen" in response["error"]["message"]
        assert (receiver.browser.ui, receiver.browser.shown.title) == ("0", shown)
        with pytest.raises(HomeAssistantError) as err:
            await _play(hass, content_id)
        assert err.value.translation_key == "device_dialog"
        assert (receiver.browser.ui, receiver.browser.shown.title) == ("0", shown)
    assert receiver.state.net.play == "S"


@both_protocols
@pytest.mark.usefixtures("settled")
async def test_a_list_that_never_arrives_does_not_block_pushes(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator, receiver: VirtualReceiver
) -> None:
    """The browse waits and then fails; meanwhile the player follows the device's pushes."""
    receiver.press("PWR01")
    before = (await state_until(hass, MAIN, lambda s: s.state != STATE_OFF)).attributes.get(
        ATTR_MEDIA_VOLUME_LEVEL
    )
    receiver.browser.list_fault = "silent"
    browsing = asyncio.create_task(_browse(hass, hass_ws_client, MAIN, "eiscp:nsv:0E"))
    await receiver.wait_for("NSV0E0")
    receiver.press("MVL20")
    await state_until(hass, MAIN, lambda s: s.attributes.get(ATTR_MEDIA_VOLUME_LEVEL) != before)
    assert not browsing.done()
    response = await browsing
    assert not response["success"]
    assert "did not show the list in time" in response["error"]["message"]
    assert receiver.state.net.play == "S"


@pytest.mark.usefixtures("settled")
async def test_a_source_itself_starts_it(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator, receiver: VirtualReceiver
) -> None:
    """A service's own id starts the service (zone on, NET, NSV), as its name does."""
    await state_until(hass, MAIN, lambda s: s.state == STATE_OFF)
    receiver.clear_received()
    await _play(hass, "eiscp:nsv:0A")
    await receiver.wait_for("NSV0A0")
    assert _moves(receiver)[:3] == ["PWR01", "SLI2B", "NSV0A0"]
    response = await _browse(hass, hass_ws_client, MAIN, "more:x:eiscp:nsv:0E")
    assert "not something the device can play or list" in response["error"]["message"]


@pytest.mark.parametrize("profile", ["NS-6130"], indirect=True)
@pytest.mark.usefixtures("settled")
async def test_a_storage_input_itself_selects_it(
    hass: HomeAssistant, receiver: VirtualReceiver
) -> None:
    """A USB input's own id selects that input."""
    await _play(hass, "eiscp:sli:2A", PLAYER)
    await state_until(hass, PLAYER, lambda s: s.attributes.get(ATTR_INPUT_SOURCE) == "USB(R)")


@pytest.mark.usefixtures("settled")
async def test_search_passes_over_services_that_fail(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator, receiver: VirtualReceiver
) -> None:
    """A service whose lists or search fail adds nothing; the others' results still come."""
    receiver.browser.list_fault = "error"
    assert await _found(hass, hass_ws_client, "rock") == []  # no search found: none kept
    receiver.browser.list_fault = None
    rock = await _found(hass, hass_ws_client, "rock")
    assert [r["title"] for r in rock] == ["Classic Rock 127", "Rock Antenne"]
    receiver.browser.list_fault = "error"
    assert await _found(hass, hass_ws_client, "rock") == []  # the kept search fails now
    assert receiver.state.net.play == "S"


@both_protocols
@pytest.mark.usefixtures("settled")
async def test_icons_by_the_devices_icon_types_load_through_the_player(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    hass_client_no_auth: ClientSessionGenerator,
    receiver: VirtualReceiver,
) -> None:
    """Each item pictured as the device types it (NLA icon type/id, NLS line property).

    The pictures are the integration's own SVG files, loaded by URL through the player.
    """
    root = await _node(hass, hass_ws_client, None)
    services = await _node(hass, hass_ws_client, "services")
    server = "eiscp:nsv:00/Loopback%20Media%20Server"
    artist = f"{server}/Artists/The%20Loopback%20Quartet"
    nodes = {
        "root": root,
        "services": services,
        "presets": await _node(hass, hass_ws_client, "presets"),
        "music server": await _node(hass, hass_ws_client, "eiscp:nsv:00"),
        "server": await _node(hass, hass_ws_client, server),
        "artists": await _node(hass, hass_ws_client, f"{server}/Artists"),
        "artist": await _node(hass, hass_ws_client, artist),
        "album": await _node(hass, hass_ws_client, f"{artist}/Local%20Hosts"),
        "playlists": await _node(hass, hass_ws_client, f"{server}/Playlists"),
        "music": await _node(hass, hass_ws_client, "eiscp:nsv:0E/Music"),
        "jazz": await _node(hass, hass_ws_client, JAZZ),
    }
    icons = {name: [_icon(child) for child in node["children"]] for name, node in nodes.items()}
    by_service = {child["media_content_id"]: _icon(child) for child in services["children"]}
    del icons["services"]
    lines = receiver.browser.lines_only  # NLS has no letter for a server, none for "Play"
    assert icons == {
        "root": ["streaming", "radio"],
        "presets": ["station"] * len(nodes["presets"]["children"]),
        "music server": ["folder", "folder"] if lines else ["server", "server"],
        "server": ["folder", "folder"],
        "artists": ["artist", "artist"],
        "artist": ["album"],
        "album": [None if lines else "play", "track", "track"],
        "playlists": ["playlist"],
        "music": ["search", "folder", "folder", "folder"],
        "jazz": ["station", "station", "station"],
    }
    assert (
        by_service.items()
        >= {
            "eiscp:nsv:00": "server",
            "eiscp:nsv:0E": "radio",
            "eiscp:nsv:0A": "streaming",
            "eiscp:nsv:1D": "queue",
            "eiscp:nsv:F0": "usb",
        }.items()
    )
    assert _icon(nodes["music server"]) == "server"  # a service's own list
    urls = {
        child["thumbnail"]
        for node in nodes.values()
        for child in node["children"]
        if child["thumbnail"]
    }
    client = await hass_client_no_auth()
    shipped = Path(__file__).parents[2] / "custom_components" / "onkyo_eiscp" / "browse_icons"
    for url in urls:
        response = await client.get(url)  # the URL carries the player's access token
        assert response.status == HTTPStatus.OK, url
        assert response.content_type == "image/svg+xml"
        name = url.split("/browse_media/icon/")[1].split("?")[0]
        assert await response.read() == (shipped / f"{name}.svg").read_bytes()
    one = next(iter(urls))
    for wrong in (one.replace("/icon/", "/music/"), re.sub(r"/icon/[a-z]+", "/icon/nothing", one)):
        assert (await client.get(wrong)).status != HTTPStatus.OK
    assert (await client.get(_TOKEN.sub("token=wrong", one))).status == HTTPStatus.FORBIDDEN


@pytest.mark.usefixtures("settled")
async def test_the_browsers_own_titles_are_translated(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator
) -> None:
    """Groups and the Play Queue are titled from the translations (English: en.json)."""
    en = json.loads(
        (
            Path(__file__).parents[2]
            / "custom_components"
            / "onkyo_eiscp"
            / "translations"
            / "en.json"
        ).read_text()
    )["selector"]["browser"]["options"]
    root = await _node(hass, hass_ws_client, None)
    assert root["title"] == en["root"].replace("{model}", "TX-NR686")
    assert _titles(root) == [en["services"], en["presets"]]
    assert (await _node(hass, hass_ws_client, "eiscp:nsv:1D"))["title"] == en["play_queue"]
    hass.config.language = "xx"  # a language without translations: English
    assert _titles(await _node(hass, hass_ws_client, None)) == ["Network services", "Presets"]

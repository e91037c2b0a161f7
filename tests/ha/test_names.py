"""Names of inputs and listening modes: the options flow's names step, and everywhere they show.

Every rename is checked down to the device: choosing the renamed input or mode ends with
the virtual receiver in the right SLI/LMD/LMZ state.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator
from typing import Any
from unittest.mock import patch

import probatio
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import WebSocketGenerator
from syrupy.assertion import SnapshotAssertion

from custom_components.onkyo_eiscp.const import (
    CONF_ANNOUNCE_TIME_LIMIT,
    CONF_LISTENING_MODE_NAMES,
    CONF_LISTENING_MODES,
    CONF_PIONEER_FACTS,
    CONF_PROTOCOL,
    CONF_RELEASE_WHILE_OFF,
    CONF_SOURCE_NAMES,
    CONF_SOURCES,
    CONF_VOLUME_LIMIT,
    DEFAULT_ANNOUNCE_TIME_LIMIT,
    DOMAIN,
    PROTOCOL_PIONEER,
)
from custom_components.onkyo_eiscp.eiscp.capabilities import Capabilities
from custom_components.onkyo_eiscp.eiscp.const import Zone
from custom_components.onkyo_eiscp.eiscp.nri import parse_nri
from custom_components.onkyo_eiscp.eiscp.pioneer.device_info import PioneerFacts
from homeassistant.components.media_player import (
    ATTR_INPUT_SOURCE,
    ATTR_INPUT_SOURCE_LIST,
    ATTR_SOUND_MODE,
    ATTR_SOUND_MODE_LIST,
    DOMAIN as MEDIA_PLAYER,
    SERVICE_SELECT_SOUND_MODE,
    SERVICE_SELECT_SOURCE,
)
from homeassistant.components.select import (
    ATTR_OPTION,
    ATTR_OPTIONS,
    DOMAIN as SELECT,
    SERVICE_SELECT_OPTION,
)
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_ENTITY_ID, CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
from virtual_receiver import VirtualReceiver
from virtual_receiver.pioneer import MAIN as PIONEER_MAIN, VSX_1021, VirtualPioneer

from .conftest import settle
from .helpers import save_nri, state_until

MAIN = "media_player.onkyo_tx_nr686"
ZONE2 = "media_player.onkyo_tx_nr686_zone_2"
INPUT = "select.onkyo_tx_nr686_input_source"
ZONE2_INPUT = "select.onkyo_tx_nr686_zone_2_input_source"
MODE = "select.onkyo_tx_nr686_listening_mode"
ZONE2_MODE = "select.onkyo_tx_nr686_zone_2_listening_mode"
PIONEER_PLAYER = "media_player.pioneer_vsx_1021"
UDN = "5f9ec1b3-ed59-1900-4530-00a0de9e2b3c"


async def _options(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    names: dict[str, Any] | None = None,
    init: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Go through the options flow: ``init``'s answers, then the names step's (if shown)."""
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(result["flow_id"], init or {})
    if names is not None:
        assert result["step_id"] == "names"
        result = await hass.config_entries.options.async_configure(result["flow_id"], names)
    await hass.async_block_till_done()
    return dict(result)


def _serialized(result: dict[str, Any]) -> Any:
    """The form's schema as the frontend gets it."""
    return probatio.to_field_list(result["data_schema"], custom_serializer=cv.custom_serializer)


def _section(result: dict[str, Any], key: str) -> dict[str, Any]:
    """A section's fields: field key -> suggested value."""
    fields = next(f for f in _serialized(result) if f["name"] == key)["schema"]
    return {f["name"]: f["description"]["suggested_value"] for f in fields}


async def _mp(hass: HomeAssistant, service: str, entity_id: str, **data: Any) -> None:
    await hass.services.async_call(
        MEDIA_PLAYER, service, {ATTR_ENTITY_ID: entity_id, **data}, blocking=True
    )


async def _select(hass: HomeAssistant, entity_id: str, option: str) -> None:
    await hass.services.async_call(
        SELECT,
        SERVICE_SELECT_OPTION,
        {ATTR_ENTITY_ID: entity_id, ATTR_OPTION: option},
        blocking=True,
    )


# --- the step --------------------------------------------------------------------------


async def test_names_step_schema(
    hass: HomeAssistant, init_integration: MockConfigEntry, snapshot: SnapshotAssertion
) -> None:
    """One field per offered input and per mode, prefilled; the modes to offer, chosen."""
    hass.config_entries.async_update_entry(
        init_integration,
        options={
            CONF_SOURCES: ["10", "2B", "12"],
            CONF_SOURCE_NAMES: {"10": "Blu-ray", "23": "Vinyl"},
            CONF_LISTENING_MODE_NAMES: {"0C": "Party"},
            CONF_LISTENING_MODES: ["00", "0C"],
        },
    )
    await hass.async_block_till_done()
    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    result = await hass.config_entries.options.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "names"
    assert _section(result, CONF_SOURCE_NAMES) == {
        "BD/DVD": "Blu-ray",  # the user's earlier name
        "TV": "TV",  # the device's
        "NET": "NET",
    }
    assert _section(result, CONF_LISTENING_MODE_NAMES)["All Ch Stereo"] == "Party"
    assert _serialized(result) == snapshot


async def test_names_are_stored_and_emptied(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A name differing from the device's is kept; an emptied field is the device's name."""
    await _options(
        hass,
        init_integration,
        {
            CONF_SOURCE_NAMES: {"BD/DVD": "  Blu-ray ", "TV": "TV", "GAME": "Console"},
            CONF_LISTENING_MODE_NAMES: {"Stereo": "Two channel"},
        },
    )
    assert init_integration.options[CONF_SOURCE_NAMES] == {"10": "Blu-ray", "02": "Console"}
    assert init_integration.options[CONF_LISTENING_MODE_NAMES] == {"00": "Two channel"}
    assert CONF_LISTENING_MODES not in init_integration.options  # all offered: none stored
    await _options(
        hass,
        init_integration,
        {
            CONF_SOURCE_NAMES: {"BD/DVD": "", "GAME": "Console"},
            CONF_LISTENING_MODE_NAMES: {},
        },
    )
    assert init_integration.options[CONF_SOURCE_NAMES] == {"02": "Console"}
    assert CONF_LISTENING_MODE_NAMES not in init_integration.options


@pytest.mark.parametrize(
    ("sources", "modes", "error", "name"),
    [
        ({"GAME": "   "}, {}, "blank_name", "GAME"),
        ({"GAME": "TV"}, {}, "duplicate_name", "TV"),
        ({"GAME": "Den", "PC": "den"}, {}, "duplicate_name", "den"),
        ({"TV": "Screen", "PC": "Screen"}, {}, "duplicate_name", "Screen"),
        ({}, {"Stereo": "Direct"}, "duplicate_name", "Direct"),
    ],
)
async def test_names_step_refuses_blank_and_duplicate_names(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    sources: dict[str, str],
    modes: dict[str, str],
    error: str,
    name: str,
) -> None:
    """A name of blanks, or one another field also ends with, is refused, then corrected."""
    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    result = await hass.config_entries.options.async_configure(result["flow_id"], {})
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_SOURCE_NAMES: sources, CONF_LISTENING_MODE_NAMES: modes}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": error}
    assert result["description_placeholders"] == {"name": name}
    assert _section(result, CONF_SOURCE_NAMES)["GAME"] == sources.get("GAME", "")  # as typed
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {CONF_SOURCE_NAMES: {"GAME": "Console"}, CONF_LISTENING_MODE_NAMES: {}},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert init_integration.options[CONF_SOURCE_NAMES] == {"02": "Console"}


# --- names everywhere, down to the device -------------------------------------------------


async def test_renamed_inputs_show_everywhere_and_select_their_code(
    hass: HomeAssistant, init_integration: MockConfigEntry, receiver: VirtualReceiver
) -> None:
    """source_list, source and the input selects of each zone; the device ends on the code."""
    await _options(
        hass,
        init_integration,
        {
            CONF_SOURCE_NAMES: {"BD/DVD": "Blu-ray", "TV": "Television"},
            CONF_LISTENING_MODE_NAMES: {},
        },
    )
    receiver.press("PWR01")  # a player in standby shows no attributes
    receiver.press("ZPW01")
    await settle(hass, init_integration)
    for player in (MAIN, ZONE2):
        state = await state_until(hass, player, lambda s: ATTR_INPUT_SOURCE_LIST in s.attributes)
        names = state.attributes[ATTR_INPUT_SOURCE_LIST]
        assert "Blu-ray" in names
        assert "Television" in names
        assert "BD/DVD" not in names
    for select in (INPUT, ZONE2_INPUT):
        state = hass.states.get(select)
        assert state is not None
        assert "Blu-ray" in state.attributes[ATTR_OPTIONS]
    await _mp(hass, SERVICE_SELECT_SOURCE, MAIN, **{ATTR_INPUT_SOURCE: "Blu-ray"})
    await state_until(hass, MAIN, lambda s: s.attributes.get(ATTR_INPUT_SOURCE) == "Blu-ray")
    assert receiver.state.zones[Zone.MAIN].source == "10"
    await _select(hass, ZONE2_INPUT, "Television")
    await state_until(hass, ZONE2_INPUT, lambda s: s.state == "Television")
    assert receiver.state.zones[Zone.ZONE2].source == "12"
    receiver.press("SLI02")  # a name the user kept: the device's
    await state_until(hass, INPUT, lambda s: s.state == "GAME")
    with pytest.raises(ServiceValidationError):
        await _mp(hass, SERVICE_SELECT_SOURCE, MAIN, **{ATTR_INPUT_SOURCE: "BD/DVD"})


async def test_renamed_and_offered_modes(
    hass: HomeAssistant, init_integration: MockConfigEntry, receiver: VirtualReceiver
) -> None:
    """Only the offered modes are listed, by the user's names; a mode not offered still shows."""
    await _options(
        hass,
        init_integration,
        {
            CONF_SOURCE_NAMES: {},
            CONF_LISTENING_MODE_NAMES: {"All Ch Stereo": "Party", "Stereo": "Two channel"},
            CONF_LISTENING_MODES: ["0C", "01", "00"],
        },
    )
    assert init_integration.options[CONF_LISTENING_MODES] == ["00", "01", "0C"]  # device order
    receiver.press("PWR01")
    await settle(hass, init_integration)
    state = await state_until(hass, MAIN, lambda s: ATTR_SOUND_MODE_LIST in s.attributes)
    assert state.attributes[ATTR_SOUND_MODE_LIST] == ["Two channel", "Direct", "Party"]
    select = hass.states.get(MODE)
    assert select is not None
    assert select.attributes[ATTR_OPTIONS] == ["Two channel", "direct", "Party"]
    await _mp(hass, SERVICE_SELECT_SOUND_MODE, MAIN, **{ATTR_SOUND_MODE: "Party"})
    await state_until(hass, MAIN, lambda s: s.attributes.get(ATTR_SOUND_MODE) == "Party")
    assert receiver.state.listening_mode == "0C"
    await _select(hass, MODE, "Two channel")
    await state_until(hass, MODE, lambda s: s.state == "Two channel")
    assert receiver.state.listening_mode == "00"
    receiver.press("LMD02")  # Surround: not offered, still shown by name
    await state_until(hass, MAIN, lambda s: s.attributes.get(ATTR_SOUND_MODE) == "Surround")
    with pytest.raises(ServiceValidationError):
        await _mp(hass, SERVICE_SELECT_SOUND_MODE, MAIN, **{ATTR_SOUND_MODE: "Surround"})
    with pytest.raises(ServiceValidationError):
        await _mp(hass, SERVICE_SELECT_SOUND_MODE, MAIN, **{ATTR_SOUND_MODE: "All Ch Stereo"})


async def test_no_mode_offered(hass: HomeAssistant, init_integration: MockConfigEntry) -> None:
    """No mode offered: no listening-mode select, and the player offers none."""
    await _options(
        hass,
        init_integration,
        {CONF_SOURCE_NAMES: {}, CONF_LISTENING_MODE_NAMES: {}, CONF_LISTENING_MODES: []},
    )
    assert init_integration.options[CONF_LISTENING_MODES] == []
    select = hass.states.get(MODE)
    assert select is not None
    assert select.attributes.get("restored")  # no longer provided: left in the registry only
    state = hass.states.get(MAIN)
    assert state is not None
    assert ATTR_SOUND_MODE_LIST not in state.attributes


@pytest.mark.parametrize("receiver_options", [{"settings": ["LMZ"]}], indirect=True)
async def test_zone2_modes_take_the_shared_names(
    hass: HomeAssistant, init_integration: MockConfigEntry, receiver: VirtualReceiver
) -> None:
    """Zone 2's own modes (once the device has LMZ) can be named; LMZ ends in the code."""
    receiver.press("PWR01")
    receiver.press("ZPW01")
    await settle(hass, init_integration)
    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    result = await hass.config_entries.options.async_configure(result["flow_id"], {})
    fields = _section(dict(result), CONF_LISTENING_MODE_NAMES)
    assert "Multiplex" in fields  # zone 2's, not the main zone's
    assert "Multiplex" not in {
        o["label"] for o in _serialized(dict(result))[0]["selector"]["select"]["options"]
    }
    await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_SOURCE_NAMES: {},
            CONF_LISTENING_MODE_NAMES: {"Mono": "Mono zone", "Multiplex": "Dual mono"},
        },
    )
    await hass.async_block_till_done()
    receiver.press("ZPW01")
    await settle(hass, init_integration)
    state = await state_until(hass, ZONE2, lambda s: ATTR_SOUND_MODE_LIST in s.attributes)
    assert "Dual mono" in state.attributes[ATTR_SOUND_MODE_LIST]
    assert "Mono zone" in state.attributes[ATTR_SOUND_MODE_LIST]
    select = hass.states.get(ZONE2_MODE)
    assert select is not None
    assert "Dual mono" in select.attributes[ATTR_OPTIONS]
    await _mp(hass, SERVICE_SELECT_SOUND_MODE, ZONE2, **{ATTR_SOUND_MODE: "Dual mono"})
    await state_until(hass, ZONE2, lambda s: s.attributes.get(ATTR_SOUND_MODE) == "Dual mono")
    assert receiver.device.settings.values["LMZ"] == "12"
    await _select(hass, ZONE2_MODE, "Mono zone")
    await state_until(hass, ZONE2_MODE, lambda s: s.state == "Mono zone")
    assert receiver.device.settings.values["LMZ"] == "0F"


@pytest.mark.parametrize("profile", ["NS-6130"], indirect=True)
@pytest.mark.usefixtures("settled")
async def test_storage_inputs_browse_by_their_names(
    hass: HomeAssistant, init_integration: MockConfigEntry, hass_ws_client: WebSocketGenerator
) -> None:
    """A device without listening modes names inputs only; the browser's storage follows."""
    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    result = await hass.config_entries.options.async_configure(result["flow_id"], {})
    assert [f["name"] for f in _serialized(dict(result))] == [CONF_SOURCE_NAMES]
    await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_SOURCE_NAMES: {"USB(F)": "Front USB"}}
    )
    await hass.async_block_till_done()
    await settle(hass, init_integration)
    client = await hass_ws_client(hass)
    await client.send_json_auto_id(
        {
            "type": "media_player/browse_media",
            "entity_id": "media_player.onkyo_ns_6130",
            "media_content_type": "",
            "media_content_id": "storage",
        }
    )
    response = await client.receive_json()
    assert response["success"], response
    assert [c["title"] for c in response["result"]["children"]] == ["Front USB", "USB(R)"]


# --- entries that are not loaded --------------------------------------------------------


async def test_names_of_an_entry_not_loaded(
    hass: HomeAssistant, receiver: VirtualReceiver, hass_storage: dict[str, Any]
) -> None:
    """From the saved NRI and settings: names of inputs not offered are kept."""
    save_nri(hass_storage, receiver.identifier, receiver.nri_xml)
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=receiver.identifier,
        data={CONF_HOST: "127.0.0.1", CONF_PORT: 1},
        options={
            CONF_VOLUME_LIMIT: 80,
            CONF_SOURCES: ["10", "2B"],
            CONF_SOURCE_NAMES: {"10": "Blu-ray", "23": "Vinyl"},
            CONF_LISTENING_MODES: ["00"],
        },
    )
    entry.add_to_hass(hass)
    hass_storage[f"{DOMAIN}.settings.{entry.entry_id}"] = {
        "version": 1,
        "data": {"settings": {"LMZ": True}, "values": {}},
    }
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(result["flow_id"], {})
    assert result["step_id"] == "names"
    assert _section(dict(result), CONF_SOURCE_NAMES) == {"BD/DVD": "Blu-ray", "NET": "NET"}
    modes = _section(dict(result), CONF_LISTENING_MODE_NAMES)
    assert "Multiplex" in modes  # the device answered LMZ before
    main_modes = Capabilities.from_info(parse_nri(receiver.nri_xml)).listening_modes
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_SOURCE_NAMES: {"BD/DVD": "Blu-ray", "NET": "Streaming"},
            CONF_LISTENING_MODE_NAMES: {"Stereo": "Two channel"},
            CONF_LISTENING_MODES: list(main_modes),
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {
        CONF_VOLUME_LIMIT: 80,
        CONF_RELEASE_WHILE_OFF: False,
        CONF_ANNOUNCE_TIME_LIMIT: DEFAULT_ANNOUNCE_TIME_LIMIT,
        CONF_SOURCES: ["10", "2B"],
        CONF_SOURCE_NAMES: {"10": "Blu-ray", "23": "Vinyl", "2B": "Streaming"},
        CONF_LISTENING_MODE_NAMES: {"00": "Two channel"},
    }


@pytest.fixture
async def pioneer() -> AsyncGenerator[VirtualPioneer]:
    """The virtual VSX-1021, main zone on."""
    async with VirtualPioneer() as vr:
        vr.press("PO")
        yield vr


@pytest.fixture
def _fast_setup() -> Generator[None]:
    with patch("custom_components.onkyo_eiscp.SETUP_TIMEOUT", 0.5):
        yield


@pytest.mark.usefixtures("_fast_setup")
async def test_names_of_a_pioneer_entry(hass: HomeAssistant, pioneer: VirtualPioneer) -> None:
    """A legacy Pioneer entry, not loaded: names from its facts; then the device ends on them."""
    inputs = tuple((number, name) for number, (name, _) in sorted(VSX_1021.inputs.items()))
    # Two inputs alike by the device's names: their fields say the id; not an error.
    facts = PioneerFacts(
        model="VSX-1021", mac="", zones=(Zone.MAIN,), inputs=(*inputs, ("45", "CD"))
    )
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Pioneer VSX-1021",
        data={
            CONF_HOST: pioneer.host,
            CONF_PORT: pioneer.port,
            CONF_PROTOCOL: PROTOCOL_PIONEER,
            CONF_PIONEER_FACTS: facts.as_dict(),
        },
        unique_id=UDN,
    )
    entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(result["flow_id"], {})
    fields = _section(dict(result), CONF_SOURCE_NAMES)
    assert {"Apple TV", "CD (01)", "CD (45)"} <= set(fields)
    assert "Direct" in _section(dict(result), CONF_LISTENING_MODE_NAMES)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_SOURCE_NAMES: {"Apple TV": "Streamer", "CD (01)": "CD", "CD (45)": "CD"},
            CONF_LISTENING_MODE_NAMES: {"Direct": "Pure"},
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options[CONF_SOURCE_NAMES] == {"19": "Streamer"}
    assert entry.options[CONF_LISTENING_MODE_NAMES] == {"01": "Pure"}
    await hass.async_block_till_done()  # the options reload the entry: it is set up
    assert entry.state is ConfigEntryState.LOADED
    state = await state_until(
        hass, PIONEER_PLAYER, lambda s: s.attributes.get(ATTR_INPUT_SOURCE) == "BD"
    )
    assert "Streamer" in state.attributes[ATTR_INPUT_SOURCE_LIST]
    assert "Pure" in state.attributes[ATTR_SOUND_MODE_LIST]
    await _mp(hass, SERVICE_SELECT_SOURCE, PIONEER_PLAYER, **{ATTR_INPUT_SOURCE: "Streamer"})
    await _mp(hass, SERVICE_SELECT_SOUND_MODE, PIONEER_PLAYER, **{ATTR_SOUND_MODE: "Pure"})
    await state_until(hass, PIONEER_PLAYER, lambda s: s.attributes.get(ATTR_SOUND_MODE) == "Pure")
    assert pioneer.device.zones[PIONEER_MAIN].source == "19"
    assert pioneer.device.listening_mode == "0007"
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()

"""A legacy Pioneer receiver (the virtual VSX-1021) added and driven through Home Assistant."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator
import dataclasses
from typing import Any
from unittest.mock import patch

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.onkyo_eiscp import async_migrate_entry
from custom_components.onkyo_eiscp.const import (
    CONF_PIONEER_FACTS,
    CONF_PROTOCOL,
    CONF_SOURCES,
    CONF_VOLUME_LIMIT,
    DOMAIN,
    PROTOCOL_PIONEER,
)
from custom_components.onkyo_eiscp.eiscp.codes import LISTENING_MODE_NAMES
from custom_components.onkyo_eiscp.eiscp.const import Zone
from custom_components.onkyo_eiscp.eiscp.pioneer.bridge import LISTENING_MODE_TO_PIONEER
from custom_components.onkyo_eiscp.eiscp.pioneer.device_info import PioneerFacts
from homeassistant.components.media_player import (
    ATTR_INPUT_SOURCE,
    ATTR_INPUT_SOURCE_LIST,
    ATTR_MEDIA_VOLUME_LEVEL,
    ATTR_MEDIA_VOLUME_MUTED,
    ATTR_SOUND_MODE,
    DOMAIN as MP_DOMAIN,
    SERVICE_PLAY_MEDIA,
    SERVICE_SELECT_SOUND_MODE,
    SERVICE_SELECT_SOURCE,
)
from homeassistant.config_entries import SOURCE_SSDP, SOURCE_USER, ConfigEntryState
from homeassistant.const import (
    ATTR_ENTITY_ID,
    CONF_HOST,
    CONF_PORT,
    SERVICE_TURN_ON,
    SERVICE_VOLUME_MUTE,
    SERVICE_VOLUME_SET,
    SERVICE_VOLUME_UP,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er, issue_registry as ir
from homeassistant.helpers.service_info.ssdp import SsdpServiceInfo
from virtual_receiver import VirtualReceiver
from virtual_receiver.pioneer import HDZONE, MAIN, VSX_1021, ZONE2, ZONE3, VirtualPioneer

from .helpers import free_port, state_until, until

FLOW = "custom_components.onkyo_eiscp.config_flow"
UDN = "5f9ec1b3-ed59-1900-4530-00a0de9e2b3c"
MAIN_PLAYER = "media_player.pioneer_vsx_1021"
ZONE2_PLAYER = "media_player.pioneer_vsx_1021_zone_2"
ZONE3_PLAYER = "media_player.pioneer_vsx_1021_zone_3"
ZONE2_IDS = VSX_1021.zone_inputs[ZONE2]
FACTS = PioneerFacts(
    model="VSX-1021",
    mac="",
    zones=(Zone.MAIN, Zone.ZONE2, Zone.ZONE3),
    inputs=tuple((number, name) for number, (name, _) in sorted(VSX_1021.inputs.items())),
)


@pytest.fixture(autouse=True)
def _fast_timeouts() -> Generator[None]:
    """Short waits: a silent device must not slow the suite down."""
    with (
        patch(f"{FLOW}.VALIDATE_TIMEOUT", 0.5),
        patch("custom_components.onkyo_eiscp.SETUP_TIMEOUT", 0.5),
    ):
        yield


@pytest.fixture
async def pioneer() -> AsyncGenerator[VirtualPioneer]:
    """The virtual VSX-1021, main zone on, its UPnP description where the flow looks."""
    async with VirtualPioneer() as vr:
        vr.press("PO")
        with patch("custom_components.onkyo_eiscp.identify.PIONEER_UPNP_PORT", vr.upnp_port):
            yield vr


@pytest.fixture
def pioneer_port(pioneer: VirtualPioneer) -> Generator[int]:
    """Make the virtual receiver's port one of the legacy Pioneer ports."""
    with patch(f"{FLOW}.PIONEER_PORTS", (pioneer.port,)):
        yield pioneer.port


def pioneer_entry(pioneer: VirtualPioneer, facts: PioneerFacts | None = FACTS) -> MockConfigEntry:
    data: dict[str, Any] = {
        CONF_HOST: pioneer.host,
        CONF_PORT: pioneer.port,
        CONF_PROTOCOL: PROTOCOL_PIONEER,
    }
    if facts is not None:
        data[CONF_PIONEER_FACTS] = facts.as_dict()
    return MockConfigEntry(domain=DOMAIN, title="Pioneer VSX-1021", data=data, unique_id=UDN)


@pytest.fixture
async def entry(hass: HomeAssistant, pioneer: VirtualPioneer) -> AsyncGenerator[MockConfigEntry]:
    """The receiver set up, with the state its setup queries asked for."""
    config_entry = pioneer_entry(pioneer)
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    await state_until(hass, MAIN_PLAYER, lambda s: s.attributes.get(ATTR_INPUT_SOURCE) == "BD")
    yield config_entry
    if config_entry.state.recoverable:
        await hass.config_entries.async_unload(config_entry.entry_id)
        await hass.async_block_till_done()


async def _manual(hass: HomeAssistant, host: str, port: int) -> dict[str, Any]:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "manual"}
    )
    return dict(
        await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_HOST: host, CONF_PORT: port}
        )
    )


# --- the config flow -------------------------------------------------------------------


@pytest.mark.usefixtures("pioneer_port")
async def test_manual_flow_on_a_pioneer_port(hass: HomeAssistant, pioneer: VirtualPioneer) -> None:
    """Host and port typed: recognised as Pioneer, named by its model, keyed by its UDN."""
    result = await _manual(hass, pioneer.host, pioneer.port)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Pioneer VSX-1021"
    assert result["result"].unique_id == UDN
    data = result["data"]
    assert data[CONF_PROTOCOL] == PROTOCOL_PIONEER
    facts = PioneerFacts.from_dict(data[CONF_PIONEER_FACTS])
    assert facts.zones == (Zone.MAIN, Zone.ZONE2, Zone.ZONE3)
    assert dict(facts.inputs)["19"] == "Apple TV"
    await hass.async_block_till_done()
    assert result["result"].state is ConfigEntryState.LOADED
    assert hass.states.get(ZONE3_PLAYER) is not None


async def test_manual_flow_falls_back_when_eiscp_gets_nothing(
    hass: HomeAssistant, pioneer: VirtualPioneer
) -> None:
    """On another port, eISCP is tried first; its failure leads to the Pioneer protocol."""
    with patch("custom_components.onkyo_eiscp.identify.UDP_INTERVIEW_TIMEOUT", 0.1):
        result = await _manual(hass, pioneer.host, pioneer.port)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_PROTOCOL] == PROTOCOL_PIONEER
    await hass.async_block_till_done()


async def test_identity_from_the_mac_without_a_description(hass: HomeAssistant) -> None:
    """A receiver that serves no description but reports its MAC is keyed by the MAC."""
    profile = dataclasses.replace(VSX_1021, mac="00:E0:36:12:34:56")
    async with VirtualPioneer(profile, upnp_port=None) as vr:
        with (
            patch(f"{FLOW}.PIONEER_PORTS", (vr.port,)),
            patch("custom_components.onkyo_eiscp.identify.PIONEER_UPNP_PORT", free_port()),
        ):
            result = await _manual(hass, vr.host, vr.port)
        assert result["type"] is FlowResultType.CREATE_ENTRY
        assert result["result"].unique_id == "00E036123456"
        await hass.async_block_till_done()
        assert await hass.config_entries.async_unload(result["result"].entry_id)


async def test_no_identifier_aborts(hass: HomeAssistant) -> None:
    """Neither a description nor a MAC: the receiver cannot be added."""
    async with VirtualPioneer(upnp_port=None) as vr:
        with (
            patch(f"{FLOW}.PIONEER_PORTS", (vr.port,)),
            patch("custom_components.onkyo_eiscp.identify.PIONEER_UPNP_PORT", free_port()),
        ):
            result = await _manual(hass, vr.host, vr.port)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "no_identifier"


async def test_ssdp_offers_a_legacy_pioneer(hass: HomeAssistant, pioneer: VirtualPioneer) -> None:
    """A "PIONEER CORPORATION" renderer is interviewed on 8102, then 23, and offered."""
    info = SsdpServiceInfo(
        ssdp_usn=f"uuid:{UDN}",
        ssdp_st="urn:schemas-upnp-org:device:MediaRenderer:1",
        ssdp_location=pioneer.description_url,
        upnp={"manufacturer": "PIONEER CORPORATION", "modelName": "VSX-1021"},
    )
    with patch(f"{FLOW}.PIONEER_PORTS", (free_port(), pioneer.port)):
        result = await hass.config_entries.flow.async_init(
            DOMAIN, context={"source": SOURCE_SSDP}, data=info
        )
        assert result["type"] is FlowResultType.FORM
        assert result["step_id"] == "discovery_confirm"
        assert result["description_placeholders"] == {
            "name": "Pioneer VSX-1021",
            "host": "127.0.0.1",
        }
        result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_PORT] == pioneer.port
    assert result["result"].unique_id == UDN
    await hass.async_block_till_done()


async def test_ssdp_of_something_silent_aborts(hass: HomeAssistant) -> None:
    """Nothing answers on either port: the discovery is dropped."""
    info = SsdpServiceInfo(
        ssdp_usn="uuid:x",
        ssdp_st="urn:schemas-upnp-org:device:MediaRenderer:1",
        ssdp_location="http://127.0.0.1:1/desc.xml",
        upnp={"manufacturer": "PIONEER CORPORATION"},
    )
    with patch(f"{FLOW}.PIONEER_PORTS", (free_port(), free_port())):
        result = await hass.config_entries.flow.async_init(
            DOMAIN, context={"source": SOURCE_SSDP}, data=info
        )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "cannot_connect"


# --- entities ------------------------------------------------------------------------


async def test_a_player_per_zone_and_nothing_eiscp_only(
    hass: HomeAssistant, entry: MockConfigEntry, entity_registry: er.EntityRegistry
) -> None:
    """Main, zone 2 and zone 3 players with the receiver's input names; no NET extras.

    Each zone offers the inputs it can select; the sensors are the front display only.
    """
    entities = er.async_entries_for_config_entry(entity_registry, entry.entry_id)
    players = sorted(e.unique_id for e in entities if e.domain == MP_DOMAIN)
    assert players == [f"{UDN}_main", f"{UDN}_zone2", f"{UDN}_zone3"]
    assert not [e.entity_id for e in entities if e.domain == "update"]
    sensors = [e.unique_id for e in entities if e.domain == "sensor"]
    assert sensors == [f"{UDN}_main_front_display"]
    main = hass.states.get(MAIN_PLAYER)
    assert main is not None
    assert main.state == STATE_ON
    assert "Apple TV" in main.attributes[ATTR_INPUT_SOURCE_LIST]
    assert len(main.attributes[ATTR_INPUT_SOURCE_LIST]) == len(VSX_1021.inputs)
    zone2 = hass.states.get(ZONE2_PLAYER)
    assert zone2 is not None
    assert zone2.state == STATE_OFF
    zone_inputs = [name for number, name in FACTS.inputs if number in ZONE2_IDS]
    assert zone2.attributes[ATTR_INPUT_SOURCE_LIST] == zone_inputs
    assert "BD" not in zone2.attributes[ATTR_INPUT_SOURCE_LIST]


async def _call(hass: HomeAssistant, service: str, entity_id: str, **data: Any) -> None:
    await hass.services.async_call(
        MP_DOMAIN, service, {ATTR_ENTITY_ID: entity_id, **data}, blocking=True
    )


async def test_actions_reach_the_device(
    hass: HomeAssistant, entry: MockConfigEntry, pioneer: VirtualPioneer
) -> None:
    """Power, volume, mute, input and listening mode end in the asked state at the device."""
    device = pioneer.device
    await _call(hass, SERVICE_TURN_ON, ZONE2_PLAYER)
    await _call(hass, SERVICE_VOLUME_SET, MAIN_PLAYER, **{ATTR_MEDIA_VOLUME_LEVEL: 1.0})
    await _call(hass, SERVICE_VOLUME_SET, ZONE2_PLAYER, **{ATTR_MEDIA_VOLUME_LEVEL: 0.5})
    await _call(hass, SERVICE_VOLUME_MUTE, MAIN_PLAYER, **{ATTR_MEDIA_VOLUME_MUTED: True})
    await _call(hass, SERVICE_SELECT_SOURCE, MAIN_PLAYER, **{ATTR_INPUT_SOURCE: "Apple TV"})
    await _call(hass, SERVICE_SELECT_SOURCE, ZONE2_PLAYER, **{ATTR_INPUT_SOURCE: "CD"})
    await _call(hass, SERVICE_SELECT_SOUND_MODE, MAIN_PLAYER, **{ATTR_SOUND_MODE: "Direct"})
    assert device.zones[ZONE2].power is True
    assert device.zones[MAIN].volume == 185
    assert device.zones[ZONE2].volume == 40  # round(0.5 * 81)
    assert device.zones[MAIN].muted is True
    assert device.zones[MAIN].source == "19"
    assert device.zones[ZONE2].source == "01"
    assert device.listening_mode == "0007"
    assert device.zones[ZONE3].power is False  # zone separation
    for line in ("APO", "185VL", "40ZV", "MO", "19FN", "01ZS", "0007SR"):
        assert line in pioneer.received
    state = await state_until(
        hass, MAIN_PLAYER, lambda s: s.attributes.get(ATTR_SOUND_MODE) == "Direct"
    )
    assert state.attributes[ATTR_INPUT_SOURCE] == "Apple TV"
    assert state.attributes[ATTR_MEDIA_VOLUME_LEVEL] == 1.0
    await state_until(hass, ZONE2_PLAYER, lambda s: s.attributes.get(ATTR_INPUT_SOURCE) == "CD")


async def test_volume_limit_scales_the_range(hass: HomeAssistant, pioneer: VirtualPioneer) -> None:
    """With the limit at 50 %, full volume in Home Assistant is half the receiver's range."""
    config_entry = pioneer_entry(pioneer)
    config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(config_entry, options={CONF_VOLUME_LIMIT: 50})
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    await _call(hass, SERVICE_VOLUME_SET, MAIN_PLAYER, **{ATTR_MEDIA_VOLUME_LEVEL: 1.0})
    assert pioneer.device.zones[MAIN].volume == 92  # round(0.5 * 185)
    state = await state_until(
        hass, MAIN_PLAYER, lambda s: s.attributes.get(ATTR_MEDIA_VOLUME_LEVEL, 0) > 0.9
    )
    assert state.attributes[ATTR_MEDIA_VOLUME_LEVEL] == pytest.approx(92 / 92.5)
    pioneer.press("046VL")
    state = await state_until(
        hass, MAIN_PLAYER, lambda s: s.attributes.get(ATTR_MEDIA_VOLUME_LEVEL, 1) < 0.9
    )
    assert state.attributes[ATTR_MEDIA_VOLUME_LEVEL] == pytest.approx(46 / 92.5)
    assert await hass.config_entries.async_unload(config_entry.entry_id)


async def test_front_panel_changes_reach_the_entities(
    hass: HomeAssistant, entry: MockConfigEntry, pioneer: VirtualPioneer
) -> None:
    """What the front panel or remote does is pushed, per zone, without polling."""
    pioneer.press("MO")
    await state_until(hass, MAIN_PLAYER, lambda s: s.attributes.get(ATTR_MEDIA_VOLUME_MUTED))
    pioneer.press("BPO")
    await state_until(hass, ZONE3_PLAYER, lambda s: s.state == STATE_ON)
    pioneer.press("04FN")
    await state_until(hass, MAIN_PLAYER, lambda s: s.attributes.get(ATTR_INPUT_SOURCE) == "DVD")
    pioneer.press("0009SR")
    await state_until(hass, MAIN_PLAYER, lambda s: s.attributes.get(ATTR_SOUND_MODE) == "Stereo")
    zone2 = hass.states.get(ZONE2_PLAYER)
    assert zone2 is not None
    assert zone2.state == STATE_OFF  # zone 3 coming on is not zone 2's
    assert zone2.attributes.get(ATTR_MEDIA_VOLUME_MUTED) is None


async def test_refusals_are_translated_errors(
    hass: HomeAssistant, entry: MockConfigEntry, pioneer: VirtualPioneer
) -> None:
    """E06 on the call that caused it; a mode Pioneer lacks is refused without sending."""
    await _call(hass, SERVICE_TURN_ON, ZONE2_PLAYER)
    with pytest.raises(HomeAssistantError) as caught:  # an input zone 2 cannot select
        await _call(hass, SERVICE_SELECT_SOURCE, ZONE2_PLAYER, **{ATTR_INPUT_SOURCE: "BD"})
    assert caught.value.translation_key == "invalid_source"
    with pytest.raises(HomeAssistantError) as caught:  # a mode this model lacks: E06
        await _call(hass, SERVICE_SELECT_SOUND_MODE, MAIN_PLAYER, **{ATTR_SOUND_MODE: "THX"})
    assert caught.value.translation_key == "device_error"
    assert "E06" in str(caught.value.translation_placeholders)
    pioneer.clear_received()
    with pytest.raises(HomeAssistantError) as caught:
        await _call(hass, SERVICE_SELECT_SOUND_MODE, MAIN_PLAYER, **{ATTR_SOUND_MODE: "Film"})
    assert caught.value.translation_key == "invalid_sound_mode"  # not offered: nothing sent
    assert not [line for line in pioneer.received if line.endswith("SR")]
    await _call(hass, SERVICE_VOLUME_UP, MAIN_PLAYER)  # the stream goes on
    assert "VU" in pioneer.received


async def test_reconnects_after_a_drop(
    hass: HomeAssistant, entry: MockConfigEntry, pioneer: VirtualPioneer
) -> None:
    """A dropped connection makes the players unavailable, then they come back and work."""
    await pioneer.drop_clients()
    await state_until(hass, MAIN_PLAYER, lambda s: s.state == STATE_UNAVAILABLE)
    await state_until(hass, MAIN_PLAYER, lambda s: s.state == STATE_ON)
    await _call(hass, SERVICE_VOLUME_MUTE, MAIN_PLAYER, **{ATTR_MEDIA_VOLUME_MUTED: True})
    assert pioneer.device.zones[MAIN].muted is True


async def test_setup_without_saved_facts_interviews(
    hass: HomeAssistant, pioneer: VirtualPioneer
) -> None:
    """An entry without the interview's facts asks the receiver at setup."""
    config_entry = pioneer_entry(pioneer, facts=None)
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    state = hass.states.get(ZONE3_PLAYER)
    assert state is not None
    assert "?RGB19" in pioneer.received
    assert await hass.config_entries.async_unload(config_entry.entry_id)


async def test_setup_retries_when_unreachable(hass: HomeAssistant) -> None:
    """Nothing at the address: setup is retried later."""
    config_entry = MockConfigEntry(
        domain=DOMAIN,
        data={CONF_HOST: "127.0.0.1", CONF_PORT: free_port(), CONF_PROTOCOL: PROTOCOL_PIONEER},
        unique_id=UDN,
    )
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    await until(lambda: config_entry.state is ConfigEntryState.SETUP_RETRY)


async def test_hdzone_is_a_fourth_player(
    hass: HomeAssistant, entity_registry: er.EntityRegistry
) -> None:
    """A receiver with an HDZone gets a fourth player, ``_hdzone``, named "HDZone"."""
    profile = dataclasses.replace(VSX_1021, zones=(MAIN, ZONE2, ZONE3, HDZONE))
    async with VirtualPioneer(profile) as vr:
        config_entry = pioneer_entry(vr, facts=None)
        config_entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(config_entry.entry_id)
        await hass.async_block_till_done()
        entities = er.async_entries_for_config_entry(entity_registry, config_entry.entry_id)
        players = sorted(e.unique_id for e in entities if e.domain == MP_DOMAIN)
        assert players == [f"{UDN}_{zone}" for zone in ("hdzone", "main", "zone2", "zone3")]
        hd_player = next(e.entity_id for e in entities if e.unique_id == f"{UDN}_hdzone")
        assert hd_player == "media_player.pioneer_vsx_1021_hdzone"
        state = hass.states.get(hd_player)
        assert state is not None
        assert state.attributes["friendly_name"] == "Pioneer VSX-1021 HDZone"
        await _call(hass, SERVICE_TURN_ON, hd_player)
        await _call(hass, SERVICE_VOLUME_SET, hd_player, **{ATTR_MEDIA_VOLUME_LEVEL: 1.0})
        assert (vr.device.zones[HDZONE].power, vr.device.zones[HDZONE].volume) == (True, 81)
        assert "81HZV" in vr.received
        # The player follows what the receiver reports for its HDZone.
        await state_until(
            hass,
            hd_player,
            lambda s: s.state == STATE_ON and s.attributes.get(ATTR_MEDIA_VOLUME_LEVEL) == 1.0,
        )
        with pytest.raises(ServiceValidationError) as caught:  # the HDZone has no tuner
            await _call(
                hass,
                SERVICE_PLAY_MEDIA,
                hd_player,
                media_content_type="channel",
                media_content_id="1",
            )
        assert caught.value.translation_key == "invalid_value"
        assert await hass.config_entries.async_unload(config_entry.entry_id)


async def test_sound_modes_are_those_the_receiver_can_take(
    hass: HomeAssistant, entry: MockConfigEntry, pioneer: VirtualPioneer
) -> None:
    """The main player offers only modes the bridge can send (not eISCP's whole set).

    Which of them a given model takes is not known without NRI: the receiver refuses
    the others (E06) as errors on the call.
    """
    state = hass.states.get(MAIN_PLAYER)
    assert state is not None
    modes = state.attributes["sound_mode_list"]
    assert len(modes) == len(LISTENING_MODE_TO_PIONEER)
    assert [LISTENING_MODE_NAMES[code] for code in LISTENING_MODE_TO_PIONEER] == modes
    await _call(hass, SERVICE_SELECT_SOUND_MODE, MAIN_PLAYER, **{ATTR_SOUND_MODE: "Stereo"})
    assert pioneer.device.listening_mode == "0009"


async def test_ssdp_skips_a_port_that_does_not_speak_pioneer(
    hass: HomeAssistant, pioneer: VirtualPioneer
) -> None:
    """Something that accepts but does not answer ``?P`` (an eISCP device) is passed over."""
    info = SsdpServiceInfo(
        ssdp_usn=f"uuid:{UDN}",
        ssdp_st="urn:schemas-upnp-org:device:MediaRenderer:1",
        ssdp_location=pioneer.description_url,
        upnp={"manufacturer": "PIONEER CORPORATION", "modelName": "VSX-1021"},
    )
    async with VirtualReceiver("TX-NR686", udp=False) as other:
        with patch(f"{FLOW}.PIONEER_PORTS", (other.port, pioneer.port)):
            result = await hass.config_entries.flow.async_init(
                DOMAIN, context={"source": SOURCE_SSDP}, data=info
            )
            assert result["type"] is FlowResultType.FORM
            result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_PORT] == pioneer.port
    await hass.async_block_till_done()


async def test_manual_flow_on_a_pioneer_port_finds_an_eiscp_device(hass: HomeAssistant) -> None:
    """On a legacy Pioneer port where an eISCP device answers, eISCP is tried next."""
    async with VirtualReceiver("TX-NR686", udp=False) as receiver:
        with patch(f"{FLOW}.PIONEER_PORTS", (receiver.port,)):
            result = await _manual(hass, receiver.host, receiver.port)
        assert result["type"] is FlowResultType.CREATE_ENTRY
        assert result["data"].get(CONF_PROTOCOL) != PROTOCOL_PIONEER
        assert result["result"].unique_id == receiver.identifier
        await hass.async_block_till_done()
        await hass.config_entries.async_unload(result["result"].entry_id)
        await hass.async_block_till_done()


async def test_options_of_a_pioneer_entry_not_loaded_offer_its_inputs(
    hass: HomeAssistant, pioneer: VirtualPioneer
) -> None:
    """An entry that is not set up offers the inputs its saved interview found."""
    config_entry = pioneer_entry(pioneer)
    config_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(config_entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    schema = result["data_schema"].schema
    selector = next(value for key, value in schema.items() if str(key) == CONF_SOURCES)
    labels = [option["label"] for option in selector.config["options"]]
    assert labels == [name for _, name in FACTS.inputs]


async def test_tuner_station_and_presets(
    hass: HomeAssistant, entry: MockConfigEntry, pioneer: VirtualPioneer
) -> None:
    """On the tuner, the player shows the station; a preset recalled by number tunes it."""
    await _call(hass, SERVICE_SELECT_SOURCE, MAIN_PLAYER, **{ATTR_INPUT_SOURCE: "TUNER"})
    assert pioneer.device.zones[MAIN].source == "02"
    await state_until(hass, MAIN_PLAYER, lambda s: s.attributes.get("media_channel") == "FM 87.50")
    await _call(
        hass, SERVICE_PLAY_MEDIA, MAIN_PLAYER, media_content_type="channel", media_content_id="2"
    )
    assert pioneer.device.preset == "A02"
    await state_until(hass, MAIN_PLAYER, lambda s: s.attributes.get("media_channel") == "FM 91.50")
    pioneer.press("B02PR")  # from the remote
    await state_until(hass, MAIN_PLAYER, lambda s: s.attributes.get("media_channel") == "AM 1008")
    for station, tuned in (("FM 101.10", "F10110"), ("AM 531", "A00531"), ("FM 87.50", "F08750")):
        await _call(
            hass,
            SERVICE_PLAY_MEDIA,
            MAIN_PLAYER,
            media_content_type="channel",
            media_content_id=station,
        )
        assert pioneer.device.tuner == tuned
        await state_until(
            hass, MAIN_PLAYER, lambda s, st=station: s.attributes.get("media_channel") == st
        )
    await _call(hass, SERVICE_SELECT_SOURCE, MAIN_PLAYER, **{ATTR_INPUT_SOURCE: "BD"})
    await state_until(hass, MAIN_PLAYER, lambda s: "media_channel" not in s.attributes)


async def test_front_display_and_tone(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    pioneer: VirtualPioneer,
    entity_registry: er.EntityRegistry,
) -> None:
    """The front display's text (hex on the wire) is a sensor; bass and treble are numbers."""
    display = "sensor.pioneer_vsx_1021_front_display"
    entity_registry.async_update_entity(display, disabled_by=None)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    await state_until(hass, display, lambda s: s.state == "BD")
    pioneer.press("04FN")
    await state_until(hass, display, lambda s: s.state == "DVD")
    await hass.services.async_call(
        "number",
        "set_value",
        {ATTR_ENTITY_ID: "number.pioneer_vsx_1021_bass", "value": -3},
        blocking=True,
    )
    assert pioneer.device.zones[MAIN].bass == 9  # code 9 is -3 dB
    await state_until(hass, "number.pioneer_vsx_1021_bass", lambda s: s.state == "-3")
    assert hass.states.get("number.pioneer_vsx_1021_zone_2_bass") is not None
    assert hass.states.get("number.pioneer_vsx_1021_zone_3_bass") is None


# --- the receiver behind the address ---------------------------------------------------

OTHER_UDN = "5f9ec1b3-ed59-1900-4530-00a0deffffff"


def _other_entry(pioneer: VirtualPioneer, facts: PioneerFacts | None) -> MockConfigEntry:
    entry = pioneer_entry(pioneer, facts)
    return MockConfigEntry(
        domain=DOMAIN, title=entry.title, data=dict(entry.data), unique_id=OTHER_UDN
    )


@pytest.mark.usefixtures("no_escaped_exceptions")
async def test_another_receiver_at_the_address_is_a_repair(
    hass: HomeAssistant, pioneer: VirtualPioneer, issue_registry: ir.IssueRegistry
) -> None:
    """Setup interviews the receiver: another UDN fails setup with the repair, not adopted."""
    config_entry = _other_entry(pioneer, facts=None)
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.SETUP_ERROR
    issue = issue_registry.async_get_issue(DOMAIN, f"different_device_{config_entry.entry_id}")
    assert issue is not None
    assert issue.translation_key == "different_device"
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["model"] == "VSX-1021"
    assert pioneer.client_count == 0
    assert hass.states.get(MAIN_PLAYER) is None


@pytest.mark.usefixtures("no_escaped_exceptions")
async def test_another_receiver_found_after_a_setup_from_saved_facts(
    hass: HomeAssistant, pioneer: VirtualPioneer, issue_registry: ir.IssueRegistry
) -> None:
    """The background check finds another UDN: the facts are dropped and setup fails."""
    config_entry = _other_entry(pioneer, FACTS)
    config_entry.add_to_hass(hass)
    with patch("custom_components.onkyo_eiscp.VERIFY_DELAY", 0):
        assert await hass.config_entries.async_setup(config_entry.entry_id)
        await until(lambda: config_entry.state is ConfigEntryState.SETUP_ERROR)
    issue = issue_registry.async_get_issue(DOMAIN, f"different_device_{config_entry.entry_id}")
    assert issue is not None
    assert CONF_PIONEER_FACTS not in config_entry.data
    await until(lambda: pioneer.client_count == 0)


@pytest.mark.usefixtures("no_escaped_exceptions")
async def test_the_same_receiver_passes_the_check(
    hass: HomeAssistant, pioneer: VirtualPioneer, issue_registry: ir.IssueRegistry
) -> None:
    """The background check of the right receiver changes nothing; an old repair goes."""
    config_entry = pioneer_entry(pioneer)
    config_entry.add_to_hass(hass)
    issue_id = f"different_device_{config_entry.entry_id}"
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id,
        is_fixable=False,
        severity=ir.IssueSeverity.ERROR,
        translation_key="different_device",
        translation_placeholders={"host": "h", "title": "t", "model": "m"},
    )
    with patch("custom_components.onkyo_eiscp.VERIFY_DELAY", 0):
        assert await hass.config_entries.async_setup(config_entry.entry_id)
        await pioneer.wait_for("?SVB")  # the check's last question
        await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.LOADED
    assert CONF_PIONEER_FACTS in config_entry.data
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None
    assert await hass.config_entries.async_unload(config_entry.entry_id)


@pytest.mark.parametrize(
    ("unique_id", "loaded"),
    [("00E036123456", True), ("00E0360000FF", False)],
    ids=["same-mac", "other-mac"],
)
async def test_receivers_keyed_by_their_mac(
    hass: HomeAssistant, unique_id: str, loaded: bool
) -> None:
    """Without a description, the MAC it reports tells the receiver (and another) apart."""
    profile = dataclasses.replace(VSX_1021, mac="00:E0:36:12:34:56")
    async with VirtualPioneer(profile, upnp_port=None) as vr:
        config_entry = MockConfigEntry(
            domain=DOMAIN,
            data={CONF_HOST: vr.host, CONF_PORT: vr.port, CONF_PROTOCOL: PROTOCOL_PIONEER},
            unique_id=unique_id,
        )
        config_entry.add_to_hass(hass)
        with patch("custom_components.onkyo_eiscp.identify.PIONEER_UPNP_PORT", free_port()):
            await hass.config_entries.async_setup(config_entry.entry_id)
            await hass.async_block_till_done()
        expected = ConfigEntryState.LOADED if loaded else ConfigEntryState.SETUP_ERROR
        assert config_entry.state is expected
        if loaded:
            assert await hass.config_entries.async_unload(config_entry.entry_id)


async def test_a_receiver_that_cannot_tell_is_not_called_different(
    hass: HomeAssistant, pioneer: VirtualPioneer
) -> None:
    """Its description unreadable and no MAC: the UDN cannot be checked; setup goes on."""
    config_entry = pioneer_entry(pioneer, facts=None)
    config_entry.add_to_hass(hass)
    with patch("custom_components.onkyo_eiscp.identify.PIONEER_UPNP_PORT", free_port()):
        assert await hass.config_entries.async_setup(config_entry.entry_id)
        await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.LOADED
    assert await hass.config_entries.async_unload(config_entry.entry_id)


async def test_an_entry_from_1_1_keeps_its_inputs_and_hdzone_history(
    hass: HomeAssistant, entity_registry: er.EntityRegistry
) -> None:
    """1.1 entries chose inputs by Pioneer id and had the HDZone as zone 4: both carried over."""
    profile = dataclasses.replace(VSX_1021, zones=(MAIN, ZONE2, ZONE3, HDZONE))
    async with VirtualPioneer(profile) as vr:
        vr.press("PO")
        vr.press("02FN")  # the tuner
        config_entry = pioneer_entry(vr, facts=None)
        config_entry.add_to_hass(hass)
        hass.config_entries.async_update_entry(
            config_entry, minor_version=1, options={CONF_SOURCES: ["02", "25", "19"]}
        )
        old = entity_registry.async_get_or_create(
            MP_DOMAIN, DOMAIN, f"{UDN}_zone4", config_entry=config_entry
        )
        assert await hass.config_entries.async_setup(config_entry.entry_id)
        await hass.async_block_till_done()
        assert config_entry.minor_version == 2
        # Pioneer's tuner 02 and BD 25 are eISCP's TUNER 26 and F5; HDMI 1 (19) is 19.
        assert config_entry.options[CONF_SOURCES] == ["26", "F5", "19"]
        moved = entity_registry.async_get(old.entity_id)
        assert moved is not None
        assert moved.unique_id == f"{UDN}_hdzone"
        state = await state_until(
            hass, MAIN_PLAYER, lambda s: s.attributes.get(ATTR_INPUT_SOURCE) is not None
        )
        assert len(state.attributes[ATTR_INPUT_SOURCE_LIST]) == 3
        assert state.attributes[ATTR_INPUT_SOURCE] == dict(VSX_1021.inputs)["02"][0]
        assert await hass.config_entries.async_unload(config_entry.entry_id)


async def test_an_eiscp_entry_from_1_1_is_unchanged_and_a_newer_one_is_refused(
    hass: HomeAssistant,
) -> None:
    """Only Pioneer entries change at 1.2; an entry from a newer release is not set up."""
    eiscp = MockConfigEntry(
        domain=DOMAIN,
        data={CONF_HOST: "127.0.0.1", CONF_PORT: 60128},
        options={CONF_SOURCES: ["02", "25"]},
        unique_id="0009B0123456",
        minor_version=1,
    )
    eiscp.add_to_hass(hass)
    assert await async_migrate_entry(hass, eiscp)
    assert (eiscp.minor_version, eiscp.options[CONF_SOURCES]) == (2, ["02", "25"])
    newer = MockConfigEntry(domain=DOMAIN, data=dict(eiscp.data), version=2)
    newer.add_to_hass(hass)
    assert not await async_migrate_entry(hass, newer)

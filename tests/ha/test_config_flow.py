"""The config flow against virtual receivers over loopback: every step, error and abort."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Generator
from datetime import timedelta
from ipaddress import IPv4Address
from typing import Any
from unittest.mock import patch

from async_upnp_client.utils import CaseInsensitiveDict
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.onkyo_eiscp.const import (
    CONF_ANNOUNCE_TIME_LIMIT,
    CONF_ANNOUNCE_VOLUME,
    CONF_LISTENING_MODE_NAMES,
    CONF_LISTENING_MODES,
    CONF_RELEASE_WHILE_OFF,
    CONF_SOURCE_NAMES,
    CONF_SOURCES,
    CONF_VOLUME_LIMIT,
    DEFAULT_ANNOUNCE_TIME_LIMIT,
    DOMAIN,
    RELEASE_GRACE,
)
from custom_components.onkyo_eiscp.eiscp.codes import FALLBACK_SELECTORS, SELECTOR_NAMES
from custom_components.onkyo_eiscp.eiscp.frame import MAX_DATA_SIZE
from custom_components.onkyo_eiscp.eiscp.nri import parse_nri
from homeassistant.components.ssdp.scanner import IntegrationMatchers
from homeassistant.config_entries import SOURCE_DHCP, SOURCE_SSDP, SOURCE_USER, ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PORT, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
from homeassistant.helpers.service_info.ssdp import SsdpServiceInfo
from homeassistant.loader import async_get_ssdp
from homeassistant.util import dt as dt_util
from virtual_receiver import VirtualReceiver

from .conftest import settle
from .helpers import free_port, not_eiscp_server, save_nri, state_until, until

FLOW = "custom_components.onkyo_eiscp.config_flow"

# The options of announcements through the renderer (tests/ha/test_announce.py).
ANNOUNCE_KEYS = {CONF_ANNOUNCE_VOLUME, CONF_ANNOUNCE_TIME_LIMIT}


@pytest.fixture(autouse=True)
def _fast_timeouts() -> Generator[None]:
    """Short waits: a silent device must not slow the suite down."""
    with (
        patch(f"{FLOW}.VALIDATE_TIMEOUT", 0.5),
        patch(f"{FLOW}.DISCOVERY_TIMEOUT", 0.3),
        patch("custom_components.onkyo_eiscp.SETUP_TIMEOUT", 0.5),
    ):
        yield


@pytest.fixture
def loopback_broadcast() -> Generator[None]:
    """Discovery broadcasts to loopback only."""
    with patch(
        "homeassistant.components.network.async_get_ipv4_broadcast_addresses",
        return_value={IPv4Address("127.0.0.1")},
    ):
        yield


@pytest.fixture
def device_port(receiver: VirtualReceiver) -> Generator[int]:
    """Make the flow's default eISCP port the virtual receiver's port."""
    with patch(f"{FLOW}.DEFAULT_PORT", receiver.port):
        yield receiver.port


@pytest.fixture
async def other_receiver(receiver: VirtualReceiver) -> AsyncGenerator[VirtualReceiver]:
    """A second device with another identifier."""
    async with VirtualReceiver("TX-NR474", identifier="0009B0ABCDEF") as vr:
        yield vr


async def _manual(hass: HomeAssistant) -> str:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == ["discovery", "manual"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "manual"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "manual"
    return str(result["flow_id"])


async def test_manual_creates_entry(hass: HomeAssistant, receiver: VirtualReceiver) -> None:
    """A reachable device becomes an entry named after its model, keyed by its identifier."""
    flow_id = await _manual(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_HOST: receiver.host, CONF_PORT: receiver.port}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Onkyo TX-NR686"
    assert result["data"] == {CONF_HOST: "127.0.0.1", CONF_PORT: receiver.port}
    assert result["result"].unique_id == receiver.identifier


async def test_manual_cannot_connect_then_recovers(
    hass: HomeAssistant, receiver: VirtualReceiver
) -> None:
    """Nothing listening: cannot_connect on the form; the corrected address works."""
    flow_id = await _manual(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_HOST: "127.0.0.1", CONF_PORT: free_port()}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_HOST: receiver.host, CONF_PORT: receiver.port}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.usefixtures("no_escaped_exceptions")
async def test_manual_device_that_never_answers_cannot_connect(
    hass: HomeAssistant, receiver: VirtualReceiver
) -> None:
    """A device that accepts TCP but never answers: cannot_connect (nothing answered)."""
    receiver.stalled = True
    flow_id = await _manual(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_HOST: receiver.host, CONF_PORT: receiver.port}
    )
    assert result["errors"] == {"base": "cannot_connect"}
    await until(lambda: receiver.client_count == 0)
    receiver.stalled = False
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_HOST: receiver.host, CONF_PORT: receiver.port}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.usefixtures("no_escaped_exceptions")
async def test_manual_not_eiscp_then_recovers(
    hass: HomeAssistant, receiver: VirtualReceiver
) -> None:
    """Something that answers, but not in eISCP, is not_eiscp; its connection is closed."""
    server = await not_eiscp_server()
    port = server.sockets[0].getsockname()[1]
    try:
        flow_id = await _manual(hass)
        result = await hass.config_entries.flow.async_configure(
            flow_id, {CONF_HOST: "127.0.0.1", CONF_PORT: port}
        )
        assert result["errors"] == {"base": "not_eiscp"}
        result = await hass.config_entries.flow.async_configure(
            flow_id, {CONF_HOST: receiver.host, CONF_PORT: receiver.port}
        )
        assert result["type"] is FlowResultType.CREATE_ENTRY
    finally:
        server.close()
        await server.wait_closed()


@pytest.mark.timeout(30)
@pytest.mark.usefixtures("no_escaped_exceptions")
async def test_manual_connection_lost_while_identifying(
    hass: HomeAssistant, receiver: VirtualReceiver
) -> None:
    """The device drops the connection between ECN and NRI: cannot_connect, nothing escapes.

    The NRI query is still waiting for its turn (queries are paced) when the connection
    goes: it must fail with the connection, and its reply's failure must be retrieved.
    """
    receiver.ignore |= {"ECN", "NRI"}
    flow_id = await _manual(hass)
    configure = asyncio.create_task(
        hass.config_entries.flow.async_configure(
            flow_id, {CONF_HOST: receiver.host, CONF_PORT: receiver.port}
        )
    )
    await receiver.wait_for("ECNQSTN")
    await receiver.drop_clients()
    result = await configure
    assert result["errors"] == {"base": "cannot_connect"}


@pytest.mark.timeout(30)
@pytest.mark.usefixtures("no_escaped_exceptions")
async def test_manual_oversize_nri_goes_on_with_defaults(
    hass: HomeAssistant, receiver: VirtualReceiver
) -> None:
    """An NRI over the size cap fails at once; the device is added with default inputs.

    The flow's timeout is long: only an NRI query that fails at once lets it finish
    within the test's timeout.
    """
    receiver.nri_override = _oversize_nri(receiver)
    flow_id = await _manual(hass)
    with (
        patch(f"{FLOW}.VALIDATE_TIMEOUT", 3600),
        patch("custom_components.onkyo_eiscp.SETUP_TIMEOUT", 3600),
    ):
        result = await hass.config_entries.flow.async_configure(
            flow_id, {CONF_HOST: receiver.host, CONF_PORT: receiver.port}
        )
        assert result["type"] is FlowResultType.CREATE_ENTRY
        assert result["result"].unique_id == receiver.identifier
        await hass.async_block_till_done()
    entry = result["result"]
    assert entry.state is ConfigEntryState.LOADED
    state = hass.states.get("media_player.tx_nr686")
    assert state is not None
    assert state.attributes["source_list"] == [SELECTOR_NAMES[c] for c in FALLBACK_SELECTORS]
    assert await hass.config_entries.async_unload(entry.entry_id)


def _oversize_nri(receiver: VirtualReceiver) -> str:
    """The receiver's NRI padded with a comment to well over the library's size cap."""
    return receiver.nri_xml.replace(
        "<device", "<!-- " + "x" * (MAX_DATA_SIZE + 1024) + " --><device", 1
    )


@pytest.mark.parametrize(
    "ignored",
    [
        pytest.param({"NRI"}, id="no NRI: ECN over TCP"),
        pytest.param({"NRI", "ECN"}, id="neither over TCP: ECN by UDP (older devices)"),
    ],
)
async def test_manual_device_without_nri_is_identified_by_ecn(
    hass: HomeAssistant, receiver: VirtualReceiver, ignored: set[str]
) -> None:
    """A device that ignores NRI (and even ECN over TCP) is still identified by ECN."""
    receiver.ignore |= ignored
    flow_id = await _manual(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_HOST: receiver.host, CONF_PORT: receiver.port}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "TX-NR686"
    assert result["result"].unique_id == receiver.identifier


async def test_manual_hostile_nri_falls_back_to_ecn(
    hass: HomeAssistant, receiver: VirtualReceiver, caplog: pytest.LogCaptureFixture
) -> None:
    """Hostile NRI is refused with a warning; ECN still identifies the device."""
    receiver.nri_override = (
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><response>&a;</response>'
    )
    flow_id = await _manual(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_HOST: receiver.host, CONF_PORT: receiver.port}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert "Ignoring unusable receiver information" in caplog.text


async def test_manual_unknown_error(hass: HomeAssistant, receiver: VirtualReceiver) -> None:
    """An unexpected error is reported as unknown and the user can retry."""
    flow_id = await _manual(hass)
    with patch(f"{FLOW}.async_identify", side_effect=RuntimeError("boom")):
        result = await hass.config_entries.flow.async_configure(
            flow_id, {CONF_HOST: receiver.host, CONF_PORT: receiver.port}
        )
    assert result["errors"] == {"base": "unknown"}
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_HOST: receiver.host, CONF_PORT: receiver.port}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_manual_already_configured_updates_host(
    hass: HomeAssistant, receiver: VirtualReceiver
) -> None:
    """The same device again aborts, keeping the entry but with the new address."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=receiver.identifier,
        data={CONF_HOST: "old-name.local", CONF_PORT: receiver.port},
    )
    entry.add_to_hass(hass)
    flow_id = await _manual(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_HOST: receiver.host, CONF_PORT: receiver.port}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data[CONF_HOST] == receiver.host


@pytest.mark.usefixtures("loopback_broadcast", "device_port")
async def test_discovery_lists_and_creates(hass: HomeAssistant, receiver: VirtualReceiver) -> None:
    """Broadcast discovery lists "model (host)" and adds the chosen device."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "discovery"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "discovery"
    options = result["data_schema"].schema["device"].config["options"]
    assert options == [{"value": receiver.identifier, "label": "TX-NR686 (127.0.0.1)"}]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"device": receiver.identifier}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == receiver.identifier


@pytest.mark.usefixtures("loopback_broadcast", "device_port")
async def test_discovery_device_gone_before_choice(
    hass: HomeAssistant, receiver: VirtualReceiver
) -> None:
    """A device that vanishes after discovery shows cannot_connect on the list."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "discovery"}
    )
    await receiver.stop()
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"device": receiver.identifier}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}


@pytest.mark.usefixtures("loopback_broadcast", "device_port")
async def test_discovery_skips_configured_and_offers_manual(
    hass: HomeAssistant, receiver: VirtualReceiver
) -> None:
    """Nothing new found: a menu says so and offers searching again or manual entry."""
    MockConfigEntry(domain=DOMAIN, unique_id=receiver.identifier, data={}).add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "discovery"}
    )
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "discovery_none"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "manual"}
    )
    assert result["step_id"] == "manual"


def _ssdp(location: str | None) -> SsdpServiceInfo:
    return SsdpServiceInfo(
        ssdp_usn="uuid:x",
        ssdp_st="urn:schemas-upnp-org:device:MediaRenderer:1",
        ssdp_location=location,
        upnp={"manufacturer": "ONKYO", "modelName": "TX-NR686"},
    )


@pytest.mark.usefixtures("device_port")
async def test_ssdp_confirm_creates(hass: HomeAssistant, receiver: VirtualReceiver) -> None:
    """An SSDP find is identified over eISCP and confirmed with its model in the title."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_SSDP}, data=_ssdp("http://127.0.0.1:8888/desc.xml")
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "discovery_confirm"
    assert result["description_placeholders"] == {"name": "Onkyo TX-NR686", "host": "127.0.0.1"}
    flows = hass.config_entries.flow.async_progress()
    assert flows[0]["context"]["title_placeholders"] == {"name": "Onkyo TX-NR686"}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {CONF_HOST: "127.0.0.1", CONF_PORT: receiver.port}


@pytest.mark.usefixtures("device_port")
async def test_ssdp_known_device_updates_host(
    hass: HomeAssistant, receiver: VirtualReceiver
) -> None:
    """SSDP finding a configured device at a new address updates the stored host."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=receiver.identifier,
        data={CONF_HOST: "192.0.2.1", CONF_PORT: receiver.port},
    )
    entry.add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_SSDP}, data=_ssdp("http://127.0.0.1:8888/desc.xml")
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data[CONF_HOST] == "127.0.0.1"


@pytest.mark.parametrize("location", [None, "not a url"])
async def test_ssdp_without_host_aborts(hass: HomeAssistant, location: str | None) -> None:
    """An SSDP record without a usable location aborts."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_SSDP}, data=_ssdp(location)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "cannot_connect"


async def test_ssdp_unreachable_aborts(hass: HomeAssistant) -> None:
    """An SSDP find that does not answer eISCP aborts with cannot_connect."""
    with patch(f"{FLOW}.DEFAULT_PORT", free_port()):
        result = await hass.config_entries.flow.async_init(
            DOMAIN, context={"source": SOURCE_SSDP}, data=_ssdp("http://127.0.0.1/desc.xml")
        )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "cannot_connect"


def _dhcp(mac: str) -> DhcpServiceInfo:
    return DhcpServiceInfo(ip="127.0.0.1", hostname="onkyo", macaddress=mac)


@pytest.mark.usefixtures("device_port")
async def test_dhcp_confirm_creates(hass: HomeAssistant, receiver: VirtualReceiver) -> None:
    """A DHCP find is identified and confirmed."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_DHCP}, data=_dhcp(receiver.identifier.lower())
    )
    assert result["step_id"] == "discovery_confirm"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == receiver.identifier


async def test_dhcp_known_device_updates_host(
    hass: HomeAssistant, receiver: VirtualReceiver
) -> None:
    """DHCP seeing a configured device at a new address updates the host without connecting."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=receiver.identifier,
        data={CONF_HOST: "192.0.2.1", CONF_PORT: receiver.port},
    )
    entry.add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_DHCP}, data=_dhcp(receiver.identifier.lower())
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data[CONF_HOST] == "127.0.0.1"


async def test_dhcp_not_eiscp_aborts(hass: HomeAssistant) -> None:
    """A DHCP find where something answers, but not in eISCP, aborts with not_eiscp."""
    server = await not_eiscp_server()
    try:
        with patch(f"{FLOW}.DEFAULT_PORT", server.sockets[0].getsockname()[1]):
            result = await hass.config_entries.flow.async_init(
                DOMAIN, context={"source": SOURCE_DHCP}, data=_dhcp("0009b0000001")
            )
    finally:
        server.close()
        await server.wait_closed()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "not_eiscp"


@pytest.mark.usefixtures("device_port", "no_escaped_exceptions")
async def test_dhcp_device_that_never_answers_aborts(
    hass: HomeAssistant, receiver: VirtualReceiver
) -> None:
    """A DHCP find that accepts TCP but never answers aborts with cannot_connect."""
    receiver.stalled = True
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_DHCP}, data=_dhcp("0009b0000001")
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "cannot_connect"


async def _reconfigure(hass: HomeAssistant, entry: MockConfigEntry) -> str:
    result = await entry.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    return str(result["flow_id"])


async def test_reconfigure_changes_address(
    hass: HomeAssistant, init_integration: MockConfigEntry, receiver: VirtualReceiver
) -> None:
    """Reconfigure to the same device at another address; errors first, then success."""
    async with VirtualReceiver(receiver.model, identifier=receiver.identifier) as moved:
        flow_id = await _reconfigure(hass, init_integration)
        result = await hass.config_entries.flow.async_configure(
            flow_id, {CONF_HOST: "127.0.0.1", CONF_PORT: free_port()}
        )
        assert result["errors"] == {"base": "cannot_connect"}
        result = await hass.config_entries.flow.async_configure(
            flow_id, {CONF_HOST: "127.0.0.1", CONF_PORT: moved.port}
        )
        assert result["type"] is FlowResultType.ABORT
        assert result["reason"] == "reconfigure_successful"
        assert init_integration.data[CONF_PORT] == moved.port
        await hass.async_block_till_done()


async def test_reconfigure_different_device_aborts(
    hass: HomeAssistant, init_integration: MockConfigEntry, other_receiver: VirtualReceiver
) -> None:
    """Another device at the new address aborts with different_device."""
    flow_id = await _reconfigure(hass, init_integration)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_HOST: "127.0.0.1", CONF_PORT: other_receiver.port}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "different_device"


async def test_options_flow(hass: HomeAssistant, init_integration: MockConfigEntry) -> None:
    """Volume limit, release while off and inputs are stored and the entry reloads."""
    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    assert result["type"] is FlowResultType.FORM
    schema = result["data_schema"].schema
    assert {str(key) for key in schema} == {
        CONF_VOLUME_LIMIT,
        CONF_RELEASE_WHILE_OFF,
        CONF_SOURCES,
        *ANNOUNCE_KEYS,
    }
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_VOLUME_LIMIT: 60,
            CONF_RELEASE_WHILE_OFF: True,
            CONF_SOURCES: ["10", "2B"],
            CONF_ANNOUNCE_VOLUME: 40,
            CONF_ANNOUNCE_TIME_LIMIT: 60,
        },
    )
    assert result["step_id"] == "names"  # names as the device has them (tests/ha/test_names.py)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_SOURCE_NAMES: {}, CONF_LISTENING_MODE_NAMES: {}}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert init_integration.options == {
        CONF_VOLUME_LIMIT: 60,
        CONF_RELEASE_WHILE_OFF: True,
        CONF_SOURCES: ["10", "2B"],
        CONF_ANNOUNCE_VOLUME: 40,
        CONF_ANNOUNCE_TIME_LIMIT: 60,
    }
    assert init_integration.state.recoverable


async def test_options_flow_of_an_entry_not_loaded(hass: HomeAssistant) -> None:
    """An entry that is not set up (device unreachable) offers the volume limit only."""
    entry = MockConfigEntry(
        domain=DOMAIN, unique_id="0009B0000000", data={CONF_HOST: "127.0.0.1", CONF_PORT: 1}
    )
    entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert {str(key) for key in result["data_schema"].schema} == {
        CONF_VOLUME_LIMIT,
        CONF_RELEASE_WHILE_OFF,
        *ANNOUNCE_KEYS,
    }
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_VOLUME_LIMIT: 70}
    )
    assert entry.options == {
        CONF_VOLUME_LIMIT: 70,
        CONF_RELEASE_WHILE_OFF: False,
        CONF_ANNOUNCE_TIME_LIMIT: DEFAULT_ANNOUNCE_TIME_LIMIT,
    }


async def test_device_without_nri_gets_a_main_zone_and_common_inputs(
    hass: HomeAssistant, receiver: VirtualReceiver
) -> None:
    """A device without a usable NRI still gets its media player, with inputs to choose."""
    await receiver.stop()
    async with VirtualReceiver("NS-6130") as player:
        player.ignore.add("NRI")
        entry = MockConfigEntry(
            domain=DOMAIN,
            unique_id=player.identifier,
            data={CONF_HOST: player.host, CONF_PORT: player.port},
        )
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        state = hass.states.get("media_player.ns_6130")
        assert state is not None
        assert state.attributes["source_list"] == [SELECTOR_NAMES[c] for c in FALLBACK_SELECTORS]
        result = await hass.config_entries.options.async_init(entry.entry_id)
        keys = {str(key) for key in result["data_schema"].schema}
        assert keys == {CONF_VOLUME_LIMIT, CONF_RELEASE_WHILE_OFF, CONF_SOURCES, *ANNOUNCE_KEYS}
        await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()


async def test_options_flow_of_an_entry_not_loaded_keeps_the_inputs(hass: HomeAssistant) -> None:
    """The inputs the form of an entry that is not loaded cannot show are kept, not erased.

    (Without a unique ID there is no saved NRI either, so the form cannot show them.)
    """
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={CONF_HOST: "127.0.0.1", CONF_PORT: 1},
        options={CONF_VOLUME_LIMIT: 80, CONF_SOURCES: ["10", "2B"]},
    )
    entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert {str(key) for key in result["data_schema"].schema} == {
        CONF_VOLUME_LIMIT,
        CONF_RELEASE_WHILE_OFF,
        *ANNOUNCE_KEYS,
    }
    await hass.config_entries.options.async_configure(result["flow_id"], {CONF_VOLUME_LIMIT: 70})
    assert entry.options == {
        CONF_VOLUME_LIMIT: 70,
        CONF_RELEASE_WHILE_OFF: False,
        CONF_SOURCES: ["10", "2B"],
        CONF_ANNOUNCE_TIME_LIMIT: DEFAULT_ANNOUNCE_TIME_LIMIT,
    }


async def test_options_flow_of_an_entry_not_loaded_offers_the_saved_inputs(
    hass: HomeAssistant, receiver: VirtualReceiver, hass_storage: dict[str, Any]
) -> None:
    """An entry not loaded offers its device's inputs from the saved NRI."""
    save_nri(hass_storage, receiver.identifier, receiver.nri_xml)
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=receiver.identifier,
        data={CONF_HOST: "127.0.0.1", CONF_PORT: 1},
        options={CONF_VOLUME_LIMIT: 80, CONF_SOURCES: ["10", "2B"]},
    )
    entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    schema = result["data_schema"].schema
    assert {str(key) for key in schema} == {
        CONF_VOLUME_LIMIT,
        CONF_RELEASE_WHILE_OFF,
        CONF_SOURCES,
        *ANNOUNCE_KEYS,
    }
    offered = [option["value"] for option in schema[CONF_SOURCES].config["options"]]
    assert offered == [s.id for s in parse_nri(receiver.nri_xml).selectors if s.enabled]
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_VOLUME_LIMIT: 80, CONF_SOURCES: ["10"]}
    )
    await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_SOURCE_NAMES: {}, CONF_LISTENING_MODE_NAMES: {}}
    )
    assert entry.options == {
        CONF_VOLUME_LIMIT: 80,
        CONF_RELEASE_WHILE_OFF: False,
        CONF_SOURCES: ["10"],
        CONF_ANNOUNCE_TIME_LIMIT: DEFAULT_ANNOUNCE_TIME_LIMIT,
    }


# --- a device without an identifier ----------------------------------------------------


@pytest.fixture
def anonymous(receiver: VirtualReceiver) -> VirtualReceiver:
    """The receiver, giving no identifier: no MAC or serial in NRI, none in ECN."""
    receiver.device.identifier = ""
    return receiver


@pytest.mark.usefixtures("anonymous")
async def test_manual_device_without_identifier_aborts(
    hass: HomeAssistant, receiver: VirtualReceiver
) -> None:
    """A device that gives no identifier cannot be added: the address is no unique ID."""
    flow_id = await _manual(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_HOST: receiver.host, CONF_PORT: receiver.port}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "no_identifier"
    assert not hass.config_entries.async_entries(DOMAIN)


@pytest.mark.usefixtures("loopback_broadcast", "device_port", "anonymous")
async def test_discovery_device_without_identifier_aborts(
    hass: HomeAssistant, receiver: VirtualReceiver
) -> None:
    """Broadcast discovery lists a device without identifier, but cannot add it."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "discovery"}
    )
    assert result["step_id"] == "discovery"
    options = result["data_schema"].schema["device"].config["options"]
    assert options == [{"value": receiver.host, "label": "TX-NR686 (127.0.0.1)"}]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"device": receiver.host}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "no_identifier"


@pytest.mark.parametrize(
    ("source", "data"),
    [
        pytest.param(SOURCE_SSDP, _ssdp("http://127.0.0.1:8888/desc.xml"), id="SSDP"),
        pytest.param(SOURCE_DHCP, _dhcp("0009b0000001"), id="DHCP"),
    ],
)
@pytest.mark.usefixtures("device_port", "anonymous")
async def test_discovered_device_without_identifier_aborts(
    hass: HomeAssistant, source: str, data: SsdpServiceInfo | DhcpServiceInfo
) -> None:
    """A device Home Assistant discovers that gives no identifier over eISCP aborts."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": source}, data=data
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "no_identifier"


async def test_reconfigure_to_a_device_without_identifier_aborts(
    hass: HomeAssistant, init_integration: MockConfigEntry, receiver: VirtualReceiver
) -> None:
    """Reconfigure to an address whose device gives no identifier aborts, entry unchanged."""
    async with VirtualReceiver(receiver.model) as anonymous:
        anonymous.device.identifier = ""
        flow_id = await _reconfigure(hass, init_integration)
        result = await hass.config_entries.flow.async_configure(
            flow_id, {CONF_HOST: "127.0.0.1", CONF_PORT: anonymous.port}
        )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "no_identifier"
    assert init_integration.data[CONF_PORT] == receiver.port


# --- what the flow learned, kept for setup ----------------------------------------------


async def test_setup_after_the_flow_asks_for_the_state_first(
    hass: HomeAssistant, receiver: VirtualReceiver
) -> None:
    """Setup does not ask again what the flow learned: its first queries are the state.

    The identity and NRI are checked again only afterwards, in the background.
    """
    flow_id = await _manual(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_HOST: receiver.host, CONF_PORT: receiver.port}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await receiver.wait_for("PWRQSTN")
    await until(lambda: receiver.received.count("NRIQSTN") == 2)
    sent = receiver.received
    flow_nri = sent.index("NRIQSTN")
    setup_nri = sent.index("NRIQSTN", flow_nri + 1)
    assert sent.index("PWRQSTN") < setup_nri
    assert sent.index("ZPWQSTN") < setup_nri
    assert await hass.config_entries.async_unload(result["result"].entry_id)


# --- a configured device seen again; the built-in integration's entry ----------------


def _released_entry(receiver: VirtualReceiver, host: str = "127.0.0.1") -> MockConfigEntry:
    return MockConfigEntry(
        domain=DOMAIN,
        title="Onkyo TX-NR686",
        unique_id=receiver.identifier,
        data={CONF_HOST: host, CONF_PORT: receiver.port},
        options={CONF_RELEASE_WHILE_OFF: True},
    )


async def _set_up_and_release(
    hass: HomeAssistant, entry: MockConfigEntry, receiver: VirtualReceiver
) -> None:
    """Set ``entry`` up with every zone off, and let it release the connection."""
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await settle(hass, entry)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=RELEASE_GRACE + 1))
    await until(lambda: receiver.client_count == 0)
    assert entry.runtime_data.released


@pytest.mark.usefixtures("device_port", "loopback_broadcast")
@pytest.mark.parametrize(
    "source",
    [
        pytest.param((SOURCE_SSDP, "http://127.0.0.1:8888/desc.xml"), id="SSDP"),
        pytest.param((SOURCE_DHCP, ""), id="DHCP"),
        pytest.param((SOURCE_USER, ""), id="ECN"),
    ],
)
async def test_discovery_of_a_configured_device_ends_the_release(
    hass: HomeAssistant, receiver: VirtualReceiver, source: tuple[str, str]
) -> None:
    """A released connection reconnects when discovery sees the device, not on schedule.

    Turned on from the remote while released, the receiver shows as on at once.
    """
    entry = _released_entry(receiver)
    await _set_up_and_release(hass, entry, receiver)
    receiver.press("PWR01")
    kind, location = source
    if kind == SOURCE_SSDP:
        result = await hass.config_entries.flow.async_init(
            DOMAIN, context={"source": kind}, data=_ssdp(location)
        )
        assert result["reason"] == "already_configured"
    elif kind == SOURCE_DHCP:
        result = await hass.config_entries.flow.async_init(
            DOMAIN, context={"source": kind}, data=_dhcp(receiver.identifier.lower())
        )
        assert result["reason"] == "already_configured"
    else:
        result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": kind})
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"next_step_id": "discovery"}
        )
        assert result["step_id"] == "discovery_none"  # configured: not offered again
    await state_until(hass, "media_player.onkyo_tx_nr686", lambda s: s.state == STATE_ON)
    assert not entry.runtime_data.released
    assert entry.data[CONF_HOST] == "127.0.0.1"
    await hass.config_entries.async_unload(entry.entry_id)


async def test_dhcp_configured_device_not_loaded_at_its_address(
    hass: HomeAssistant, receiver: VirtualReceiver
) -> None:
    """Seen where it is known, an entry that is not loaded is left as it is."""
    entry = _released_entry(receiver)
    entry.add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_DHCP}, data=_dhcp(receiver.identifier.lower())
    )
    assert result["reason"] == "already_configured"
    assert entry.state is ConfigEntryState.NOT_LOADED
    assert receiver.client_count == 0


@pytest.mark.usefixtures("device_port", "loopback_broadcast")
@pytest.mark.parametrize("loaded", [True, False])
async def test_ecn_discovery_updates_the_address_of_a_configured_device(
    hass: HomeAssistant, receiver: VirtualReceiver, loaded: bool
) -> None:
    """The device answering ECN at another address: the entry gets it (loaded: reloads)."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=receiver.identifier,
        data={CONF_HOST: "localhost", CONF_PORT: receiver.port},
    )
    entry.add_to_hass(hass)
    if loaded:
        assert await hass.config_entries.async_setup(entry.entry_id)
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "discovery"}
    )
    assert result["step_id"] == "discovery_none"
    assert entry.data[CONF_HOST] == "127.0.0.1"
    await hass.async_block_till_done()
    assert entry.state is (ConfigEntryState.LOADED if loaded else ConfigEntryState.NOT_LOADED)
    if loaded:
        assert entry.runtime_data.client.host == "127.0.0.1"
        await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.usefixtures("device_port", "loopback_broadcast")
@pytest.mark.parametrize("source", [SOURCE_SSDP, SOURCE_DHCP, SOURCE_USER])
async def test_every_way_of_adding_takes_over_the_builtin_entry(
    hass: HomeAssistant, receiver: VirtualReceiver, source: str
) -> None:
    """SSDP, DHCP and ECN discovery start the entry from the built-in's entry too."""
    MockConfigEntry(
        domain="onkyo",
        title="TX-NR686",
        unique_id=receiver.identifier,
        data={CONF_HOST: "127.0.0.1"},
        options={
            "volume_resolution": 80,
            "max_volume": 100.0,
            "input_sources": {"12": "Television"},
            "listening_modes": {"00": "STEREO"},
        },
    ).add_to_hass(hass)
    if source == SOURCE_USER:
        result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": source})
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"next_step_id": "discovery"}
        )
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"device": receiver.identifier}
        )
    else:
        data = (
            _ssdp("http://127.0.0.1:8888/desc.xml")
            if source == SOURCE_SSDP
            else _dhcp(receiver.identifier.lower())
        )
        result = await hass.config_entries.flow.async_init(
            DOMAIN, context={"source": source}, data=data
        )
        result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["options"] == {
        CONF_SOURCES: ["12"],
        CONF_SOURCE_NAMES: {"12": "Television"},
        CONF_LISTENING_MODES: ["00"],
        CONF_VOLUME_LIMIT: 97.560976,  # 80 of the device's 82
    }
    await hass.async_block_till_done()
    await hass.config_entries.async_unload(result["result"].entry_id)


def _description(manufacturer: str, device_type: str) -> CaseInsensitiveDict:
    """What Home Assistant's SSDP scanner matches: the headers and the description's fields."""
    return CaseInsensitiveDict(
        {"st": device_type, "location": "http://192.0.2.5:8888/desc.xml"},
        deviceType=device_type,
        manufacturer=manufacturer,
        modelName="TX-RZ70",
    )


async def test_ssdp_matchers_find_every_renderer_version_of_every_brand(
    hass: HomeAssistant,
) -> None:
    """MediaRenderer :1, :2 and :3 of each brand's manufacturer strings are ours to look at.

    Matched by Home Assistant's own SSDP matcher, from the manifest as its loader reads it.
    """
    matchers = IntegrationMatchers()
    matchers.async_setup(await async_get_ssdp(hass))
    renderer = "urn:schemas-upnp-org:device:MediaRenderer:{}"
    for manufacturer in (
        "ONKYO",
        "Onkyo & Pioneer Corporation",
        "Pioneer",
        "Integra",
        "PIONEER CORPORATION",
    ):
        for version in (1, 2, 3):
            description = _description(manufacturer, renderer.format(version))
            assert DOMAIN in matchers.async_matching_domains(description), (manufacturer, version)
    for manufacturer, device_type in (
        ("ONKYO", "urn:schemas-upnp-org:device:MediaServer:1"),
        ("ONKYO", renderer.format(4)),
        ("Denon", renderer.format(1)),
    ):
        description = _description(manufacturer, device_type)
        assert DOMAIN not in matchers.async_matching_domains(description)

"""Setup, unload, reload, not-ready, repairs, and the connection as entities see it."""

from __future__ import annotations

from unittest.mock import patch

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.onkyo_eiscp.const import DOMAIN
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PORT, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
from virtual_receiver import VirtualReceiver, available_profiles

from .conftest import settle
from .helpers import StateWrites, free_port, state_until, until

MAIN = "media_player.onkyo_tx_nr686"


async def test_setup_and_unload_leave_no_connection(
    hass: HomeAssistant, init_integration: MockConfigEntry, receiver: VirtualReceiver
) -> None:
    """Setup holds one connection; unload closes it."""
    assert init_integration.state is ConfigEntryState.LOADED
    await until(lambda: receiver.client_count == 1)
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert init_integration.state is ConfigEntryState.NOT_LOADED
    await until(lambda: receiver.client_count == 0)


async def test_reload_reconnects_once(
    hass: HomeAssistant, init_integration: MockConfigEntry, receiver: VirtualReceiver
) -> None:
    """A reload closes the old connection and opens exactly one new one."""
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    await until(lambda: receiver.client_count == 1)
    assert init_integration.state is ConfigEntryState.LOADED


async def test_setup_queries_what_nri_lists(
    hass: HomeAssistant, init_integration: MockConfigEntry, receiver: VirtualReceiver
) -> None:
    """On connect: identity, every enabled zone's power, main zone state; no zone3/4 or HDO."""
    await until(lambda: "NSTQSTN" in receiver.received)
    sent = receiver.received
    for query in ("ECNQSTN", "NRIQSTN", "PWRQSTN", "ZPWQSTN", "SLIQSTN", "MVLQSTN", "AMTQSTN"):
        assert query in sent
    for never in ("PW3QSTN", "PW4QSTN", "HDOQSTN"):
        assert never not in sent


async def test_device_not_answering_is_not_ready(
    hass: HomeAssistant, receiver: VirtualReceiver
) -> None:
    """No reply to the identity queries in time (nor by UDP): setup is retried later."""
    receiver.stalled = True
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=receiver.identifier,
        data={CONF_HOST: receiver.host, CONF_PORT: receiver.port},
    )
    entry.add_to_hass(hass)
    with patch("custom_components.onkyo_eiscp.SETUP_TIMEOUT", 0.3):
        await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_RETRY
    await until(lambda: receiver.client_count == 0)
    receiver.stalled = False


async def test_unreachable_device_is_not_ready(hass: HomeAssistant) -> None:
    """Nothing listening: setup is retried later."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id="0009B0000000",
        data={CONF_HOST: "127.0.0.1", CONF_PORT: free_port()},
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_RETRY


async def test_different_device_raises_repair_issue(
    hass: HomeAssistant, receiver: VirtualReceiver, issue_registry: ir.IssueRegistry
) -> None:
    """The configured address answering with another identifier is a repair issue."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id="0009B0FFFFFF",
        data={CONF_HOST: receiver.host, CONF_PORT: receiver.port},
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_ERROR
    issue = issue_registry.async_get_issue(DOMAIN, f"different_device_{entry.entry_id}")
    assert issue is not None
    assert issue.translation_key == "different_device"
    assert receiver.client_count == 0


@pytest.mark.usefixtures("init_integration")
async def test_connection_loss_and_restore(
    hass: HomeAssistant, receiver: VirtualReceiver, caplog: pytest.LogCaptureFixture
) -> None:
    """A drop makes entities unavailable (one log line); reconnect restores and re-queries."""
    await state_until(hass, MAIN, lambda s: s.state != STATE_UNAVAILABLE)
    receiver.clear_received()
    await receiver.restart(downtime=0.3)
    await state_until(hass, MAIN, lambda s: s.state == STATE_UNAVAILABLE)
    await state_until(hass, MAIN, lambda s: s.state != STATE_UNAVAILABLE, timeout=10)
    await until(lambda: "PWRQSTN" in receiver.received)
    assert caplog.text.count("Connection to 127.0.0.1 lost") == 1
    assert caplog.text.count("Connection to 127.0.0.1 restored") == 1


async def _setup_with_keepalive(
    hass: HomeAssistant, entry: MockConfigEntry, *, idle: float, timeout: float
) -> None:
    """Set the entry up with a short keepalive, so tests see a silent device quickly."""
    entry.add_to_hass(hass)
    with (
        patch("custom_components.onkyo_eiscp.KEEPALIVE_IDLE", idle),
        patch("custom_components.onkyo_eiscp.KEEPALIVE_TIMEOUT", timeout),
    ):
        await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()


async def test_half_open_connection_is_detected(
    hass: HomeAssistant, config_entry: MockConfigEntry, receiver: VirtualReceiver
) -> None:
    """A device that stops answering (socket still open) is seen as unavailable."""
    await _setup_with_keepalive(hass, config_entry, idle=0.2, timeout=0.2)
    await state_until(hass, MAIN, lambda s: s.state != STATE_UNAVAILABLE)
    receiver.stalled = True
    await state_until(hass, MAIN, lambda s: s.state == STATE_UNAVAILABLE, timeout=10)
    receiver.stalled = False
    await state_until(hass, MAIN, lambda s: s.state != STATE_UNAVAILABLE, timeout=20)
    await hass.config_entries.async_unload(config_entry.entry_id)
    await hass.async_block_till_done()


async def test_device_that_accepts_but_never_answers_raises_a_repair(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    receiver: VirtualReceiver,
    issue_registry: ir.IssueRegistry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A hung network module: unavailable without flapping, one repair, gone on answer."""
    await _setup_with_keepalive(hass, config_entry, idle=0.1, timeout=0.3)
    await settle(hass, config_entry)
    coordinator = config_entry.runtime_data
    issue_id = coordinator.not_responding_issue_id
    writes = StateWrites(hass, MAIN)
    receiver.stalled = True
    await until(lambda: issue_registry.async_get_issue(DOMAIN, issue_id) is not None, timeout=15)
    issue = issue_registry.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_key == "not_responding"
    assert issue.severity is ir.IssueSeverity.WARNING
    assert issue.translation_placeholders == {
        "title": config_entry.title,
        "model": "TX-NR686",
        "host": receiver.host,
    }
    # Every reconnect was accepted, yet the entity went unavailable once and stayed so.
    assert coordinator.client.stats.connects >= 4
    assert hass.states.get(MAIN).state == STATE_UNAVAILABLE
    assert writes.count == 1
    assert caplog.text.count("Connection to 127.0.0.1 lost") == 1
    assert caplog.text.count("Connection to 127.0.0.1 restored") == 0
    assert caplog.text.count("accepts connections but does not answer") == 1

    receiver.stalled = False
    await state_until(hass, MAIN, lambda s: s.state != STATE_UNAVAILABLE, timeout=15)
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None
    assert caplog.text.count("Connection to 127.0.0.1 restored") == 1
    writes.stop()

    # Raised again, then removed with the entry's unload.
    receiver.stalled = True
    await until(lambda: issue_registry.async_get_issue(DOMAIN, issue_id) is not None, timeout=15)
    await hass.config_entries.async_unload(config_entry.entry_id)
    await hass.async_block_till_done()
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None


@pytest.mark.parametrize("model", available_profiles())
async def test_every_device_can_be_added_and_set_up(hass: HomeAssistant, model: str) -> None:
    """Each of the 38 real devices is added through the UI flow and gets its media players."""
    async with VirtualReceiver(model) as receiver:
        result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"next_step_id": "manual"}
        )
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_HOST: receiver.host, CONF_PORT: receiver.port}
        )
        assert result["type"] is FlowResultType.CREATE_ENTRY
        entry = result["result"]
        await hass.async_block_till_done()
        assert entry.state is ConfigEntryState.LOADED
        players = hass.states.async_entity_ids("media_player")
        assert len(players) == len(receiver.info.enabled_zones)
        assert await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()
        await until(lambda: receiver.client_count == 0)


@pytest.mark.usefixtures("init_integration")
async def test_zone_state_is_asked_once_per_power_on(
    hass: HomeAssistant, receiver: VirtualReceiver, config_entry: MockConfigEntry
) -> None:
    """Main zone already on at connect: asked once; a zone that comes on: asked then."""
    await hass.config_entries.async_unload(config_entry.entry_id)
    receiver.press("PWR01")
    receiver.clear_received()
    await hass.config_entries.async_setup(config_entry.entry_id)
    await settle(hass, config_entry)
    assert receiver.received.count("SLIQSTN") == 1
    assert "SLZQSTN" not in receiver.received
    receiver.press("ZPW01")
    await receiver.wait_for("SLZQSTN")
    receiver.press("PWR00")
    receiver.press("PWR01")
    await until(lambda: receiver.received.count("SLIQSTN") == 2)

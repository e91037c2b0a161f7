"""Setup, unload, reload, not-ready, repairs, and the connection as entities see it."""

from __future__ import annotations

from collections.abc import Generator
import logging
from typing import Any
from unittest.mock import patch

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.onkyo_eiscp.const import DOMAIN
from custom_components.onkyo_eiscp.eiscp.codes import FALLBACK_SELECTORS, SELECTOR_NAMES
from custom_components.onkyo_eiscp.eiscp.frame import MAX_DATA_SIZE
from custom_components.onkyo_eiscp.eiscp.nri import parse_nri
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PORT, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
from virtual_receiver import VirtualReceiver, available_profiles

from .conftest import settle
from .helpers import StateWrites, free_port, nri_storage_key, save_nri, state_until, until

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


# --- setup from the saved NRI ------------------------------------------------------------


@pytest.fixture
def _check_at_once() -> Generator[None]:
    """Check the device right after a setup from the saved NRI (not after the state)."""
    with patch("custom_components.onkyo_eiscp.VERIFY_DELAY", 0):
        yield


def _entry(receiver: VirtualReceiver, unique_id: str | None = None) -> MockConfigEntry:
    return MockConfigEntry(
        domain=DOMAIN,
        title="Onkyo TX-NR686",
        unique_id=unique_id or receiver.identifier,
        data={CONF_HOST: receiver.host, CONF_PORT: receiver.port},
    )


def _without_zone2(xml: str) -> str:
    return xml.replace('<zone id="2" value="1"', '<zone id="2" value="0"')


@pytest.mark.usefixtures("_check_at_once")
@pytest.mark.timeout(30)
async def test_setup_from_the_saved_nri_does_not_wait_for_nri(
    hass: HomeAssistant, receiver: VirtualReceiver, hass_storage: dict[str, Any]
) -> None:
    """With the NRI saved, setup builds every zone's player although NRI gets no answer.

    Setup's timeout is long: only a setup that does not wait for NRI finishes.
    """
    save_nri(hass_storage, receiver.identifier, receiver.nri_xml)
    receiver.ignore.add("NRI")
    entry = _entry(receiver)
    entry.add_to_hass(hass)
    with patch("custom_components.onkyo_eiscp.SETUP_TIMEOUT", 3600):
        assert await hass.config_entries.async_setup(entry.entry_id)
        await state_until(hass, MAIN, lambda s: s.state != STATE_UNAVAILABLE)
        await state_until(hass, f"{MAIN}_zone_2", lambda s: s.state != STATE_UNAVAILABLE)
        # The background check is still waiting for NRI: unload ends it.
        await receiver.wait_for("NRIQSTN")
        assert await hass.config_entries.async_unload(entry.entry_id)
    await until(lambda: receiver.client_count == 0)


async def test_setup_without_a_saved_nri_identifies_first_and_saves_it(
    hass: HomeAssistant, receiver: VirtualReceiver, hass_storage: dict[str, Any]
) -> None:
    """An entry from before the saved NRI identifies the device first, then saves its NRI."""
    entry = _entry(receiver)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    assert receiver.received[:2] == ["ECNQSTN", "NRIQSTN"]
    saved = hass_storage[nri_storage_key(receiver.identifier)]["data"]["nri"]
    assert parse_nri(saved) == parse_nri(receiver.nri_xml)
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_unusable_saved_nri_is_ignored(
    hass: HomeAssistant,
    receiver: VirtualReceiver,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A saved NRI that does not parse is ignored: the device is identified first."""
    save_nri(hass_storage, receiver.identifier, "<not xml")
    entry = _entry(receiver)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    assert "Ignoring the saved receiver information" in caplog.text
    assert receiver.received[:2] == ["ECNQSTN", "NRIQSTN"]
    assert hass.states.get(f"{MAIN}_zone_2") is not None
    assert await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.usefixtures("_check_at_once", "no_escaped_exceptions")
async def test_another_device_at_the_address_after_a_setup_from_the_saved_nri(
    hass: HomeAssistant,
    receiver: VirtualReceiver,
    hass_storage: dict[str, Any],
    issue_registry: ir.IssueRegistry,
) -> None:
    """The background check finds another device: the entry reloads into the repair."""
    save_nri(hass_storage, "0009B0FFFFFF", receiver.nri_xml)
    entry = _entry(receiver, unique_id="0009B0FFFFFF")
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await until(lambda: entry.state is ConfigEntryState.SETUP_ERROR)
    issue = issue_registry.async_get_issue(DOMAIN, f"different_device_{entry.entry_id}")
    assert issue is not None
    assert issue.translation_key == "different_device"
    assert nri_storage_key("0009B0FFFFFF") not in hass_storage
    await until(lambda: receiver.client_count == 0)


@pytest.mark.usefixtures("_check_at_once", "no_escaped_exceptions")
async def test_changed_nri_is_saved_and_reloads_the_entities(
    hass: HomeAssistant, receiver: VirtualReceiver, hass_storage: dict[str, Any]
) -> None:
    """The device's NRI now has zone 2: saved, and the entry reloads with its player."""
    save_nri(hass_storage, receiver.identifier, _without_zone2(receiver.nri_xml))
    entry = _entry(receiver)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    assert hass.states.get(f"{MAIN}_zone_2") is None
    await state_until(hass, f"{MAIN}_zone_2", lambda s: s.state != STATE_UNAVAILABLE)
    assert entry.state is ConfigEntryState.LOADED
    saved = hass_storage[nri_storage_key(receiver.identifier)]["data"]["nri"]
    assert parse_nri(saved) == parse_nri(receiver.nri_xml)
    assert await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.usefixtures("_check_at_once", "no_escaped_exceptions")
async def test_nri_that_changes_at_every_read_reloads_once(
    hass: HomeAssistant,
    receiver: VirtualReceiver,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A device whose NRI differs at each read: one reload, then it waits for a restart."""
    caplog.set_level(logging.INFO, logger="custom_components.onkyo_eiscp")
    without_zone2 = _without_zone2(receiver.nri_xml)
    save_nri(hass_storage, receiver.identifier, without_zone2)
    entry = _entry(receiver)
    entry.add_to_hass(hass)
    key = nri_storage_key(receiver.identifier)
    assert await hass.config_entries.async_setup(entry.entry_id)
    # The first check saves the device's NRI (with zone 2) and reloads; the NRI the
    # device gives next (the reload's check, at least 50 ms later) is without it again.
    await until(lambda: hass_storage[key]["data"]["nri"] != without_zone2)
    receiver.nri_override = without_zone2
    await until(lambda: "changed again since its reload" in caplog.text)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert caplog.text.count("changed; reloading") == 1
    assert parse_nri(hass_storage[key]["data"]["nri"]) == parse_nri(without_zone2)
    assert await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.usefixtures("_check_at_once", "no_escaped_exceptions")
async def test_changed_presets_are_saved_without_a_reload(
    hass: HomeAssistant, receiver: VirtualReceiver, hass_storage: dict[str, Any]
) -> None:
    """Only the presets changed: saved and used at once, the entities stay as they are."""
    old = receiver.nri_xml.replace('name="smoothfm"', 'name="Old FM"')
    save_nri(hass_storage, receiver.identifier, old)
    entry = _entry(receiver)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    coordinator = entry.runtime_data
    key = nri_storage_key(receiver.identifier)
    await until(lambda: parse_nri(hass_storage[key]["data"]["nri"]) == parse_nri(receiver.nri_xml))
    await hass.async_block_till_done()
    assert coordinator.info == parse_nri(receiver.nri_xml)
    assert entry.runtime_data is coordinator
    assert entry.state is ConfigEntryState.LOADED
    assert await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.usefixtures("_check_at_once", "no_escaped_exceptions")
async def test_same_nri_and_device_leave_the_entry_alone(
    hass: HomeAssistant, receiver: VirtualReceiver, hass_storage: dict[str, Any]
) -> None:
    """The check finds the same device with the same NRI: the entry is left alone."""
    save_nri(hass_storage, receiver.identifier, receiver.nri_xml)
    entry = _entry(receiver)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    coordinator = entry.runtime_data
    await until(lambda: receiver.received.count("NRIQSTN") == 1)
    await settle(hass, entry)
    await hass.async_block_till_done()
    assert entry.runtime_data is coordinator
    assert receiver.received.count("NRIQSTN") == 1
    assert await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.usefixtures("_check_at_once")
@pytest.mark.parametrize(
    ("ignored", "stalled"),
    [
        pytest.param({"NRI", "ECN"}, False, id="no NRI: identified by ECN over UDP"),
        pytest.param(set(), True, id="no answer at all"),
    ],
)
async def test_check_without_an_answer_keeps_the_saved_nri(
    hass: HomeAssistant,
    receiver: VirtualReceiver,
    hass_storage: dict[str, Any],
    ignored: set[str],
    stalled: bool,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A check that gets no NRI (or no answer) keeps the entry and its saved NRI."""
    old = _without_zone2(receiver.nri_xml)
    save_nri(hass_storage, receiver.identifier, old)
    receiver.ignore |= ignored
    receiver.stalled = stalled
    entry = _entry(receiver)
    entry.add_to_hass(hass)
    caplog.set_level(logging.DEBUG, logger="custom_components.onkyo_eiscp")
    outcome = "Could not check the device" if stalled else "is still the device of"
    with patch("custom_components.onkyo_eiscp.SETUP_TIMEOUT", 0.2):
        assert await hass.config_entries.async_setup(entry.entry_id)
        coordinator = entry.runtime_data
        await until(lambda: outcome in caplog.text)
        await hass.async_block_till_done()
    assert entry.runtime_data is coordinator
    assert entry.state is ConfigEntryState.LOADED
    assert hass_storage[nri_storage_key(receiver.identifier)]["data"]["nri"] == old
    receiver.stalled = False
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_entry_without_unique_id_fails(
    hass: HomeAssistant, receiver: VirtualReceiver
) -> None:
    """An entry with no device identifier cannot be set up (the host is no identity)."""
    entry = MockConfigEntry(
        domain=DOMAIN, data={CONF_HOST: receiver.host, CONF_PORT: receiver.port}
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert receiver.client_count == 0


async def test_removing_the_entry_forgets_the_saved_nri(
    hass: HomeAssistant, receiver: VirtualReceiver, hass_storage: dict[str, Any]
) -> None:
    """Removing the entry removes the device's saved NRI."""
    entry = _entry(receiver)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    key = nri_storage_key(receiver.identifier)
    assert key in hass_storage
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert key not in hass_storage


@pytest.mark.timeout(30)
@pytest.mark.usefixtures("no_escaped_exceptions")
async def test_oversize_nri_sets_up_with_defaults(
    hass: HomeAssistant, receiver: VirtualReceiver
) -> None:
    """An NRI over the size cap fails at once: setup goes on with the default inputs.

    Setup's timeout is long: only an NRI query that fails at once lets it finish within
    the test's timeout.
    """
    receiver.nri_override = receiver.nri_xml.replace(
        "<device", "<!-- " + "x" * (MAX_DATA_SIZE + 1024) + " --><device", 1
    )
    entry = _entry(receiver)
    entry.add_to_hass(hass)
    with patch("custom_components.onkyo_eiscp.SETUP_TIMEOUT", 3600):
        assert await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.LOADED
    # No NRI: no brand, and the player is named after the model ECN gives.
    state = hass.states.get("media_player.tx_nr686")
    assert state is not None
    assert state.attributes["source_list"] == [SELECTOR_NAMES[c] for c in FALLBACK_SELECTORS]
    assert await hass.config_entries.async_unload(entry.entry_id)

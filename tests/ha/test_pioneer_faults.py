"""The fault suite of eISCP devices, for a legacy Pioneer receiver: the virtual VSX-1021.

Each fault goes through the real virtual receiver and Home Assistant: a receiver that
stops answering (half-open), accepts but never answers, restarts, sends garbage or lines
nobody knows, refuses a command (E04/E06 as translated errors on the call), or pushes a
change at the worst moment of setup. Nothing may escape as an unhandled exception.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Generator
from datetime import timedelta
from unittest.mock import patch

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.onkyo_eiscp.const import CONF_RELEASE_WHILE_OFF, DOMAIN, RELEASE_GRACE
from homeassistant.components.media_player import (
    ATTR_INPUT_SOURCE,
    ATTR_MEDIA_VOLUME_LEVEL,
    ATTR_MEDIA_VOLUME_MUTED,
    DOMAIN as MP_DOMAIN,
)
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import (
    ATTR_ENTITY_ID,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    SERVICE_VOLUME_MUTE,
    SERVICE_VOLUME_SET,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
from virtual_receiver.pioneer import MAIN, VirtualPioneer

from .helpers import StateWrites, state_until, until
from .test_pioneer import FACTS, MAIN_PLAYER, ZONE2_PLAYER, ZONE3_PLAYER, pioneer, pioneer_entry

__all__ = ["pioneer"]

pytestmark = pytest.mark.usefixtures("no_escaped_exceptions")


@pytest.fixture(autouse=True)
def _fast() -> Generator[None]:
    """Short setup waits and a keepalive that sees a silent receiver quickly."""
    with (
        patch("custom_components.onkyo_eiscp.SETUP_TIMEOUT", 0.5),
        patch("custom_components.onkyo_eiscp.KEEPALIVE_IDLE", 0.2),
        patch("custom_components.onkyo_eiscp.KEEPALIVE_TIMEOUT", 0.3),
    ):
        yield


@pytest.fixture
async def entry(hass: HomeAssistant, pioneer: VirtualPioneer) -> AsyncGenerator[MockConfigEntry]:
    """The receiver set up from its saved facts, its state shown."""
    config_entry = pioneer_entry(pioneer)
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await state_until(hass, MAIN_PLAYER, lambda s: s.attributes.get(ATTR_INPUT_SOURCE) == "BD")
    yield config_entry
    pioneer.stalled = False
    if config_entry.state is ConfigEntryState.LOADED:
        assert await hass.config_entries.async_unload(config_entry.entry_id)
        await hass.async_block_till_done()


async def _call(hass: HomeAssistant, service: str, entity_id: str, **data: object) -> None:
    await hass.services.async_call(
        MP_DOMAIN, service, {ATTR_ENTITY_ID: entity_id, **data}, blocking=True
    )


async def test_not_answering_at_setup_is_not_ready(
    hass: HomeAssistant, pioneer: VirtualPioneer
) -> None:
    """A receiver that accepts but answers nothing while it is interviewed: retried later."""
    pioneer.stalled = True
    config_entry = pioneer_entry(pioneer, facts=None)
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.SETUP_RETRY
    await until(lambda: pioneer.client_count == 0)


async def test_half_open_connection_is_detected(
    hass: HomeAssistant, entry: MockConfigEntry, pioneer: VirtualPioneer
) -> None:
    """A receiver that stops answering, its socket still open, is seen as unavailable."""
    pioneer.stalled = True
    await state_until(hass, MAIN_PLAYER, lambda s: s.state == STATE_UNAVAILABLE, timeout=10)
    pioneer.stalled = False
    await state_until(hass, MAIN_PLAYER, lambda s: s.state == STATE_ON, timeout=20)
    await _call(hass, SERVICE_VOLUME_MUTE, MAIN_PLAYER, **{ATTR_MEDIA_VOLUME_MUTED: True})
    assert pioneer.device.zones[MAIN].muted is True


async def test_accepts_but_never_answers_raises_a_repair(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    pioneer: VirtualPioneer,
    issue_registry: ir.IssueRegistry,
) -> None:
    """A hung receiver: unavailable once (no flapping), one repair, gone when it answers."""
    issue_id = entry.runtime_data.not_responding_issue_id
    writes = StateWrites(hass, MAIN_PLAYER)
    pioneer.stalled = True
    await until(lambda: issue_registry.async_get_issue(DOMAIN, issue_id) is not None, timeout=15)
    state = hass.states.get(MAIN_PLAYER)
    assert state is not None
    assert state.state == STATE_UNAVAILABLE
    assert writes.count == 1
    pioneer.stalled = False
    await state_until(hass, MAIN_PLAYER, lambda s: s.state == STATE_ON, timeout=15)
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None
    writes.stop()


async def test_restart_is_followed(
    hass: HomeAssistant, entry: MockConfigEntry, pioneer: VirtualPioneer
) -> None:
    """The receiver reboots: unavailable, then back with the state it has now."""
    await pioneer.stop()
    await state_until(hass, MAIN_PLAYER, lambda s: s.state == STATE_UNAVAILABLE)
    pioneer.device.zones[MAIN].volume = 120  # changed while it was away
    pioneer.clear_received()
    await pioneer.start()
    state = await state_until(
        hass,
        MAIN_PLAYER,
        lambda s: s.state == STATE_ON and s.attributes.get(ATTR_MEDIA_VOLUME_LEVEL) == 120 / 185,
        timeout=15,
    )
    assert state.attributes[ATTR_INPUT_SOURCE] == "BD"
    assert "?P" in pioneer.received


async def test_garbage_and_unknown_lines_are_skipped(
    hass: HomeAssistant, entry: MockConfigEntry, pioneer: VirtualPioneer
) -> None:
    """Garbage, over-long and malformed lines, and replies nobody knows, change nothing.

    The connection stays up and the next real push is shown.
    """
    # Every setup question answered (the listening mode is the last).
    await state_until(hass, MAIN_PLAYER, lambda s: s.attributes.get("sound_mode") is not None)
    writes = StateWrites(hass, MAIN_PLAYER)
    pioneer.push_raw(b"\x00\xff\xfe\x07 noise\r\n")
    pioneer.push_raw(b"X" * 5000 + b"\r\n")
    pioneer.push_raw(b"PWRX\r\nVOL999\r\nMUTX\r\nFN\r\nSRabcd\r\nFLZZ\r\nFRX1\r\n")
    pioneer.push_raw(b"XYZ123\r\nGBH05\r\nR\r\nB00\r\n")  # unknown, sign of life, busy
    pioneer.press("MO")
    await state_until(hass, MAIN_PLAYER, lambda s: s.attributes.get(ATTR_MEDIA_VOLUME_MUTED))
    state = hass.states.get(MAIN_PLAYER)
    assert state is not None
    assert (state.state, state.attributes[ATTR_INPUT_SOURCE]) == (STATE_ON, "BD")
    assert state.attributes[ATTR_MEDIA_VOLUME_LEVEL] == 101 / 185
    assert writes.count == 1  # only the mute
    assert entry.runtime_data.client.stats.drops == 0
    writes.stop()


@pytest.mark.parametrize("error", ["E04", "E06"])
async def test_refusals_are_translated_errors_on_the_call(
    hass: HomeAssistant, entry: MockConfigEntry, pioneer: VirtualPioneer, error: str
) -> None:
    """The receiver refusing a command is a translated error on the call that caused it."""
    pioneer.refuse["MO"] = error
    with pytest.raises(HomeAssistantError) as caught:
        await _call(hass, SERVICE_VOLUME_MUTE, MAIN_PLAYER, **{ATTR_MEDIA_VOLUME_MUTED: True})
    assert caught.value.translation_key == "device_error"
    assert error in str(caught.value.translation_placeholders)
    assert pioneer.device.zones[MAIN].muted is False
    await _call(hass, SERVICE_VOLUME_SET, MAIN_PLAYER, **{ATTR_MEDIA_VOLUME_LEVEL: 0.5})
    assert pioneer.device.zones[MAIN].volume == 92  # the next call works


async def test_a_command_while_disconnected_is_a_translated_error(
    hass: HomeAssistant, entry: MockConfigEntry, pioneer: VirtualPioneer
) -> None:
    """With the receiver gone, a command fails with not_connected, not a traceback."""
    await pioneer.stop()
    await state_until(hass, MAIN_PLAYER, lambda s: s.state == STATE_UNAVAILABLE)
    with pytest.raises(HomeAssistantError) as caught:
        await hass.services.async_call(
            DOMAIN,
            "send_command",
            {"config_entry_id": entry.entry_id, "command": "AMT01"},
            blocking=True,
        )
    assert caught.value.translation_key == "not_connected"


async def test_pushes_while_setup_interviews_the_receiver(
    hass: HomeAssistant, pioneer: VirtualPioneer
) -> None:
    """Front-panel changes in the middle of the interview (before the entities exist).

    The entities come up with the receiver's state as it ended, not as it was asked.
    """

    async def front_panel() -> None:
        await pioneer.wait_for("?RGB19", timeout=10)
        pioneer.press("MO")
        pioneer.press("05FN")
        pioneer.press("APO")

    panel = asyncio.create_task(front_panel())
    config_entry = pioneer_entry(pioneer, facts=None)
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await panel
    await state_until(
        hass,
        MAIN_PLAYER,
        lambda s: (
            s.attributes.get(ATTR_INPUT_SOURCE) == "TV"
            and s.attributes.get(ATTR_MEDIA_VOLUME_MUTED) is True
        ),
    )
    await state_until(hass, ZONE2_PLAYER, lambda s: s.state == STATE_ON)
    assert await hass.config_entries.async_unload(config_entry.entry_id)


async def test_pushes_between_connect_and_the_first_queries(
    hass: HomeAssistant, pioneer: VirtualPioneer
) -> None:
    """A push arriving as the saved-facts setup connects, before anything is asked."""
    original = pioneer.device.handle

    def handle(line: str) -> object:
        if line == "?P" and not pioneer.device.zones[MAIN].muted:
            pioneer.press("MO")  # the remote, just as the first question arrives
        return original(line)

    config_entry = pioneer_entry(pioneer)
    config_entry.add_to_hass(hass)
    with patch.object(pioneer.device, "handle", handle):
        assert await hass.config_entries.async_setup(config_entry.entry_id)
        await state_until(hass, MAIN_PLAYER, lambda s: s.attributes.get(ATTR_MEDIA_VOLUME_MUTED))
    assert len(FACTS.zones) == 3
    assert await hass.config_entries.async_unload(config_entry.entry_id)


async def test_release_while_off(hass: HomeAssistant, pioneer: VirtualPioneer) -> None:
    """Release while off: every zone off closes the connection; turning one on opens it."""
    config_entry = pioneer_entry(pioneer)
    config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(config_entry, options={CONF_RELEASE_WHILE_OFF: True})
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await state_until(hass, MAIN_PLAYER, lambda s: s.state == STATE_ON)
    await _call(hass, SERVICE_TURN_OFF, MAIN_PLAYER)
    await state_until(hass, MAIN_PLAYER, lambda s: s.state == STATE_OFF)
    await state_until(hass, ZONE3_PLAYER, lambda s: s.state == STATE_OFF)  # every zone known
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=RELEASE_GRACE + 1))
    await until(lambda: pioneer.client_count == 0)
    assert config_entry.runtime_data.released
    await _call(hass, SERVICE_TURN_ON, MAIN_PLAYER)
    assert pioneer.device.zones[MAIN].power is True
    await state_until(hass, MAIN_PLAYER, lambda s: s.state == STATE_ON)
    assert pioneer.client_count == 1
    assert await hass.config_entries.async_unload(config_entry.entry_id)

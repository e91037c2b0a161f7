"""Release the connection while the receiver is off (an option; off by default)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.onkyo_eiscp.const import (
    CONF_RELEASE_WHILE_OFF,
    DOMAIN,
    RELEASE_GRACE,
    RELEASE_RECHECK_INTERVAL,
)
from homeassistant.components.media_player import DOMAIN as MEDIA_PLAYER, SERVICE_TURN_ON
from homeassistant.const import ATTR_ENTITY_ID, CONF_HOST, CONF_PORT, STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util
from virtual_receiver import VirtualReceiver
from virtual_receiver.zones import Zone

from .conftest import settle
from .helpers import state_until, until

MAIN = "media_player.onkyo_tx_nr686"


@pytest.fixture
def config_entry(receiver: VirtualReceiver, request: pytest.FixtureRequest) -> MockConfigEntry:
    """An entry with the option on (parametrize ``release`` False to turn it off)."""
    release = getattr(request, "param", True)
    return MockConfigEntry(
        domain=DOMAIN,
        title=f"Onkyo {receiver.model}",
        data={CONF_HOST: receiver.host, CONF_PORT: receiver.port},
        options={CONF_RELEASE_WHILE_OFF: release},
        unique_id=receiver.identifier,
    )


def _later(hass: HomeAssistant, seconds: float) -> None:
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=seconds + 1))


async def test_released_while_off_and_back_on_demand(
    hass: HomeAssistant, init_integration: MockConfigEntry, receiver: VirtualReceiver
) -> None:
    """Every zone off: the connection closes; entities still show off; turn_on reconnects."""
    await settle(hass, init_integration)
    coordinator = init_integration.runtime_data
    assert receiver.client_count == 1
    _later(hass, RELEASE_GRACE)
    await until(lambda: receiver.client_count == 0)
    assert coordinator.released
    state = await state_until(hass, MAIN, lambda s: s.state == STATE_OFF)
    assert state.state == STATE_OFF  # available, showing the last state

    await hass.services.async_call(
        MEDIA_PLAYER, SERVICE_TURN_ON, {ATTR_ENTITY_ID: MAIN}, blocking=True
    )
    await state_until(hass, MAIN, lambda s: s.state == STATE_ON)
    assert receiver.device.state.zones[Zone.MAIN].power
    assert receiver.client_count == 1
    assert not coordinator.released
    # On now: the grace timer no longer releases it.
    _later(hass, RELEASE_GRACE)
    await settle(hass, init_integration)
    assert receiver.client_count == 1


async def test_power_on_from_the_remote_seen_at_the_next_look(
    hass: HomeAssistant, init_integration: MockConfigEntry, receiver: VirtualReceiver
) -> None:
    """While released, a power-on from the remote shows at the next (slow) look."""
    await settle(hass, init_integration)
    _later(hass, RELEASE_GRACE)
    await until(lambda: receiver.client_count == 0)
    receiver.press("PWR01")
    state = hass.states.get(MAIN)
    assert state is not None
    assert state.state == STATE_OFF  # the trade-off: not seen yet
    _later(hass, RELEASE_GRACE + RELEASE_RECHECK_INTERVAL)
    await state_until(hass, MAIN, lambda s: s.state == STATE_ON)
    assert receiver.client_count == 1


async def test_discovery_reconnects_at_once(
    hass: HomeAssistant, init_integration: MockConfigEntry, receiver: VirtualReceiver
) -> None:
    """Discovery seeing the device ends the release without waiting for the schedule."""
    await settle(hass, init_integration)
    _later(hass, RELEASE_GRACE)
    await until(lambda: receiver.client_count == 0)
    receiver.press("PWR01")
    await init_integration.runtime_data.async_device_seen()
    await state_until(hass, MAIN, lambda s: s.state == STATE_ON)


@pytest.mark.parametrize("config_entry", [False], indirect=True)
async def test_option_off_keeps_the_connection(
    hass: HomeAssistant, init_integration: MockConfigEntry, receiver: VirtualReceiver
) -> None:
    """Default: the connection stays up while the receiver is off."""
    await settle(hass, init_integration)
    _later(hass, RELEASE_GRACE + RELEASE_RECHECK_INTERVAL)
    await settle(hass, init_integration)
    assert receiver.client_count == 1
    assert not init_integration.runtime_data.released


async def test_unreachable_while_released_looks_again(
    hass: HomeAssistant, init_integration: MockConfigEntry, receiver: VirtualReceiver
) -> None:
    """A look that finds nobody stays released and looks again; a command says why."""
    await settle(hass, init_integration)
    coordinator = init_integration.runtime_data
    _later(hass, RELEASE_GRACE)
    await until(lambda: receiver.client_count == 0)
    await receiver.stop()
    await coordinator.async_device_seen()
    assert coordinator.released
    _later(hass, RELEASE_GRACE + RELEASE_RECHECK_INTERVAL)
    await hass.async_block_till_done()
    await until(lambda: coordinator.released)  # the look found nobody
    with pytest.raises(HomeAssistantError):
        await hass.services.async_call(
            MEDIA_PLAYER, SERVICE_TURN_ON, {ATTR_ENTITY_ID: MAIN}, blocking=True
        )
    await receiver.start()
    receiver.press("PWR01")
    _later(hass, 2 * (RELEASE_GRACE + RELEASE_RECHECK_INTERVAL))
    await state_until(hass, MAIN, lambda s: s.state == STATE_ON)

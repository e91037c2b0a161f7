"""Media-source ids played on the receiver: resolved, signed and served by Home Assistant.

Apart from tests/ha/test_announce.py because Home Assistant's HTTP server really serves
here (the device fetches the file from it), set up before the integration.
"""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from unittest.mock import patch

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.onkyo_eiscp import speaker as speaker_module
from homeassistant.components.media_player.const import (
    ATTR_MEDIA_ANNOUNCE,
    ATTR_MEDIA_CONTENT_ID,
    ATTR_MEDIA_CONTENT_TYPE,
    DOMAIN as MP_DOMAIN,
    SERVICE_PLAY_MEDIA,
)
from homeassistant.const import ATTR_ENTITY_ID, EVENT_HOMEASSISTANT_START
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from tests.virtual_receiver.test_upnp import wav
from virtual_receiver import VirtualReceiver
from virtual_receiver.zones import Zone

from .helpers import free_port, until

pytestmark = pytest.mark.usefixtures("no_escaped_exceptions")

MAIN = "media_player.onkyo_tx_nr686"
BD = "10"
SOURCE_ID = "media-source://media_source/local/chime.wav"


@pytest.fixture
def receiver_options() -> dict[str, object]:
    """The virtual receiver with its renderer."""
    return {"upnp": True, "ssdp_port": 0}


@pytest.fixture(autouse=True)
def _ssdp_port(receiver: VirtualReceiver) -> Generator[None]:
    """Unicast searches go to the virtual receiver's SSDP port."""
    assert receiver.upnp is not None
    with patch.object(speaker_module, "SSDP_PORT", receiver.upnp.ssdp_port):
        yield


@pytest.fixture
def disable_http_server() -> None:
    """Keep Home Assistant's HTTP server: the device fetches media-source files from it."""


@pytest.fixture
async def served(hass: HomeAssistant, tmp_path: Path) -> int:
    """Home Assistant serving a local media folder on a free loopback port."""
    port = free_port()
    (tmp_path / "chime.wav").write_bytes(wav(10.0))
    hass.config.media_dirs = {"local": str(tmp_path)}
    hass.config.internal_url = f"http://127.0.0.1:{port}"
    http = {"server_host": ["127.0.0.1"], "server_port": port}
    assert await async_setup_component(hass, "http", {"http": http})
    assert await async_setup_component(hass, "media_source", {})
    hass.bus.async_fire(EVENT_HOMEASSISTANT_START)  # the HTTP server starts with Home Assistant
    await hass.async_block_till_done()
    return port


@pytest.fixture
async def loaded(
    hass: HomeAssistant, served: int, init_integration: MockConfigEntry
) -> MockConfigEntry:
    """The integration set up after the HTTP server, its renderer found."""
    task = init_integration.runtime_data.speaker._task
    assert task is not None
    await task
    assert init_integration.runtime_data.speaker.renderer is not None
    return init_integration


@pytest.mark.parametrize("announce", [False, True])
async def test_media_source_playback(
    hass: HomeAssistant,
    served: int,
    loaded: MockConfigEntry,
    receiver: VirtualReceiver,
    announce: bool,
) -> None:
    """The device fetches the signed URL and plays it (as an announcement: then restored)."""
    receiver.press("PWR01")
    receiver.press(f"SLI{BD}")
    await hass.services.async_call(
        MP_DOMAIN,
        SERVICE_PLAY_MEDIA,
        {
            ATTR_ENTITY_ID: MAIN,
            ATTR_MEDIA_CONTENT_TYPE: "music",
            ATTR_MEDIA_CONTENT_ID: SOURCE_ID,
            ATTR_MEDIA_ANNOUNCE: announce,
        },
        blocking=True,
    )
    assert receiver.upnp is not None
    [fetched] = receiver.upnp.transport.fetched
    assert fetched.startswith(f"http://127.0.0.1:{served}/media/local/chime.wav?authSig=")
    if announce:
        assert receiver.upnp.transport.log == [f"play {fetched}", f"end {fetched}"]
        assert receiver.state.zones[Zone.MAIN].source == BD
    else:
        assert receiver.state.net.title == "chime.wav"
        await until(lambda: receiver.state.net.play == "S")

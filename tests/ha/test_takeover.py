"""Taking over from the built-in ``onkyo`` integration: its options, and the repair issue.

The built-in integration is never set up: its entries are MockConfigEntry objects with
exactly the data and options its config flow writes (Home Assistant 2026.10:
``homeassistant/components/onkyo/config_flow.py``).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.onkyo_eiscp.const import (
    CONF_LISTENING_MODE_NAMES,
    CONF_LISTENING_MODES,
    CONF_SOURCE_NAMES,
    CONF_SOURCES,
    CONF_VOLUME_LIMIT,
    DOMAIN,
)
from custom_components.onkyo_eiscp.eiscp.nri import parse_nri
from custom_components.onkyo_eiscp.eiscp.volume import VolumeScale
from custom_components.onkyo_eiscp.takeover import options_from_builtin, volume_limit
from homeassistant.components.media_player import (
    ATTR_INPUT_SOURCE_LIST,
    ATTR_MEDIA_VOLUME_LEVEL,
    DOMAIN as MEDIA_PLAYER,
    SERVICE_VOLUME_SET,
)
from homeassistant.components.repairs import DOMAIN as REPAIRS
from homeassistant.config_entries import (
    SOURCE_IGNORE,
    SOURCE_USER,
    ConfigEntry,
    ConfigEntryDisabler,
    ConfigEntryState,
)
from homeassistant.const import ATTR_ENTITY_ID, CONF_HOST, CONF_PORT, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from virtual_receiver import VirtualReceiver
from virtual_receiver.receiver import PROFILES_DIR
from virtual_receiver.zones import Zone

from .helpers import state_until, until

MAIN = "media_player.onkyo_tx_nr686"
# What the built-in's config and options flows write for a receiver it has renamed
# inputs of; "··· "-joined names and plain meanings are its defaults.
BUILTIN_OPTIONS: dict[str, Any] = {
    "volume_resolution": 80,
    "max_volume": 50.0,
    "input_sources": {
        "10": "DVD ··· BD/DVD",
        "2B": "NETWORK ··· NET",
        "12": "Living-room TV",
        "22": "PHONO",
        "05": "Office PC",
        "55": "HDMI 5",  # the TX-NR686 has no such input
    },
    "listening_modes": {
        "00": "STEREO",
        "80": "Atmos",
        "0C": "ALL CH STEREO ··· EXTENDED STEREO",
        "87": "NEURAL SURR",  # not a mode of the TX-NR686
    },
}


def _builtin(receiver: VirtualReceiver, **kwargs: Any) -> MockConfigEntry:
    """The built-in integration's entry for ``receiver`` (change any field by keyword)."""
    fields: dict[str, Any] = {
        "domain": "onkyo",
        "title": "TX-NR686",
        "unique_id": receiver.identifier,
        "data": {CONF_HOST: receiver.host},
        "options": BUILTIN_OPTIONS,
    }
    return MockConfigEntry(**(fields | kwargs))


async def _add_manually(hass: HomeAssistant, receiver: VirtualReceiver) -> ConfigEntry:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "manual"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: receiver.host, CONF_PORT: receiver.port}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    entry: ConfigEntry = result["result"]
    await hass.async_block_till_done()
    return entry


# --- the volume limit ------------------------------------------------------------


@pytest.mark.parametrize("max_raw", [80, 82, 100, 130, 164, 200])
@pytest.mark.parametrize("resolution", [50, 80, 100, 200])
@pytest.mark.parametrize("max_volume", [1.0, 12.5, 33.3, 50.0, 67.0, 80.0, 100.0])
def test_volume_limit_sends_what_the_builtin_sent(
    max_raw: int, resolution: int, max_volume: float
) -> None:
    """At every level Home Assistant can ask, our raw level is the built-in's.

    Both compute the same number; where it is exactly halfway between two raw levels,
    float noise rounds either way, in the built-in too. Where the built-in's maximum
    lies beyond the device's range (or below our 1 %), ours is the range's end.
    """
    limit = volume_limit(max_volume, resolution, max_raw)
    assert limit is not None
    assert 1 <= limit <= 100
    scale = VolumeScale(max_raw)
    builtin_max = Fraction(str(max_volume)) / 100 * resolution
    for step in range(101):
        level = step / 100
        ours = scale.to_raw(level * limit / 100)
        if builtin_max > max_raw:
            assert ours == round(level * max_raw)
            continue
        if builtin_max < Fraction(max_raw, 100):
            assert ours == round(level * max_raw / 100)
            continue
        builtin_raw = round(level * max_volume / 100 * resolution)
        exact = Fraction(step, 100) * builtin_max
        if exact - int(exact) == Fraction(1, 2):
            assert abs(ours - builtin_raw) <= 1
            continue
        assert ours == builtin_raw, (level, limit)
        if builtin_raw:  # the level shown for that raw level is the built-in's
            shown = min(1.0, scale.to_level(builtin_raw) / (limit / 100))
            builtin_shown = min(1.0, builtin_raw / (resolution * max_volume / 100))
            assert shown == pytest.approx(builtin_shown, abs=1e-6)


def test_volume_limit_whole_percent_and_no_volume() -> None:
    """A whole percent is stored as an int; a zone without volume control has no limit."""
    assert volume_limit(100.0, 80, 80) == 100
    assert isinstance(volume_limit(100.0, 80, 80), int)
    assert volume_limit(50.0, 80, 82) == 48.780488
    assert volume_limit(50.0, 80, 0) is None


# --- options carried over --------------------------------------------------------


async def test_manual_entry_takes_over_names_choices_and_volume(
    hass: HomeAssistant, receiver: VirtualReceiver
) -> None:
    """The new entry starts with the built-in's inputs, modes and maximum volume.

    Only inputs and modes the device has; names the user gave (not the built-in's
    defaults, nor names that are ours already); the volume limit that makes Home
    Assistant's 100 % the built-in's raw level (50 % of 80 = 40 of the device's 82).
    """
    _builtin(receiver, data={CONF_HOST: "receiver.local"}).add_to_hass(hass)
    entry = await _add_manually(hass, receiver)
    assert dict(entry.options) == {
        CONF_SOURCES: ["10", "05", "12", "22", "2B"],  # the device's order
        CONF_SOURCE_NAMES: {"05": "Office PC", "12": "Living-room TV"},
        CONF_LISTENING_MODES: ["00", "0C", "80"],
        CONF_LISTENING_MODE_NAMES: {"80": "Atmos"},
        CONF_VOLUME_LIMIT: 48.780488,
    }

    # The entry as set up: full volume is the built-in's full volume, at the device.
    receiver.press("PWR01")
    state = await state_until(hass, MAIN, lambda s: s.state == STATE_ON)
    assert len(state.attributes[ATTR_INPUT_SOURCE_LIST]) == 5
    for level, raw in ((1.0, 40), (0.5, 20), (0.33, 13)):
        await hass.services.async_call(
            MEDIA_PLAYER,
            SERVICE_VOLUME_SET,
            {ATTR_ENTITY_ID: MAIN, ATTR_MEDIA_VOLUME_LEVEL: level},
            blocking=True,
        )
        await until(lambda raw=raw: receiver.device.state.zones[Zone.MAIN].volume == raw)
    receiver.press("MVL28")  # 40: the built-in showed full volume
    await state_until(
        hass, MAIN, lambda s: s.attributes[ATTR_MEDIA_VOLUME_LEVEL] == pytest.approx(1.0)
    )


async def test_takes_over_the_entry_at_the_same_host(
    hass: HomeAssistant, receiver: VirtualReceiver
) -> None:
    """A built-in entry with another unique ID, but at the device's host, is the device's."""
    _builtin(receiver, unique_id="SOMETHINGELSE").add_to_hass(hass)
    entry = await _add_manually(hass, receiver)
    assert entry.options[CONF_VOLUME_LIMIT] == 48.780488


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({"unique_id": "0009B0FFFFFF", "data": {CONF_HOST: "192.0.2.9"}}, id="other"),
        pytest.param({"source": SOURCE_IGNORE, "data": {}, "options": {}}, id="ignored"),
    ],
)
async def test_nothing_to_take_over(
    hass: HomeAssistant, receiver: VirtualReceiver, kwargs: dict[str, Any]
) -> None:
    """Another receiver's built-in entry, or one ignored in discovery, gives nothing."""
    _builtin(receiver, **kwargs).add_to_hass(hass)
    entry = await _add_manually(hass, receiver)
    assert dict(entry.options) == {}


async def test_takes_over_from_a_disabled_entry(
    hass: HomeAssistant, receiver: VirtualReceiver
) -> None:
    """Someone who disabled the built-in entry first still gets its options."""
    _builtin(receiver, disabled_by=ConfigEntryDisabler.USER).add_to_hass(hass)
    entry = await _add_manually(hass, receiver)
    assert entry.options[CONF_SOURCE_NAMES] == {"05": "Office PC", "12": "Living-room TV"}


def _info(profile: str) -> Any:
    return parse_nri((PROFILES_DIR / f"{profile}.xml").read_text())


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        # An entry from before listening modes were an option, with the defaults.
        pytest.param(
            {"volume_resolution": 50, "max_volume": 100.0, "input_sources": {"2b": "NET"}},
            {CONF_SOURCES: ["2B"], CONF_VOLUME_LIMIT: 60.97561},
            id="old-entry",
        ),
        pytest.param({}, {CONF_VOLUME_LIMIT: 60.97561}, id="no-options"),
        pytest.param(
            {
                "volume_resolution": "lots",
                "max_volume": None,
                "input_sources": ["12"],
                "listening_modes": {"80": ""},
            },
            {CONF_LISTENING_MODES: ["80"]},
            id="malformed",
        ),
        pytest.param(
            {"input_sources": {"99": "Nothing"}, "max_volume": 0},
            {},
            id="nothing-the-device-has",
        ),
    ],
)
def test_options_from_entries_of_every_age(options: dict[str, Any], expected: Any) -> None:
    """Old, empty or malformed built-in options carry what they can and nothing wrong."""
    builtin = MockConfigEntry(domain="onkyo", data={CONF_HOST: "h"}, options=options)
    assert options_from_builtin(builtin, _info("TX-NR686")) == expected


def test_device_without_volume_gets_no_limit() -> None:
    """A network player without volume control gets no volume limit."""
    info = _info("NS-6130")
    builtin = MockConfigEntry(domain="onkyo", data={CONF_HOST: "h"}, options=BUILTIN_OPTIONS)
    assert CONF_VOLUME_LIMIT not in options_from_builtin(builtin, info)


# --- the repair issue ------------------------------------------------------------


def _issue(hass: HomeAssistant, entry: MockConfigEntry) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(DOMAIN, f"builtin_integration_{entry.entry_id}")


async def _fix(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, Any]:
    """Open the issue's fix flow as the frontend does; its first step."""
    assert await async_setup_component(hass, REPAIRS, {})
    manager = hass.data[REPAIRS]["flow_manager"]
    result: dict[str, Any] = await manager.async_init(
        DOMAIN, context={"issue_id": f"builtin_integration_{entry.entry_id}"}
    )
    return result


async def _setup(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def test_repair_disables_the_builtin_entry(
    hass: HomeAssistant, config_entry: MockConfigEntry, receiver: VirtualReceiver
) -> None:
    """Both set up for one receiver: a fixable issue; its fix disables the built-in entry."""
    builtin = _builtin(receiver, title="Living room")
    builtin.add_to_hass(hass)
    await _setup(hass, config_entry)
    issue = _issue(hass, config_entry)
    assert issue is not None
    assert issue.is_fixable
    assert issue.severity is ir.IssueSeverity.WARNING
    assert issue.translation_key == "builtin_integration"
    assert issue.translation_placeholders == {"title": "Living room", "host": receiver.host}

    result = await _fix(hass, config_entry)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "confirm"
    assert result["description_placeholders"] == {"title": "Living room", "host": receiver.host}
    result = await hass.data[REPAIRS]["flow_manager"].async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert builtin.disabled_by is ConfigEntryDisabler.USER
    assert _issue(hass, config_entry) is None
    # Our entry goes on undisturbed.
    assert config_entry.state is ConfigEntryState.LOADED
    await hass.config_entries.async_unload(config_entry.entry_id)


async def test_issue_goes_when_the_builtin_entry_is_disabled_or_removed(
    hass: HomeAssistant, config_entry: MockConfigEntry, receiver: VirtualReceiver
) -> None:
    """Disabling the built-in entry (here one retrying its setup), or deleting it, ends it."""
    builtin = _builtin(receiver, state=ConfigEntryState.SETUP_RETRY)
    builtin.add_to_hass(hass)
    hass.config.components.add("onkyo")  # as set up, retrying its entry (never really)
    await _setup(hass, config_entry)
    assert _issue(hass, config_entry) is not None
    await hass.config_entries.async_set_disabled_by(builtin.entry_id, ConfigEntryDisabler.USER)
    assert _issue(hass, config_entry) is None
    await hass.config_entries.async_remove(builtin.entry_id)
    other = _builtin(receiver, unique_id="OTHER")  # at the same host
    other.add_to_hass(hass)
    await hass.config_entries.async_reload(config_entry.entry_id)
    assert _issue(hass, config_entry) is not None
    # Entries of other integrations change nothing.
    unrelated = MockConfigEntry(domain="kodi", data={CONF_HOST: receiver.host})
    unrelated.add_to_hass(hass)
    hass.config_entries.async_update_entry(unrelated, title="Kodi")
    assert _issue(hass, config_entry) is not None
    await hass.config_entries.async_remove(other.entry_id)
    assert _issue(hass, config_entry) is None
    await hass.config_entries.async_unload(config_entry.entry_id)


async def test_no_issue_for_a_disabled_builtin_entry(
    hass: HomeAssistant, config_entry: MockConfigEntry, receiver: VirtualReceiver
) -> None:
    """At setup, a built-in entry the user disabled already raises nothing."""
    _builtin(receiver, disabled_by=ConfigEntryDisabler.USER).add_to_hass(hass)
    await _setup(hass, config_entry)
    assert _issue(hass, config_entry) is None
    await hass.config_entries.async_unload(config_entry.entry_id)


async def test_issue_goes_with_our_entry(
    hass: HomeAssistant, config_entry: MockConfigEntry, receiver: VirtualReceiver
) -> None:
    """Our entry disabled, or removed: no two integrations share the receiver any more."""
    _builtin(receiver).add_to_hass(hass)
    await _setup(hass, config_entry)
    assert _issue(hass, config_entry) is not None
    await hass.config_entries.async_set_disabled_by(config_entry.entry_id, ConfigEntryDisabler.USER)
    assert _issue(hass, config_entry) is None
    await hass.config_entries.async_set_disabled_by(config_entry.entry_id, None)
    await hass.async_block_till_done()
    assert _issue(hass, config_entry) is not None
    await hass.config_entries.async_remove(config_entry.entry_id)
    assert _issue(hass, config_entry) is None


async def test_fix_when_the_builtin_entry_is_already_gone(
    hass: HomeAssistant, config_entry: MockConfigEntry, receiver: VirtualReceiver
) -> None:
    """A fix flow opened after the built-in entry went needs no confirmation."""
    builtin = _builtin(receiver)
    builtin.add_to_hass(hass)
    await _setup(hass, config_entry)
    assert _issue(hass, config_entry) is not None
    # Gone without Home Assistant saying so (as when its removal is still under way).
    hass.config_entries._entries.pop(builtin.entry_id)
    result = await _fix(hass, config_entry)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert _issue(hass, config_entry) is None
    await hass.config_entries.async_unload(config_entry.entry_id)

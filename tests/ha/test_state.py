"""The state reducer: which typed topics each message changes."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime

from custom_components.onkyo_eiscp.eiscp.const import Zone
from custom_components.onkyo_eiscp.eiscp.parser import parse
from custom_components.onkyo_eiscp.state import (
    DeviceField,
    DeviceState,
    ZoneField,
    ZoneState,
    ZoneTopic,
)

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def test_topics_name_the_state_fields() -> None:
    """Each topic is a field of the state, so a renamed field cannot go unnoticed."""
    assert {f.value for f in ZoneField} == {f.name for f in fields(ZoneState)}
    assert {f.value for f in DeviceField} <= {f.name for f in fields(DeviceState)}


def _apply(state: DeviceState, text: str) -> tuple[object, ...]:
    return state.apply(parse(text), NOW)


def test_each_message_publishes_the_fields_it_changed() -> None:
    """A change publishes its field once; the same value again publishes nothing."""
    state = DeviceState()
    assert _apply(state, "ZVL20") == (ZoneTopic(Zone.ZONE2, ZoneField.VOLUME),)
    assert _apply(state, "ZVL20") == ()
    assert _apply(state, "TFRB+2T-2") == (
        ZoneTopic(Zone.MAIN, ZoneField.BASS),
        ZoneTopic(Zone.MAIN, ZoneField.TREBLE),
    )
    assert _apply(state, "TFRT+1") == (ZoneTopic(Zone.MAIN, ZoneField.TREBLE),)
    assert (state.zones[Zone.MAIN].bass, state.zones[Zone.MAIN].treble) == (2, 1)
    assert _apply(state, "LMD0C") == (DeviceField.LISTENING_MODE,)
    assert _apply(state, "UPDFF") == (DeviceField.FIRMWARE,)
    assert _apply(state, "UPDFF") == ()
    assert _apply(state, "NTIRoses Are Red") == (DeviceField.NET,)
    assert _apply(state, "NTIRoses Are Red") == ()
    assert _apply(state, "NJA2-http://192.0.2.1/art.jpg") == (DeviceField.NET,)
    assert _apply(state, "NJAn-") == (DeviceField.NET,)
    assert _apply(state, "XYZ00") == ()

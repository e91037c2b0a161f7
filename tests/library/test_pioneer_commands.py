"""Legacy Pioneer command builders, their expected answers, and the volume scales."""

from __future__ import annotations

from hypothesis import given, strategies as st
import pytest

from custom_components.onkyo_eiscp.eiscp import messages as m
from custom_components.onkyo_eiscp.eiscp.const import Zone
from custom_components.onkyo_eiscp.eiscp.pioneer import HDZONE, ZONES, commands as c, parse
from custom_components.onkyo_eiscp.eiscp.pioneer.codes import (
    DEFAULT_INPUT_NAMES,
    INPUT_IDS,
    LISTENING_MODES,
    listening_mode_name,
)

BUILT = [
    (c.set_power(Zone.MAIN, True), "PO", "PWR"),
    (c.set_power(Zone.MAIN, False), "PF", "PWR"),
    (c.set_power(Zone.ZONE2, True), "APO", "APR"),
    (c.set_power(Zone.ZONE3, False), "BPF", "BPR"),
    (c.set_power(HDZONE, True), "ZEO", "ZEP"),
    (c.set_volume(Zone.MAIN, 185), "185VL", "VOL"),
    (c.set_volume(Zone.MAIN, 5), "005VL", "VOL"),
    (c.set_volume(Zone.ZONE2, 81), "81ZV", "ZV"),
    (c.set_volume(Zone.ZONE3, 3), "03YV", "YV"),
    (c.set_volume(HDZONE, 40), "40HZV", "XV"),
    (c.volume_up(Zone.MAIN), "VU", "VOL"),
    (c.volume_down(Zone.ZONE2), "ZD", "ZV"),
    (c.volume_up(Zone.ZONE3), "YU", "YV"),
    (c.volume_down(HDZONE), "HZD", "XV"),
    (c.set_mute(Zone.MAIN, True), "MO", "MUT"),
    (c.set_mute(Zone.ZONE2, False), "Z2MF", "Z2MUT"),
    (c.set_mute(Zone.ZONE3, True), "Z3MO", "Z3MUT"),
    (c.set_mute(HDZONE, False), "HZMF", "HZMUT"),
    (c.select_source(Zone.MAIN, "25"), "25FN", "FN"),
    (c.select_source(Zone.ZONE2, "04"), "04ZS", "Z2F"),
    (c.select_source(Zone.ZONE3, "01"), "01ZT", "Z3F"),
    (c.select_source(HDZONE, "19"), "19ZEA", "ZEA"),
    (c.select_listening_mode("0010"), "0010SR", "SR"),
    (c.set_bass(Zone.MAIN, 6), "00BA", "BA"),
    (c.set_treble(Zone.MAIN, -6), "12TR", "TR"),
    (c.set_bass(Zone.ZONE2, 0), "06ZGB", "ZGB"),
    (c.set_treble(Zone.ZONE2, 2), "04ZGC", "ZGC"),
    (c.query_power(Zone.ZONE2), "?AP", "APR"),
    (c.query_volume(HDZONE), "?HZV", "XV"),
    (c.query_mute(Zone.ZONE3), "?Z3M", "Z3MUT"),
    (c.query_source(Zone.ZONE3), "?ZT", "Z3F"),
    (c.query_bass(Zone.ZONE2), "?ZGB", "ZGB"),
    (c.query_treble(Zone.MAIN), "?TR", "TR"),
    (c.query_listening_mode(), "?S", "SR"),
    (c.query_input_name("07"), "?RGB07", "RGB07"),
    (c.query_model(), "?RGD", "RGD"),
    (c.query_mac(), "?SVB", "SVB"),
    (c.query_software_version(), "?SSI", "SSI"),
    (c.query_display(), "?FL", "FL"),
    (c.query_tuner(), "?FR", "FR"),
    (c.query_preset(), "?PR", "PR"),
    (c.recall_preset("B", 3), "B03PR", "PR"),
]


@pytest.mark.parametrize(("built", "line", "reply"), BUILT)
def test_builders_and_the_answers_they_expect(built: str, line: str, reply: str) -> None:
    """Each builder writes the protocol's line; expected_reply knows its answer."""
    assert built == line
    assert c.expected_reply(line) == reply


def test_unknown_lines_expect_nothing_and_queries_map_back() -> None:
    """Unknown commands have no known answer; reply codes map to their queries."""
    for line in ("XYZ", "12XY", "?RGBx", "", "?"):
        assert c.expected_reply(line) is None
    assert c.query_for("PWR") == "?P"
    assert c.query_for("Z2F") == "?ZS"
    assert c.query_for("XV") == "?HZV"
    assert c.query_for("NOPE") is None


@pytest.mark.parametrize(
    "build",
    [
        lambda: c.set_volume(Zone.MAIN, 186),
        lambda: c.set_volume(Zone.ZONE2, 82),
        lambda: c.set_volume(Zone.MAIN, -1),
        lambda: c.select_source(Zone.MAIN, "5"),
        lambda: c.select_source(Zone.MAIN, "AB"),
        lambda: c.select_listening_mode("10"),
        lambda: c.set_bass(Zone.MAIN, 7),
        lambda: c.set_treble(Zone.ZONE3, 0),
        lambda: c.set_bass(HDZONE, 0),
        lambda: c.query_bass(Zone.ZONE3),
        lambda: c.query_treble(HDZONE),
        lambda: c.query_input_name("123"),
        lambda: c.recall_preset("H", 1),
        lambda: c.recall_preset("A", 10),
    ],
)
def test_values_the_protocol_cannot_carry_are_refused(build: object) -> None:
    """Out-of-range values, malformed ids and zones without the control raise ValueError."""
    assert callable(build)
    with pytest.raises(ValueError):  # noqa: PT011 - each case has its own message
        build()


def test_volume_scales() -> None:
    """Main 0..185 and zones 0..81 map to 0..1 like eISCP volumes; dB as the receiver shows."""
    main, zone = c.volume_scale(Zone.MAIN), c.volume_scale(Zone.ZONE2)
    assert (main.max_raw, zone.max_raw) == (185, 81)
    assert main.to_level(185) == 1.0
    assert main.to_raw(0.5) == 92
    assert zone.to_raw(1.0) == 81
    assert zone.to_level(0) == 0.0
    assert c.volume_db(Zone.MAIN, 185) == 12.0
    assert c.volume_db(Zone.MAIN, 161) == 0.0
    assert c.volume_db(Zone.MAIN, 1) == -80.0
    assert c.volume_db(Zone.ZONE3, 81) == 0.0
    assert c.volume_db(HDZONE, 1) == -80.0
    assert c.volume_db(Zone.MAIN, 0) is None


@given(st.sampled_from(ZONES), st.floats(0.0, 1.0))
def test_volume_round_trip_through_the_receiver_line(zone: Zone, level: float) -> None:
    """A 0..1 level becomes a command the receiver echoes, which reads back within a step."""
    scale = c.volume_scale(zone)
    command = c.set_volume(zone, scale.to_raw(level))
    digits = command[: -len(command.lstrip("0123456789"))] if command[0].isdigit() else ""
    reply = parse(f"{c.expected_reply(command)}{digits}")
    assert isinstance(reply, m.Volume)
    assert reply.zone is zone
    assert abs(scale.to_level(reply.level) - level) <= 0.5 / scale.max_raw + 1e-9


def test_code_tables() -> None:
    """Listening modes and default input names, and the ids ?RGB asks about."""
    assert listening_mode_name("0010") == "STANDARD"
    assert listening_mode_name("9999") is None
    assert all(len(code) == 4 and code.isdigit() for code in LISTENING_MODES)
    assert DEFAULT_INPUT_NAMES["25"] == "BD"
    assert (INPUT_IDS[0], INPUT_IDS[-1], len(INPUT_IDS)) == ("00", "60", 61)
    assert all(c.query_input_name(number) for number in INPUT_IDS)

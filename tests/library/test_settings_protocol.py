"""Settings, per-zone tuner codes and speaker layout: parsing, building, what NRI says."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from custom_components.onkyo_eiscp.eiscp import commands as cmd, messages as m
from custom_components.onkyo_eiscp.eiscp.capabilities import Capabilities
from custom_components.onkyo_eiscp.eiscp.const import Zone
from custom_components.onkyo_eiscp.eiscp.nri import parse_nri
from custom_components.onkyo_eiscp.eiscp.parser import parse
from custom_components.onkyo_eiscp.eiscp.settings import (
    CHANNELS,
    SETTING_ZONES,
    channel_mutes,
    layout_channels,
)

PROFILES = Path(__file__).parents[2] / "virtual_receiver/profiles"


def test_settings_parse_as_sent() -> None:
    """Each setting code parses to its value; N/A stays NotAvailable."""
    assert parse("SLP5A") == m.Setting(code="SLP", raw="5A", value="5A")
    assert parse("TPDF 77C 25") == m.Setting(code="TPD", raw="F 77C 25", value="F 77C 25")
    assert isinstance(parse("LTNN/A"), m.NotAvailable)
    assert isinstance(parse("SLP"), m.RawMessage)  # no value: not a setting reply


@pytest.mark.parametrize(
    ("text", "shown"),
    [("FLD4E4554", "NET"), ("FLDHello Radio", "Hello Radio"), ("FLD", "")],
)
def test_front_display_hex_or_text(text: str, shown: str) -> None:
    """Most devices send the display as hex bytes; the spec says UTF-8 text."""
    message = parse(text)
    assert isinstance(message, m.Setting)
    assert message.value == shown


def test_tuner_codes_per_zone() -> None:
    """PRZ/PR3/PR4 and TUZ/TU3/TU4 carry their zone."""
    assert parse("PR30A") == m.Preset(code="PR3", raw="0A", number=10, zone=Zone.ZONE3)
    assert parse("TU401008") == m.Tuner(code="TU4", raw="01008", frequency="01008", zone=Zone.ZONE4)
    assert parse("DSNBBC Radio 4") == m.DabStation(
        code="DSN", raw="BBC Radio 4", name="BBC Radio 4"
    )


def test_builders() -> None:
    """Presets, tuning and zone 2's listening mode go to the zone's own command."""
    assert cmd.recall_preset(40, Zone.ZONE4) == "PR428"
    assert cmd.tune(Zone.ZONE3, "fm", 87.5) == "TU308750"
    assert cmd.tune(Zone.MAIN, "AM", 531) == "TUN00531"
    assert cmd.select_zone_listening_mode(Zone.ZONE2, "0f") == "LMZ0F"
    assert cmd.set_setting("CMT", "01" * 13) == "CMT" + "01" * 13


@pytest.mark.parametrize(
    "build",
    [
        lambda: cmd.tune(Zone.MAIN, "FM", 120.0),
        lambda: cmd.tune(Zone.MAIN, "AM", 100),
        lambda: cmd.tune(Zone.MAIN, "AM", 999.5),
        lambda: cmd.tune(Zone.MAIN, "DAB", 1),
        lambda: cmd.select_zone_listening_mode(Zone.ZONE3, "00"),
        lambda: cmd.select_zone_listening_mode(Zone.ZONE2, "XYZ"),
        lambda: cmd.set_setting("SL", "00"),
        lambda: cmd.set_setting("SLP", ""),
        lambda: cmd.set_setting("SLP", "0\r1"),
    ],
)
def test_builders_refuse(build: Callable[[], str]) -> None:
    """What the protocol cannot carry is a ValueError (the caller's mistake)."""
    with pytest.raises(ValueError, match=r"."):
        build()


def test_speaker_layout() -> None:
    """SPI's digits say which speaker groups exist; CMT reads two characters a channel."""
    assert layout_channels("2222222 80110") == CHANNELS
    assert layout_channels("0200000 80000") == ("front_left", "front_right")
    assert layout_channels("12") is None
    assert layout_channels("abcdefg") is None
    assert channel_mutes("0100") == {"front_left": True, "front_right": False}


def test_nri_trusted_and_never_asked() -> None:
    """Where NRI has a control for a setting, its word stands; the rest are asked."""
    info = parse_nri((PROFILES / "TX-NR686.xml").read_text(encoding="utf-8"))
    capabilities = Capabilities.from_info(info)
    assert "MOT" in capabilities.settings  # Music Optimizer value="1"
    assert "PMB" not in capabilities.settings + capabilities.settings_to_ask  # value="0"
    assert "SLP" in capabilities.settings_to_ask
    assert set(capabilities.settings + capabilities.settings_to_ask) <= set(SETTING_ZONES)
    # A network player is asked nothing.
    player = Capabilities.from_info(parse_nri((PROFILES / "NS-6130.xml").read_text("utf-8")))
    assert (player.settings, player.settings_to_ask) == ((), ())


def test_zone_tuner_inputs() -> None:
    """Zones with a tuner input have presets of their own."""
    info = parse_nri((PROFILES / "TX-NR686.xml").read_text(encoding="utf-8"))
    capabilities = Capabilities.from_info(info)
    assert [z.tuner for z in capabilities.zones] == [True, True]


def test_audio_and_video_later_fields() -> None:
    """IFA's and IFV's later fields, empty when an older device does not send them."""
    old = parse("IFAHDMI 1,PCM,48 kHz,2.0 ch,Stereo,2.1 ch,")
    assert isinstance(old, m.AudioInfo)
    assert (old.output_sample_rate, old.pqls, old.upmix_mode) == ("", "", "")
    video = parse("IFVHDMI 1,4K,RGB,24bit,HDMI Main,4K,RGB,24bit,Standard,HLG,")
    assert isinstance(video, m.VideoInfo)
    assert video.input_hdr == "HLG"

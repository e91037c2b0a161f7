"""Capabilities: what each of the 38 real devices has, derived once from its NRI."""

from __future__ import annotations

from pathlib import Path
import re

import pytest

from custom_components.onkyo_eiscp.eiscp import Capabilities
from custom_components.onkyo_eiscp.eiscp.codes import (
    NET_SELECTORS,
    listening_modes_for,
    spec_listening_modes,
)
from custom_components.onkyo_eiscp.eiscp.const import MUTE, POWER, SOURCE, TONE, VOLUME, Zone
from custom_components.onkyo_eiscp.eiscp.nri import DeviceInfo, parse_nri
from custom_components.onkyo_eiscp.eiscp.volume import VolumeScale

# The shared NRI corpus, as the repository bundles it.
CORPUS = sorted((Path(__file__).parents[2] / "virtual_receiver" / "profiles").glob("*.xml"))

_MAIN_EXTRAS = ("LMD", "CTL", "SWL", "HDO", "DIM", "IFA", "IFV")


def _load(path: Path) -> tuple[DeviceInfo, Capabilities]:
    info = parse_nri(path.read_text(encoding="utf-8"))
    return info, Capabilities.from_info(info)


def test_corpus_is_complete() -> None:
    """Every device of the shared corpus is checked."""
    assert len(CORPUS) == 38


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_zones(path: Path) -> None:
    """Enabled zones, main first; volume, tone and inputs each as NRI gives them."""
    info, caps = _load(path)
    assert [z.zone for z in caps.zones] == [z.zone for z in info.enabled_zones]
    assert caps.zones[0].zone is Zone.MAIN
    for zone in caps.zones:
        assert caps.zone(zone.zone) is zone
        if zone.zone is Zone.MAIN and info.flag("NoVolume"):
            assert zone.volume == VolumeScale(0)
        else:
            assert zone.volume == VolumeScale.from_zone(info.zone(zone.zone))
        if zone.zone in TONE:
            assert zone.bass == info.ranges.get(("Bass", zone.zone))
            assert zone.treble == info.ranges.get(("Treble", zone.zone))
        else:  # no tone command for the zone: no tone, whatever NRI lists
            assert zone.bass is zone.treble is None
        assert all(s.enabled and s.in_zone(zone.zone) for s in zone.selectors)
    disabled = [z.zone for z in info.zones if not z.enabled]
    assert all(caps.zone(zone) is None for zone in disabled)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_queries_ask_only_for_what_the_device_has(path: Path) -> None:
    """A zone is asked its input, volume and tone only where it has them; extras likewise."""
    info, caps = _load(path)
    for zone in caps.zones:
        codes = zone.queries
        assert len(codes) == len(set(codes))
        assert (SOURCE[zone.zone] in codes) == (bool(info.selectors) or zone.zone is Zone.MAIN)
        has_volume = zone.volume.has_volume
        assert (VOLUME[zone.zone] in codes) == (MUTE[zone.zone] in codes) == has_volume
        tone = zone.bass is not None or zone.treble is not None
        assert (TONE.get(zone.zone) in codes) == tone
        extras = [code for code in codes if code in _MAIN_EXTRAS]
        if zone.zone is not Zone.MAIN:
            assert extras == []
    main = caps.zones[0].queries
    assert ("LMD" in main) == bool(caps.listening_modes)
    assert ("CTL" in main) == (caps.center_level is not None)
    assert ("SWL" in main) == (caps.subwoofer_level is not None)
    assert ("HDO" in main) == caps.hdmi_output
    assert ("DIM" in main) == caps.dimmer
    assert ("IFA" in main) == caps.audio_info
    assert ("IFV" in main) == caps.video_info


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_connect_queries(path: Path) -> None:
    """On connect: every zone's power, then the main zone's state, the player's, UPD."""
    _, caps = _load(path)
    codes = caps.connect_queries
    powers = [POWER[z.zone] for z in caps.zones]
    assert list(codes[: len(powers)]) == powers
    assert len(codes) == len(set(codes))
    assert set(caps.zones[0].queries) <= set(codes)
    assert ("NST" in codes) == ("NJA" in codes) == caps.net
    assert ("UPD" in codes) == caps.network_update
    assert all(len(code) == 3 and code.isalnum() for code in codes)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_device_features(path: Path) -> None:
    """Listening modes, network player, signal information and firmware update."""
    info, caps = _load(path)
    buttons = [button.code for button in info.listening_mode_buttons if button.enabled]
    if not buttons:
        expected: tuple[str, ...] = ()
    elif spec_listening_modes(info.model) is None and all(
        re.fullmatch("[0-9A-F]{2}", code) for code in buttons
    ):
        expected = tuple(buttons)  # a stereo receiver the spec lacks lists its own modes
    else:
        expected = listening_modes_for(info.model)
    assert caps.listening_modes == expected
    assert caps.net == (
        bool(info.net_services) or any(s.id in NET_SELECTORS for s in info.selectors)
    )
    assert caps.has_inputs == bool(info.selectors)
    receiver = bool(info.selectors) and not info.flag("NoVolume")
    assert caps.audio_info == (receiver and not info.flag("NoAudioInfo"))
    assert caps.video_info == (receiver and not info.flag("NoVideoInfo"))
    assert caps.network_update == (info.functions.get("NetUpdate", "1") != "0")
    assert caps.seek_hours == info.flag("time_hhmmss")


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        (  # a network player: no volume, no modes, no signal information
            "NS-6130",
            "PWR SLI DIM NJA NST UPD",
        ),
        (  # a receiver with a second zone that has its own volume but no tone
            "TX-NR686",
            "PWR ZPW SLI MVL AMT TFR LMD CTL SWL DIM IFA IFV NJA NST UPD",
        ),
        (  # three zones with tone, and an HDMI output select
            "TX-RZ70",
            "PWR ZPW PW3 SLI MVL AMT TFR LMD CTL HDO DIM IFA IFV NJA NST UPD",
        ),
        (  # no firmware update over the network
            "TX-8150",
            "PWR SLI MVL AMT TFR LMD IFA NJA NST",
        ),
    ],
)
def test_known_devices(model: str, expected: str) -> None:
    """What a few well-known devices are asked on connect."""
    path = next(p for p in CORPUS if p.stem == model)
    _, caps = _load(path)
    assert " ".join(caps.connect_queries) == expected


def test_zone2_queries_and_scale() -> None:
    """TX-NR686: zone 2 has a volume in 0.5 dB steps (0..82) and no tone."""
    _, caps = _load(next(p for p in CORPUS if p.stem == "TX-NR686"))
    zone2 = caps.zone(Zone.ZONE2)
    assert zone2 is not None
    assert zone2.volume == VolumeScale(82)
    assert zone2.queries == ("SLZ", "ZVL", "ZMT")
    assert caps.zone(Zone.ZONE3) is None


def test_without_receiver_information() -> None:
    """An empty document: the main zone with the default volume range, nothing else."""
    caps = Capabilities.from_info(parse_nri("<response><device id='X'/></response>"))
    assert [z.zone for z in caps.zones] == [Zone.MAIN]
    assert caps.zones[0].volume == VolumeScale(0x64)
    assert caps.connect_queries == ("PWR", "SLI", "MVL", "AMT", "UPD")
    assert (caps.net, caps.audio_info, caps.listening_modes) == (False, False, ())

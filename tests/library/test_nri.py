"""Receiver information: every real NRI in the corpus, and hostile documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from custom_components.onkyo_eiscp.eiscp.const import Zone
from custom_components.onkyo_eiscp.eiscp.errors import NRIError
from custom_components.onkyo_eiscp.eiscp.nri import MAX_NRI_SIZE, ControlRange, parse_nri
from custom_components.onkyo_eiscp.eiscp.volume import VolumeScale
from virtual_receiver import PROFILES_DIR

CORPUS = sorted(PROFILES_DIR.glob("*.xml"))
# A DOCTYPE in UTF-16: its NULs would hide it from a plain-text check.
UTF16_DOCTYPE = (
    ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r [<!ENTITY a "b">]><r>&a;</r>')
    .encode("utf-16")
    .decode("latin-1")
)


def test_corpus_is_complete() -> None:
    """All 38 devices of the shared corpus are bundled."""
    assert len(CORPUS) == 38


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_every_device_parses(path: Path) -> None:
    """Every real NRI parses into a sensible model, as text and as bytes."""
    info = parse_nri(path.read_text(encoding="utf-8"))
    assert info == parse_nri(path.read_bytes())
    assert info.model
    assert info.brand
    main = info.zone(Zone.MAIN)
    assert main is not None
    assert main.enabled
    assert info.enabled_zones[0].zone is Zone.MAIN
    for zone in info.zones:
        scale = VolumeScale.from_zone(zone)
        assert scale.has_volume == (zone.volmax > 0)
    for selector in info.selectors:
        assert len(selector.id) == 2
        assert selector.id == selector.id.upper()
    for value in info.ranges.values():
        assert value.min <= value.max
        assert value.step > 0


def test_network_player() -> None:
    """The NS-6130 (the seed's device): no volume, linked art, hh:mm:ss times."""
    info = parse_nri((PROFILES_DIR / "NS-6130.xml").read_text())
    assert info.model == "NS-6130"
    assert info.flag("NoVolume")
    assert info.flag("NJAREQ")
    assert info.flag("time_hhmmss")
    assert not info.flag("Unheard Of")
    assert [z.zone for z in info.enabled_zones] == [Zone.MAIN]
    assert not any(b.enabled for b in info.listening_mode_buttons)
    assert info.functions["NetUpdate"] == "1"
    assert info.identifier == ""


def test_multi_zone_receiver() -> None:
    """The TX-RZ630: three zones, zone-masked selectors, tone ranges per zone."""
    info = parse_nri((PROFILES_DIR / "TX-RZ630.xml").read_text())
    assert [z.zone for z in info.enabled_zones] == [Zone.MAIN, Zone.ZONE2, Zone.ZONE3]
    pc = next(s for s in info.selectors if s.name == "PC")
    assert pc.in_zone(Zone.MAIN)
    assert ("Bass", Zone.MAIN) in info.ranges
    assert any(b.enabled and b.code for b in info.listening_mode_buttons)


def test_half_db_steps_and_zone_masks() -> None:
    """A control's zone is a bitmask; step 0 means 0.5 dB steps."""
    xml = """<response status="ok"><device id="X-1"><model>X-1</model>
      <zonelist><zone id="1" value="1" volmax="80" volstep="0"/><zone id="9" value="1"/>
      <zone id="2" value="0" name="Zone2" volmax="0" volstep="0"/></zonelist>
      <selectorlist><selector id="2b" value="1" name="NET" zone="0f"/>
        <selector id="zz" value="1" name="bad"/></selectorlist>
      <netservicelist><netservice id="0e" value="1" name="TuneIn" zone="03"/></netservicelist>
      <presetlist><preset id="0a" band="1" freq="89.90" name=" Jazz "/></presetlist>
      <controllist>
        <control id="Center Level" value="1" zone="1" min="-12" max="12" step="0"/>
        <control id="Bass" value="1" zone="7" min="-10" max="10" step="2"/>
        <control id="Treble" value="0" zone="1" min="-10" max="10" step="1"/>
        <control id="LMD Music" value="1" code="MUSIC"/>
      </controllist>
      <macaddress>00:09:b0:12:34:56</macaddress><deviceserial>SER1</deviceserial>
    </device></response>"""
    info = parse_nri(xml)
    assert info.ranges[("Center Level", Zone.MAIN)] == ControlRange(min=-12, max=12, step=0.5)
    assert {zone for (name, zone) in info.ranges if name == "Bass"} == {
        Zone.MAIN, Zone.ZONE2, Zone.ZONE3,
    }  # fmt: skip
    assert ("Treble", Zone.MAIN) not in info.ranges
    assert VolumeScale.from_zone(info.zone(Zone.MAIN)).max_raw == 160
    assert [s.id for s in info.selectors] == ["2B"]
    assert info.selectors[0].in_zone(Zone.ZONE4)
    assert info.net_services[0].id == "0E"
    assert (info.presets[0].number, info.presets[0].name) == (10, "Jazz")
    assert info.mac == "0009B0123456"
    assert info.identifier == "0009B0123456"
    assert info.zone(Zone.ZONE2) is not None
    assert info.zone(Zone.ZONE4) is None
    assert [z.zone for z in info.enabled_zones] == [Zone.MAIN]


def test_minimal_document_gets_defaults() -> None:
    """A bare <device> gets a main zone and empty lists; a device id stands for the model."""
    info = parse_nri('<?xml version="1.0"?><response><device id="TX-9"/></response>')
    assert info.model == "TX-9"
    assert [z.zone for z in info.zones] == [Zone.MAIN]
    assert VolumeScale.from_zone(info.zone(Zone.MAIN)).max_raw == 0x64
    assert info.selectors == ()
    assert info.mac == ""
    bare = parse_nri("<device><model>M</model><macaddress>nonsense</macaddress></device>")
    assert bare.model == "M"
    assert bare.mac == ""


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            '<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><response>&lol2;</response>',
            "DOCTYPE",
        ),
        ('<!DOCTYPE r SYSTEM "http://example.invalid/x.dtd"><response/>', "DOCTYPE"),
        ("<response><!ENTITY x 'y'></response>", "DOCTYPE"),
        ("<response><device>", "not well-formed"),
        ("", "not well-formed"),
        ("<response><other/></response>", "no <device>"),
        ("<response>" + " " * (MAX_NRI_SIZE + 1) + "</response>", "limit"),
        (UTF16_DOCTYPE, "NUL"),
    ],
)
def test_hostile_and_broken_documents_are_refused(document: str, message: str) -> None:
    """Entity expansion, external entities, malformed, empty and oversize: a clear error."""
    with pytest.raises(NRIError, match=message):
        parse_nri(document)


def test_bluetooth_input_marked_2_is_enabled() -> None:
    """2019+ models mark their real BLUETOOTH input value="2"; only "0" means disabled."""
    info = parse_nri((PROFILES_DIR / "TX-NR696.xml").read_text())
    bluetooth = next(s for s in info.selectors if s.id == "2E")
    assert bluetooth.enabled


def test_byte_order_mark_is_accepted() -> None:
    """A UTF-8 BOM in front of the document is fine."""
    assert parse_nri(b"\xef\xbb\xbf<response><device id='A-1'/></response>").model == "A-1"

"""The virtual receiver's own framing, NRI reading, art packets and fault payloads.

Where the integration has the same part, the two independent implementations are checked
against each other: each side reads what the other writes.
"""

from __future__ import annotations

import pytest

from custom_components.onkyo_eiscp.eiscp import messages as m
from custom_components.onkyo_eiscp.eiscp.art import ArtAssembler, ArtImage
from custom_components.onkyo_eiscp.eiscp.errors import NRIError
from custom_components.onkyo_eiscp.eiscp.frame import FrameDecoder, encode
from custom_components.onkyo_eiscp.eiscp.nri import parse_nri
from custom_components.onkyo_eiscp.eiscp.parser import parse
from custom_components.onkyo_eiscp.eiscp.volume import VolumeScale
from virtual_receiver import PROFILES_DIR, available_profiles
from virtual_receiver.art import BMP, JPEG, bmp, nja_packets
from virtual_receiver.faults import Faults, entity_bomb, impossible_size
from virtual_receiver.framing import DEVICE_END, DISCOVERY_END, Decoder, frame, header
from virtual_receiver.nri import DEFAULT_VOLUME_MAX, read_profile
from virtual_receiver.zones import ZONES, Zone, command


def test_frame_is_what_the_spec_shows() -> None:
    """Header: ISCP, size 16, data size, version 1; data: !1, message, EOF CR LF."""
    packet = frame("PWR00")
    assert packet == b"ISCP\x00\x00\x00\x10\x00\x00\x00\x0a\x01\x00\x00\x00!1PWR00\x1a\r\n"
    assert frame("ECNX/1/DX/0", end=DISCOVERY_END).endswith(b"\x19\r\n")
    assert DEVICE_END == b"\x1a\r\n"
    assert FrameDecoder().feed(packet) == ["!1PWR00"]  # the integration reads it


def test_decoder_reads_what_clients_send() -> None:
    """Any ending, any chunking, garbage before and between packets."""
    decoder = Decoder()
    data = b"junk" + encode("PWRQSTN") + b"\x00\xff" + encode("MVL20", terminator=b"\r\n")
    assert [m for byte in data for m in decoder.feed(bytes([byte]))] == ["PWRQSTN", "MVL20"]
    assert decoder.feed(encode("!xECNQSTN")) == ["ECNQSTN"]
    assert decoder.feed(header(0) + header(3) + b"\r\r\r") == []  # empty messages


@pytest.mark.parametrize(
    "lie",
    [impossible_size(), header(5, header_size=8), header(5, header_size=0x7FFF_FFFF)],
    ids=["data size", "header too short", "header too long"],
)
def test_decoder_resynchronises_after_an_impossible_header(lie: bytes) -> None:
    """A header that declares an impossible size is skipped; the next packet is read."""
    decoder = Decoder()
    assert decoder.feed(lie + encode("PWR01")) == ["PWR01"]
    assert decoder.feed(b"ISC") == []
    assert decoder.feed(encode("AMT01")[3:]) == ["AMT01"]


@pytest.mark.parametrize("name", available_profiles())
def test_every_profile_reads_as_the_integration_reads_it(name: str) -> None:
    """Both readers agree on each profile's zones, volume scale, inputs and services."""
    xml = (PROFILES_DIR / f"{name}.xml").read_text(encoding="utf-8")
    ours, theirs = read_profile(xml), parse_nri(xml)
    assert (ours.model, ours.brand, ours.mac) == (theirs.model, theirs.brand, theirs.mac)
    assert [z.zone.value for z in ours.enabled_zones] == [
        z.zone.value for z in theirs.enabled_zones
    ]
    for zone in ZONES:
        scale = VolumeScale.from_zone(theirs.zone(m.Zone(zone.value)))
        expected = 0 if zone is Zone.MAIN and theirs.flag("NoVolume") else scale.max_raw
        assert ours.max_volume(zone) == expected
    assert [s.id for s in ours.selectors] == [s.id for s in theirs.selectors]
    assert ours.net_services == tuple(s.id for s in theirs.net_services)
    assert ours.presets == tuple(p.number for p in theirs.presets)
    assert ours.listening_mode_buttons == len(theirs.listening_mode_buttons)


def test_profile_defaults_and_refusals() -> None:
    """A bare device: main zone at the default scale; half-dB zones double; bad documents."""
    bare = read_profile('<response><device id="X-1"/></response>')
    assert bare.model == "X-1"
    assert [z.zone for z in bare.zones] == [Zone.MAIN]
    assert bare.max_volume(Zone.MAIN) == DEFAULT_VOLUME_MAX
    assert bare.max_volume(Zone.ZONE2) == DEFAULT_VOLUME_MAX  # not listed: the default
    half = read_profile(
        '<device><zonelist><zone id="1" value="1" volmax="80" volstep="0"/>'
        '<zone id="2" value="0" volmax="x" volstep="1"/><zone id="9" value="1"/></zonelist>'
        '<selectorlist><selector id="zz"/><selector id="2b" zone="x"/></selectorlist></device>'
    )
    assert half.max_volume(Zone.MAIN) == 160
    assert half.max_volume(Zone.ZONE2) == 0
    assert [z.zone for z in half.enabled_zones] == [Zone.MAIN]
    assert [(s.id, s.in_zone(Zone.MAIN)) for s in half.selectors] == [("2B", True)]
    with pytest.raises(ValueError, match="no <device>"):
        read_profile("<response/>")
    with pytest.raises(ValueError, match="declarations"):
        read_profile(entity_bomb())
    with pytest.raises(NRIError):
        parse_nri(entity_bomb())  # the integration refuses it too


@pytest.mark.parametrize(
    ("image", "image_type", "content_type"),
    [
        (bmp((1, 2, 3)), BMP, "image/bmp"),
        (b"\xff\xd8" + bytes(range(256)) * 9, JPEG, "image/jpeg"),
        (b"\xff\xd8\xff\xd9", JPEG, "image/jpeg"),  # fits one packet: start, then an empty end
    ],
)
def test_art_packets_are_read_by_the_integration(
    image: bytes, image_type: str, content_type: str
) -> None:
    """NJA packets: start, nexts, end, at most 1024 hex letters each, joined back."""
    packets = nja_packets(image, image_type)
    assert all(len(p) <= 3 + 2 + 1024 for p in packets)
    assert [p[4] for p in packets] == ["0", *["1"] * (len(packets) - 2), "2"]
    assembler, images = ArtAssembler(), []
    for packet in packets:
        message = parse(packet)
        assert isinstance(message, m.AlbumArt)
        images.append(assembler.feed(message))
    assert images[-1] == ArtImage(image, content_type)
    assert images[:-1] == [None] * (len(packets) - 1)


def test_art_packets_refuse_other_types() -> None:
    """Only BMP and JPEG are streamed; an empty image is a start and an end packet."""
    with pytest.raises(ValueError, match="BMP"):
        nja_packets(b"x", "2")
    assert nja_packets(b"") == ["NJA00", "NJA02"]


def test_faults() -> None:
    """The client limit admits up to its number; the impossible header declares 2 GiB."""
    assert Faults().admits(1000)
    assert Faults(max_clients=1).admits(0)
    assert not Faults(max_clients=1).admits(1)
    assert impossible_size()[8:12] == b"\x7f\xff\xff\xff"


def test_zone_commands() -> None:
    """Per-zone codes; zone 4 has no tone control."""
    assert command("volume", Zone.ZONE3) == "VL3"
    assert command("tone", Zone.ZONE4) is None
    assert Zone.ZONE4.number == 4

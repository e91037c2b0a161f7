"""Streamed album art: NJA hex packets joined into images; broken streams dropped."""

from __future__ import annotations

from hypothesis import given, strategies as st
import pytest

from custom_components.onkyo_eiscp.eiscp.art import ArtAssembler, ArtImage, art_packets
from custom_components.onkyo_eiscp.eiscp.messages import AlbumArt, ArtType
from custom_components.onkyo_eiscp.eiscp.parser import parse

JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 10 + b"\xff\xd9"
BMP = b"BM" + bytes(3000)


def _feed(assembler: ArtAssembler, texts: list[str]) -> list[ArtImage]:
    """Parse each NJA message as the client would and feed it; the images that came out."""
    images = []
    for text in texts:
        message = parse(text)
        assert isinstance(message, AlbumArt)
        if (image := assembler.feed(message)) is not None:
            images.append(image)
    return images


@pytest.mark.parametrize(
    ("data", "image_type", "content_type"),
    [(JPEG, ArtType.JPEG, "image/jpeg"), (BMP, ArtType.BMP, "image/bmp")],
)
def test_packets_join_into_the_image(data: bytes, image_type: ArtType, content_type: str) -> None:
    """Start, next..., end: one image, only at the end."""
    packets = art_packets(data, image_type)
    assert len(packets) > 3
    assert all(len(p) <= 3 + 2 + 1024 for p in packets)
    assembler = ArtAssembler()
    assert _feed(assembler, packets[:-1]) == []
    assert _feed(assembler, packets[-1:]) == [ArtImage(data, content_type)]


@given(
    body=st.binary(max_size=3000),
    chunk=st.integers(min_value=1, max_value=512).map(lambda n: n * 2),
    jpeg=st.booleans(),
)
def test_any_image_in_any_packet_size_round_trips(body: bytes, chunk: int, jpeg: bool) -> None:
    """Whatever the image and the packet size, the same bytes come out once."""
    image_type, magic = (ArtType.JPEG, b"\xff\xd8") if jpeg else (ArtType.BMP, b"BM")
    data = magic + body
    images = _feed(ArtAssembler(), art_packets(data, image_type, chunk))
    assert [image.data for image in images] == [data]


def test_a_small_image_in_one_packet() -> None:
    """A start packet with everything and an empty end packet."""
    packets = art_packets(JPEG[:100], ArtType.JPEG)
    assert len(packets) == 2
    assert packets[1] == "NJA12"
    assert _feed(ArtAssembler(), packets)[0].data == JPEG[:100]


def test_joining_mid_image_waits_for_the_next_start() -> None:
    """Packets before a start (connected mid-image) are ignored; the next image is whole."""
    first, second = art_packets(JPEG, ArtType.JPEG), art_packets(BMP, ArtType.BMP)
    images = _feed(ArtAssembler(), first[2:] + second)
    assert [image.content_type for image in images] == ["image/bmp"]


def test_a_new_start_discards_the_partial_image() -> None:
    """A start in the middle begins again: only the complete image comes out."""
    first, second = art_packets(BMP, ArtType.BMP), art_packets(JPEG, ArtType.JPEG)
    assert _feed(ArtAssembler(), first[:3] + second) == [ArtImage(JPEG, "image/jpeg")]


@pytest.mark.parametrize(
    ("texts", "reason"),
    [
        (["NJA00424D", "NJA11FFD8", "NJA02"], "type changed"),
        (["NJA10FFD8", "NJA12ZZ"], "not hexadecimal"),
        (["NJA10FFD", "NJA12"], "not hexadecimal"),  # an odd number of hex letters
        (["NJA10424D", "NJA12"], "not a JPEG image"),
        (["NJA00FFD8", "NJA02"], "not a BMP image"),
        (["NJA10FFD8" + "00" * 300, "NJA11" + "00" * 300], "larger than 512 bytes"),
    ],
)
def test_broken_streams_are_dropped_with_a_warning(
    texts: list[str], reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Nothing comes out, a warning says why, and the next image still works."""
    assembler = ArtAssembler(max_bytes=512)
    assert _feed(assembler, texts) == []
    assert "Dropped streamed album art" in caplog.text
    assert reason in caplog.text
    assert _feed(assembler, art_packets(JPEG[:200], ArtType.JPEG)) == [
        ArtImage(JPEG[:200], "image/jpeg")
    ]


def test_a_link_or_no_image_ends_a_stream_in_progress() -> None:
    """URL and "no image" messages discard a partial image; so does reset()."""
    packets = art_packets(JPEG, ArtType.JPEG)
    assembler = ArtAssembler()
    assert _feed(assembler, [*packets[:2], "NJA2-http://x/art.jpg", *packets[2:]]) == []
    assert _feed(assembler, [*packets[:2], "NJAn-", *packets[2:]]) == []
    _feed(assembler, packets[:2])
    assembler.reset()
    assert _feed(assembler, packets[2:]) == []

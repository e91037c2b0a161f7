"""Typed messages: every parser with real examples, every builder, every bad input."""

from __future__ import annotations

import logging

import pytest

from custom_components.onkyo_eiscp.eiscp import commands as c, messages as m
from custom_components.onkyo_eiscp.eiscp.const import Zone
from custom_components.onkyo_eiscp.eiscp.parser import parse


def test_seed_list_title_example() -> None:
    """The seed's NLT example decodes field by field."""
    msg = parse("!1NLT0E01000000090100FF0E00TuneIn Radio")
    assert isinstance(msg, m.ListTitle)
    assert msg.service == "0E"
    assert msg.service_name == "TuneIn Radio"
    assert msg.ui is m.ListUI.LIST
    assert msg.layer is m.ListLayer.SERVICE_TOP
    assert (msg.cursor, msg.items, msg.layers) == (0, 9, 1)
    assert msg.title == "TuneIn Radio"


def test_seed_usb_list_title() -> None:
    """The seed log's USB list title: rear USB, under the second layer, 11 items, 6 layers."""
    msg = parse("NLTF1020000000B060002FF00Aquarium (1997)")
    assert isinstance(msg, m.ListTitle)
    assert (msg.service, msg.ui, msg.layer) == ("F1", m.ListUI.LIST, m.ListLayer.UNDER_2ND_LAYER)
    assert (msg.items, msg.layers, msg.left_icon, msg.right_icon) == (11, 6, "02", "FF")
    assert msg.title == "Aquarium (1997)"
    assert parse("NLTZZ").code == "NLT"
    assert isinstance(parse("NLTZZ"), m.RawMessage)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("!1PWR01", m.Power(code="PWR", raw="01", zone=Zone.MAIN, on=True)),
        ("ZPW00", m.Power(code="ZPW", raw="00", zone=Zone.ZONE2, on=False)),
        ("MVL2a", m.Volume(code="MVL", raw="2a", zone=Zone.MAIN, level=42)),
        ("VL314", m.Volume(code="VL3", raw="14", zone=Zone.ZONE3, level=20)),
        ("MT401", m.Mute(code="MT4", raw="01", zone=Zone.ZONE4, muted=True)),
        ("SLI2b", m.Source(code="SLI", raw="2b", zone=Zone.MAIN, selector="2B")),
        ("TFRB+2T-A", m.Tone(code="TFR", raw="B+2T-A", zone=Zone.MAIN, bass=2, treble=-10)),
        ("ZTNB00", m.Tone(code="ZTN", raw="B00", zone=Zone.ZONE2, bass=0, treble=None)),
        ("LMD0C", m.ListeningMode(code="LMD", raw="0C", mode="0C")),
        ("HDO02", m.HdmiOutput(code="HDO", raw="02", output="02")),
        ("DIM03", m.Dimmer(code="DIM", raw="03", level="03")),
        ("CTL-C", m.CenterLevel(code="CTL", raw="-C", steps=-12, digits=2)),
        ("CTL+03", m.CenterLevel(code="CTL", raw="+03", steps=3, digits=3)),
        ("SWL-1E", m.SubwooferLevel(code="SWL", raw="-1E", steps=-30, digits=3)),
        ("PRS0A", m.Preset(code="PRS", raw="0A", number=10)),
        ("TUN08750", m.Tuner(code="TUN", raw="08750", frequency="08750")),
        ("NTIRoses Are Red", m.Title(code="NTI", raw="Roses Are Red", text="Roses Are Red")),
        ("NATAqua", m.Artist(code="NAT", raw="Aqua", text="Aqua")),
        ("NAL", m.Album(code="NAL", raw="", text="")),
        ("NRI<x/>", m.ReceiverInfo(code="NRI", raw="<x/>", xml="<x/>")),
        ("MVLN/A", m.NotAvailable(code="MVL", raw="N/A")),
        ("XYZ123", m.RawMessage(code="XYZ", raw="123")),
    ],
)
def test_parse(text: str, expected: m.Message) -> None:
    """Real messages parse to their typed values."""
    assert parse(text) == expected


@pytest.mark.parametrize(
    "text",
    ["PWR02", "MVLZZ", "AMTx", "SLI2", "TFRQ", "TFR", "LMDXYZ", "CTL++", "PRSGG", "TUNabc",
     "NSTPP", "NTM0034", "NTR12", "NMSxx", "NDS--", "NJA", "NJADIS", "NLSQ0-", "NLAZ",
     "UPDNET", "ECN", "ECNx", "NRI", "NLT0E0"],
)  # fmt: skip
def test_bad_params_become_raw(text: str) -> None:
    """Parameters that do not parse never raise: the message stays raw."""
    msg = parse(text)
    assert type(msg) is m.RawMessage
    assert msg.code == text[:3]


def test_bad_params_are_logged(caplog: pytest.LogCaptureFixture) -> None:
    """A malformed known message is logged at debug level."""
    caplog.set_level(logging.DEBUG)
    parse("MVLZZ")
    assert "Cannot parse MVLZZ" in caplog.text


def test_parse_tolerates_terminators_and_short_text() -> None:
    """Trailing device terminators and odd lengths do not raise."""
    assert parse("!1PWR01\x1a") == parse("PWR01")
    assert isinstance(parse("!"), m.RawMessage)
    assert isinstance(parse(""), m.RawMessage)


@pytest.mark.parametrize(
    ("params", "play", "repeat", "shuffle"),
    [
        ("P--", m.PlayState.PLAYING, m.RepeatState.OFF, m.ShuffleState.OFF),
        ("pRS", m.PlayState.PAUSED, m.RepeatState.ALL, m.ShuffleState.ALL),
        ("S1A", m.PlayState.STOPPED, m.RepeatState.ONE, m.ShuffleState.ALBUM),
        ("FFF1", m.PlayState.FAST_FORWARD, m.RepeatState.FOLDER, m.ShuffleState.FOLDER),
        ("Exx2", m.PlayState.END_OF_FILE, m.RepeatState.DISABLED, m.ShuffleState.DISABLED),
        ("?!?", m.PlayState.STOPPED, m.RepeatState.OFF, m.ShuffleState.OFF),
    ],
)
def test_play_status(
    params: str, play: m.PlayState, repeat: m.RepeatState, shuffle: m.ShuffleState
) -> None:
    """NST in its 3- and 4-character forms; unknown letters fall back safely."""
    msg = parse(f"NST{params}")
    assert isinstance(msg, m.PlayStatus)
    assert (msg.play, msg.repeat, msg.shuffle) == (play, repeat, shuffle)


@pytest.mark.parametrize(
    ("params", "elapsed", "total"),
    [
        ("00:34/03:43", 34, 223),
        ("01:02:03/02:00:00", 3723, 7200),
        ("--:--/--:--", None, None),
        ("00:10/--:--", 10, None),
    ],
)
def test_time_info(params: str, elapsed: int | None, total: int | None) -> None:
    """NTM in mm:ss and hh:mm:ss; unknown times are None."""
    msg = parse(f"NTM{params}")
    assert isinstance(msg, m.TimeInfo)
    assert (msg.elapsed, msg.total) == (elapsed, total)


def test_track_file_menu_and_net_status() -> None:
    """NTR, NFI, NMS (the seed's forms) and NDS."""
    assert parse("NTR0009/0011") == m.TrackInfo(code="NTR", raw="0009/0011", current=9, total=11)
    assert parse("NTR----/----") == m.TrackInfo(
        code="NTR", raw="----/----", current=None, total=None
    )
    info = parse("NFIFLAC/44.1kHz/16bit")
    assert isinstance(info, m.FileInfo)
    assert (info.format, info.sample_rate, info.bit_depth) == ("FLAC", "44.1kHz", "16bit")
    partial = parse("NFI/44.1kHz")
    assert isinstance(partial, m.FileInfo)
    assert (partial.format, partial.sample_rate, partial.bit_depth) == ("", "44.1kHz", "")
    menu = parse("NMSxxxxxS1f1")
    assert isinstance(menu, m.MenuStatus)
    assert (menu.track_menu, menu.time_seek, menu.time_display, menu.service_icon) == (
        False,
        True,
        "1",
        "f1",
    )
    assert parse("NMSM0102x2f0") == m.MenuStatus(
        code="NMS",
        raw="M0102x2f0",
        track_menu=True,
        positive_feed="01",
        negative_feed="02",
        time_seek=False,
        time_display="2",
        service_icon="f0",
    )
    assert parse("NDSEM-") == m.NetStatus(
        code="NDS", raw="EM-", network="E", front_usb="M", rear_usb="-"
    )


def test_album_art() -> None:
    """NJA links, packets and no-image; settings echoes stay raw."""
    link = parse("NJA2-http://127.0.0.1/album_art.cgi")
    assert isinstance(link, m.AlbumArt)
    assert link.url == "http://127.0.0.1/album_art.cgi"
    assert link.packet is m.ArtPacket.NOT_USED
    packet = parse("NJA10FFD8FFE0")
    assert isinstance(packet, m.AlbumArt)
    assert (packet.image_type, packet.packet, packet.url) == (
        m.ArtType.JPEG,
        m.ArtPacket.START,
        None,
    )
    assert isinstance(parse("NJAn-"), m.AlbumArt)
    assert type(parse("NJALINK")) is m.RawMessage


def test_list_lines() -> None:
    """NLS lines and cursor updates from the seed log."""
    assert parse("NLSU0-Happy Boys & Girls") == m.ListLine(
        code="NLS", raw="U0-Happy Boys & Girls", info_type="U", line=0, property="-",
        text="Happy Boys & Girls",
    )  # fmt: skip
    cursor = parse("NLSC-P")
    assert isinstance(cursor, m.ListLine)
    assert cursor.line is None


SEED_NLA = (
    'X0002S000<?xml version="1.0" encoding="utf-8"?><response status="ok">'
    '<items offset="0" totalitems="11" ><item icontype="M" iconid="2d" title="Happy Boys &amp; '
    'Girls" selectable="1" /><item icontype="0" iconid="36" title="Roses Are Red" selectable="1"'
    ' url="http://x/y" /></items></response>'
)


def test_list_xml() -> None:
    """NLA: the list's items from XML."""
    msg = parse(f"NLA{SEED_NLA}")
    assert isinstance(msg, m.ListXml)
    assert (msg.sequence, msg.success, msg.ui, msg.offset, msg.total) == (
        2, True, m.ListUI.LIST, 0, 11,
    )  # fmt: skip
    assert [item.title for item in msg.items] == ["Happy Boys & Girls", "Roses Are Red"]
    assert msg.items[1].url == "http://x/y"
    error = parse('NLAX0003E000<?xml version="1.0"?><response status="fail"/>')
    assert isinstance(error, m.ListXml)
    assert not error.success
    assert error.items == ()
    empty = parse("NLAX0004S000<response/>")
    assert isinstance(empty, m.ListXml)
    assert empty.items == ()


@pytest.mark.parametrize(
    "xml",
    [
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
        "<response>&lol2;</response>",
        '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><response>&x;</response>',
        "<response><items>" + "<item title='x'/>" * 30000 + "</items></response>",
        "<response><items",
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r [<!ENTITY a "b">]><r>&a;</r>'.encode(
            "utf-16"
        ).decode("latin-1"),
    ],
)
def test_hostile_or_broken_list_xml_is_refused(xml: str, caplog: pytest.LogCaptureFixture) -> None:
    """Entity declarations, oversize and malformed list XML never parse into items."""
    caplog.set_level(logging.DEBUG)
    msg = parse(f"NLAX0001S000{xml}")
    assert type(msg) is m.RawMessage


@pytest.mark.parametrize(
    ("params", "state", "progress"),
    [
        ("00", m.UpdateState.AVAILABLE, None),
        ("01", m.UpdateState.AVAILABLE, None),
        ("FF", m.UpdateState.NONE, None),
        ("CMP", m.UpdateState.COMPLETED, None),
        ("DL-42", m.UpdateState.UPDATING, 42),
        ("xx-xx", None, None),
        ("Dxx-xx", m.UpdateState.UPDATING, None),
        ("E01-02", m.UpdateState.ERROR, None),
    ],
)
def test_firmware_update(params: str, state: m.UpdateState | None, progress: int | None) -> None:
    """UPD states and progress."""
    msg = parse(f"UPD{params}")
    if state is None:
        assert type(msg) is m.RawMessage
        return
    assert isinstance(msg, m.FirmwareUpdate)
    assert (msg.state, msg.progress) == (state, progress)


@pytest.mark.parametrize(
    ("params", "model", "port", "region", "identifier"),
    [
        ("TX-NR686/60128/DX/0009B0123456", "TX-NR686", 60128, "DX", "0009B0123456"),
        ("TX-NR686/60128/DX0009B0123456", "TX-NR686", 60128, "DX", "0009B0123456"),
        ("NS-6130/60128/XX/0009B0E1EE7F\x19", "NS-6130", 60128, "XX", "0009B0E1EE7F"),
        ("TX-NR686/DX/0009B0123456", "TX-NR686", 60128, "DX", "0009B0123456"),
    ],
)
def test_discovery_reply(params: str, model: str, port: int, region: str, identifier: str) -> None:
    """ECN variants: identifier glued to the region, trailing terminators, a bad port."""
    msg = parse(f"ECN{params}")
    assert isinstance(msg, m.DeviceDiscovery)
    assert (msg.model, msg.port, msg.region, msg.identifier) == (model, port, region, identifier)


def test_channel_level_needs_the_device_step() -> None:
    """Three digits are whole dB, or half-dB steps where NRI gives step 0."""
    level = parse("SWL+18")
    assert isinstance(level, m.SubwooferLevel)
    assert level.db(step=1) == 24.0
    assert level.db(step=0.5) == 12.0
    short = parse("CTL+A")
    assert isinstance(short, m.CenterLevel)
    assert short.db(step=0.5) == 10.0


def test_audio_and_video_information() -> None:
    """IFA/IFV fields in the spec's order, short and long forms."""
    audio = parse("IFAHDMI 1,PCM,48 kHz,2.0 ch,Stereo,2.1 ch,")
    assert isinstance(audio, m.AudioInfo)
    assert (audio.input_port, audio.input_format, audio.output_channels) == (
        "HDMI 1", "PCM", "2.1 ch",
    )  # fmt: skip
    assert audio.extra == ()
    longer = parse("IFAHDMI 1,PCM,48 kHz,2.0 ch,Stereo,2.1 ch,48 kHz,Off,0ms,Normal")
    assert isinstance(longer, m.AudioInfo)
    assert longer.extra == ("48 kHz", "Off", "0ms", "Normal")
    short = parse("IFAHDMI 1")
    assert isinstance(short, m.AudioInfo)
    assert short.output_channels == ""
    video = parse("IFVHDMI 1,1080p,RGB,24bit,HDMI Main,4K,RGB,24bit,Standard,HDR10,")
    assert isinstance(video, m.VideoInfo)
    assert (video.output_resolution, video.picture_mode, video.extra) == (
        "4K", "Standard", ("HDR10",),
    )  # fmt: skip


def test_builders() -> None:
    """Every builder's exact wire text."""
    assert c.query("PWR") == "PWRQSTN"
    assert c.set_power(Zone.ZONE2, True) == "ZPW01"
    assert c.set_power(Zone.MAIN, False) == "PWR00"
    assert c.set_volume(Zone.MAIN, 41) == "MVL29"
    assert c.set_volume(Zone.ZONE4, 0) == "VL400"
    assert c.volume_up(Zone.ZONE3) == "VL3UP"
    assert c.volume_down(Zone.MAIN) == "MVLDOWN"
    assert c.set_mute(Zone.ZONE2, True) == "ZMT01"
    assert c.set_mute(Zone.MAIN, False) == "AMT00"
    assert c.select_source(Zone.MAIN, "2b") == "SLI2B"
    assert c.select_listening_mode("0c") == "LMD0C"
    assert c.select_hdmi_output("01") == "HDO01"
    assert c.set_dimmer("08") == "DIM08"
    assert c.set_bass(Zone.MAIN, 2) == "TFRB+2"
    assert c.set_treble(Zone.ZONE2, -10) == "ZTNT-A"
    assert c.set_bass(Zone.ZONE3, 0) == "TN3B00"
    assert c.set_center_level(-12) == "CTL-C"
    assert c.set_center_level(1.5, half_steps=True) == "CTL+03"
    assert c.set_subwoofer_level(0) == "SWL00"
    assert c.set_subwoofer_level(-12, digits=3) == "SWL-0C"
    assert c.set_subwoofer_level(-15, half_steps=True) == "SWL-1E"
    assert c.net_control(Zone.MAIN, c.NetCommand.TRACK_UP) == "NTCTRUP"
    assert c.net_control(Zone.ZONE2, c.NetCommand.PLAY_PAUSE) == "NTZP/P"
    assert c.seek(90, hours=False) == "NTS01:30"
    assert c.seek(3723, hours=True) == "NTS01:02:03"
    assert c.start_firmware_update() == "UPDNET"
    assert c.recall_preset(40) == "PRS28"
    assert c.select_net_service("0e") == "NSV0E0"


@pytest.mark.parametrize(
    "call",
    [
        lambda: c.query("PW"),
        lambda: c.set_volume(Zone.MAIN, -1),
        lambda: c.set_volume(Zone.MAIN, 0xC9),
        lambda: c.select_source(Zone.MAIN, "2BX"),
        lambda: c.select_listening_mode("G0"),
        lambda: c.set_bass(Zone.ZONE4, 0),
        lambda: c.set_treble(Zone.MAIN, 11),
        lambda: c.set_center_level(13),
        lambda: c.set_center_level(1.5),
        lambda: c.set_subwoofer_level(0.25, half_steps=True),
        lambda: c.seek(-1, hours=False),
        lambda: c.seek(100 * 60, hours=False),
        lambda: c.seek(100 * 3600, hours=True),
        lambda: c.recall_preset(0),
        lambda: c.select_net_service("x"),
    ],
)
def test_builders_reject_what_the_protocol_cannot_carry(call: object) -> None:
    """Out-of-range or malformed values raise ValueError before anything is sent."""
    assert callable(call)
    with pytest.raises(ValueError, match=r"."):
        call()

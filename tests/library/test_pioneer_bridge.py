"""The eISCP vocabulary spoken to the virtual Pioneer receiver through the bridge."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import pytest

from custom_components.onkyo_eiscp.eiscp import commands as cmd, messages as m
from custom_components.onkyo_eiscp.eiscp.capabilities import Capabilities
from custom_components.onkyo_eiscp.eiscp.const import Zone
from custom_components.onkyo_eiscp.eiscp.pioneer import HDZONE
from custom_components.onkyo_eiscp.eiscp.pioneer.bridge import (
    LISTENING_MODE_FROM_PIONEER,
    LISTENING_MODE_TO_PIONEER,
    BridgeClient,
    UnsupportedCommandError,
    to_eiscp,
    to_pioneer,
)
from custom_components.onkyo_eiscp.eiscp.pioneer.client import Client
from custom_components.onkyo_eiscp.eiscp.pioneer.codes import LISTENING_MODES, zone_inputs
from custom_components.onkyo_eiscp.eiscp.pioneer.device_info import (
    PioneerFacts,
    device_info,
    read_facts,
)
from custom_components.onkyo_eiscp.eiscp.pioneer.errors import CommandError
from custom_components.onkyo_eiscp.eiscp.pioneer.messages import TunerPreset
from tests.pioneer_support import receiver, until
from virtual_receiver.pioneer import MAIN, ZONE2, ZONE3, VirtualPioneer

__all__ = ["receiver"]

pytestmark = pytest.mark.usefixtures("no_escaped_exceptions")


@pytest.fixture
async def bridge(receiver: VirtualPioneer) -> AsyncGenerator[BridgeClient]:
    native = Client(
        receiver.host,
        receiver.port,
        pacing=0.01,
        query_timeout=0.5,
        reply_timeout=0.3,
        reconnect_max_delay=0.2,
    )
    async with BridgeClient(native) as client:
        yield client


@pytest.mark.parametrize(
    ("eiscp", "pioneer"),
    [
        (cmd.set_power(Zone.MAIN, True), ("PO",)),
        (cmd.set_power(Zone.ZONE2, False), ("APF",)),
        (cmd.set_power(Zone.ZONE3, True), ("BPO",)),
        (cmd.set_power(HDZONE, True), ("ZEO",)),
        (cmd.set_volume(Zone.MAIN, 185), ("185VL",)),
        (cmd.set_volume(Zone.ZONE2, 81), ("81ZV",)),
        (cmd.set_volume(Zone.ZONE3, 5), ("05YV",)),
        (cmd.set_volume(HDZONE, 40), ("40HZV",)),
        (cmd.volume_up(Zone.MAIN), ("VU",)),
        (cmd.volume_down(Zone.ZONE2), ("ZD",)),
        (cmd.volume_up(Zone.ZONE3), ("YU",)),
        (cmd.volume_down(HDZONE), ("HZD",)),
        (cmd.set_mute(Zone.MAIN, True), ("MO",)),
        (cmd.set_mute(Zone.ZONE2, False), ("Z2MF",)),
        (cmd.set_mute(Zone.ZONE3, True), ("Z3MO",)),
        (cmd.set_mute(HDZONE, True), ("HZMO",)),
        (cmd.select_source(Zone.MAIN, "19"), ("19FN",)),
        (cmd.select_source(Zone.MAIN, "F5"), ("25FN",)),  # BD: eISCP's 25 is AM
        (cmd.select_source(Zone.MAIN, "26"), ("02FN",)),  # the tuner is eISCP's TUNER
        (cmd.select_source(Zone.ZONE2, "04"), ("04ZS",)),
        (cmd.select_source(Zone.ZONE3, "01"), ("01ZT",)),
        (cmd.select_source(HDZONE, "19"), ("19ZEA",)),
        (cmd.select_listening_mode("00"), ("0009SR",)),
        (cmd.set_bass(Zone.MAIN, 6), ("00BA",)),
        (cmd.set_treble(Zone.MAIN, -6), ("12TR",)),
        (cmd.set_bass(Zone.ZONE2, 0), ("06ZGB",)),
        (cmd.recall_preset(1), ("A01PR", "?FR")),
        (cmd.recall_preset(10), ("B01PR", "?FR")),
        (cmd.tune(Zone.MAIN, "FM", 91.5), ("00TN", "TAC", "9TP", "1TP", "5TP", "0TP")),
        (cmd.tune(Zone.MAIN, "AM", 1008), ("01TN", "TAC", "1TP", "0TP", "0TP", "8TP")),
        (cmd.query("PWR"), ("?P",)),
        (cmd.query("MVL"), ("?V",)),
        (cmd.query("ZPW"), ("?AP",)),
        (cmd.query("PW3"), ("?BP",)),
        (cmd.query("PWH"), ("?ZEP",)),
        (cmd.query("AMT"), ("?M",)),
        (cmd.query("SLZ"), ("?ZS",)),
        (cmd.query("LMD"), ("?S",)),
        (cmd.query("TFR"), ("?BA", "?TR")),
        (cmd.query("ZTN"), ("?ZGB", "?ZGC")),
        (cmd.query("PRS"), ("?PR",)),
        (cmd.query("TUN"), ("?FR",)),
        (cmd.query("SLI"), ("?F", "?FR", "?PR")),
        (cmd.query("FLD"), ("?FL",)),
    ],
)
def test_eiscp_commands_become_pioneer_lines(eiscp: str, pioneer: tuple[str, ...]) -> None:
    """Each eISCP command the entities build becomes the Pioneer line that does it."""
    assert to_pioneer(eiscp) == pioneer


@pytest.mark.parametrize(
    "eiscp",
    [
        cmd.query("NRI"),
        cmd.query("UPD"),
        cmd.query("TN3"),
        cmd.query("PW4"),  # zone 4 is eISCP's; the HDZone is not it
        cmd.tune(Zone.ZONE2, "FM", 91.5),  # one tuner, tuned from the main zone
        cmd.set_power(Zone.ZONE4, True),
        cmd.select_source(Zone.MAIN, "2B"),
        cmd.select_source(Zone.MAIN, "25"),  # eISCP's AM: Pioneer's 25 (BD) is F5
        cmd.select_source(Zone.MAIN, "02"),  # Pioneer's 02 (the tuner) is 26
        cmd.select_listening_mode("82"),
        cmd.set_bass(Zone.ZONE3, 2),
        "NTCPLAY",
        "AMTTG",
        "PWRXX",
        "MVLXYZ",
        "TFRX+1",
        "HDO01",
    ],
)
def test_what_pioneer_lacks_is_refused(eiscp: str) -> None:
    """Commands without a Pioneer counterpart raise UnsupportedCommandError, never a line."""
    with pytest.raises(UnsupportedCommandError, match="no counterpart"):
        to_pioneer(eiscp)


def test_values_outside_the_receivers_range_are_value_errors() -> None:
    """A main level above 185, a zone level above 81, tone beyond ±6, preset 64."""
    for eiscp in (
        cmd.set_volume(Zone.MAIN, 186),
        cmd.set_volume(Zone.ZONE2, 82),
        cmd.set_bass(Zone.MAIN, 7),
        "PRS40",
    ):
        with pytest.raises(ValueError, match="outside"):
            to_pioneer(eiscp)


def test_listening_modes_map_both_ways() -> None:
    """Every mapped mode is a real Pioneer mode, and reports back as the same eISCP code."""
    for lmd, sr in LISTENING_MODE_TO_PIONEER.items():
        assert sr in LISTENING_MODES
        assert LISTENING_MODE_FROM_PIONEER[sr] == lmd
    assert to_eiscp(m.ListeningMode(code="SR", raw="0012", mode="0012")) == m.ListeningMode(
        code="LMD", raw="0012", mode="80"
    )
    assert to_eiscp(m.ListeningMode(code="SR", raw="0102", mode="0102")) == m.RawMessage(
        code="LMD", raw="0102"
    )
    preset = TunerPreset(code="PR", raw="B02", preset_class="B", number=2)
    assert to_eiscp(preset) == m.Preset(code="PRS", raw="B02", number=11)


async def test_commands_reach_the_device(bridge: BridgeClient, receiver: VirtualPioneer) -> None:
    """Commands in eISCP terms sent through the bridge leave each zone in the asked state."""
    device = receiver.device
    for text in (
        cmd.set_power(Zone.ZONE2, True),
        cmd.set_volume(Zone.MAIN, 150),
        cmd.set_volume(Zone.ZONE2, 60),
        cmd.set_mute(Zone.MAIN, True),
        cmd.select_source(Zone.MAIN, "04"),
        cmd.select_source(Zone.ZONE2, "01"),
        cmd.select_listening_mode("11"),
        cmd.set_bass(Zone.MAIN, -3),
    ):
        await bridge.send(text)
    assert (device.zones[MAIN].volume, device.zones[MAIN].muted) == (150, True)
    assert device.zones[MAIN].source == "04"
    assert (device.zones[ZONE2].power, device.zones[ZONE2].volume) == (True, 60)
    assert device.zones[ZONE2].source == "01"
    assert device.zones[ZONE3].power is False
    assert device.listening_mode == "0008"
    assert receiver.received[-1] == "09BA"


async def test_replies_and_pushes_come_in_eiscp_terms(
    bridge: BridgeClient, receiver: VirtualPioneer
) -> None:
    """query() answers with eISCP codes; pushes from the front panel reach the listeners."""
    assert await bridge.query("PWR") == m.Power(code="PWR", raw="0", zone=Zone.MAIN, on=True)
    assert await bridge.query("MVL") == m.Volume(code="MVL", raw="101", zone=Zone.MAIN, level=101)
    assert await bridge.query("ZPW") == m.Power(code="ZPW", raw="1", zone=Zone.ZONE2, on=False)
    assert await bridge.query("LMD") == m.ListeningMode(code="LMD", raw="0005", mode="FF")
    tone = await bridge.query("TFR")
    assert isinstance(tone, m.Tone)
    assert (tone.code, tone.bass) == ("TFR", 0)
    heard: list[m.Message] = []
    batches: list[None] = []
    unsubscribe = bridge.add_message_listener(heard.append)
    bridge.add_batch_listener(lambda: batches.append(None))
    receiver.press("BPO")
    await until(lambda: m.Power(code="PW3", raw="0", zone=Zone.ZONE3, on=True) in heard)
    unsubscribe()
    assert batches


async def test_unsupported_queries_are_answered_locally(
    bridge: BridgeClient, receiver: VirtualPioneer
) -> None:
    """A query Pioneer lacks is NotAvailable at once and nothing goes to the receiver."""
    receiver.clear_received()
    assert await bridge.query("NRI") == m.NotAvailable(code="NRI", raw="N/A")
    await bridge.send(cmd.query("UPD"))
    assert receiver.received == []
    with pytest.raises(UnsupportedCommandError):
        await bridge.send("NTCPLAY")
    with pytest.raises(UnsupportedCommandError):
        await bridge.request("NTCPLAY", "NTC")


async def test_refusals_raise_on_the_call(bridge: BridgeClient, receiver: VirtualPioneer) -> None:
    """E04 (HDZone on a receiver without one) and E06 (an input the zone lacks) raise."""
    with pytest.raises(CommandError, match="E04"):
        await bridge.send(cmd.set_power(HDZONE, True))
    with pytest.raises(CommandError, match="E06"):
        await bridge.send(cmd.select_source(Zone.ZONE2, "19"))
    assert bridge.stats.error_replies == 2
    assert bridge.connected
    assert (bridge.host, bridge.port) == (receiver.host, receiver.port)


async def test_facts_and_device_info(bridge: BridgeClient) -> None:
    """The interview finds main, zone 2 and zone 3 and the named inputs; capabilities follow."""
    facts = await read_facts(bridge.pioneer, "VSX-1021")
    assert facts.zones == (Zone.MAIN, Zone.ZONE2, Zone.ZONE3)
    names = dict(facts.inputs)
    assert names["19"] == "Apple TV"
    assert set(names) == {"25", "04", "06", "19", "05", "01", "02", "38"}
    assert PioneerFacts.from_dict(facts.as_dict()) == facts
    info = device_info(facts)
    caps = Capabilities.from_info(info)
    assert [z.zone for z in caps.zones] == [Zone.MAIN, Zone.ZONE2, Zone.ZONE3]
    assert [z.volume.max_raw for z in caps.zones] == [185, 81, 81]
    assert not caps.net
    assert not caps.network_update
    assert not caps.audio_info
    assert caps.zones[0].bass is not None
    assert caps.zones[2].bass is None
    assert "UPD" not in caps.connect_queries
    for code in caps.connect_queries:
        to_pioneer(cmd.query(code))  # every query the coordinator asks has a counterpart
    # Each zone offers the inputs it can select, with eISCP's meaning of the ids.
    main, zone2, zone3 = ({s.id for s in z.selectors} for z in caps.zones)
    assert main == {"F5", "04", "06", "19", "05", "01", "26", "38"}
    assert zone2 == zone3 == {"04", "06", "05", "01", "26", "38"}
    assert caps.zones[0].tuner
    assert caps.zones[1].tuner


async def test_every_input_a_zone_offers_is_taken(
    bridge: BridgeClient, receiver: VirtualPioneer
) -> None:
    """The device's zone lists and the offered inputs agree: none is refused (E06)."""
    receiver.press("APO")
    facts = await read_facts(bridge.pioneer, "VSX-1021")
    caps = Capabilities.from_info(device_info(facts))
    for zone in caps.zones:
        for selector in zone.selectors:
            await bridge.send(cmd.select_source(zone.zone, selector.id))
    assert receiver.device.zones[ZONE2].source == "38"


def test_model_zone_lists() -> None:
    """Models whose zone 3 takes only analog inputs; the HDZone takes HDMI, not analog."""
    assert zone_inputs("VSX-1021", Zone.MAIN) is None
    assert "19" not in (zone_inputs("VSX-1021", Zone.ZONE3) or ())
    assert "38" not in (zone_inputs("SC-LX57", Zone.ZONE3) or ())
    assert "41" not in (zone_inputs("SC-LX87", Zone.ZONE2) or ())
    assert "41" in (zone_inputs("SC-LX87", Zone.ZONE3) or ())
    hdzone = zone_inputs("VSX-1021", HDZONE) or frozenset()
    assert {"19", "25"} <= hdzone
    assert not {"01", "02"} & hdzone


async def test_tuner_and_display(bridge: BridgeClient, receiver: VirtualPioneer) -> None:
    """The tuner's preset and station, and the front display, come as eISCP's PRS/TUN/FLD."""
    heard: list[m.Message] = []
    bridge.add_message_listener(heard.append)
    await bridge.send(cmd.select_source(Zone.MAIN, "26"))
    await bridge.send(cmd.recall_preset(2))
    assert receiver.device.preset == "A02"
    await until(lambda: m.Tuner(code="TUN", raw="F09150", frequency="09150") in heard)
    assert m.Preset(code="PRS", raw="A02", number=2) in heard
    display = await bridge.query("FLD")
    assert isinstance(display, m.Setting)
    assert (display.code, display.value) == ("FLD", "FM  91.50MHz")
    await bridge.send(cmd.recall_preset(10))  # B01: AM 531 kHz
    await until(lambda: m.Tuner(code="TUN", raw="A00531", frequency="00531") in heard)
    await until(
        lambda: any(
            isinstance(message, m.Setting) and message.value == "AM   531kHz" for message in heard
        )
    )


async def test_refused_queries_are_not_available(
    bridge: BridgeClient, receiver: VirtualPioneer
) -> None:
    """A query the model refuses (E04) is N/A to the listeners and to request(), not an error."""
    heard: list[m.Message] = []
    bridge.add_message_listener(heard.append)
    assert await bridge.query("PWH") == m.NotAvailable(code="PWH", raw="N/A")
    await bridge.send(cmd.query("PWH"))
    assert m.NotAvailable(code="PWH", raw="N/A") in heard
    await bridge.send(cmd.query("LTN"))  # a setting Pioneer lacks: answered here
    assert m.NotAvailable(code="LTN", raw="N/A") in heard
    assert "?ZEP" in receiver.received

"""Interoperability with aiopioneer, the maintained library for legacy Pioneer receivers.

What aiopioneer reads from the virtual Pioneer shows that the virtual receiver speaks
the protocol as real receivers do, independently of our own driver.
"""

from __future__ import annotations

from aiopioneer import PioneerAVR
from aiopioneer.const import Zone as AvrZone
import pytest

from custom_components.onkyo_eiscp.eiscp import messages as m
from custom_components.onkyo_eiscp.eiscp.const import Zone
from custom_components.onkyo_eiscp.eiscp.pioneer import Client
from tests.pioneer_support import until
from virtual_receiver.pioneer import MAIN, ZONE2, VirtualPioneer

pytestmark = [
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.usefixtures("no_escaped_exceptions"),
]


async def test_aiopioneer_reads_power_volume_input_and_zones() -> None:
    """Aiopioneer finds the zones, names the inputs and reads each zone's state."""
    async with VirtualPioneer() as receiver:
        for command in ("PO", "120VL", "19FN", "APO", "33ZV", "05ZS"):
            receiver.press(command)
        avr = PioneerAVR(receiver.host, receiver.port, params={"disable_auto_query": True})
        try:
            await avr.connect(reconnect=False)
            await avr.query_zones()
            await avr.build_source_dict()
            await avr.refresh()
            properties = avr.properties
            assert properties.amp["model"] == "VSX-1021"
            assert properties.zones == {AvrZone.Z1, AvrZone.Z2, AvrZone.Z3}
            assert properties.power == {AvrZone.Z1: True, AvrZone.Z2: True, AvrZone.Z3: False}
            assert properties.volume == {AvrZone.Z1: 120, AvrZone.Z2: 33}
            assert properties.mute == {AvrZone.Z1: False, AvrZone.Z2: False}
            assert properties.source_id == {AvrZone.Z1: 19, AvrZone.Z2: 5}
            assert properties.source_name == {AvrZone.Z1: "Apple TV", AvrZone.Z2: "TV"}
            assert properties.source_id_to_name[25] == "BD"

            # A change made elsewhere reaches aiopioneer by push; its commands reach the device.
            async with Client(receiver.host, receiver.port) as ours:
                await ours.send("BPO")
            await until(lambda: properties.power.get(AvrZone.Z3) is True)
            await avr.set_volume_level(60, AvrZone.Z2)
            await avr.select_source("CD", AvrZone.Z1)
            assert receiver.device.zones[ZONE2].volume == 60
            assert receiver.device.zones[MAIN].source == "01"
        finally:
            await avr.shutdown()


async def test_our_client_sees_what_aiopioneer_does() -> None:
    """Changes aiopioneer makes are pushed to our client as typed messages."""
    async with VirtualPioneer() as receiver:
        receiver.press("PO")
        seen: list[m.Message] = []
        async with Client(receiver.host, receiver.port) as ours:
            ours.add_message_listener(seen.append)
            avr = PioneerAVR(receiver.host, receiver.port, params={"disable_auto_query": True})
            try:
                await avr.connect(reconnect=False)
                await avr.query_zones()
                await avr.mute_on(AvrZone.Z1)
                await avr.set_volume_level(150, AvrZone.Z1)
            finally:
                await avr.shutdown()
            await until(lambda: m.Volume(code="VOL", raw="150", zone=Zone.MAIN, level=150) in seen)
            assert m.Mute(code="MUT", raw="0", zone=Zone.MAIN, muted=True) in seen

"""Interoperability with aioonkyo, the library behind Home Assistant's core onkyo integration."""

from __future__ import annotations

import aioonkyo
from aioonkyo import query, status
from aioonkyo.parameter import PowerParam
from aioonkyo.protocol import EISCPPacket

from custom_components.onkyo_eiscp.eiscp.frame import FrameDecoder
from custom_components.onkyo_eiscp.eiscp.messages import Power
from custom_components.onkyo_eiscp.eiscp.parser import parse
from virtual_receiver import VirtualReceiver


async def test_aioonkyo_interviews_and_talks_to_the_virtual_receiver() -> None:
    """Aioonkyo's interview() and connect() work against our virtual receiver."""
    async with VirtualReceiver("TX-NR686") as receiver:
        receiver.press("PWR01")
        info = await aioonkyo.interview("127.0.0.1", port=receiver.port)
        assert info.model_name == "TX-NR686"
        assert info.identifier == receiver.identifier
        assert info.port == receiver.port
        async with aioonkyo.connect(info) as connection:
            await connection.write(query.Power(aioonkyo.Zone.MAIN))
            reply = await connection.read()
            assert isinstance(reply, status.Power)
            assert reply.param == PowerParam.ON
        await receiver.wait_for("PWRQSTN")


def test_frames_aioonkyo_encodes_decode_with_ours() -> None:
    """What aioonkyo puts on the wire, our decoder reads."""
    packet = EISCPPacket.from_instruction_message(query.Power(aioonkyo.Zone.ZONE2)).raw
    texts = FrameDecoder().feed(packet)
    assert texts == ["!1ZPWQSTN"]
    packet = EISCPPacket.from_instruction_message(
        aioonkyo.command.Power(aioonkyo.Zone.MAIN, PowerParam.ON)
    ).raw
    message = parse(FrameDecoder().feed(packet)[0])
    assert isinstance(message, Power)
    assert message.on

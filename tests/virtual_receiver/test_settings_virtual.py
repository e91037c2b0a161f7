"""The virtual receiver's settings, tuners and zone 2 listening mode, as the spec gives them."""

from __future__ import annotations

import dataclasses

import pytest

from virtual_receiver import VirtualReceiver
from virtual_receiver.settings import RECEIVER_SETTINGS


def _say(vr: VirtualReceiver, message: str) -> list[str]:
    reply = vr.device.respond(message)
    return reply.to_sender + reply.to_all


async def test_standby_answers_na_then_values() -> None:
    """In standby a receiver answers N/A to its settings; on, their values."""
    async with VirtualReceiver("TX-NR686") as vr:
        assert _say(vr, "SLPQSTN") == ["SLPN/A"]
        assert _say(vr, "SLP1E") == ["SLPN/A"]
        _say(vr, "PWR01")
        assert _say(vr, "SLPQSTN") == ["SLPOFF"]
        assert _say(vr, "SLP1E") == ["SLP1E"]
        assert _say(vr, "SLP5B") == ["SLPN/A"]  # beyond 90 minutes
        assert _say(vr, "SLPUP") == ["SLP1F"]  # wrap-around key
        assert _say(vr, "DIRTG") == ["DIR01"]
        assert _say(vr, "DIRTG") == ["DIR00"]
        assert _say(vr, "TGAUP") == ["TGAN/A"]  # triggers have no wrap-around key
        assert _say(vr, "LTZ01") == ["LTZN/A"]  # zone 2 is off
        _say(vr, "ZPW01")
        assert _say(vr, "LTZ03") == ["LTZN/A"]  # zone 2 has no "auto"
        assert _say(vr, "LMZ87") == ["LMZ87"]
        assert _say(vr, "TPDQSTN") == ["TPDF 95C 35"]
        assert _say(vr, "TPD00") == ["TPDN/A"]  # a report: nothing to set


async def test_profile_and_option_decide() -> None:
    """NRI's word first (PMB off, MOT on for the TX-NR686), then the option."""
    async with VirtualReceiver("TX-NR686", settings=["SLP", "PMB"]) as vr:
        assert vr.device.settings.has == {"SLP", "MOT"}
    async with VirtualReceiver("TX-NR686") as vr:
        assert vr.device.settings.has == (RECEIVER_SETTINGS - {"PMB"})
    async with VirtualReceiver("NS-6130", settings=["SLP"]) as vr:
        assert vr.device.settings.has == frozenset()
        assert _say(vr, "TUZQSTN") == ["TUZN/A"]


async def test_channel_mute_keeps_absent_channels_at_00() -> None:
    """CMT: absent channels always read 00 (the spec); TG toggles; bad fields refused."""
    async with VirtualReceiver("TX-NR686", settings=["CMT", "SPI"]) as vr:
        _say(vr, "PWR01")
        assert _say(vr, "CMT" + "01" * 13) == ["CMT" + "01" * 5 + "0000" + "01" + "00" * 5]
        assert _say(vr, "CMTTG" + "01" * 12) == ["CMT00" + "01" * 4 + "0000" + "01" + "00" * 5]
        assert _say(vr, "CMTXX" + "00" * 12) == ["CMTN/A"]
        assert _say(vr, "CMT00") == ["CMTN/A"]


@pytest.mark.parametrize(
    ("message", "reply"),
    [("PRZ05", "PRZ05"), ("PRZ29", "PRZN/A"), ("PRZAB", "PRZN/A"), ("TUZ0915", "TUZN/A")],
)
async def test_zone_tuner(message: str, reply: str) -> None:
    """Zone 2 recalls presets 1-40 and tunes five-digit frequencies while on."""
    async with VirtualReceiver("TX-NR686") as vr:
        _say(vr, "ZPW01")
        assert _say(vr, message) == [reply]
        assert _say(vr, "PR3QSTN") == ["PR3N/A"]  # no zone 3 on this model


async def test_re_eq_academy_models_set_three_values() -> None:
    """RAS is on/off, but "00"/"01"/"02" (Re-EQ, Academy) on the spec's older models."""
    async with VirtualReceiver("TX-NR686", settings=["RAS"]) as vr:
        _say(vr, "PWR01")
        assert _say(vr, "RAS02") == ["RASN/A"]
        assert _say(vr, "RASUP") == ["RAS01"]
        vr.device.settings.info = dataclasses.replace(vr.info, model="TX-NR1000")
        assert _say(vr, "RAS02") == ["RAS02"]
        assert _say(vr, "RASUP") == ["RAS00"]

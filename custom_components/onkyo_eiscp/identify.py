"""Work out what device answers on a connection: its NRI and its identifier.

Used by the config flow (to validate and find the unique ID) and by setup (to read the
capabilities and check that the configured host is still the same device).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
import logging
import re

from .eiscp.client import Client
from .eiscp.codes import FALLBACK_SELECTORS, SELECTOR_NAMES
from .eiscp.const import Zone
from .eiscp.discovery import DiscoveredDevice, interview
from .eiscp.errors import EiscpError, QueryTimeoutError
from .eiscp.messages import DeviceDiscovery, Message, ReceiverInfo
from .eiscp.nri import DeviceInfo, Selector, ZoneInfo, parse_nri
from .eiscp.volume import DEFAULT_MAX_RAW

_LOGGER = logging.getLogger(__name__)

# Seconds to wait for the UDP interview of a device that gave no ECN over TCP.
UDP_INTERVIEW_TIMEOUT = 2.0


class IdentifyError(Exception):
    """The device could not be identified; ``reason`` is a config-flow error key."""

    def __init__(self, reason: str, detail: str) -> None:
        """Keep the error key and a human detail."""
        super().__init__(detail)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Identity:
    """What a device says it is."""

    info: DeviceInfo
    identifier: str  # 12 uppercase hex digits (a MAC) where the device gives one
    from_nri: bool  # False: NRI missing or unusable; capabilities are defaults


def normalize_identifier(value: str) -> str:
    """Uppercase hex without separators: "00:09:b0:12:34:56" -> "0009B0123456"."""
    return re.sub(r"[^0-9A-Za-z]", "", value).upper()


def minimal_info(model: str) -> DeviceInfo:
    """Capabilities to assume for a device that sends no usable NRI (older than ~2012).

    The main zone with the default volume range and the inputs such receivers commonly
    have; the options let the user hide the ones the device lacks.
    """
    return DeviceInfo(
        brand="",
        category="",
        model=model,
        year="",
        destination="",
        serial="",
        mac="",
        firmware="",
        friendly_name="",
        model_icon_url="",
        zones=(
            ZoneInfo(zone=Zone.MAIN, enabled=True, name="Main", volmax=DEFAULT_MAX_RAW, volstep=1),
        ),
        selectors=tuple(
            Selector(id=code, name=SELECTOR_NAMES[code], zones=1, enabled=True, icon_id=None)
            for code in FALLBACK_SELECTORS
        ),
        net_services=(),
        presets=(),
    )


async def identify(client: Client, *, timeout: float) -> Identity:
    """Ask a connected client's device for ECN and NRI (concurrently, paced).

    Some older receivers answer ECN only to the UDP interview, not over TCP: when TCP
    gives no ECN and NRI gives no MAC, the device is asked by UDP as well.
    """
    ecn_reply, nri_reply = await asyncio.gather(
        _ask(client, "ECN", timeout), _ask(client, "NRI", timeout)
    )
    ecn: DeviceDiscovery | DiscoveredDevice | None = (
        ecn_reply if isinstance(ecn_reply, DeviceDiscovery) else None
    )
    info: DeviceInfo | None = None
    if isinstance(nri_reply, ReceiverInfo):
        try:
            info = parse_nri(nri_reply.xml)
        except EiscpError as err:
            _LOGGER.warning("Ignoring unusable receiver information from %s: %s", client.host, err)
    if ecn is None and (info is None or not info.mac):
        ecn = await interview(
            client.host, port=client.port, timeout=min(timeout, UDP_INTERVIEW_TIMEOUT)
        )
    if info is None and ecn is None:
        if ecn_reply is None and nri_reply is None:
            raise IdentifyError("not_eiscp", f"{client.host} did not answer ECN or NRI")
        raise IdentifyError("not_eiscp", f"{client.host} did not identify itself")
    identifier = ""
    if info is not None and info.mac:
        identifier = info.mac
    elif ecn is not None:
        identifier = normalize_identifier(ecn.identifier)
    if info is None:
        assert ecn is not None
        return Identity(info=minimal_info(ecn.model), identifier=identifier, from_nri=False)
    if not identifier:
        identifier = normalize_identifier(info.serial)
    return Identity(info=info, identifier=identifier, from_nri=True)


async def _ask(client: Client, code: str, timeout: float) -> Message | None:
    """Query ``code``; None when the device does not answer in time."""
    try:
        return await client.query(code, timeout=timeout)
    except QueryTimeoutError:
        return None

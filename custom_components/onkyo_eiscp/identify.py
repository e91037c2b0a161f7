"""Work out what device answers on a connection: its NRI and its identifier.

Used by the config flow (to validate and find the unique ID) and by setup (to read the
capabilities and check that the configured host is still the same device). The NRI the
flow read is saved per device, so that setup need not ask for it again before the
entities exist (see :func:`async_load_saved_info`).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
import logging
import re

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from .const import DOMAIN, PIONEER_UPNP_PORT, PROTOCOL_EISCP, PROTOCOL_PIONEER
from .eiscp.client import Client
from .eiscp.codes import FALLBACK_SELECTORS, SELECTOR_NAMES
from .eiscp.const import Zone
from .eiscp.discovery import DiscoveredDevice, interview
from .eiscp.errors import ConnectionClosedError, EiscpError, QueryTimeoutError
from .eiscp.messages import DeviceDiscovery, Message, ReceiverInfo
from .eiscp.nri import DeviceInfo, Selector, ZoneInfo, parse_nri
from .eiscp.pioneer import (
    Client as PioneerClient,
    PioneerIdentity,
    interview as pioneer_interview,
    interview_connected as pioneer_interview_connected,
)
from .eiscp.pioneer.const import UPNP_DESCRIPTION_PATH
from .eiscp.pioneer.device_info import PioneerFacts, device_info, read_facts
from .eiscp.volume import DEFAULT_MAX_RAW

_LOGGER = logging.getLogger(__name__)

# Seconds to wait for the UDP interview of a device that gave no ECN over TCP.
UDP_INTERVIEW_TIMEOUT = 2.0

_NRI_STORE_VERSION = 1


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
    identifier: str  # 12 uppercase hex digits (a MAC) where the device gives one; "" if none
    from_nri: bool  # False: NRI missing or unusable; capabilities are defaults
    nri_xml: str | None = None  # the NRI document ``info`` was parsed from
    pioneer: PioneerFacts | None = None  # a legacy Pioneer receiver: what it answered

    @property
    def protocol(self) -> str:
        """The protocol the device speaks (the entry's ``protocol``)."""
        return PROTOCOL_EISCP if self.pioneer is None else PROTOCOL_PIONEER


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
    gives no ECN and NRI gives no MAC, the device is asked by UDP as well. An NRI that
    cannot be had (too large, malformed, hostile) leaves the capabilities at defaults.

    Raises IdentifyError: ``cannot_connect`` when the connection is lost or nothing at
    all answers, ``not_eiscp`` when something answers but does not identify itself.
    """
    ecn_reply, nri_reply = await _ask_ecn_and_nri(client, timeout)
    ecn: DeviceDiscovery | DiscoveredDevice | None = (
        ecn_reply if isinstance(ecn_reply, DeviceDiscovery) else None
    )
    info: DeviceInfo | None = None
    xml: str | None = None
    if isinstance(nri_reply, ReceiverInfo):
        try:
            info = parse_nri(nri_reply.xml)
        except EiscpError as err:
            _LOGGER.warning("Ignoring unusable receiver information from %s: %s", client.host, err)
        else:
            xml = nri_reply.xml
    if ecn is None and (info is None or not info.mac):
        ecn = await interview(
            client.host, port=client.port, timeout=min(timeout, UDP_INTERVIEW_TIMEOUT)
        )
    if info is None and ecn is None:
        if client.stats.bytes_in == 0:
            # Accepted the connection but never said a word: nothing answered.
            raise IdentifyError("cannot_connect", f"{client.host} did not answer ECN or NRI")
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
    return Identity(info=info, identifier=identifier, from_nri=True, nri_xml=xml)


async def _ask_ecn_and_nri(client: Client, timeout: float) -> tuple[Message | None, Message | None]:
    """The ECN and NRI replies (None: no usable answer); IdentifyError when the link drops.

    Both queries always run to their end and both outcomes are retrieved: a failure of
    one (the connection drops) must not leave the other's exception unretrieved.
    """
    ecn_reply, nri_reply = await asyncio.gather(
        _ask(client, "ECN", timeout), _ask(client, "NRI", timeout), return_exceptions=True
    )
    return _outcome(ecn_reply), _outcome(nri_reply)


def _outcome(reply: Message | BaseException | None) -> Message | None:
    """A query's reply, or its error raised (a lost connection as ``cannot_connect``)."""
    if isinstance(reply, ConnectionClosedError):
        raise IdentifyError("cannot_connect", str(reply)) from reply
    if isinstance(reply, BaseException):
        raise reply
    return reply


async def _ask(client: Client, code: str, timeout: float) -> Message | None:
    """Query ``code``; None when the device does not answer in time or usably.

    ConnectionClosedError passes: without a connection there is nothing to identify.
    Any other library error (a reply dropped as too large, for instance) counts as no
    answer, at once.
    """
    try:
        return await client.query(code, timeout=timeout)
    except ConnectionClosedError:
        raise
    except QueryTimeoutError:
        return None
    except EiscpError as err:
        _LOGGER.warning("No usable %s reply from %s: %s", code, client.host, err)
        return None


# --- legacy Pioneer receivers -----------------------------------------------------------


async def identify_pioneer(
    host: str,
    port: int,
    *,
    timeout: float,
    upnp_port: int | None = None,
    upnp_path: str = UPNP_DESCRIPTION_PATH,
) -> Identity | None:
    """Interview a legacy Pioneer receiver; None when ``host:port`` does not speak it.

    The model comes from the receiver (``?RGD``, else its UPnP description); the
    identifier from its UPnP description (UDN, else serial number), else its MAC
    (``?SVB``), else "". Raises IdentifyError ``cannot_connect`` when nothing accepts
    the connection or it drops.
    """
    try:
        found = await pioneer_interview(
            host,
            port,
            timeout=timeout,
            upnp_port=PIONEER_UPNP_PORT if upnp_port is None else upnp_port,
            upnp_path=upnp_path,
        )
        if found is None:
            return None
        description = found.description
        model = found.model or (description.model_name if description else None) or ""
        async with PioneerClient(
            host, port, query_timeout=timeout, connect_timeout=timeout
        ) as client:
            facts = await read_facts(client, model, found.mac)
    except ConnectionClosedError as err:
        raise IdentifyError("cannot_connect", str(err)) from err
    identifier = ""
    if description is not None and description.identifier:
        identifier = description.identifier
    elif found.mac:
        identifier = normalize_identifier(found.mac)
    return Identity(info=device_info(facts), identifier=identifier, from_nri=False, pioneer=facts)


async def interview_pioneer(client: PioneerClient, *, timeout: float) -> PioneerIdentity | None:
    """Who the legacy Pioneer receiver on a controller's connection is (model, MAC, UDN).

    None when it does not answer ``?P``; ConnectionClosedError when the connection drops.
    """
    return await pioneer_interview_connected(client, timeout=timeout, upnp_port=PIONEER_UPNP_PORT)


# --- the saved NRI --------------------------------------------------------------------


def _nri_store(hass: HomeAssistant, identifier: str) -> Store[dict[str, str]]:
    """The saved NRI of the device ``identifier`` (one small file per device)."""
    return Store(hass, _NRI_STORE_VERSION, f"{DOMAIN}.nri.{identifier}", private=True)


async def async_save_nri(hass: HomeAssistant, identity: Identity) -> None:
    """Save the NRI that identified a device, for its next setup (if it sent one)."""
    if identity.identifier and identity.nri_xml is not None:
        await _nri_store(hass, identity.identifier).async_save({"nri": identity.nri_xml})


async def async_load_saved_info(hass: HomeAssistant, identifier: str) -> DeviceInfo | None:
    """The saved NRI of device ``identifier``, parsed; None when there is none usable."""
    data = await _nri_store(hass, identifier).async_load()
    if data is None or "nri" not in data:
        return None
    try:
        return parse_nri(data["nri"])
    except EiscpError as err:
        _LOGGER.warning("Ignoring the saved receiver information of %s: %s", identifier, err)
        return None


async def async_remove_saved_nri(hass: HomeAssistant, identifier: str) -> None:
    """Forget the saved NRI of device ``identifier``."""
    await _nri_store(hass, identifier).async_remove()

"""An asyncio eISCP library (Onkyo, Integra, Pioneer): stdlib only, no Home Assistant.

Framing (:mod:`.frame`), typed messages (:mod:`.messages`) with their parser
(:mod:`.parser`) and command builders (:mod:`.commands`), receiver information
(:mod:`.nri`) and what it says a device has (:mod:`.capabilities`), volume scales
(:mod:`.volume`), streamed album art (:mod:`.art`), the connection (:mod:`.client`) and
discovery (:mod:`.discovery`). The legacy Pioneer line protocol is :mod:`.pioneer`; both
drivers satisfy :class:`.interface.ReceiverClient`, the interface a controller is typed with.

Published on its own as the ``aioeiscp`` distribution (see README.md beside this file);
the Home Assistant integration ships the same source as its ``eiscp`` subpackage.
"""

from .capabilities import Capabilities, ZoneCapabilities
from .client import Client, ConnectionStats, Footprint
from .const import DEFAULT_PORT, Zone
from .discovery import DiscoveredDevice, discover, interview
from .errors import (
    ConnectionClosedError,
    EiscpError,
    FrameError,
    MessageTooLargeError,
    NRIError,
    QueryTimeoutError,
)
from .frame import FrameDecoder, encode
from .interface import ReceiverClient
from .messages import Message
from .nri import DeviceInfo, parse_nri
from .parser import parse
from .volume import VolumeScale

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_PORT",
    "Capabilities",
    "Client",
    "ConnectionClosedError",
    "ConnectionStats",
    "DeviceInfo",
    "DiscoveredDevice",
    "EiscpError",
    "Footprint",
    "FrameDecoder",
    "FrameError",
    "Message",
    "MessageTooLargeError",
    "NRIError",
    "QueryTimeoutError",
    "ReceiverClient",
    "VolumeScale",
    "Zone",
    "ZoneCapabilities",
    "discover",
    "encode",
    "interview",
    "parse",
    "parse_nri",
]

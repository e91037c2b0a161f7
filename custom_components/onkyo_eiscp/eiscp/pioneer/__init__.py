"""A second driver: the line protocol of Pioneer receivers from before 2016.

Pioneer's VSX and SC-LX receivers of 2009-2015 do not speak eISCP. They take commands
ending in CR (``PO``, ``050VL``, ``25FN``) and answer, and push every change, in lines
ending in CR LF (``PWR0``, ``VOL050``, ``FN25``) on TCP port 8102 or 23. This package
turns those lines into the library's typed messages (:mod:`..messages`, with the zone
they belong to), builds command lines from the same intents as the eISCP builders, and
keeps a connection with the same qualities and API as the eISCP client. Codec
(:mod:`.codec`), parser (:mod:`.parser`), builders (:mod:`.commands`), names of
listening modes and inputs (:mod:`.codes`), connection (:mod:`.client`), identity and
UPnP description (:mod:`.identify`).
"""

from .client import Client, PioneerStats
from .codec import LineDecoder, encode
from .const import DEFAULT_PORT, HDZONE, PORTS, ZONES
from .errors import CommandError, DescriptionError
from .identify import (
    PioneerIdentity,
    UpnpDescription,
    fetch_description,
    interview,
    interview_connected,
    parse_description,
)
from .messages import (
    DisplayText,
    ErrorReply,
    InputName,
    MacAddress,
    ModelName,
    Ready,
    SoftwareVersion,
    TunerPreset,
)
from .parser import parse

__all__ = [
    "DEFAULT_PORT",
    "HDZONE",
    "PORTS",
    "ZONES",
    "Client",
    "CommandError",
    "DescriptionError",
    "DisplayText",
    "ErrorReply",
    "InputName",
    "LineDecoder",
    "MacAddress",
    "ModelName",
    "PioneerIdentity",
    "PioneerStats",
    "Ready",
    "SoftwareVersion",
    "TunerPreset",
    "UpnpDescription",
    "encode",
    "fetch_description",
    "interview",
    "interview_connected",
    "parse",
    "parse_description",
]

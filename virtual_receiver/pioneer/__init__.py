"""A virtual legacy Pioneer receiver (VSX-1021-like): ``python -m virtual_receiver.pioneer``.

It speaks Pioneer's pre-2016 line protocol and takes its facts from Pioneer's published
code lists, not from the integration: it imports nothing from ``custom_components``.
"""

from .device import Device, ZoneState
from .profile import HDZONE, MAIN, VSX_1021, ZONE2, ZONE3, Profile, description_xml
from .server import VirtualPioneer

__all__ = [
    "HDZONE",
    "MAIN",
    "VSX_1021",
    "ZONE2",
    "ZONE3",
    "Device",
    "Profile",
    "VirtualPioneer",
    "ZoneState",
    "description_xml",
]

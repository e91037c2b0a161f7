"""A virtual eISCP receiver for tests, benchmarks and demos (``python -m virtual_receiver``).

It is an implementation of its own, taken from the eISCP specification: it imports nothing
from the integration it tests, so a wrong table there cannot hide behind the same table here.
"""

from .receiver import PROFILES_DIR, VirtualReceiver, available_profiles
from .state import DEMO_PLAYLIST, NetState, ReceiverState, Track, ZoneState

__all__ = [
    "DEMO_PLAYLIST",
    "PROFILES_DIR",
    "NetState",
    "ReceiverState",
    "Track",
    "VirtualReceiver",
    "ZoneState",
    "available_profiles",
]

"""Constants of the Onkyo, Pioneer & Integra (eISCP) integration."""

from __future__ import annotations

from typing import Final

DOMAIN: Final = "onkyo_eiscp"

CONF_VOLUME_LIMIT: Final = "volume_limit"
CONF_SOURCES: Final = "sources"
# Options: the user's names for inputs ({SLI code: name}) and listening modes ({LMD
# code: name}, shared by every zone's modes), and the listening modes offered on the
# main zone (a list of LMD codes; absent: every mode the device has).
CONF_SOURCE_NAMES: Final = "source_names"
CONF_LISTENING_MODE_NAMES: Final = "listening_mode_names"
CONF_LISTENING_MODES: Final = "listening_modes"
DEFAULT_VOLUME_LIMIT: Final = 100
# Announcements through the device's renderer: their volume in % of Home Assistant's
# volume scale (absent: the zone's current volume), and the seconds one may play.
CONF_ANNOUNCE_VOLUME: Final = "announce_volume"
CONF_ANNOUNCE_TIME_LIMIT: Final = "announce_time_limit"
DEFAULT_ANNOUNCE_TIME_LIMIT: Final = 120

# Seconds between two writes to the device: eISCP devices lose commands sent closer
# together, and legacy Pioneer receivers drop those sent faster than about 100 ms.
PACING: Final = 0.05
PIONEER_PACING: Final = 0.1
# Seconds the config flow gives a device to connect and identify itself.
VALIDATE_TIMEOUT: Final = 5.0
# Seconds setup waits for the receiver-information reply before retrying later.
SETUP_TIMEOUT: Final = 10.0
# Seconds after a setup from the saved NRI before the device's identity and NRI are
# checked in the background: the state queries (paced 50 ms apart) go first.
VERIFY_DELAY: Final = 2.0
# Seconds discovery listens for ECN replies.
DISCOVERY_TIMEOUT: Final = 2.0
# The connection's keepalive: after this many quiet seconds ask the device something;
# no answer within the timeout means the device is gone although the socket is open.
KEEPALIVE_IDLE: Final = 30.0
KEEPALIVE_TIMEOUT: Final = 5.0
# Sessions in a row that the device accepts but never answers in before a repair issue
# says its network module hangs (with the keepalive above, about two minutes).
NOT_RESPONDING_SESSIONS: Final = 3

# Option: close the connection while every zone is off (some receivers do not enter
# auto-standby, or turn back on, while a controller keeps a connection open), and look
# again on a slow schedule, or when discovery sees the device. Off by default: while
# released, a power-on from the remote shows up only at the next look.
CONF_RELEASE_WHILE_OFF: Final = "release_while_off"
DEFAULT_RELEASE_WHILE_OFF: Final = False
# Seconds every zone must stay off before the connection is released (an off-and-on
# again keeps it), and between looks while released.
RELEASE_GRACE: Final = 60.0
RELEASE_RECHECK_INTERVAL: Final = 300.0
# Which protocol an entry's device speaks (entries without the key speak eISCP).
CONF_PROTOCOL: Final = "protocol"
PROTOCOL_EISCP: Final = "eiscp"
PROTOCOL_PIONEER: Final = "pioneer"
# A legacy Pioneer receiver's zones, inputs and model as its interview found them
# (eiscp.pioneer.device_info.PioneerFacts.as_dict): its stand-in for a saved NRI.
CONF_PIONEER_FACTS: Final = "pioneer_facts"
# Where legacy Pioneer receivers serve their UPnP description (its UDN identifies them).
PIONEER_UPNP_PORT: Final = 8080

"""What a virtual Pioneer receiver is: its model, zones, inputs and identity.

Facts from Pioneer's published IP & RS-232 code lists (2011 models) as aiopioneer and
the seed's links give them; written here on their own, independent of the library.
"""

from __future__ import annotations

from dataclasses import dataclass

MAIN, ZONE2, ZONE3, HDZONE = "main", "zone2", "zone3", "hdzone"


@dataclass(frozen=True, slots=True, kw_only=True)
class Profile:
    """A model: zones, named inputs (id -> name, renamed by the user), modes, identity."""

    model: str
    zones: tuple[str, ...]
    inputs: dict[str, tuple[str, bool]]
    # The inputs zone 2, zone 3 and the HDZone can select (of ``inputs``; the first is
    # where the zone starts): the analog and tuner inputs for zones 2 and 3, the HDMI and
    # digital ones for the HDZone.
    zone_inputs: dict[str, tuple[str, ...]]
    listening_modes: tuple[str, ...]
    # The tuner's presets (class letter + number -> "F08750": FM 87.50 MHz, "A00531": AM).
    presets: dict[str, str]
    udn: str
    serial: str | None
    mac: str | None  # None: the model does not answer ?SVB (older models)
    manufacturer: str = "PIONEER CORPORATION"


VSX_1021 = Profile(
    model="VSX-1021",
    zones=(MAIN, ZONE2, ZONE3),
    inputs={
        "25": ("BD", False),
        "04": ("DVD", False),
        "06": ("SAT/CBL", False),
        "19": ("Apple TV", True),
        "05": ("TV", False),
        "01": ("CD", False),
        "02": ("TUNER", False),
        "38": ("INTERNET RADIO", False),
    },
    zone_inputs={
        ZONE2: ("04", "06", "05", "01", "02", "38"),
        ZONE3: ("04", "06", "05", "01", "02", "38"),
        HDZONE: ("25", "04", "06", "19", "38"),
    },
    listening_modes=("0005", "0006", "0007", "0008", "0009", "0010", "0012", "0013", "0100"),
    presets={"A01": "F08750", "A02": "F09150", "A03": "F10110", "B01": "A00531", "B02": "A01008"},
    udn="uuid:5f9ec1b3-ed59-1900-4530-00a0de9e2b3c",
    serial="KCPN001234UC",
    mac=None,
)


def description_xml(profile: Profile) -> str:
    """The UPnP device description the receiver serves at /AVTransport/desc.xml."""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<root xmlns="urn:schemas-upnp-org:device-1-0" xmlns:dlna="urn:schemas-dlna-org:device-1-0">
  <specVersion><major>1</major><minor>0</minor></specVersion>
  <device>
    <deviceType>urn:schemas-upnp-org:device:MediaRenderer:1</deviceType>
    <friendlyName>{profile.model}</friendlyName>
    <manufacturer>{profile.manufacturer}</manufacturer>
    <manufacturerURL>http://www.pioneer.co.jp/</manufacturerURL>
    <modelDescription>AV Receiver</modelDescription>
    <modelName>{profile.model}</modelName>
    <modelNumber>{profile.model}</modelNumber>
    <serialNumber>{profile.serial or ""}</serialNumber>
    <UDN>{profile.udn}</UDN>
    <serviceList>
      <service>
        <serviceType>urn:schemas-upnp-org:service:AVTransport:1</serviceType>
        <serviceId>urn:upnp-org:serviceId:AVTransport</serviceId>
        <SCPDURL>/AVTransport/scpd.xml</SCPDURL>
        <controlURL>/AVTransport/control</controlURL>
        <eventSubURL>/AVTransport/event</eventSubURL>
      </service>
    </serviceList>
  </device>
</root>
"""

"""A device profile: the receiver-information (NRI) document a device sends, read with stdlib XML.

Per the spec's NRI example, ``<zone>`` gives ``volmax`` and ``volstep`` (0: half-dB steps),
``<selector>``, ``<netservice>`` and ranged ``<control>`` elements carry a ``zone`` bit mask
(bit 0 main ... bit 3 zone 4), and other ``<control>`` elements are feature flags
("NoVolume", "time_hhmmss", "Dimmer", ...). The profiles are files of this project; a
document with a DOCTYPE is refused anyway.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import re
from typing import Final
import xml.etree.ElementTree as ET

from .zones import ZONES, Zone

# Without NRI (or a zone in it), devices count volume in 1 dB steps up to 0x64.
DEFAULT_VOLUME_MAX: Final = 0x64
_HEX: Final = re.compile(r"[0-9A-Fa-f]{1,2}")


@dataclass(frozen=True, slots=True)
class ZoneInfo:
    """A ``<zone>`` of the zone list."""

    zone: Zone
    enabled: bool
    volmax: int
    volstep: int

    @property
    def max_volume(self) -> int:
        """The highest raw volume level: 0 without volume, doubled for half-dB steps."""
        if self.volmax <= 0:
            return 0
        return self.volmax * 2 if self.volstep == 0 else self.volmax


@dataclass(frozen=True, slots=True)
class Selector:
    """A ``<selector>``: an input and the zones that can choose it."""

    id: str
    name: str
    zones: int

    def in_zone(self, zone: Zone) -> bool:
        """Whether ``zone`` can choose this input."""
        return bool(self.zones & zone.bit)


@dataclass(frozen=True, slots=True)
class Profile:
    """What the virtual device takes from its NRI document."""

    brand: str
    model: str
    mac: str
    zones: tuple[ZoneInfo, ...]
    selectors: tuple[Selector, ...]
    net_services: tuple[str, ...]
    presets: tuple[int, ...]
    flags: frozenset[str] = frozenset()
    # (control id, zone) of every enabled ranged control, e.g. ("Bass", Zone.MAIN).
    ranges: frozenset[tuple[str, Zone]] = field(default_factory=frozenset)
    listening_mode_buttons: int = 0
    controls: frozenset[str] = frozenset()  # every control id listed, on or off

    def flag(self, name: str) -> bool:
        """Whether the feature flag ``name`` is on."""
        return name in self.flags

    def zone(self, zone: Zone) -> ZoneInfo | None:
        """The zone's entry, None if the document does not list it."""
        return next((info for info in self.zones if info.zone is zone), None)

    @property
    def enabled_zones(self) -> tuple[ZoneInfo, ...]:
        """The zones the device has."""
        return tuple(info for info in self.zones if info.enabled)

    def max_volume(self, zone: Zone) -> int:
        """The zone's highest raw volume level; 0 when it has no volume control."""
        if zone is Zone.MAIN and self.flag("NoVolume"):
            return 0
        info = self.zone(zone)
        return DEFAULT_VOLUME_MAX if info is None else info.max_volume


def read_profile(xml: str) -> Profile:
    """Read an NRI document; ValueError when it is not one."""
    if re.search(r"<!\s*(DOCTYPE|ENTITY)", xml, re.IGNORECASE):
        raise ValueError("an NRI document with declarations is refused")
    root = ET.fromstring(xml)  # noqa: S314 - the project's own files, declarations refused
    device = root if root.tag == "device" else root.find("device")
    if device is None:
        raise ValueError("no <device> element")
    flags: set[str] = set()
    ranges: set[tuple[str, Zone]] = set()
    buttons = 0
    for control in device.iterfind("controllist/control"):
        name, on = control.get("id", ""), control.get("value", "0") not in ("", "0")
        if name.startswith("LMD "):
            buttons += 1
        elif on and control.get("min") is not None:
            mask = _mask(control.get("zone"))
            ranges.update((name, zone) for zone in ZONES if mask & zone.bit)
        elif on:
            flags.add(name)
    return Profile(
        brand=(device.findtext("brand") or "").strip(),
        model=(device.findtext("model") or "").strip() or device.get("id", ""),
        mac=_mac(device.findtext("macaddress") or ""),
        zones=_zones(device),
        selectors=tuple(
            Selector(
                id=item.get("id", "").upper().zfill(2),
                name=item.get("name", "").strip(),
                zones=_mask(item.get("zone")),
            )
            for item in device.iterfind("selectorlist/selector")
            if _HEX.fullmatch(item.get("id", ""))
        ),
        net_services=tuple(
            item.get("id", "").upper().zfill(2)
            for item in device.iterfind("netservicelist/netservice")
            if _HEX.fullmatch(item.get("id", ""))
        ),
        presets=tuple(
            int(item.get("id", ""), 16)
            for item in device.iterfind("presetlist/preset")
            if _HEX.fullmatch(item.get("id", ""))
        ),
        flags=frozenset(flags),
        ranges=frozenset(ranges),
        listening_mode_buttons=buttons,
        controls=frozenset(c.get("id", "") for c in device.iterfind("controllist/control")),
    )


def _zones(device: ET.Element) -> tuple[ZoneInfo, ...]:
    found: dict[Zone, ZoneInfo] = {}
    for item in device.iterfind("zonelist/zone"):
        number = _int(item.get("id"), 0)
        if 1 <= number <= len(ZONES):
            zone = ZONES[number - 1]
            found[zone] = ZoneInfo(
                zone=zone,
                enabled=zone is Zone.MAIN or item.get("value") == "1",
                volmax=_int(item.get("volmax"), 0),
                volstep=_int(item.get("volstep"), 1),
            )
    found.setdefault(Zone.MAIN, ZoneInfo(Zone.MAIN, True, DEFAULT_VOLUME_MAX, 1))
    return tuple(found[zone] for zone in ZONES if zone in found)


def _int(value: str | None, default: int) -> int:
    try:
        return int(value or "")
    except ValueError:
        return default


def _mask(value: str | None) -> int:
    """A ``zone`` attribute: a hex bit mask; main only when absent."""
    return int(value, 16) if value and _HEX.fullmatch(value) else 1


def _mac(value: str) -> str:
    digits = re.sub(r"[^0-9A-Fa-f]", "", value).upper()
    return digits if len(digits) == 12 else ""

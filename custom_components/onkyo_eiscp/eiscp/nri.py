"""Receiver information (NRI): the XML a device sends to describe itself.

:func:`parse_nri` refuses oversize documents and any DOCTYPE or ENTITY declaration
(entity-expansion attacks) before parsing. Missing optional parts get defaults. Hex ids
are normalised to uppercase ("2b" -> "2B"). The ``zone`` attribute of selectors, net
services and ranged controls is a bitmask (bit 0 main ... bit 3 zone 4); a ranged
control's ``step`` 0 means 0.5 dB steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import re
from typing import Final
import xml.etree.ElementTree as ET

from .const import ZONES, Zone
from .errors import NRIError

MAX_NRI_SIZE: Final = 256 * 1024
_ENTITY_DECLARATION: Final = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_HEX: Final = re.compile(r"[0-9A-Fa-f]+")


@dataclass(frozen=True, slots=True, kw_only=True)
class ZoneInfo:
    """One zone of <zonelist>."""

    zone: Zone
    enabled: bool  # value="1"
    name: str
    volmax: int  # 0: the zone has no volume control
    volstep: int  # 0: 0.5 dB steps (raw range 0..2*volmax); 1: 1 dB steps


@dataclass(frozen=True, slots=True, kw_only=True)
class Selector:
    """One input selector of <selectorlist>."""

    id: str  # 2 uppercase hex digits, as SLI uses them
    name: str
    zones: int  # bitmask: bit 0 main, bit 1 zone2, bit 2 zone3, bit 3 zone4
    enabled: bool
    icon_id: str | None
    addqueue: bool = False  # addqueue="1": its items can join the play queue (PQA)

    def in_zone(self, zone: Zone) -> bool:
        """Whether the selector can be chosen in ``zone``."""
        return bool(self.zones & (1 << (zone.number - 1)))


@dataclass(frozen=True, slots=True, kw_only=True)
class NetService:
    """One network service of <netservicelist>."""

    id: str  # 2 uppercase hex digits
    name: str
    enabled: bool
    zones: int
    addqueue: bool = False  # addqueue="1": its items can join the play queue (PQA)


@dataclass(frozen=True, slots=True, kw_only=True)
class PresetInfo:
    """One tuner preset of <presetlist> (band 0 = empty slot)."""

    number: int
    band: int
    frequency: str
    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ControlRange:
    """A ranged control such as "Bass" (min/max/step in dB) for one zone."""

    min: float
    max: float
    step: float


@dataclass(frozen=True, slots=True, kw_only=True)
class ListeningModeButton:
    """An ``LMD <name>`` control: a listening-mode button and its LMD code."""

    name: str
    code: str
    enabled: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceInfo:
    """The parsed NRI document."""

    brand: str
    category: str
    model: str
    year: str
    destination: str
    serial: str
    mac: str  # normalised: 12 uppercase hex digits without separators, "" when absent
    firmware: str
    friendly_name: str
    model_icon_url: str
    zones: tuple[ZoneInfo, ...]  # always includes MAIN (enabled) even if zonelist lacks it
    selectors: tuple[Selector, ...]
    net_services: tuple[NetService, ...]
    presets: tuple[PresetInfo, ...]
    # Raw <control id=... value=...>: id -> value ("1" enabled), for flags such as
    # "NoVolume", "NJAREQ", "time_hhmmss", "Dimmer", "NoAudioInfo", "NoVideoInfo".
    controls: dict[str, str] = field(default_factory=dict)
    # Ranged controls per (control id, zone): ("Bass", MAIN) -> ControlRange.
    ranges: dict[tuple[str, Zone], ControlRange] = field(default_factory=dict)
    listening_mode_buttons: tuple[ListeningModeButton, ...] = ()
    functions: dict[str, str] = field(default_factory=dict)  # <functionlist>

    @property
    def identifier(self) -> str:
        """The device's MAC, else its serial, else "" (many devices send neither)."""
        return self.mac or self.serial

    def flag(self, control_id: str) -> bool:
        """Whether control ``control_id`` is present with a non-zero value."""
        return self.controls.get(control_id, "0") not in ("", "0")

    def zone(self, zone: Zone) -> ZoneInfo | None:
        """The zone's info, None if the device does not list it."""
        return next((z for z in self.zones if z.zone is zone), None)

    @property
    def enabled_zones(self) -> tuple[ZoneInfo, ...]:
        """Zones with value="1" (main always)."""
        return tuple(z for z in self.zones if z.enabled)


def parse_nri(xml: str | bytes) -> DeviceInfo:
    """Parse an NRI document; NRIError says what is wrong with a bad one."""
    data = xml.encode() if isinstance(xml, str) else xml
    if len(data) > MAX_NRI_SIZE:
        raise NRIError(f"receiver information is {len(data)} bytes; the limit is {MAX_NRI_SIZE}")
    if b"\x00" in data:
        # UTF-16/32 text is full of NULs; it could hide a DOCTYPE from the check below.
        raise NRIError("receiver information contains NUL bytes; refused")
    if _ENTITY_DECLARATION.search(data):
        raise NRIError("receiver information declares a DOCTYPE or entities; refused")
    try:
        root = ET.fromstring(data)  # noqa: S314 - size capped and declarations refused above
    except ET.ParseError as err:
        raise NRIError(f"receiver information is not well-formed XML: {err}") from err
    device = root if root.tag == "device" else root.find("device")
    if device is None:
        raise NRIError("receiver information has no <device> element")

    def text(tag: str) -> str:
        return (device.findtext(tag) or "").strip()

    controls: dict[str, str] = {}
    ranges: dict[tuple[str, Zone], ControlRange] = {}
    buttons: list[ListeningModeButton] = []
    for control in device.iterfind("controllist/control"):
        control_id = control.get("id", "")
        value = control.get("value", "0")
        controls[control_id] = value
        if control_id.startswith("LMD "):
            buttons.append(
                ListeningModeButton(
                    name=control_id[4:], code=control.get("code", ""), enabled=value == "1"
                )
            )
        elif value == "1" and control.get("min") is not None:
            step = _number(control.get("step"), 1.0)
            limits = ControlRange(
                min=_number(control.get("min"), 0.0),
                max=_number(control.get("max"), 0.0),
                step=step if step > 0 else 0.5,
            )
            for zone in _zones(control.get("zone"), default=1):
                ranges[(control_id, zone)] = limits

    return DeviceInfo(
        brand=text("brand"),
        category=text("category"),
        model=text("model") or device.get("id", ""),
        year=text("year"),
        destination=text("destination"),
        serial=text("deviceserial"),
        mac=_mac(text("macaddress")),
        firmware=text("firmwareversion"),
        friendly_name=text("friendlyname"),
        model_icon_url=text("modeliconurl"),
        zones=_zone_infos(device),
        selectors=tuple(
            Selector(
                id=_hex_id(item.get("id")),
                name=(item.get("name") or "").strip(),
                zones=_mask(item.get("zone"), default=1),
                enabled=item.get("value", "1") != "0",
                icon_id=item.get("iconid"),
                addqueue=item.get("addqueue") == "1",
            )
            for item in device.iterfind("selectorlist/selector")
            if _HEX.fullmatch(item.get("id", ""))
        ),
        net_services=tuple(
            NetService(
                id=_hex_id(item.get("id")),
                name=(item.get("name") or "").strip(),
                enabled=item.get("value", "1") != "0",
                zones=_mask(item.get("zone"), default=1),
                addqueue=item.get("addqueue") == "1",
            )
            for item in device.iterfind("netservicelist/netservice")
            if _HEX.fullmatch(item.get("id", ""))
        ),
        presets=tuple(
            PresetInfo(
                number=int(item.get("id", "0"), 16),
                band=int(_number(item.get("band"), 0)),
                frequency=item.get("freq", ""),
                name=(item.get("name") or "").strip(),
            )
            for item in device.iterfind("presetlist/preset")
            if _HEX.fullmatch(item.get("id", ""))
        ),
        controls=controls,
        ranges=ranges,
        listening_mode_buttons=tuple(buttons),
        functions={
            item.get("id", ""): item.get("value", "0")
            for item in device.iterfind("functionlist/function")
        },
    )


def _zone_infos(device: ET.Element) -> tuple[ZoneInfo, ...]:
    zones: dict[Zone, ZoneInfo] = {}
    for item in device.iterfind("zonelist/zone"):
        number = int(_number(item.get("id"), 0))
        if not 1 <= number <= len(ZONES):
            continue
        zone = ZONES[number - 1]
        zones[zone] = ZoneInfo(
            zone=zone,
            enabled=zone is Zone.MAIN or item.get("value", "0") == "1",
            name=(item.get("name") or "").strip() or zone.value,
            volmax=int(_number(item.get("volmax"), 0)),
            volstep=int(_number(item.get("volstep"), 1)),
        )
    if Zone.MAIN not in zones:
        zones[Zone.MAIN] = ZoneInfo(
            zone=Zone.MAIN, enabled=True, name="Main", volmax=0x64, volstep=1
        )
    return tuple(zones[zone] for zone in ZONES if zone in zones)


def _number(value: str | None, default: float) -> float:
    try:
        return float(value) if value is not None else default
    except ValueError:
        return default


def _mask(value: str | None, *, default: int) -> int:
    return int(value, 16) if value and _HEX.fullmatch(value) else default


def _zones(value: str | None, *, default: int) -> list[Zone]:
    mask = _mask(value, default=default)
    return [zone for zone in ZONES if mask & (1 << (zone.number - 1))]


def _hex_id(value: str | None) -> str:
    return (value or "").upper().zfill(2)


def _mac(value: str) -> str:
    digits = re.sub(r"[^0-9A-Fa-f]", "", value).upper()
    return digits if len(digits) == 12 else ""

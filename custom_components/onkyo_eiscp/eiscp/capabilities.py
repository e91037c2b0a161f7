"""What a device has, derived once from its receiver information (NRI).

NRI describes a device in flags, ranges, lists and per-zone attributes; what each of
them means for a controller (which zones have a volume, which have tone controls,
whether the device reports audio information or updates its firmware over the network,
which queries it answers) is decided here and nowhere else. :meth:`Capabilities.from_info`
computes it; the rest of a controller reads the result.

A device without NRI (or with a malformed one) gets the capabilities of an empty
document: the main zone with the default volume range and nothing else to ask for.
"""

from __future__ import annotations

from dataclasses import dataclass

from .codes import NET_SELECTORS, listening_modes_for, spec_listening_modes
from .const import MUTE, POWER, SOURCE, TONE, VOLUME, Zone
from .nri import ControlRange, DeviceInfo, Selector
from .settings import SETTING_ZONES, nri_has
from .volume import VolumeScale

# Codes of the network player's state that a device with one answers at any time.
_NET_QUERIES = ("NJA", "NST")
# Selector ids of tuner inputs (FM, AM, TUNER, DAB).
TUNER_SELECTORS = frozenset({"24", "25", "26", "33"})


@dataclass(frozen=True, slots=True, kw_only=True)
class ZoneCapabilities:
    """What one enabled zone has."""

    zone: Zone
    volume: VolumeScale  # max_raw 0: no volume control (nor mute)
    bass: ControlRange | None  # None: no bass control in this zone
    treble: ControlRange | None
    selectors: tuple[Selector, ...]  # the enabled inputs of this zone, in NRI's order
    queries: tuple[str, ...]  # what to ask for the zone's state (when it comes on)

    @property
    def tuner(self) -> bool:
        """Whether the zone has a tuner input (presets and tuning are per zone)."""
        return any(s.id in TUNER_SELECTORS for s in self.selectors)


@dataclass(frozen=True, slots=True, kw_only=True)
class Capabilities:
    """What a device has (see the module docstring)."""

    zones: tuple[ZoneCapabilities, ...]  # the enabled zones, main first
    listening_modes: tuple[str, ...]  # LMD codes of the model; () without listening modes
    net: bool  # a network/USB player
    has_inputs: bool  # NRI lists inputs: a zone reports which is selected (SLI)
    audio_info: bool  # IFA
    video_info: bool  # IFV
    network_update: bool  # firmware updates over the network (UPD)
    hdmi_output: bool  # HDO
    dimmer: bool  # DIM
    center_level: ControlRange | None  # CTL
    subwoofer_level: ControlRange | None  # SWL
    seek_hours: bool  # times and seeks as hh:mm:ss (else mm:ss)
    connect_queries: tuple[str, ...]  # what to ask on (re)connect, in order
    # Settings (eiscp.settings): those NRI says the device has, and those NRI is silent
    # on, to be asked once while their zone is on. Never one NRI says the device lacks.
    settings: tuple[str, ...] = ()
    settings_to_ask: tuple[str, ...] = ()

    @classmethod
    def from_info(cls, info: DeviceInfo) -> Capabilities:
        """The capabilities ``info`` describes."""
        no_volume = info.flag("NoVolume")
        has_selectors = bool(info.selectors)
        # Signal information comes from receivers: devices with inputs and a volume.
        receiver = has_selectors and not no_volume
        main = _MainExtras(
            listening_modes=_listening_modes(info),
            audio_info=receiver and not info.flag("NoAudioInfo"),
            video_info=receiver and not info.flag("NoVideoInfo"),
            hdmi_output=info.flag("HDMIOUT Sub"),
            dimmer=info.flag("Dimmer"),
            center_level=info.ranges.get(("Center Level", Zone.MAIN)),
            subwoofer_level=info.ranges.get(("Subwoofer Level", Zone.MAIN)),
        )
        zones = tuple(
            _zone(info, zone_info.zone, main, no_volume=no_volume)
            for zone_info in info.enabled_zones
        )
        net = bool(info.net_services) or any(s.id in NET_SELECTORS for s in info.selectors)
        network_update = info.functions.get("NetUpdate", "1") != "0"
        connect = [POWER[zone.zone] for zone in zones]
        connect += zones[0].queries
        if net:
            connect += _NET_QUERIES
        if network_update:
            connect.append("UPD")
        settings, to_ask = _settings(info, {z.zone for z in zones}) if receiver else ((), ())
        return cls(
            settings=settings,
            settings_to_ask=to_ask,
            zones=zones,
            listening_modes=main.listening_modes,
            net=net,
            has_inputs=has_selectors,
            audio_info=main.audio_info,
            video_info=main.video_info,
            network_update=network_update,
            hdmi_output=main.hdmi_output,
            dimmer=main.dimmer,
            center_level=main.center_level,
            subwoofer_level=main.subwoofer_level,
            seek_hours=info.flag("time_hhmmss"),
            connect_queries=tuple(dict.fromkeys(connect)),
        )

    def zone(self, zone: Zone) -> ZoneCapabilities | None:
        """The zone's capabilities; None when the device has not enabled it."""
        return next((z for z in self.zones if z.zone is zone), None)


@dataclass(frozen=True, slots=True, kw_only=True)
class _MainExtras:
    """The main zone's extras: settings and readings that only it has."""

    listening_modes: tuple[str, ...]
    audio_info: bool
    video_info: bool
    hdmi_output: bool
    dimmer: bool
    center_level: ControlRange | None
    subwoofer_level: ControlRange | None

    def queries(self) -> list[str]:
        """The codes that report them (needless queries upset some receivers)."""
        wanted = (
            ("LMD", bool(self.listening_modes)),
            ("CTL", self.center_level is not None),
            ("SWL", self.subwoofer_level is not None),
            ("HDO", self.hdmi_output),
            ("DIM", self.dimmer),
            ("IFA", self.audio_info),
            ("IFV", self.video_info),
        )
        return [code for code, present in wanted if present]


def _settings(info: DeviceInfo, zones: set[Zone]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The settings NRI says the device has, and those to ask it about."""
    has: list[str] = []
    ask: list[str] = []
    for code, zone in SETTING_ZONES.items():
        if zone not in zones:
            continue
        verdict = nri_has(info, code)
        if verdict is None:
            ask.append(code)
        elif verdict:
            has.append(code)
    return tuple(has), tuple(ask)


def _zone(info: DeviceInfo, zone: Zone, main: _MainExtras, *, no_volume: bool) -> ZoneCapabilities:
    volume = (
        VolumeScale(max_raw=0)
        if no_volume and zone is Zone.MAIN
        else VolumeScale.from_zone(info.zone(zone))
    )
    # A zone without a tone command (zone 4) has no tone, whatever NRI lists for it.
    toned = zone in TONE
    bass = info.ranges.get(("Bass", zone)) if toned else None
    treble = info.ranges.get(("Treble", zone)) if toned else None
    queries: list[str] = []
    if info.selectors or zone is Zone.MAIN:
        queries.append(SOURCE[zone])
    if volume.has_volume:
        queries += [VOLUME[zone], MUTE[zone]]
    if bass is not None or treble is not None:
        queries.append(TONE[zone])
    if zone is Zone.MAIN:
        queries += main.queries()
    return ZoneCapabilities(
        zone=zone,
        volume=volume,
        bass=bass,
        treble=treble,
        selectors=tuple(s for s in info.selectors if s.enabled and s.in_zone(zone)),
        queries=tuple(queries),
    )


def _listening_modes(info: DeviceInfo) -> tuple[str, ...]:
    """The LMD codes to offer: the spec's for the model, else the device's own buttons.

    A device whose buttons all carry LMD codes (a legacy Pioneer's synthesized
    description) offers exactly those; others the spec does not know get the common set.
    """
    buttons = [button for button in info.listening_mode_buttons if button.enabled]
    if not buttons:
        return ()
    known = spec_listening_modes(info.model)
    if known is not None:
        return known
    codes = tuple(button.code for button in buttons)
    if all(len(code) == 2 and all(c in "0123456789ABCDEF" for c in code) for code in codes):
        return codes
    return listening_modes_for(info.model)

"""The device: its state, what it answers to queries, and what each command does.

Facts come from the spec (:mod:`.tables`: command codes per zone, the parameters each
command takes) and from the device's own NRI profile (which zones, inputs, services and
controls it has). A query of something the device lacks, and a command it does not take,
get ``N/A``, as real devices answer.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
import hashlib
import re
from typing import Final

from .art import BMP, bmp, nja_packets, track_colour
from .browse import Browser
from .faults import Faults
from .nri import Profile
from .player import Player
from .settings import Settings
from .state import ReceiverState, ZoneState, list_title
from .tables import NET_SERVICES, PARAMETERS, RANGES
from .zones import ZONED, Zone, command

NA: Final = "N/A"
QUERY: Final = "QSTN"
NET_SELECTOR: Final = "2B"
# Storage inputs (selector id) and the service code their lists carry in NLT.
STORAGE: Final = {"29": "F0", "2A": "F1"}
TONE_LIMIT: Final = 10  # the spec's tone range: -10 ... +10 ("-A" ... "+A")
_HEX2: Final = re.compile(r"[0-9A-Fa-f]{2}")
# Listening modes: the spec's two-digit LMD codes (not its wrap-around keys).
LISTENING_MODES: Final = frozenset(p for p in PARAMETERS["LMD"] if _HEX2.fullmatch(p))

Handler = Callable[[str, str], list[str] | None]


@dataclass(frozen=True, slots=True)
class Reply:
    """What the device sends after a message: to its sender, and to every client."""

    to_sender: list[str]
    to_all: list[str]


class Device:
    """One virtual device (see the module docstring)."""

    def __init__(
        self,
        info: Profile,
        nri_xml: str,
        *,
        identifier: str | None,
        faults: Faults,
        port: Callable[[], int],
        push: Callable[[str], None],
        art_url: Callable[[], str],
        tick: float = 1.0,
        art_stream: bool = False,
        settings: Collection[str] | None = None,
    ) -> None:
        """A device described by ``info`` (read from ``nri_xml``).

        ``settings``: the setting codes it has (:mod:`.settings`), where NRI is silent.
        """
        self.info = info
        self.nri_xml = nri_xml
        self.model = info.model
        self.identifier = identifier or info.mac or identifier_for(self.model)
        self.region = "DX"
        self._port = port
        self.faults = faults
        self.art_stream = art_stream
        self.state = ReceiverState(
            zones={z.zone: ZoneState(source=self._first_source(z.zone)) for z in info.enabled_zones}
        )
        self.player = Player(
            self.state.net, statuses=self.statuses, push=push, art_url=art_url, tick=tick
        )
        storage = tuple(STORAGE[s.id] for s in info.selectors if s.id in STORAGE)
        self.browser = Browser(
            (*info.net_services, *storage), self.player, set_title=self._set_list_title
        )
        self.settings = Settings.build(info, self._power_of, settings)
        self._commands = self._command_table()

    # --- messages ----------------------------------------------------------------------

    def respond(self, message: str) -> Reply:
        """Handle one message from a client."""
        code, params = message[:3], message[3:]
        if code == "NLA" and self._has_net():
            answer = self.browser.request(params)
            return Reply(answer.to_sender, answer.to_all)
        if params == QUERY:
            if code in self.faults.ignore:
                return Reply([], [])
            return Reply(self.statuses(code) or [f"{code}{NA}"], [])
        pushes = self.apply(message)
        if pushes is None:
            return Reply([f"{code}{NA}"], [])
        return Reply([], pushes)

    def apply(self, message: str) -> list[str] | None:
        """Carry out a command; the statuses it changed, None if the device does not take it."""
        handler = self._commands.get(message[:3])
        return None if handler is None else handler(message[:3], message[3:])

    def ecn(self) -> str:
        """The discovery reply."""
        return f"ECN{self.model}/{self._port()}/{self.region}/{self.identifier}"

    def statuses(self, code: str) -> list[str]:
        """What the device says of ``code``: streamed art takes many packets; [] if it lacks it."""
        net = self.state.net
        if code == "NJA" and self.art_stream and net.art_url and self._has_net():
            return nja_packets(bmp(track_colour(net.album, net.title)), BMP)
        status = self.status(code)
        return [] if status is None else [status]

    def status(self, code: str) -> str | None:
        """The message that reports ``code``'s state, None when the device lacks it."""
        if code in ZONED or self.settings.handles(code):
            return self._zone_status(code) if code in ZONED else self.settings.status(code)
        state, info = self.state, self.info
        match code:
            case "ECN":
                return self.ecn()
            case "NRI":
                xml = self.faults.nri_override
                xml = self.nri_xml if xml is None else xml
                # One message: devices send the document without line breaks.
                return "NRI" + " ".join(line.strip() for line in xml.splitlines())
            case "LMD" if self._has_receiver_features():
                return f"LMD{state.listening_mode}"
            case "HDO" if info.flag("HDMIOUT Sub"):
                return f"HDO{state.hdmi_output}"
            case "DIM" if info.flag("Dimmer"):
                return f"DIM{state.dimmer}"
            case "CTL" if ("Center Level", Zone.MAIN) in info.ranges:
                return f"CTL{signed(state.center_level)}"
            case "SWL" if ("Subwoofer Level", Zone.MAIN) in info.ranges:
                return f"SWL{signed(state.subwoofer_level)}"
            case "IFA" if self._has_receiver_features() and not info.flag("NoAudioInfo"):
                return f"IFA{state.audio_info}"
            case "IFV" if self._has_receiver_features() and not info.flag("NoVideoInfo"):
                return f"IFV{state.video_info}"
            case "UPD":
                return f"UPD{state.firmware_update}"
            case "PRS" if info.presets:
                return f"PRS{state.preset:02X}"
        return self._net_status(code) if self._has_net() else None

    def power_on_net(self) -> list[str]:
        """Turn the main zone on and select NET (if it has it): the statuses that changed."""
        main = self.state.zones[Zone.MAIN]
        main.power = True
        if any(s.id == NET_SELECTOR and s.in_zone(Zone.MAIN) for s in self.info.selectors):
            main.source = NET_SELECTOR
        return [f"PWR{'01' if main.power else '00'}", f"SLI{main.source}"]

    # --- statuses ----------------------------------------------------------------------

    def _net_status(self, code: str) -> str | None:
        net = self.state.net
        match code:
            case "NST":
                return f"NST{net.play}{net.repeat}{net.shuffle}"
            case "NTI":
                return f"NTI{net.title}"
            case "NAT":
                return f"NAT{net.artist}"
            case "NAL":
                return f"NAL{net.album}"
            case "NTM":
                hours = self.info.flag("time_hhmmss")
                return f"NTM{clock(net.elapsed, hours)}/{clock(net.total, hours)}"
            case "NTR":
                track = f"{net.track:04d}" if net.track else "----"
                total = f"{net.track_total:04d}" if net.track_total else "----"
                return f"NTR{track}/{total}"
            case "NFI":
                return f"NFI{net.file_info}"
            case "NMS":
                return "NMSxxxxxS1" + ("f1" if net.track else "00")
            case "NJA":
                return f"NJA2-{net.art_url}" if net.art_url else "NJAn-"
            case "NLT":
                return f"NLT{net.list_title}"
            case "NDS":
                return "NDSE--"
        return None

    def _zone_status(self, code: str) -> str | None:
        function, zone = ZONED[code]
        zone_state = self.state.zones.get(zone)
        if zone_state is None:
            return None
        match function:
            case "power":
                return f"{code}{'01' if zone_state.power else '00'}"
            case "volume" if self.info.max_volume(zone):
                return f"{code}{zone_state.volume:02X}"
            case "muting" if self.info.max_volume(zone):
                return f"{code}{'01' if zone_state.muted else '00'}"
            case "selector" if self.info.selectors:
                return f"{code}{zone_state.source}"
            case "tone" if ("Bass", zone) in self.info.ranges:
                bass, treble = signed(zone_state.tone_bass), signed(zone_state.tone_treble)
                return f"{code}B{bass}T{treble}"
        return None

    # --- commands ----------------------------------------------------------------------

    def _command_table(self) -> dict[str, Handler]:
        by_function: dict[str, Handler] = {
            "power": self._power,
            "volume": self._volume,
            "muting": self._muting,
            "selector": self._selector,
            "tone": self._tone,
            "network": self._net_key,
        }
        table = {code: by_function[function] for code, (function, _) in ZONED.items()}
        table.update(
            LMD=self._choice("listening_mode", LISTENING_MODES),
            HDO=self._choice("hdmi_output", _spec_hex("HDO")),
            DIM=self._choice("dimmer", _spec_hex("DIM")),
            CTL=self._level("center_level"),
            SWL=self._level("subwoofer_level"),
            NTS=self._seek,
            PRS=self._preset,
            UPD=self._update,
            NSV=self._service,
            NLS=self._list(self.browser.select_line),
            NKY=self._list(self.browser.type_text),
            PQA=self._list(self.browser.add_to_queue),
            PQR=self._list(self.browser.remove_from_queue),
            PQO=self._list(self.browser.reorder_queue),
        )
        table.update(self.settings.commands())
        return table

    def _zone(self, code: str) -> tuple[Zone, ZoneState] | None:
        zone = ZONED[code][1]
        zone_state = self.state.zones.get(zone)
        return None if zone_state is None else (zone, zone_state)

    def _power(self, code: str, params: str) -> list[str] | None:
        found = self._zone(code)
        if found is None or params not in PARAMETERS[code]:
            return None
        if params == "ALL":  # every zone to standby
            for zone_state in self.state.zones.values():
                zone_state.power = False
            return [p for z in self.state.zones if (p := self._zone_status(_power_code(z)))]
        if params not in ("00", "01"):
            return None
        found[1].power = params == "01"
        return [f"{code}{params}"]

    def _volume(self, code: str, params: str) -> list[str] | None:
        found = self._zone(code)
        highest = 0 if found is None else self.info.max_volume(found[0])
        if found is None or not highest:
            return None
        zone, zone_state = found
        if params in PARAMETERS[code] and params.startswith(("UP", "DOWN")):
            # "UP1"/"DOWN1" move 1 dB: two steps on a device counting half-dB steps.
            info = self.info.zone(zone)
            step = 2 if params.endswith("1") and info is not None and info.volstep == 0 else 1
            level = zone_state.volume + (step if params.startswith("UP") else -step)
        elif _HEX2.fullmatch(params):
            level = int(params, 16)
        else:
            return None
        zone_state.volume = max(0, min(level, highest))
        return [f"{code}{zone_state.volume:02X}"]

    def _muting(self, code: str, params: str) -> list[str] | None:
        found = self._zone(code)
        if found is None or params not in ("00", "01", "TG") or params not in PARAMETERS[code]:
            return None
        zone_state = found[1]
        zone_state.muted = not zone_state.muted if params == "TG" else params == "01"
        return [f"{code}{'01' if zone_state.muted else '00'}"]

    def _selector(self, code: str, params: str) -> list[str] | None:
        found = self._zone(code)
        source = params.upper()
        if found is None or source not in {s.id for s in self.info.selectors}:
            return None
        selected, found[1].source = found[1].source, source
        # A storage input shows its top list when it becomes the input, not when re-selected.
        opens = source in STORAGE and source != selected
        shown = self.browser.open_service(STORAGE[source]) if opens else None
        return [f"{code}{source}", *(shown or [])]

    def _tone(self, code: str, params: str) -> list[str] | None:
        found = self._zone(code)
        if found is None or ("Bass", found[0]) not in self.info.ranges:
            return None
        attribute = {"B": "tone_bass", "T": "tone_treble"}.get(params[:1])
        if attribute is None:
            return None
        zone_state, value = found[1], params[1:]
        current: int = getattr(zone_state, attribute)
        if value in ("UP", "DOWN"):
            new = current + (1 if value == "UP" else -1)
        else:
            try:
                new = int(value, 16)
            except ValueError:
                return None
        setattr(zone_state, attribute, max(-TONE_LIMIT, min(TONE_LIMIT, new)))
        return [self._zone_status(code) or ""]

    def _choice(self, attribute: str, valid: frozenset[str]) -> Handler:
        def apply(code: str, params: str) -> list[str] | None:
            if self.status(code) is None or params.upper() not in valid:
                return None
            setattr(self.state, attribute, params.upper())
            return [self.status(code) or ""]

        return apply

    def _level(self, attribute: str) -> Handler:
        def apply(code: str, params: str) -> list[str] | None:
            if self.status(code) is None:
                return None
            try:
                value = int(params, 16)
            except ValueError:
                return None
            setattr(self.state, attribute, value)
            return [self.status(code) or ""]

        return apply

    def _net_key(self, code: str, params: str) -> list[str] | None:
        if not self._has_net() or params not in PARAMETERS.get(code, ()):
            return None
        shown = self.browser.key(params)
        return self.player.operate(params) if shown is None else shown

    def _list(self, handler: Callable[[str], list[str] | None]) -> Handler:
        """A list command (NLS select, NKY, PQA/PQR/PQO): N/A without a network player."""

        def apply(code: str, params: str) -> list[str] | None:
            return handler(params) if self._has_net() else None

        return apply

    def _set_list_title(self, service: str, params: str) -> None:
        self.state.net.service, self.state.net.list_title = service, params

    def _seek(self, code: str, params: str) -> list[str] | None:
        return self.player.seek(params) if self._has_net() else None

    def _preset(self, code: str, params: str) -> list[str] | None:
        if not self.info.presets or not _HEX2.fullmatch(params):
            return None
        number = int(params, 16)
        if not any(_in_range(number, span) for span in RANGES["PRS"]):
            return None
        self.state.preset = number
        return [f"PRS{number:02X}"]

    def _update(self, code: str, params: str) -> list[str] | None:
        if params != "NET":
            return None
        self.state.firmware_update = "FF"
        return ["UPDD1-50", "UPDCMP", "UPDFF"]

    def _service(self, code: str, params: str) -> list[str] | None:
        if not self._has_net() or len(params) < 2:
            return None
        shown = self.browser.open_service(params[:2].upper())
        if shown is not None:
            return shown
        net = self.state.net
        net.service = params[:2].upper()
        net.list_title = list_title(net.service, NET_SERVICES.get(net.service, "NET"))
        return [self.status("NLT") or ""]

    # --- what the profile says -----------------------------------------------------------

    def _power_of(self, zone: Zone) -> bool | None:
        zone_state = self.state.zones.get(zone)
        return None if zone_state is None else zone_state.power

    def _has_net(self) -> bool:
        return bool(self.info.net_services)

    def _has_receiver_features(self) -> bool:
        return self.info.listening_mode_buttons > 0 and not self.info.flag("NoVolume")

    def _first_source(self, zone: Zone) -> str:
        return next((s.id for s in self.info.selectors if s.in_zone(zone)), NET_SELECTOR)


def signed(value: int, digits: int = 2) -> str:
    """A signed hex level as devices write it: "00", "+3", "-A"."""
    if value == 0:
        return "0" * digits
    return f"{'+' if value > 0 else '-'}{abs(value):0{digits - 1}X}"


def clock(seconds: int, hours: bool) -> str:
    """NTM's time: ``mm:ss``, or ``hh:mm:ss`` on devices with the time_hhmmss flag."""
    if hours:
        return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


def identifier_for(model: str) -> str:
    """A stable MAC-like identifier for a model: Onkyo's prefix and 6 hex digits."""
    return "0009B0" + hashlib.sha256(model.encode()).hexdigest()[:6].upper()


def _spec_hex(code: str) -> frozenset[str]:
    return frozenset(p for p in PARAMETERS[code] if _HEX2.fullmatch(p))


def _in_range(number: int, span: str) -> bool:
    low, high = span.split("-")
    return int(low, 16) <= number <= int(high, 16)


def _power_code(zone: Zone) -> str:
    code = command("power", zone)
    assert code is not None  # every zone has power
    return code

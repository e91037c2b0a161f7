"""A virtual eISCP device that behaves like the receivers and players it is profiled on.

It serves eISCP over TCP and answers ECN discovery over UDP on the same port. It
answers ``QSTN`` queries from its state (``N/A`` for what its NRI profile lacks),
applies commands and pushes the resulting status to every connected client, as a real
device does. Tests use its fault injection (drops, restarts, a stalled half-open
device, garbage, hostile NRI, ignored queries, a client limit) and its record of what
each client sent.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import contextlib
from dataclasses import dataclass, field
import hashlib
import logging
from pathlib import Path
from typing import Self

from custom_components.onkyo_eiscp.eiscp.art import art_packets
from custom_components.onkyo_eiscp.eiscp.codes import NET_SERVICES
from custom_components.onkyo_eiscp.eiscp.const import (
    MUTE,
    NET_CONTROL,
    POWER,
    SOURCE,
    TONE,
    VOLUME,
    Zone,
    zone_of,
)
from custom_components.onkyo_eiscp.eiscp.frame import (
    DEVICE_END,
    DISCOVERY_END,
    FrameDecoder,
    encode,
)
from custom_components.onkyo_eiscp.eiscp.messages import ArtType
from custom_components.onkyo_eiscp.eiscp.nri import DeviceInfo, parse_nri
from custom_components.onkyo_eiscp.eiscp.volume import VolumeScale

from .art import ArtServer, bmp, track_colour
from .burst import TRACK_CHANGE_BURST
from .state import DEMO_PLAYLIST, NetState, ReceiverState, Track, ZoneState

_LOGGER = logging.getLogger(__name__)

PROFILES_DIR = Path(__file__).parent / "profiles"
NA = "N/A"


def available_profiles() -> list[str]:
    """Names of the bundled profiles (their NRI files' stems)."""
    return sorted(path.stem for path in PROFILES_DIR.glob("*.xml"))


def _signed(value: int, digits: int = 2) -> str:
    if value == 0:
        return "0" * digits
    return f"{'+' if value > 0 else '-'}{abs(value):0{digits - 1}X}"


@dataclass(eq=False)
class _Client:
    """One TCP client."""

    writer: asyncio.StreamWriter
    received: list[str] = field(default_factory=list)

    def send(self, data: bytes) -> None:
        if not self.writer.is_closing():
            self.writer.write(data)


class _Discovery(asyncio.DatagramProtocol):
    """Answers ECN queries over UDP."""

    def __init__(self, receiver: VirtualReceiver) -> None:
        self._receiver = receiver
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.DatagramTransport)
        self.transport = transport

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        for text in FrameDecoder().feed(data):
            if text[2:] == "ECNQSTN" and self.transport is not None and not self._receiver.stalled:
                self.transport.sendto(encode(self._receiver.ecn(), terminator=DISCOVERY_END), addr)


class VirtualReceiver:
    """A virtual eISCP device on loopback (see the module docstring)."""

    def __init__(
        self,
        profile: str = "TX-NR686",
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        udp: bool = True,
        max_clients: int | None = None,
        identifier: str | None = None,
        tick: float = 1.0,
        art_port: int | None = None,
        log_commands: bool = False,
        art_stream: bool = False,
    ) -> None:
        """Load ``profile`` (a file in profiles/); :meth:`start` serves it.

        ``log_commands`` prints every message a client sends ("received PWR01"), so a
        test that runs the receiver as a separate process can see them. ``art_stream``
        sends album art as hex BMP packets over eISCP, as older devices do, instead of
        a link.
        """
        path = PROFILES_DIR / f"{profile}.xml"
        if not path.is_file():
            raise ValueError(f"unknown profile {profile!r}; see available_profiles()")
        self.nri_xml = path.read_text(encoding="utf-8")
        self.info: DeviceInfo = parse_nri(self.nri_xml)
        self.model = self.info.model
        self.identifier = identifier or self.info.mac or _identifier_for(self.model)
        self.region = "DX"
        self.host = host
        self.port = port
        self._udp = udp
        self._art_port = art_port
        self.max_clients = max_clients
        self.tick = tick
        self.log_commands = log_commands
        self.art_stream = art_stream
        self.stalled = False
        self.ignore: set[str] = set()
        self.nri_override: str | None = None
        self.received: list[str] = []
        self.received_at: list[float] = []
        self._received_changed = asyncio.Event()
        self._clients: set[_Client] = set()
        self._handlers: set[asyncio.Task[None]] = set()
        self._server: asyncio.Server | None = None
        self._discovery: asyncio.DatagramTransport | None = None
        self._art: ArtServer | None = None
        self._ticker: asyncio.Task[None] | None = None
        self.state = ReceiverState(
            zones={
                zone.zone: ZoneState(source=self._first_source(zone.zone))
                for zone in self.info.enabled_zones
            }
        )
        self._commands: dict[str, Callable[[str, str], list[str] | None]] = self._command_table()

    # --- lifecycle ---------------------------------------------------------------------

    async def start(self) -> None:
        """Serve TCP (and UDP discovery, and album art if asked) on loopback."""
        self._server = await asyncio.start_server(self._handle, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        if self._udp:
            transport, _ = await asyncio.get_running_loop().create_datagram_endpoint(
                lambda: _Discovery(self), local_addr=(self.host, self.port)
            )
            self._discovery = transport
        if self._art_port is not None and self._art is None:
            self._art = ArtServer(self)
            await self._art.start(self.host, self._art_port)
            self._art_port = self._art.port
        if self.state.net.play == "P":
            self._start_ticker()

    async def stop(self) -> None:
        """Close every socket and task."""
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
            self._ticker = None
        if self._server is not None:
            self._server.close()
        await self.drop_clients()
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None
        if self._discovery is not None:
            self._discovery.close()
            self._discovery = None
        if self._art is not None:
            await self._art.stop()
            self._art = None

    async def restart(self, downtime: float = 0.0) -> None:
        """Go away and come back on the same port, as a device that reboots."""
        await self.stop()
        await asyncio.sleep(downtime)
        await self.start()

    async def __aenter__(self) -> Self:
        """Start."""
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        """Stop."""
        await self.stop()

    @property
    def client_count(self) -> int:
        """Connected TCP clients."""
        return len(self._clients)

    @property
    def art_url(self) -> str:
        """Where the album art of the current track is."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        if self._art is not None:
            return f"http://{host}:{self._art.port}/album_art.cgi"
        return f"http://{host}/album_art.cgi"

    # --- what clients sent -------------------------------------------------------------

    def clear_received(self) -> None:
        """Forget what clients sent so far."""
        self.received.clear()
        self.received_at.clear()

    async def wait_for(self, message: str, timeout: float = 2.0) -> None:
        """Wait until a client has sent ``message`` (TimeoutError otherwise)."""
        async with asyncio.timeout(timeout):
            while message not in self.received:
                self._received_changed.clear()
                await self._received_changed.wait()

    # --- pushing -------------------------------------------------------------------------

    def push(self, message: str) -> None:
        """Send ``message`` to every client now, as the device does on a change."""
        if not self.stalled:
            self._broadcast(_frame(message))

    def press(self, message: str) -> None:
        """Apply a command as if from the remote or front panel: state changes, clients hear."""
        handler = self._commands.get(message[:3])
        pushes = handler(message[:3], message[3:]) if handler is not None else None
        if pushes is None:
            raise ValueError(f"the device does not take {message!r}")
        for push in pushes:
            self.push(push)

    def set_now_playing(
        self,
        title: str,
        artist: str,
        album: str,
        *,
        elapsed: int = 0,
        duration: int = 0,
        track: int = 1,
        track_count: int = 1,
        play: str = "P",
    ) -> None:
        """Make the player be playing a track, and tell every client as a device does."""
        net = self.state.net
        net.title, net.artist, net.album = title, artist, album
        net.elapsed, net.total, net.track, net.track_total = elapsed, duration, track, track_count
        net.play, net.art_url, net.file_info = play, self.art_url, "FLAC/44.1kHz/16bit"
        for code in ("NST", "NTI", "NAT", "NAL", "NTR", "NTM", "NFI", "NMS", "NJA"):
            for message in self._statuses(code):
                self.push(message)

    def push_raw(self, data: bytes) -> None:
        """Send raw bytes to every client (garbage, broken headers, ...)."""
        self._broadcast(data)

    def _broadcast(self, data: bytes) -> None:
        for client in list(self._clients):
            client.send(data)

    async def drop_clients(self) -> None:
        """Close every client connection."""
        for client in list(self._clients):
            client.writer.transport.abort()
        self._clients.clear()
        handlers = list(self._handlers)
        for task in handlers:
            task.cancel()
        await asyncio.gather(*handlers, return_exceptions=True)

    # --- playback --------------------------------------------------------------------------

    def play_playlist(self, tracks: list[Track] | None = None, *, loop: bool = True) -> None:
        """Power on, select NET and play ``tracks`` (the demo playlist by default)."""
        net = self.state.net
        net.playlist = tuple(tracks or DEMO_PLAYLIST)
        net.loop = loop
        main = self.state.zones[Zone.MAIN]
        main.power = True
        if self._has_net_selector(Zone.MAIN):
            main.source = "2B"
        self.push("PWR01")
        self.push(f"{SOURCE[Zone.MAIN]}{main.source}")
        self._load_track(1)
        net.play = "P"
        self.push(self._status("NST") or "")
        self._start_ticker()

    async def next_track(self) -> None:
        """What NTC TRUP does."""
        self._change_track(+1)

    async def replay_track_change(self, time_scale: float = 1.0) -> None:
        """Push the seed's real track-change burst, its timing scaled by ``time_scale``."""
        started = asyncio.get_running_loop().time()
        for offset, message in TRACK_CHANGE_BURST:
            delay = started + offset * time_scale - asyncio.get_running_loop().time()
            if delay > 0:
                await asyncio.sleep(delay)
            self.push(message.replace("{art_url}", self.art_url))
        net = self.state.net
        net.title, net.artist, net.album = "Roses Are Red", "Aqua", "Aquarium"
        net.track, net.track_total = 9, 11

    def _load_track(self, number: int) -> None:
        net = self.state.net
        if not net.playlist:
            net.playlist = DEMO_PLAYLIST
        track = net.playlist[number - 1]
        net.track, net.track_total = number, len(net.playlist)
        net.title, net.artist, net.album = track.title, track.artist, track.album
        net.elapsed, net.total, net.file_info = 0, track.duration, track.file_info
        net.art_url = self.art_url
        for code in ("NTI", "NAT", "NAL", "NJA", "NMS", "NTR", "NFI", "NTM"):
            for message in self._statuses(code):
                self.push(message)

    def _change_track(self, step: int) -> None:
        net = self.state.net
        count = len(net.playlist or DEMO_PLAYLIST)
        number = net.track + step
        if number > count:
            if not net.loop:
                net.play = "S"
                self.push(self._status("NST") or "")
                return
            number = 1
        self._load_track(max(number, 1))

    def _start_ticker(self) -> None:
        if self._ticker is None or self._ticker.done():
            self._ticker = asyncio.create_task(self._tick_loop())

    async def _tick_loop(self) -> None:
        net = self.state.net
        while True:
            await asyncio.sleep(self.tick)
            if net.play != "P":
                continue
            net.elapsed += 1
            if net.total and net.elapsed >= net.total:
                self._change_track(+1)
            else:
                self.push(self._status("NTM") or "")

    # --- clients -------------------------------------------------------------------------

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.max_clients is not None and len(self._clients) >= self.max_clients:
            writer.transport.abort()
            return
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        client = _Client(writer)
        self._clients.add(client)
        decoder = FrameDecoder()
        try:
            while data := await reader.read(65536):
                if self.stalled:
                    continue
                for text in decoder.feed(data):
                    try:
                        self._receive(client, text)
                    except Exception:  # a virtual device must survive anything a client sends
                        _LOGGER.exception("Virtual receiver failed to handle %r", text[:80])
        except OSError:
            pass
        finally:
            self._clients.discard(client)
            self._handlers.discard(task)
            writer.transport.abort()

    def _receive(self, client: _Client, text: str) -> None:
        message = text[2:] if text.startswith("!") else text
        self.received.append(message)
        self.received_at.append(asyncio.get_running_loop().time())
        client.received.append(message)
        self._received_changed.set()
        if self.log_commands:
            print(f"received {message}", flush=True)  # noqa: T201 - the option's purpose
        code, params = message[:3], message[3:]
        if params == "QSTN":
            if code in self.ignore:
                return
            for status in self._statuses(code) if code == "NJA" else [self._status(code)]:
                client.send(_frame(status or f"{code}{NA}"))
            return
        handler = self._commands.get(code)
        pushes = handler(code, params) if handler is not None else None
        if pushes is None:
            client.send(_frame(f"{code}{NA}"))
            return
        for push in pushes:
            self.push(push)

    # --- status ----------------------------------------------------------------------------

    def ecn(self) -> str:
        """The ECN reply."""
        return f"ECN{self.model}/{self.port}/{self.region}/{self.identifier}"

    def _zone(self, code: str) -> ZoneState | None:
        zone = zone_of(code)
        return None if zone is None else self.state.zones.get(zone)

    def _scale(self, zone: Zone) -> VolumeScale:
        if zone is Zone.MAIN and self.info.flag("NoVolume"):
            return VolumeScale(0)
        return VolumeScale.from_zone(self.info.zone(zone))

    def _has_net(self) -> bool:
        return bool(self.info.net_services)

    def _has_receiver_features(self) -> bool:
        return bool(self.info.listening_mode_buttons) and not self.info.flag("NoVolume")

    def _status(self, code: str) -> str | None:  # noqa: PLR0912 - one answer per code
        """The message that reports ``code``'s state, None when the device lacks it."""
        state = self.state
        zone = zone_of(code)
        if zone is not None:
            return self._zone_status(code, zone)
        net = state.net
        hours = self.info.flag("time_hhmmss")
        match code:
            case "ECN":
                return self.ecn()
            case "NRI":
                xml = self.nri_override if self.nri_override is not None else self.nri_xml
                # One message: devices send the document without line breaks.
                return "NRI" + " ".join(line.strip() for line in xml.splitlines())
            case "LMD" if self._has_receiver_features():
                return f"LMD{state.listening_mode}"
            case "HDO" if self.info.flag("HDMIOUT Sub"):
                return f"HDO{state.hdmi_output}"
            case "DIM" if self.info.flag("Dimmer"):
                return f"DIM{state.dimmer}"
            case "CTL" if ("Center Level", Zone.MAIN) in self.info.ranges:
                return f"CTL{_signed(state.center_level)}"
            case "SWL" if ("Subwoofer Level", Zone.MAIN) in self.info.ranges:
                return f"SWL{_signed(state.subwoofer_level)}"
            case "IFA" if self._has_receiver_features() and not self.info.flag("NoAudioInfo"):
                return f"IFA{state.audio_info}"
            case "IFV" if self._has_receiver_features() and not self.info.flag("NoVideoInfo"):
                return f"IFV{state.video_info}"
            case "UPD":
                return f"UPD{state.firmware_update}"
            case "PRS" if self.info.presets:
                return f"PRS{state.preset:02X}"
        if not self._has_net():
            return None
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
                return f"NTM{_time(net.elapsed, hours)}/{_time(net.total, hours)}"
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

    def _statuses(self, code: str) -> list[str]:
        """What the device says of ``code``: streamed art takes many packets."""
        net = self.state.net
        if code == "NJA" and self.art_stream and net.art_url:
            image = bmp(track_colour(net.album, net.title))
            return art_packets(image, ArtType.BMP)
        return [self._status(code) or ""]

    def _zone_status(self, code: str, zone: Zone) -> str | None:
        zone_state = self.state.zones.get(zone)
        if zone_state is None:
            return None
        if code == POWER[zone]:
            return f"{code}{'01' if zone_state.power else '00'}"
        if code == VOLUME[zone] and self._scale(zone).has_volume:
            return f"{code}{zone_state.volume:02X}"
        if code == MUTE[zone] and self._scale(zone).has_volume:
            return f"{code}{'01' if zone_state.muted else '00'}"
        if code == SOURCE[zone] and self.info.selectors:
            return f"{code}{zone_state.source}"
        if zone in TONE and code == TONE[zone] and ("Bass", zone) in self.info.ranges:
            return f"{code}B{_signed(zone_state.tone_bass)}T{_signed(zone_state.tone_treble)}"
        return None

    # --- commands ----------------------------------------------------------------------------

    def _command_table(self) -> dict[str, Callable[[str, str], list[str] | None]]:
        table: dict[str, Callable[[str, str], list[str] | None]] = {}
        for zone in Zone:
            table[POWER[zone]] = self._cmd_power
            table[VOLUME[zone]] = self._cmd_volume
            table[MUTE[zone]] = self._cmd_mute
            table[SOURCE[zone]] = self._cmd_source
            table[NET_CONTROL[zone]] = self._cmd_net
        for code in TONE.values():
            table[code] = self._cmd_tone
        table.update(
            LMD=self._cmd_code("listening_mode"),
            HDO=self._cmd_code("hdmi_output"),
            DIM=self._cmd_code("dimmer"),
            CTL=self._cmd_level("center_level"),
            SWL=self._cmd_level("subwoofer_level"),
            NTS=self._cmd_seek,
            PRS=self._cmd_preset,
            UPD=self._cmd_update,
            NSV=self._cmd_service,
        )
        return table

    def _cmd_power(self, code: str, params: str) -> list[str] | None:
        zone = self._zone(code)
        if zone is None or params not in ("00", "01"):
            return None
        zone.power = params == "01"
        return [f"{code}{params}"]

    def _cmd_volume(self, code: str, params: str) -> list[str] | None:
        zone_state, zone = self._zone(code), zone_of(code)
        assert zone is not None
        scale = self._scale(zone)
        if zone_state is None or not scale.has_volume:
            return None
        if params.startswith("UP"):
            level = zone_state.volume + 1
        elif params.startswith("DOWN"):
            level = zone_state.volume - 1
        else:
            try:
                level = int(params, 16)
            except ValueError:
                return None
        zone_state.volume = max(0, min(level, scale.max_raw))
        return [f"{code}{zone_state.volume:02X}"]

    def _cmd_mute(self, code: str, params: str) -> list[str] | None:
        zone = self._zone(code)
        if zone is None or params not in ("00", "01", "TG"):
            return None
        zone.muted = not zone.muted if params == "TG" else params == "01"
        return [f"{code}{'01' if zone.muted else '00'}"]

    def _cmd_source(self, code: str, params: str) -> list[str] | None:
        zone = self._zone(code)
        valid = {s.id for s in self.info.selectors}
        if zone is None or params.upper() not in valid:
            return None
        zone.source = params.upper()
        return [f"{code}{zone.source}"]

    def _cmd_tone(self, code: str, params: str) -> list[str] | None:
        zone_state, zone = self._zone(code), zone_of(code)
        if zone_state is None or zone is None or ("Bass", zone) not in self.info.ranges:
            return None
        attribute = {"B": "tone_bass", "T": "tone_treble"}.get(params[:1])
        if attribute is None:
            return None
        value = params[1:]
        current: int = getattr(zone_state, attribute)
        if value == "UP":
            new = current + 1
        elif value == "DOWN":
            new = current - 1
        else:
            try:
                new = int(value, 16)
            except ValueError:
                return None
        setattr(zone_state, attribute, max(-10, min(10, new)))
        return [self._zone_status(code, zone) or ""]

    def _cmd_code(self, attribute: str) -> Callable[[str, str], list[str] | None]:
        def apply(code: str, params: str) -> list[str] | None:
            if self._status(code) is None or len(params) != 2:
                return None
            try:
                int(params, 16)
            except ValueError:
                return None
            setattr(self.state, attribute, params.upper())
            return [self._status(code) or ""]

        return apply

    def _cmd_level(self, attribute: str) -> Callable[[str, str], list[str] | None]:
        def apply(code: str, params: str) -> list[str] | None:
            if self._status(code) is None:
                return None
            try:
                value = int(params, 16)
            except ValueError:
                return None
            setattr(self.state, attribute, value)
            return [self._status(code) or ""]

        return apply

    def _cmd_net(self, code: str, params: str) -> list[str] | None:
        if not self._has_net():
            return None
        net = self.state.net
        match params:
            case "PLAY":
                net.play = "P"
                self._start_ticker()
            case "PAUSE":
                net.play = "p" if net.play == "P" else net.play
            case "P/P":
                net.play = "p" if net.play == "P" else "P"
                self._start_ticker()
            case "STOP":
                net.play = "S"
                net.elapsed = 0
            case "TRUP":
                self._change_track(+1)
                return [self._status("NST") or ""]
            case "TRDN":
                self._change_track(-1 if net.elapsed < 3 else 0)
                return [self._status("NST") or ""]
            case "REPEAT":
                net.repeat = {"-": "R", "R": "1", "1": "-", "F": "1"}.get(net.repeat, "-")
            case "RANDOM":
                net.shuffle = "-" if net.shuffle != "-" else "S"
            case "FF" | "REW":
                net.elapsed = max(0, net.elapsed + (10 if params == "FF" else -10))
                return [self._status("NTM") or ""]
            case _:
                return None
        return [self._status("NST") or ""]

    def _cmd_seek(self, code: str, params: str) -> list[str] | None:
        parts = params.split(":")
        if not self._has_net() or not all(p.isdigit() for p in parts) or len(parts) not in (2, 3):
            return None
        seconds = 0
        for part in parts:
            seconds = seconds * 60 + int(part)
        self.state.net.elapsed = min(seconds, self.state.net.total)
        return [self._status("NTM") or ""]

    def _cmd_preset(self, code: str, params: str) -> list[str] | None:
        if not self.info.presets:
            return None
        try:
            self.state.preset = int(params, 16)
        except ValueError:
            return None
        return [f"PRS{self.state.preset:02X}"]

    def _cmd_update(self, code: str, params: str) -> list[str] | None:
        if params != "NET":
            return None
        self.state.firmware_update = "FF"
        return ["UPDD1-50", "UPDCMP", "UPDFF"]

    def _cmd_service(self, code: str, params: str) -> list[str] | None:
        if not self._has_net() or len(params) < 2:
            return None
        net = self.state.net
        net.service = params[:2].upper()
        name = NET_SERVICES.get(net.service, "NET")
        net.list_title = f"{net.service}010000000000010000FF00{name}"
        return [self._status("NLT") or ""]

    def _first_source(self, zone: Zone) -> str:
        for selector in self.info.selectors:
            if selector.in_zone(zone):
                return selector.id
        return "2B"

    def _has_net_selector(self, zone: Zone) -> bool:
        return any(s.id == "2B" and s.in_zone(zone) for s in self.info.selectors)


def _frame(message: str) -> bytes:
    """A message framed the way devices send them."""
    return encode(message, terminator=DEVICE_END)


def _time(seconds: int, hours: bool) -> str:
    if hours:
        return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


def _identifier_for(model: str) -> str:
    """A stable MAC-like identifier for a model: Onkyo's prefix and 6 hex digits."""
    return "0009B0" + hashlib.sha256(model.encode()).hexdigest()[:6].upper()


__all__ = ["PROFILES_DIR", "NetState", "VirtualReceiver", "available_profiles"]

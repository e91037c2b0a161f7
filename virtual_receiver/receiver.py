"""A virtual eISCP device that behaves like the receivers and players it is profiled on.

It serves eISCP over TCP and answers ECN discovery over UDP on the same port
(:mod:`.eiscp_server`), answers ``QSTN`` queries from its state (``N/A`` for what its NRI
profile lacks) and applies commands (:mod:`.device`), plays (:mod:`.player`), and pushes
each resulting status to every connected client, as a real device does. Tests use its
fault injection (:mod:`.faults`: drops, restarts, a stalled half-open device, garbage,
hostile NRI, ignored queries, a client limit) and its record of what each client sent.

It shares no code with the integration it tests: its facts come from the eISCP
specification (:mod:`.tables`) and from its NRI profile.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Self

from .art import ArtServer
from .device import Device
from .eiscp_server import EiscpServer
from .faults import Faults
from .nri import Profile, read_profile
from .state import ReceiverState, Track
from .upnp_server import UpnpRenderer

PROFILES_DIR = Path(__file__).parent / "profiles"


def available_profiles() -> list[str]:
    """Names of the bundled profiles (their NRI files' stems)."""
    return sorted(path.stem for path in PROFILES_DIR.glob("*.xml"))


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
        upnp: bool = False,
        ssdp_port: int = 1900,
        upnp_port: int = 0,
        lines_only: bool = False,
        settings: Collection[str] | None = None,
    ) -> None:
        """Load ``profile`` (a file in profiles/); :meth:`start` serves it.

        ``log_commands`` prints every message a client sends ("received PWR01"), so a
        test that runs the receiver as a separate process can see them. ``art_stream``
        sends album art as hex BMP packets over eISCP, as older devices do, instead of
        a link. ``upnp`` adds a UPnP MediaRenderer (HTTP on ``upnp_port``, unicast M-SEARCH
        answered on UDP ``ssdp_port``; 0 picks free ports) that plays on this device.
        ``lines_only`` serves lists only as 10-line NLS pages (``NLAL`` gets
        N/A), like older firmware.
        ``settings`` are the setting codes the device has where its NRI is
        silent (virtual_receiver.settings; a receiver's usual ones when None).
        """
        path = PROFILES_DIR / f"{profile}.xml"
        if not path.is_file():
            raise ValueError(f"unknown profile {profile!r}; see available_profiles()")
        nri_xml = path.read_text(encoding="utf-8")
        self.faults = Faults(max_clients=max_clients)
        self.device = Device(
            read_profile(nri_xml),
            nri_xml,
            identifier=identifier,
            faults=self.faults,
            port=lambda: self.server.port,
            push=self.push,
            art_url=lambda: self.art_url,
            tick=tick,
            art_stream=art_stream,
            settings=settings,
        )
        self.server = EiscpServer(
            respond=self.device.respond,
            ecn=self.ecn,
            faults=self.faults,
            host=host,
            port=port,
            udp=udp,
            log_commands=log_commands,
        )
        self.player = self.device.player
        self.browser = self.device.browser
        self.browser.lines_only = lines_only
        self._art_port = art_port
        self._art: ArtServer | None = None
        self.upnp: UpnpRenderer | None = None
        if upnp:
            self.upnp = UpnpRenderer(
                host=host,
                name=f"{self.info.brand} {self.model}",
                manufacturer=self.info.brand,
                model=self.model,
                identifier=self.identifier,
                start_stream=self._start_stream,
                end_stream=self.player.end_stream,
                http_port=upnp_port,
                ssdp_port=ssdp_port,
                tick=tick,
            )

    # --- lifecycle ---------------------------------------------------------------------

    async def start(self) -> None:
        """Serve TCP (and UDP discovery, and album art if asked) on loopback."""
        await self.server.start()
        if self._art_port is not None and self._art is None:
            net = self.state.net
            self._art = ArtServer(lambda: (net.album, net.title))
            await self._art.start(self.host, self._art_port)
            self._art_port = self._art.port
        if self.upnp is not None and not self.upnp.running:
            await self.upnp.start()
        self.player.resume()

    async def stop(self) -> None:
        """Close every socket and task."""
        await self.player.stop()
        await self.server.stop()
        if self.upnp is not None:
            await self.upnp.stop()
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

    # --- what it is --------------------------------------------------------------------

    @property
    def info(self) -> Profile:
        """The device's NRI profile (tests may replace it to take features away)."""
        return self.device.info

    @info.setter
    def info(self, info: Profile) -> None:
        self.device.info = info

    @property
    def state(self) -> ReceiverState:
        """What the device reports."""
        return self.device.state

    @property
    def model(self) -> str:
        """The model name (ECN, NRI)."""
        return self.device.model

    @property
    def identifier(self) -> str:
        """The identifier ECN gives (the MAC, or a stable one made from the model)."""
        return self.device.identifier

    @property
    def region(self) -> str:
        """ECN's region."""
        return self.device.region

    @property
    def nri_xml(self) -> str:
        """The profile's NRI document."""
        return self.device.nri_xml

    @property
    def host(self) -> str:
        """The address it listens on."""
        return self.server.host

    @property
    def port(self) -> int:
        """The TCP and UDP port (the real one once started)."""
        return self.server.port

    @property
    def art_url(self) -> str:
        """Where the album art of the current track is."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        if self._art is not None:
            return f"http://{host}:{self._art.port}/album_art.cgi"
        return f"http://{host}/album_art.cgi"

    @property
    def client_count(self) -> int:
        """Connected TCP clients."""
        return self.server.client_count

    def ecn(self) -> str:
        """The ECN reply."""
        return self.device.ecn()

    # --- faults ------------------------------------------------------------------------

    @property
    def stalled(self) -> bool:
        """A stalled device takes bytes and answers nothing (a half-open connection)."""
        return self.faults.stalled

    @stalled.setter
    def stalled(self, value: bool) -> None:
        self.faults.stalled = value

    @property
    def ignore(self) -> set[str]:
        """Codes whose queries get no answer."""
        return self.faults.ignore

    @ignore.setter
    def ignore(self, value: set[str]) -> None:
        self.faults.ignore = value

    @property
    def nri_override(self) -> str | None:
        """An NRI document to send instead of the profile's (broken, hostile, ...)."""
        return self.faults.nri_override

    @nri_override.setter
    def nri_override(self, value: str | None) -> None:
        self.faults.nri_override = value

    @property
    def max_clients(self) -> int | None:
        """Connections over this many are closed at once."""
        return self.faults.max_clients

    @max_clients.setter
    def max_clients(self, value: int | None) -> None:
        self.faults.max_clients = value

    def push_raw(self, data: bytes) -> None:
        """Send raw bytes to every client (garbage, broken headers, ...)."""
        self.server.broadcast(data)

    async def drop_clients(self) -> None:
        """Close every client connection."""
        await self.server.drop_clients()

    # --- what clients sent -------------------------------------------------------------

    @property
    def received(self) -> list[str]:
        """Every message clients sent, in order."""
        return self.server.received

    @property
    def received_at(self) -> list[float]:
        """The loop time each of :attr:`received` arrived."""
        return self.server.received_at

    def clear_received(self) -> None:
        """Forget what clients sent so far."""
        self.server.clear_received()

    async def wait_for(self, message: str, timeout: float = 2.0) -> None:
        """Wait until a client has sent ``message`` (TimeoutError otherwise)."""
        await self.server.wait_for(message, timeout)

    # --- acting as the device ------------------------------------------------------------

    def push(self, message: str) -> None:
        """Send ``message`` to every client now, as the device does on a change."""
        self.server.push(message)

    def press(self, message: str) -> None:
        """Apply a command as if from the remote or front panel: state changes, clients hear."""
        pushes = self.device.apply(message)
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
        self.player.set_now_playing(
            title,
            artist,
            album,
            elapsed=elapsed,
            duration=duration,
            track=track,
            track_count=track_count,
            play=play,
        )

    def play_playlist(self, tracks: Sequence[Track] | None = None, *, loop: bool = True) -> None:
        """Power on, select NET and play ``tracks`` (the demo playlist by default)."""
        for message in self.device.power_on_net():
            self.push(message)
        self.player.play_playlist(tracks, loop=loop)

    def _start_stream(self, track: Track) -> None:
        """What a real receiver does when its renderer plays: on, NET, the stream's title."""
        for message in self.device.power_on_net():
            self.push(message)
        self.player.play_stream(track)

    async def next_track(self) -> None:
        """What NTC TRUP does."""
        self.player.change_track(+1)

    async def replay_track_change(self, time_scale: float = 1.0) -> None:
        """Push the seed's real track-change burst, its timing scaled by ``time_scale``."""
        await self.player.replay_track_change(time_scale)


__all__ = ["PROFILES_DIR", "VirtualReceiver", "available_profiles"]

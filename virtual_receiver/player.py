"""The network/USB player: playback, the NTM clock, playlists and the track-change burst.

It changes :class:`~.state.NetState` and announces each change through ``push`` with the
status messages that ``statuses`` makes of it, as a device tells every controller.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
import contextlib

from .burst import TRACK_CHANGE_BURST
from .state import DEMO_PLAYLIST, NetState, Track

# What a device reports after a track loads, and after a client jumps into playback.
_TRACK_STATUS = ("NTI", "NAT", "NAL", "NJA", "NMS", "NTR", "NFI", "NTM")
_NOW_PLAYING = ("NST", "NTI", "NAT", "NAL", "NTR", "NTM", "NFI", "NMS", "NJA")
_REPEAT_NEXT = {"-": "R", "R": "1", "1": "-", "F": "1"}  # what the REPEAT key cycles through
# What a stream from the UPnP renderer replaces, and puts back when it ends.
_RESUMABLE = (
    "playlist",
    "loop",
    "track",
    "track_total",
    "title",
    "artist",
    "album",
    "elapsed",
    "total",
    "file_info",
    "art_url",
)
_SKIP = 10  # seconds FF and REW move


class Player:
    """The player of one device."""

    def __init__(
        self,
        net: NetState,
        *,
        statuses: Callable[[str], list[str]],
        push: Callable[[str], None],
        art_url: Callable[[], str],
        tick: float = 1.0,
    ) -> None:
        """Play into ``net``; ``tick`` is the real time of one played second."""
        self.net = net
        self.tick = tick
        self._statuses = statuses
        self._push = push
        self._art_url = art_url
        self._ticker: asyncio.Task[None] | None = None
        # What a stream from the UPnP renderer interrupted (NetState fields).
        self._interrupted: dict[str, object] | None = None

    # --- lifecycle ---------------------------------------------------------------------

    def resume(self) -> None:
        """Run the clock if the player is playing (after a device restart)."""
        if self.net.play == "P":
            self._start_clock()

    async def stop(self) -> None:
        """Stop the clock."""
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
            self._ticker = None

    # --- what a controller or the device does ------------------------------------------

    def play_playlist(self, tracks: Sequence[Track] | None, *, loop: bool, start: int = 1) -> None:
        """Play ``tracks`` (the demo playlist by default) from track ``start`` (1-based)."""
        self.net.playlist = tuple(tracks or DEMO_PLAYLIST)
        self.net.loop = loop
        self._load(start)
        self.net.play = "P"
        self._announce("NST")
        self._start_clock()

    def play_stream(self, track: Track) -> None:
        """Play one stream sent by a controller (the UPnP renderer), after what was queued."""
        if self._interrupted is None:
            self._interrupted = {name: getattr(self.net, name) for name in _RESUMABLE}
        self.play_playlist((track,), loop=False)

    def end_stream(self) -> None:
        """The stream ended: stopped, back at the queued track it interrupted (PLAY resumes it)."""
        self.net.play = "S"
        if self._interrupted is not None:
            for name, value in self._interrupted.items():
                setattr(self.net, name, value)
            self._interrupted = None
            self._announce(*_TRACK_STATUS)
        self._announce("NST")

    def operate(self, key: str) -> list[str] | None:
        """An NTC key (PLAY, TRUP, ...): the statuses to push, None for an unknown key."""
        net = self.net
        match key:
            case "PLAY":
                net.play = "P"
                self._start_clock()
            case "PAUSE":
                net.play = "p" if net.play == "P" else net.play
            case "P/P":
                net.play = "p" if net.play == "P" else "P"
                self._start_clock()
            case "STOP":
                net.play = "S"
                net.elapsed = 0
            case "TRUP":
                self.change_track(+1)
            case "TRDN":
                self.change_track(-1 if net.elapsed < 3 else 0)
            case "REPEAT":
                net.repeat = _REPEAT_NEXT.get(net.repeat, "-")
            case "RANDOM":
                net.shuffle = "-" if net.shuffle != "-" else "S"
            case "FF" | "REW":
                net.elapsed = max(0, net.elapsed + (_SKIP if key == "FF" else -_SKIP))
                return self._statuses("NTM")
            case _:
                return None
        return self._statuses("NST")

    def seek(self, position: str) -> list[str] | None:
        """NTS ``mm:ss`` or ``hh:mm:ss``: the statuses to push, None when malformed."""
        parts = position.split(":")
        if len(parts) not in (2, 3) or not all(part.isdigit() for part in parts):
            return None
        seconds = 0
        for part in parts:
            seconds = seconds * 60 + int(part)
        self.net.elapsed = min(seconds, self.net.total)
        return self._statuses("NTM")

    def set_now_playing(
        self,
        title: str,
        artist: str,
        album: str,
        *,
        elapsed: int,
        duration: int,
        track: int,
        track_count: int,
        play: str,
    ) -> None:
        """Be playing a track, and tell every client."""
        net = self.net
        net.title, net.artist, net.album = title, artist, album
        net.elapsed, net.total, net.track, net.track_total = elapsed, duration, track, track_count
        net.play, net.art_url, net.file_info = play, self._art_url(), "FLAC/44.1kHz/16bit"
        self._announce(*_NOW_PLAYING)

    async def replay_track_change(self, time_scale: float) -> None:
        """Push the seed's real track-change burst, its timing scaled by ``time_scale``."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        for offset, message in TRACK_CHANGE_BURST:
            delay = started + offset * time_scale - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            self._push(message.replace("{art_url}", self._art_url()))
        net = self.net
        net.title, net.artist, net.album = "Roses Are Red", "Aqua", "Aquarium"
        net.track, net.track_total = 9, 11

    def change_track(self, step: int) -> None:
        """Move ``step`` tracks on (0: restart the track); past the end, loop or stop."""
        net = self.net
        number = net.track + step
        if number > len(net.playlist or DEMO_PLAYLIST):
            if not net.loop:
                net.play = "S"
                self._announce("NST")
                return
            number = 1
        self._load(max(number, 1))

    # --- inside ------------------------------------------------------------------------

    def _load(self, number: int) -> None:
        net = self.net
        if not net.playlist:
            net.playlist = DEMO_PLAYLIST
        track = net.playlist[number - 1]
        net.track, net.track_total = number, len(net.playlist)
        net.title, net.artist, net.album = track.title, track.artist, track.album
        net.elapsed, net.total, net.file_info = 0, track.duration, track.file_info
        net.art_url = self._art_url()
        self._announce(*_TRACK_STATUS)

    def _announce(self, *codes: str) -> None:
        for code in codes:
            for message in self._statuses(code):
                self._push(message)

    def _start_clock(self) -> None:
        if self._ticker is None or self._ticker.done():
            self._ticker = asyncio.create_task(self._clock())

    async def _clock(self) -> None:
        net = self.net
        while True:
            await asyncio.sleep(self.tick)
            if net.play != "P":
                continue
            net.elapsed += 1
            if net.total and net.elapsed >= net.total:
                self.change_track(+1)
            else:
                self._announce("NTM")

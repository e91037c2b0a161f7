"""Announcements on a receiver: play a sound through its renderer, then put everything back.

The sequence is pure logic over two injected sides, so that it runs the same against
the coordinator in Home Assistant and against a bare eISCP connection:

- :class:`ZoneControl`, the eISCP side: read a zone's power, input, volume, muting and
  whether network playback plays; set each of them back. :class:`EiscpZoneControl` is the
  one over an :class:`~.eiscp.Client`.
- :class:`MediaPlayback`, the renderer side: play a URL to its end, play a URL, stop
  (:class:`~.renderer.Renderer` in Home Assistant).

:class:`Announcer` remembers the zone, turns it on if needed, sets the announcement's
volume, plays, waits for the end as the renderer reports it (with a time limit) and
restores power, input, volume and muting, and resumes network playback. It restores
even when the announcement fails, and announcements queue: one never plays on top of
another. It imports nothing from Home Assistant.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
import logging
from typing import Final, Protocol
from urllib.parse import urlsplit

from .eiscp import Client, Message, Zone
from .eiscp.commands import NetCommand, net_control, select_source, set_mute, set_power, set_volume
from .eiscp.const import MUTE, POWER, SOURCE, VOLUME
from .eiscp.errors import EiscpError
from .eiscp.messages import Mute, PlayState, PlayStatus, Power, Source, Volume

_LOGGER = logging.getLogger(__name__)

NET_SELECTOR: Final = "2B"
MEDIA_SOURCE_PREFIX: Final = "media-source://"
DEFAULT_LIMIT: Final = 300.0  # seconds an announcement may play before it is cut


class InvalidMediaUrlError(ValueError):
    """A media id that is neither an http(s) URL nor a media-source id."""

    def __init__(self, media_id: str) -> None:
        """Refuse ``media_id``."""
        super().__init__(f"not an http(s) URL or media-source id: {media_id!r}")
        self.media_id = media_id


def is_media_source(media_id: str) -> bool:
    """Whether ``media_id`` is a Home Assistant media-source id."""
    return media_id.startswith(MEDIA_SOURCE_PREFIX)


def check_media_url(media_id: str) -> None:
    """Accept an absolute http(s) URL with a host, or a media-source id; raise otherwise."""
    if is_media_source(media_id):
        return
    try:
        parts = urlsplit(media_id)
    except ValueError as err:
        raise InvalidMediaUrlError(media_id) from err
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InvalidMediaUrlError(media_id)


@dataclass(frozen=True, slots=True)
class ZoneSnapshot:
    """What a zone was doing; None for what the device did not say."""

    power: bool
    source: str | None
    volume: int | None
    muted: bool | None
    net_playing: bool


class ZoneControl(Protocol):
    """The eISCP side of one zone."""

    async def snapshot(self) -> ZoneSnapshot:
        """What the zone is doing now."""

    async def set_power(self, on: bool) -> None:
        """Turn the zone on or to standby."""

    async def set_volume(self, level: int) -> None:
        """Set the raw volume level."""

    async def set_mute(self, muted: bool) -> None:
        """Mute or unmute."""

    async def select_source(self, selector: str) -> None:
        """Select an input."""

    async def play_network(self) -> None:
        """Resume network playback."""

    async def stop_network(self) -> None:
        """Stop network playback."""


class MediaPlayback(Protocol):
    """The renderer side."""

    async def play_to_end(
        self, url: str, title: str, *, limit: float, mime_type: str | None = None
    ) -> None:
        """Play ``url`` and return when it has ended; TimeoutError after ``limit`` seconds.

        ``mime_type`` is the media's type where it is known (the renderer is told it).
        """

    async def play(self, url: str, title: str, *, mime_type: str | None = None) -> None:
        """Play ``url`` (of ``mime_type``, if known) and return once it plays."""

    async def stop(self) -> None:
        """Stop what plays."""


class Announcer:
    """Plays announcements and URLs on one device, one at a time (see the module docstring)."""

    def __init__(
        self, zone: ZoneControl, playback: MediaPlayback, *, limit: float = DEFAULT_LIMIT
    ) -> None:
        """Announce on ``zone`` through ``playback``, cutting after ``limit`` seconds."""
        self.zone = zone
        self.playback = playback
        self.limit = limit
        self._lock = asyncio.Lock()

    @property
    def busy(self) -> bool:
        """Whether something plays or waits to."""
        return self._lock.locked()

    async def play(self, url: str, title: str, *, mime_type: str | None = None) -> None:
        """Play ``url`` (after any announcement in progress); nothing is restored after it."""
        check_media_url(url)
        async with self._lock:
            await self.playback.play(url, title, mime_type=mime_type)

    async def announce(
        self, url: str, title: str, *, volume: int | None = None, mime_type: str | None = None
    ) -> None:
        """Play ``url`` as an announcement at ``volume`` (None: the current), then restore.

        Raises what the renderer raised (refused, vanished) or TimeoutError when it never
        reported the end; the zone is restored in every case.
        """
        check_media_url(url)
        async with self._lock:
            before = await self.zone.snapshot()
            restore = before
            played = ended = False
            try:
                if not before.power:
                    await self.zone.set_power(True)
                    # What the zone holds once on: a device in standby may not say.
                    on = await self.zone.snapshot()
                    restore = ZoneSnapshot(False, on.source, on.volume, on.muted, False)
                if restore.muted:
                    await self.zone.set_mute(False)
                if volume is not None and volume != restore.volume:
                    await self.zone.set_volume(volume)
                played = True
                await self.playback.play_to_end(url, title, limit=self.limit, mime_type=mime_type)
                ended = True
            finally:
                await self._restore(restore, stop=played and not ended)

    async def _restore(self, before: ZoneSnapshot, *, stop: bool) -> None:
        """Put the zone back; each step is tried even when an earlier one failed."""
        zone = self.zone
        if stop:
            await _attempt("stop the renderer", self.playback.stop, fallback=zone.stop_network)
        if before.volume is not None:
            await _attempt("restore the volume", lambda: zone.set_volume(before.volume or 0))
        if before.muted:
            await _attempt("restore muting", lambda: zone.set_mute(True))
        if before.source is not None:
            await _attempt("restore the input", lambda: zone.select_source(before.source or ""))
        # No input known (a network player has none): what played was the network player.
        if before.net_playing and before.source in (NET_SELECTOR, None):
            await _attempt("resume network playback", zone.play_network)
        if not before.power:
            await _attempt("turn the zone off", lambda: zone.set_power(False))


async def _attempt(
    what: str,
    step: Callable[[], Awaitable[None]],
    *,
    fallback: Callable[[], Awaitable[None]] | None = None,
) -> None:
    """Run one restoring step; a failure is logged and the next step still runs."""
    try:
        await step()
    except Exception as err:  # noqa: BLE001 - restoring goes on whatever one step raised
        if fallback is None:
            _LOGGER.warning("After the announcement, could not %s: %r", what, err)
            return
        _LOGGER.debug("Could not %s (%r); over eISCP instead", what, err)
        await _attempt(what, fallback)


class EiscpZoneControl:
    """:class:`ZoneControl` over an eISCP connection: asks the device, waits for its answers."""

    def __init__(self, client: Client, zone: Zone = Zone.MAIN, *, timeout: float = 5.0) -> None:
        """Control ``zone`` of the device behind ``client``."""
        self.client = client
        self.zone = zone
        self.timeout = timeout

    async def snapshot(self) -> ZoneSnapshot:
        """Ask the device for power, input, volume, muting and network playback."""
        power = await self._ask(POWER[self.zone])
        source = await self._ask(SOURCE[self.zone])
        volume = await self._ask(VOLUME[self.zone])
        muted = await self._ask(MUTE[self.zone])
        status = await self._ask("NST")
        return ZoneSnapshot(
            power=isinstance(power, Power) and power.on,
            source=source.selector if isinstance(source, Source) else None,
            volume=volume.level if isinstance(volume, Volume) else None,
            muted=muted.muted if isinstance(muted, Mute) else None,
            net_playing=isinstance(status, PlayStatus) and status.play is PlayState.PLAYING,
        )

    async def set_power(self, on: bool) -> None:
        """Turn the zone on or off; return once the device says so."""
        await self._change(set_power(self.zone, on), POWER[self.zone])

    async def set_volume(self, level: int) -> None:
        """Set the raw volume; return once the device says so."""
        await self._change(set_volume(self.zone, level), VOLUME[self.zone])

    async def set_mute(self, muted: bool) -> None:
        """Mute or unmute; return once the device says so."""
        await self._change(set_mute(self.zone, muted), MUTE[self.zone])

    async def select_source(self, selector: str) -> None:
        """Select an input; return once the device says so."""
        await self._change(select_source(self.zone, selector), SOURCE[self.zone])

    async def play_network(self) -> None:
        """Press PLAY on the network player; return once it reports its status."""
        await self._change(net_control(self.zone, NetCommand.PLAY), "NST")

    async def stop_network(self) -> None:
        """Press STOP on the network player; return once it reports its status."""
        await self._change(net_control(self.zone, NetCommand.STOP), "NST")

    async def _ask(self, code: str) -> Message | None:
        try:
            return await self.client.query(code, timeout=self.timeout)
        except EiscpError:
            return None

    async def _change(self, message: str, reply_code: str) -> None:
        await self.client.request(message, reply_code, timeout=self.timeout)


__all__ = [
    "Announcer",
    "EiscpZoneControl",
    "InvalidMediaUrlError",
    "MediaPlayback",
    "ZoneControl",
    "ZoneSnapshot",
    "check_media_url",
    "is_media_source",
]

"""The coordinator: owns the connection to one device and the device's state.

Data flows one way: socket -> library decoder -> typed message -> ``DeviceState`` ->
entities. Commands flow back through :meth:`OnkyoCoordinator.async_send`, the only write
path. Updates are pushed, never polled; the messages of one socket read (a device sends
bursts) are applied first and then each interested entity is notified once, right at
the end of that read: no timer and no extra event-loop turn on the hot path.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Iterator, Set as AbstractSet
import contextlib
from datetime import datetime, timedelta
import logging
from typing import TYPE_CHECKING, Any, NamedTuple

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.device_registry import (
    CONNECTION_NETWORK_MAC,
    DeviceInfo,
    format_mac,
)
from homeassistant.helpers.event import async_call_later, async_track_time_interval
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from . import const
from .const import (
    CONF_LISTENING_MODE_NAMES,
    CONF_LISTENING_MODES,
    CONF_RELEASE_WHILE_OFF,
    CONF_SOURCE_NAMES,
    CONF_SOURCES,
    CONF_VOLUME_LIMIT,
    DEFAULT_RELEASE_WHILE_OFF,
    DEFAULT_VOLUME_LIMIT,
    DOMAIN,
    NOT_RESPONDING_SESSIONS,
)
from .eiscp import commands as cmd, messages as msg
from .eiscp.capabilities import Capabilities, ZoneCapabilities
from .eiscp.codes import LISTENING_MODE_NAMES, NET_SELECTORS, SELECTOR_NAMES, brand_name
from .eiscp.const import Zone
from .eiscp.errors import ConnectionClosedError, EiscpError, FrameError, QueryTimeoutError
from .eiscp.interface import ReceiverClient
from .eiscp.lists import (
    ContentIdError,
    DialogError,
    IndexOutOfRangeError,
    ItemNotFoundError,
    ListError,
    ListMovedError,
    ListRefusedError,
    ListTimeoutError,
    MalformedListError,
)
from .eiscp.nri import DeviceInfo as ReceiverInfo
from .eiscp.settings import SETTING_ZONES
from .renderer import RendererError
from .settings import ZONE2_MODE_NAMES
from .speaker import InvalidMediaUrlError, Speaker, renderer_error
from .state import DeviceState, Topic

if TYPE_CHECKING:
    from .eiscp.messages import Message

_LOGGER = logging.getLogger(__name__)

type OnkyoConfigEntry = ConfigEntry[OnkyoCoordinator]
# An entity's update callback: given the topics a burst changed.
type Listener = Callable[[AbstractSet[Topic]], None]

# Messages worth asking for when the player starts playing (the seed's field experience:
# a device that is already playing when we connect sends none of them by itself). NLT
# and NMS carry the service playing: a device pushes them only when it changes.
_PLAYBACK_QUERIES = ("NAT", "NAL", "NTI", "NFI", "NTR", "NTM", "NMS", "NLT")

# How long shuffle/repeat changes wait for the device to confirm each step.
_NST_STEP_TIMEOUT = 2.0

# What the device answered when asked for its settings, kept per entry.
_SETTINGS_STORE_VERSION = 1


class OnkyoCoordinator:
    """Owns the client and the state of one device."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: OnkyoConfigEntry,
        client: ReceiverClient,
        info: ReceiverInfo,
        identifier: str,
    ) -> None:
        """Keep what setup found; :meth:`async_start` wires the client up."""
        self.hass = hass
        self.entry = entry
        self.client = client
        self.info = info
        self.capabilities = Capabilities.from_info(info)
        self._zone_capabilities = {z.zone: z for z in self.capabilities.zones}
        self.identifier = identifier
        self.state = DeviceState()
        self._listeners: dict[Topic, set[Listener]] = {}
        self._pending: set[Topic] = set()
        # Presses of REPEAT/RANDOM in flight: each waits for an NST that changes the field
        # it cycles (the field's reader, and its value when pressed).
        self._nst_waiters: list[tuple[asyncio.Future[None], Callable[[], object], object]] = []
        self._unsubscribers: list[Callable[[], None]] = []
        self._background: set[asyncio.Task[None]] = set()
        self._was_playing = False
        self._sources: dict[Zone, dict[str, str]] = {}
        self._mode_codes: list[str] = list(self.capabilities.listening_modes)
        # Available once the device has answered on the current connection: a device
        # whose network module hangs accepts connections but never answers, and must
        # not flap between available and unavailable with each reconnect.
        self.connected = client.connected
        self._awaiting_reply = False
        self._not_responding = False
        # Settings: code -> whether the device has it (NRI's word, else its answer when
        # asked while the setting's zone was on); codes asked and not yet answered.
        self._settings: dict[str, bool] = dict.fromkeys(self.capabilities.settings, True)
        self._asking: set[str] = set()
        self._settings_unsaved = False
        # Release while off (the option): the connection is closed while every zone is
        # off; entities keep showing the last state (off) and stay available.
        self.released = False
        self._release_timer: CALLBACK_TYPE | None = None
        self._recheck_timer: CALLBACK_TYPE | None = None
        self._setting_listeners: list[Callable[[str], None]] = []
        self._settings_store = settings_store(hass, entry.entry_id)
        self.speaker = Speaker(self)  # the device's renderer: URLs and announcements

    # --- lifecycle ---------------------------------------------------------------

    async def async_start(self) -> None:
        """Listen to the client and ask the device for its state."""
        await self._load_settings()
        self._unsubscribers.append(self.client.add_message_listener(self._on_message))
        self._unsubscribers.append(self.client.add_batch_listener(self._flush))
        self._unsubscribers.append(self.client.add_connection_listener(self._on_connection))
        self._query(self.capabilities.connect_queries)
        self.speaker.async_start()

    async def async_shutdown(self) -> None:
        """Stop listening and close the connection."""
        for unsubscribe in self._unsubscribers:
            unsubscribe()
        self._unsubscribers.clear()
        ir.async_delete_issue(self.hass, DOMAIN, self.not_responding_issue_id)
        self._cancel_release_timers()
        await self.speaker.async_shutdown()
        for waiter, _, _ in self._nst_waiters:
            waiter.cancel()
        for task in list(self._background):
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)
        if self._settings_unsaved:
            await self._settings_store.async_save(self._settings_data())
        await self.client.close()

    # --- identity ----------------------------------------------------------------

    @property
    def device_info(self) -> DeviceInfo:
        """The Home Assistant device of this receiver."""
        info = self.info
        connections = (
            {(CONNECTION_NETWORK_MAC, format_mac(self.identifier))}
            if _is_mac(self.identifier)
            else set()
        )
        return DeviceInfo(
            identifiers={(DOMAIN, self.identifier)},
            connections=connections,
            manufacturer=brand_name(info.brand),
            model=info.model or None,
            name=info.friendly_name or f"{brand_name(info.brand)} {info.model}".strip(),
            sw_version=info.firmware or None,
            configuration_url=f"http://{_url_host(self.entry.data[CONF_HOST])}/",
        )

    @property
    def zones(self) -> list[Zone]:
        """The zones the device has enabled (main always)."""
        return list(self._zone_capabilities)

    def zone_capabilities(self, zone: Zone) -> ZoneCapabilities:
        """What an enabled zone has (its volume scale, tone, inputs, queries)."""
        return self._zone_capabilities[zone]

    @property
    def volume_limit(self) -> float:
        """Fraction of the device's range that 100 % in Home Assistant maps to."""
        return float(self.entry.options.get(CONF_VOLUME_LIMIT, DEFAULT_VOLUME_LIMIT)) / 100

    def sources(self, zone: Zone) -> dict[str, str]:
        """Selectable inputs of ``zone`` (selector id -> name), as the options filter them.

        Computed once per zone: a change of options reloads the entry.
        """
        if zone not in self._sources:
            chosen = self.entry.options.get(CONF_SOURCES)
            self._sources[zone] = {
                s.id: self.source_name(s.id)
                for s in self._zone_capabilities[zone].selectors
                if not chosen or s.id in chosen
            }
        return self._sources[zone]

    def source_name(self, code: str) -> str:
        """An input's name: the user's (options), else the device's (NRI), else the spec's."""
        if name := self.entry.options.get(CONF_SOURCE_NAMES, {}).get(code):
            return str(name)
        device = next((s.name for s in self.info.selectors if s.id == code and s.name), None)
        return device or SELECTOR_NAMES.get(code, code)

    @property
    def listening_modes(self) -> list[str]:
        """The main zone's listening-mode codes: the model's, plus any the device reported."""
        return self._mode_codes

    @property
    def offered_listening_modes(self) -> list[str]:
        """The listening modes to offer on the main zone: those the options choose (all)."""
        chosen = self.entry.options.get(CONF_LISTENING_MODES)
        if chosen is None:
            return self._mode_codes
        return [code for code in self._mode_codes if code in chosen]

    def user_listening_mode_name(self, code: str) -> str | None:
        """The user's name of a listening mode (shared by every zone's modes), if any."""
        name = self.entry.options.get(CONF_LISTENING_MODE_NAMES, {}).get(code)
        return str(name) if name else None

    def listening_mode_name(self, code: str, zone: Zone = Zone.MAIN) -> str:
        """A listening mode's name: the user's, else the spec's (zone 2: LMZ's own)."""
        names = ZONE2_MODE_NAMES if zone is Zone.ZONE2 else LISTENING_MODE_NAMES
        return self.user_listening_mode_name(code) or names.get(code, code)

    def zone_plays_net(self, zone: Zone) -> bool:
        """Whether the zone's current input is one the network player reports on."""
        if not self.capabilities.has_inputs:
            return self.capabilities.net
        return self.state.zones[zone].source in NET_SELECTORS

    # --- listeners ---------------------------------------------------------------

    @callback
    def async_add_listener(
        self, update_callback: Listener, topics: Iterable[Topic]
    ) -> CALLBACK_TYPE:
        """Call ``update_callback`` after a burst that changed any of ``topics``.

        It is given every topic the burst changed (its own and others').
        """
        topics = set(topics)
        for topic in topics:
            self._listeners.setdefault(topic, set()).add(update_callback)

        @callback
        def remove() -> None:
            for topic in topics:
                self._listeners[topic].discard(update_callback)

        return remove

    @callback
    def _on_message(self, message: Message) -> None:
        """Apply one message (the hot path: most messages only change the state)."""
        if isinstance(message, msg.Power):
            self._on_power(message)
        if changed := self.state.apply(message, dt_util.utcnow):
            self._pending.update(changed)
            if isinstance(message, msg.Power):
                self._consider_release()
        if self._asking and message.code in self._asking:
            self._on_setting_answer(message)
        if isinstance(message, msg.PlayStatus):
            self._on_play_status(message)
        elif isinstance(message, msg.ListeningMode):
            self._on_listening_mode(message)

    @callback
    def _on_power(self, power: msg.Power) -> None:
        """Ask a zone's state when it comes on (before the state takes the message).

        The main zone's state is asked on connect, so only when it goes from off to on;
        other zones' whenever they report being on.
        """
        if not power.on or (zone := self._zone_capabilities.get(power.zone)) is None:
            return
        if power.zone is not Zone.MAIN or self.state.zones[Zone.MAIN].power is False:
            self._query(zone.queries)
        if self.state.zones[power.zone].power is not True:  # it comes on (or we connect)
            self._ask_settings(power.zone)

    @callback
    def _on_listening_mode(self, mode: msg.ListeningMode) -> None:
        if self._mode_codes and mode.mode not in self._mode_codes:
            # A mode the model's table lacks (Pioneer, newer models): offer it from now on.
            self._mode_codes.append(mode.mode)

    @callback
    def _flush(self) -> None:
        """Notify the listeners of every topic the last read changed."""
        if self._awaiting_reply:
            self._answered()
        if not self._pending:
            return
        topics, self._pending = self._pending, set()
        listeners = self._listeners
        callbacks: set[Listener] = set()
        for topic in topics:
            if (subscribed := listeners.get(topic)) is not None:
                callbacks.update(subscribed)
        for update in callbacks:
            update(topics)

    @callback
    def _notify_all(self) -> None:
        self._pending |= set(self._listeners)
        self._flush()

    @callback
    def _on_connection(self, connected: bool) -> None:
        if connected:
            # Available again when the device answers these.
            self._awaiting_reply = True
            self.state.art_stream.reset()
            self._query(self.capabilities.connect_queries)
            return
        self._awaiting_reply = False
        self._asking.clear()  # unanswered questions are asked again on the next power-on
        if self.connected:
            self.connected = False
            _LOGGER.warning("Connection to %s lost; reconnecting", self.client.host)
            self._notify_all()
        if (
            not self._not_responding
            and self.client.stats.silent_sessions >= NOT_RESPONDING_SESSIONS
        ):
            self._not_responding = True
            _LOGGER.warning(
                "%s at %s accepts connections but does not answer",
                self.info.model,
                self.client.host,
            )
            ir.async_create_issue(
                self.hass,
                DOMAIN,
                self.not_responding_issue_id,
                is_fixable=False,
                severity=ir.IssueSeverity.WARNING,
                translation_key="not_responding",
                translation_placeholders={
                    "title": self.entry.title,
                    "model": self.info.model,
                    "host": self.client.host,
                },
            )

    @callback
    def _answered(self) -> None:
        """The device answered on a new connection: available again."""
        self._awaiting_reply = False
        self.connected = True
        _LOGGER.info("Connection to %s restored", self.client.host)
        if self._not_responding:
            self._not_responding = False
            ir.async_delete_issue(self.hass, DOMAIN, self.not_responding_issue_id)
        self._pending |= set(self._listeners)

    @property
    def not_responding_issue_id(self) -> str:
        """The repair issue raised while the device accepts but does not answer."""
        return f"not_responding_{self.entry.entry_id}"

    @callback
    def _on_play_status(self, status: msg.PlayStatus) -> None:
        if self._nst_waiters:
            # Only an NST whose cycled field changed answers a press: devices also push NST
            # after PLAY and on every track change, with that field as it was.
            for waiter, read, before in self._nst_waiters:
                if not waiter.done() and read() != before:
                    waiter.set_result(None)
            self._nst_waiters = [w for w in self._nst_waiters if not w[0].done()]
        if status.play is msg.PlayState.PLAYING and not self._was_playing:
            self._query(_PLAYBACK_QUERIES)
        self._was_playing = status.play is msg.PlayState.PLAYING

    # --- release while off --------------------------------------------------------

    @property
    def release_while_off(self) -> bool:
        """Whether the option to release the connection while every zone is off is on."""
        return bool(self.entry.options.get(CONF_RELEASE_WHILE_OFF, DEFAULT_RELEASE_WHILE_OFF))

    @callback
    def _consider_release(self) -> None:
        """After a power change: release once every zone has stayed off a while."""
        if not self.release_while_off or self.released:
            return
        all_off = all(self.state.zones[zone].power is False for zone in self._zone_capabilities)
        if all_off and self._release_timer is None:
            self._release_timer = async_call_later(
                self.hass, const.RELEASE_GRACE, self._async_release
            )
        elif not all_off and self._release_timer is not None:
            self._release_timer()
            self._release_timer = None

    async def _async_release(self, _now: datetime) -> None:
        self._release_timer = None
        if self.released or any(
            self.state.zones[zone].power is not False for zone in self._zone_capabilities
        ):
            return
        _LOGGER.debug("Every zone of %s is off: releasing the connection", self.client.host)
        self.released = True
        self._asking.clear()
        await self.client.release()
        self._recheck_timer = async_track_time_interval(
            self.hass,
            self._async_look,
            timedelta(seconds=const.RELEASE_RECHECK_INTERVAL),
            name="onkyo_eiscp release recheck",
        )

    async def _async_look(self, _now: datetime | None = None) -> None:
        """Connect again to see whether a zone came on; unreachable: look again later."""
        with contextlib.suppress(ConnectionClosedError):
            await self._async_resume()

    async def async_device_seen(self) -> None:
        """Discovery saw the device: connect again now if the connection is released."""
        await self._async_look()

    async def _async_resume(self) -> None:
        if not self.released:
            return
        if self._recheck_timer is not None:
            self._recheck_timer()
            self._recheck_timer = None
        self.released = False
        try:
            await self.client.connect()
        except ConnectionClosedError as err:
            _LOGGER.debug("%s not reachable while released: %s", self.client.host, err)
            self.released = True
            self._recheck_timer = async_track_time_interval(
                self.hass,
                self._async_look,
                timedelta(seconds=const.RELEASE_RECHECK_INTERVAL),
                name="onkyo_eiscp release recheck",
            )
            raise
        # As after a reconnect: ask for the state; all zones still off releases again.
        self._on_connection(True)
        self._consider_release()

    def _cancel_release_timers(self) -> None:
        for cancel in (self._release_timer, self._recheck_timer):
            if cancel is not None:
                cancel()
        self._release_timer = None
        self._recheck_timer = None

    # --- settings ----------------------------------------------------------------

    def has_setting(self, code: str) -> bool:
        """Whether the device has setting ``code`` (NRI says so, or it answered once)."""
        return self._settings.get(code, False)

    @callback
    def async_add_setting_listener(self, found: Callable[[str], None]) -> CALLBACK_TYPE:
        """Call ``found(code)`` when the device turns out to have a setting."""
        self._setting_listeners.append(found)
        return lambda: self._setting_listeners.remove(found)

    async def _load_settings(self) -> None:
        """What the device answered before: a restart neither asks again nor loses them."""
        stored = await self._settings_store.async_load() or {}
        asked = set(self.capabilities.settings_to_ask)
        for code, has in stored.get("settings", {}).items():
            if code in asked and isinstance(has, bool):
                self._settings[code] = has
        for code, value in stored.get("values", {}).items():
            # Values that decide what exists (the speaker layout), until asked again.
            if code in asked and isinstance(value, str):
                self.state.settings.setdefault(code, value)

    @callback
    def _ask_settings(self, zone: Zone) -> None:
        """``zone`` is on: ask the values of its settings, and once whether it has the rest.

        A setting the device lacks (NRI's word, or its N/A while the zone was on) is
        never asked again.
        """
        values = [
            code for code, has in self._settings.items() if has and SETTING_ZONES[code] is zone
        ]
        unknown = [
            code
            for code in self.capabilities.settings_to_ask
            if SETTING_ZONES[code] is zone
            and code not in self._settings
            and code not in self._asking
        ]
        if unknown:
            self._asking.update(unknown)
        if values or unknown:
            self._query(values + unknown, settings=True)

    @callback
    def _on_setting_answer(self, message: Message) -> None:
        """An answer to a settings question: a value means the device has it."""
        code = message.code
        if isinstance(message, msg.NotAvailable):
            # N/A from a zone that went to standby meanwhile says nothing: ask again later.
            if self.state.zones[SETTING_ZONES[code]].power is not True:
                self._asking.discard(code)
                return
            has = False
        elif isinstance(message, msg.Setting):
            has = True
        else:
            return
        self._asking.discard(code)
        self._settings[code] = has
        self._settings_unsaved = True
        self._settings_store.async_delay_save(self._saved_settings, 1.0)
        if has:
            for found in list(self._setting_listeners):
                found(code)

    def _saved_settings(self) -> dict[str, Any]:
        self._settings_unsaved = False
        return self._settings_data()

    def settings_diagnostics(self) -> dict[str, Any]:
        """The settings: NRI's word, what is asked, what was answered (and is kept)."""
        return {
            "from_nri": list(self.capabilities.settings),
            "to_ask": list(self.capabilities.settings_to_ask),
            "asking": sorted(self._asking),
            "kept": self._settings_data(),
        }

    def _settings_data(self) -> dict[str, Any]:
        asked = set(self.capabilities.settings_to_ask)
        return {
            "settings": {c: has for c, has in self._settings.items() if c in asked},
            "values": {"SPI": v} if (v := self.state.settings.get("SPI")) else {},
        }

    # --- queries -----------------------------------------------------------------

    def _query(self, codes: Iterable[str], *, settings: bool = False) -> None:
        """Ask for ``codes`` in the background; replies arrive as pushes."""
        codes = list(dict.fromkeys(codes))
        if not self.client.connected:
            if settings:
                self._asking.difference_update(codes)
            return
        task = self.entry.async_create_background_task(
            self.hass, self._send_queries(codes, settings=settings), "onkyo_eiscp queries"
        )
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _send_queries(self, codes: list[str], *, settings: bool = False) -> None:
        try:
            for code in codes:
                await self.client.send(cmd.query(code))
        except ConnectionClosedError:
            _LOGGER.debug("Connection closed while querying %s", codes)
            if settings:
                self._asking.difference_update(codes)

    # --- commands ----------------------------------------------------------------

    async def async_send(self, message: str) -> None:
        """Send one command to the device: the integration's only write path.

        Library errors propagate; :func:`action_errors` translates them for the user.
        A connection released while every zone was off is opened again first.
        """
        if self.released:
            await self._async_resume()
        await self.client.send(message)

    async def async_request(self, message: str, reply_code: str, timeout: float) -> Message:
        """Send a command and wait for the reply with ``reply_code`` (same write path)."""
        if self.released:
            await self._async_resume()
        return await self.client.request(message, reply_code, timeout=timeout)

    async def async_cycle_until(
        self,
        zone: Zone,
        command: cmd.NetCommand,
        read: Callable[[], object],
        reached: Callable[[], bool],
    ) -> None:
        """Send ``command`` (REPEAT/RANDOM cycle the device's modes) until ``reached()``.

        Each press waits for an NST in which the field it cycles (``read()``) changed;
        gives up after a full cycle, or when a press changes nothing in time.
        """
        for _ in range(4):
            if reached():
                return
            waiter: asyncio.Future[None] = self.hass.loop.create_future()
            pending = (waiter, read, read())
            self._nst_waiters.append(pending)
            try:
                await self.async_send(cmd.net_control(zone, command))
                async with asyncio.timeout(_NST_STEP_TIMEOUT):
                    await waiter
            except TimeoutError:
                break
            finally:
                if pending in self._nst_waiters:
                    self._nst_waiters.remove(pending)
        if not reached():
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="mode_not_reached",
                translation_placeholders={"command": command.value},
            )

    def diagnostics(self) -> dict[str, Any]:
        """Connection figures for diagnostics."""
        stats = self.client.stats
        return {
            "connected": self.connected,
            "host": self.entry.data[CONF_HOST],
            "port": self.entry.data[CONF_PORT],
            "stats": {
                "connects": stats.connects,
                "drops": stats.drops,
                "messages_in": stats.messages_in,
                "messages_out": stats.messages_out,
                "bytes_in": stats.bytes_in,
                "keepalive_failures": stats.keepalive_failures,
                "silent_sessions": stats.silent_sessions,
                "last_error": stats.last_error,
            },
        }


@contextlib.contextmanager
def action_errors(host: str) -> Iterator[None]:
    """The error boundary of every action: library errors become translated errors.

    A value the protocol cannot carry (the library's ValueError or FrameError) is the
    caller's mistake: ServiceValidationError. A connection that is down, or a device
    that fails, is not: HomeAssistantError.
    """
    try:
        yield
    except InvalidMediaUrlError as err:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="invalid_media_url",
            translation_placeholders={"media_id": err.media_id},
        ) from err
    except RendererError as err:
        raise renderer_error(err, host) from err
    except ListError as err:
        raise list_error(err) from err
    except (ValueError, FrameError) as err:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="invalid_value",
            translation_placeholders={"error": str(err)},
        ) from err
    except ConnectionClosedError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="not_connected",
            translation_placeholders={"host": host},
        ) from err
    except QueryTimeoutError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="no_reply",
            translation_placeholders={"error": str(err)},
        ) from err
    except EiscpError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="device_error",
            translation_placeholders={"host": host, "error": str(err)},
        ) from err


def list_error(err: ListError) -> HomeAssistantError:
    """The translated error of a list operation (browse, play, search, queue) that failed.

    A content id or an index that names nothing is the caller's mistake.
    """
    key, placeholders = next(
        (_LIST_ERRORS[kind] for kind in type(err).__mro__ if kind in _LIST_ERRORS),
        _Key(translation_key="list_refused", names=("message",)),
    )
    values = {"error": str(err), "message": str(err)}
    for name in ("missing", "where", "device_message", "dialog"):
        if (value := getattr(err, name, None)) is not None:
            values[name] = str(value)
    if values.get("device_message"):
        values["message"] = values["device_message"]
    error = (
        ServiceValidationError
        if isinstance(err, ContentIdError | IndexOutOfRangeError)
        else HomeAssistantError
    )
    return error(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={name: values[name] for name in placeholders},
    )


class _Key(NamedTuple):
    translation_key: str
    names: tuple[str, ...]  # its placeholders


# A list error's translation key and its placeholders.
_LIST_ERRORS: dict[type[ListError], _Key] = {
    ContentIdError: _Key(translation_key="invalid_content_id", names=("error",)),
    IndexOutOfRangeError: _Key(translation_key="index_out_of_range", names=("error",)),
    ItemNotFoundError: _Key(translation_key="item_not_found", names=("missing", "where")),
    ListRefusedError: _Key(translation_key="list_refused", names=("message",)),
    ListTimeoutError: _Key(translation_key="list_timeout", names=("error",)),
    MalformedListError: _Key(translation_key="list_malformed", names=("error",)),
    DialogError: _Key(translation_key="device_dialog", names=("dialog",)),
    ListMovedError: _Key(translation_key="device_busy", names=()),
}


def _is_mac(identifier: str) -> bool:
    return len(identifier) == 12 and all(c in "0123456789ABCDEF" for c in identifier)


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def settings_store(hass: HomeAssistant, entry_id: str) -> Store[dict[str, Any]]:
    """Where an entry keeps the settings its device was found to have (and lack)."""
    return Store(hass, _SETTINGS_STORE_VERSION, f"{DOMAIN}.settings.{entry_id}")


__all__ = [
    "OnkyoConfigEntry",
    "OnkyoCoordinator",
    "action_errors",
    "list_error",
    "settings_store",
]

"""Speak the eISCP command vocabulary to a legacy Pioneer receiver.

A controller written for eISCP (the integration's coordinator and entities) builds
command text with :mod:`..commands` (``"PWR01"``, ``"MVLB9"``, ``"SLI19"``,
``"AMTQSTN"``) and reads typed messages. :func:`to_pioneer` turns that text into the
Pioneer lines that do the same (``"PO"``, ``"185VL"``, ``"19FN"``, ``"?M"``);
:func:`to_eiscp` gives the messages the Pioneer parser makes the eISCP command codes
(``PWR``/``ZPW``/``PW3``, the HDZone's ``PWH``, ``MVL``, ...) and translates what
differs (input ids, listening modes, preset numbering, tuner and display).
:class:`BridgeClient` wraps a :class:`.client.Client` with the eISCP client's API
(:class:`~..interface.ReceiverClient`), so that a coordinator can hold either.

What the translation keeps:

- **Volume**: the eISCP raw level *is* the Pioneer raw level (main 0..185 in 0.5 dB
  steps, other zones 0..81), so a zone's ``VolumeScale`` from the synthesized NRI
  (:mod:`.device_info`) works unchanged; ``MVLB9`` is ``185VL``.
- **Inputs**: selector ids are the receiver's two decimal digits (``SLI19`` is ``19FN``),
  except where an id means something else in eISCP (:data:`SELECTOR_TO_EISCP`): the
  tuner (Pioneer ``02``) is eISCP's tuner ``26``, and Pioneer inputs whose ids are
  eISCP's tuner or network ids (``25`` BD, ``26`` NETWORK, ...) get ids that eISCP gives
  no meaning, so that a controller that knows eISCP's tuner and network inputs is not
  misled.
- **Listening modes**: eISCP ``LMD`` codes map to Pioneer ``SR`` codes by meaning
  (:data:`LISTENING_MODE_TO_PIONEER`); several Pioneer modes may report the same eISCP
  mode. A mode without a counterpart is refused; a reported Pioneer mode without one
  comes as a :class:`~..messages.RawMessage` (the mode shown stays unknown/unchanged).
- **Presets**: eISCP preset ``n`` (1..63) is Pioneer class ``A + (n-1)//9``, number
  ``(n-1)%9+1``.
- **Tuner and display**: ``FR`` (``FRF08750``: FM 87.50 MHz, ``FRA00531``: AM 531 kHz)
  is eISCP's ``TUN`` with the same five digits; the front display ``FL`` (hex-encoded
  text) is the ``FLD`` setting. The receiver pushes them when they change; the tuner's
  are also asked with the main zone's input (``?F ?FR ?PR``), and the station after a
  preset is recalled (``A01PR ?FR``). Tuning to a frequency (``TUN09150``) is the band,
  direct access and the digits (``00TN TAC 9TP 1TP 5TP 0TP``), as aiopioneer does it.

What Pioneer lacks (network playback, NRI, HDMI output, dimmer, channel levels,
firmware update, ...) raises :class:`UnsupportedCommandError` when sent as a command;
asked as a query, it is answered here as :class:`~..messages.NotAvailable` and nothing
is sent. A query the receiver refuses (``E04``/``E06``: a model without that function)
is answered the same way, to the message listeners, as an eISCP device's ``N/A``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
import re
from typing import TYPE_CHECKING, Final, Self

from .. import commands as eiscp_commands
from ..const import MUTE, POWER, SOURCE, TONE, VOLUME, Zone, zone_of
from ..errors import EiscpError
from ..messages import (
    ListeningMode,
    Message,
    Mute,
    NotAvailable,
    Power,
    Preset,
    RawMessage,
    Setting,
    Source,
    Tone,
    Tuner,
    Volume,
)
from . import commands as pioneer
from .const import ZONE_CODES
from .errors import CommandError
from .messages import DisplayText, TunerPreset

if TYPE_CHECKING:
    from ..client import ConnectionListener, MessageListener
    from .client import Client, PioneerStats

_QUERY: Final = "QSTN"
_HEX2: Final = re.compile(r"[0-9A-F]{2}")
_DECIMAL2: Final = re.compile(r"\d{2}")
_DISPLAY: Final = "FLD"  # eISCP's front display setting
_TUNE: Final = re.compile(r"\d{5}")
_LOWEST_FM: Final = 6400  # TUN's digits: FM in 10 kHz units from here, AM in kHz below
TUNER_INPUT: Final = "02"  # Pioneer's tuner input id

# Pioneer input id -> eISCP selector id, where the two differ: the tuner is eISCP's
# TUNER; Pioneer ids that are eISCP's tuner (24 FM, 25 AM, 26 TUNER, 33 DAB) or network
# (27..29) ids take ids with a letter, which Pioneer's decimal ids never have.
SELECTOR_TO_EISCP: Final[dict[str, str]] = {
    TUNER_INPUT: "26",
    "24": "F4",  # HDMI6
    "25": "F5",  # BD
    "26": "F6",  # NETWORK (cyclic)
    "27": "F7",
    "28": "F8",
    "29": "F9",
    "33": "F3",  # ADAPTER PORT
}
_SELECTOR_TO_PIONEER: Final = {eiscp: pioneer for pioneer, eiscp in SELECTOR_TO_EISCP.items()}
_TONE_VALUE: Final = re.compile(r"([BT])([+-][0-9A-F]|00)")
_PRESETS_PER_CLASS: Final = 9
_PRESET_CLASSES: Final = "ABCDEFG"

# eISCP LMD code -> Pioneer SR code, by meaning (Pioneer's names in .codes).
LISTENING_MODE_TO_PIONEER: Final[dict[str, str]] = {
    "00": "0009",  # Stereo -> STEREO
    "01": "0007",  # Direct -> DIRECT
    "02": "0100",  # Surround -> ADVANCED SURROUND (cyclic)
    "04": "0050",  # THX -> THX (cyclic)
    "05": "0101",  # Action -> ACTION
    "06": "0110",  # Musical -> ROCK/POP
    "07": "0105",  # Mono Movie -> MONO FILM
    "08": "0107",  # Orchestra -> CLASSICAL
    "09": "0109",  # Unplugged -> UNPLUGGED
    "0B": "0116",  # TV Logic -> TV SURROUND
    "0C": "0112",  # All Ch Stereo -> EXTENDED STEREO
    "0D": "0106",  # Theater-Dimensional -> EXPANDED THEATER
    "11": "0008",  # Pure Audio -> PURE DIRECT
    "2E": "0117",  # Sports -> SPORTS
    "40": "0010",  # Straight Decode -> STANDARD
    "41": "0022",  # Dolby EX -> DOLBY EX
    "80": "0013",  # Dolby Surround (PLII Movie) -> PRO LOGIC2 MOVIE
    "81": "0014",  # PLII Music -> PRO LOGIC2 MUSIC
    "83": "0017",  # Neo:6 Music -> Neo:6 MUSIC
    "86": "0015",  # PLII Game -> PRO LOGIC2 GAME
    "87": "0029",  # Neural Surround -> NEURAL SURROUND
    "90": "0031",  # PLIIz Height -> PRO LOGIC2z HEIGHT
    "FF": "0006",  # Auto Surround -> AUTO SURROUND
}
# Pioneer SR code -> eISCP LMD code: the inverse, and Pioneer modes that are variants.
LISTENING_MODE_FROM_PIONEER: Final[dict[str, str]] = {
    pioneer_code: eiscp_code for eiscp_code, pioneer_code in LISTENING_MODE_TO_PIONEER.items()
} | {
    "0001": "00",  # STEREO (cyclic)
    "0005": "FF",  # AUTO SURR/STREAM DIRECT
    "0012": "80",  # PRO LOGIC
    "0018": "80",  # PRO LOGIC2x MOVIE
    "0019": "81",  # PRO LOGIC2x MUSIC
    "0020": "86",  # PRO LOGIC2x GAME
}


class UnsupportedCommandError(EiscpError):
    """An eISCP command that legacy Pioneer receivers have no counterpart for."""

    def __init__(self, command: str) -> None:
        """Name the command."""
        self.command = command
        super().__init__(f"{command} has no counterpart on a legacy Pioneer receiver")


def selector_to_eiscp(input_id: str) -> str:
    """The eISCP selector id of Pioneer input ``input_id`` (``"19"`` -> ``"19"``)."""
    return SELECTOR_TO_EISCP.get(input_id, input_id)


def selector_to_pioneer(selector: str) -> str | None:
    """The Pioneer input id of eISCP selector ``selector``; None when Pioneer has none."""
    if selector in _SELECTOR_TO_PIONEER:
        return _SELECTOR_TO_PIONEER[selector]
    if selector in SELECTOR_TO_EISCP or not _DECIMAL2.fullmatch(selector):
        return None  # an id the translation moved away, or not a Pioneer id at all
    return selector


def is_query(command: str) -> bool:
    """Whether eISCP ``command`` asks for a state (``"PWRQSTN"``)."""
    return command.endswith(_QUERY)


def to_pioneer(command: str) -> tuple[str, ...]:
    """The Pioneer lines that do what eISCP ``command`` does (one, or two for a tone query).

    UnsupportedCommandError for a command Pioneer lacks; ValueError (from the Pioneer
    builders) for a value outside the receiver's range.
    """
    code, param = command[:3], command[3:]
    zone = zone_of(code)
    if zone is not None and zone in ZONE_CODES:
        lines = _zoned(code, param, zone)
    else:
        lines = _device(code, param)
    if lines is None:
        raise UnsupportedCommandError(command)
    return lines


def _zoned(code: str, param: str, zone: Zone) -> tuple[str, ...] | None:
    query = param == _QUERY
    if code == POWER[zone]:
        if query:
            return (pioneer.query_power(zone),)
        if param in ("00", "01"):
            return (pioneer.set_power(zone, param == "01"),)
    elif code == VOLUME[zone]:
        return _volume(param, zone)
    elif code == MUTE[zone]:
        if query:
            return (pioneer.query_mute(zone),)
        if param in ("00", "01"):
            return (pioneer.set_mute(zone, param == "01"),)
    elif code == SOURCE[zone]:
        if query:
            # The tuner's station with the main zone's input: the receiver pushes it
            # only when it changes.
            tuner = (pioneer.query_tuner(), pioneer.query_preset()) if zone is Zone.MAIN else ()
            return (pioneer.query_source(zone), *tuner)
        input_id = selector_to_pioneer(param)
        if input_id is not None:
            return (pioneer.select_source(zone, input_id),)
    elif code == TONE.get(zone) and ZONE_CODES[zone].bass is not None:
        return _tone(param, zone)
    return None


def _volume(param: str, zone: Zone) -> tuple[str, ...] | None:
    match param:
        case "QSTN":
            return (pioneer.query_volume(zone),)
        case "UP" | "UP1":
            return (pioneer.volume_up(zone),)
        case "DOWN" | "DOWN1":
            return (pioneer.volume_down(zone),)
    if _HEX2.fullmatch(param):
        return (pioneer.set_volume(zone, int(param, 16)),)
    return None


def _tone(param: str, zone: Zone) -> tuple[str, ...] | None:
    if param == _QUERY:
        return (pioneer.query_bass(zone), pioneer.query_treble(zone))
    match = _TONE_VALUE.fullmatch(param)
    if match is None:
        return None
    letter, value = match.groups()
    db = int(value, 16)
    return (pioneer.set_bass(zone, db) if letter == "B" else pioneer.set_treble(zone, db),)


def _device(code: str, param: str) -> tuple[str, ...] | None:
    query = param == _QUERY
    if code == "LMD":
        if query:
            return (pioneer.query_listening_mode(),)
        mode = LISTENING_MODE_TO_PIONEER.get(param)
        return None if mode is None else (pioneer.select_listening_mode(mode),)
    if code == "PRS":
        if query:
            return (pioneer.query_preset(),)
        if _HEX2.fullmatch(param):
            # and ask the station: not every model reports it after a recall
            return (_recall(int(param, 16)), pioneer.query_tuner())
    if code == "TUN":
        if query:
            return (pioneer.query_tuner(),)
        if _TUNE.fullmatch(param):
            return _tune(int(param))
    if code == _DISPLAY and query:
        return (pioneer.query_display(),)
    return None


def _tune(value: int) -> tuple[str, ...]:
    """Tune directly: the band, then the frequency's digits after ``TAC``."""
    if value <= 0:
        raise ValueError("no frequency to tune")
    digits = (pioneer.tuner_digit(digit) for digit in str(value))
    return (
        pioneer.select_tuner_band(value >= _LOWEST_FM),
        pioneer.tuner_direct_access(),
        *digits,
    )


def _recall(number: int) -> str:
    index = number - 1
    if not 0 <= index < _PRESETS_PER_CLASS * len(_PRESET_CLASSES):
        raise ValueError(f"preset {number} outside 1..{_PRESETS_PER_CLASS * len(_PRESET_CLASSES)}")
    preset_class = _PRESET_CLASSES[index // _PRESETS_PER_CLASS]
    return pioneer.recall_preset(preset_class, index % _PRESETS_PER_CLASS + 1)


def to_eiscp(message: Message) -> Message:
    """A parsed Pioneer message as the eISCP parser would have made it."""
    match message:
        case Power(zone=zone):
            return replace(message, code=POWER[zone])
        case Volume(zone=zone):
            return replace(message, code=VOLUME[zone])
        case Mute(zone=zone):
            return replace(message, code=MUTE[zone])
        case Source(zone=zone, selector=selector):
            return replace(message, code=SOURCE[zone], selector=selector_to_eiscp(selector))
        case Tone(zone=zone) if zone in TONE:
            return replace(message, code=TONE[zone])
        case ListeningMode(mode=mode):
            lmd = LISTENING_MODE_FROM_PIONEER.get(mode)
            if lmd is None:
                return RawMessage(code="LMD", raw=message.raw)
            return ListeningMode(code="LMD", raw=message.raw, mode=lmd)
        case TunerPreset(preset_class=preset_class, number=number):
            index = _PRESET_CLASSES.index(preset_class) * _PRESETS_PER_CLASS + number
            return Preset(code="PRS", raw=message.raw, number=index)
        case Tuner():
            return replace(message, code="TUN")
        case DisplayText(text=text):
            return Setting(code=_DISPLAY, raw=message.raw, value=text)
    return message


class BridgeClient:
    """A legacy Pioneer client with the eISCP client's API and vocabulary.

    It owns ``pioneer`` (the native client: use it for the protocol's own questions,
    such as ``?RGD`` and ``?RGBnn``). Listeners get messages as :func:`to_eiscp` makes
    them; :meth:`send`, :meth:`request` and :meth:`query` take eISCP text.
    """

    def __init__(self, client: Client) -> None:
        """Wrap ``client`` (not connected yet, or connected)."""
        self.pioneer = client
        self._listeners: list[MessageListener] = []  # for the answers given here

    @property
    def host(self) -> str:
        """The receiver's host."""
        return self.pioneer.host

    @property
    def port(self) -> int:
        """The receiver's port."""
        return self.pioneer.port

    @property
    def connected(self) -> bool:
        """Whether the connection is up."""
        return self.pioneer.connected

    @property
    def stats(self) -> PioneerStats:
        """The connection's counters."""
        return self.pioneer.stats

    async def connect(self) -> None:
        """Open the connection (ConnectionClosedError when the receiver cannot be reached)."""
        await self.pioneer.connect()

    async def close(self) -> None:
        """Close the connection for good."""
        await self.pioneer.close()

    async def release(self) -> None:
        """Close the connection until the next :meth:`connect`; listeners stay."""
        await self.pioneer.release()

    async def __aenter__(self) -> Self:
        """Connect."""
        await self.connect()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        """Close."""
        await self.close()

    def add_message_listener(self, listener: MessageListener) -> Callable[[], None]:
        """Call ``listener`` with every message, in eISCP terms; returns an unsubscriber."""
        self._listeners.append(listener)
        unsubscribe = self.pioneer.add_message_listener(lambda message: listener(to_eiscp(message)))

        def remove() -> None:
            unsubscribe()
            if listener in self._listeners:
                self._listeners.remove(listener)

        return remove

    def add_batch_listener(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call ``listener()`` after the messages of each read."""
        return self.pioneer.add_batch_listener(listener)

    def add_connection_listener(self, listener: ConnectionListener) -> Callable[[], None]:
        """Call ``listener(False)`` on each loss and ``listener(True)`` on each reconnect."""
        return self.pioneer.add_connection_listener(listener)

    async def send(self, message: str) -> None:
        """Send eISCP ``message`` as the Pioneer lines that do the same.

        A query Pioneer has no counterpart for, or that the receiver refuses, is
        answered to the listeners as NotAvailable (an eISCP device's ``N/A``). A
        command Pioneer lacks raises UnsupportedCommandError; the receiver's refusals
        raise CommandError, as :meth:`.client.Client.send` does.
        """
        try:
            lines = to_pioneer(message)
        except UnsupportedCommandError:
            if is_query(message):
                self._not_available(message)
                return
            raise
        for line in lines:
            await self._send_line(message, line)

    async def _send_line(self, message: str, line: str) -> None:
        """Send one line of ``message``'s; a refused query is answered NotAvailable."""
        try:
            await self.pioneer.send(line)
        except CommandError:
            if not is_query(message):
                raise
            self._not_available(message)

    def _not_available(self, message: str) -> None:
        answer = NotAvailable(code=message.removesuffix(_QUERY), raw="N/A")
        for listener in list(self._listeners):
            listener(answer)

    async def request(
        self, message: str, reply_code: str, *, timeout: float | None = None
    ) -> Message:
        """Send eISCP ``message``; the receiver's answer, in eISCP terms.

        A query Pioneer lacks is answered NotAvailable at once, without sending; one
        the receiver refuses is answered NotAvailable too.
        """
        try:
            lines = to_pioneer(message)
        except UnsupportedCommandError:
            if is_query(message):
                return NotAvailable(code=reply_code, raw="N/A")
            raise
        first, *rest = lines
        expect = pioneer.expected_reply(first)
        if expect is None:  # every line to_pioneer makes has a known answer
            raise UnsupportedCommandError(message)
        try:
            reply = await self.pioneer.request(first, expect, timeout=timeout)
        except CommandError:
            if not is_query(message):
                raise
            return NotAvailable(code=reply_code, raw="N/A")  # a model without it
        for line in rest:
            await self._send_line(message, line)
        return to_eiscp(reply)

    async def query(self, code: str, *, timeout: float | None = None) -> Message:
        """Ask for eISCP ``code``'s state (``"PWR"`` asks ``?P``)."""
        return await self.request(eiscp_commands.query(code), code, timeout=timeout)

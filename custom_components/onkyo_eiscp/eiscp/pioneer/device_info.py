"""An NRI :class:`~..nri.DeviceInfo` for a legacy Pioneer receiver, from what it answers.

These receivers send no NRI. What a controller derives from one (zones and their volume
ranges, inputs and their names, tone ranges, listening modes, no network services) is
asked here instead: :func:`read_facts` interviews a connected receiver (zones: ``?AP``,
``?BP``, ``?ZEP`` answered, ``E04`` or silence = absent; inputs: the ids ``?RGBnn``
names), and :func:`device_info` turns those :class:`PioneerFacts` into the DeviceInfo an
NRI would have given, so that :mod:`..capabilities` works unchanged:

- brand ``Pioneer``, the model, the MAC where the receiver reports one;
- the zones it has, volmax 185 (main) and 81 (others) in whole steps (``volstep`` 1): the
  raw eISCP level is the raw Pioneer level (:mod:`.bridge`);
- the inputs it names, as it names them, each in the zones that can select it (zones
  2, 3 and the HDZone take only some: :func:`.codes.zone_inputs`), with the selector
  ids of :func:`.bridge.selector_to_eiscp`;
- bass and treble -6..+6 dB on the zones that have them;
- the listening modes :mod:`.bridge` can translate;
- no network services, presets, audio/video information or network firmware update.

:meth:`PioneerFacts.as_dict` / :meth:`PioneerFacts.from_dict` keep the facts in a JSON
store (a config entry), so that a receiver need not be interviewed at each start.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from ..const import Zone
from ..errors import QueryTimeoutError
from ..nri import ControlRange, DeviceInfo, ListeningModeButton, Selector, ZoneInfo
from .bridge import LISTENING_MODE_TO_PIONEER, selector_to_eiscp
from .client import Client
from .codes import DEFAULT_INPUT_NAMES, zone_inputs
from .commands import query_input_name, query_power
from .const import INPUT_NAME_REPLY, MAIN_MAX_VOLUME, TONE_MAX_DB, ZONE_CODES, ZONE_MAX_VOLUME
from .errors import CommandError
from .messages import InputName

BRAND: Final = "Pioneer"
# The input ids asked by name: Pioneer's published ids, without the cyclic selections.
ASKED_INPUTS: Final[tuple[str, ...]] = tuple(
    input_id for input_id, name in DEFAULT_INPUT_NAMES.items() if "cyclic" not in name
)
_ZONE_NAMES: Final = {
    Zone.MAIN: "Main",
    Zone.ZONE2: "Zone2",
    Zone.ZONE3: "Zone3",
    Zone.HDZONE: "HDZone",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class PioneerFacts:
    """What a legacy Pioneer receiver said about itself."""

    model: str
    mac: str  # "aa:bb:cc:dd:ee:ff", or "" when it does not report it
    zones: tuple[Zone, ...]  # main first
    inputs: tuple[tuple[str, str], ...]  # (id, name) in the receiver's id order

    def as_dict(self) -> dict[str, Any]:
        """The facts as JSON-able data."""
        return {
            "model": self.model,
            "mac": self.mac,
            "zones": [zone.value for zone in self.zones],
            "inputs": [list(item) for item in self.inputs],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PioneerFacts:
        """Facts from :meth:`as_dict`'s data (ValueError/KeyError when malformed)."""
        return cls(
            model=str(data["model"]),
            mac=str(data.get("mac", "")),
            zones=tuple(Zone(zone) for zone in data["zones"]),
            inputs=tuple((str(i), str(name)) for i, name in data["inputs"]),
        )


async def read_facts(client: Client, model: str, mac: str | None = None) -> PioneerFacts:
    """Ask a connected receiver which zones and inputs it has.

    ConnectionClosedError when the connection drops meanwhile.
    """
    zones = [Zone.MAIN] + [
        zone
        for zone in ZONE_CODES
        if zone is not Zone.MAIN and await _answers(client, query_power(zone), zone)
    ]
    inputs: list[tuple[str, str]] = []
    for input_id in ASKED_INPUTS:
        try:
            reply = await client.request(query_input_name(input_id), INPUT_NAME_REPLY + input_id)
        except CommandError, QueryTimeoutError:
            continue  # E06/E04 or silence: the receiver has no such input
        if isinstance(reply, InputName) and reply.name.strip():
            inputs.append((input_id, reply.name.strip()))
    return PioneerFacts(model=model, mac=mac or "", zones=tuple(zones), inputs=tuple(inputs))


async def _answers(client: Client, query: str, zone: Zone) -> bool:
    """Whether the receiver reports ``zone``'s power (``E04``, ``E02`` or silence: no)."""
    try:
        reply = await client.request(query, ZONE_CODES[zone].power_reply)
    except CommandError, QueryTimeoutError:
        return False
    return getattr(reply, "zone", None) is zone


def device_info(facts: PioneerFacts) -> DeviceInfo:
    """The NRI a receiver with ``facts`` would have sent (see the module docstring)."""
    tone = ControlRange(min=-TONE_MAX_DB, max=TONE_MAX_DB, step=1)
    ranges = {
        (control, zone): tone
        for zone in facts.zones
        if ZONE_CODES[zone].bass is not None
        for control in ("Bass", "Treble")
    }
    return DeviceInfo(
        brand=BRAND,
        category="AV Receiver",
        model=facts.model,
        year="",
        destination="",
        serial="",
        mac=facts.mac.replace(":", "").upper(),
        firmware="",
        friendly_name="",
        model_icon_url="",
        zones=tuple(
            ZoneInfo(
                zone=zone,
                enabled=True,
                name=_ZONE_NAMES[zone],
                volmax=MAIN_MAX_VOLUME if zone is Zone.MAIN else ZONE_MAX_VOLUME,
                volstep=1,
            )
            for zone in facts.zones
        ),
        selectors=tuple(
            Selector(
                id=selector_to_eiscp(input_id),
                name=name,
                zones=_zone_mask(facts, input_id),
                enabled=True,
                icon_id=None,
            )
            for input_id, name in facts.inputs
        ),
        net_services=(),
        presets=(),
        controls={"NoAudioInfo": "1", "NoVideoInfo": "1"},
        ranges=ranges,
        listening_mode_buttons=tuple(
            ListeningModeButton(name=code, code=code, enabled=True)
            for code in LISTENING_MODE_TO_PIONEER
        ),
        functions={"NetUpdate": "0"},
    )


def _zone_mask(facts: PioneerFacts, input_id: str) -> int:
    """NRI's zone bits of the zones that can select ``input_id``."""
    return sum(
        1 << (zone.number - 1)
        for zone in facts.zones
        if (allowed := zone_inputs(facts.model, zone)) is None or input_id in allowed
    )

"""The receiver settings, as one table: adding a setting is one row, not a new class.

Each row says which command it is, what kind of entity shows it, its options or range,
how to read the device's value and how to build the command that sets it. Whether the
device has it is the coordinator's answer (:meth:`OnkyoCoordinator.has_setting`): NRI's
word where NRI has one (:data:`.eiscp.settings.NRI_CONTROLS`), else what the device
answered when asked once while the setting's zone was on. Each platform
(switch, select, number, sensor) creates the rows of its kind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import EntityCategory, UnitOfTemperature, UnitOfTime

from .eiscp.const import Zone
from .eiscp.settings import ZONE2_LISTENING_MODES


class Kind(StrEnum):
    """The platform that shows a setting."""

    SWITCH = "switch"
    SELECT = "select"
    NUMBER = "number"
    SENSOR = "sensor"


def _on_off(value: str) -> bool | None:
    return {"00": False, "01": True}.get(value)


def _sleep_minutes(value: str) -> float | None:
    """SLP: "OFF" or hex minutes "01"-"5A"."""
    if value == "OFF":
        return 0
    try:
        return int(value, 16)
    except ValueError:
        return None


def _build_sleep(minutes: float) -> str:
    if minutes != int(minutes) or not 0 <= minutes <= 90:
        raise ValueError(f"sleep timer {minutes} is not a whole number of minutes in 0..90")
    return "OFF" if minutes == 0 else f"{int(minutes):02X}"


def _signed_level(value: str) -> float | None:
    """VOC "00"-"05", DLC "00"-"+6": a (signed) hex level."""
    try:
        return int(value, 16)
    except ValueError:
        return None


def _build_level(signed: bool) -> Callable[[float], str]:
    def build(level: float) -> str:
        if level != int(level):
            raise ValueError(f"level {level} is not a whole number")
        if signed and level > 0:
            return f"+{int(level):X}"
        return f"{int(level):02X}"

    return build


def _celsius(value: str) -> float | None:
    """TPD: "F 77C 25" (Fahrenheit and Celsius, space-padded): the Celsius part."""
    _, sep, celsius = value.partition("C")
    try:
        return int(celsius.strip()) if sep else None
    except ValueError:
        return None


def _text(value: str) -> str | None:
    return value or None


@dataclass(frozen=True, kw_only=True)
class Setting:
    """One row of the settings table (see the module docstring)."""

    key: str  # the entity's key and translation key
    code: str  # the command (eiscp.settings.SETTING_ZONES lists which zone it needs on)
    kind: Kind
    zone: Zone = Zone.MAIN
    options: dict[str, str] = field(default_factory=dict)  # select: device code -> option
    listening_modes: bool = False  # select: its options are listening modes (the user's names)
    # The models whose form of the command this row is (None: any model); a command
    # whose replies differ by model (RAS) has one row per form.
    models: frozenset[str] | None = None
    other_models: frozenset[str] = frozenset()  # models that have another row's form
    minimum: float = 0  # number
    maximum: float = 1
    unit: str | None = None
    parse: Callable[[str], object] = _on_off  # device value -> entity value
    build: Callable[[float], str] | None = None  # number: value -> command parameter
    entity_category: EntityCategory | None = EntityCategory.CONFIG
    enabled_default: bool = True
    device_class: SensorDeviceClass | None = None
    state_class: SensorStateClass | None = None

    def fits(self, model: str) -> bool:
        """Whether this row is the form of the command that ``model`` replies in."""
        model = model.strip().upper()
        if self.models is not None:
            return model in self.models
        return model not in self.other_models


_LATE_NIGHT = {"00": "off", "01": "low", "02": "high", "03": "auto"}

# RAS replies "00" both off, "01" Re-EQ, "02" Academy filter on these models (the spec's
# "Re-EQ/Academy Filter" sheet); on/off (Re-EQ, or Cinema Filter) on every other model.
RE_EQ_ACADEMY_MODELS: frozenset[str] = frozenset(
    {
        "TX-DS989",
        "DTR-9.1",
        "RDC-7",
        "DTC-9.1",
        "TX-DS787",
        "DTR-7.1",
        "DTR-6.4",
        "TX-NR1000",
        "TX-NR5000E",
        "TX-NA1000",
        "DTR-10.5",
        "RDC-7.1",
    }
)

# Zone 2's own listening modes (LMZ), with their option keys.
ZONE2_MODE_OPTIONS: dict[str, str] = dict(
    zip(
        ZONE2_LISTENING_MODES,
        ("stereo", "direct", "mono", "multiplex", "dvs_pl2", "dvs_neo6"),
        strict=True,
    )
)
ZONE2_MODE_NAMES: dict[str, str] = {
    "00": "Stereo",
    "01": "Direct",
    "0F": "Mono",
    "12": "Multiplex",
    "87": "DVS (PLII)",
    "88": "DVS (Neo:6)",
}

SETTINGS: tuple[Setting, ...] = (
    Setting(
        key="sleep_timer",
        code="SLP",
        kind=Kind.NUMBER,
        maximum=90,
        unit=UnitOfTime.MINUTES,
        parse=_sleep_minutes,
        build=_build_sleep,
        entity_category=None,
    ),
    Setting(key="late_night", code="LTN", kind=Kind.SELECT, options=_LATE_NIGHT),
    Setting(
        key="late_night",
        code="LTZ",
        kind=Kind.SELECT,
        zone=Zone.ZONE2,
        options={c: o for c, o in _LATE_NIGHT.items() if c != "03"},  # the spec's LTZ
    ),
    Setting(
        key="listening_mode",
        code="LMZ",
        kind=Kind.SELECT,
        zone=Zone.ZONE2,
        options=ZONE2_MODE_OPTIONS,
        listening_modes=True,
        entity_category=None,
    ),
    Setting(key="music_optimizer", code="MOT", kind=Kind.SWITCH),
    Setting(key="cinema_filter", code="RAS", kind=Kind.SWITCH, other_models=RE_EQ_ACADEMY_MODELS),
    Setting(
        key="cinema_filter",
        code="RAS",
        kind=Kind.SELECT,
        options={"00": "off", "01": "re_eq", "02": "academy"},
        models=RE_EQ_ACADEMY_MODELS,
    ),
    Setting(key="dynamic_eq", code="ADQ", kind=Kind.SWITCH),
    Setting(
        key="dynamic_volume",
        code="ADV",
        kind=Kind.SELECT,
        options={"00": "off", "01": "light", "02": "medium", "03": "heavy"},
    ),
    Setting(
        key="dialog_level",
        code="VOC",
        kind=Kind.NUMBER,
        maximum=5,
        parse=_signed_level,
        build=_build_level(signed=False),
    ),
    Setting(
        key="dialog_control",
        code="DLC",
        kind=Kind.NUMBER,
        maximum=6,
        parse=_signed_level,
        build=_build_level(signed=True),
    ),
    Setting(key="phase_matching_bass", code="PMB", kind=Kind.SWITCH),
    Setting(key="direct", code="DIR", kind=Kind.SWITCH),
    Setting(key="speaker_a", code="SPA", kind=Kind.SWITCH),
    Setting(key="speaker_b", code="SPB", kind=Kind.SWITCH),
    Setting(key="trigger_a", code="TGA", kind=Kind.SWITCH),
    Setting(key="trigger_b", code="TGB", kind=Kind.SWITCH),
    Setting(key="trigger_c", code="TGC", kind=Kind.SWITCH),
    Setting(key="hdmi_cec", code="CEC", kind=Kind.SWITCH),
    Setting(key="auto_power_down", code="APD", kind=Kind.SWITCH),
    Setting(
        key="front_display",
        code="FLD",
        kind=Kind.SENSOR,
        parse=_text,
        entity_category=EntityCategory.DIAGNOSTIC,
        enabled_default=False,
    ),
    Setting(
        key="temperature",
        code="TPD",
        kind=Kind.SENSOR,
        parse=_celsius,
        unit=UnitOfTemperature.CELSIUS,
        device_class=SensorDeviceClass.TEMPERATURE,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
    ),
)


def settings_of(kind: Kind) -> tuple[Setting, ...]:
    """The rows a platform shows."""
    return tuple(setting for setting in SETTINGS if setting.kind is kind)

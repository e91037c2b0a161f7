"""The media browser of a zone: the device's network services and its tuner presets.

What is offered comes from NRI: the services enabled for the zone (those a controller
can start; AirPlay, Chromecast and the like are started from the phone instead) and the
presets that hold a station, in every zone with a tuner input. Playing a service selects
the NET input and sends ``NSV``; playing a preset recalls it in that zone (``PRS``,
``PRZ``, ``PR3``, ``PR4``); a station written "FM 91.50" or "AM 1008" is tuned directly.

The browser's own titles ("Presets", "Network services", ...) come translated from the
``selector.browser`` section of the integration's translations, in the user's language
(English where a key is not translated): Home Assistant's browser shows titles as given.
Its icons are small SVG files shipped with the integration, served through the media
player's own image proxy (see :class:`Labels`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
import re

from homeassistant.components.media_player.browse_media import BrowseMedia
from homeassistant.components.media_player.const import MediaClass, MediaType
from homeassistant.components.media_player.errors import BrowseError
from homeassistant.core import HomeAssistant
from homeassistant.helpers.translation import async_get_translations

from .const import DOMAIN
from .coordinator import OnkyoCoordinator
from .eiscp.capabilities import TUNER_SELECTORS
from .eiscp.const import Zone
from .eiscp.lists import Icon, Source, service_icon
from .eiscp.nri import PresetInfo

ROOT = "root"
SERVICES = "services"
PRESETS = "presets"
ICON = "icon"  # the media content type of the browser's icons (get_browse_image_url)
_TITLES = f"component.{DOMAIN}.selector.browser.options."


@dataclass(frozen=True, slots=True)
class Labels:
    """What a browse shows besides the device's own names: translated titles, icon URLs.

    ``image_url`` is the media player's ``get_browse_image_url``: Home Assistant's proxy
    URL for an image the player gives in ``async_get_browse_image`` (with the entity's
    access token, so any client can load it). None: no thumbnails.
    """

    titles: Mapping[str, str] = field(default_factory=dict)
    image_url: Callable[[str, str], str] | None = None

    def title(self, key: str, **placeholders: object) -> str:
        """The translated title ``key`` (the key itself when it has no text)."""
        text = self.titles.get(key, key)
        for name, value in placeholders.items():
            text = text.replace(f"{{{name}}}", str(value))
        return text

    def thumbnail(self, icon: Icon | None) -> str | None:
        """The URL of ``icon``'s picture, None for no icon."""
        if icon is None or self.image_url is None:
            return None
        return self.image_url(ICON, icon.value)


async def async_labels(
    hass: HomeAssistant, image_url: Callable[[str, str], str] | None = None
) -> Labels:
    """Titles in the user's language (English for a key it lacks), and the icons' URLs."""
    translations = await async_get_translations(hass, hass.config.language, "selector", {DOMAIN})
    titles = {
        key.removeprefix(_TITLES): text
        for key, text in translations.items()
        if key.startswith(_TITLES)
    }
    return Labels(titles, image_url)


# Services a controller cannot start: playback begins on the phone or another device.
CAST_ONLY_SERVICES = frozenset({"18", "40", "42", "43", "44"})  # AirPlay x2, Cast, Play-Fi, Flare
NET_SELECTOR = "2B"
BANDS = {1: "FM", 2: "AM", 3: "DAB"}


def services(coordinator: OnkyoCoordinator, zone: Zone) -> dict[str, str]:
    """Service id -> name of the services ``zone`` can start (it needs a NET input)."""
    if NET_SELECTOR not in coordinator.sources(zone):
        return {}
    bit = 1 << (zone.number - 1)
    return {
        service.id: service.name
        for service in coordinator.info.net_services
        if service.enabled and service.zones & bit and service.id not in CAST_ONLY_SERVICES
    }


_STATION = re.compile(r"\s*(FM|AM)\s+(\d+(?:\.\d+)?)\s*", re.IGNORECASE)
# TUN's five digits: AM in kHz (up to 1710), FM in 10 kHz units (from 64.00 MHz).
_LOWEST_FM = 6400


def presets(coordinator: OnkyoCoordinator, zone: Zone) -> list[PresetInfo]:
    """The presets that hold a station, in a zone with a tuner input (each zone recalls its own)."""
    if not coordinator.zone_capabilities(zone).tuner:
        return []
    return [preset for preset in coordinator.info.presets if preset.band in BANDS]


def parse_station(media_id: str) -> tuple[str, float] | None:
    """A station to tune: "FM 91.50" is ("FM", 91.5), "AM 1008" ("AM", 1008.0); else None."""
    match = _STATION.fullmatch(media_id)
    return None if match is None else (match[1].upper(), float(match[2]))


def station(coordinator: OnkyoCoordinator, zone: Zone) -> str | None:
    """What the zone's tuner plays: the preset's name, "FM 91.50", "AM 1008", the DAB station.

    None when the zone is not on a tuner input.
    """
    state = coordinator.state
    zone_state = state.zones[zone]
    if zone_state.source not in TUNER_SELECTORS:
        return None
    if zone_state.source == "33" and state.dab_station:
        return state.dab_station
    frequency = _frequency(zone_state.tuner_frequency)
    # The preset's name, unless the zone has been tuned away from the preset's station.
    named = (
        preset.name
        for preset in coordinator.info.presets
        if preset.number == zone_state.preset
        and preset.band in BANDS
        and preset.name
        and frequency in (None, _frequency_of(preset))
    )
    return next(named, frequency)


def _frequency(digits: str | None) -> str | None:
    if digits is None or not digits.isdigit():
        return None
    value = int(digits)
    return f"FM {value / 100:.2f}" if value >= _LOWEST_FM else f"AM {value}"


def _frequency_of(preset: PresetInfo) -> str:
    return f"{BANDS[preset.band]} {preset.frequency}".strip()


def preset_title(preset: PresetInfo) -> str:
    """The preset's name and station ("smoothfm (FM 91.50)"), or the station alone."""
    frequency = _frequency_of(preset)
    return f"{preset.name} ({frequency})" if preset.name else frequency


def find_service(coordinator: OnkyoCoordinator, zone: Zone, media_id: str) -> str | None:
    """The id of the service ``media_id`` names (by id or by name, any case)."""
    offered = services(coordinator, zone)
    if media_id.upper() in offered:
        return media_id.upper()
    wanted = media_id.casefold()
    return next((sid for sid, name in offered.items() if name.casefold() == wanted), None)


def can_browse(coordinator: OnkyoCoordinator, zone: Zone) -> bool:
    """Whether the zone has anything to browse."""
    return bool(services(coordinator, zone) or presets(coordinator, zone))


def browse(
    coordinator: OnkyoCoordinator,
    zone: Zone,
    content_id: str | None,
    labels: Labels | None = None,
) -> BrowseMedia:
    """The browser node ``content_id`` (the root when None), titled and pictured by ``labels``."""
    labels = labels or Labels()
    if content_id in (None, ROOT):
        nodes = [
            _directory(labels, node, [])
            for node, present in ((SERVICES, services), (PRESETS, presets))
            if present(coordinator, zone)
        ]
        model = coordinator.info.model
        title = labels.title("root", model=model) if model else labels.title("root_unnamed")
        return _directory(labels, ROOT, nodes, title)
    if content_id == SERVICES:
        items = services(coordinator, zone).items()
        return _directory(
            labels, SERVICES, [_playable(labels, MediaType.APP, sid, name) for sid, name in items]
        )
    if content_id == PRESETS:
        return _directory(
            labels,
            PRESETS,
            [
                _playable(labels, MediaType.CHANNEL, str(preset.number), preset_title(preset))
                for preset in presets(coordinator, zone)
            ],
        )
    raise BrowseError(
        translation_domain=DOMAIN,
        translation_key="unknown_media",
        translation_placeholders={"media_id": content_id},
    )


# Per node: content type, class of its children, icon (its title is translated by its id).
_NODES: dict[str, tuple[MediaType, MediaClass, Icon | None]] = {
    ROOT: (MediaType.APPS, MediaClass.DIRECTORY, None),
    SERVICES: (MediaType.APPS, MediaClass.APP, Icon.STREAMING),
    PRESETS: (MediaType.CHANNELS, MediaClass.CHANNEL, Icon.RADIO),
}


def _playable(labels: Labels, content_type: MediaType, content_id: str, title: str) -> BrowseMedia:
    """A service (app) or a preset (channel) to play."""
    if content_type is MediaType.APP:
        media_class, icon = MediaClass.APP, service_icon(Source.service(content_id))
    else:
        media_class, icon = MediaClass.CHANNEL, Icon.STATION
    return BrowseMedia(
        media_class=media_class,
        media_content_id=content_id,
        media_content_type=content_type,
        title=title,
        can_play=True,
        can_expand=False,
        thumbnail=labels.thumbnail(icon),
    )


def _directory(
    labels: Labels, content_id: str, children: list[BrowseMedia], title: str | None = None
) -> BrowseMedia:
    """A node to expand; its type, children's class and icon come from ``_NODES``."""
    content_type, children_class, icon = _NODES[content_id]
    return BrowseMedia(
        media_class=MediaClass.DIRECTORY,
        media_content_id=content_id,
        media_content_type=content_type,
        title=title or labels.title(content_id),
        can_play=False,
        can_expand=True,
        children=children,
        children_media_class=children_class,
        thumbnail=labels.thumbnail(icon),
    )

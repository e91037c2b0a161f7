"""Names of eISCP codes, and the listening modes a model supports.

The names are ours, chosen to read well in a user interface; the codes are the spec's
(v1.48). Devices give their inputs their own names in NRI, which take precedence.
"""

from __future__ import annotations

from typing import Final

from .models import LISTENING_MODES_BY_MODEL

# Inputs whose playback the network/USB player reports (NST, NTI, ...).
NET_SELECTORS: Final = frozenset({"27", "28", "29", "2A", "2B", "2C", "2D", "2E"})

_BRANDS: Final = {"ONKYO": "Onkyo", "PIONEER": "Pioneer", "INTEGRA": "Integra"}


def brand_name(brand: str) -> str:
    """A display form of NRI's brand: "ONKYO" -> "Onkyo"; others as sent."""
    return _BRANDS.get(brand.upper(), brand)


SELECTOR_NAMES: Final[dict[str, str]] = {
    "00": "VCR/DVR",
    "01": "CBL/SAT",
    "02": "GAME",
    "03": "AUX",
    "04": "GAME 2",
    "05": "PC",
    "06": "VIDEO 7",
    "07": "EXTRA 1",
    "08": "EXTRA 2",
    "09": "EXTRA 3",
    "10": "BD/DVD",
    "11": "STRM BOX",
    "12": "TV",
    "20": "TAPE",
    "21": "TAPE 2",
    "22": "PHONO",
    "23": "CD",
    "24": "FM",
    "25": "AM",
    "26": "TUNER",
    "27": "MUSIC SERVER",
    "28": "INTERNET RADIO",
    "29": "USB",
    "2A": "USB (rear)",
    "2B": "NET",
    "2C": "USB (toggle)",
    "2D": "AirPlay",
    "2E": "BLUETOOTH",
    "2F": "USB DAC",
    "30": "MULTI CH",
    "31": "XM",
    "32": "SIRIUS",
    "33": "DAB",
    "40": "Universal PORT",
    "41": "LINE",
    "42": "LINE 2",
    "44": "OPTICAL",
    "45": "COAXIAL",
    "55": "HDMI 5",
    "56": "HDMI 6",
    "57": "HDMI 7",
    "80": "SOURCE",
}

# Inputs to offer for a device that sends no NRI: the ones receivers of that age
# commonly have (VCR/DVR, CBL/SAT, GAME, AUX, PC, BD/DVD, TV, PHONO, CD, FM, AM, USB, NET).
FALLBACK_SELECTORS: Final = (
    "00",
    "01",
    "02",
    "03",
    "05",
    "10",
    "12",
    "22",
    "23",
    "24",
    "25",
    "29",
    "2B",
)

LISTENING_MODE_NAMES: Final[dict[str, str]] = {
    "00": "Stereo",
    "01": "Direct",
    "02": "Surround",
    "03": "Film",
    "04": "THX",
    "05": "Action",
    "06": "Musical",
    "07": "Mono Movie",
    "08": "Orchestra",
    "09": "Unplugged",
    "0A": "Studio-Mix",
    "0B": "TV Logic",
    "0C": "All Ch Stereo",
    "0D": "Theater-Dimensional",
    "0E": "Enhanced",
    "0F": "Mono",
    "11": "Pure Audio",
    "12": "Multiplex",
    "13": "Full Mono",
    "14": "Dolby Virtual",
    "15": "DTS Surround Sensation",
    "16": "Audyssey DSX",
    "17": "DTS Virtual:X",
    "1F": "Whole House",
    "23": "Stage",
    "25": "Action (genre)",
    "26": "Music (genre)",
    "2E": "Sports",
    "40": "Straight Decode",
    "41": "Dolby EX",
    "42": "THX Cinema",
    "43": "THX Surround EX",
    "44": "THX Music",
    "45": "THX Games",
    "50": "THX U2 Cinema",
    "51": "THX U2 Music",
    "52": "THX U2 Games",
    "80": "Dolby Surround",
    "81": "PLII Music",
    "82": "DTS Neural:X",
    "83": "Neo:6 Music",
    "84": "Dolby Surround THX Cinema",
    "85": "DTS Neural:X THX Cinema",
    "86": "PLII Game",
    "87": "Neural Surround",
    "88": "Neural THX",
    "89": "Dolby Surround THX Games",
    "8A": "DTS Neural:X THX Games",
    "8B": "Dolby Surround THX Music",
    "8C": "DTS Neural:X THX Music",
    "8D": "Neural THX Cinema",
    "8E": "Neural THX Music",
    "8F": "Neural THX Games",
    "90": "PLIIz Height",
    "91": "Neo:6 Cinema DTS Surround Sensation",
    "92": "Neo:6 Music DTS Surround Sensation",
    "93": "Neural Digital Music",
    "94": "PLIIz Height + THX Cinema",
    "95": "PLIIz Height + THX Music",
    "96": "PLIIz Height + THX Games",
    "97": "PLIIz Height + THX U2 Cinema",
    "98": "PLIIz Height + THX U2 Music",
    "99": "PLIIz Height + THX U2 Games",
    "9A": "Neo:X Game",
    "A0": "PLII Movie + Audyssey DSX",
    "A1": "PLII Music + Audyssey DSX",
    "A2": "PLII Game + Audyssey DSX",
    "A3": "Neo:6 Cinema + Audyssey DSX",
    "A4": "Neo:6 Music + Audyssey DSX",
    "A5": "Neural Surround + Audyssey DSX",
    "A6": "Neural Digital Music + Audyssey DSX",
    "A7": "Dolby EX + Audyssey DSX",
    "FF": "Auto Surround",
}

# Modes nearly every receiver has: offered when the spec does not list the model
# (Pioneer and Integra models, newer Onkyo models).
DEFAULT_LISTENING_MODES: Final = (
    "00", "01", "02", "03", "04", "05", "06", "0A", "0C", "0D", "0E", "0F", "11", "40",
    "80", "82",
)  # fmt: skip


def listening_modes_for(model: str) -> tuple[str, ...]:
    """LMD codes ``model`` supports: from the spec, else the common set."""
    return spec_listening_modes(model) or DEFAULT_LISTENING_MODES


def spec_listening_modes(model: str) -> tuple[str, ...] | None:
    """LMD codes the spec lists for ``model``; None for a model it does not know.

    Tries the exact model, then ignoring case, then without a trailing region letter
    ("TX-NR575E" -> "TX-NR575").
    """
    codes = LISTENING_MODES_BY_MODEL.get(model)
    if codes is None:
        upper = model.upper()
        by_upper = {name.upper(): value for name, value in LISTENING_MODES_BY_MODEL.items()}
        codes = by_upper.get(upper)
        if codes is None and upper[-1:].isalpha():
            codes = by_upper.get(upper[:-1])
    return tuple(codes.split()) if codes else None


# The spec's network service ids (NSV/NLT "xx"), uppercase hex.
NET_SERVICES: dict[str, str] = {
    "00": "Music Server",
    "01": "Favorite",
    "02": "vTuner",
    "03": "SiriusXM",
    "04": "Pandora",
    "05": "Rhapsody",
    "06": "Last.fm",
    "07": "Napster",
    "08": "Slacker",
    "09": "Mediafly",
    "0A": "Spotify",
    "0B": "AUPEO!",
    "0C": "radiko",
    "0D": "e-onkyo",
    "0E": "TuneIn Radio",
    "0F": "MP3tunes",
    "10": "Simfy",
    "11": "Home Media",
    "12": "Deezer",
    "13": "iHeartRadio",
    "18": "AirPlay",
    "1A": "onkyo music",
    "1B": "TIDAL",
    "1C": "Amazon Music",
    "1D": "Play Queue",
    "40": "Chromecast built-in",
    "41": "FireConnect",
    "42": "DTS Play-Fi",
    "43": "FlareConnect",
    "44": "AirPlay 2",
    "45": "Alexa",
    "F0": "USB",
    "F1": "USB (rear)",
    "F2": "Internet Radio",
    "F3": "NET",
    "FF": "None",
}

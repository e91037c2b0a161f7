"""Message types the legacy Pioneer protocol has and :mod:`..messages` does not.

Everything with an eISCP counterpart is parsed into the shared types (Power, Volume,
Mute, Source, ListeningMode, Tone, Tuner, NotAvailable, RawMessage); these are the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..messages import Message
from .const import BUSY, ERROR_REASONS


@dataclass(frozen=True, slots=True, kw_only=True)
class ErrorReply(Message):
    """``E02``/``E03``/``E04``/``E06``/``B00``: ``code`` is the reply itself.

    The protocol does not say which command an error answers; the client fills
    ``command`` with the line it had just sent, the only one it can answer.
    """

    command: str | None = None

    @property
    def busy(self) -> bool:
        """``B00``: the receiver is busy; the command may succeed when sent again."""
        return self.code == BUSY

    @property
    def reason(self) -> str:
        """What the code means, in English (for logs)."""
        return ERROR_REASONS.get(self.code, "error")


@dataclass(frozen=True, slots=True, kw_only=True)
class Ready(Message):
    """``R``: the answer to a bare CR, and a periodic sign of life on port 8102."""


@dataclass(frozen=True, slots=True, kw_only=True)
class InputName(Message):
    """``RGBnn1Name``: input ``input_id``'s name; ``renamed`` when the user set it."""

    input_id: str  # two decimal digits, as "nnFN" takes them
    renamed: bool
    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelName(Message):
    """``RGD<VSX-1021>``: the receiver's model."""

    model: str


@dataclass(frozen=True, slots=True, kw_only=True)
class MacAddress(Message):
    """``SVB0123456789AB``: the receiver's MAC, as lowercase ``aa:bb:cc:dd:ee:ff``."""

    mac: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SoftwareVersion(Message):
    """``SSI"1-234-567"``: the firmware version."""

    version: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DisplayText(Message):
    """``FL`` + 2 flag digits + hex pairs: the front display's text."""

    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TunerPreset(Message):
    """``PRA01``: preset class ``A``..``G`` and number 1..9."""

    preset_class: str
    number: int

"""The line codec: commands end in CR, replies in CR LF.

The decoder also takes CR-only and LF-only endings, skips empty lines, drops control
characters and replaces bytes that are not ASCII. A line longer than
:data:`MAX_LINE_LENGTH` (line noise, a broken or hostile peer) is dropped up to its end,
never buffered. It never raises.
"""

from __future__ import annotations

from dataclasses import dataclass
import logging
import re
from typing import Final

from ..errors import FrameError

_LOGGER = logging.getLogger(__name__)

# Far above the longest real reply (audio information, about 60 characters).
MAX_LINE_LENGTH: Final = 1024
WAKE: Final = b"\r"  # a bare CR: wakes a receiver that has been quiet
DEVICE_END: Final = b"\r\n"  # what receivers end their lines with

_TERMINATOR: Final = re.compile(rb"[\r\n]")
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f]")
_PRINTABLE: Final = re.compile(r"[\x20-\x7e]+")


def encode(command: str, *, end: bytes = b"\r") -> bytes:
    """One command as sent: ``"PO"`` becomes ``PO`` + CR (a device passes CR LF).

    FrameError for an empty command or one that is not printable ASCII (a CR or LF
    inside would split it into two commands).
    """
    if not _PRINTABLE.fullmatch(command):
        raise FrameError(f"not a command line: {command!r}")
    return command.encode("ascii") + end


@dataclass(slots=True)
class LineStats:
    """What a decoder has seen."""

    lines: int = 0
    oversize: int = 0


class LineDecoder:
    """A streaming decoder: feed it bytes in any chunks, get whole lines back."""

    __slots__ = ("_buffer", "_discarding", "stats")

    def __init__(self) -> None:
        """Start with an empty buffer."""
        self._buffer = b""
        self._discarding = False  # inside an oversize line, until its end
        self.stats = LineStats()

    def feed(self, data: bytes) -> list[str]:
        """Add ``data``; return every line completed by it, without its ending."""
        parts = _TERMINATOR.split(self._buffer + data)
        tail = parts.pop()
        lines: list[str] = []
        for part in parts:
            if self._discarding:
                self._discarding = False
                continue
            line = self._line(part)
            if line:
                lines.append(line)
        if len(tail) > MAX_LINE_LENGTH:
            if not self._discarding:
                self._oversize()
            self._discarding = True
            tail = b""
        self._buffer = tail
        return lines

    def _line(self, part: bytes) -> str:
        if len(part) > MAX_LINE_LENGTH:
            self._oversize()
            return ""
        line = _CONTROL.sub("", part.decode("ascii", errors="replace")).strip()
        if line:
            self.stats.lines += 1
        return line

    def _oversize(self) -> None:
        self.stats.oversize += 1
        _LOGGER.warning("Dropping a line longer than %d bytes", MAX_LINE_LENGTH)

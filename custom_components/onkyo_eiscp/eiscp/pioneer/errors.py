"""Errors of the legacy Pioneer driver, under the library's :class:`~..errors.EiscpError`."""

from __future__ import annotations

from ..errors import EiscpError
from .const import ERROR_REASONS


class CommandError(EiscpError):
    """The receiver refused a command: ``E03``/``E04``/``E06``, or ``B00`` (busy) to the end.

    ``reply`` is the receiver's code, ``command`` the line that caused it.
    """

    def __init__(self, reply: str, command: str) -> None:
        """Describe the refusal."""
        self.reply = reply
        self.command = command
        super().__init__(f"{command}: {reply} ({ERROR_REASONS.get(reply, 'error')})")


class DescriptionError(EiscpError):
    """A UPnP description could not be fetched, or is malformed, hostile or too large."""

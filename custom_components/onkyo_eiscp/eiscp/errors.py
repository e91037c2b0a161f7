"""Exceptions raised by the eISCP library."""

from __future__ import annotations


class EiscpError(Exception):
    """Base class of every error this library raises."""


class FrameError(EiscpError):
    """A byte sequence could not be framed as eISCP (used when encoding)."""


class NRIError(EiscpError):
    """A receiver-information document is malformed, hostile or too large."""


class ConnectionClosedError(EiscpError):
    """The connection is not open (never opened, lost, or closed)."""


class QueryTimeoutError(EiscpError):
    """A query got no matching reply in time (a normal outcome: devices ignore some queries)."""


class MessageTooLargeError(EiscpError):
    """The awaited reply came in a frame over the size limit, and was dropped unread."""

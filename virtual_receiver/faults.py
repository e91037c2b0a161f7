"""The faults a virtual device can show, as tests switch them on.

The servers and the device read one :class:`Faults`: a stalled device (a half-open
connection: it takes bytes and says nothing), queries it ignores, an NRI document to send
instead of its own (hostile or broken), and a client limit. Drops, restarts and raw bytes
(garbage, headers that lie about sizes) are the receiver's actions; the helpers below build
the bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .framing import header


@dataclass(slots=True)
class Faults:
    """Which faults are on."""

    stalled: bool = False
    ignore: set[str] = field(default_factory=set)  # codes whose QSTN gets no answer
    nri_override: str | None = None
    max_clients: int | None = None

    def admits(self, clients: int) -> bool:
        """Whether a new client may connect while ``clients`` are connected."""
        return self.max_clients is None or clients < self.max_clients


def impossible_size(data_size: int = 0x7FFF_FFFF) -> bytes:
    """A header that declares ``data_size`` bytes of data and sends none of them."""
    return header(data_size)


def entity_bomb(depth: int = 8) -> str:
    """An NRI document that expands entities exponentially (a reader must refuse it)."""
    entities = ['<!ENTITY e0 "lol">'] + [
        f'<!ENTITY e{n} "{f"&e{n - 1};" * 10}">' for n in range(1, depth + 1)
    ]
    return (
        f'<?xml version="1.0"?><!DOCTYPE response [{"".join(entities)}]>'
        f'<response status="ok"><device id="X"><model>&e{depth};</model></device></response>'
    )

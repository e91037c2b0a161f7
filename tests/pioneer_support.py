"""Helpers for the legacy Pioneer tests: a virtual receiver, waiting."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable

import pytest

from virtual_receiver.pioneer import VirtualPioneer


async def until(predicate: Callable[[], object], timeout: float = 5.0) -> None:
    """Wait until ``predicate()`` is true (TimeoutError after ``timeout``)."""
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.01)


@pytest.fixture
async def receiver() -> AsyncGenerator[VirtualPioneer]:
    """A virtual VSX-1021 with its main zone on."""
    async with VirtualPioneer() as vr:
        vr.press("PO")
        yield vr

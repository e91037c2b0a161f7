"""Helpers for the legacy Pioneer tests: a virtual receiver, waiting, escaped exceptions."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable, Generator
import gc
import logging

import pytest

from virtual_receiver.pioneer import VirtualPioneer

ESCAPED = ("exception was never retrieved", "Task was destroyed but it is pending")


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


@pytest.fixture
def no_escaped_exceptions(caplog: pytest.LogCaptureFixture) -> Generator[None]:
    """Fail the test if asyncio logged an exception nobody retrieved, or a pending task died."""
    caplog.set_level(logging.ERROR)
    yield
    gc.collect()
    records = [r for phase in ("setup", "call", "teardown") for r in caplog.get_records(phase)]
    escaped = [r.getMessage() for r in records if any(e in r.getMessage() for e in ESCAPED)]
    assert not escaped, escaped

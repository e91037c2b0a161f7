"""The escaped-exception check of tests/conftest.py sees what escapes, and only that."""

from __future__ import annotations

import asyncio

from .conftest import watch_escaped_exceptions


async def _fail() -> None:
    raise RuntimeError("nobody asks")


def test_sees_a_future_exception_never_retrieved() -> None:
    """A failed future dropped unretrieved (even in a reference cycle) is seen."""
    loop = asyncio.new_event_loop()
    try:
        with watch_escaped_exceptions() as escaped:
            future = loop.create_future()
            future.set_exception(RuntimeError("nobody asks"))
            cycle: list[object] = [future]
            cycle.append(cycle)  # only the garbage collector frees a cycle
            del future, cycle
    finally:
        loop.close()
    assert [m.splitlines()[0] for m in escaped.messages] == ["Future exception was never retrieved"]


def test_sees_a_task_exception_never_retrieved() -> None:
    """A task that failed with nobody awaiting it is seen."""
    loop = asyncio.new_event_loop()
    try:
        with watch_escaped_exceptions() as escaped:
            task = loop.create_task(_fail())
            loop.run_until_complete(asyncio.sleep(0))
            del task
    finally:
        loop.close()
    assert len(escaped.messages) == 1
    assert "Task exception was never retrieved" in escaped.messages[0]


def test_ignores_what_is_retrieved() -> None:
    """A failure that is awaited and handled is not reported."""
    loop = asyncio.new_event_loop()
    try:
        with watch_escaped_exceptions() as escaped:
            task = loop.create_task(_fail())
            loop.run_until_complete(asyncio.gather(task, return_exceptions=True))
            del task
    finally:
        loop.close()
    assert escaped.messages == []

"""Test helpers shared across the suite."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any


async def until(
    predicate: Callable[[], object], timeout_s: float = 20.0, interval_s: float = 0.02
) -> None:
    """Wait (inside a running loop) until `predicate()` is true.

    Raises:
        TimeoutError: Not within `timeout_s`.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not predicate():
        if loop.time() > deadline:
            raise TimeoutError(f"condition not met within {timeout_s} s")
        await asyncio.sleep(interval_s)


def drive(loop: Any, desk: Any, scenario: Callable[[], Awaitable[None]]) -> None:
    """Run a scenario with the desk's pollers alive only while the loop runs.

    Tasks stepped by plain Qt event processing outside `run_until_complete` would find no
    running asyncio loop, so the pollers start and stop inside the same run.
    """

    async def whole() -> None:
        desk.start()
        try:
            await scenario()
        finally:
            await desk.aclose()

    loop.run_until_complete(whole())

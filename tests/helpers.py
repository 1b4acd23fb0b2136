"""Test helpers shared across the suite."""

from __future__ import annotations

import asyncio
from collections.abc import Callable


async def until(predicate: Callable[[], object], timeout_s: float = 20.0, interval_s: float = 0.02) -> None:
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

"""Test helpers shared across the suite."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any, ParamSpec, Protocol, TypeVar


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


class _Closable(Protocol):
    async def aclose(self) -> None: ...


P = ParamSpec("P")
C = TypeVar("C", bound=_Closable)


@asynccontextmanager
async def closing_all(build: Callable[P, C]) -> AsyncIterator[Callable[P, C]]:
    """`build`, remembering what it builds; on the way out, `aclose()` each in turn.

    For fixtures that hand a test a factory of clients or adapters:
    `async with closing_all(build) as factory: yield factory`.
    """
    built: list[C] = []

    def tracked(*args: P.args, **kwargs: P.kwargs) -> C:
        item = build(*args, **kwargs)
        built.append(item)
        return item

    yield tracked
    for item in built:
        await item.aclose()


_DECIMAL = re.compile(r'"@decimal:([-0-9.Ee+]+)@"')


def exact_json(body: Any) -> str:
    """JSON text with every Decimal written as the exact number literal it holds."""

    def mark(value: object) -> str:
        if isinstance(value, Decimal):
            return f"@decimal:{value}@"
        raise TypeError(type(value).__name__)

    return _DECIMAL.sub(r"\1", json.dumps(body, default=mark))

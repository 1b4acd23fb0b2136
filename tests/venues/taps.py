"""ASGI wrappers for the emulators in the rate-limit, clock and retry tests: they record
what arrived and when, and stamp a `Date` header from a (shifted) clock, as a real server
(uvicorn, a proxy) does and as `httpx.ASGITransport` alone does not."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate

from starlette.types import ASGIApp, Message, Receive, Scope, Send


@dataclass
class Arrival:
    """One request as the emulator saw it.

    Attributes:
        at_s: Monotonic time it arrived, seconds.
        what: `METHOD /path`.
        status: The status answered (0 until the answer started).
    """

    at_s: float
    what: str
    status: int = 0


@dataclass
class Tap:
    """Wraps an emulator: records every request, and adds `Date` from `server_clock_s`.

    Attributes:
        app: The emulator.
        server_clock_s: Epoch seconds for the `Date` header; None sends no `Date`.
        arrivals: Every request, in arrival order.
    """

    app: ASGIApp
    server_clock_s: Callable[[], float] | None = None
    arrivals: list[Arrival] = field(default_factory=list)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        arrival = Arrival(time.monotonic(), f"{scope['method']} {scope['path']}")
        self.arrivals.append(arrival)

        async def stamped(message: Message) -> None:
            if message["type"] == "http.response.start":
                arrival.status = message["status"]
                if self.server_clock_s is not None:
                    date = formatdate(self.server_clock_s(), usegmt=True).encode("ascii")
                    headers = [(k, v) for k, v in message.get("headers", []) if k != b"date"]
                    message = {**message, "headers": [*headers, (b"date", date)]}
            await send(message)

        await self.app(scope, receive, stamped)

    @property
    def seen(self) -> list[str]:
        """`METHOD /path` of every request, in arrival order."""
        return [arrival.what for arrival in self.arrivals]

    @property
    def statuses(self) -> list[int]:
        """The status of every answer, in arrival order."""
        return [arrival.status for arrival in self.arrivals]


def most_in_any_window(times_s: list[float], window_s: float) -> int:
    """The largest number of `times_s` inside any half-open window `[t, t + window_s)`."""
    ordered = sorted(times_s)
    most = 0
    start = 0
    for end, at in enumerate(ordered):
        while at - ordered[start] >= window_s:
            start += 1
        most = max(most, end - start + 1)
    return most

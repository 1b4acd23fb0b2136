"""The poll loop shows failures instead of hiding them, and recovers by itself."""

from __future__ import annotations

import httpx
import pytest

from gui.oms.events import ErrorEvent, ErrorKind, VenueHealth, VenueState
from gui.oms.polling import MAX_BACKOFF_S, VenuePoller
from gui.oms.store import OrderStore
from gui.sandbox.engine import ManualClock, SandboxEngine
from gui.sandbox.treadfi import DEMO_ACCOUNTS, DEMO_API_KEY, create_app
from gui.venues.treadfi import TreadfiAdapter, TreadfiConfig


class Switchable(httpx.AsyncBaseTransport):
    """The emulator behind a cable the test can pull: refused connections while down."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.down = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        return await self.inner.handle_async_request(request)


@pytest.mark.asyncio
async def test_an_unreachable_venue_is_reported_once_then_recovers() -> None:
    engine = SandboxEngine(seed=1, clock=ManualClock())
    cable = Switchable(httpx.ASGITransport(app=create_app(engine)))
    config = TreadfiConfig(
        base_url="http://treadfi.test", max_requests_per_s=10_000, burst=10_000, read_attempts=1
    )
    adapter = TreadfiAdapter(config, DEMO_API_KEY, DEMO_ACCOUNTS[0], transport=cable)
    poller = VenuePoller(adapter, OrderStore(), fast_interval_s=1.0, slow_interval_s=5.0)
    errors: list[ErrorEvent] = []
    health: list[VenueHealth] = []
    poller.errors.subscribe(errors.append)
    poller.health.subscribe(health.append)
    try:
        assert await poller.poll_once()
        assert health[-1].state == VenueState.OK
        good_poll = poller.last_success_ts

        cable.down = True
        for _ in range(3):
            assert not await poller.poll_once()
        # Shown: one error line for the streak, the venue marked degraded with the reason,
        # the last good poll time kept, and the loop backing off.
        assert [e.kind for e in errors] == [ErrorKind.NETWORK]
        assert "connection refused" in errors[0].message
        assert health[-1].state == VenueState.DEGRADED
        assert "connection refused" in health[-1].last_error
        assert health[-1].last_success_ts == good_poll
        assert poller.next_interval_s() == min(8.0, MAX_BACKOFF_S)

        cable.down = False
        assert await poller.poll_once()
        assert health[-1].state == VenueState.OK
        assert "recovered after 3" in errors[-1].message
        assert poller.next_interval_s() == 5.0  # idle again: no working orders
    finally:
        await adapter.aclose()

"""The rate limiter per venue account: documented limits kept under a burst, trader first.

Bursts run against the emulators in process (ASGI), with their own rate limiters on: every
arrival is timed at the emulator, and none may earn a 429. The rates are raised to 200/s on
both sides so a burst of 200 takes about a second; the client keeps `RATE_MARGIN` of it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest

from gui.domain.errors import VenueRateLimited
from gui.sandbox import dfx as dfx_sandbox
from gui.sandbox import treadfi as treadfi_sandbox
from gui.sandbox import zenotc as zenotc_sandbox
from gui.sandbox.engine import ManualClock, SandboxEngine
from gui.venues.dfx import DfxClient, DfxConfig, DfxCredentials, DfxRateLimits
from gui.venues.http import (
    RATE_MARGIN,
    AccountLimiter,
    RateLimit,
    RetryPolicy,
    VenueHttp,
    VenueMessage,
    background_requests,
    build_async_client,
    in_background,
)
from gui.venues.kucoin_futures import envelope as kucoin_envelope
from gui.venues.treadfi import TreadfiClient, TreadfiConfig
from gui.venues.zenotc import ZenotcClient, ZenotcConfig, ZenotcCredentials, wire
from tests.venues.taps import Tap, most_in_any_window

RATE = 200.0
"""Requests per second allowed by the emulators (and configured in the clients) here."""
BURST = 200
"""Requests fired at once."""

START = datetime(2024, 1, 2, 9, 0, tzinfo=UTC)

Call = Callable[[], Awaitable[object]]


def engine() -> SandboxEngine:
    return SandboxEngine(seed=7, clock=ManualClock(START))


@asynccontextmanager
async def zenotc_burst() -> AsyncIterator[tuple[Tap, Call]]:
    # Fixed one-second windows of RATE requests (notes §3.5), as the venue counts.
    tap = Tap(zenotc_sandbox.create_app(engine(), requests_per_second=RATE))
    config = ZenotcConfig(base_url="http://zenotc.test", max_requests_per_s=RATE, burst=1)
    credentials = ZenotcCredentials(**zenotc_sandbox.DEMO_CREDENTIALS)
    client = ZenotcClient(config, credentials, transport=httpx.ASGITransport(app=tap))
    try:
        yield tap, client.list_orders
    finally:
        await client.aclose()


@asynccontextmanager
async def treadfi_burst() -> AsyncIterator[tuple[Tap, Call]]:
    # A token bucket of RATE tokens refilled at RATE per second (the emulator's option).
    tap = Tap(treadfi_sandbox.create_app(engine(), requests_per_second=RATE))
    config = TreadfiConfig(base_url="http://treadfi.test", max_requests_per_s=RATE, burst=5)
    client = TreadfiClient(
        config, treadfi_sandbox.DEMO_API_KEY, transport=httpx.ASGITransport(app=tap)
    )
    try:
        yield tap, client.active_orders
    finally:
        await client.aclose()


@asynccontextmanager
async def dfx_burst() -> AsyncIterator[tuple[Tap, Call]]:
    # Fixed windows per endpoint: open_order is 1/s (notes §2.5), scaled to RATE.
    tap = Tap(dfx_sandbox.create_app(engine(), rate_limit_scale=RATE))
    demo = dfx_sandbox.DEMO_CREDENTIALS
    config = DfxConfig(
        base_url="http://dfx.test",
        account_id=demo["account_id"],
        rate_limits=DfxRateLimits.uniform(RATE),
        burst=1,
    )
    credentials = DfxCredentials(demo["api_key"], demo["private_key"])
    client = DfxClient(config, credentials, transport=httpx.ASGITransport(app=tap))
    try:
        yield tap, client.open_orders
    finally:
        await client.aclose()


@pytest.mark.asyncio
@pytest.mark.parametrize("venue", [zenotc_burst, treadfi_burst, dfx_burst])
async def test_a_burst_of_200_never_exceeds_the_rate_and_earns_no_429(
    venue: Callable[[], AsyncIterator[tuple[Tap, Call]]],
) -> None:
    async with venue() as (tap, call):  # type: ignore[attr-defined]
        # Act: the poller and the trader fire everything at once.
        await asyncio.gather(*(call() for _ in range(BURST)))

    # Assert: every request arrived once and was served; no second saw more than the rate.
    assert len(tap.arrivals) == BURST
    assert set(tap.statuses) == {200}
    times = [arrival.at_s for arrival in tap.arrivals]
    assert most_in_any_window(times, 1.0) <= RATE
    # The bucket paces the burst at RATE_MARGIN of the rate (after its first few tokens).
    spread_s = max(times) - min(times)
    assert spread_s >= (BURST - 5) / (RATE * RATE_MARGIN) - 0.05


@pytest.mark.asyncio
async def test_a_trader_action_overtakes_a_queue_of_background_reads() -> None:
    # Arrange: a slow account (10/s at the margin: one request per 1/9 s), no venue limit.
    tap = Tap(zenotc_sandbox.create_app(engine(), requests_per_second=None))
    config = ZenotcConfig(base_url="http://zenotc.test", max_requests_per_s=10.0, burst=1)
    credentials = ZenotcCredentials(**zenotc_sandbox.DEMO_CREDENTIALS)
    client = ZenotcClient(config, credentials, transport=httpx.ASGITransport(app=tap))
    try:
        with background_requests():
            assert in_background()
            polls = [asyncio.create_task(client.list_orders()) for _ in range(8)]
        assert not in_background()
        while len(tap.arrivals) < 2:  # the poller is under way
            await asyncio.sleep(0.005)
        queued_before = len(tap.arrivals)

        # Act: the trader submits while six reads still wait for the bucket.
        order = wire.CreateOrderRequest(
            side="buy", asset="BTC", quantity=Decimal("0.1"), price=Decimal(1000)
        )
        await client.create_order(order)
        await asyncio.gather(*polls)
    finally:
        await client.aclose()

    # Assert: the submit left next (at most one read already in the bucket went first),
    # ahead of the rest of the queue.
    submitted_at = tap.seen.index("POST /api/sdk/orders")
    assert submitted_at <= queued_before + 1
    assert tap.seen.count("GET /api/sdk/orders") == 8
    assert submitted_at < len(tap.seen) - 4


@pytest.mark.asyncio
async def test_weighted_costs_spend_the_bucket_and_heavier_ones_wait_for_a_full_bucket() -> None:
    # 100 units per second, all of it usable (margin 1), 20 back to back.
    limiter = AccountLimiter.single("demo", RateLimit(100, 1.0, burst=20, margin=1.0))
    loop = asyncio.get_running_loop()
    started = loop.time()
    await limiter.acquire(cost=20)  # the full bucket, at once
    assert loop.time() - started < 0.02
    await limiter.acquire(cost=5)  # five units: 0.05 s
    await limiter.acquire(cost=800)  # heavier than the bucket: waits for all 20 (0.2 s)
    assert 0.24 <= loop.time() - started < 0.4


@pytest.mark.asyncio
async def test_an_unknown_bucket_is_a_bug_and_no_limits_means_no_wait() -> None:
    limiter = AccountLimiter("demo", {"create_order": RateLimit(10)})
    with pytest.raises(ValueError, match="no rate-limit bucket 'requests'"):
        await limiter.acquire()
    await AccountLimiter("demo").acquire("anything", cost=1e9)  # unlimited
    with pytest.raises(ValueError):
        RateLimit(10, margin=1.5)


class Sleeps:
    """Records the waits asked for instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def _extract(response: httpx.Response) -> VenueMessage:
    return VenueMessage(response.text)


@pytest.mark.asyncio
async def test_a_429_on_a_write_holds_the_next_requests_of_the_account() -> None:
    # Arrange: a submit earns 429 with Retry-After; the account's reads come next.
    answers = iter(
        [
            httpx.Response(429, headers={"Retry-After": "0.6"}, text="slow down"),
            httpx.Response(200, json=[]),
        ]
    )
    sent: list[tuple[float, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append((time.monotonic(), request.method))
        return next(answers)

    client = build_async_client("http://venue.test", transport=httpx.MockTransport(handler))
    http = VenueHttp(
        "demo", client, _extract, limiter=AccountLimiter.single("demo", RateLimit(1000))
    )
    try:
        # Act
        with pytest.raises(VenueRateLimited):
            await http.request("POST", "/orders", json={"qty": "1"})
        await http.request("GET", "/orders")
    finally:
        await http.aclose()

    # Assert: the submit was sent once; the read waited out the venue's 0.6 s.
    assert [method for _, method in sent] == ["POST", "GET"]
    assert sent[1][0] - sent[0][0] >= 0.55


@pytest.mark.asyncio
async def test_kucoin_pool_spent_holds_the_account_until_the_reset() -> None:
    # gw-ratelimit-remaining 0 on a success: wait gw-ratelimit-reset ms (notes §4.2).
    spent = {"gw-ratelimit-limit": "2000", "gw-ratelimit-remaining": "0"}
    answers = iter(
        [
            httpx.Response(200, headers={**spent, "gw-ratelimit-reset": "800"}, json={}),
            httpx.Response(200, json={}),
        ]
    )
    client = build_async_client(
        "http://venue.test", transport=httpx.MockTransport(lambda request: next(answers))
    )
    sleeps = Sleeps()
    http = VenueHttp(
        "kucoin_futures",
        client,
        _extract,
        retry=RetryPolicy(jitter=0.0),
        limiter=AccountLimiter("kucoin_futures", sleep=sleeps),
        rate_limit_wait=kucoin_envelope.rate_limit_wait_s,
    )
    try:
        await http.request("GET", "/api/v1/recentFills")
        await http.request("GET", "/api/v1/recentFills")
    finally:
        await http.aclose()
    assert len(sleeps.waits) == 1 and 0.75 < sleeps.waits[0] <= 0.8

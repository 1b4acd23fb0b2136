"""`immediate_requests()`: a request goes at once or is refused, never waits (issue 8).

A bulk action reads its orders' final state this way, so it does not sit behind hundreds
of rate-limited reads; the refusal must take nothing from the bucket and say when to try
again.
"""

from __future__ import annotations

import asyncio

import pytest

from gui.venues.http import AccountLimiter, RateLimit, RateLimitedNow, immediate_requests

pytestmark = pytest.mark.asyncio


def two_per_second() -> AccountLimiter:
    return AccountLimiter.single("test", RateLimit(limit=2, window_s=1.0, burst=2, margin=1.0))


async def test_goes_while_the_bucket_has_room_then_is_refused_without_taking_any() -> None:
    limiter = two_per_second()
    loop = asyncio.get_running_loop()
    with immediate_requests():
        await limiter.acquire()
        await limiter.acquire()
        with pytest.raises(RateLimitedNow) as refused:
            await limiter.acquire()
        with pytest.raises(RateLimitedNow):
            await limiter.acquire()
    assert refused.value.retry_after_s == pytest.approx(0.5)  # one unit at 2 per second
    # The refusals took nothing: an ordinary request waits one refill, not three.
    start = loop.time()
    await limiter.acquire()
    assert loop.time() - start < 0.7


async def test_a_hold_after_a_429_refuses_with_its_remainder() -> None:
    limiter = two_per_second()
    limiter.hold(3.0, "HTTP 429 in a test")
    with immediate_requests(), pytest.raises(RateLimitedNow) as refused:
        await limiter.acquire()
    assert 2.5 < refused.value.retry_after_s <= 3.0


async def test_the_mark_follows_tasks_and_ends_with_the_block() -> None:
    limiter = two_per_second()
    await limiter.acquire(cost=2)  # empty

    async def attempt() -> str:
        try:
            await limiter.acquire()
        except RateLimitedNow:
            return "refused"
        return "sent"

    with immediate_requests():
        inside = await asyncio.create_task(attempt())
    outside = await asyncio.wait_for(attempt(), timeout=2.0)  # waits its turn instead
    assert (inside, outside) == ("refused", "sent")


async def test_without_limits_only_a_hold_refuses() -> None:
    limiter = AccountLimiter("test")
    with immediate_requests():
        for _ in range(100):
            await limiter.acquire()
        limiter.hold(1.0, "HTTP 429 in a test")
        with pytest.raises(RateLimitedNow):
            await limiter.acquire()

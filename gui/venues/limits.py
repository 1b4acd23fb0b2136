"""Rate limits per venue account: the documented limits, shared by polling and trader actions.

One `AccountLimiter` per venue account holds one bucket per documented limit (one for most
venues, one per endpoint for DFX, notes §2.5). Every request of the account, whether the
poller's or the trader's, takes its cost from the bucket its endpoint draws on before it
leaves (`VenueHttp` does this), so the account as a whole stays under the venue's limit.

* The buckets are `aiolimiter.AsyncLimiter`s (a leaky bucket): `burst` units back to back,
  refilled at `limit * margin / window_s` units per second. `margin` (0.9 by default,
  `RATE_MARGIN`) leaves room for network jitter: the venues count requests as they arrive,
  in fixed windows, and a request delayed on the way can land in the next window with the
  one sent after it (seen against the DFX sandbox: 429 on reads spaced 0.97-1.0 s). With
  `burst + limit * margin <= limit` no window ever sees more than `limit`.
* Trader actions first: requests made inside `background_requests()` (the OMS poller wraps
  its ticks in it) yield to any trader-action request waiting on the same bucket. A
  priority gate in front of the library bucket lets one background request at a time wait
  in it, and withdraws it as soon as a trader action arrives.
* A 429 (or a venue's rate-limit headers saying the quota is spent) holds every bucket of
  the account for the venue's time (`hold`), so the next requests wait too instead of
  earning more 429s.
* Requests made inside `immediate_requests()` never wait: one that would (its bucket
  empty, trader actions queued before it, or a hold) raises `RateLimitedNow` and is not
  sent. A bulk action reads its orders' final state that way, so it returns once the venue
  acknowledged every request instead of after hundreds of rate-limited reads (issue 8); the
  reads that could not go at once follow in the background.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from aiolimiter import AsyncLimiter

logger = logging.getLogger(__name__)

RATE_MARGIN = 0.9
"""Share of a documented rate the client uses, leaving room for network jitter."""

DEFAULT_BUCKET = "requests"
"""The bucket of venues with one limit for every endpoint."""

MAX_HOLD_S = 60.0
"""Longest hold a 429 can impose, seconds: a garbled header must not freeze an account."""

_BACKGROUND: ContextVar[bool] = ContextVar("orderdesk_background_requests", default=False)
_IMMEDIATE: ContextVar[bool] = ContextVar("orderdesk_immediate_requests", default=False)


class RateLimitedNow(Exception):  # noqa: N818 (a signal, not a failure of the venue)
    """A request made inside `immediate_requests()` would have waited for its account's
    rate limit (or a 429 hold); nothing was sent. Deliberately not a `VenueError`: an
    adapter that tolerates a failed secondary read must not swallow it.

    Attributes:
        retry_after_s: Seconds after which the same request could likely leave at once (the
            hold's remainder, or the time its bucket takes to refill its cost).
    """

    def __init__(self, message: str, retry_after_s: float) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


@contextmanager
def background_requests() -> Iterator[None]:
    """Mark the requests made inside as background work (polling, reconciliation).

    They yield to trader actions waiting on the same rate-limit bucket. The mark follows
    the context: tasks created inside (`asyncio.gather`, `create_task`) carry it too.

    Example:
        with background_requests():
            await adapter.open_orders()
    """
    token = _BACKGROUND.set(True)
    try:
        yield
    finally:
        _BACKGROUND.reset(token)


def in_background() -> bool:
    """True inside `background_requests()`."""
    return _BACKGROUND.get()


@contextmanager
def immediate_requests() -> Iterator[None]:
    """Send the requests made inside only if they can leave at once.

    A request whose bucket is empty (or that trader actions already wait for, or whose
    account holds after a 429) raises `RateLimitedNow` instead of waiting, before anything
    is sent. The mark follows the context like `background_requests()`.

    Example:
        with immediate_requests():
            try:
                report = await adapter.order(venue_order_id)
            except RateLimitedNow:
                ...  # read it later
    """
    token = _IMMEDIATE.set(True)
    try:
        yield
    finally:
        _IMMEDIATE.reset(token)


@dataclass(frozen=True, slots=True)
class RateLimit:
    """One limit a venue allows, and the bucket that keeps an account under it.

    Attributes:
        limit: Units allowed per window (requests, or KuCoin's request weight).
        window_s: The venue's window, in seconds.
        burst: Units we may spend back to back (the bucket's size); a request costing
            more waits for a full bucket.
        margin: Share of `limit / window_s` we refill at (see `RATE_MARGIN`).
        source: Where the figure comes from (doc section), for the log.
    """

    limit: float
    window_s: float = 1.0
    burst: float = 1.0
    margin: float = RATE_MARGIN
    source: str = ""

    def __post_init__(self) -> None:
        if self.limit <= 0 or self.window_s <= 0 or self.burst <= 0:
            raise ValueError(
                f"RateLimit needs limit, window_s and burst > 0, "
                f"got {self.limit}, {self.window_s}, {self.burst}"
            )
        if not 0 < self.margin <= 1:
            raise ValueError(f"RateLimit.margin must be in (0, 1], got {self.margin}")

    @property
    def rate_per_s(self) -> float:
        """Units per second the bucket refills."""
        return self.limit * self.margin / self.window_s


class _Bucket:
    """One `AsyncLimiter` behind a gate that lets trader actions go first."""

    def __init__(self, limit: RateLimit) -> None:
        self.limit = limit
        self._limiter = AsyncLimiter(limit.burst, limit.burst / limit.rate_per_s)
        self._foreground = 0
        self._no_foreground = asyncio.Event()
        self._no_foreground.set()
        self._background_turn = asyncio.Lock()
        self._preempt: asyncio.Event | None = None

    async def take(self, cost: float, *, background: bool) -> None:
        amount = min(max(cost, 0.0), self.limit.burst)
        if background:
            await self._take_background(amount)
            return
        self._foreground += 1
        self._no_foreground.clear()
        if self._preempt is not None:
            self._preempt.set()  # the background request waiting in the bucket steps back
        try:
            await self._limiter.acquire(amount)
        finally:
            self._foreground -= 1
            if self._foreground == 0:
                self._no_foreground.set()

    async def take_now(self, cost: float) -> None:
        """Take `cost` at once, or raise `RateLimitedNow` (nothing taken) when that would
        mean waiting: the bucket lacks it, or trader actions already wait in it."""
        amount = min(max(cost, 0.0), self.limit.burst)
        if self._foreground or not self._limiter.has_capacity(amount):
            raise RateLimitedNow(
                f"{self.limit.source or 'rate limit'}: no capacity now",
                max(amount, 1.0) / self.limit.rate_per_s,
            )
        await self._limiter.acquire(amount)  # has capacity: returns without suspending

    async def _take_background(self, amount: float) -> None:
        async with self._background_turn:  # one background request in the bucket at a time
            while True:
                await self._no_foreground.wait()
                preempt = asyncio.Event()
                self._preempt = preempt
                taking = asyncio.ensure_future(self._limiter.acquire(amount))
                stepping_back = asyncio.ensure_future(preempt.wait())
                try:
                    await asyncio.wait({taking, stepping_back}, return_when=asyncio.FIRST_COMPLETED)
                finally:
                    self._preempt = None
                    stepping_back.cancel()
                    if not taking.done():
                        taking.cancel()
                    # Let a cancelled acquire unwind (it leaves the library's queue).
                    await asyncio.wait({taking})
                if not taking.cancelled():
                    taking.result()  # re-raises what the library raised, if anything
                    return


class AccountLimiter:
    """The rate limits of one venue account, shared by every request it makes.

    Args:
        venue: Venue name, for the log.
        limits: Bucket name -> limit; empty means no self-imposed limit (429 holds apply).
        sleep: Coroutine that waits out a hold, in seconds (injectable for tests).
        monotonic: Monotonic clock in seconds, for holds (injectable for tests).

    Raises:
        ValueError: A bucket name is empty.
    """

    def __init__(
        self,
        venue: str,
        limits: Mapping[str, RateLimit] | None = None,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.venue = venue
        self._limits = dict(limits or {})
        if any(not name for name in self._limits):
            raise ValueError("AccountLimiter bucket names must be non-empty")
        self._sleep = sleep
        self._monotonic = monotonic
        self._hold_until = 0.0
        # Built on first use, in the loop that uses them (asyncio primitives and the library
        # bucket bind to one event loop).
        self._loop: asyncio.AbstractEventLoop | None = None
        self._buckets: dict[str, _Bucket] = {}

    @classmethod
    def single(
        cls,
        venue: str,
        limit: RateLimit,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> AccountLimiter:
        """A limiter with one bucket (`DEFAULT_BUCKET`) for every endpoint."""
        return cls(venue, {DEFAULT_BUCKET: limit}, sleep=sleep)

    @property
    def limits(self) -> Mapping[str, RateLimit]:
        """Bucket name -> its limit."""
        return dict(self._limits)

    def hold_remaining_s(self) -> float:
        """Seconds the account still holds back after a 429 (0 when it does not)."""
        return max(self._hold_until - self._monotonic(), 0.0)

    def hold(self, seconds: float, reason: str) -> None:
        """Hold every request of the account for `seconds` (at most `MAX_HOLD_S`).

        Args:
            seconds: How long the venue asked us to wait.
            reason: What asked, for the log (never headers).
        """
        wait_s = min(max(seconds, 0.0), MAX_HOLD_S)
        until = self._monotonic() + wait_s
        if until > self._hold_until:
            self._hold_until = until
            logger.warning("%s: holding requests for %.2f s: %s", self.venue, wait_s, reason)

    async def acquire(self, bucket: str = DEFAULT_BUCKET, cost: float = 1.0) -> None:
        """Wait until one more request may leave, then take its cost.

        Args:
            bucket: The limit the request draws on (see the venue's config).
            cost: Units it takes (its request weight; 1 for most venues).

        Raises:
            ValueError: The account has limits and none is called `bucket` (a bug).
            RateLimitedNow: Inside `immediate_requests()`, when it would have to wait.
        """
        if _IMMEDIATE.get():
            await self._take_now(bucket, cost)
            return
        honoured = await self._wait_hold()
        if not self._limits:
            return
        if bucket not in self._limits:
            raise ValueError(
                f"{self.venue} has no rate-limit bucket {bucket!r}; it has {sorted(self._limits)}"
            )
        await self._bucket(bucket).take(cost, background=in_background())
        if self._hold_until > honoured:
            await self._wait_hold()  # a 429 seen while we queued holds us as well

    async def _take_now(self, bucket: str, cost: float) -> None:
        remaining_s = self.hold_remaining_s()
        if remaining_s > 0:
            raise RateLimitedNow(f"{self.venue} holds its requests after a 429", remaining_s)
        if not self._limits:
            return
        if bucket not in self._limits:
            raise ValueError(
                f"{self.venue} has no rate-limit bucket {bucket!r}; it has {sorted(self._limits)}"
            )
        await self._bucket(bucket).take_now(cost)

    async def _wait_hold(self) -> float:
        # Returns the end of the hold it waited out (the current one when none).
        while True:
            until = self._hold_until
            remaining = until - self._monotonic()
            if remaining > 0:
                await self._sleep(remaining)
            if self._hold_until <= until:
                return until

    def _bucket(self, name: str) -> _Bucket:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            self._loop = loop
            self._buckets = {}
        found = self._buckets.get(name)
        if found is None:
            found = self._buckets[name] = _Bucket(self._limits[name])
        return found

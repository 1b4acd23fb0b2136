"""One KuCoin Futures key's signed connection: envelope, clock offset, weights, retries.

`KucoinTransport.call` is the one door to the venue (notes §7 checklist): it builds the
ordered query, serializes the body once, signs it (`KucoinAuth`), sends the same bytes with
`content=`, spends the endpoint's weight from the self-throttle, records the
`gw-ratelimit-*` headers, unwraps the envelope and raises a typed error for any code but
`200000`. Reads are retried on transport errors, 5xx and 429 (after `gw-ratelimit-reset`);
writes never are, except the one clock re-sync below.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
from pydantic import TypeAdapter, ValidationError

from gui.domain.errors import VenueRejected, VenueTransportError
from gui.venues.http import RequestThrottle, RetryPolicy, VenueHttp, build_async_client
from gui.venues.kucoin_futures import envelope
from gui.venues.kucoin_futures.auth import KucoinAuth
from gui.venues.kucoin_futures.config import VENUE, WEIGHTS, KucoinFuturesConfig

logger = logging.getLogger(__name__)

SERVER_TIME_PATH = "/api/v1/timestamp"
"""Public server time, epoch ms (outside the document; notes §7)."""
ACTIVE_CONTRACTS_PATH = "/api/v1/contracts/active"
"""Public contract table (outside the document; notes §3 "Lots, contracts and multiplier")."""
PUBLIC_PATHS = frozenset({SERVER_TIME_PATH, ACTIVE_CONTRACTS_PATH})
"""Sent unsigned: public market data, and the clock we repair a skew with."""

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class RateLimitState:
    """The last `gw-ratelimit-*` headers seen (notes §1.6).

    Attributes:
        limit: Pool quota per window.
        remaining: Weight left in the current window.
        reset_ms: Milliseconds until the window resets.
    """

    limit: int | None
    remaining: int | None
    reset_ms: int | None


def _header_int(response: httpx.Response, name: str) -> int | None:
    value = response.headers.get(name)
    if value is None:
        return None
    try:
        return int(value.strip())
    except ValueError:
        return None


def parse_data(adapter: TypeAdapter[_T], data: object, what: str, status: int = 200) -> _T:
    """Validate an envelope's `data` against a wire type.

    Raises:
        VenueTransportError: The payload does not have the documented shape (the request
            may still have taken effect: for a write, look the order up).
    """
    try:
        return adapter.validate_python(data)
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(part) for part in problem["loc"]) or "data"
        raise VenueTransportError(
            VENUE, f"unreadable answer to {what}: {where}: {problem['msg']}", status
        ) from None


class KucoinTransport:
    """Signed, throttled requests for one API key.

    Args:
        config: Host, timeouts, rate-limit pool and retry limits.
        auth: The key's signer (its clock offset is re-synced here).
        transport: Replaces the network (tests pass `httpx.MockTransport`/`ASGITransport`).
        sleep: Coroutine that waits between read retries, in seconds (injectable for tests).

    Attributes:
        rate_limit: The last rate-limit headers seen, None before any.
    """

    def __init__(
        self,
        config: KucoinFuturesConfig,
        auth: KucoinAuth,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        client = build_async_client(
            config.base_url, auth=auth, timeout_s=config.timeout_s, transport=transport
        )
        # Every request says JSON: a missing or wrong Content-Type earns 415000 (notes §1.2).
        client.headers["Content-Type"] = "application/json"
        self._auth = auth
        self._http = VenueHttp(
            VENUE,
            client,
            envelope.extract_message,
            retry=RetryPolicy.from_config(config),
            throttle=RequestThrottle(config.throttle_rate_per_s, config.throttle_burst),
            check=envelope.check_response,
            sleep=sleep,
        )
        self._clock_lock = asyncio.Lock()
        self._clock_generation = 0
        self.rate_limit: RateLimitState | None = None

    async def call(
        self,
        method: str,
        path: str,
        *,
        endpoint: str,
        params: Mapping[str, str] | None = None,
        body: str | None = None,
    ) -> Any:
        """Send one request and return its envelope's `data` (None when absent).

        Args:
            method: `GET`, `POST` or `DELETE`.
            path: Path from `/api/`, ids already quoted.
            endpoint: Key of `config.WEIGHTS` (the request's weight).
            params: Query parameters in the order to send and sign.
            body: The compact JSON text (see `wire.dumps`), or None for no body.

        Raises:
            VenueAuthError: Bad key, signature, passphrase, IP or permission; or `400002`
                again after the clock re-sync.
            VenueNotFound: `404000` or `100004`.
            VenueRateLimited: `429000` (reads after the retries; writes at once), with
                `retry_after_s` from `gw-ratelimit-reset`.
            VenueRejected: Any other code (`400100`, `100001`, `300003`...).
            VenueUnavailable: `500000` or HTTP 5xx (reads after the retries).
            VenueTransportError: No usable answer.
        """
        generation = self._clock_generation
        try:
            return await self._fetch(method, path, endpoint, params, body)
        except VenueRejected as exc:
            if exc.venue_code != envelope.TIMESTAMP_CODE:
                raise
        # 400002 is the gateway refusing the KC-API-TIMESTAMP header: the request never
        # reached the matching engine (notes §1.2: "The server rejects it if it differs from
        # server time by >= 5 s"; §4.1 gateway codes), so sending it again, even a create,
        # cannot place an order twice. Re-sync the clock and retry exactly once.
        logger.warning("KuCoin refused our timestamp on %s %s; re-syncing", method, path)
        await self._resync(generation)
        return await self._fetch(method, path, endpoint, params, body)

    async def _fetch(
        self,
        method: str,
        path: str,
        endpoint: str,
        params: Mapping[str, str] | None,
        body: str | None,
    ) -> Any:
        response = await self._http.request(
            method,
            path,
            params=params,
            content=None if body is None else body.encode("utf-8"),
            cost=WEIGHTS[endpoint],
        )
        self._note_rate_limit(response)
        parsed = envelope.read_envelope(response)
        if parsed is None:
            raise VenueTransportError(
                VENUE,
                f"unreadable answer to {method} {path}: not a KuCoin envelope",
                response.status_code,
            )
        return parsed.data

    async def sync_clock(self) -> int:
        """Set the signer's clock offset from the server time. `GET /api/v1/timestamp`.

        The offset is server time minus the local midpoint of the round trip.

        Returns:
            The new offset, in milliseconds (server - local).

        Raises:
            VenueError: The server time could not be read.
        """
        async with self._clock_lock:
            return await self._sync_clock_locked()

    async def _resync(self, generation: int) -> None:
        async with self._clock_lock:
            if generation != self._clock_generation:
                return  # a concurrent request already re-synced since ours was signed
            await self._sync_clock_locked()

    async def _sync_clock_locked(self) -> int:
        before_ms = self._auth.local_ms()
        data = await self._fetch("GET", SERVER_TIME_PATH, "server_time", None, None)
        after_ms = self._auth.local_ms()
        server_ms = parse_data(TypeAdapter(int), data, f"GET {SERVER_TIME_PATH}")
        offset_ms = server_ms - (before_ms + after_ms) // 2
        self._auth.clock_offset_ms = offset_ms
        self._clock_generation += 1
        logger.info("KuCoin clock offset is now %d ms", offset_ms)
        return offset_ms

    def _note_rate_limit(self, response: httpx.Response) -> None:
        if any(name in response.headers for name in envelope.RATE_LIMIT_HEADERS):
            self.rate_limit = RateLimitState(
                limit=_header_int(response, "gw-ratelimit-limit"),
                remaining=_header_int(response, "gw-ratelimit-remaining"),
                reset_ms=_header_int(response, "gw-ratelimit-reset"),
            )

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

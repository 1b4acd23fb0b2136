"""One KuCoin Futures key's signed connection: envelope, clock offset, weights, retries.

`KucoinTransport.call` is the one door to the venue (notes §7 checklist): it builds the
ordered query, serializes the body once, signs it (`KucoinAuth`), sends the same bytes with
`content=` through the account's `VenueHttp`, which spends the endpoint's weight from the
account's pool bucket (notes §4.2), records the `gw-ratelimit-*` headers (holding the
account until `gw-ratelimit-reset` when the pool is spent), unwraps the envelope and raises
a typed error for any code but `200000`. Reads and cancels are retried on transport
errors, 5xx and 429; other writes never are, except once after a `400002` timestamp
refusal, with the clock re-synced from `GET /api/v1/timestamp` first.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
from pydantic import TypeAdapter

from gui.venues.http import AccountLimiter, RetryPolicy, VenueHttp, build_async_client
from gui.venues.kucoin_futures import envelope
from gui.venues.kucoin_futures.auth import KucoinAuth
from gui.venues.kucoin_futures.config import VENUE, WEIGHTS, KucoinFuturesConfig
from gui.venues.wire_types import bad_response, parse_payload
from gui.venues.wire_types import loads as wire_loads

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
        VenueBadResponse: The payload does not have the documented shape (the request
            may still have taken effect: for a write, look the order up); the payload is
            logged on `gui.venues.raw`.
    """
    return parse_payload(adapter.validate_python, data, what, venue=VENUE, status_code=status)


class KucoinTransport:
    """Signed, rate-limited requests for one API key.

    Args:
        config: Host, timeouts, rate-limit pool and retry limits.
        auth: The key's signer; its `clock` is the account's clock offset.
        transport: Replaces the network (tests pass `httpx.MockTransport`/`ASGITransport`).
        sleep: Coroutine that waits between retries and out 429 holds, in seconds
            (injectable for tests).

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
            limiter=AccountLimiter.single(VENUE, config.rate_limit, sleep=sleep),
            check=envelope.check_response,
            sleep=sleep,
            clock=auth.clock,
            timestamp_rejected=envelope.timestamp_rejected,
            sync_clock=self.sync_clock,
            rate_limit_wait=envelope.rate_limit_wait_s,
        )
        self.rate_limit: RateLimitState | None = None

    @property
    def http(self) -> VenueHttp:
        """The account's request door (its limiter and clock)."""
        return self._http

    async def call(
        self,
        method: str,
        path: str,
        *,
        endpoint: str,
        params: Mapping[str, str] | None = None,
        body: str | None = None,
        idempotent: bool = False,
        decode: Callable[[bytes], Any] = wire_loads,
    ) -> Any:
        """Send one request and return its envelope's `data` (None when absent).

        Args:
            method: `GET`, `POST` or `DELETE`.
            path: Path from `/api/`, ids already quoted.
            endpoint: Key of `config.WEIGHTS` (the request's weight).
            params: Query parameters in the order to send and sign.
            body: The compact JSON text (see `wire.dumps`), or None for no body.
            idempotent: True for the cancel endpoints: retried like reads.
            decode: Reads the answer's body (`loads`; an incremental listing's
                `ListingPoll.decode` for the order lists).

        Raises:
            VenueAuthError: Bad key, signature, passphrase, IP or permission; or `400002`
                again after the clock re-sync.
            VenueNotFound: `404000` or `100004`.
            VenueRateLimited: `429000` (reads and cancels after the retries; other writes
                at once), with `retry_after_s` from `gw-ratelimit-reset`.
            VenueRejected: Any other code (`400100`, `100001`, `300003`...).
            VenueUnavailable: `500000` or HTTP 5xx (reads and cancels after the retries).
            VenueTransportError: No usable answer.
        """
        response = await self._http.request(
            method,
            path,
            params=params,
            content=None if body is None else body.encode("utf-8"),
            cost=WEIGHTS[endpoint],
            idempotent=idempotent,
        )
        self._note_rate_limit(response)
        parsed = envelope.read_envelope(response, decode)
        if parsed is None:
            raise bad_response(
                VENUE,
                f"{method} {path}",
                "not a KuCoin envelope",
                content=response.content,
                status_code=response.status_code,
            )
        return parsed.data

    async def sync_clock(self) -> int:
        """Set the account's clock offset from the server time. `GET /api/v1/timestamp`.

        The offset is server time minus the local midpoint of the round trip; the clock
        forgets its older observations (`ClockOffset.resync`).

        Returns:
            The new offset, in milliseconds (server - local).

        Raises:
            VenueError: The server time could not be read.
        """
        clock = self._auth.clock
        sent_s = clock.local_s()
        data = await self.call("GET", SERVER_TIME_PATH, endpoint="server_time")
        received_s = clock.local_s()
        server_ms = parse_data(TypeAdapter(int), data, f"GET {SERVER_TIME_PATH}")
        clock.resync(server_ms / 1000, sent_s, received_s)
        return clock.offset_ms

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

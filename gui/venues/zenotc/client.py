"""The raw ZenOTC Orders API: one method per documented endpoint, wire models out.

Source: shared/venues/zenotc/api-reference.md ("Orders API", nine endpoints), digested in
notes.md §3.3. Every request is signed over the exact bytes sent (`ZenotcAuth`), so this
client writes each body itself (`wire.dumps`) and sends it with `content=`; an empty object
is sent as no body at all, as the official helper's `if data` rule does (notes §3.7.3).
Query strings are written here too, keeping the doc's literal commas (`statuses=open,
partially_filled`), because the signed path includes them (notes §3.7.1).

Any 2xx is success (notes §3.7.5); a `{"data": ...}` envelope is removed (§3.7.4). Errors
are NestJS bodies `{"statusCode", "message", "error"}` (§3.5), read by `extract_message`.
Every request goes through the account's `VenueHttp`: spaced to the documented 10 per
second (§3.5) at `RATE_MARGIN`, held until `X-RateLimit-Reset` once `X-RateLimit-Remaining`
is 0 or after a 429; reads and cancels (single, cancel-all) are retried on 5xx/429/
transport errors, other writes are sent once; a refused `X-API-Timestamp` re-syncs the
clock from the refusal's `Date` and is sent once more.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel

from gui.domain.errors import VenueAuthError, VenueError
from gui.venues.clock import epoch_ms
from gui.venues.http import (
    AccountLimiter,
    ClockOffset,
    RetryPolicy,
    VenueHttp,
    VenueMessage,
    build_async_client,
)
from gui.venues.listing_cache import ListingCache, ListingPoll
from gui.venues.wire_types import parse_answer
from gui.venues.zenotc import wire
from gui.venues.zenotc.auth import ZenotcAuth, ZenotcCredentials
from gui.venues.zenotc.config import MAX_BATCH_ORDERS, MAX_PAGE_LIMIT, VENUE, ZenotcConfig

_Model = TypeVar("_Model", bound=BaseModel)

ORDERS = "/api/sdk/orders"
"""Collection path; the other eight endpoints hang off it."""
MAX_LISTINGS = 8
"""Listing filters (`list_all_orders`) remembered at once; more forget them all."""

_TAG = re.compile(r"<[^>]*>")
_MAX_TEXT = 300


def _as_text(value: object) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        return "; ".join(text for text in (_as_text(item) for item in value) if text)
    if value is None:
        return ""
    return json.dumps(value, default=str)


def _plain(text: str) -> str:
    # An HTML error page (a proxy's 502, a maintenance page) becomes its visible words.
    words = " ".join(_TAG.sub(" ", text).split()) if "<" in text else " ".join(text.split())
    return words if len(words) <= _MAX_TEXT else words[: _MAX_TEXT - 1] + "…"


def extract_message(response: httpx.Response) -> VenueMessage:
    """The venue's words in an error body (notes §3.5, NestJS style).

    `message` (a string, or a list of validation messages joined with "; ") > `error`
    (the reason phrase, or a nested `{"message", "code"}`) > the text of a non-JSON body
    (HTML tags removed, shortened). `details`, when present, is appended as JSON. The code
    is the body's `code` when it has one; NestJS bodies have none, so it is usually "".
    """
    try:
        body = wire.loads(response.content)
    except ValueError:
        return VenueMessage(_plain(response.text))
    if not isinstance(body, dict):
        return VenueMessage(_plain(_as_text(body)))
    code = _as_text(body.get("code"))
    message = _as_text(body.get("message"))
    error = body.get("error")
    if isinstance(error, dict):
        message = message or _as_text(error.get("message"))
        code = code or _as_text(error.get("code"))
    elif not message:
        message = _as_text(error)
    if body.get("details") not in (None, "", [], {}):
        message = f"{message} (details: {_as_text(body['details'])})".strip()
    return VenueMessage(message or _plain(response.text), code)


def _query(params: Mapping[str, str | None]) -> str:
    return "&".join(
        f"{name}={quote(value, safe=',')}" for name, value in params.items() if value is not None
    )


def _csv(values: Iterable[str], name: str) -> str:
    items = [value.strip() for value in values]
    if not items or any(not item or "," in item for item in items):
        raise ValueError(f"{name} are sent comma-separated: non-empty, no commas: {items}")
    return ",".join(items)


def _id(order_id: str) -> str:
    if not order_id:
        raise ValueError("ZenOTC order id must be non-empty")
    return quote(order_id, safe="")


def _parse(model: type[_Model], response: httpx.Response, what: str) -> _Model:
    return parse_answer(model, response, what, venue=VENUE, unwrap=wire.unwrap)


def rate_limit_wait_s(response: httpx.Response, clock: ClockOffset) -> float | None:
    """`gui.venues.http.RateLimitWait` for ZenOTC: seconds until `X-RateLimit-Reset`
    ("Unix timestamp when window resets", notes §3.5; seconds, or milliseconds when the
    value is that large, in the venue's time: `clock.now_ms()`), when the answer is a 429
    or `X-RateLimit-Remaining` is 0; None otherwise or when the header is absent."""
    remaining = response.headers.get("X-RateLimit-Remaining", "").strip()
    if response.status_code != 429 and remaining not in ("0", "0.0"):
        return None
    now_ms = clock.now_ms()
    raw = response.headers.get("X-RateLimit-Reset", "").strip()
    try:
        reset = float(raw)
    except ValueError:
        return None
    if reset != reset:  # NaN
        return None
    reset_s = reset / 1000 if reset > 1e11 else reset
    return max(reset_s - now_ms / 1000, 0.0)


def timestamp_rejected(error: VenueError) -> bool:
    """`gui.venues.http.TimestampRejected` for ZenOTC: a 401 whose words name the timestamp.

    The reference doc states no tolerance for `X-API-Timestamp` (notes §3.2, §3.7.12) and
    lists 401 "Authentication failed" (§3.3 create); a refusal is an authentication error
    before any processing. `VenueHttp` also counts a 401 whose `Date` shows our clock was off.
    """
    return isinstance(error, VenueAuthError) and "timestamp" in error.venue_message.lower()


class ZenotcClient:
    """One ZenOTC API key's connection.

    Besides the errors each method lists, every method may raise `VenueAuthError` (HTTP
    401/403), `VenueRateLimited` (429), `VenueUnavailable` (5xx; reads after retries) and
    `VenueTransportError` (no usable answer; for a write the outcome is then unknown).

    Args:
        config: Base URL, timeouts, self-throttle and retry limits.
        credentials: API key and secret (never logged).
        transport: Replaces the network (tests pass `httpx.ASGITransport`/`MockTransport`).
        clock_ms: Local epoch-milliseconds clock; signing and rate-limit resets add the
            account's clock offset to it (`clock`).
        sleep: Coroutine that waits between retries and out 429 holds (injectable).
        clock: The account's clock offset (None: one on `clock_ms`), fed by every answer's
            `Date` (the Orders API has no server-time endpoint, notes §3.3).

    Attributes:
        http: The account's request door: its limiter (`ZenotcConfig.rate_limit`) and clock.
    """

    def __init__(
        self,
        config: ZenotcConfig,
        credentials: ZenotcCredentials,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        clock_ms: Callable[[], int] = epoch_ms,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: ClockOffset | None = None,
    ) -> None:
        self._config = config
        clock = clock if clock is not None else ClockOffset(VENUE, local_ms=clock_ms)
        client = build_async_client(
            config.base_url,
            auth=ZenotcAuth(credentials, clock=clock),
            timeout_s=config.timeout_s,
            transport=transport,
        )
        self.http = VenueHttp(
            VENUE,
            client,
            extract_message,
            retry=RetryPolicy.from_config(config),
            limiter=AccountLimiter.single(VENUE, config.rate_limit, sleep=sleep),
            sleep=sleep,
            clock=clock,
            timestamp_rejected=timestamp_rejected,
            rate_limit_wait=rate_limit_wait_s,
        )
        self._listings: dict[
            tuple[tuple[str, ...], str | None, str | None], ListingCache[wire.Order]
        ] = {}

    async def _send(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, str | None] | None = None,
        body: Mapping[str, Any] | None = None,
        idempotent: bool = False,
    ) -> httpx.Response:
        # Signing needs the exact text, so the query and body are written here and sent
        # as they are (`content=`).
        text = _query(query) if query else ""
        target = f"{path}?{text}" if text else path
        content = wire.dumps(body).encode() if body else None  # `{}` -> no body (§3.7.3)
        headers = {"Content-Type": "application/json"} if content is not None else None
        return await self.http.request(
            method, target, content=content, headers=headers, idempotent=idempotent
        )

    async def create_order(self, request: wire.CreateOrderRequest) -> wire.Order:
        """Create an order; sent once, never retried. `POST /api/sdk/orders` (scope TRADE).

        Returns:
            The Order object (without `metadata` in the doc's example).

        Raises:
            VenueRejected: Invalid parameters (400) or risk check failed (422).
            VenueAuthError: Authentication failed (401) or scope lacks TRADE (403).
            VenueUnavailable: HTTP 5xx: the order may or may not exist.
            VenueTransportError: No usable answer: the order may or may not exist; look it
                up with `get_order_by_client_id`.
        """
        response = await self._send("POST", ORDERS, body=request.body())
        return _parse(wire.Order, response, f"POST {ORDERS}")

    async def list_orders(
        self,
        *,
        statuses: Iterable[str] | None = None,
        asset: str | None = None,
        side: str | None = None,
        page: int | None = None,
        limit: int | None = None,
        listing: ListingPoll[wire.Order] | None = None,
    ) -> wire.OrderPage:
        """One page of orders. `GET /api/sdk/orders` (scope READ).

        Args:
            statuses: Venue statuses, sent comma-separated (`open`, `partially_filled`, ...).
            asset: Asset symbol, e.g. `BTC`.
            side: `buy` or `sell`.
            page: 1-based page (venue default 1).
            limit: Orders per page, 1-100 (venue default 50).
            listing: Reads the page incrementally (`gui.venues.listing_cache`): orders
                whose JSON it remembers come back as their remembered models; it learns
                this page's.

        Returns:
            The page; items carry a subset of the Order object (notes §3.3 (2)).

        Raises:
            ValueError: A page or limit out of range, or a status with a comma (not sent).
        """
        if page is not None and page < 1:
            raise ValueError(f"ZenOTC page must be >= 1, got {page}")
        if limit is not None and not 1 <= limit <= MAX_PAGE_LIMIT:
            raise ValueError(f"ZenOTC limit must be 1-{MAX_PAGE_LIMIT}, got {limit}")
        query = {
            "statuses": None if statuses is None else _csv(statuses, "statuses"),
            "asset": asset,
            "side": side,
            "page": None if page is None else str(page),
            "limit": None if limit is None else str(limit),
        }
        response = await self._send("GET", ORDERS, query=query)
        if listing is None:
            return _parse(wire.OrderPage, response, f"GET {ORDERS}")
        answer = parse_answer(
            wire.OrderPage,
            response,
            f"GET {ORDERS}",
            venue=VENUE,
            unwrap=wire.unwrap,
            decode=listing.decode,
        )
        listing.learn([answer.orders])
        return answer

    async def list_all_orders(
        self,
        *,
        statuses: Iterable[str] | None = None,
        asset: str | None = None,
        side: str | None = None,
    ) -> list[wire.Order]:
        """Every page of `list_orders`, `config.page_limit` orders per request.

        Stops at `totalPages`, at a short or empty page, or after `config.max_pages`; an
        order seen on two pages (the list moved while we read it) is kept once. Orders
        whose JSON is byte for byte that of the previous call's pages are not decoded or
        validated again: they come back as the very models of that call
        (`gui.venues.listing_cache`; one cache per `statuses`/`asset`/`side` filter).

        Raises:
            As `list_orders`.
        """
        wanted = None if statuses is None else list(statuses)
        limit = self._config.page_limit
        seen: dict[str, wire.Order] = {}
        listing = self._listing((tuple(wanted or ()), asset, side)).poll()
        for page_number in range(1, self._config.max_pages + 1):
            page = await self.list_orders(
                statuses=wanted,
                asset=asset,
                side=side,
                page=page_number,
                limit=limit,
                listing=listing,
            )
            for order in page.orders:
                seen.setdefault(order.order_id, order)
            pages = page.pagination.total_pages if page.pagination is not None else None
            if len(page.orders) < limit or (pages is not None and page_number >= pages):
                break
        listing.finish()
        return list(seen.values())

    def _listing(
        self, key: tuple[tuple[str, ...], str | None, str | None]
    ) -> ListingCache[wire.Order]:
        cache = self._listings.get(key)
        if cache is None:
            if len(self._listings) >= MAX_LISTINGS:
                self._listings.clear()
            # Bare pages, or in the general `{"data": ...}` envelope (`wire.unwrap`).
            cache = self._listings[key] = ListingCache(("orders",), ("data", "orders"))
        return cache

    async def get_order(self, order_id: str) -> wire.Order:
        """One order. `GET /api/sdk/orders/:orderId` (scope READ).

        Raises:
            VenueNotFound: Order not found (404).
        """
        path = f"{ORDERS}/{_id(order_id)}"
        return _parse(wire.Order, await self._send("GET", path), f"GET {path}")

    async def get_order_by_client_id(self, client_order_id: str) -> wire.Order | None:
        """The order with our id. `GET /api/sdk/orders/by-client-id?clientOrderId=...`.

        Returns:
            The Order object; None when the venue answers 2xx with no order (null, `{}`).

        Raises:
            VenueNotFound: No such order, if the venue answers 404 (the doc lists no errors
                here; notes §3.7.6).
        """
        if not client_order_id:
            raise ValueError("ZenOTC clientOrderId must be non-empty")
        path = f"{ORDERS}/by-client-id"
        response = await self._send("GET", path, query={"clientOrderId": client_order_id})
        try:
            body = wire.unwrap(wire.loads(response.content)) if response.content.strip() else None
        except ValueError:
            body = response.content  # not JSON: `_parse` below says so
        if body is None or body == {}:
            return None
        return _parse(wire.Order, response, f"GET {path}")

    async def amend_order(self, order_id: str, request: wire.AmendOrderRequest) -> wire.Order:
        """Change quantity (new total) and/or price; sent once. `PATCH
        /api/sdk/orders/:orderId` (scope TRADE).

        Returns:
            The updated Order object.

        Raises:
            ValueError: Neither quantity nor price (not sent).
            VenueRejected: Invalid parameters (400) or not amendable (409, filled/cancelled).
            VenueNotFound: Order not found (404).
        """
        body = request.body()
        if not body:
            raise ValueError("ZenOTC amend needs a quantity or a price")
        path = f"{ORDERS}/{_id(order_id)}"
        return _parse(wire.Order, await self._send("PATCH", path, body=body), f"PATCH {path}")

    async def cancel_order(self, order_id: str) -> wire.CancelResult:
        """Cancel one order; retried like a read. `DELETE /api/sdk/orders/:orderId` (scope
        TRADE).

        Returns:
            `{orderId, status, cancelledAt}`, not the full order.

        Raises:
            VenueNotFound: Unknown order, if the venue says 404 (notes §3.7.6).
            VenueRejected: Not cancellable, e.g. 409 for a terminal order (§3.7.6).
        """
        path = f"{ORDERS}/{_id(order_id)}"
        response = await self._send("DELETE", path, idempotent=True)
        return _parse(wire.CancelResult, response, f"DELETE {path}")

    async def get_order_fills(self, order_id: str) -> wire.FillList:
        """An order's fills (unpaginated). `GET /api/sdk/orders/:orderId/fills` (scope READ).

        Raises:
            VenueNotFound: Unknown order, if the venue says 404.
        """
        path = f"{ORDERS}/{_id(order_id)}/fills"
        return _parse(wire.FillList, await self._send("GET", path), f"GET {path}")

    async def create_orders(
        self, requests: Sequence[wire.CreateOrderRequest]
    ) -> wire.BatchCreateResult:
        """Create up to 100 orders in one request; sent once. `POST /api/sdk/orders/batch`.

        Returns:
            One result per request item: `success` with `orderId`, or `error` and `index`
            (0-based); a refused item does not fail the call (partial success).

        Raises:
            ValueError: No orders, or more than 100 (nothing was sent).
            VenueRejected: The whole batch was refused (HTTP 4xx).
            VenueUnavailable: HTTP 5xx: some orders may exist.
            VenueTransportError: No answer: some orders may exist.
        """
        if not 1 <= len(requests) <= MAX_BATCH_ORDERS:
            raise ValueError(
                f"ZenOTC takes 1-{MAX_BATCH_ORDERS} orders per batch, got {len(requests)}"
            )
        path = f"{ORDERS}/batch"
        body = {"orders": [request.body() for request in requests]}
        response = await self._send("POST", path, body=body)
        return _parse(wire.BatchCreateResult, response, f"POST {path}")

    async def cancel_all_orders(
        self, *, asset: str | None = None, side: str | None = None
    ) -> wire.CancelAllResult:
        """Cancel every open order, optionally of one asset and/or side; retried like a read.
        `DELETE /api/sdk/orders/batch` with a JSON body; no filter sends no body (`{}`
        signs as "", notes §3.7.3).

        Raises:
            VenueRejected: Invalid filter (HTTP 400).
        """
        path = f"{ORDERS}/batch"
        body = wire.CancelAllRequest(asset=asset, side=side).body()
        response = await self._send("DELETE", path, body=body, idempotent=True)
        return _parse(wire.CancelAllResult, response, f"DELETE {path}")

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self.http.aclose()

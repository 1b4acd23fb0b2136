"""The raw Anboto Trading API v2.0: one method per documented endpoint, wire models out.

Source: shared/venues/anboto/api-reference.md ("Rest API", seven endpoints), digested in
notes.md §1.3. Every request is signed over the exact bytes sent (`AnbotoAuth`), so this
client writes each body itself (compact JSON, `wire.dumps`) and sends it with `content=`,
and writes each query string itself, sorted by name ("assembled in alphabetical order",
later docs; notes §1.8.3).

Errors: the doc lists only "400 Bad request, invalid order data" with no body schema
(notes §1.6). `extract_message` reads an `{"errorCode", "message"}` body when there is one
(the `OrderSummary` spelling), else the text. On top of the status map of
`gui.venues.http`, an error body with `RATE_LIMIT_EXCEEDED`/`DDOS_PROTECTION` is a
`VenueRateLimited`, and one with an authentication code a `VenueAuthError`. A 2xx
`OrderSummary` with status `REJECTED` is returned as is: callers decide what it means.

Every request goes through the account's `VenueHttp` (`AnbotoConfig.rate_limit`, our own
figure: none is documented). Reads and cancels (`cancel`, `cancelMany`) are retried on
5xx/429/transport errors; creates are sent once. A refused timestamp re-syncs the clock
from the refusal's `Date` and is sent once more.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel

from gui.domain.errors import VenueAuthError, VenueError, VenueRateLimited
from gui.venues.anboto import wire
from gui.venues.anboto.auth import AnbotoAuth, AnbotoCredentials
from gui.venues.anboto.config import VENUE, AnbotoConfig, ArrayEncoding
from gui.venues.clock import epoch_ms
from gui.venues.http import (
    AccountLimiter,
    ClockOffset,
    RetryPolicy,
    VenueHttp,
    VenueMessage,
    build_async_client,
)
from gui.venues.listing_cache import ListingCache
from gui.venues.wire_types import parse_answer

_Model = TypeVar("_Model", bound=BaseModel)

ORDER = "/api/v2/trading/order"
"""Prefix of every endpoint."""

RATE_LIMIT_CODES = frozenset({"RATE_LIMIT_EXCEEDED", "DDOS_PROTECTION"})
"""`ErrorCode`s that mean "slow down" (reference doc "Schemas")."""

AUTH_CODES = frozenset(
    {"AUTHENTICATION_ERROR", "INVALID_SIGNATURE", "INVALID_API_KEY", "INVALID_TIMESTAMP"}
)
"""`ErrorCode`s that mean the credentials or the signature were refused (the reference
doc's `AUTHENTICATION_ERROR`, plus the example client's additions; notes §1.4)."""

_TAG = re.compile(r"<[^>]*>")
_MAX_TEXT = 300


def _plain(text: str) -> str:
    # An HTML error page (a proxy's 502) becomes its visible words, shortened.
    words = " ".join(_TAG.sub(" ", text).split())
    return words if len(words) <= _MAX_TEXT else words[: _MAX_TEXT - 1] + "…"


def _text(value: object) -> str:
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else json.dumps(value, default=str)


def extract_message(response: httpx.Response) -> VenueMessage:
    """The venue's words in an error body: `message` (or `error`, `msg`) and `errorCode`
    (or `code`) of a JSON object, else the body's text; "" when the body is empty (the
    doc's 400 has no body, notes §1.6)."""
    try:
        body = wire.loads(response.content)
    except ValueError:
        return VenueMessage(_plain(response.text))
    if not isinstance(body, dict):
        return VenueMessage(_plain(_text(body)))
    message = next((_text(body[key]) for key in ("message", "error", "msg") if body.get(key)), "")
    code = _text(body.get("errorCode") or body.get("code"))
    return VenueMessage(message or _plain(response.text), code)


def check_response(response: httpx.Response) -> VenueError | None:
    """The error an answer's `errorCode` stands for when the status alone would say less:
    a throttle code -> `VenueRateLimited`, an authentication code -> `VenueAuthError`.
    2xx answers are left to the caller (a 2xx `REJECTED` summary is a business answer)."""
    if response.is_success:
        return None
    said = extract_message(response)
    message = said.message or said.code or f"HTTP {response.status_code}"
    if said.code in RATE_LIMIT_CODES:
        return VenueRateLimited(VENUE, f"{said.code}: {message}", response.status_code)
    if said.code in AUTH_CODES and 400 <= response.status_code < 500:
        return VenueAuthError(VENUE, message, response.status_code, said.code)
    return None


TIMESTAMP_WORDS = ("timestamp", "recv window", "recv_window", "-ts ")
"""Words (lower case) of an authentication refusal that name the timestamp."""


def timestamp_rejected(error: VenueError) -> bool:
    """`gui.venues.http.TimestampRejected` for Anboto: the timestamp header was refused.

    The reference doc gives the recv window "to specify how long an HTTP request is valid"
    (notes §1.2) and one `AUTHENTICATION_ERROR` code; the example client adds
    `INVALID_TIMESTAMP` (notes §1.4). Either, when the words name the timestamp or the recv
    window, is a refusal before processing. `VenueHttp` also counts an authentication
    refusal whose `Date` shows our clock was off.
    """
    if not isinstance(error, VenueAuthError):
        return False
    if error.venue_code == "INVALID_TIMESTAMP":
        return True
    words = f"{error.venue_message.lower()} "
    return any(word in words for word in TIMESTAMP_WORDS)


def _parse(model: type[_Model], response: httpx.Response, what: str) -> _Model:
    return parse_answer(model, response, what, venue=VENUE)


def _order_id(order_id: str | int) -> int:
    text = str(order_id).strip()
    if not text.isascii() or not text.isdigit():
        raise ValueError(f"Anboto order ids are int64, got {order_id!r}")
    return int(text)


class AnbotoClient:
    """One Anboto API key's connection: the seven endpoints of the reference doc.

    Besides the errors each method lists, every method may raise `VenueAuthError` (HTTP
    401/403 or an authentication `errorCode`), `VenueRateLimited` (429 or a throttle code),
    `VenueUnavailable` (5xx; reads after retries) and `VenueTransportError` (no usable
    answer; for a write the outcome is then unknown).

    Args:
        config: Base URL, signing style, batch limit, throttle and retry limits.
        credentials: API key with HMAC secret or RSA key (never logged).
        transport: Replaces the network (tests pass `httpx.ASGITransport`).
        clock_ms: Local epoch-milliseconds clock; the timestamp header adds the account's
            clock offset to it (`clock`).
        sleep: Coroutine that waits between retries and out 429 holds (injectable).
        clock: The account's clock offset (None: one on `clock_ms`), fed by every answer's
            `Date` (the reference doc has no server-time endpoint).

    Raises:
        ValueError: The secret cannot be decoded as `config.secret_decoding` says.
    """

    def __init__(
        self,
        config: AnbotoConfig,
        credentials: AnbotoCredentials,
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
            auth=AnbotoAuth(credentials, config, clock=clock),
            timeout_s=config.timeout_s,
            transport=transport,
        )
        self._http = VenueHttp(
            VENUE,
            client,
            extract_message,
            retry=RetryPolicy.from_config(config),
            limiter=AccountLimiter.single(VENUE, config.rate_limit, sleep=sleep),
            sleep=sleep,
            check=check_response,
            clock=clock,
            timestamp_rejected=timestamp_rejected,
        )
        self.http = self._http
        # The open-order list, bare or as `{"responses": [...]}` (wire.OrderDetailsList).
        self._open = ListingCache[wire.OrderDetails]((), ("responses",))

    @property
    def batch_limit(self) -> int:
        """Most orders per createMany/cancelMany request (`AnbotoConfig.batch_limit`)."""
        return self._config.batch_limit

    async def _post(self, path: str, body: object, *, idempotent: bool = False) -> httpx.Response:
        content = wire.dumps(body).encode()
        headers = {"Content-Type": "application/json"}
        return await self._http.request(
            "POST", path, content=content, headers=headers, idempotent=idempotent
        )

    async def _get(self, path: str, query: Sequence[tuple[str, str]] = ()) -> httpx.Response:
        # Sorted by name (stable, so repeated names keep their order); the signature
        # covers this exact text (notes §1.8.3).
        safe = "," if self._config.array_encoding is ArrayEncoding.COMMA else ""
        items = sorted(query, key=lambda item: item[0])
        text = "&".join(f"{name}={quote(value, safe=safe)}" for name, value in items)
        return await self._http.request("GET", f"{path}?{text}" if text else path)

    def _check_batch(self, count: int, what: str) -> None:
        if not 1 <= count <= self._config.batch_limit:
            raise ValueError(
                f"Anboto {what} takes 1-{self._config.batch_limit} orders per request "
                f"(AnbotoConfig.batch_limit), got {count}"
            )

    async def create_order(self, request: wire.CreateParentOrderRequest) -> wire.OrderSummary:
        """Create one parent order; sent once, never retried. `POST
        /api/v2/trading/order/create` ("createOrder", 201).

        Returns:
            The `OrderSummary`; status `REJECTED` with `errorCode`/`message` when the venue
            refused it in a 2xx answer.

        Raises:
            VenueRejected: HTTP 400 "Bad request, invalid order data".
            VenueTransportError: No usable answer: the order may exist; look it up by its
                client order id (`get_order(client_order_id=...)`).
        """
        response = await self._post(f"{ORDER}/create", request.body())
        return _parse(wire.OrderSummary, response, f"POST {ORDER}/create")

    async def create_many(
        self, requests: Sequence[wire.CreateParentOrderRequest], *, all_or_none: bool
    ) -> wire.OrderSummaryList:
        """Create several unlinked parent orders; sent once. `POST
        /api/v2/trading/order/createMany` ("createBatchOrders", 201).

        Args:
            requests: 1 to `batch_limit` orders.
            all_or_none: The doc's required `allOrNone` (undocumented meaning; presumably
                every order is refused if one fails validation, notes §1.3 (4)).

        Returns:
            One `OrderSummary` per order in `responses` (a refusal is per item).

        Raises:
            ValueError: No orders, or more than `batch_limit` (nothing was sent).
            VenueRejected: HTTP 400.
        """
        self._check_batch(len(requests), "createMany")
        body = {"orders": [request.body() for request in requests], "allOrNone": all_or_none}
        response = await self._post(f"{ORDER}/createMany", body)
        return _parse(wire.OrderSummaryList, response, f"POST {ORDER}/createMany")

    async def cancel_order(
        self, *, order_id: str | int | None = None, client_order_id: str | None = None
    ) -> wire.OrderSummary:
        """Ask to cancel one parent order; retried like a read (a cancel is safe to repeat).
        `POST /api/v2/trading/order/cancel`
        ("cancelOrder"). Asynchronous: the order goes to `PENDING_CANCEL`, and
        `get_order` later shows `CANCELLED`.

        Args:
            order_id: The venue's int64 id (as int or digits).
            client_order_id: Our id; at least one of the two.

        Raises:
            ValueError: Neither id, or an order id that is not an integer (nothing sent).
            VenueRejected: HTTP 400 (e.g. an unknown or finished order).
        """
        request = wire.CancelParentOrderRequest(
            order_id=None if order_id is None else _order_id(order_id),
            client_order_id=client_order_id or None,
        )
        if request.order_id is None and request.client_order_id is None:
            raise ValueError("Anboto cancel needs an orderId or a clientOrderId")
        response = await self._post(f"{ORDER}/cancel", request.body(), idempotent=True)
        return _parse(wire.OrderSummary, response, f"POST {ORDER}/cancel")

    async def cancel_many(
        self, orders: Sequence[wire.CancelParentOrderRequest]
    ) -> list[wire.OrderSummary]:
        """Ask to cancel several parent orders; retried like a read. `POST
        /api/v2/trading/order/cancelMany` ("cancelMany").

        Returns:
            The summaries the venue sent: the doc says one `OrderSummary` for the whole
            batch, a batch API would send `{"responses": [...]}`; both are read, and an
            empty 2xx body is an empty list (notes §1.8.7).

        Raises:
            ValueError: No orders, more than `batch_limit`, or an item with neither id.
            VenueRejected: HTTP 400.
        """
        self._check_batch(len(orders), "cancelMany")
        if any(item.order_id is None and item.client_order_id is None for item in orders):
            raise ValueError("every Anboto cancelMany item needs an orderId or a clientOrderId")
        response = await self._post(
            f"{ORDER}/cancelMany", {"orders": [o.body() for o in orders]}, idempotent=True
        )
        if not response.content.strip():
            return []
        return _parse(wire.OrderSummaryList, response, f"POST {ORDER}/cancelMany").responses

    async def find(
        self, order_ids: Iterable[str | int] = (), client_order_ids: Iterable[str] = ()
    ) -> wire.OrderDetailsList:
        """Orders matching any of the ids. `GET /api/v2/trading/order/find` ("getOrders":
        "Both the orderIds and clientOrderIds parameters will be used in the lookup").

        Arrays go as `AnbotoConfig.array_encoding` says; an empty list is left out of the
        query (the doc marks both required, but either may be empty; notes §1.3 (5)).

        Raises:
            ValueError: No ids at all, or an order id that is not an integer.
        """
        ids = [str(_order_id(order_id)) for order_id in order_ids]
        client_ids = [client_id for client_id in client_order_ids if client_id]
        if not ids and not client_ids:
            raise ValueError("Anboto order/find needs at least one orderId or clientOrderId")
        query: list[tuple[str, str]] = []
        for name, values in (("orderIds", ids), ("clientOrderIds", client_ids)):
            if not values:
                continue
            if self._config.array_encoding is ArrayEncoding.COMMA:
                query.append((name, ",".join(values)))
            else:
                query.extend((name, value) for value in values)
        response = await self._get(f"{ORDER}/find", query)
        return _parse(wire.OrderDetailsList, response, f"GET {ORDER}/find")

    async def get_order(
        self, *, order_id: str | int | None = None, client_order_id: str | None = None
    ) -> wire.OrderDetails | None:
        """One order. `GET /api/v2/trading/order/id` ("getOrder": "Only one of orderId or
        clientOrderId should be provided").

        Returns:
            The `OrderDetails`; None when the venue answers 2xx with nothing (an empty
            body, `null`, `{}` or `{"responses": []}`; no 404 is documented, notes §1.8.9).

        Raises:
            ValueError: Not exactly one id, or an order id that is not an integer.
            VenueRejected: HTTP 400 (how the venue may say it has no such order).
        """
        if (order_id is None) == (not client_order_id):
            raise ValueError("Anboto order/id takes exactly one of orderId or clientOrderId")
        if order_id is not None:
            query = [("orderId", str(_order_id(order_id)))]
        else:
            assert client_order_id is not None
            query = [("clientOrderId", client_order_id)]
        path = f"{ORDER}/id"
        response = await self._get(path, query)
        try:
            body = wire.loads(response.content) if response.content.strip() else None
        except ValueError:
            body = "not JSON"  # `_parse` below says so
        if body is None or body == {}:
            return None
        if isinstance(body, dict) and isinstance(body.get("responses"), list):
            found = _parse(wire.OrderDetailsList, response, f"GET {path}").responses
            return found[0] if found else None
        return _parse(wire.OrderDetails, response, f"GET {path}")

    async def open_orders(self) -> wire.OrderDetailsList:
        """Every order not in a terminal state. `GET /api/v2/trading/order/open`
        ("getOpenOrders").

        Orders whose JSON is byte for byte that of the previous answer are not decoded or
        validated again: they come back as the very models of that answer
        (`gui.venues.listing_cache`)."""
        response = await self._get(f"{ORDER}/open")
        listing = self._open.poll()
        answer = parse_answer(
            wire.OrderDetailsList,
            response,
            f"GET {ORDER}/open",
            venue=VENUE,
            decode=listing.decode,
        )
        listing.learn([answer.responses])
        listing.finish()
        return answer

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

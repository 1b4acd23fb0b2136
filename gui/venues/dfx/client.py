"""The raw DFX Labs spot API: one method per endpoint, wire models out.

Sources: shared/venues/dfx/api-reference.md (six order endpoints), the external account
trades and symbols endpoints (notes §2.3). Encoding (notes §2.7(1)): GET and DELETE send
their parameters in the query string; POST sends a form-urlencoded body by default (the
venue's signing example), or JSON (`DfxConfig.body_encoding`, the reference doc's
examples). Parameters are written by `encoding` in name order; `DfxAuth` signs the
exact query and body bytes sent.

Every request goes through the account's `VenueHttp`: each endpoint draws on its own bucket
at `RATE_MARGIN` of the venue's documented rate (notes §2.5, `DfxConfig.limits`). Reads and
cancels (single and batch) are retried on transport errors, 5xx and 429; a create is sent
once: a 5xx means "the execution status is UNKNOWN" (notes §2.5). A refused
`EXCHANGE-API-TIMESTAMP` (401, notes §2.2/§2.5) re-syncs the clock from the refusal's
`Date` and is sent once more.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import httpx

from gui.domain.errors import VenueNotFound
from gui.venues.clock import ClockOffset, epoch_ms
from gui.venues.dfx import envelope, wire
from gui.venues.dfx.auth import DfxAuth, DfxCredentials
from gui.venues.dfx.config import (
    ACCOUNT_TRADES_PATH,
    BATCH_ORDER_PATH,
    FINISH_ORDER_PATH,
    MAX_BATCH_CANCEL,
    MAX_FINISH_LIMIT,
    MAX_OPEN_LIMIT,
    MAX_TRADES_LIMIT,
    OPEN_ORDER_PATH,
    ORDER_PATH,
    SYMBOLS_PATH,
    VENUE,
    DfxConfig,
)
from gui.venues.dfx.encoding import (
    Value,
    check_limit,
    encode_json,
    encode_pairs,
    epoch_ms_of,
    long_id,
    unreadable,
    validate,
    validate_list,
)
from gui.venues.http import AccountLimiter, RetryPolicy, VenueHttp, build_async_client
from gui.venues.limits import RATE_MARGIN
from gui.venues.listing_cache import ListingPoll

__all__ = ["RATE_MARGIN", "DfxClient"]


class DfxClient:
    """One DFX API key's connection for one sub-account (`config.account_id`).

    Besides the errors each method lists, every method may raise `VenueAuthError` (401,
    403), `VenueRejected` (412 or a non-"0" code), `VenueRateLimited` (429),
    `VenueUnavailable` (5xx; reads after retries; for a write the outcome is unknown) and
    `VenueTransportError` (no usable answer).

    Args:
        config: Base URL, account id, encoding, rates, retry limits.
        credentials: API key and Ed25519 private key (never logged).
        transport: Replaces the network (tests pass `httpx.ASGITransport`/`MockTransport`).
        clock_ms: Local epoch-milliseconds clock; `EXCHANGE-API-TIMESTAMP` adds the
            account's clock offset to it (`clock`).
        sleep: Coroutine that waits between retries and out 429 holds (injectable).
        clock: The account's clock offset (None: one on `clock_ms`), fed by every answer's
            `Date` (the venue has no server-time endpoint, notes §2.2).

    Attributes:
        http: The account's request door: its limiter (one bucket per endpoint at
            `RATE_MARGIN` of its documented rate, notes §2.5) and clock.
    """

    def __init__(
        self,
        config: DfxConfig,
        credentials: DfxCredentials,
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
            auth=DfxAuth(credentials, clock=clock),
            timeout_s=config.timeout_s,
            transport=transport,
        )
        self.http = VenueHttp(
            VENUE,
            client,
            envelope.extract_message,
            retry=RetryPolicy.from_config(config),
            limiter=AccountLimiter(VENUE, config.limits, sleep=sleep),
            sleep=sleep,
            check=envelope.check_response,
            clock=clock,
            timestamp_rejected=envelope.timestamp_rejected,
        )
        self._http = self.http

    @property
    def account_id(self) -> str:
        """The `accountId` every call sends."""
        return self._config.account_id

    async def _call(
        self,
        method: str,
        path: str,
        endpoint: str,
        params: Mapping[str, Value | None],
        *,
        idempotent: bool = False,
        decode: Callable[[bytes], Any] = wire.loads,
    ) -> tuple[wire.Envelope, int]:
        what = f"{method} {path}"
        target, content, headers = path, None, None
        if method == "POST":
            if self._config.body_encoding == "json":
                content = encode_json(params).encode()
                headers = {"Content-Type": "application/json"}
            else:
                content = encode_pairs(params).encode()
                headers = {"Content-Type": "application/x-www-form-urlencoded"}
        else:
            query = encode_pairs(params)
            target = f"{path}?{query}" if query else path
        response = await self._http.request(
            method, target, content=content, headers=headers, bucket=endpoint, idempotent=idempotent
        )
        parsed = envelope.read_envelope(response, decode)
        if parsed is None:
            raise unreadable(what, "not a DFX envelope", response.status_code)
        return parsed, response.status_code

    def _account(self) -> str:
        if not self._config.account_id:
            raise ValueError("DfxConfig.account_id is empty: every DFX order call needs one")
        return self._config.account_id

    # -- the six order endpoints -------------------------------------------------------------

    async def create_order(
        self,
        *,
        symbol: str,
        side: str,
        order_type: str,
        price: Decimal | None = None,
        quantity: Decimal | None = None,
        amount: Decimal | None = None,
        client_order_id: str | None = None,
    ) -> str:
        """Create an order; sent once. `POST /api/v1/spot/order` (doc §1).

        Args:
            symbol: `BTC-USDT`.
            side: `BUY` or `SELL`.
            order_type: `LIMIT` (needs `price` and `quantity`) or `MARKET` (needs `amount`).
            price: Limit price, quote per base.
            quantity: Base quantity.
            amount: Quote amount to spend or receive (MARKET).
            client_order_id: Our id (`clientOrderId`).

        Returns:
            The venue's `orderId` (the envelope's `data`, a string).

        Raises:
            ValueError: A LIMIT without price/quantity or a MARKET without amount (not sent).
            VenueUnavailable: 5xx: the order may exist; look it up by client order id.
            VenueTransportError: No usable answer: likewise.
        """
        kind = order_type.upper()
        if kind == "LIMIT" and (price is None or quantity is None):
            raise ValueError("a DFX LIMIT order needs price and quantity")
        if kind == "MARKET" and amount is None:
            raise ValueError("a DFX MARKET order needs amount (quote asset)")
        params: dict[str, Value | None] = {
            "symbol": symbol,
            "accountId": self._account(),
            "side": side.upper(),
            "type": kind,
            "price": price,
            "quantity": quantity,
            "amount": amount,
            "clientOrderId": client_order_id or None,
        }
        answer, status = await self._call("POST", ORDER_PATH, "create_order", params)
        try:
            order_id = wire.order_id_text(answer.data)
        except ValueError:
            order_id = None
        if not order_id:
            raise unreadable(f"POST {ORDER_PATH}", "no orderId in data", status)
        return order_id

    async def cancel_order(
        self, *, order_id: str | None = None, client_order_id: str | None = None
    ) -> str:
        """Cancel one order; retried like a read. `DELETE /api/v1/spot/order` (doc §2).

        Either id; with both, the venue ignores `clientOrderId`.

        Returns:
            The top-level `orderId` of the answer ("" when absent).

        Raises:
            ValueError: Neither id given (not sent).
            VenueNotFound: The venue says the order does not exist.
        """
        params = self._id_params(order_id, client_order_id)
        answer, _ = await self._call("DELETE", ORDER_PATH, "cancel_order", params, idempotent=True)
        return answer.order_id or ""

    async def batch_cancel(self, order_ids: Sequence[str]) -> wire.BatchCancelResult:
        """Cancel up to 5 orders by id; retried like a read.
        `DELETE /api/v1/spot/batch/order` with `orderIds` (doc §3).

        Returns:
            Ids the venue listed in `data[].orderId` as cancelled; every other id asked for
            in `failed`, with the venue's words for it when a failure entry gives them
            (notes §2.7(4)).

        Raises:
            ValueError: No ids, more than 5, or an id that is not digits (not sent).
        """
        ids = list(dict.fromkeys(long_id("orderId", order_id) for order_id in order_ids))
        if not 1 <= len(ids) <= MAX_BATCH_CANCEL:
            raise ValueError(f"DFX batch cancel takes 1-{MAX_BATCH_CANCEL} ids, got {len(ids)}")
        params: dict[str, Value | None] = {"accountId": self._account(), "orderIds": ",".join(ids)}
        items = await self._batch(params)
        cancelled: list[str] = []
        reasons: dict[str, str] = {}
        for item in items:
            ok = (item.code or wire.SUCCESS_CODE) == wire.SUCCESS_CODE
            for order_id in item.order_ids():
                if ok:
                    cancelled.append(order_id)
                else:
                    reasons[order_id] = item.msg or f"code {item.code}"
        failed = {
            order_id: reasons.get(order_id, "not listed as cancelled")
            for order_id in ids
            if order_id not in cancelled
        }
        return wire.BatchCancelResult(cancelled=tuple(cancelled), failed=failed)

    async def cancel_symbol(self, symbol: str) -> wire.BatchCancelResult:
        """Cancel every order of one symbol; retried like a read.
        `DELETE /api/v1/spot/batch/order` with `symbol` (doc §3).

        Returns:
            The ids the venue listed as cancelled (`failed` is empty: no ids were asked).
        """
        if not symbol:
            raise ValueError("DFX cancel by symbol needs a symbol")
        items = await self._batch({"accountId": self._account(), "symbol": symbol})
        ok = [i for i in items if (i.code or wire.SUCCESS_CODE) == wire.SUCCESS_CODE]
        return wire.BatchCancelResult(cancelled=tuple(x for i in ok for x in i.order_ids()))

    async def _batch(self, params: Mapping[str, Value | None]) -> list[wire.BatchCancelItem]:
        answer, status = await self._call(
            "DELETE", BATCH_ORDER_PATH, "batch_cancel", params, idempotent=True
        )
        data = answer.data
        if isinstance(data, dict):
            data = [data]
        return validate_list(wire.BatchCancelItem, data, f"DELETE {BATCH_ORDER_PATH}", status)

    async def get_order(
        self, *, order_id: str | None = None, client_order_id: str | None = None
    ) -> wire.DfxOrder:
        """One order. `GET /api/v1/spot/order` (doc §4); either id, `orderId` wins.

        Raises:
            ValueError: Neither id given (not sent).
            VenueNotFound: The venue says no such order, or answers success with no data.
        """
        params = self._id_params(order_id, client_order_id)
        answer, status = await self._call("GET", ORDER_PATH, "get_order", params)
        if not answer.data:
            wanted = order_id or client_order_id
            raise VenueNotFound(VENUE, f"no order {wanted} in the answer", status)
        return validate(wire.DfxOrder, answer.data, f"GET {ORDER_PATH}", status)

    async def finish_orders(
        self,
        *,
        symbol: str | None = None,
        order_id: str | None = None,
        limit: int | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> list[wire.DfxOrder]:
        """Completed orders. `GET /api/v1/spot/finish_order` (doc §5); no cursor.

        Args:
            symbol: One symbol, or all.
            order_id: Filter by order id (exact match or cursor: unspecified, §2.7(5)).
            limit: 1-500 (venue default 10).
            start: Earliest order creation time (aware), sent as ms.
            end: Latest order creation time (aware), sent as ms.
        """
        params: dict[str, Value | None] = {
            "accountId": self._account(),
            "symbol": symbol,
            "orderId": None if order_id is None else long_id("orderId", order_id),
            "limit": check_limit(limit, MAX_FINISH_LIMIT),
            "startTime": epoch_ms_of(start),
            "endTime": epoch_ms_of(end),
        }
        answer, status = await self._call("GET", FINISH_ORDER_PATH, "finish_orders", params)
        return validate_list(wire.DfxOrder, answer.data, f"GET {FINISH_ORDER_PATH}", status)

    async def open_orders(
        self,
        *,
        symbol: str | None = None,
        order_id: str | None = None,
        limit: int | None = None,
        listing: ListingPoll[wire.DfxOrder] | None = None,
    ) -> list[wire.DfxOrder]:
        """Unfinished orders. `GET /api/v1/spot/open_order` (doc §6); `limit` 1-100, no
        cursor. With `listing`, read incrementally: orders whose JSON it remembers come back
        as their remembered models (`gui.venues.listing_cache`); it learns the others."""
        params: dict[str, Value | None] = {
            "accountId": self._account(),
            "symbol": symbol,
            "orderId": None if order_id is None else long_id("orderId", order_id),
            "limit": check_limit(limit, MAX_OPEN_LIMIT),
        }
        if listing is None:
            answer, status = await self._call("GET", OPEN_ORDER_PATH, "open_orders", params)
            return validate_list(wire.DfxOrder, answer.data, f"GET {OPEN_ORDER_PATH}", status)
        answer, status = await self._call(
            "GET", OPEN_ORDER_PATH, "open_orders", params, decode=listing.decode
        )
        orders = validate_list(wire.DfxOrder, answer.data, f"GET {OPEN_ORDER_PATH}", status)
        listing.learn([orders])
        return orders

    # -- outside the reference doc ------------------------------------------------------------

    async def account_trades(
        self,
        *,
        order_id: str | None = None,
        symbol: str | None = None,
        from_id: str | None = None,
        limit: int | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> list[wire.DfxTrade]:
        """The account's fills, newest first. `GET /api/v1/account/trades` (external
        "Account Endpoints", notes §2.3); `limit` 1-100 (venue default 10).

        Raises:
            VenueAuthError/VenueNotFound: The account may not read trades (403/401/404).
        """
        params: dict[str, Value | None] = {
            "accountId": self._account(),
            "orderId": None if order_id is None else long_id("orderId", order_id),
            "symbol": symbol,
            "fromId": None if from_id is None else long_id("fromId", from_id),
            "limit": check_limit(limit, MAX_TRADES_LIMIT),
            "startTime": epoch_ms_of(start),
            "endTime": epoch_ms_of(end),
        }
        answer, status = await self._call("GET", ACCOUNT_TRADES_PATH, "account_trades", params)
        return validate_list(wire.DfxTrade, answer.data, f"GET {ACCOUNT_TRADES_PATH}", status)

    async def symbols(self, *, symbol: str | None = None) -> list[wire.DfxSymbol]:
        """Symbol rules. `GET /api/v1/symbols?clientType=` (external "Market Endpoints";
        MARKET_DATA: timestamp header only)."""
        params: dict[str, Value | None] = {
            "clientType": self._config.client_type or None,
            "symbol": symbol,
        }
        answer, status = await self._call("GET", SYMBOLS_PATH, "symbols", params)
        return validate_list(wire.DfxSymbol, answer.data, f"GET {SYMBOLS_PATH}", status)

    def _id_params(
        self, order_id: str | None, client_order_id: str | None
    ) -> dict[str, Value | None]:
        if not order_id and not client_order_id:
            raise ValueError("DFX needs an orderId or a clientOrderId")
        return {
            "accountId": self._account(),
            "orderId": long_id("orderId", order_id) if order_id else None,
            "clientOrderId": None if order_id else client_order_id,
        }

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

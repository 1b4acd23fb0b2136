"""The read half of the raw KuCoin Futures client: order lists, single orders, fills.

Mixed into `KucoinFuturesClient` (client.py) to keep both files readable; the same rules
apply: one method per endpoint (doc opId010-017), wire models out, reads retried. Errors as
`KucoinTransport.call` documents.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar
from urllib.parse import quote

from pydantic import TypeAdapter

from gui.domain.errors import VenueNotFound
from gui.venues.kucoin_futures import wire
from gui.venues.kucoin_futures.config import VENUE
from gui.venues.kucoin_futures.transport import KucoinTransport, parse_data
from gui.venues.listing_cache import ListingPoll
from gui.venues.wire_types import loads

_ORDER = TypeAdapter(wire.Order)
_ORDERS = TypeAdapter(list[wire.Order])
_ORDER_PAGE = TypeAdapter(wire.Page[wire.Order])
_FILLS = TypeAdapter(list[wire.Fill])
_FILL_PAGE = TypeAdapter(wire.Page[wire.Fill])
_STATISTICS = TypeAdapter(wire.OpenOrderStatistics)

_T = TypeVar("_T")


def quote_id(value: str) -> str:
    """An order id or clientOid for a path segment.

    Raises:
        ValueError: The id is empty (the path would name another endpoint).
    """
    if not value:
        raise ValueError("an order id or clientOid must not be empty")
    return quote(value, safe="")


def query(**values: str | int | None) -> dict[str, str]:
    """Ordered query parameters in venue spelling, unset ones left out."""
    return {name: str(value) for name, value in values.items() if value is not None}


class OrderReads:
    """The read endpoints; needs `_transport`."""

    _transport: KucoinTransport

    async def _get(
        self,
        adapter: TypeAdapter[_T],
        path: str,
        endpoint: str,
        params: dict[str, str],
        empty: object,
        *,
        for_cancel: bool = False,
        listing: ListingPoll[wire.Order] | None = None,
    ) -> _T:
        """`GET path` and validate its `data`, reading `data: null` as `empty` (`{}` or `[]`);
        `for_cancel`: the read is part of a cancel, and is retried like one; `listing`: the
        answer is a page of orders read incrementally (`gui.venues.listing_cache`)."""
        data = await self._transport.call(
            "GET",
            path,
            endpoint=endpoint,
            params=params,
            idempotent=for_cancel,
            decode=loads if listing is None else listing.decode,
        )
        parsed = parse_data(adapter, data or empty, f"GET {path}")
        if listing is not None and isinstance(parsed, wire.Page):
            listing.learn([parsed.items])
        return parsed

    # -- order reads ----------------------------------------------------------------------

    async def order_list(
        self,
        status: str,
        *,
        symbol: str | None = None,
        side: str | None = None,
        order_type: str | None = None,
        start_at_ms: int | None = None,
        end_at_ms: int | None = None,
        current_page: int | None = None,
        page_size: int | None = None,
        for_cancel: bool = False,
        listing: ListingPoll[wire.Order] | None = None,
    ) -> wire.Page[wire.Order]:
        """One page of orders. `GET /api/v1/orders` (opId012, weight 2).

        Args:
            status: `active` or `done`; always sent, the venue's default is `done` (§6.6).
            symbol: Contract filter.
            side: `buy` or `sell`.
            order_type: `limit`, `market`, `limit_stop`, `market_stop`, `oco_limit`, `oco_stop`.
            start_at_ms: Created at or after, epoch ms.
            end_at_ms: Created before, epoch ms.
            current_page: 1-based page.
            page_size: 1 to 1000 (venue default 50).
            for_cancel: The listing is part of a cancel-all: retried like a cancel (told
                to wait by a 429, it waits as long as the venue asks).
            listing: Reads the page incrementally: orders whose JSON it remembers come
                back as their remembered models (`gui.venues.listing_cache`).

        Raises:
            ValueError: `status` is neither `active` nor `done`.
        """
        if status not in ("active", "done"):
            raise ValueError(f"order list status must be 'active' or 'done', got {status!r}")
        params = query(
            status=status,
            symbol=symbol,
            side=side,
            type=order_type,
            startAt=start_at_ms,
            endAt=end_at_ms,
            currentPage=current_page,
            pageSize=page_size,
        )
        return await self._get(
            _ORDER_PAGE,
            "/api/v1/orders",
            "order_list",
            params,
            {},
            for_cancel=for_cancel,
            listing=listing,
        )

    async def stop_order_list(
        self,
        *,
        symbol: str | None = None,
        side: str | None = None,
        order_type: str | None = None,
        start_at_ms: int | None = None,
        end_at_ms: int | None = None,
        current_page: int | None = None,
        page_size: int | None = None,
        listing: ListingPoll[wire.Order] | None = None,
    ) -> wire.Page[wire.Order]:
        """One page of untriggered stop orders. `GET /api/v1/stopOrders` (opId014, weight 6).

        Args:
            symbol: Contract filter.
            side: `buy` or `sell`.
            order_type: `limit` or `market`.
            start_at_ms: Epoch ms.
            end_at_ms: Epoch ms.
            current_page: 1-based page.
            page_size: 1 to 1000.
            listing: As for `order_list`.
        """
        params = query(
            symbol=symbol,
            side=side,
            type=order_type,
            startAt=start_at_ms,
            endAt=end_at_ms,
            currentPage=current_page,
            pageSize=page_size,
        )
        return await self._get(
            _ORDER_PAGE, "/api/v1/stopOrders", "stop_order_list", params, {}, listing=listing
        )

    async def order(self, order_id: str) -> wire.Order:
        """One order, stop orders included. `GET /api/v1/orders/{order-id}` (opId010, weight 5).

        Raises:
            VenueNotFound: The venue has no such order (`100004`/`404000`, or `data: null`).
        """
        path = f"/api/v1/orders/{quote_id(order_id)}"
        data = await self._transport.call("GET", path, endpoint="order")
        if data is None:
            raise VenueNotFound(VENUE, f"no order {order_id}", 200)
        return parse_data(_ORDER, data, f"GET {path}")

    async def order_by_client_oid(self, client_oid: str) -> wire.Order | None:
        """The newest order with our id, stop orders included; None when the venue answers
        `data: null`. `GET /api/v1/orders/byClientOid?clientOid=` (opId011, weight 5)."""
        data = await self._transport.call(
            "GET",
            "/api/v1/orders/byClientOid",
            endpoint="order_by_client_oid",
            params=query(clientOid=client_oid),
        )
        if data is None:
            return None
        return parse_data(_ORDER, data, "GET /api/v1/orders/byClientOid")

    async def recent_closed_orders(self, symbol: str | None = None) -> list[wire.Order]:
        """Up to 1000 orders closed in the last 24 h, newest first, unpaged.
        `GET /api/v1/recentDoneOrders` (opId013, weight 5)."""
        params = query(symbol=symbol)
        return await self._get(
            _ORDERS, "/api/v1/recentDoneOrders", "recent_closed_orders", params, []
        )

    async def open_order_statistics(self, symbol: str) -> wire.OpenOrderStatistics:
        """Unfilled lots and value of the active orders of one contract.
        `GET /api/v1/openOrderStatistics?symbol=` (opId015, weight 10)."""
        params = query(symbol=symbol)
        return await self._get(
            _STATISTICS, "/api/v1/openOrderStatistics", "open_order_statistics", params, {}
        )

    # -- fills ----------------------------------------------------------------------------

    async def recent_fills(self, symbol: str | None = None) -> list[wire.Fill]:
        """Up to 1000 fills of the last 24 h, newest first, unpaged.
        `GET /api/v1/recentFills` (opId016)."""
        params = query(symbol=symbol)
        return await self._get(_FILLS, "/api/v1/recentFills", "recent_fills", params, [])

    async def fills(
        self,
        *,
        order_id: str | None = None,
        symbol: str | None = None,
        side: str | None = None,
        order_type: str | None = None,
        trade_types: Sequence[str] | None = None,
        start_at_ms: int | None = None,
        end_at_ms: int | None = None,
        current_page: int | None = None,
        page_size: int | None = None,
    ) -> wire.Page[wire.Fill]:
        """One page of fills (kept 3 months; at most 7 days per query, notes §2.2(18)).
        `GET /api/v1/fills` (opId017, weight 5).

        Args:
            order_id: Only this order's fills ("other parameters can be ignored").
            symbol: Contract filter.
            side: `buy` or `sell`.
            order_type: `limit`, `market`, `limit_stop`, `market_stop`.
            trade_types: Any of `trade`, `adl`, `liquid`, `settlement` (all when None).
            start_at_ms: Epoch ms.
            end_at_ms: Epoch ms.
            current_page: 1-based page.
            page_size: 1 to 1000.
        """
        params = query(
            orderId=order_id,
            symbol=symbol,
            side=side,
            type=order_type,
            tradeTypes=None if trade_types is None else ",".join(trade_types),
            startAt=start_at_ms,
            endAt=end_at_ms,
            currentPage=current_page,
            pageSize=page_size,
        )
        return await self._get(_FILL_PAGE, "/api/v1/fills", "fills", params, {})

"""The raw KuCoin Futures order API: one method per endpoint, wire models out.

Source: shared/venues/kucoin-futures/api-reference.md (18 operations, opId001-018), digested
in notes.md §2; plus the public server time and contract table the notes add (§3, §7).
All 18 document endpoints are private and signed (notes §1.1, §6.1). Methods are named after
the document's headings; arguments are snake_case and camelCase stays in `wire*`/here.

Every method raises, as `KucoinTransport.call` documents: `VenueAuthError` (4000xx),
`VenueNotFound` (404000, 100004), `VenueRateLimited` (429000), `VenueRejected` (other codes),
`VenueUnavailable` (500000, 5xx), `VenueTransportError` (no usable answer). Reads and the
five cancel endpoints are retried; other writes are sent once (one re-send after a clock
re-sync on 400002, see `transport`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence

import httpx
from pydantic import TypeAdapter

from gui.venues.http import VenueHttp
from gui.venues.kucoin_futures import wire
from gui.venues.kucoin_futures.auth import KucoinAuth
from gui.venues.kucoin_futures.client_reads import OrderReads, query, quote_id
from gui.venues.kucoin_futures.config import (
    MAX_BATCH_ADD,
    MAX_BATCH_CANCEL,
    KucoinFuturesConfig,
)
from gui.venues.kucoin_futures.transport import (
    ACTIVE_CONTRACTS_PATH,
    PUBLIC_PATHS,
    SERVER_TIME_PATH,
    KucoinTransport,
    RateLimitState,
    parse_data,
)
from gui.venues.kucoin_futures.wire_requests import ClientOidRef, OrderRequest, TpSlOrderRequest

_ACK = TypeAdapter(wire.OrderAck)
_BATCH_ACKS = TypeAdapter(list[wire.BatchOrderAck])
_CANCELLED = TypeAdapter(wire.CancelledOrderIds)
_CANCELLED_OID = TypeAdapter(wire.CancelledClientOid)
_BATCH_CANCELS = TypeAdapter(list[wire.BatchCancelResult])
_CONTRACTS = TypeAdapter(list[wire.Contract])
_SERVER_TIME = TypeAdapter(int)


class KucoinFuturesClient(OrderReads):
    """One KuCoin Futures API key's raw endpoints.

    Args:
        config: Host, timeouts, rate-limit pool and retry limits.
        auth: The key's signer (see `KucoinAuth`; build one with `public_paths=PUBLIC_PATHS`,
            or let `from_credentials` do it).
        transport: Replaces the network (tests pass `httpx.MockTransport`/`ASGITransport`).
        sleep: Coroutine that waits between read retries, in seconds (injectable for tests).
    """

    def __init__(
        self,
        config: KucoinFuturesConfig,
        auth: KucoinAuth,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._transport = KucoinTransport(config, auth, transport=transport, sleep=sleep)

    @classmethod
    def from_credentials(
        cls,
        config: KucoinFuturesConfig,
        api_key: str,
        api_secret: str,
        api_passphrase: str,
        key_version: str = "2",
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> KucoinFuturesClient:
        """A client signing with these credentials (public endpoints unsigned)."""
        auth = KucoinAuth(
            api_key, api_secret, api_passphrase, key_version, public_paths=PUBLIC_PATHS
        )
        return cls(config, auth, transport=transport, sleep=sleep)

    @property
    def http(self) -> VenueHttp:
        """The account's request door: its limiter (`KucoinFuturesConfig.rate_limit`) and
        clock (shared with the signer)."""
        return self._transport.http

    @property
    def rate_limit(self) -> RateLimitState | None:
        """The last `gw-ratelimit-*` headers seen (notes §1.6)."""
        return self._transport.rate_limit

    # -- public ---------------------------------------------------------------------------

    async def server_time(self) -> int:
        """Server time, epoch ms. `GET /api/v1/timestamp` (public, unsigned)."""
        data = await self._transport.call("GET", SERVER_TIME_PATH, endpoint="server_time")
        return parse_data(_SERVER_TIME, data, f"GET {SERVER_TIME_PATH}")

    async def sync_clock(self) -> int:
        """Re-sync the signing clock from `server_time`; returns the offset in ms."""
        return await self._transport.sync_clock()

    async def active_contracts(self) -> list[wire.Contract]:
        """Every trading contract with multiplier, lot and tick sizes, max leverage.
        `GET /api/v1/contracts/active` (public, unsigned; notes §3)."""
        data = await self._transport.call("GET", ACTIVE_CONTRACTS_PATH, endpoint="active_contracts")
        return parse_data(_CONTRACTS, data or [], f"GET {ACTIVE_CONTRACTS_PATH}")

    # -- order entry ----------------------------------------------------------------------

    async def add_order(self, order: OrderRequest) -> wire.OrderAck:
        """Place one order, sent once. `POST /api/v1/orders` (opId001, weight 2).

        Args:
            order: The body; `size` in lots, prices as decimals.

        Returns:
            `orderId` and the echoed `clientOid`; the order's state needs a read.

        Raises:
            VenueRejected: Invalid parameters (`100001`, `400100`), balance (`300003`)...
            VenueTransportError: No usable answer: look the order up by clientOid.
        """
        data = await self._transport.call(
            "POST", "/api/v1/orders", endpoint="add_order", body=order.body()
        )
        return parse_data(_ACK, data, "POST /api/v1/orders")

    async def add_order_test(self, order: OrderRequest) -> wire.OrderAck:
        """Validate an order without placing it. `POST /api/v1/orders/test` (opId002)."""
        data = await self._transport.call(
            "POST", "/api/v1/orders/test", endpoint="add_order_test", body=order.body()
        )
        return parse_data(_ACK, data, "POST /api/v1/orders/test")

    async def batch_add_orders(self, orders: Sequence[OrderRequest]) -> list[wire.BatchOrderAck]:
        """Place up to 20 orders; items succeed or fail independently.
        `POST /api/v1/orders/multi` (opId003, weight 20), a bare JSON array (notes §6.9).

        Returns:
            One item per order, in order; `code != "200000"` marks a failed item.

        Raises:
            ValueError: No orders, or more than 20 (nothing is sent).
        """
        if not 1 <= len(orders) <= MAX_BATCH_ADD:
            raise ValueError(
                f"Batch Add Orders takes 1 to {MAX_BATCH_ADD} orders, got {len(orders)}"
            )
        body = wire.dumps([order.payload() for order in orders])
        data = await self._transport.call(
            "POST", "/api/v1/orders/multi", endpoint="batch_add_orders", body=body
        )
        return parse_data(_BATCH_ACKS, data or [], "POST /api/v1/orders/multi")

    async def add_tpsl_order(self, order: TpSlOrderRequest) -> wire.OrderAck:
        """Place an order with take-profit and stop-loss triggers.
        `POST /api/v1/st-orders` (opId004, weight 2)."""
        data = await self._transport.call(
            "POST", "/api/v1/st-orders", endpoint="add_tpsl_order", body=order.body()
        )
        return parse_data(_ACK, data, "POST /api/v1/st-orders")

    # -- cancels --------------------------------------------------------------------------

    async def cancel_order(self, order_id: str) -> wire.CancelledOrderIds:
        """Cancel one order (also an untriggered stop, notes §6.13).
        `DELETE /api/v1/orders/{orderId}` (opId005, weight 1).

        Raises:
            VenueNotFound: `100004`: unknown or no longer cancelable (notes §6.11).
        """
        path = f"/api/v1/orders/{quote_id(order_id)}"
        data = await self._transport.call("DELETE", path, endpoint="cancel_order", idempotent=True)
        return parse_data(_CANCELLED, data or {}, f"DELETE {path}")

    async def cancel_order_by_client_oid(
        self, client_oid: str, symbol: str
    ) -> wire.CancelledClientOid:
        """Cancel one order by our id. `DELETE /api/v1/orders/client-order/{clientOid}
        ?symbol=` (opId006, weight 1); `symbol` is required.

        Raises:
            VenueNotFound: `100004` (also for a wrong symbol, notes §6.11).
        """
        path = f"/api/v1/orders/client-order/{quote_id(client_oid)}"
        data = await self._transport.call(
            "DELETE",
            path,
            endpoint="cancel_order_by_client_oid",
            params=query(symbol=symbol),
            idempotent=True,
        )
        return parse_data(_CANCELLED_OID, data or {}, f"DELETE {path}")

    async def batch_cancel_orders(
        self,
        order_ids: Sequence[str] | None = None,
        client_oids: Sequence[ClientOidRef] | None = None,
    ) -> list[wire.BatchCancelResult]:
        """Cancel up to 10 orders by venue ids or by (symbol, clientOid); not stop orders.
        `DELETE /api/v1/orders/multi-cancel` (opId007, weight 20), with a JSON body on the
        DELETE that is signed like any body (notes §1.2).

        Args:
            order_ids: Venue order ids (`orderIdsList`).
            client_oids: Our ids with their symbols (`clientOidsList`).

        Returns:
            One item per order; success is code `"200"`.

        Raises:
            ValueError: Neither or both lists, an empty list, or more than 10 (nothing is
                sent; notes §6.10: the venue would let `orderIdsList` win silently).
        """
        if (order_ids is None) == (client_oids is None):
            raise ValueError("Batch Cancel Orders takes order_ids or client_oids, not both")
        items = order_ids if order_ids is not None else client_oids
        assert items is not None
        if not 1 <= len(items) <= MAX_BATCH_CANCEL:
            raise ValueError(
                f"Batch Cancel Orders takes 1 to {MAX_BATCH_CANCEL} orders, got {len(items)}"
            )
        if order_ids is not None:
            body = wire.dumps({"orderIdsList": list(order_ids)})
        else:
            assert client_oids is not None
            body = wire.dumps({"clientOidsList": [ref.payload() for ref in client_oids]})
        data = await self._transport.call(
            "DELETE",
            "/api/v1/orders/multi-cancel",
            endpoint="batch_cancel_orders",
            body=body,
            idempotent=True,
        )
        return parse_data(_BATCH_CANCELS, data or [], "DELETE /api/v1/orders/multi-cancel")

    async def cancel_all_orders(self, symbol: str) -> wire.CancelledOrderIds:
        """Cancel every active non-stop order of one contract (triggered stops included).
        `DELETE /api/v3/orders?symbol=` (opId008, weight 10; preferred, notes §6.12)."""
        data = await self._transport.call(
            "DELETE",
            "/api/v3/orders",
            endpoint="cancel_all_orders_v3",
            params=query(symbol=symbol),
            idempotent=True,
        )
        return parse_data(_CANCELLED, data or {}, "DELETE /api/v3/orders")

    async def cancel_all_orders_v1(self, symbol: str | None = None) -> wire.CancelledOrderIds:
        """Cancel every active non-stop order, of all contracts when `symbol` is None.
        `DELETE /api/v1/orders` (opId018, weight 800, deprecated in the SDK)."""
        data = await self._transport.call(
            "DELETE",
            "/api/v1/orders",
            endpoint="cancel_all_orders_v1",
            params=query(symbol=symbol),
            idempotent=True,
        )
        return parse_data(_CANCELLED, data or {}, "DELETE /api/v1/orders")

    async def cancel_all_stop_orders(self, symbol: str | None = None) -> wire.CancelledOrderIds:
        """Cancel every untriggered stop order (of one contract, or all).
        `DELETE /api/v1/stopOrders` (opId009, weight 15)."""
        data = await self._transport.call(
            "DELETE",
            "/api/v1/stopOrders",
            endpoint="cancel_all_stop_orders",
            params=query(symbol=symbol),
            idempotent=True,
        )
        return parse_data(_CANCELLED, data or {}, "DELETE /api/v1/stopOrders")

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._transport.aclose()

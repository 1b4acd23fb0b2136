"""The ZenOTC Orders API endpoints over the shared `SandboxEngine`.

One method per endpoint of shared/venues/zenotc/api-reference.md (notes.md §3.3). Responses
are bare objects (decision 4), numbers exact (`ZenotcJSONResponse`); gaps follow the numbered
decisions of notes.md §3.7, and the rules of ours are named where they apply.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from decimal import Decimal

from starlette.requests import Request
from starlette.responses import Response

from gui.domain.orders import Amendment, Side, Strategy
from gui.sandbox.engine import OrderRefused, OrderRequest, SandboxEngine, SimOrder
from gui.sandbox.exact_json import number_text
from gui.sandbox.zenotc_requests import (
    ApiError,
    CreateOrder,
    bad_request,
    parse_amend,
    parse_cancel_all,
    parse_create,
    parse_json_body,
    parse_list_query,
)
from gui.sandbox.zenotc_wire import (
    OPEN_STATUSES,
    ZenOrderInfo,
    ZenotcJSONResponse,
    fill_item,
    iso_ms,
    list_item,
    new_order_id,
    order_object,
    pair_of,
    status_of,
)

MAX_ORDER_NOTIONAL_USD = Decimal(10_000_000)
"""Risk limit per order, USD: above it create and amend answer 422 "Risk check failed" (our
cap: the doc names the check, not its limits). A market order is valued at the touch."""
MAX_BATCH_ORDERS = 100
"""Most orders of one batch create ("up to 100 orders")."""

Endpoint = Callable[[Request], Awaitable[Response]]


class ZenotcEmulator:
    """The venue's order book of record: ZenOTC ids and fields beside the engine's orders.

    Attributes:
        engine: The simulated market and execution engine (may be shared with other venues).
    """

    def __init__(self, engine: SandboxEngine) -> None:
        """Start with no orders.

        Args:
            engine: Works the orders; other venues' orders in it are not listed here.
        """
        self.engine = engine
        self._by_id: dict[str, ZenOrderInfo] = {}
        self._by_engine_id: dict[str, ZenOrderInfo] = {}

    def endpoints(self) -> list[tuple[str, str, Endpoint, str]]:
        """(path, method, endpoint, required scope), literal segments before `{order_id}`."""
        return [
            ("/api/sdk/orders", "POST", self.create_order, "TRADE"),
            ("/api/sdk/orders", "GET", self.list_orders, "READ"),
            ("/api/sdk/orders/batch", "POST", self.create_batch, "TRADE"),
            ("/api/sdk/orders/batch", "DELETE", self.cancel_all, "TRADE"),
            ("/api/sdk/orders/by-client-id", "GET", self.get_by_client_id, "READ"),
            ("/api/sdk/orders/{order_id}/fills", "GET", self.get_fills, "READ"),
            ("/api/sdk/orders/{order_id}", "GET", self.get_order, "READ"),
            ("/api/sdk/orders/{order_id}", "PATCH", self.amend_order, "TRADE"),
            ("/api/sdk/orders/{order_id}", "DELETE", self.cancel_order, "TRADE"),
        ]

    # Endpoints -------------------------------------------------------------------------------

    async def create_order(self, request: Request) -> Response:
        """`POST /api/sdk/orders`: 201 with the Order object, without `metadata` (the doc's
        example); 400 invalid, 409 duplicate `clientOrderId` among open orders (decision 11),
        422 over the risk limit."""
        create = parse_create(parse_json_body(await request.body()))
        info, order = self._place(create)
        return ZenotcJSONResponse(order_object(info, order, with_metadata=False), 201)

    async def list_orders(self, request: Request) -> Response:
        """`GET /api/sdk/orders`: list items newest first (decision 9) and `pagination`."""
        query = parse_list_query(request.query_params)
        selected = [
            (info, order)
            for info, order in self._newest_first()
            if (not query.statuses or status_of(info, order) in query.statuses)
            and (query.asset is None or info.asset == query.asset)
            and (query.side is None or order.side is query.side)
        ]
        start = (query.page - 1) * query.limit
        page = selected[start : start + query.limit]
        return ZenotcJSONResponse(
            {
                "orders": [list_item(info, order) for info, order in page],
                "pagination": {
                    "page": query.page,
                    "limit": query.limit,
                    "total": len(selected),
                    "totalPages": math.ceil(len(selected) / query.limit),
                },
            }
        )

    async def get_order(self, request: Request) -> Response:
        """`GET /api/sdk/orders/:orderId`: the Order object; 404 unknown."""
        info, order = self._find(request.path_params["order_id"])
        return ZenotcJSONResponse(order_object(info, order, with_metadata=True))

    async def get_by_client_id(self, request: Request) -> Response:
        """`GET /api/sdk/orders/by-client-id?clientOrderId=`: the newest order with that id;
        400 without the parameter, 404 when none (decision 6)."""
        client_order_id = request.query_params.get("clientOrderId")
        if not client_order_id:
            raise bad_request("clientOrderId is required")
        for info, order in self._newest_first():
            if info.client_order_id == client_order_id:
                return ZenotcJSONResponse(order_object(info, order, with_metadata=True))
        raise ApiError(404, "Order not found")

    async def amend_order(self, request: Request) -> Response:
        """`PATCH /api/sdk/orders/:orderId`: new total `quantity` (not below the filled) and/or
        `price`; the updated Order object. 404 unknown, 409 terminal (decision 7), 400 a
        price on a market order or a quantity below the filled, 422 over the risk limit."""
        quantity, price = parse_amend(parse_json_body(await request.body()))
        info, order = self._find(request.path_params["order_id"])
        status = status_of(info, order)
        if status not in OPEN_STATUSES:
            raise ApiError(409, f"Order cannot be amended: it is {status}")
        if price is not None and info.order_type == "market":
            raise bad_request("price cannot be set on a market order")
        if quantity is not None and quantity < order.filled_qty:
            raise bad_request(
                f"quantity cannot be below the filled quantity ({number_text(order.filled_qty)})"
            )
        new_price = price if price is not None else order.limit_price
        assert new_price is not None, "only limit orders rest"
        _check_risk(quantity if quantity is not None else order.quantity, new_price)
        try:
            self.engine.amend(info.engine_id, Amendment(quantity=quantity, limit_price=price))
        except OrderRefused as exc:  # it finished meanwhile
            raise ApiError(409, f"Order cannot be amended: {exc}") from None
        return ZenotcJSONResponse(order_object(info, order, with_metadata=True))

    async def cancel_order(self, request: Request) -> Response:
        """`DELETE /api/sdk/orders/:orderId`: `{orderId, status, cancelledAt}`; 404 unknown,
        409 terminal (decision 6)."""
        info, order = self._find(request.path_params["order_id"])
        status = status_of(info, order)
        if status not in OPEN_STATUSES:
            raise ApiError(409, f"Order cannot be cancelled: it is {status}")
        try:
            self.engine.cancel(info.engine_id)
        except OrderRefused as exc:
            raise ApiError(409, f"Order cannot be cancelled: {exc}") from None
        return ZenotcJSONResponse(
            {
                "orderId": info.order_id,
                "status": status_of(info, order).value,
                "cancelledAt": iso_ms(order.updated_ts),
            }
        )

    async def get_fills(self, request: Request) -> Response:
        """`GET /api/sdk/orders/:orderId/fills`: `{fills: [...]}` oldest first; 404 unknown."""
        info, order = self._find(request.path_params["order_id"])
        return ZenotcJSONResponse({"fills": [fill_item(info, order, f) for f in order.fills]})

    async def create_batch(self, request: Request) -> Response:
        """`POST /api/sdk/orders/batch`: up to 100 orders, each placed or refused on its own;
        201 with `results` (in request order) and `summary`. 400 for a body without an
        `orders` array of 1 to 100 items."""
        body = parse_json_body(await request.body())
        items = body.get("orders") if isinstance(body, dict) else None
        if not isinstance(items, list) or not items:
            raise bad_request("orders must be a non-empty array")
        if len(items) > MAX_BATCH_ORDERS:
            raise bad_request(f"orders must contain at most {MAX_BATCH_ORDERS} orders")
        results: list[dict[str, object]] = []
        for index, item in enumerate(items):
            try:
                info, _ = self._place(parse_create(item))
            except ApiError as exc:
                results.append({"success": False, "error": exc.message, "index": index})
            else:
                results.append(
                    {
                        "success": True,
                        "orderId": info.order_id,
                        "clientOrderId": info.client_order_id,
                    }
                )
        successful = sum(1 for result in results if result["success"])
        summary = {
            "total": len(results),
            "successful": successful,
            "failed": len(results) - successful,
        }
        return ZenotcJSONResponse({"results": results, "summary": summary}, 201)

    async def cancel_all(self, request: Request) -> Response:
        """`DELETE /api/sdk/orders/batch`: cancel every open order, optionally only those of
        `asset` and/or `side` (JSON body; empty = all, decision 3); 200 also when none."""
        asset, side = parse_cancel_all(parse_json_body(await request.body()))
        cancelled: list[str] = []
        for info, order in self._oldest_first():
            if (
                status_of(info, order) in OPEN_STATUSES
                and (asset is None or info.asset == asset)
                and (side is None or order.side is side)
            ):
                try:
                    self.engine.cancel(info.engine_id)
                except OrderRefused:
                    continue  # it finished meanwhile
                cancelled.append(info.order_id)
        return ZenotcJSONResponse({"cancelledCount": len(cancelled), "cancelledOrders": cancelled})

    # Helpers ---------------------------------------------------------------------------------

    def _place(self, create: CreateOrder) -> tuple[ZenOrderInfo, SimOrder]:
        # Duplicate check, risk check, then the engine; raises ApiError.
        if create.client_order_id is not None:
            for info, order in self._oldest_first():
                if (
                    info.client_order_id == create.client_order_id
                    and status_of(info, order) in OPEN_STATUSES
                ):
                    raise ApiError(409, f"An open order has clientOrderId {create.client_order_id}")
        pair = pair_of(create.asset)
        valuation_price = create.price
        if valuation_price is None:
            bid, ask = self.engine.best_bid_ask(pair)
            valuation_price = ask if create.side is Side.BUY else bid
        _check_risk(create.quantity, valuation_price)
        request = OrderRequest(
            pair=pair,
            side=create.side,
            quantity=create.quantity,
            strategy=_strategy(create),
            limit_price=create.price,
            fill_or_kill=create.time_in_force == "FOK",
        )
        try:
            order = self.engine.submit(request)
        except OrderRefused as exc:
            raise bad_request(str(exc)) from None
        info = ZenOrderInfo(
            order_id=new_order_id(self._by_id),
            engine_id=order.order_id,
            asset=create.asset,
            order_type=create.order_type,
            time_in_force=create.time_in_force,
            client_order_id=create.client_order_id,
            metadata=create.metadata,
        )
        self._by_id[info.order_id] = self._by_engine_id[order.order_id] = info
        return info, order

    def _find(self, order_id: str) -> tuple[ZenOrderInfo, SimOrder]:
        info = self._by_id.get(order_id)
        if info is None:
            raise ApiError(404, "Order not found")
        return info, self.engine.get(info.engine_id)

    def _oldest_first(self) -> list[tuple[ZenOrderInfo, SimOrder]]:
        # The engine lists every venue's orders, oldest first; keep ours.
        return [
            (self._by_engine_id[order.order_id], order)
            for order in self.engine.orders()
            if order.order_id in self._by_engine_id
        ]

    def _newest_first(self) -> list[tuple[ZenOrderInfo, SimOrder]]:
        return self._oldest_first()[::-1]


def _strategy(create: CreateOrder) -> Strategy:
    # GTC limit rests; IOC/FOK limit trades what crosses now (FOK: all or nothing); a market
    # order trades at once whatever its time in force.
    if create.order_type == "market":
        return Strategy.MARKET
    return Strategy.LIMIT if create.time_in_force == "GTC" else Strategy.IOC


def _check_risk(quantity: Decimal, price: Decimal) -> None:
    notional = quantity * price
    if notional > MAX_ORDER_NOTIONAL_USD:
        raise ApiError(
            422,
            f"Risk check failed: order notional {number_text(notional)} USD exceeds the "
            f"limit of {MAX_ORDER_NOTIONAL_USD} USD",
        )

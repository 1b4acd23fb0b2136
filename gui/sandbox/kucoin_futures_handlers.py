"""The KuCoin Futures emulator's endpoint handlers (the gateway checks run before them).

One method per operation of notes.md §2.0 (numbers (1)-(18) are its rows) plus the public
server time and contract endpoints. Each handler returns the envelope's `data`; refusals raise
`ApiError`, which `kucoin_futures.create_app` turns into `{"code", "msg"}`.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from starlette.requests import Request

from gui.sandbox.kucoin_futures_auth import ApiError, parameter_error
from gui.sandbox.kucoin_futures_book import FuturesBook
from gui.sandbox.kucoin_futures_contracts import CONTRACTS, Contract, contract_json, to_ms
from gui.sandbox.kucoin_futures_input import (
    OrderSpec,
    Variant,
    contract_of,
    ms_of,
    page_of,
    parse_json,
    parse_order_input,
    required,
)
from gui.sandbox.kucoin_futures_orders import KucoinFill, KucoinOrder
from gui.sandbox.kucoin_futures_shapes import (
    display_type,
    fill_record,
    open_order_statistics,
    order_record,
    page,
)

Handler = Callable[[Request, bytes], Awaitable[object]]

MAX_BATCH_ORDERS = 20
"""Orders per `POST /api/v1/orders/multi` (§2.2 (3))."""
MAX_BATCH_CANCELS = 10
"""Orders per `DELETE /api/v1/orders/multi-cancel` (legacy docs, notes.md §2.2 (7), §6.10)."""
RECENT_LIMIT = 1000
"""Most items of `recentDoneOrders` / `recentFills` (§2.2 (15) (17))."""
_DAY = timedelta(hours=24)
_MS = timedelta(milliseconds=1)
_MAX_WINDOW = timedelta(days=7)  # /fills (§2.2 (18)); /orders done as well (decision §6.17)
_NOT_CANCELABLE = ("100004", "Order is in not cancelable state")  # decision §6.11
_NOT_FOUND = ("100001", "error.getOrder.orderNotExist")  # ccxt's recorded answer


def _window(params: Any, *, one_sided_day: bool) -> tuple[int | None, int | None]:
    start, end = ms_of(params, "startAt"), ms_of(params, "endAt")
    week_ms, day_ms = _MAX_WINDOW // _MS, _DAY // _MS
    if start is not None and end is not None and end - start > week_ms:
        end = start + week_ms  # "a longer range is silently clipped"
    elif one_sided_day and start is not None and end is None:
        end = start + day_ms
    elif one_sided_day and end is not None and start is None:
        start = end - day_ms
    return start, end


def _within(ts: datetime, start: int | None, end: int | None) -> bool:
    ms = to_ms(ts)
    return (start is None or ms >= start) and (end is None or ms <= end)


def _newest_first(orders: Iterable[KucoinOrder]) -> list[KucoinOrder]:
    return sorted(orders, key=lambda o: (o.created, int(o.order_id)), reverse=True)


def _newest_fills(fills: Iterable[KucoinFill]) -> list[KucoinFill]:
    return sorted(fills, key=lambda f: (f.ts, int(f.trade_id)), reverse=True)


class KucoinFuturesEmulator:
    """The emulated account's endpoints over a `FuturesBook`.

    Attributes:
        book: Orders, fills and positions.
    """

    def __init__(self, book: FuturesBook, wall_clock_s: Callable[[], float] = time.time) -> None:
        """Serve `book`.

        Args:
            book: The account state over the shared engine.
            wall_clock_s: Real time in unix seconds, for `GET /api/v1/timestamp`.
        """
        self.book = book
        self._wall_clock_s = wall_clock_s

    def _reference_price(self, contract: Contract) -> Decimal:
        return self.book.engine.mid_price(contract.pair)

    def _spec(self, body: object, variant: Variant) -> OrderSpec:
        return parse_order_input(body, variant, self._reference_price)

    # Public -----------------------------------------------------------------------------------

    async def timestamp(self, request: Request, raw: bytes) -> object:
        """`GET /api/v1/timestamp`: server time, wall-clock ms (not the sandbox clock)."""
        return int(self._wall_clock_s() * 1000)

    async def contracts_active(self, request: Request, raw: bytes) -> object:
        """`GET /api/v1/contracts/active`: every contract (notes.md §3)."""
        return [contract_json(c, self.book.engine) for c in CONTRACTS.values()]

    async def contract(self, request: Request, raw: bytes) -> object:
        """`GET /api/v1/contracts/{symbol}`: one contract; `100003` when unknown."""
        return contract_json(contract_of(request.path_params["symbol"]), self.book.engine)

    # Placing (1)-(4) --------------------------------------------------------------------------

    async def add_order(self, request: Request, raw: bytes) -> object:
        """(1) `POST /api/v1/orders`: `{orderId, clientOid}`."""
        order = self.book.place(self._spec(parse_json(raw), "add"))
        return {"orderId": order.order_id, "clientOid": order.client_oid}

    async def add_order_test(self, request: Request, raw: bytes) -> object:
        """(2) `POST /api/v1/orders/test`: checked like (1), nothing stored (§2.2 (2))."""
        spec = self._spec(parse_json(raw), "test")
        self.book.check(spec)
        return {"orderId": self.book.new_order_id(), "clientOid": spec.client_oid}

    async def add_orders(self, request: Request, raw: bytes) -> object:
        """(3) `POST /api/v1/orders/multi`: a bare array of at most 20; items fail alone."""
        body = parse_json(raw)
        if not isinstance(body, list) or not body:
            raise parameter_error("The request body must be a non-empty array of orders")
        if len(body) > MAX_BATCH_ORDERS:
            raise parameter_error(f"The number of orders cannot exceed {MAX_BATCH_ORDERS}")
        results = []
        for item in body:
            fields = item if isinstance(item, dict) else {}
            try:
                order = self.book.place(self._spec(item, "batch"))
            except ApiError as exc:  # decision §6.9: orderId null on a failed item
                results.append(
                    {
                        "orderId": None,
                        "clientOid": fields.get("clientOid"),
                        "symbol": fields.get("symbol"),
                        "code": exc.code,
                        "msg": exc.msg,
                    }
                )
                continue
            results.append(
                {
                    "orderId": order.order_id,
                    "clientOid": order.client_oid,
                    "symbol": order.contract.symbol,
                    "code": "200000",
                    "msg": "success",
                }
            )
        return results

    async def add_tpsl_order(self, request: Request, raw: bytes) -> object:
        """(4) `POST /api/v1/st-orders`: an order with TP/SL legs (decision §6.14)."""
        order = self.book.place(self._spec(parse_json(raw), "st"))
        return {"orderId": order.order_id, "clientOid": order.client_oid}

    # Canceling (5)-(10) -----------------------------------------------------------------------

    async def cancel_order(self, request: Request, raw: bytes) -> object:
        """(5) `DELETE /api/v1/orders/{orderId}`; also an untriggered stop (§6.13)."""
        order = self.book.orders.get(request.path_params["order_id"])
        if order is None or not self.book.cancel(order):
            raise ApiError(*_NOT_CANCELABLE)
        return {"cancelledOrderIds": [order.order_id]}

    async def cancel_by_client_oid(self, request: Request, raw: bytes) -> object:
        """(6) `DELETE /api/v1/orders/client-order/{clientOid}?symbol=`: `{clientOid}`."""
        symbol = required(request.query_params, "symbol")
        client_oid = request.path_params["client_oid"]
        order = self.book.by_client_oid(client_oid, symbol)
        if order is None or not self.book.cancel(order):
            raise ApiError(*_NOT_CANCELABLE)  # a wrong symbol is an unknown order (§6.11)
        return {"clientOid": client_oid}

    async def cancel_orders(self, request: Request, raw: bytes) -> object:
        """(7) `DELETE /api/v1/orders/multi-cancel` (JSON body): `orderIdsList` wins over
        `clientOidsList`; at most 10; per-item `code` `"200"`; stop orders excluded (§6.10)."""
        body = parse_json(raw) if raw.strip() else {}
        if not isinstance(body, dict):
            raise parameter_error("The request body must be a JSON object")
        ids, client_oids = body.get("orderIdsList"), body.get("clientOidsList")
        targets: list[tuple[KucoinOrder | None, str | None, str | None]] = []
        if ids:
            if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
                raise parameter_error("orderIdsList must be a list of order ids")
            targets = [(self.book.orders.get(i), i, None) for i in ids]
        elif client_oids:
            if not isinstance(client_oids, list) or not all(
                isinstance(i, dict) and i.get("symbol") and i.get("clientOid") for i in client_oids
            ):
                raise parameter_error("clientOidsList items need symbol and clientOid")
            targets = [
                (self.book.by_client_oid(i["clientOid"], i["symbol"]), None, i["clientOid"])
                for i in client_oids
            ]
        else:
            raise parameter_error("orderIdsList or clientOidsList is required")
        if len(targets) > MAX_BATCH_CANCELS:
            raise parameter_error(f"The number of orders cannot exceed {MAX_BATCH_CANCELS}")
        results = []
        for order, order_id, client_oid in targets:
            done = order is not None and not order.is_untriggered and self.book.cancel(order)
            code, msg = ("200", "success") if done else _NOT_CANCELABLE
            results.append({"orderId": order_id, "clientOid": client_oid, "code": code, "msg": msg})
        return results

    def _cancel_all(self, symbol: str | None) -> object:
        # Active non-stop orders, triggered stops included; never untriggered ones (§6.12).
        if symbol is not None:
            contract_of(symbol)
        cancelled = [
            order.order_id
            for order in self.book.open_orders()
            if symbol in (None, order.contract.symbol) and self.book.cancel(order)
        ]
        return {"cancelledOrderIds": cancelled}

    async def cancel_all_v3(self, request: Request, raw: bytes) -> object:
        """(8) `DELETE /api/v3/orders?symbol=` (symbol required)."""
        return self._cancel_all(required(request.query_params, "symbol"))

    async def cancel_all_v1(self, request: Request, raw: bytes) -> object:
        """(9) `DELETE /api/v1/orders[?symbol=]`: every symbol without one."""
        return self._cancel_all(request.query_params.get("symbol") or None)

    async def cancel_all_stops(self, request: Request, raw: bytes) -> object:
        """(10) `DELETE /api/v1/stopOrders[?symbol=]`: untriggered stop orders only."""
        symbol = request.query_params.get("symbol") or None
        if symbol is not None:
            contract_of(symbol)
        cancelled = [
            order.order_id
            for order in self.book.untriggered()
            if symbol in (None, order.contract.symbol) and self.book.cancel(order)
        ]
        return {"cancelledOrderIds": cancelled}

    # Reading (11)-(18) ------------------------------------------------------------------------

    def _filtered(self, orders: Iterable[KucoinOrder], params: Any) -> list[dict[str, Any]]:
        symbol, side, kind = (params.get(name) or None for name in ("symbol", "side", "type"))
        start, end = _window(params, one_sided_day=False)
        return [
            order_record(order)
            for order in _newest_first(orders)
            if symbol in (None, order.contract.symbol)
            and side in (None, order.side.value)
            and kind in (None, display_type(order), order.spec.order_type)
            and _within(order.created, start, end)
        ]

    async def stop_orders(self, request: Request, raw: bytes) -> object:
        """(11) `GET /api/v1/stopOrders`: untriggered stop orders, a Page (§2.2 (11))."""
        params = request.query_params
        return page(self._filtered(self.book.untriggered(), params), *page_of(params))

    async def order_list(self, request: Request, raw: bytes) -> object:
        """(12) `GET /api/v1/orders`: `status` `active` or `done` (the default), a Page."""
        params = request.query_params
        status = params.get("status") or "done"
        if status == "active":
            orders = self.book.open_orders()
        elif status == "done":
            orders = [o for o in self.book.orders.values() if not o.is_active]
        else:
            raise parameter_error("status must be active or done")
        return page(self._filtered(orders, params), *page_of(params))

    async def order(self, request: Request, raw: bytes) -> object:
        """(13) `GET /api/v1/orders/{order-id}`, stop orders included; `100001` if unknown."""
        order = self.book.orders.get(request.path_params["order_id"])
        if order is None:
            raise ApiError(*_NOT_FOUND)
        return order_record(order)

    async def order_by_client_oid(self, request: Request, raw: bytes) -> object:
        """(14) `GET /api/v1/orders/byClientOid?clientOid=`: the most recent match (§6.15)."""
        order = self.book.by_client_oid(required(request.query_params, "clientOid"))
        if order is None:
            raise ApiError(*_NOT_FOUND)
        return order_record(order)

    async def recent_done_orders(self, request: Request, raw: bytes) -> object:
        """(15) `GET /api/v1/recentDoneOrders[?symbol=]`: done in the last 24 h, a bare array."""
        symbol = request.query_params.get("symbol") or None
        since = self.book.now() - _DAY
        done = [
            order
            for order in self.book.orders.values()
            if not order.is_active
            and symbol in (None, order.contract.symbol)
            and (order.end or order.created) >= since
        ]
        return [order_record(order) for order in _newest_first(done)[:RECENT_LIMIT]]

    async def open_order_statistics(self, request: Request, raw: bytes) -> object:
        """(16) `GET /api/v1/openOrderStatistics?symbol=` (decision §6.18)."""
        symbol = contract_of(required(request.query_params, "symbol")).symbol
        return open_order_statistics(self.book.open_orders(), symbol)

    async def recent_fills(self, request: Request, raw: bytes) -> object:
        """(17) `GET /api/v1/recentFills[?symbol=]`: last 24 h, a bare array, no tax fields."""
        symbol = request.query_params.get("symbol") or None
        since = self.book.now() - _DAY
        fills = [
            fill
            for fill in _newest_fills(self.book.fills)
            if fill.ts >= since and symbol in (None, fill.order.contract.symbol)
        ]
        return [fill_record(fill, with_tax=False) for fill in fills[:RECENT_LIMIT]]

    async def fills(self, request: Request, raw: bytes) -> object:
        """(18) `GET /api/v1/fills`: a Page; `orderId` alone when given; window rules of §2.2
        (18) (no bound given: no time filter, the doc being silent)."""
        params = request.query_params
        order_id = params.get("orderId") or None
        if order_id is not None:
            order = self.book.orders.get(order_id)
            selected = _newest_fills(order.fills if order is not None else [])
        else:
            symbol, side, kind = (params.get(name) or None for name in ("symbol", "side", "type"))
            trade_types = {t.strip() for t in (params.get("tradeTypes") or "").split(",")} - {""}
            start, end = _window(params, one_sided_day=True)
            selected = [
                fill
                for fill in _newest_fills(self.book.fills)
                if symbol in (None, fill.order.contract.symbol)
                and side in (None, fill.order.side.value)
                and kind in (None, display_type(fill.order))
                and (not trade_types or "trade" in trade_types)
                and _within(fill.ts, start, end)
            ]
        records = [fill_record(fill, with_tax=True) for fill in selected]
        return page(records, *page_of(params))

"""The DFX Labs emulator's endpoints: one method per route, parameters in, response body out.

The six order endpoints of shared/venues/dfx/api-reference.md (notes.md §2.3 (1)-(6)) plus
the venue's `GET /api/v1/account/trades`, `GET /api/v1/symbols` and `GET /api/v1/user/info`
(notes.md §2.3, external). Each returns the whole JSON body, envelope included, because the
shapes differ (`data` string, top-level `orderId`, `data[]` with `success`). Gaps follow
notes.md §2.7; the choices of ours are named where they apply.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from gui.domain.orders import Side
from gui.sandbox.dfx_book import FINISHED_STATUSES, OPEN_STATUSES, DfxBook, DfxOrder
from gui.sandbox.dfx_gateway import (
    SUCCESS_CODE,
    SUCCESS_MSG,
    ApiError,
    Params,
    bad_request,
    forbidden,
)
from gui.sandbox.dfx_symbols import (
    SYMBOLS,
    SYMBOLS_BY_NAME,
    SymbolSpec,
    positive_decimal,
    symbol_object,
    tradable_symbol,
)
from gui.sandbox.dfx_wire import order_object, trade_object

Body = dict[str, Any]
Handler = Callable[[Params], Body]

MAX_BATCH_CANCEL = 5
"""Most `orderIds` of one batch cancel ("up to 5 orders can be canceled at once")."""
FINISH_ORDER_LIMITS = (10, 500)
"""`finish_order` `limit`: (default, max)."""
OPEN_ORDER_LIMITS = (10, 100)
"""`open_order` `limit`: (default, max)."""
TRADES_LIMITS = (10, 100)
"""`account/trades` `limit`: (default, max)."""
CLIENT_TYPES = frozenset({"OP", "CP", "IP", "CR", "IR"})
"""`clientType` values of `GET /api/v1/symbols` (notes.md §2.1)."""
_LONG_MAX = 2**63 - 1
_SIDES = {"BUY": Side.BUY, "SELL": Side.SELL}

_Item = TypeVar("_Item")


def ok(**fields: Any) -> Body:
    """`{"code": "0", "msg": "success", **fields}`."""
    return {"code": SUCCESS_CODE, "msg": SUCCESS_MSG, **fields}


class DfxEmulator:
    """The venue's endpoints over one account's book.

    Attributes:
        book: The account's orders and trades.
        account_name: The desk-side name of the account (`user/info` `name`).
    """

    def __init__(self, book: DfxBook, account_name: str) -> None:
        """Serve `book`.

        Args:
            book: The account's orders and trades over the shared engine.
            account_name: Shown as the account's `name` by `user/info`.
        """
        self.book = book
        self.account_name = account_name

    # Orders (reference doc §1-6) -------------------------------------------------------------

    def create_order(self, params: Params) -> Body:
        """`POST /api/v1/spot/order` -> `data`: the new order id as a string.

        Raises:
            ApiError: 412 a mandatory parameter is absent (LIMIT: `price` and `quantity`;
                MARKET: `amount`), 403 another account, 400 invalid value, unknown or
                disabled symbol, off the symbols table, duplicate `clientOrderId`.
        """
        self._account(params)
        symbol = params.require("symbol")
        side_text = params.require("side")
        order_type = params.require("type")
        side = _SIDES.get(side_text.upper())
        if side is None:
            raise bad_request("`side` must be BUY or SELL")
        client_oid = params.get("clientOrderId")
        if order_type.upper() == "LIMIT":
            price_text = params.require("price")
            quantity_text = params.require("quantity")
            spec = tradable_symbol(symbol)
            price = positive_decimal("price", price_text)
            quantity = positive_decimal("quantity", quantity_text)
            order = self.book.place_limit(spec, side, price, quantity, client_oid)
        elif order_type.upper() == "MARKET":
            amount_text = params.require("amount")
            spec = tradable_symbol(symbol)
            amount = positive_decimal("amount", amount_text)
            order = self.book.place_market(spec, side, amount, client_oid)
        else:
            raise bad_request("`type` must be LIMIT or MARKET")
        return ok(data=str(order.order_id))

    def cancel_order(self, params: Params) -> Body:
        """`DELETE /api/v1/spot/order` -> top-level `orderId` (string) of the canceled order.

        Raises:
            ApiError: 412 neither `orderId` nor `clientOrderId`, 404 unknown order, 400 the
                order is already finished.
        """
        self._account(params)
        order = self._lookup(params)
        self.book.cancel(order)
        return ok(orderId=str(order.order_id))

    def batch_cancel(self, params: Params) -> Body:
        """`DELETE /api/v1/spot/batch/order` by `orderIds` (<= 5, comma separated) or, when
        absent, every open order of `symbol` ("If both ... symbol will be ignore").

        Returns:
            `data`: first `{"msg": "success", "code": "0", "orderId": "<canceled ids, comma
            joined>"}` (empty string if none), then one entry per id that failed with its own
            `code`/`msg` (404 unknown, 400 finished or not a number; notes.md §2.7(4)); and
            a top-level `success`, false when any id failed (ours).

        Raises:
            ApiError: 412 neither parameter, 400 more than 5 ids or an unknown symbol.
        """
        self._account(params)
        ids_text = params.get("orderIds")
        failures: list[Body] = []
        canceled: list[str] = []
        if ids_text is not None:
            ids = list(dict.fromkeys(part.strip() for part in ids_text.split(",") if part.strip()))
            if len(ids) > MAX_BATCH_CANCEL:
                raise bad_request(f"Up to {MAX_BATCH_CANCEL} orders can be canceled at once")
            for text in ids:
                try:
                    order = self.book.by_id(_parse_long("orderIds", text))
                    self.book.cancel(order)
                except ApiError as exc:
                    failures.append({"msg": exc.msg, "code": exc.code, "orderId": text})
                else:
                    canceled.append(text)
        else:
            symbol = params.get("symbol")
            if symbol is None:
                raise ApiError(412, "The request parameter is missing `orderIds` or `symbol`")
            spec = _known_symbol(symbol)
            for order in self._orders(spec, OPEN_STATUSES):
                try:
                    self.book.cancel(order)
                except ApiError as exc:  # it finished meanwhile (a scaled clock moved on)
                    failures.append(
                        {"msg": exc.msg, "code": exc.code, "orderId": str(order.order_id)}
                    )
                else:
                    canceled.append(str(order.order_id))
        success = {"msg": SUCCESS_MSG, "code": SUCCESS_CODE, "orderId": ",".join(canceled)}
        return ok(data=[success, *failures], success=not failures)

    def get_order(self, params: Params) -> Body:
        """`GET /api/v1/spot/order` -> `data`: the order object (`orderId` a number).

        Raises:
            ApiError: 412 neither id, 404 unknown order.
        """
        self._account(params)
        return ok(data=order_object(self._lookup(params)))

    def finish_orders(self, params: Params) -> Body:
        """`GET /api/v1/spot/finish_order` -> `data[]`: finished orders (FILLED, CANCELED,
        REJECT) with `stopType` and `averagePrice`, ascending by creation.

        Filters: `symbol`; `startTime`/`endTime` (ms, inclusive) on creation time; `orderId`
        as a lower bound (orders with id >= it), as Binance's allOrders, which this API
        copies (notes.md §2.7(5) leaves it open). With a lower bound (`orderId` or
        `startTime`) the first `limit` orders from it are returned, otherwise the most recent
        `limit`, always oldest first ("ascending", Getting Started).

        Raises:
            ApiError: 400 bad `limit` (1..500), times, `orderId` or an unknown symbol.
        """
        self._account(params)
        orders = self._orders(_optional_symbol(params), FINISHED_STATUSES)
        start_ms, end_ms = _time_window(params)
        orders = [o for o in orders if start_ms <= o.created_ms <= end_ms]
        return ok(data=self._page(params, orders, FINISH_ORDER_LIMITS, finished=True))

    def open_orders(self, params: Params) -> Body:
        """`GET /api/v1/spot/open_order` -> `data[]`: NEW and PARTIAL_FILLED orders, ascending
        by creation; `symbol`, `orderId` (lower bound) and `limit` (1..100) as `finish_orders`.

        Raises:
            ApiError: 400 bad `limit`, `orderId` or an unknown symbol.
        """
        self._account(params)
        orders = self._orders(_optional_symbol(params), OPEN_STATUSES)
        return ok(data=self._page(params, orders, OPEN_ORDER_LIMITS, finished=False))

    # Account and market data (external, notes.md §2.3) ---------------------------------------

    def trades(self, params: Params) -> Body:
        """`GET /api/v1/account/trades` -> `data[]`: the account's executions, ascending.

        `symbol` is mandatory and `accountId` optional in the venue's Account doc. `orderId`
        filters exactly; `fromId` is a lower bound on `tradeId`; `startTime`/`endTime` are on
        the *order's creation time*, as that doc says ("Based on order creation time"), not
        the trade's. Without `fromId` or `startTime` the most recent `limit` (1..100).

        Raises:
            ApiError: 412 no `symbol`, 403 another account, 400 bad values.
        """
        if params.get("accountId") is not None:
            self._account(params)
        spec = _known_symbol(params.require("symbol"))
        order_id = _optional_long(params, "orderId")
        from_id = _optional_long(params, "fromId")
        start_ms, end_ms = _time_window(params)
        trades = [
            trade
            for trade in self.book.trades
            if trade.order.spec is spec
            and (order_id is None or trade.order.order_id == order_id)
            and (from_id is None or trade.trade_id >= from_id)
            and start_ms <= trade.order.created_ms <= end_ms
        ]
        limit = _limit(params, TRADES_LIMITS)
        forward = from_id is not None or params.get("startTime") is not None
        return ok(data=[trade_object(trade) for trade in _take(trades, limit, forward)])

    def symbols(self, params: Params) -> Body:
        """`GET /api/v1/symbols` -> `data[]`: the symbols table (optionally one `symbol`).

        `clientType` is optional here (the venue marks it mandatory; every client type sees
        the same table in the sandbox).

        Raises:
            ApiError: 400 an unknown `clientType`.
        """
        client_type = params.get("clientType")
        if client_type is not None and client_type not in CLIENT_TYPES:
            raise bad_request(f"`clientType` must be one of {', '.join(sorted(CLIENT_TYPES))}")
        symbol = params.get("symbol")
        specs = [spec for spec in SYMBOLS if symbol is None or spec.symbol == symbol]
        return ok(data=[symbol_object(spec) for spec in specs])

    def user_info(self, params: Params) -> Body:
        """`GET /api/v1/user/info` -> `data`: the client type and the key's one sub-account
        (`id` is the `accountId` every order call needs)."""
        account = {
            "id": self.book.account_id,
            "name": self.account_name,
            "type": "SUB",
            "status": "ACTIVE",
            "enableTrading": True,
        }
        return ok(data={"clientType": "OP", "accounts": [account]})

    # Helpers ----------------------------------------------------------------------------------

    def _account(self, params: Params) -> None:
        # An account the key does not own answers the venue's 403 body.
        if params.require("accountId") != self.book.account_id:
            raise forbidden()

    def _lookup(self, params: Params) -> DfxOrder:
        # "If both orderId and clientOrderId are passed, clientOrderId will be ignored."
        order_id = params.get("orderId")
        if order_id is not None:
            return self.book.by_id(_parse_long("orderId", order_id))
        client_oid = params.get("clientOrderId")
        if client_oid is not None:
            return self.book.by_client_oid(client_oid)
        raise ApiError(412, "The request parameter is missing `orderId` or `clientOrderId`")

    def _orders(self, spec: SymbolSpec | None, statuses: frozenset[Any]) -> list[DfxOrder]:
        return [
            order
            for order in self.book.orders.values()
            if (spec is None or order.spec is spec) and order.status in statuses
        ]

    def _page(
        self,
        params: Params,
        orders: list[DfxOrder],
        limits: tuple[int, int],
        *,
        finished: bool,
    ) -> list[Body]:
        limit = _limit(params, limits)
        lower = _optional_long(params, "orderId")
        if lower is not None:
            orders = [order for order in orders if order.order_id >= lower]
        forward = lower is not None or params.get("startTime") is not None
        return [order_object(o, finished=finished) for o in _take(orders, limit, forward)]


def _take(items: Sequence[_Item], limit: int, forward: bool) -> list[_Item]:
    return list(items[:limit] if forward else items[-limit:])


def _parse_long(name: str, text: str) -> int:
    if not (text.isascii() and text.isdigit()) or int(text) > _LONG_MAX:
        raise bad_request(f"`{name}` must be an integer")
    return int(text)


def _optional_long(params: Params, name: str) -> int | None:
    text = params.get(name)
    return None if text is None else _parse_long(name, text)


def _limit(params: Params, limits: tuple[int, int]) -> int:
    default, largest = limits
    limit = _optional_long(params, "limit")
    if limit is None:
        return default
    if not 1 <= limit <= largest:
        raise bad_request(f"`limit` must be between 1 and {largest}")
    return limit


def _time_window(params: Params) -> tuple[int, int]:
    start_ms = _optional_long(params, "startTime")
    end_ms = _optional_long(params, "endTime")
    start_ms = 0 if start_ms is None else start_ms
    end_ms = _LONG_MAX if end_ms is None else end_ms
    if start_ms > end_ms:
        raise bad_request("`startTime` must not be after `endTime`")
    return start_ms, end_ms


def _known_symbol(symbol: str) -> SymbolSpec:
    spec = SYMBOLS_BY_NAME.get(symbol)
    if spec is None:
        raise bad_request(f"Symbol {symbol} does not exist")
    return spec


def _optional_symbol(params: Params) -> SymbolSpec | None:
    symbol = params.get("symbol")
    return None if symbol is None else _known_symbol(symbol)

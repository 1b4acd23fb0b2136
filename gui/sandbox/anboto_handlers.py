"""The seven Anboto endpoints over the shared `SandboxEngine`.

One method per operation of shared/venues/anboto/api-reference.md (notes.md §1.3), each
taking the request and the API key that signed it. Success codes and shapes are the doc's
(201 OrderSummary / OrderSummaryList for creates, 200 for the rest); refusals are 400
`{"errorCode", "message"}`. Decisions where the doc is silent are named where they apply.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from gui.sandbox.anboto_orders import ParentOrder, ParentOrderBook
from gui.sandbox.anboto_requests import (
    OrderRef,
    ParentOrderSpec,
    parse_create,
    parse_int_id,
    parse_order_ref,
    query_list,
)
from gui.sandbox.anboto_wire import (
    TERMINAL_STATUSES,
    AnbotoStatus,
    ApiError,
    ErrorCode,
    invalid,
    iso_ms,
    parse_json,
)
from gui.sandbox.engine import SandboxEngine
from gui.sandbox.exact_json import ExactJSONResponse

MAX_BATCH_ORDERS = 100
"""Most orders in one createMany or cancelMany (our limit: none documented, notes §1.8.8)."""
ORDER_PATH = "/api/v2/trading/order"
"""Prefix of every endpoint."""

SignedEndpoint = Callable[[Request, str], Awaitable[Response]]
"""An endpoint: (request, signing API key) -> response."""


def _batch(body: object, fields: set[str], required: set[str]) -> list[Any]:
    # A batch body: exactly the documented fields, `orders` a list of 1..MAX_BATCH_ORDERS.
    if not isinstance(body, dict):
        raise invalid("The request body must be a JSON object")
    unknown = sorted(set(body) - fields)
    if unknown:
        raise invalid(f"Unknown field(s): {', '.join(unknown)}")
    missing = sorted(name for name in required if body.get(name) is None)
    if missing:
        raise invalid(f"Missing required field(s): {', '.join(missing)}")
    orders = body["orders"]
    if not isinstance(orders, list) or not orders:
        raise invalid("orders must be a non-empty list")
    if len(orders) > MAX_BATCH_ORDERS:
        raise invalid(f"A batch holds at most {MAX_BATCH_ORDERS} orders")
    return orders


class AnbotoEmulator:
    """The venue's endpoints; `book` holds the orders.

    Attributes:
        engine: The simulated market and execution engine.
        book: Every Anboto order, per API key.
    """

    def __init__(self, engine: SandboxEngine, accept_delay_s: float, cancel_delay_s: float):
        """Start with no orders.

        Args:
            engine: Works the orders; other venues' orders in it are not listed here.
            accept_delay_s: Simulated seconds an order is PENDING_NEW.
            cancel_delay_s: Simulated seconds an order is PENDING_CANCEL.
        """
        self.engine = engine
        self.book = ParentOrderBook(engine, accept_delay_s, cancel_delay_s)

    def endpoints(self) -> list[tuple[str, str, SignedEndpoint]]:
        """(path, method, endpoint) of the seven operations."""
        return [
            (f"{ORDER_PATH}/cancel", "POST", self.cancel_order),
            (f"{ORDER_PATH}/cancelMany", "POST", self.cancel_many),
            (f"{ORDER_PATH}/create", "POST", self.create_order),
            (f"{ORDER_PATH}/createMany", "POST", self.create_batch_orders),
            (f"{ORDER_PATH}/find", "GET", self.get_orders),
            (f"{ORDER_PATH}/id", "GET", self.get_order),
            (f"{ORDER_PATH}/open", "GET", self.get_open_orders),
        ]

    # Writes ----------------------------------------------------------------------------------

    async def create_order(self, request: Request, owner: str) -> Response:
        """`POST .../order/create` (createOrder): 201 OrderSummary with status PENDING_NEW;
        400 `{"errorCode", "message"}` for invalid data or a duplicate clientOrderId."""
        self.book.sync()
        spec = self._parse(parse_json(await request.body()))
        order = self.book.create(owner, spec)
        return ExactJSONResponse(
            self.book.summary(order, "Order received", AnbotoStatus.PENDING_NEW), 201
        )

    async def create_batch_orders(self, request: Request, owner: str) -> Response:
        """`POST .../order/createMany` (createBatchOrders): 201 `{"responses": [...]}`, one
        OrderSummary per order in request order. An invalid order is REJECTED in its element
        (`orderId` null, errorCode, message). With `allOrNone` true one invalid order rejects
        them all and none is created (the valid ones carry PARENT_ORDER_WAS_TERMINATED);
        false creates the valid ones (notes §1.3 (4)). 400 for a malformed batch."""
        self.book.sync()
        body = parse_json(await request.body())
        entries = _batch(body, {"orders", "allOrNone"}, {"orders", "allOrNone"})
        all_or_none = body["allOrNone"]
        if not isinstance(all_or_none, bool):
            raise invalid("allOrNone must be a boolean")
        checked: list[ParentOrderSpec | ApiError] = []
        taken: set[str] = set()
        for entry in entries:
            try:
                spec = self._parse(entry)
                self.book.check(owner, spec, taken)
            except ApiError as exc:
                checked.append(exc)
                continue
            checked.append(spec)
            if spec.client_order_id is not None:
                taken.add(spec.client_order_id)
        failed = any(isinstance(item, ApiError) for item in checked)
        responses = []
        for entry, item in zip(entries, checked, strict=True):
            if isinstance(item, ApiError):
                responses.append(self._rejected(entry, item.message, item.code))
            elif all_or_none and failed:
                message = "Not created: another order of the allOrNone batch was rejected"
                code = ErrorCode.PARENT_ORDER_WAS_TERMINATED
                responses.append(self._rejected(entry, message, code))
            else:
                order = self.book.create(owner, item)
                responses.append(
                    self.book.summary(order, "Order received", AnbotoStatus.PENDING_NEW)
                )
        return ExactJSONResponse({"responses": responses}, 201)

    async def cancel_order(self, request: Request, owner: str) -> Response:
        """`POST .../order/cancel` (cancelOrder): 200 OrderSummary with status
        PENDING_CANCEL; CANCELLED after the cancel delay. 400 when the order is unknown
        (notes §1.8.9) or already terminal."""
        self.book.sync()
        ref = parse_order_ref(parse_json(await request.body()))
        order = self._find(owner, ref)
        self.book.cancel(order)
        return ExactJSONResponse(self.book.summary(order, "Cancellation requested"))

    async def cancel_many(self, request: Request, owner: str) -> Response:
        """`POST .../order/cancelMany` (cancelMany): 200 with a single OrderSummary, as the
        doc shows (notes §1.8.7). Ours holds the batch as a whole: `orderId` and
        `clientOrderId` null, status PENDING_CANCEL, `createdAt` the time of the request,
        `message` listing the orders now pending cancel and those not cancelled (unknown or
        terminal, with why), `errorCode` null, or OTHER when some were not cancelled.
        400 when the body is malformed or no order could be cancelled."""
        self.book.sync()
        entries = _batch(parse_json(await request.body()), {"orders"}, {"orders"})
        refs = [parse_order_ref(entry) for entry in entries]
        cancelled: list[ParentOrder] = []
        refused: list[str] = []
        for ref in refs:
            name = (
                f"orderId {ref.order_id}"
                if ref.order_id is not None
                else (f"clientOrderId {ref.client_order_id}")
            )
            try:
                order = self._find(owner, ref)
                self.book.cancel(order)
            except ApiError as exc:
                refused.append(f"{name} ({exc.message})")
                continue
            if order not in cancelled:
                cancelled.append(order)
        if not cancelled:
            raise invalid("No order cancelled: " + "; ".join(refused))
        message = "Cancellation requested for orderId " + ", ".join(
            str(order.order_id) for order in cancelled
        )
        if refused:
            message += "; not cancelled: " + "; ".join(refused)
        summary = {
            "orderId": None,
            "clientOrderId": None,
            "status": AnbotoStatus.PENDING_CANCEL.value,
            "createdAt": iso_ms(self.engine.clock.now()),
            "message": message,
            "errorCode": ErrorCode.OTHER.value if refused else None,
        }
        return ExactJSONResponse(summary)

    # Reads -----------------------------------------------------------------------------------

    async def get_orders(self, request: Request, owner: str) -> Response:
        """`GET .../order/find` (getOrders): 200 `{"responses": [OrderDetails...]}` for every
        order of the key named in `orderIds` or `clientOrderIds` (union, oldest first, each
        once; unknown ids are skipped). Lists may repeat the key or join values with commas.
        400 when neither parameter is present (both are "required") or an id is not an
        integer."""
        self.book.sync()
        params = request.query_params
        if "orderIds" not in params and "clientOrderIds" not in params:
            raise invalid("orderIds or clientOrderIds is required")
        order_ids = {
            parse_int_id(text, "orderIds") for text in query_list(params.getlist("orderIds"))
        }
        client_ids = set(query_list(params.getlist("clientOrderIds")))
        matches = [
            self.book.details(order)
            for order in self.book.orders(owner)
            if order.order_id in order_ids or order.spec.client_order_id in client_ids
        ]
        return ExactJSONResponse({"responses": matches})

    async def get_order(self, request: Request, owner: str) -> Response:
        """`GET .../order/id` (getOrder): 200 one OrderDetails. "Only one of orderId or
        clientOrderId should be provided": orderId wins when both are (notes §1.8.5);
        400 when neither is given, orderId is not an integer, or no order of the key
        matches (notes §1.8.9)."""
        self.book.sync()
        params = request.query_params
        order_id_text = params.get("orderId", "").strip()
        client_order_id = params.get("clientOrderId", "").strip() or None
        if not order_id_text and client_order_id is None:
            raise invalid("One of orderId or clientOrderId is required")
        order_id = parse_int_id(order_id_text, "orderId") if order_id_text else None
        order = self._find(owner, OrderRef(order_id, client_order_id))
        return ExactJSONResponse(self.book.details(order))

    async def get_open_orders(self, request: Request, owner: str) -> Response:
        """`GET .../order/open` (getOpenOrders): 200 `{"responses": [OrderDetails...]}`,
        oldest first, every order of the key not REJECTED, FILLED, CANCELLED or EXPIRED
        (PENDING_CANCEL is still open)."""
        self.book.sync()
        responses = [
            self.book.details(order)
            for order in self.book.orders(owner)
            if self.book.status(order) not in TERMINAL_STATUSES
        ]
        return ExactJSONResponse({"responses": responses})

    # Helpers ---------------------------------------------------------------------------------

    def _parse(self, body: object) -> ParentOrderSpec:
        return parse_create(body, self.engine.clock.now(), self.engine.mid_price)

    def _find(self, owner: str, ref: OrderRef) -> ParentOrder:
        order = self.book.find(owner, ref)
        if order is None:
            name = (
                f"orderId {ref.order_id}"
                if ref.order_id is not None
                else (f"clientOrderId {ref.client_order_id}")
            )
            raise invalid(f"Order not found: {name}")
        return order

    def _rejected(self, entry: object, message: str, code: ErrorCode) -> dict[str, Any]:
        # A batch element that was not created: no orderId, the caller's id echoed.
        client_order_id = entry.get("clientOrderId") if isinstance(entry, dict) else None
        return {
            "orderId": None,
            "clientOrderId": client_order_id if isinstance(client_order_id, str) else None,
            "status": AnbotoStatus.REJECTED.value,
            "createdAt": iso_ms(self.engine.clock.now()),
            "message": message,
            "errorCode": code.value,
        }
